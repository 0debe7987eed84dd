"""The fast path of :func:`govbudget.io.derive_csv` (standard library only).

A ledger CSV written by a program is almost entirely in *canonical form*: the header
``kind,unit,source,function,economic,nature,amount`` in that order, and rows such as
``expenditure,,一般公共预算财政拨款,2010301,30101,基本支出,2699000.00`` — no quotes, no
padding, a known 来源/性质 written by its Chinese name, a plain amount (ASCII digits, at most
one point).  Such a row goes straight into the :class:`~govbudget.tables.Accumulator`'s
sums: a ``str.split``, three dict look-ups and a ``Decimal`` addition, with no line object,
no converter and no location string.

Every other row — the first one with a code not yet seen, a comment, a blank line, a quoted
or padded field, an enum written by its English name, an amount with a sign or thousands
separators, a balance row, a bad row — is handed to the full check
(:func:`govbudget.io.iter_csv_lines` and the accumulator's own check), record by record, with
its true line number: the result, the error message and its location are those of the full
check (:func:`govbudget.io.derive_csv_checked`).  A code is checked against the catalog once:
the first time it is met it takes the full path, which registers it in every sum.  A file
that is mostly not canonical is handed over whole to the full check after a few hundred such
rows, so the fast path never costs much more than the full one.

One difference, with two or more bad rows in a file: this path stops at the first bad row
in file order, while the full path parses a batch of 4,096 rows before checking their codes,
so it may name a later malformed row before an earlier unknown code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from govbudget.errors import GovBudgetError
from govbudget.io import (
    CSV_COLUMNS,
    Limits,
    _SideRows,
    accumulate_csv,
    derive_csv_checked,
    finish_csv,
    iter_csv_lines,
    open_csv,
)
from govbudget.ledger import IncomeSource, Nature
from govbudget.money import exact_arithmetic

if TYPE_CHECKING:
    from govbudget.tables import Accumulator, Disclosure

__all__ = ["CANONICAL_HEADER", "derive_csv_fast"]

#: The header of a canonical ledger CSV (the columns in their documented order).
CANONICAL_HEADER = ",".join(CSV_COLUMNS)

#: A canonical amount: what ``money.parse_amount`` reads without cleaning, bounded so that
#: no sum of fewer than 10^70 such amounts can need more than the exact context's 100 digits
#: (an ``Inexact`` cannot arise on this path) and no amount reaches ``MAX_DIGITS``.
_CANONICAL_AMOUNT = re.compile(r"[0-9]{1,15}(?:\.[0-9]{1,12})?")

#: After this many rows that needed the full check (other than the first row of each code),
#: if they are more than one in eight of the rows read, the rest of the file goes to the
#: full check in one piece.
_GIVE_UP_AFTER = 256


class _Slow(Exception):
    """Leaves the hot loop for a row that needs the full check."""


def derive_csv_fast(path: str | Path, *, limits: Limits | None = None) -> Disclosure:
    """The nine tables from a ledger CSV, canonical rows fast and the rest fully checked
    (same result, same errors as :func:`govbudget.io.derive_csv_checked`)."""
    p = Path(path)
    with open_csv(p, limits) as (department, year, acc, side, lines):
        canonical = _accumulate(lines, str(p), acc, side)
    if not canonical:
        return derive_csv_checked(p, limits=limits)
    return finish_csv(p, department, year, acc, side)


def _accumulate(f: Iterator[str], source: str, acc: Accumulator, side: _SideRows) -> bool:
    """Add the rows of ``f`` (the lines of the file); False (nothing added) if its header is
    not the canonical one (the full check then reads the whole file)."""
    physical = 0
    header = ""
    for ln in f:
        physical += 1
        if not ln.startswith("#") and ln.strip():
            header = ln
            break
    if header.rstrip("\r\n") != CANONICAL_HEADER:
        return False
    # The accumulator's own dicts, reached by the text of the fields: the same objects
    # Accumulator._add_other adds to, so both paths add into one set of sums.
    expenditure = {s.value: {n.value: by_function for n, by_function in acc.expenditure[s].items()}
                   for s in IncomeSource}
    income = {s.value: acc.income[s] for s in IncomeSource}
    economic_sums = acc.basic_economic
    gpb_basic = acc.expenditure[IncomeSource.GENERAL_PUBLIC_BUDGET][Nature.BASIC]
    plain = _CANONICAL_AMOUNT.fullmatch
    decimal = Decimal
    lines = iter(f)
    first = physical  # the header's line
    slow = 0
    ln = ""
    with exact_arithmetic():
        while True:
            try:
                for ln in lines:
                    physical += 1
                    # The hot loop: a row that is not exactly canonical fails one of these
                    # tests (ValueError: not 7 fields; KeyError: an unknown kind, source,
                    # nature or a code not yet checked) before anything of it is added.
                    kind, _, src, function, economic, nature, amount = ln.rstrip("\r\n").split(",")
                    if '"' in ln or not plain(amount):
                        raise _Slow
                    if kind == "expenditure":
                        if economic not in economic_sums:
                            raise _Slow
                        by_function = expenditure[src][nature]
                        value = decimal(amount)
                        by_function[function] += value
                        if by_function is gpb_basic:
                            economic_sums[economic] += value
                    elif kind == "income":
                        income[src][function] += decimal(amount)
                    else:
                        raise _Slow
                return True
            except (GovBudgetError, UnicodeDecodeError):
                # ValueErrors too, but of the file (a line too long, bytes that are not
                # text: the line reader names the line), not a row for the full check.
                raise
            except (_Slow, KeyError, ValueError):
                if slow > _GIVE_UP_AFTER and slow * 8 > physical - first:
                    _rest_in_full([header, ln], lines, source, physical - 2, acc, side)
                    return True
                known = len(economic_sums) + len(gpb_basic)
                physical = _one_in_full(header, ln, lines, source, physical, acc, side)
                # A row that registered a new code counts as canonical: there are only a
                # few thousand codes in a catalog, and the rows after it take the fast path.
                if len(economic_sums) + len(gpb_basic) == known:
                    slow += 1


def _one_in_full(header: str, ln: str, lines: Iterator[str], source: str, physical: int,
                 acc: Accumulator, side: _SideRows) -> int:
    """Check and add the record that starts with ``ln`` (physical line ``physical``) in
    full: the physical line reached (a quoted field may span lines; comments and blank
    lines are skipped, as the full check skips them)."""
    consumed = 0

    def feed() -> Iterator[str]:
        nonlocal consumed
        yield header
        yield ln
        for more in lines:
            consumed += 1
            yield more

    # ``start`` counts the header we put in front, so that locations are the file's own.
    record = iter_csv_lines(feed(), source=source, start=physical - 2)
    got = next(record, None)
    if got is not None:
        where, fact = got
        if isinstance(fact, tuple):
            side.add(where, fact)
        else:
            acc.add_lines((fact,), lambda _: where)
    return physical + consumed


def _rest_in_full(head: list[str], lines: Iterator[str], source: str, start: int,
                  acc: Accumulator, side: _SideRows) -> None:
    """The rest of the file (``head`` then ``lines``) through the full check."""

    def feed() -> Iterator[str]:
        yield from head
        yield from lines

    accumulate_csv(feed(), source, acc, side, start=start)
