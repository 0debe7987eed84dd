"""Money: exact ``Decimal`` amounts, units (元 / 万元 / 亿元), display rounding, percentages
and rounding balance (舍位平衡).

Amounts are exact ``decimal.Decimal`` values end to end.  Floats are refused at the boundary
(:func:`to_decimal`), because a binary float cannot hold 0.1 元 exactly.  Rounding happens
only for presentation, with ``ROUND_HALF_UP`` (四舍五入) as the published reports do, and
always under a local decimal context so that the caller's global context is never touched.
"""

from __future__ import annotations

import enum
import functools
import math
import re
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from decimal import (
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
    localcontext,
)
from fractions import Fraction
from typing import Any, TypeVar

import attrs

from govbudget.errors import AmountError

__all__ = [
    "EXACT_DIGITS",
    "ZERO",
    "RoundingBalance",
    "Unit",
    "balance_rounding",
    "balance_shares",
    "convert",
    "display",
    "exact_arithmetic",
    "format_amount",
    "in_wide_context",
    "parse_amount",
    "percent",
    "round_half_up",
    "to_decimal",
]

ZERO = Decimal(0)
#: Amounts must stay below 10^MAX_DIGITS (in whatever unit they are given).
MAX_DIGITS = 20
#: Decimal places a parsed number may have (an exact share has ~30; junk has 100,000).
MAX_PLACES = 60
# Wide enough for any budget figure (10^15 元 with fen) and its intermediate products.
_CONTEXT = Context(prec=50)
#: Significant digits of the context in which sums of amounts are taken.
EXACT_DIGITS = 100
# Any rounding in a sum is an error (Inexact trapped), never a silent loss of a fen.
_EXACT = Context(prec=EXACT_DIGITS, traps=[Inexact, InvalidOperation, DivisionByZero, Overflow])


# Checking and narrative divide as well as add: the same width, no Inexact trap (a quotient is
# rounded at its 100th digit, far below any printed place).
_WIDE = Context(prec=EXACT_DIGITS, traps=[InvalidOperation, DivisionByZero, Overflow])

_F = TypeVar("_F", bound=Callable[..., Any])


def in_wide_context(function: _F) -> _F:
    """Run ``function`` in a local decimal context of 100 significant digits, whatever the
    caller's context: sums of amounts are exact in it and quotients carry 100 digits.  Used
    on every public entry point that computes with amounts (checking, narrative, readers,
    consolidation), so that a lowered ``decimal.getcontext().prec`` cannot change a result."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with localcontext(_WIDE):
            return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def exact_arithmetic() -> AbstractContextManager[Context]:
    """A local decimal context for sums of amounts: 100 significant digits, and
    :class:`decimal.Inexact` raised rather than any rounding, so that totals never depend on
    the caller's context (``decimal.getcontext().prec`` may have been lowered)."""
    return localcontext(_EXACT)


class Unit(enum.Enum):
    """Units of account printed in reports: 元, 万元 (10⁴ 元), 亿元 (10⁸ 元)."""

    YUAN = "元"
    WAN = "万元"
    YI = "亿元"

    @property
    def exponent(self) -> int:
        """Power of ten of one unit expressed in 元."""
        return {"元": 0, "万元": 4, "亿元": 8}[self.value]

    @classmethod
    def parse(cls, text: str) -> Unit:
        """Read a unit as printed (``元``, ``万元``, ``亿元``; spaces ignored)."""
        cleaned = str(text).replace(" ", "").replace("\u3000", "")
        for unit in cls:
            if cleaned == unit.value:
                return unit
        raise AmountError(f"unknown unit {text!r}; expected 元, 万元 or 亿元")


def to_decimal(value: object, *, where: str = "amount") -> Decimal:
    """Return ``value`` as an exact finite ``Decimal``.

    Accepts ``Decimal``, ``int`` and numeric strings (see :func:`parse_amount`).  Refuses
    ``float`` (binary floats are inexact), ``bool``, NaN and infinities with an
    :class:`~govbudget.errors.AmountError` that names ``where``.
    """
    # The common case first (a line's converter sees Decimals from readers): same checks.
    if type(value) is Decimal and value.is_finite() and (not value or value.adjusted() < MAX_DIGITS):
        return value
    if isinstance(value, bool):
        raise AmountError(f"{where}: a boolean is not an amount")
    if isinstance(value, float):
        raise AmountError(
            f"{where}: float {value!r} refused; pass a Decimal, an int or a string such as "
            f"'{value}' (floats cannot hold money exactly)"
        )
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise AmountError(f"{where}: {value} is not a finite amount")
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        result = parse_amount(value, where=where)
    else:
        raise AmountError(f"{where}: {type(value).__name__} {value!r} is not an amount")
    # No budget reaches 10^20 元; bounding magnitude and precision keeps every later
    # computation exact within the local context's 50 digits.
    if result and result.adjusted() >= MAX_DIGITS:
        raise AmountError(f"{where}: {str(value)[:30]!r} is out of range for an amount")
    return result


_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$|^[+-]?\.\d+$")
_PLAIN = re.compile(r"-?[0-9]{1,30}(?:\.[0-9]{1,30})?")


def parse_amount(text: str, *, where: str = "amount") -> Decimal:
    """Parse a printed amount: ``'3,881.84'``, ``'-152.16'``, ``'１２.５'`` (full-width).

    Thousands separators must be well placed; anything else is an error naming ``where``.
    """
    if not isinstance(text, str):
        raise AmountError(f"{where}: expected text, got {type(text).__name__}")
    if _PLAIN.fullmatch(text):  # plain ASCII digits, as in CSV files: nothing to clean
        return Decimal(text)
    import unicodedata

    cleaned = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    if not cleaned.isascii() or not _NUMBER.match(cleaned):
        raise AmountError(f"{where}: {text!r} is not an amount")
    try:
        value = Decimal(cleaned.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex admits only valid numbers
        raise AmountError(f"{where}: {text!r} is not an amount") from None
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_PLACES:
        # Below 10^20 and to at most 60 places, sums stay exact in the 100-digit context.
        raise AmountError(f"{where}: {text[:30]!r}… has more than {MAX_PLACES} decimal places")
    return value


def convert(amount: Decimal, from_unit: Unit, to_unit: Unit) -> Decimal:
    """Convert exactly between units (a shift of the decimal point, never a rounding)."""
    amount = to_decimal(amount)
    with localcontext(_CONTEXT):
        return amount.scaleb(from_unit.exponent - to_unit.exponent)


def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    """Round to ``places`` decimals with ROUND_HALF_UP (四舍五入), under a local context."""
    if not isinstance(value, Decimal):
        value = to_decimal(value)
    elif not value.is_finite():
        raise AmountError(f"{value} cannot be rounded")
    # Enough digits for the integer part plus the kept places, whatever the magnitude.
    prec = max(_CONTEXT.prec, value.adjusted() + places + 2)
    with localcontext(Context(prec=prec)):
        return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def display(amount_yuan: Decimal, unit: Unit = Unit.WAN, places: int = 2) -> Decimal:
    """The figure a report prints for an exact amount in 元: converted to ``unit`` and rounded
    to ``places`` decimals, ROUND_HALF_UP (e.g. 5,516,432 元 → 551.64 万元)."""
    return round_half_up(convert(amount_yuan, Unit.YUAN, unit), places)


def format_amount(value: Decimal, *, thousands: bool = True, places: int = 2) -> str:
    """Format an already-rounded figure as printed: ``3,881.84`` (or ``3881.84``)."""
    value = round_half_up(value, places)
    return f"{value:,.{places}f}" if thousands else f"{value:.{places}f}"


def percent(part: Decimal, whole: Decimal, places: int = 2) -> Decimal | None:
    """``part / whole × 100`` rounded ROUND_HALF_UP to ``places`` decimals.

    Returns ``None`` when ``whole`` is zero: a share or rate of a zero base is undefined and
    must not be printed as 0.00% or 100%.
    """
    part = to_decimal(part, where="part")
    whole = to_decimal(whole, where="whole")
    if whole == 0:
        return None
    with localcontext(_CONTEXT):
        return round_half_up(part * 100 / whole, places)


@attrs.frozen
class RoundingBalance:
    """Result of :func:`balance_rounding` (舍位平衡).

    ``parts`` are the displayed parts, ``total`` the displayed total (``sum(parts) == total``),
    ``rounded`` each part rounded on its own (ROUND_HALF_UP), and ``moved`` the indices of the
    parts that differ from their own rounding (each by exactly one display unit).
    """

    parts: tuple[Decimal, ...]
    total: Decimal
    rounded: tuple[Decimal, ...]
    moved: tuple[int, ...]


def balance_rounding(
    parts: Sequence[Decimal], total: Decimal | None = None, places: int = 2
) -> RoundingBalance:
    """Round ``parts`` so that they add up exactly to the rounded ``total`` (舍位平衡).

    ``total`` defaults to ``sum(parts)``; it must equal that sum (the parts must be the exact
    decomposition of the total).  Uses the largest-remainder method: every part is first
    rounded down, then the missing display units go to the parts with the largest remainders
    (ties: larger magnitude first, then earlier position).  Each displayed part is therefore
    its exact value rounded down or up, and differs from its own ROUND_HALF_UP rounding by at
    most one unit; ``moved`` says which parts differ.
    """
    exact = [Fraction(to_decimal(p, where=f"part {i}")) for i, p in enumerate(parts)]
    if total is not None and Fraction(to_decimal(total, where="total")) != sum(exact):
        raise AmountError(
            f"total {total} is not the sum of the parts ({sum(to_decimal(p) for p in parts)}); "
            "rounding balance needs the exact decomposition"
        )
    return _balance(exact, places)


def balance_shares(parts: Sequence[Decimal], whole: Decimal, places: int = 2) -> RoundingBalance:
    """Percent shares of ``parts`` in ``whole`` rounded so that they add up to the rounded
    share of their sum (100.00 when the parts make up the whole), each moved by at most one
    unit from its own ROUND_HALF_UP rounding.  Computed on exact fractions, not on rounded
    shares.  ``whole`` must not be zero."""
    w = Fraction(to_decimal(whole, where="whole"))
    if w == 0:
        raise AmountError("shares of a zero whole are undefined")
    return _balance(
        [Fraction(to_decimal(p, where=f"part {i}")) * 100 / w for i, p in enumerate(parts)], places
    )


def _round_fraction(value: Fraction, places: int) -> Decimal:
    scaled = value * 10**places
    units = math.floor(abs(scaled) + Fraction(1, 2))  # half away from zero = ROUND_HALF_UP
    return Decimal(units if scaled >= 0 else -units).scaleb(-places)


def _balance(exact: list[Fraction], places: int) -> RoundingBalance:
    scale = 10**places
    floors = [math.floor(v * scale) for v in exact]
    target_units = math.floor(abs(sum(exact) * scale) + Fraction(1, 2))
    if sum(exact) < 0:
        target_units = -target_units
    missing = target_units - sum(floors)
    order = sorted(
        range(len(exact)), key=lambda i: (-(exact[i] * scale - floors[i]), -abs(exact[i]), i)
    )
    units = list(floors)
    for i in order[:missing]:
        units[i] += 1
    displayed = tuple(Decimal(u).scaleb(-places) for u in units)
    rounded = tuple(_round_fraction(v, places) for v in exact)
    moved = tuple(i for i in range(len(exact)) if displayed[i] != rounded[i])
    return RoundingBalance(displayed, Decimal(target_units).scaleb(-places), rounded, moved)
