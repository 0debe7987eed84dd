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

import csv
import io
import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govbudget.errors import FormatError, GovBudgetError
from govbudget.fastcsv import CANONICAL_HEADER
from govbudget.io import Limits, _SideRows, _sniff_encoding, finish_csv, iter_csv_lines, open_csv
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


#: The rows that are not lines (an empty kind too: the core path names it).
_NOT_LINE = "kind IS NULL OR kind NOT IN ('income', 'expenditure')"


class _NotCanonical(Exception):
    """The file needs the core path (which gives the result, or the error with its line)."""


def grouped_sql(relation: str, *, amount_scale: int | None = None) -> str:
    """The one query of the engine, one scan of the file with two groupings: per (kind,
    source, function, nature) and per (kind, source, nature, economic), the exact sum as
    text with the exponent ``Decimal`` addition would give it (that of the group's most
    precise amount) and whether every amount is canonical.  ``by_function`` tells the
    groupings apart.

    ``amount_scale``: ``None`` for amounts as text, else the scale of a DECIMAL column."""
    # Only lines are summed: the amount of a fact row may be text (a reason, a rating).
    line = "kind IN ('income', 'expenditure')"
    value = f"CAST(CASE WHEN {line} THEN amount END AS DECIMAL(38, 12))"
    if amount_scale is None:
        scale = "max(CASE WHEN strpos(amount, '.') > 0 THEN length(amount) - strpos(amount, '.') ELSE 0 END)"
        plain = f"bool_and(coalesce(regexp_full_match(amount, '{_AMOUNT_RE}'), false))"
    else:  # a DECIMAL column: every value is plain if it is not negative
        scale = str(int(amount_scale))
        plain = "bool_and(coalesce(amount >= 0, false))"
    # DECIMAL(38, 12) prints 12 decimals: cut the ones the amounts do not have (exact, the
    # sum has no more decimals than its most precise amount).
    text = ("CASE WHEN scale = 0 THEN left(t, length(t) - 13) "
            "ELSE left(t, length(t) - (12 - scale)) END")
    return (
        f"SELECT by_function, kind, source, function, economic, nature, {text} AS total, plain"
        " FROM ("
        f"SELECT grouping(economic) = 1 AS by_function, kind, source, function, economic, nature, "
        f"CAST(sum({value}) AS VARCHAR) AS t, {scale} AS scale, {plain} AS plain "
        f"FROM {relation} "
        f"GROUP BY GROUPING SETS ((kind, source, function, nature), (kind, source, nature, economic)))"
    )


def derive_file(path: str | Path, *, limits: Limits | None = None) -> Disclosure:
    """The nine tables from a ledger ``.csv`` or ``.parquet`` file, grouped by DuckDB."""
    p = Path(path)
    if p.suffix.lower() == ".parquet":
        return _derive_parquet(p)
    from govbudget.fastcsv import derive_csv_fast

    try:
        return _derive_csv(p, limits)
    except (_NotCanonical, GovBudgetError):
        # Also a bad code, balance or fact row: the core path names the line at fault.
        return derive_csv_fast(p, limits=limits)


def _connect() -> Any:
    import duckdb

    # An in-memory database: DuckDB spills the grouping to a temporary directory if it
    # outgrows its memory limit (80 % of RAM by default), so memory stays bounded.
    return duckdb.connect(":memory:")


def _derive_csv(p: Path, limits: Limits | None) -> Disclosure:
    import duckdb

    if _sniff_encoding(p) != "utf-8-sig":
        raise _NotCanonical  # GB18030: the core path decodes it
    with open_csv(p, limits) as (department, year, acc, side, lines):
        skip = 0
        for ln in lines:
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
        with exact_arithmetic():
            others = _add_groups(groups, acc)
        if others:
            # Balance, unit and fact rows (a few): read again in file order and collected
            # as the core path collects them (a repeated fact, a bad value: the core path).
            rows = con.execute(f"SELECT * FROM {relation} WHERE {_NOT_LINE}",
                               [str(p)]).fetchall()
            _add_side_rows(p, rows, side)
    except duckdb.Error:
        raise _NotCanonical from None
    finally:
        con.close()
    return finish_csv(p, department, year, acc, side)


def _add_side_rows(p: Path, rows: Sequence[tuple[Any, ...]], side: _SideRows) -> None:
    """Collect the non-line rows as :func:`govbudget.io.iter_csv_lines` reads them."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CANONICAL_HEADER.split(","))
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    for where, fact in iter_csv_lines(buf.getvalue(), source=str(p)):
        if not isinstance(fact, tuple):  # pragma: no cover - the query selected no line
            raise _NotCanonical
        side.add(where, fact)


def _add_groups(groups: Sequence[tuple[Any, ...]], acc: Accumulator) -> bool:
    """Add the grouped lines to ``acc``; ``_NotCanonical`` for a group the engine cannot take
    as it is.  True if the file has rows of other kinds (balances, units, facts), which are
    not summed here."""
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
    others = False
    decimal = Decimal
    for group in groups:
        by_function, kind, source, function, economic, nature, total, plain = group[:8]
        if kind not in ("income", "expenditure"):
            others = True  # balance, unit and fact rows (or a bad kind): read row by row
            continue
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
        elif kind == "income":
            if not by_function:
                continue  # income has no 经济 款: its grouping by function is the one
            by_fn = received.get(source)
            if by_fn is None or function not in known:
                raise _NotCanonical
            by_fn[function] += decimal(total)
    return others


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
        relation = "read_parquet(?)"
        groups = con.execute(grouped_sql(relation, amount_scale=int(scale[1]) if scale else None),
                             [str(p)]).fetchall()
        acc = Accumulator(edition)
        side = _SideRows(str(p))
        try:
            with exact_arithmetic():
                others = _add_groups(groups, acc)
        except _NotCanonical:
            # A row the grouping cannot take as it is (an amount with a sign or 13 decimals, a
            # code written leniently, a bad row): every row is read as the core path reads a
            # CSV row, named by its number.
            acc, side = Accumulator(edition), _SideRows(str(p))
            _parquet_in_full(con, p, "TRUE", acc, side)
        else:
            if others:  # balance, unit and fact rows, in file order
                _parquet_in_full(con, p, _NOT_LINE, acc, side)
    finally:
        con.close()
    return finish_csv(p, department, year, acc, side)


def _parquet_in_full(con: Any, p: Path, where: str, acc: Accumulator, side: _SideRows) -> None:
    """Read the rows of ``p`` that ``where`` selects, in order, each checked as a CSV row
    (``file:N``, N from 1) and added to ``acc`` (lines) or ``side`` (the rest)."""
    cursor = con.execute(
        "SELECT file_row_number, kind, unit, source, function, economic, nature, CAST(amount AS VARCHAR) "
        f"FROM read_parquet(?, file_row_number=true) WHERE {where} ORDER BY file_row_number", [str(p)])
    while rows := cursor.fetchmany(4096):
        batch: list[Any] = []
        places: list[str] = []
        for number, *row in rows:
            for place, fact in iter_csv_lines([CANONICAL_HEADER, _csv_line(row)], source=str(p),
                                              start=int(number) - 1):
                if isinstance(fact, tuple):
                    side.add(place, fact)
                else:
                    batch.append(fact)
                    places.append(place)
        acc.add_lines(batch, places.__getitem__)


def _csv_line(row: Sequence[Any]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(["" if v is None else v for v in row])
    return buf.getvalue()
