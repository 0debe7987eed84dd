"""Disclosure tables derived from a ledger, laid out by the family spec (:mod:`govbudget.spec`).

:func:`derive` turns a :class:`~govbudget.ledger.Ledger` into a :class:`Disclosure` whose
tables agree with each other by construction: every total, subtotal and cross-table figure
is computed from the same accumulated facts, exactly, in 元.  Rounding to 万元 happens only
when a table is rendered (:mod:`govbudget.render`), cell by cell, which is why published
tables show rounding tails (尾差).

Derivation streams (:class:`Accumulator`): it consumes lines (an iterator a chunk of 4,096 at
a time) and holds only one sum per distinct (来源, 性质, 功能 项) (plus one per 经济 款 for the
一般公共预算 基本支出 that 公开06表 details), so millions of lines fit in memory bounded by the
number of distinct subjects (``govbudget.io.derive_csv`` streams them from a file).  Sums are
exact whatever the caller's decimal context.

Nothing here restates the layout: titles, notes, columns, 栏次, fixed rows, 行次, panels and
the subject rows of each table come from the family spec (:mod:`govbudget.families.final`),
and the subject rows from the edition's catalog.  This module supplies the facts the spec
cannot know (the ledger's sums by 来源, 性质, 功能 and 经济分类, the balances); every declared
sum (a column's or row's ``sum_of``, a parent subject) is computed from them.
"""

from __future__ import annotations

import functools
import itertools
import operator
import types
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal, Inexact
from typing import Any, TypeVar

import attrs

from govbudget.classification import Catalog, Level, catalog
from govbudget.errors import AmountError, GovBudgetError, LedgerError, require
from govbudget.ledger import (
    FISCAL_SOURCES,
    Balances,
    ExpenditureLine,
    IncomeLine,
    IncomeSource,
    Ledger,
    LineChecker,
    Nature,
    ThreePublicAmounts,
    ThreePublicExpenses,
)
from govbudget.money import EXACT_DIGITS, ZERO, Unit, exact_arithmetic, in_wide_context
from govbudget.spec import SUBJECTS, ColumnSpec, FamilySpec, TableSpec, family, terms

__all__ = [
    "Accumulator",
    "Column",
    "Disclosure",
    "Row",
    "Table",
    "consolidate",
    "derive",
    "derive_stream",
]

#: A table's column is its declared spec (key, title, 栏次, side).
Column = ColumnSpec

_NUMERALS = "一二三四五六七八九十"


def chinese_ordinal(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一 (as printed before the 类 rows: 二十一、…)."""
    if n <= 10:
        return _NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "十" if tens == 1 else _NUMERALS[tens - 1] + "十"
    return head + (_NUMERALS[ones - 1] if ones else "")


@attrs.frozen
class Row:
    """A row: ``key`` (a subject code, or a label id such as ``income_total``), the printed
    ``label``, the subject ``code`` and ``level`` where it is a subject row, the 行次 ``line``
    where printed, the ``side`` (or panel of 公开06表), and one value per column of that
    side (``values`` is empty for a padding row)."""

    key: str
    label: str
    values: tuple[Decimal, ...] = ()
    code: str | None = None
    level: Level | None = None
    line: int | None = None
    side: str = ""


@attrs.frozen
class Table:
    """One disclosure table laid out by its ``spec``.  Values are exact 元 when ``unit`` is
    元 (derived), or figures as printed when read from a published report (``unit`` 万元)."""

    # The repr names the spec only: the whole declaration would drown the figures.
    spec: TableSpec = attrs.field(repr=lambda spec: f"<{spec.label} {spec.title}>")
    columns: tuple[Column, ...] = attrs.field(repr=False)
    rows: tuple[Row, ...]
    unit: Unit = Unit.YUAN
    #: Cells whose fact is not stated (缺失: a ledger without “三公”经费 facts), as (row key,
    #: column key).  Their values are zero only so that sums stay typed; they print blank, are
    #: ``null`` in JSON, and are "not read" to the checker (never compared with a zero).
    missing: frozenset[tuple[str, str]] = frozenset()

    def is_missing(self, row_key: str, column_key: str) -> bool:
        """True when the cell's fact is not stated (see ``missing``)."""
        return bool(self.missing) and (row_key, column_key) in self.missing

    def all_missing(self) -> Table:
        """This table with every cell missing (a table whose facts are not stated)."""
        return attrs.evolve(self, missing=frozenset((r.key, c.key) for r in self.rows if r.values
                                                    for c in self.columns_of(r)))

    @property
    def id(self) -> str:
        """The table id (``"05"``)."""
        return self.spec.id

    @property
    def title(self) -> str:
        """The official title (as the family's template prints it)."""
        return self.spec.title

    @property
    def note(self) -> str:
        """The note printed under the table (注：…)."""
        return self.spec.note

    @property
    def empty_statement(self) -> str | None:
        """The statement printed under the table when it has no data."""
        return self.spec.empty_statement

    @property
    def label(self) -> str:
        """``公开05表`` for table 05."""
        return self.spec.label

    def columns_for(self, side: str = "") -> tuple[Column, ...]:
        """The columns of one side (all columns for a one-sided table)."""
        own = tuple(c for c in self.columns if c.side == side)
        return own or tuple(c for c in self.columns if not c.side)

    def columns_of(self, row: Row) -> tuple[Column, ...]:
        """The columns a row has values for (those of its side in a 总表)."""
        return self.columns_for(row.side if self.spec.two_sided else "")

    def row(self, key: str) -> Row:
        """The row with this key; :class:`GovBudgetError` naming the table if absent."""
        found = self.get_row(key)
        if found is None:
            raise GovBudgetError(f"{self.label}: no row {key!r}")
        return found

    def get_row(self, key: str) -> Row | None:
        """The row with this key, or ``None``."""
        return self._row_index.get(key)

    @functools.cached_property
    def _row_index(self) -> dict[str, Row]:
        # The checker asks for tens of thousands of cells; a scan per look-up was its hot spot.
        index: dict[str, Row] = {}
        for r in self.rows:
            index.setdefault(r.key, r)
        return index

    def cell(self, row_key: str, column_key: str) -> Decimal:
        """The value at (row, column); a subject row absent from the table is zero."""
        row = self.get_row(row_key)
        if row is None:
            # An absent row is zero in any column the table has (on either side).
            if not any(c.key == column_key for c in self.columns):
                raise GovBudgetError(f"{self.label}: no column {column_key!r}")
            return ZERO
        cols = self.columns_of(row)
        index = next((i for i, c in enumerate(cols) if c.key == column_key), None)
        if index is None:
            raise GovBudgetError(f"{self.label}: no column {column_key!r}")
        if not row.values:
            return ZERO
        return row.values[index]

    @property
    def is_empty(self) -> bool:
        """True when every value is zero and stated (the table is printed with its statement;
        a table with missing facts is not known to be empty)."""
        return not self.missing and all(v == 0 for r in self.rows for v in r.values)

    @property
    def statement(self) -> str | None:
        """The statement printed under the table when it has no data (公开07/08/09)."""
        return self.empty_statement if self.is_empty else None

    def subject_rows(self) -> tuple[Row, ...]:
        """Rows that carry a subject code."""
        return tuple(r for r in self.rows if r.code)

    def panel_groups(self) -> tuple[list[list[Row]], dict[str, int]]:
        """The subject rows of a panelled table (公开06) in printed column groups: each panel
        starts a group, and a 类 in its ``PanelSpec.break_before`` starts another; with the
        index of each panel's first group.  Rendering and the layout grid both print these."""
        groups: list[list[Row]] = []
        first_group: dict[str, int] = {}
        for panel in self.spec.panels:
            first_group[panel.key] = len(groups)
            groups.append([])
            for r in self.rows:
                if r.side != panel.key or not r.code:
                    continue
                if r.code in panel.break_before and groups[-1]:
                    groups.append([])
                groups[-1].append(r)
        return groups, first_group

    def to_frame(self, *, fen: bool = False) -> Any:
        """The table as a pandas DataFrame (the ``pandas`` extra; see :mod:`govbudget.frames`)."""
        from govbudget.frames import table_frame

        return table_frame(self, fen=fen)


def _frozen_tables(tables: Mapping[str, Table]) -> Mapping[str, Table]:
    return types.MappingProxyType(dict(tables))


@attrs.frozen(kw_only=True)
class Disclosure:
    """One department's disclosure: its ``family`` (``"final"`` 部门决算), the catalog
    ``edition``, the department, the fiscal year and its tables by id, in printed order."""

    family: str = "final"
    edition: int
    department: str
    fiscal_year: int
    tables: Mapping[str, Table] = attrs.field(converter=_frozen_tables, hash=False)

    @property
    def spec(self) -> FamilySpec:
        """The family spec the tables are laid out by."""
        return family(self.family)

    def table(self, table_id: str) -> Table:
        """A table by id (``"05"``, ``"5"`` or ``"公开05表"``)."""
        key = self.spec.table(table_id).id
        found = self.tables.get(key)
        if found is None:
            raise GovBudgetError(f"{self.department}: table {key} is not in this disclosure")
        return found

    def to_frames(self, *, fen: bool = False) -> dict[str, Any]:
        """Every table as a pandas DataFrame, by id (see :mod:`govbudget.frames`)."""
        from govbudget.frames import disclosure_frames

        return disclosure_frames(self, fen=fen)

    @in_wide_context
    def __add__(self, other: Disclosure) -> Disclosure:
        """Consolidate two disclosures cell by cell (rows united by key), laid out again."""
        if not isinstance(other, Disclosure):
            return NotImplemented
        if other.family != self.family:
            raise GovBudgetError(f"cannot add a {other.family} disclosure to a {self.family} one")
        # A cell missing from either is missing from the sum.
        summed = {tid: attrs.evolve(_relayout(_add_tables(t, other.table(tid)), self.edition),
                                    missing=t.missing | other.table(tid).missing)
                  for tid, t in self.tables.items()}
        return attrs.evolve(self, tables=summed)


def _add_tables(a: Table, b: Table) -> Table:
    if a.unit is not b.unit:
        raise GovBudgetError(f"{a.label}: cannot add tables in {a.unit.value} and {b.unit.value}")
    merged: dict[tuple[str, str], Row] = {}
    for r in (*a.rows, *b.rows):
        prev = merged.get((r.side, r.key))
        if prev is not None:
            if prev.values and r.values:
                r = attrs.evolve(prev, values=tuple(x + y for x, y in zip(prev.values, r.values, strict=True)))
            else:
                r = prev
        merged[(r.side, r.key)] = r
    return attrs.evolve(a, rows=tuple(merged.values()))


def _relayout(table: Table, edition: int) -> Table:
    """Lay a cell-wise sum out again like a derived table (fixed rows, 行次, extra subjects
    in place).  Every cell of a sum is the sum of the cells (all are linear in the facts),
    so only the layout is redone."""
    if table.unit is not Unit.YUAN:
        return table
    spec = table.spec
    values = {(r.side, r.key): dict(zip((c.key for c in table.columns_for(r.side)), r.values, strict=True))
              for r in table.rows if r.values}
    subjects = {r.code: values[(r.side, r.key)] for r in table.rows if r.code and r.values}
    if spec.panels:
        return _paneled(spec, edition, {c: v for c, v in subjects.items() if _is_leaf(spec, c)})
    if spec.two_sided:
        return _two_sided(spec, edition, values, subjects)
    if spec.subjects is not None:
        leaves = {c: v for c, v in subjects.items() if _is_leaf(spec, c)}
        return _subject_table(spec, edition, leaves)
    if any(r.key not in {f.key for f in spec.rows} for r in table.rows):
        # Rows beyond the fixed ones (a 部门预算 收入总表's units, 项目支出表's projects) are
        # already summed cell by cell, united by key: nothing to lay out again.
        return table
    return _fixed_table(spec, {key: v for (_, key), v in values.items()})


def _is_leaf(spec: TableSpec, code: str) -> bool:
    assert spec.subjects is not None
    return len(code) == spec.subjects.levels[-1].digits


# -- accumulation ----------------------------------------------------------------------
#: The natures each source may fund: 财政拨款 funds only 基本支出 and 项目支出.
_NATURES_OF = {s: ((Nature.BASIC, Nature.PROJECT) if s.is_fiscal else tuple(Nature)) for s in IncomeSource}


class _Fallback(Exception):
    """Leaves the hot loop for a line that needs the full check (an unknown code or type)."""


#: Lines read at a time from an iterator (a list or tuple is read in place).
_CHUNK = 4096


def _checked_amount(amount: object, where: str) -> Decimal:
    if type(amount) is not Decimal:  # only a line built around its converter gets here
        raise LedgerError(f"{where}: amount {amount!r} is not a Decimal")
    return amount


class Accumulator:
    """Per-key sums of a stream of lines (the only state derivation keeps).

    ``expenditure[source][nature][function]`` sums the spending by 来源 × 性质 × 功能 项,
    ``income[source][function]`` the income by 来源 × 功能 项, and ``basic_economic[款]``
    the 一般公共预算 基本支出 by 经济分类 款, which 公开06表 details: no table needs the 款 of
    any other spending, so it is checked on every line but not kept.  ``expenditure[source]``
    holds only the natures the source may fund.  Each code is validated once against the
    catalog edition; a bad line is reported with its location.  Memory is bounded by the
    number of distinct keys, never by the number of lines.

    Sums are exact whatever the caller's decimal context: they are taken in a local context
    that refuses any rounding.
    """

    def __init__(self, edition: int) -> None:
        self.edition = edition
        self.checker = LineChecker(edition)
        # Nested by singleton enums rather than keyed by tuples: the hot loop then builds no
        # key object and hashes only enum identities and code strings (whose hash is cached).
        self.expenditure: dict[IncomeSource, dict[Nature, dict[str, Decimal]]] = {
            s: {n: {} for n in _NATURES_OF[s]} for s in IncomeSource
        }
        self.income: dict[IncomeSource, dict[str, Decimal]] = {s: {} for s in IncomeSource}
        self.basic_economic: dict[str, Decimal] = {}
        self._count = 0

    def add_lines(self, lines: Iterable[IncomeLine | ExpenditureLine],
                  where: Callable[[int], str] | None = None) -> None:
        """Add a stream of lines (consumed once).  ``where(i)`` names the i-th line of this
        call in an error message (default: its position in the whole stream)."""
        if isinstance(lines, (list, tuple)):
            chunks: Iterable[Sequence[Any]] = (lines,)
        else:  # an iterator is read in chunks, so that a line's position is known cheaply
            stream = iter(lines)
            chunks = iter(lambda: list(itertools.islice(stream, _CHUNK)), [])
        offset = 0
        try:
            with exact_arithmetic():
                for chunk in chunks:
                    offset += self._add_chunk(chunk, offset, where)
        finally:  # positions keep counting after a bad line (which counts as read)
            self._count += offset

    def _add_chunk(self, chunk: Sequence[Any], offset: int, where: Callable[[int], str] | None) -> int:
        """Add the lines of ``chunk`` (the first being line ``offset`` of this call); the number
        of lines read, which is ``len(chunk)`` unless a bad line stops it."""
        lines = iter(chunk)
        try:
            self._add_iterator(lines, offset, len(chunk), where)
        except GovBudgetError:
            self._count += len(chunk) - operator.length_hint(lines)
            raise
        return len(chunk)

    def _add_iterator(self, lines: Iterator[Any], offset: int, size: int,
                      where: Callable[[int], str] | None) -> None:
        exp, inc, eco = self.expenditure, self.income, self.basic_economic
        gpb_basic = exp[IncomeSource.GENERAL_PUBLIC_BUDGET][Nature.BASIC]
        kind_e, kind_i = ExpenditureLine, IncomeLine
        line: Any = None
        while True:
            try:
                # The hot loop of derivation: per line a type test, a membership test and
                # one or two additions into small dicts.  Every code already checked is
                # present in every dict (at zero), so a code met for the first time (a
                # KeyError), a bad line or a subclass leaves the loop for the full check of
                # that line, which names it, and the loop resumes after it.
                for line in lines:
                    if type(line) is kind_e:
                        economic = line.economic
                        if economic not in eco:
                            raise _Fallback
                        by_function = exp[line.source][line.nature]
                        by_function[line.function] += line.amount
                        if by_function is gpb_basic:
                            eco[economic] += line.amount
                    elif type(line) is kind_i:
                        inc[line.source][line.function] += line.amount
                    else:
                        raise _Fallback
                return
            except (_Fallback, KeyError, TypeError):
                # KeyError/TypeError: a new code, or a source or nature that is not one (or
                # a 财政拨款 funding 上缴上级支出 …): nothing of this line was added yet.
                i = offset + size - operator.length_hint(lines) - 1
                try:
                    self._add_other(line, self._where(where, i))
                except Inexact:  # as below: the first line of a code is added here
                    raise AmountError(
                        f"{self._where(where, i)}: amount {str(line.amount)[:40]} cannot be added exactly "
                        f"({EXACT_DIGITS} significant digits at most)"
                    ) from None
            except Inexact:
                i = offset + size - operator.length_hint(lines) - 1
                raise AmountError(
                    f"{self._where(where, i)}: amount {line.amount} cannot be added exactly "
                    f"({EXACT_DIGITS} significant digits at most)"
                ) from None

    def _where(self, where: Callable[[int], str] | None, i: int) -> str:
        return where(i) if where else f"line {self._count + i + 1}"

    def _add_other(self, line: object, where: str) -> None:
        """Check one line in full (raising with ``where`` if it is bad), register its codes
        in every dict, and add it."""
        if isinstance(line, ExpenditureLine):
            self.checker.expenditure(line, where)
            self._register(line.function)
            self.basic_economic.setdefault(line.economic, ZERO)
            amount = _checked_amount(line.amount, where)
            self.expenditure[line.source][line.nature][line.function] += amount
            if line.source is IncomeSource.GENERAL_PUBLIC_BUDGET and line.nature is Nature.BASIC:
                self.basic_economic[line.economic] += amount
        elif isinstance(line, IncomeLine):
            self.checker.income(line, where)
            self._register(line.function)
            self.income[line.source][line.function] += _checked_amount(line.amount, where)
        else:
            raise LedgerError(f"{where}: {type(line).__name__} is not a ledger line")

    def _register(self, function: str) -> None:
        if function not in self.income[IncomeSource.OTHER]:
            for by_nature in self.expenditure.values():
                for by_function in by_nature.values():
                    by_function[function] = ZERO
            for by_function in self.income.values():
                by_function[function] = ZERO

    def add_income(self, line: IncomeLine, where: str | None = None) -> None:
        """Add one income line."""
        self.add_lines((line,), (lambda _: where) if where else None)

    def add_expenditure(self, line: ExpenditureLine, where: str | None = None) -> None:
        """Add one expenditure line."""
        self.add_lines((line,), (lambda _: where) if where else None)

    def add(self, line: IncomeLine | ExpenditureLine, where: str | None = None) -> None:
        """Add a line of either kind."""
        self.add_lines((line,), (lambda _: where) if where else None)

    def check_function(self, code: str, where: str) -> None:
        """Check a 功能分类 项 code that is not on a line (e.g. an opening balance by 项)."""
        self.checker.function(code, where)


_K = TypeVar("_K")


# -- helpers -----------------------------------------------------------------------------
def _sum_by(items: Iterable[tuple[_K, Decimal]]) -> dict[_K, Decimal]:
    out: dict[_K, Decimal] = defaultdict(lambda: ZERO)
    for key, amount in items:
        out[key] += amount
    return out



def _sum_by_prefix(rows: Mapping[str, Sequence[Decimal]], length: int) -> dict[str, Sequence[Decimal]]:
    """Column-wise sums of ``rows`` grouped by the first ``length`` characters of the code."""
    out: dict[str, Sequence[Decimal]] = {}
    for code, values in rows.items():
        acc = out.get(code[:length])
        out[code[:length]] = values if acc is None else list(map(operator.add, acc, values))
    return out


def _add(*columns: Sequence[Decimal]) -> list[Decimal]:
    """Element-wise sum of equally long columns."""
    return functools.reduce(lambda a, b: list(map(operator.add, a, b)), columns[1:], list(columns[0]))


# -- laying tables out by their spec ---------------------------------------------------------------
#: Cells of one row by column key (the facts a builder is given; declared sums are computed).
_Cells = Mapping[str, Decimal]


def _complete(spec: TableSpec, side: str, given: _Cells) -> tuple[Decimal, ...]:
    """One row's values in the column order of ``side``: the given cells, each declared
    column sum computed from them, and zero for a column with neither (no such money)."""
    columns = spec.columns_for(side)
    if not given:
        # No money in the row (a printed 类 or 款 of a fixed layout): every column, and every
        # sum of them, is zero.
        return (ZERO,) * len(columns)
    plan = spec.column_sums(side)
    if not plan:
        return tuple([given.get(c.key, ZERO) for c in columns])
    got = dict(given)
    for key, parts in plan:
        if key not in got:
            total = ZERO
            for sign, k in parts:
                value = got.get(k, ZERO)
                total = total + value if sign > 0 else total - value
            got[key] = total
    return tuple([got.get(c.key, ZERO) for c in columns])


class _Side:
    """The fixed-row values of one side of a table: given rows, and each row declared as a
    sum (``RowSpec.sum_of``) computed on demand from them and the side's top subject rows."""

    def __init__(self, spec: TableSpec, side: str, given: Mapping[str, _Cells],
                 top: Sequence[Sequence[Decimal]] = ()) -> None:
        self.spec, self.side, self.top = spec, side, top
        self.columns = spec.columns_for(side)
        self.values: dict[str, tuple[Decimal, ...]] = {
            key: _complete(spec, side, cells) for key, cells in given.items()}

    def __call__(self, key: str) -> tuple[Decimal, ...]:
        found = self.values.get(key)
        if found is not None:
            return found
        row = self.spec.row(key)
        if not row.sum_of:
            # A fixed row no fact fills is zero (e.g. no 结余分配 this year).
            found = (ZERO,) * len(self.columns)
        else:
            acc = [ZERO] * len(self.columns)
            for sign, k in terms(row.sum_of):
                for part in (self.top if k == SUBJECTS else (self(k),)):
                    acc = [a + x if sign > 0 else a - x for a, x in zip(acc, part, strict=True)]
            found = tuple(acc)
        self.values[key] = found
        return found


def _subject_label(cat_name: str, ordinal: bool, i: int) -> str:
    return f"{chinese_ordinal(i + 1)}、{cat_name}" if ordinal else cat_name


def _name(edition_catalog: Catalog, code: str) -> str:
    subject = edition_catalog.get(code)
    return subject.name if subject is not None else code


def _fixed_codes(spec: TableSpec, edition: int, level: Level, within: Sequence[str] | None = None) -> set[str]:
    """The subjects of ``level`` a fixed layout prints in this edition (minus those it omits)."""
    subj = spec.subjects
    assert subj is not None
    if not subj.fixed:
        return set()
    return set(_catalog_codes(catalog(subj.scheme, edition), level, subj.omit,
                              None if within is None else tuple(within)))


@functools.lru_cache(maxsize=64)
def _catalog_codes(cat: Catalog, level: Level, omit: tuple[str, ...], within: tuple[str, ...] | None) -> frozenset[str]:
    # Keyed by the catalog object (itself cached per edition): a scan of a whole catalog per
    # table was most of the time of deriving a small ledger.
    return frozenset(s.code for s in cat if s.level is level and s.code not in omit
                     and (within is None or s.code[:3] in within))


def _two_sided(spec: TableSpec, edition: int, given: Mapping[tuple[str, str], _Cells],
               subjects: Mapping[str, _Cells]) -> Table:
    """A 总表: per side its head rows, the subject rows (or blank rows padding the head to
    their count), its foot rows; 行次 as the spec numbers them."""
    subj = spec.subjects
    assert subj is not None
    cat = catalog(subj.scheme, edition)
    level = subj.levels[0]
    # Every subject the layout prints, and any other with money (never dropped), in code order.
    codes = sorted(_fixed_codes(spec, edition, level) | {c for c, v in subjects.items() if any(v.values())})
    lines = spec.lines(len(codes))
    rows: list[Row] = []
    for side in spec.sides:
        top = [_complete(spec, side, subjects.get(c, {})) for c in codes] if side == subj.side else []
        values = _Side(spec, side, {k: v for (s, k), v in given.items() if s == side}, top)
        rows += _fixed_rows(spec, side, "head", values, lines)
        if side == subj.side:
            rows += [Row(code, _subject_label(_name(cat, code), subj.ordinal, i), top[i], code=code, level=level,
                         line=lines.get((side, f"#{i}")), side=side) for i, code in enumerate(codes)]
        pads = sorted(line for (s, k), line in lines.items() if s == side and k.startswith("pad#"))
        rows += [Row(f"{side}_blank_{line}", "", (), line=line, side=side) for line in pads]
        rows += _fixed_rows(spec, side, "foot", values, lines)
    return Table(spec, spec.columns, tuple(rows))


def _fixed_rows(spec: TableSpec, side: str, place: str, values: _Side,
                lines: Mapping[tuple[str, str], int]) -> list[Row]:
    return [Row(r.key, r.label, () if r.is_blank else values(r.key), line=lines.get((side, r.key)), side=side)
            for r in spec.rows_for(side, place)]


def _hierarchy(spec: TableSpec, leaves: Mapping[str, Sequence[Decimal]]) -> dict[str, Sequence[Decimal]]:
    """Every subject row: the leaves, and each parent level as the exact sum of its children."""
    subj = spec.subjects
    assert subj is not None
    sums: dict[str, Sequence[Decimal]] = dict(leaves)
    current: Mapping[str, Sequence[Decimal]] = leaves
    for level in reversed(subj.levels[:-1]):
        current = _sum_by_prefix(current, level.digits)
        sums.update(current)
    return sums


def _subject_table(spec: TableSpec, edition: int, leaves: Mapping[str, _Cells]) -> Table:
    """A table of subject rows with money (类/款/项, in code order) under its fixed head rows
    (合计 = Σ 类)."""
    subj = spec.subjects
    assert subj is not None
    cat = catalog(subj.scheme, edition)
    # A 项 without money prints no row (and adds nothing to its parents): left out first.
    full = {code: _complete(spec, "", cells) for code, cells in leaves.items() if any(cells.values())}
    sums = _hierarchy(spec, {c: v for c, v in full.items() if any(v)})
    top_digits = subj.levels[0].digits
    top = [v for c, v in sorted(sums.items()) if len(c) == top_digits]
    values = _Side(spec, "", {}, top)
    subject_rows = [Row(code, cat[code].name, tuple(sums[code]), code=code, level=cat[code].level)
                    for code in sorted(sums)]
    return Table(spec, spec.columns, (*_fixed_rows(spec, "", "head", values, {}), *subject_rows,
                                      *_fixed_rows(spec, "", "foot", values, {})))


def _paneled(spec: TableSpec, edition: int, leaves: Mapping[str, _Cells]) -> Table:
    """A table in panels (公开06): per 类, in the order the panels list them (then any other
    类 with money, by code), its row and its 款; then each panel's total rows."""
    subj = spec.subjects
    assert subj is not None
    cat = catalog(subj.scheme, edition)
    listed = [c for p in spec.panels for c in p.classes]
    leaf_level, top_level = subj.levels[-1], subj.levels[0]
    codes = _fixed_codes(spec, edition, leaf_level, listed) | {c for c, v in leaves.items() if any(v.values())}
    by_class: dict[str, list[str]] = {c: [] for c in listed if c in cat}
    top_digits = top_level.digits
    for code in sorted(codes):
        by_class.setdefault(code[:top_digits], []).append(code)
    order = [c for c in listed if c in by_class] + sorted(c for c in by_class if c not in listed)
    rows: list[Row] = []
    tops: dict[str, list[Sequence[Decimal]]] = {p.key: [] for p in spec.panels}
    for cls in order:
        panel = spec.panel_of(cls)
        if panel is None:
            raise GovBudgetError(f"{spec.label}: no panel takes 类 {cls}")
        items = {c: _complete(spec, "", leaves.get(c, {})) for c in by_class[cls]}
        total = [sum(column, ZERO) for column in zip(*items.values(), strict=True)] if items \
            else [ZERO] * len(spec.columns)
        tops[panel.key].append(total)
        rows.append(Row(cls, _name(cat, cls), tuple(total), code=cls, level=top_level, side=panel.key))
        rows += [Row(c, _name(cat, c), v, code=c, level=leaf_level, side=panel.key) for c, v in items.items()]
    for p in spec.panels:
        rows += _fixed_rows(spec, p.key, "head", _Side(spec, p.key, {}, tops[p.key]), {})
    for p in spec.panels:
        rows += _fixed_rows(spec, p.key, "foot", _Side(spec, p.key, {}, tops[p.key]), {})
    return Table(spec, spec.columns, tuple(rows))


def _fixed_table(spec: TableSpec, given: Mapping[str, _Cells]) -> Table:
    """A table of fixed rows only (公开09)."""
    values = _Side(spec, "", given)
    return Table(spec, spec.columns, tuple(_fixed_rows(spec, "", "head", values, {})
                                           + _fixed_rows(spec, "", "foot", values, {})))


def derive_stream(
    department: str,
    fiscal_year: int,
    edition: int,
    lines: Iterable[IncomeLine | ExpenditureLine],
    balances: Balances | None = None,
    three_public: ThreePublicExpenses | None = None,
) -> Disclosure:
    """Derive the nine tables from a stream of lines (consumed once, never stored);
    without ``three_public`` the 三公 facts are not stated and 公开09's cells are missing."""
    acc = Accumulator(edition)
    acc.add_lines(lines)
    return from_accumulator(department, fiscal_year, acc, balances or Balances(), three_public)


def derive(ledger: Ledger) -> Disclosure:
    """The nine 公开 tables of ``ledger``; every total and subtotal computed exactly."""
    require(ledger, Ledger, "derive", "ledger")
    acc = Accumulator(ledger.edition)
    acc.add_lines(ledger.income, lambda i: f"income[{i}]")
    acc.add_lines(ledger.expenditure, lambda i: f"expenditure[{i}]")
    for i, fa in enumerate(ledger.balances.opening_government_fund):
        acc.check_function(fa.function, f"balances.opening_government_fund[{i}]")
    return from_accumulator(ledger.department, ledger.fiscal_year, acc, ledger.balances, ledger.three_public)


def from_accumulator(
    department: str,
    fiscal_year: int,
    acc: Accumulator,
    balances: Balances,
    three_public: ThreePublicExpenses | None,
) -> Disclosure:
    """Build the tables from accumulated sums (the roll-up step of :func:`derive`);
    ``three_public`` ``None``: not stated, 公开09's cells are missing (blank, never zero)."""
    with exact_arithmetic():
        return _roll_up(department, fiscal_year, acc, balances, three_public)




def _stated(table: Table, stated: bool) -> Table:
    return table if stated else table.all_missing()


def _key(member: IncomeSource | Nature) -> str:
    """The spec key of a ledger source or nature (row of 公开01, column of 公开02/03)."""
    return member.name.lower()


def _roll_up(department: str, fiscal_year: int, acc: Accumulator, balances: Balances,
             stated_three_public: ThreePublicExpenses | None) -> Disclosure:
    fam = family("final")
    edition = acc.edition
    exp, inc = acc.expenditure, acc.income
    gpb, gf, sc = FISCAL_SOURCES
    basic, project = Nature.BASIC, Nature.PROJECT
    three_public = stated_three_public or ThreePublicExpenses()
    # Every map of the accumulator holds the same 项, in the same order (see _register):
    # the roll-up works on columns, one value per 项, added element-wise.
    functions = list(inc[IncomeSource.OTHER])

    def col(by_function: dict[str, Decimal]) -> list[Decimal]:
        values = list(by_function.values())
        assert len(values) == len(functions), "accumulator maps out of step"
        return values

    def leaves(**columns: Sequence[Decimal]) -> dict[str, dict[str, Decimal]]:
        """Cells by 项 from columns by key."""
        keys = list(columns)
        return {f: dict(zip(keys, values, strict=True))
                for f, values in zip(functions, zip(*columns.values(), strict=True), strict=True)}

    def by_class(**columns: Sequence[Decimal]) -> dict[str, dict[str, Decimal]]:
        """Cells by 类 (sums of the 项 of each column)."""
        sums = _sum_by_prefix(dict(zip(functions, zip(*columns.values(), strict=True), strict=True)), 3)
        return {c: dict(zip(columns, values, strict=True)) for c, values in sums.items()}

    natures = {n: _add(*(col(exp[s][n]) for s in IncomeSource if n in exp[s])) for n in Nature}
    gpb_b, gpb_p = col(exp[gpb][basic]), col(exp[gpb][project])
    sc_b, sc_p = col(exp[sc][basic]), col(exp[sc][project])
    gf_income, gf_b, gf_p = col(inc[gf]), col(exp[gf][basic]), col(exp[gf][project])
    # 公开07: an opening balance may sit on a 项 that no line has.
    gf_opening = _sum_by((fa.function, fa.amount) for fa in balances.opening_government_fund)
    t07 = leaves(opening=[gf_opening.get(f, ZERO) for f in functions], income=gf_income, basic=gf_b, project=gf_p)
    for function, amount in gf_opening.items():
        t07.setdefault(function, {"opening": amount})
    fiscal_income = _add(col(inc[gpb]), gf_income, col(inc[sc]))
    others = {_key(s): col(inc[s]) for s in IncomeSource if not s.is_fiscal}
    income_by_source = {s: sum(inc[s].values(), ZERO) for s in IncomeSource}

    # 公开01: income by source, spending by 类; 年末 = what the income side brings less what is spent.
    classes_01 = by_class(amount=_add(*natures.values()))
    spent = sum((v["amount"] for v in classes_01.values()), ZERO)
    t01_income = {_key(s): {"amount": income_by_source[s]} for s in IncomeSource}
    t01_income["use_of_non_fiscal_balance"] = {"amount": balances.use_of_non_fiscal_balance}
    t01_income["opening_balance"] = {"amount": balances.opening_total}
    spec01 = fam.table("01")
    (brought,) = _Side(spec01, "income", t01_income)("income_grand_total")
    t01_given = {("income", k): v for k, v in t01_income.items()}
    t01_given[("expenditure", "balance_distribution")] = {"amount": balances.balance_distribution}
    t01_given[("expenditure", "closing_balance")] = {
        "amount": brought - spent - balances.balance_distribution}

    # 公开04: by 类 × the three 财政拨款 funds; per fund 年末 = 年初 + 收入 − 支出.
    fund_spending = {gpb: _add(gpb_b, gpb_p), gf: _add(gf_b, gf_p), sc: _add(sc_b, sc_p)}
    classes_04 = by_class(**{_key(s): fund_spending[s] for s in FISCAL_SOURCES})
    t04_given: dict[tuple[str, str], dict[str, Decimal]] = {}
    closing: dict[str, Decimal] = {}
    for s in FISCAL_SOURCES:
        k = _key(s)
        t04_given[("income", k)] = {"amount": income_by_source[s]}
        t04_given[("income", f"opening_{k}")] = {"amount": balances.opening_for(s)}
        closing[k] = balances.opening_for(s) + income_by_source[s] - sum(fund_spending[s], ZERO)
    t04_given[("expenditure", "closing_fiscal")] = closing

    def amounts(prefix: str, a: ThreePublicAmounts) -> dict[str, Decimal]:
        return {f"{prefix}_abroad": a.abroad, f"{prefix}_vehicle_purchase": a.vehicle_purchase,
                f"{prefix}_vehicle_operation": a.vehicle_operation, f"{prefix}_reception": a.reception}

    tables = (
        _two_sided(spec01, edition, t01_given, classes_01),
        _subject_table(fam.table("02"), edition, leaves(fiscal=fiscal_income, **others)),
        _subject_table(fam.table("03"), edition, leaves(**{_key(n): v for n, v in natures.items()})),
        _two_sided(fam.table("04"), edition, t04_given, classes_04),
        _subject_table(fam.table("05"), edition, leaves(basic=gpb_b, project=gpb_p)),
        _paneled(fam.table("06"), edition, {c: {"amount": v} for c, v in acc.basic_economic.items()}),
        _subject_table(fam.table("07"), edition, t07),
        _subject_table(fam.table("08"), edition, leaves(basic=sc_b, project=sc_p)),
        _stated(_fixed_table(fam.table("09"), {"three_public": {
            **amounts("budget", three_public.budget), **amounts("actual", three_public.actual)}}),
            stated_three_public is not None),
    )
    return Disclosure(family=fam.id, edition=edition, department=department, fiscal_year=fiscal_year,
                      tables={t.id: t for t in tables})


@in_wide_context
def consolidate(ledgers: Sequence[Ledger], department: str | None = None) -> Ledger:
    """One department's ledger as the sum of its units' ledgers (汇总).

    Lines are concatenated; balances and “三公” amounts are added; the narrative facts and
    the identity are taken from the first ledger unless ``department`` is given.
    """
    if not ledgers:
        raise LedgerError("nothing to consolidate")
    first = ledgers[0]
    for other in ledgers[1:]:
        if (other.fiscal_year, other.edition) != (first.fiscal_year, first.edition):
            raise LedgerError(
                f"cannot consolidate {other.department} {other.fiscal_year} (edition "
                f"{other.edition}) with {first.department} {first.fiscal_year} (edition {first.edition})"
            )

    def add_tp(items: Iterator[ThreePublicAmounts]) -> ThreePublicAmounts:
        got = list(items)
        return ThreePublicAmounts(
            sum((a.abroad for a in got), ZERO), sum((a.vehicle_purchase for a in got), ZERO),
            sum((a.vehicle_operation for a in got), ZERO), sum((a.reception for a in got), ZERO),
        )

    openings = _sum_by((s, a) for lg in ledgers for s, a in lg.balances.opening_fiscal)
    gf_open = _sum_by((fa.function, fa.amount) for lg in ledgers for fa in lg.balances.opening_government_fund)
    from govbudget.ledger import FunctionAmount

    balances = Balances(
        opening_total=sum((lg.balances.opening_total for lg in ledgers), ZERO),
        opening_fiscal=tuple((s, openings[s]) for s in FISCAL_SOURCES if s in openings),
        opening_government_fund=tuple(FunctionAmount(str(k), v) for k, v in sorted(gf_open.items(), key=lambda kv: str(kv[0]))),
        use_of_non_fiscal_balance=sum((lg.balances.use_of_non_fiscal_balance for lg in ledgers), ZERO),
        balance_distribution=sum((lg.balances.balance_distribution for lg in ledgers), ZERO),
    )
    stated = [lg.three_public for lg in ledgers if lg.three_public is not None]
    # A fact unknown for one unit is unknown for the sum (never its other units' total).
    tp = attrs.evolve(
        stated[0],
        budget=add_tp(t.budget for t in stated),
        actual=add_tp(t.actual for t in stated),
    ) if stated and len(stated) == len(ledgers) else None
    units: dict[str, object] = {}
    for lg in ledgers:
        for u in lg.units:
            units.setdefault(u.id, u)
    return attrs.evolve(
        first,
        department=department or first.department,
        units=tuple(units.values()),  # type: ignore[arg-type]
        income=tuple(i for lg in ledgers for i in lg.income),
        expenditure=tuple(e for lg in ledgers for e in lg.expenditure),
        balances=balances,
        three_public=tp,
    )
