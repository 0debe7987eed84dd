"""The DuckDB engine (``govbudget[duckdb]``): a ledger CSV or Parquet file grouped by DuckDB.

DuckDB reads the file in parallel and sums the amounts per distinct (kind, 来源, 功能 项, 经济
款, 性质) as ``DECIMAL(38, 12)`` — exact: a canonical amount has at most 15 integer digits and
12 decimals, and an overflow is an error, never a rounding.  The few thousand groups then go
through the same :class:`~govbudget.tables.Accumulator` as the core path, so every distinct code
is validated against the catalog and the roll-up is the core one; each group's sum is given
the exponent of its most precise amount (as ``Decimal`` addition gives it), so the
:class:`~govbudget.tables.Disclosure` is the core path's to the last digit.

A CSV that is not canonical (see :mod:`govbudget.fastcsv`) in any way DuckDB can see — a
field DuckDB cannot parse, a padded or unknown value, an amount that is not plain, a code
the catalog refuses, a repeated single balance row — is handed to the core path, so a bad
file gets the core path's error naming its line.

A Parquet ledger has the CSV's seven columns (``amount`` as text or DECIMAL) and the ledger's
identity in its key-value metadata (``department``, ``fiscal_year``, ``edition``).  A bad row
is named as ``file:N``, N counting the rows of data from 1.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govbudget.errors import FormatError, GovBudgetError
from govbudget.fastcsv import CANONICAL_HEADER
from govbudget.io import (
    _BALANCE_KINDS,
    _BalanceRows,
    _csv_meta,
    csv_errors,
    finish_csv,
    iter_csv_lines,
)
from govbudget.ledger import IncomeSource, Nature
from govbudget.money import ZERO, exact_arithmetic

if TYPE_CHECKING:
    from govbudget.tables import Accumulator, Disclosure

__all__ = ["derive_file", "grouped_sql"]

#: The canonical amount, as :mod:`govbudget.fastcsv` defines it (RE2 syntax).
_AMOUNT_RE = r"[0-9]{1,15}(\.[0-9]{1,12})?"
_FUNCTION = re.compile(r"[0-9]{7}").fullmatch
_ECONOMIC = re.compile(r"[0-9]{5}").fullmatch
_SOURCES = {s.value: s for s in IncomeSource}
_NATURES = {n.value: n for n in Nature}
_SINGLE_KINDS = frozenset(_BALANCE_KINDS) - {"opening_fiscal", "opening_government_fund"}


class _NotCanonical(Exception):
    """The file needs the core path (which gives the result, or the error with its line)."""


def grouped_sql(relation: str, *, amount_scale: int | None = None, row_numbers: bool = False) -> str:
    """The one query of the engine, one scan of the file with two groupings: per (kind,
    source, function, nature) and per (kind, source, nature, economic), the exact sum as
    text with the exponent ``Decimal`` addition would give it (that of the group's most
    precise amount), whether every amount is canonical, the number of rows (and, for
    Parquet, the first row).  ``by_function`` tells the groupings apart.

    ``amount_scale``: ``None`` for amounts as text, else the scale of a DECIMAL column."""
    value = "CAST(amount AS DECIMAL(38, 12))"
    if amount_scale is None:
        scale = "max(CASE WHEN strpos(amount, '.') > 0 THEN length(amount) - strpos(amount, '.') ELSE 0 END)"
        plain = f"bool_and(coalesce(regexp_full_match(amount, '{_AMOUNT_RE}'), false))"
    else:  # a DECIMAL column: every value is plain if it is not negative
        scale = str(int(amount_scale))
        plain = "bool_and(coalesce(amount >= 0, false))"
    first = ", min(file_row_number) AS first_row" if row_numbers else ""
    # DECIMAL(38, 12) prints 12 decimals: cut the ones the amounts do not have (exact, the
    # sum has no more decimals than its most precise amount).
    text = ("CASE WHEN scale = 0 THEN left(t, length(t) - 13) "
            "ELSE left(t, length(t) - (12 - scale)) END")
    return (
        f"SELECT by_function, kind, source, function, economic, nature, {text} AS total, plain, n"
        f"{', first_row' if row_numbers else ''} FROM ("
        f"SELECT grouping(economic) = 1 AS by_function, kind, source, function, economic, nature, "
        f"CAST(sum({value}) AS VARCHAR) AS t, {scale} AS scale, {plain} AS plain, count(*) AS n{first} "
        f"FROM {relation} "
        f"GROUP BY GROUPING SETS ((kind, source, function, nature), (kind, source, nature, economic)))"
    )


def derive_file(path: str | Path) -> Disclosure:
    """The nine tables from a ledger ``.csv`` or ``.parquet`` file, grouped by DuckDB."""
    p = Path(path)
    if p.suffix.lower() == ".parquet":
        return _derive_parquet(p)
    from govbudget.fastcsv import derive_csv_fast

    try:
        return _derive_csv(p)
    except (_NotCanonical, GovBudgetError):
        # Also a bad code or balance: the core path names the line at fault.
        return derive_csv_fast(p)


def _connect() -> Any:
    import duckdb

    # An in-memory database: DuckDB spills the grouping to a temporary directory if it
    # outgrows its memory limit (80 % of RAM by default), so memory stays bounded.
    return duckdb.connect(":memory:")


def _derive_csv(p: Path) -> Disclosure:
    import duckdb

    from govbudget.tables import Accumulator

    with csv_errors(p):
        with p.open(encoding="utf-8-sig", newline="") as f:
            department, year, edition = _csv_meta(f, str(p))
        with p.open(encoding="utf-8-sig", newline="") as f:
            skip = 0
            for ln in f:
                if not ln.startswith("#") and ln.strip():
                    if ln.rstrip("\r\n") != CANONICAL_HEADER:
                        raise _NotCanonical
                    break
                skip += 1
    columns = ", ".join(f"'{c}': 'VARCHAR'" for c in CANONICAL_HEADER.split(","))
    relation = (
        f"read_csv(?, skip={skip}, header=true, delim=',', quote='\"', escape='\"', "
        f"columns={{{columns}}}, strict_mode=true, encoding='utf-8')"
    )
    con = _connect()
    try:
        groups = con.execute(grouped_sql(relation), [str(p)]).fetchall()
    except duckdb.Error:
        raise _NotCanonical from None
    finally:
        con.close()
    acc = Accumulator(edition)
    bal = _BalanceRows()
    with exact_arithmetic():
        _add_groups(groups, acc, bal, None)
    return finish_csv(p, department, year, acc, bal)


def _add_groups(groups: Sequence[tuple[Any, ...]], acc: Accumulator, bal: _BalanceRows,
                bad: Any) -> None:
    """Add the grouped rows to ``acc`` and ``bal``; ``_NotCanonical`` (or ``bad(group)``,
    which raises the error of the group's first row) for a group the engine cannot take as
    it is."""
    checker = acc.checker
    # The accumulator's sums by the text of 来源 and 性质 (the pairs a source may fund only).
    spent = {(s.value, n.value): by_function for s in IncomeSource
             for n, by_function in acc.expenditure[s].items()}
    received = {s.value: acc.income[s] for s in IncomeSource}
    gpb_basic = spent[IncomeSource.GENERAL_PUBLIC_BUDGET.value, Nature.BASIC.value]
    economic_sums = acc.basic_economic
    # Codes are checked (and entered in every map) once each, in code order: the order of
    # DuckDB's groups varies from run to run, and the accumulator keeps the order it meets
    # codes in (the tables do not depend on it).
    functions = sorted({g[3] for g in groups if g[0] and g[1] in ("income", "expenditure") and g[3]})
    known = {f for f in functions if _FUNCTION(f) and checker.is_function(f)}
    for f in functions:
        if f in known:
            acc._register(f)  # every map holds every checked 项 (see Accumulator)
    singles: set[str] = set()
    decimal = Decimal
    for group in groups:
        by_function, kind, source, function, economic, nature, total, plain, n = group[:9]
        try:
            if not plain or total is None:
                raise _NotCanonical
            if kind == "expenditure":
                by_fn = spent.get((source, nature))
                if by_fn is None:
                    raise _NotCanonical
                if by_function:
                    if function not in known:
                        raise _NotCanonical
                    by_fn[function] += decimal(total)
                elif economic in economic_sums or (economic and _ECONOMIC(economic) and checker.is_economic(economic)):
                    economic_sums.setdefault(economic, ZERO)
                    if by_fn is gpb_basic:
                        economic_sums[economic] += decimal(total)
                else:
                    raise _NotCanonical
            elif not by_function:
                continue  # every other kind is taken from its grouping by function
            elif kind == "income":
                by_fn = received.get(source)
                if by_fn is None or function not in known:
                    raise _NotCanonical
                by_fn[function] += decimal(total)
            elif kind == "opening_fiscal":
                src = _SOURCES.get(source or "")
                if src is None:
                    raise _NotCanonical
                bal.fiscal.append((src, decimal(total)))
            elif kind == "opening_government_fund":
                if not (function and _FUNCTION(function)):
                    raise _NotCanonical
                bal.add("", (kind, "", function, decimal(total)))
            elif kind in _SINGLE_KINDS and kind not in singles and n == 1:
                singles.add(kind)  # the core path keeps the last of repeated rows: not a sum
                bal.add("", (kind, "", "", decimal(total)))
            else:
                raise _NotCanonical
        except _NotCanonical:
            if bad is None:
                raise
            bad(group)


def _derive_parquet(p: Path) -> Disclosure:
    import duckdb

    from govbudget.tables import Accumulator

    con = _connect()
    try:
        try:
            meta = dict(con.execute("SELECT decode(key), decode(value) FROM parquet_kv_metadata(?)",
                                    [str(p)]).fetchall())
            types = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(?))",
                                     [str(p)]).fetchall())
        except duckdb.Error as exc:
            raise FormatError(f"{p}: cannot read as Parquet ({str(exc).splitlines()[0]})") from None
        missing = [c for c in CANONICAL_HEADER.split(",") if c not in types]
        if missing:
            raise FormatError(f"{p}: Parquet ledger lacks the columns {missing}")
        try:
            department, year, edition = meta["department"], int(meta["fiscal_year"]), int(meta["edition"])
        except (KeyError, ValueError):
            raise FormatError(f"{p}: Parquet metadata must give department, fiscal_year and edition "
                              f"(found {sorted(meta)})") from None
        kind_of_amount = types["amount"]
        scale = re.fullmatch(r"DECIMAL\(\d+,(\d+)\)", kind_of_amount.replace(" ", ""))
        if kind_of_amount != "VARCHAR" and (scale is None or int(scale[1]) > 12):
            raise FormatError(f"{p}: column amount is {kind_of_amount}; store amounts as text or "
                              "DECIMAL with at most 12 decimals, never as floats")
        relation = "read_parquet(?, file_row_number=true)"
        groups = con.execute(grouped_sql(relation, amount_scale=int(scale[1]) if scale else None,
                                         row_numbers=True), [str(p)]).fetchall()

        def bad(group: tuple[Any, ...]) -> None:
            row = con.execute(
                "SELECT kind, unit, source, function, economic, nature, CAST(amount AS VARCHAR) "
                "FROM read_parquet(?, file_row_number=true) WHERE file_row_number = ?",
                [str(p), group[9]]).fetchone()
            _check_row(p, int(group[9]) + 1, row, edition)
            raise FormatError(f"{p}:{int(group[9]) + 1}: a row of this kind cannot be summed "
                              f"(a repeated {group[0]} row?)")

        acc = Accumulator(edition)
        bal = _BalanceRows()
        with exact_arithmetic():
            _add_groups(groups, acc, bal, bad)
    finally:
        con.close()
    return finish_csv(p, department, year, acc, bal)


def _check_row(p: Path, number: int, row: Any, edition: int) -> None:
    """Check one Parquet row as the core path checks a CSV row: its error names ``p:number``."""
    import csv
    import io

    from govbudget.tables import Accumulator

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(["" if v is None else v for v in row])
    for where, fact in iter_csv_lines([CANONICAL_HEADER, buf.getvalue()], source=str(p), start=number - 2):
        if not isinstance(fact, tuple):
            place = [where]
            Accumulator(edition).add_lines((fact,), place.__getitem__)  # a code the catalog refuses
