"""The exception hierarchy: every error govbudget raises derives from :class:`GovBudgetError`.

Each error says what was wrong and where (file, line, table, row, field or code), so a user
can act on the message alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

_L = TypeVar("_L")


class GovBudgetError(Exception):
    """Base class of every error raised by govbudget."""


class InvalidCodeError(GovBudgetError, ValueError):
    """A subject code (科目编码) that is malformed: not 3, 5 or 7 digits, or not a string."""


class UnknownSubjectError(GovBudgetError, KeyError):
    """A well-formed code that the catalog does not list.  Carries close matches."""

    def __init__(self, code: str, catalog: str, suggestions: Sequence[str] = ()) -> None:
        self.code = code
        self.catalog = catalog
        self.suggestions = tuple(suggestions)
        hint = f"; did you mean {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"unknown subject {code} in {catalog}{hint}")

    def __str__(self) -> str:  # KeyError would quote the message; keep it readable.
        return str(self.args[0])


class UnknownEditionError(GovBudgetError, LookupError):
    """An edition (year) or scheme for which no catalog is shipped."""


class AmountError(GovBudgetError, ValueError):
    """A malformed amount: a float, NaN, infinity, or text that is not a number."""


class LedgerError(GovBudgetError, ValueError):
    """A ledger fact that is inconsistent with the catalog or the table rules."""


class FormatError(GovBudgetError, ValueError):
    """A file that cannot be read: wrong schema, truncated, malformed (names file/line/field)."""


class ExtractError(FormatError):
    """A published document that cannot be extracted (truncated, encrypted, corrupt, too large).

    ``source`` names the file and ``page`` the page at fault (``None``: the file as a whole);
    both are part of the message.
    """

    def __init__(self, source: str, message: str, page: int | None = None) -> None:
        self.source = source
        self.page = page
        where = source if page is None else f"{source}, page {page}"
        super().__init__(f"{where}: {message}")


class MissingExtraError(GovBudgetError, ImportError):
    """An optional dependency (an extra such as ``govbudget[pdf]``) that is not installed.

    The message says how to install it.
    """

    def __init__(self, extra: str, package: str, what: str, source: str | None = None) -> None:
        self.extra = extra
        self.package = package
        self.source = source
        where = f"{source}: " if source else ""
        super().__init__(
            f"{where}reading {what} needs {package}: pip install 'govbudget[{extra}]' "
            f"(or, in a checkout, uv sync --extra {extra})"
        )


class LimitError(FormatError):
    """An input over a configured bound (超过上限: file size, line length, JSON depth, integer
    size, a workbook's inflated size): refused before it is parsed, so that an untrusted file
    cannot exhaust memory or time.

    ``place`` names the file (and line) at fault, ``limit`` the bound's name (``max_bytes``)
    and ``env`` the environment variable that raises it; all three are in the message.
    """

    def __init__(self, place: str, what: str, *, limit: str, env: str | None = None) -> None:
        self.place = place
        self.what = what
        self.limit = limit
        self.env = env
        hint = f"; set {env} to raise it if the input is genuine" if env else ""
        super().__init__(f"{place}: {what} (limit {limit}, 超过上限{hint})")

    def __reduce__(self) -> tuple[object, ...]:  # picklable: check --jobs sends errors between processes
        return (_limit_error, (self.place, self.what, self.limit, self.env))


def _limit_error(place: str, what: str, limit: str, env: str | None) -> LimitError:
    return LimitError(place, what, limit=limit, env=env)


def limits_from_env(limits: _L, env: Mapping[str, str], what: str = "limit") -> _L:
    """``limits`` with each bound named in ``env`` (field → variable) replaced by the
    variable's value when it is set (a whole number; seconds may have a fraction).  A
    malformed or negative value is an :class:`ArgumentError` naming the variable."""
    import os

    import attrs

    changes: dict[str, object] = {}
    for field, var in env.items():
        raw = os.environ.get(var)
        if raw is None or not raw.strip():
            continue
        try:
            changes[field] = float(raw) if isinstance(getattr(limits, field), float) else int(raw)
        except ValueError:
            raise ArgumentError(f"{var}={raw!r} is not a number ({what} {field})") from None
        if changes[field] < 0:  # type: ignore[operator]
            raise ArgumentError(f"{var}={raw!r}: a {what} cannot be negative")
    return attrs.evolve(limits, **changes) if changes else limits  # type: ignore[misc]


class OutputError(GovBudgetError, OSError):
    """An output that cannot be written: missing directory, a directory, no permission, a full
    disk, or a path that is one of the inputs (never overwritten)."""


class ArgumentError(GovBudgetError, TypeError):
    """A public function called with an argument of the wrong type (``derive(None)``)."""


def require(value: object, kind: type | tuple[type, ...], function: str, argument: str) -> None:
    """Raise :class:`ArgumentError` unless ``value`` is a ``kind``: public entry points check
    their arguments so that a slip gives a clear message, not an AttributeError deep inside."""
    if not isinstance(value, kind):
        names = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
        raise ArgumentError(f"{function}(): {argument} must be a {names}, not {type(value).__name__}")
