"""The nine 部门决算公开 tables (公开01–09表), derived from a ledger.

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

The layout is the 2023 central format as the seed prints it: titles and 公开0N表 ids, 行次
(公开01: income 1–31, expenditure 32–62; 公开04: 1–32 and 33–64), 栏次, the fixed 类 rows,
the notes under each table, and the statement printed under an empty table.
"""

from __future__ import annotations

import functools
import itertools
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal, Inexact
from typing import Any, ClassVar, TypeVar

import attrs

from govbudget.classification import Level, Scheme, catalog
from govbudget.errors import AmountError, GovBudgetError, LedgerError
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

__all__ = [
    "Accumulator",
    "Column",
    "Disclosure",
    "Row",
    "Table",
    "Table01",
    "Table02",
    "Table03",
    "Table04",
    "Table05",
    "Table06",
    "Table07",
    "Table08",
    "Table09",
    "consolidate",
    "derive",
    "derive_stream",
]

#: The 26 类 rows of 公开01/04表 in the 2023 central format, in printed order.
CLASS_ROWS_2023: tuple[str, ...] = (
    "201", "202", "203", "204", "205", "206", "207", "208", "210", "211", "212", "213", "214",
    "215", "216", "217", "219", "220", "221", "222", "223", "224", "229", "231", "232", "234",
)

#: The 款 printed in the three panels of 公开06表 (2023 central format), by 类.
TABLE06_TEMPLATE: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("personnel", "301", ("01", "02", "03", "06", "07", "08", "09", "10", "11", "12", "13", "14", "99")),
    ("personnel", "303", ("01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "99")),
    ("public", "302", ("01", "02", "03", "04", "05", "06", "07", "08", "09", "11", "12", "13", "14",
                       "15", "16", "17", "18", "24", "25", "26", "27", "28", "29", "31", "39", "40", "99")),
    ("public", "307", ("01", "02")),
    ("public", "310", ("01", "02", "03", "05", "06", "07", "08", "09", "10", "11", "12", "13", "19",
                       "21", "22", "99")),
    ("public", "399", ("07", "08", "09", "10", "99")),
)
PERSONNEL_CLASSES = ("301", "303")

ROUNDING_NOTE = "本表金额转换为万元时，因四舍五入可能存在尾差。"

_NUMERALS = "一二三四五六七八九十"


def chinese_ordinal(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一 (as printed before the 类 rows: 二十一、…)."""
    if n <= 10:
        return _NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "十" if tens == 1 else _NUMERALS[tens - 1] + "十"
    return head + (_NUMERALS[ones - 1] if ones else "")


@attrs.frozen
class Column:
    """A column: ``key`` (stable identifier), ``title`` as printed, ``number`` (栏次) and the
    side of a two-sided table (``income`` / ``expenditure``; ``""`` otherwise)."""

    key: str
    title: str
    number: int | None = None
    side: str = ""


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
    """One 公开 table.  Values are exact 元 when ``unit`` is 元 (derived), or figures as
    printed when read from a published report (``unit`` 万元)."""

    id: ClassVar[str] = ""
    title: ClassVar[str] = ""
    note: ClassVar[str] = ""
    empty_statement: ClassVar[str | None] = None

    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    unit: Unit = Unit.YUAN

    @property
    def label(self) -> str:
        """``公开05表`` for table 05."""
        return f"公开{self.id}表"

    def columns_for(self, side: str = "") -> tuple[Column, ...]:
        """The columns of one side (all columns for a one-sided table)."""
        own = tuple(c for c in self.columns if c.side == side)
        return own or tuple(c for c in self.columns if not c.side)

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
        side = row.side
        cols = self.columns_for(side if side in ("income", "expenditure") else "")
        index = next((i for i, c in enumerate(cols) if c.key == column_key), None)
        if index is None:
            raise GovBudgetError(f"{self.label}: no column {column_key!r}")
        if not row.values:
            return ZERO
        return row.values[index]

    @property
    def is_empty(self) -> bool:
        """True when every value is zero (the table is printed with its statement)."""
        return all(v == 0 for r in self.rows for v in r.values)

    @property
    def statement(self) -> str | None:
        """The statement printed under the table when it has no data (公开07/08/09)."""
        return self.empty_statement if self.is_empty else None

    def subject_rows(self) -> tuple[Row, ...]:
        """Rows that carry a subject code."""
        return tuple(r for r in self.rows if r.code)

    def to_frame(self, *, fen: bool = False) -> Any:
        """The table as a pandas DataFrame (the ``pandas`` extra; see :mod:`govbudget.frames`)."""
        from govbudget.frames import table_frame

        return table_frame(self, fen=fen)


@attrs.frozen
class Table01(Table):
    """收入支出决算总表 (公开01表): income by source | expenditure by 类, with balances."""

    id: ClassVar[str] = "01"
    title: ClassVar[str] = "收入支出决算总表"
    note: ClassVar[str] = "注：本表反映部门本年度的总收支和年末结转结余情况。" + ROUNDING_NOTE

    @property
    def income_total(self) -> Decimal:
        """本年收入合计."""
        return self.cell("income_total", "amount")

    @property
    def expenditure_total(self) -> Decimal:
        """本年支出合计."""
        return self.cell("expenditure_total", "amount")

    @property
    def grand_total(self) -> Decimal:
        """总计 (both sides are equal by construction)."""
        return self.cell("income_grand_total", "amount")


@attrs.frozen
class Table02(Table):
    """收入决算表 (公开02表): income by 功能分类 × source."""

    id: ClassVar[str] = "02"
    title: ClassVar[str] = "收入决算表"
    note: ClassVar[str] = "注：本表反映部门本年度取得的各项收入情况。" + ROUNDING_NOTE


@attrs.frozen
class Table03(Table):
    """支出决算表 (公开03表): expenditure by 功能分类 × nature."""

    id: ClassVar[str] = "03"
    title: ClassVar[str] = "支出决算表"
    note: ClassVar[str] = "注：本表反映部门本年度各项支出情况。" + ROUNDING_NOTE


@attrs.frozen
class Table04(Table):
    """财政拨款收入支出决算总表 (公开04表): fiscal income | expenditure by 类 × fund."""

    id: ClassVar[str] = "04"
    title: ClassVar[str] = "财政拨款收入支出决算总表"
    note: ClassVar[str] = (
        "注：本表反映部门本年度一般公共预算财政拨款、政府性基金预算财政拨款和国有资本经营预算财政拨款"
        "的总收支和年末结转结余情况。" + ROUNDING_NOTE
    )

    @property
    def grand_total(self) -> Decimal:
        """总计."""
        return self.cell("income_grand_total", "amount")


@attrs.frozen
class Table05(Table):
    """一般公共预算财政拨款支出决算表 (公开05表): GPB expenditure by 功能分类 × 基本/项目."""

    id: ClassVar[str] = "05"
    title: ClassVar[str] = "一般公共预算财政拨款支出决算表"
    note: ClassVar[str] = "注：本表反映部门本年度一般公共预算财政拨款支出情况。" + ROUNDING_NOTE


@attrs.frozen
class Table06(Table):
    """一般公共预算财政拨款基本支出决算明细表 (公开06表): GPB basic expenditure by 经济分类,
    in the panels 人员经费 (301, 303) and 公用经费 (302, 307, 310, 399 and any other 类)."""

    id: ClassVar[str] = "06"
    title: ClassVar[str] = "一般公共预算财政拨款基本支出决算明细表"
    note: ClassVar[str] = "注：本表反映部门本年度一般公共预算财政拨款基本支出明细情况。" + ROUNDING_NOTE

    @property
    def personnel(self) -> Decimal:
        """人员经费合计 = 301 + 303."""
        return self.cell("personnel_total", "amount")

    @property
    def public(self) -> Decimal:
        """公用经费合计 = the other 类 of 基本支出."""
        return self.cell("public_total", "amount")


@attrs.frozen
class Table07(Table):
    """政府性基金预算财政拨款收入支出决算表 (公开07表)."""

    id: ClassVar[str] = "07"
    title: ClassVar[str] = "政府性基金预算财政拨款收入支出决算表"
    note: ClassVar[str] = "注：本表反映部门本年度政府性基金预算财政拨款收入、支出及结转和结余情况。"
    empty_statement: ClassVar[str | None] = (
        "说明：我部门没有政府性基金收入，也没有使用政府性基金安排的支出，故本表无数据。"
    )


@attrs.frozen
class Table08(Table):
    """国有资本经营预算财政拨款支出决算表 (公开08表)."""

    id: ClassVar[str] = "08"
    title: ClassVar[str] = "国有资本经营预算财政拨款支出决算表"
    note: ClassVar[str] = "注：本表反映部门本年度国有资本经营预算财政拨款支出情况。"
    empty_statement: ClassVar[str | None] = (
        "说明：我部门没有使用国有资本经营预算安排的支出，故本表无数据。"
    )


@attrs.frozen
class Table09(Table):
    """财政拨款“三公”经费支出决算表 (公开09表): 预算数 columns 1–6, 决算数 columns 7–12."""

    id: ClassVar[str] = "09"
    title: ClassVar[str] = "财政拨款“三公”经费支出决算表"
    note: ClassVar[str] = (
        "注：本表反映部门本年度财政拨款“三公”经费支出预决算情况。其中，预算数为“三公”经费全年预算数，"
        "反映按规定程序调整后的预算数；决算数是包括当年财政拨款和以前年度结转资金安排的实际支出。"
        + ROUNDING_NOTE
    )
    empty_statement: ClassVar[str | None] = (
        "说明：我部门没有三公经费预算收入，也没有三公经费支出，故本表无数据。"
    )


TABLE_CLASSES: tuple[type[Table], ...] = (
    Table01, Table02, Table03, Table04, Table05, Table06, Table07, Table08, Table09,
)


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
                self._add_other(line, self._where(where, offset + size - operator.length_hint(lines) - 1))
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


def _functional_rows(
    leaves: Mapping[str, Sequence[Decimal]], width: int, edition: int, with_total: bool = True
) -> tuple[Row, ...]:
    """Rows 合计, then every 类/款/项 with a nonzero value, in code order; parents are the
    exact sums of their children."""
    fc = catalog(Scheme.FUNCTIONAL, edition)
    items = {code: values for code, values in leaves.items() if any(values)}
    sections = _sum_by_prefix(items, 5)
    classes = _sum_by_prefix(sections, 3)
    total = _add([ZERO] * width, *classes.values())
    rows = [Row("total", "合计", tuple(total))] if with_total else []
    sums = {**items, **sections, **classes}
    for code in sorted(sums):
        subject = fc[code]
        rows.append(Row(code, subject.name, tuple(sums[code]), code=code, level=subject.level))
    return tuple(rows)


def _sum_by_prefix(rows: Mapping[str, Sequence[Decimal]], length: int) -> dict[str, Sequence[Decimal]]:
    """Column-wise sums of ``rows`` grouped by the first ``length`` characters of the code."""
    out: dict[str, Sequence[Decimal]] = {}
    for code, values in rows.items():
        acc = out.get(code[:length])
        out[code[:length]] = values if acc is None else list(map(operator.add, acc, values))
    return out


def _columns(side: str, *specs: tuple[str, str]) -> tuple[Column, ...]:
    return tuple(Column(key, title, i + 1, side) for i, (key, title) in enumerate(specs))


# -- the nine tables -----------------------------------------------------------------------
_INCOME_KEYS = {
    IncomeSource.GENERAL_PUBLIC_BUDGET: "general_public_budget",
    IncomeSource.GOVERNMENT_FUND: "government_fund",
    IncomeSource.STATE_CAPITAL: "state_capital",
    IncomeSource.SUPERIOR_SUBSIDY: "superior_subsidy",
    IncomeSource.BUSINESS: "business",
    IncomeSource.OPERATING: "operating",
    IncomeSource.AFFILIATES: "affiliates",
    IncomeSource.OTHER: "other",
}
_INCOME_LABELS_01 = {
    IncomeSource.GENERAL_PUBLIC_BUDGET: "一般公共预算财政拨款收入",
    IncomeSource.GOVERNMENT_FUND: "政府性基金预算财政拨款收入",
    IncomeSource.STATE_CAPITAL: "国有资本经营预算财政拨款收入",
    IncomeSource.SUPERIOR_SUBSIDY: "上级补助收入",
    IncomeSource.BUSINESS: "事业收入",
    IncomeSource.OPERATING: "经营收入",
    IncomeSource.AFFILIATES: "附属单位上缴收入",
    IncomeSource.OTHER: "其他收入",
}


def _class_rows(by_class: Mapping[str, Sequence[Decimal]], edition: int, first_line: int, width: int) -> list[Row]:
    fc = catalog(Scheme.FUNCTIONAL, edition)
    codes = list(CLASS_ROWS_2023)
    # A class with money that the 2023 layout does not list is appended, never dropped.
    codes += sorted(c for c in by_class if c not in CLASS_ROWS_2023 and any(by_class[c]))
    rows = []
    for i, code in enumerate(codes):
        values = by_class.get(code, [ZERO] * width)
        name = fc[code].name if code in fc else code
        rows.append(
            Row(code, f"{chinese_ordinal(i + 1)}、{name}", tuple(values), code=code,
                level=Level.CLASS, line=first_line + i, side="expenditure")
        )
    return rows


def _pad(rows: list[Row], first_line: int, count: int, side: str) -> list[Row]:
    return rows + [Row(f"{side}_blank_{first_line + i}", "", (), line=first_line + i, side=side)
                   for i in range(count)]


def _table01(inc: Mapping[IncomeSource, Decimal], exp_class: Mapping[str, Sequence[Decimal]], b: Balances,
             edition: int) -> Table01:
    # The income side is padded to the length of the 类 list (行次 continue across sides).
    n_classes = len(_class_rows(exp_class, edition, 0, 1))
    income: list[Row] = []
    for i, source in enumerate(IncomeSource):
        income.append(Row(_INCOME_KEYS[source], f"{chinese_ordinal(i + 1)}、{_INCOME_LABELS_01[source]}",
                          (inc.get(source, ZERO),), line=i + 1, side="income"))
    income = _pad(income, 9, n_classes - 8, "income")
    income_total = sum(inc.values(), ZERO)
    line = n_classes + 1
    grand_in = income_total + b.use_of_non_fiscal_balance + b.opening_total
    income += [
        Row("income_total", "本年收入合计", (income_total,), line=line, side="income"),
        Row("use_of_non_fiscal_balance", "使用非财政拨款结余和专用结余",
            (b.use_of_non_fiscal_balance,), line=line + 1, side="income"),
        Row("opening_balance", "年初结转和结余", (b.opening_total,), line=line + 2, side="income"),
        Row("income_blank", "", (), line=line + 3, side="income"),
        Row("income_grand_total", "总计", (grand_in,), line=line + 4, side="income"),
    ]
    first = line + 5
    classes = _class_rows({k: v for k, v in exp_class.items()}, edition, first, 1)
    exp_total = sum((r.values[0] for r in classes), ZERO)
    line = first + len(classes)
    closing = grand_in - exp_total - b.balance_distribution
    expenditure = [
        *classes,
        Row("expenditure_total", "本年支出合计", (exp_total,), line=line, side="expenditure"),
        Row("balance_distribution", "结余分配", (b.balance_distribution,), line=line + 1, side="expenditure"),
        Row("closing_balance", "年末结转和结余", (closing,), line=line + 2, side="expenditure"),
        Row("expenditure_blank", "", (), line=line + 3, side="expenditure"),
        Row("expenditure_grand_total", "总计", (exp_total + b.balance_distribution + closing,),
            line=line + 4, side="expenditure"),
    ]
    cols = (Column("amount", "金额", 1, "income"), Column("amount", "金额", 2, "expenditure"))
    return Table01(cols, tuple(income + expenditure))


def _table04(inc: Mapping[IncomeSource, Decimal], exp_class: Mapping[str, Sequence[Decimal]], b: Balances,
             edition: int) -> Table04:
    n_classes = len(_class_rows(exp_class, edition, 0, 4))
    labels = ("一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款")
    income: list[Row] = [
        Row(_INCOME_KEYS[s], f"{chinese_ordinal(i + 1)}、{labels[i]}", (inc.get(s, ZERO),),
            line=i + 1, side="income")
        for i, s in enumerate(FISCAL_SOURCES)
    ]
    income = _pad(income, 4, n_classes - 3, "income")
    income_total = sum((inc.get(s, ZERO) for s in FISCAL_SOURCES), ZERO)
    openings = [b.opening_for(s) for s in FISCAL_SOURCES]
    opening = sum(openings, ZERO)
    line = n_classes + 1
    income += [
        Row("income_total", "本年收入合计", (income_total,), line=line, side="income"),
        Row("opening_fiscal", "年初财政拨款结转和结余", (opening,), line=line + 1, side="income"),
        *(Row(f"opening_{_INCOME_KEYS[s]}", labels[i], (openings[i],), line=line + 2 + i, side="income")
          for i, s in enumerate(FISCAL_SOURCES)),
        Row("income_grand_total", "总计", (income_total + opening,), line=line + 5, side="income"),
    ]
    first = line + 6
    classes = _class_rows(exp_class, edition, first, 4)
    totals = [sum((r.values[i] for r in classes), ZERO) for i in range(4)]
    line = first + len(classes)
    closing_by_fund = [
        openings[i] + inc.get(s, ZERO) - totals[i + 1] for i, s in enumerate(FISCAL_SOURCES)
    ]
    closing = (sum(closing_by_fund, ZERO), *closing_by_fund)
    grand = tuple(totals[i] + closing[i] for i in range(4))
    expenditure = [
        *classes,
        Row("expenditure_total", "本年支出合计", tuple(totals), line=line, side="expenditure"),
        Row("closing_fiscal", "年末财政拨款结转和结余", closing, line=line + 1, side="expenditure"),
        *(Row(f"expenditure_blank_{line + 2 + i}", "", (), line=line + 2 + i, side="expenditure")
          for i in range(3)),
        Row("expenditure_grand_total", "总计", grand, line=line + 5, side="expenditure"),
    ]
    cols = (
        Column("amount", "金额", 1, "income"),
        *_columns("expenditure", ("total", "合计"), ("general_public_budget", "一般公共预算财政拨款"),
                  ("government_fund", "政府性基金预算财政拨款"), ("state_capital", "国有资本经营预算财政拨款")),
    )
    # 栏次 of the expenditure side continue from the income side's 1.
    cols = (cols[0], *(attrs.evolve(c, number=(c.number or 0) + 1) for c in cols[1:]))
    return Table04(cols, tuple(income + expenditure))


def _table06(basic_by_economic: dict[str, Decimal], edition: int) -> Table06:
    ec = catalog(Scheme.ECONOMIC_DEPARTMENT, edition)
    template = {cls_code: [cls_code + s for s in suffixes] for _, cls_code, suffixes in TABLE06_TEMPLATE}
    panels = {cls_code: panel for panel, cls_code, _ in TABLE06_TEMPLATE}
    # Nonzero 款 outside the template are added, never dropped (in their 类, or a new 类).
    for code, amount in basic_by_economic.items():
        if amount and code not in template.get(code[:3], []):
            template.setdefault(code[:3], []).append(code)
            panels.setdefault(code[:3], "personnel" if code[:3] in PERSONNEL_CLASSES else "public")
    rows: list[Row] = []
    totals = {"personnel": ZERO, "public": ZERO}
    # Template 类 in printed order, then any other 类 by code (never by the order of the
    # lines, which must not change the table).
    fixed = [cls_code for _, cls_code, _ in TABLE06_TEMPLATE]
    for cls_code in fixed + sorted(c for c in template if c not in fixed):
        codes = template[cls_code]
        panel = panels[cls_code]
        cls_total = sum((basic_by_economic.get(c, ZERO) for c in codes), ZERO)
        totals[panel] += cls_total
        rows.append(Row(cls_code, ec[cls_code].name, (cls_total,), code=cls_code, level=Level.CLASS, side=panel))
        for code in sorted(codes):
            rows.append(Row(code, ec[code].name, (basic_by_economic.get(code, ZERO),), code=code,
                            level=Level.SECTION, side=panel))
    rows.append(Row("personnel_total", "人员经费合计", (totals["personnel"],), side="personnel"))
    rows.append(Row("public_total", "公用经费合计", (totals["public"],), side="public"))
    return Table06((Column("amount", "决算数"),), tuple(rows))


def _table09(tp: ThreePublicExpenses) -> Table09:
    def six(a: ThreePublicAmounts) -> list[Decimal]:
        return [a.total, a.abroad, a.vehicles, a.vehicle_purchase, a.vehicle_operation, a.reception]

    keys = (("total", "合计"), ("abroad", "因公出国（境）费"), ("vehicles", "公务用车购置及运行维护费小计"),
            ("vehicle_purchase", "公务用车购置费"), ("vehicle_operation", "公务用车运行维护费"),
            ("reception", "公务接待费"))
    cols = tuple(Column(f"budget_{k}", f"预算数·{t}", i + 1) for i, (k, t) in enumerate(keys)) + tuple(
        Column(f"actual_{k}", f"决算数·{t}", i + 7) for i, (k, t) in enumerate(keys)
    )
    return Table09(cols, (Row("three_public", "“三公”经费", tuple(six(tp.budget) + six(tp.actual))),))


@attrs.frozen
class Disclosure:
    """The nine tables of one department's 部门决算公开, derived from a ledger."""

    department: str
    fiscal_year: int
    edition: int
    t01: Table01
    t02: Table02
    t03: Table03
    t04: Table04
    t05: Table05
    t06: Table06
    t07: Table07
    t08: Table08
    t09: Table09

    @property
    def family(self) -> str:
        """The disclosure family: ``"final"`` (部门决算)."""
        return "final"

    @property
    def tables(self) -> Mapping[str, Table]:
        """The tables by id, in printed order (01 … 09)."""
        return {t.id: t for t in (self.t01, self.t02, self.t03, self.t04, self.t05, self.t06,
                                  self.t07, self.t08, self.t09)}

    def table(self, table_id: str) -> Table:
        """A table by id (``"05"``, ``"5"`` or ``"公开05表"``)."""
        key = "".join(ch for ch in str(table_id) if ch.isdigit()).zfill(2)
        found = self.tables.get(key)
        if found is not None:
            return found
        raise GovBudgetError(f"no table {table_id!r}; tables are 01 … 09")

    def to_frames(self, *, fen: bool = False) -> dict[str, Any]:
        """Every table as a pandas DataFrame, by id (see :mod:`govbudget.frames`)."""
        from govbudget.frames import disclosure_frames

        return disclosure_frames(self, fen=fen)

    @in_wide_context
    def __add__(self, other: Disclosure) -> Disclosure:
        """Consolidate two disclosures cell by cell (rows united by key)."""
        if not isinstance(other, Disclosure):
            return NotImplemented
        summed = {t.id: _add_tables(t, other.table(t.id)) for t in self.tables.values()}
        return attrs.evolve(
            self, **{f"t{k}": _relayout(v, self.edition) for k, v in summed.items()}  # type: ignore[arg-type]
        )


def _add_tables(a: Table, b: Table) -> Table:
    if a.unit is not b.unit:
        raise GovBudgetError(f"{a.label}: cannot add tables in {a.unit.value} and {b.unit.value}")
    merged: dict[str, Row] = {}
    for r in (*a.rows, *b.rows):
        if r.key in merged:
            prev = merged[r.key]
            if prev.values and r.values:
                r = attrs.evolve(prev, values=tuple(x + y for x, y in zip(prev.values, r.values, strict=True)))
            else:
                r = prev
        merged[r.key] = r
    rows = list(merged.values())
    # Functional tables are in code order; 01, 04 and 06 are laid out again by _relayout.
    if a.id in ("02", "03", "05", "07", "08"):
        rows.sort(key=lambda r: (r.key != "total", r.code or ""))
    return type(a)(a.columns, tuple(rows), a.unit)


def _relayout(table: Table, edition: int) -> Table:
    """Lay a cell-wise sum out again like a derived table (fixed rows, 行次, extra 类/款 in
    place), from its summed cells; functional tables are already in code order."""
    if table.unit is not Unit.YUAN:
        return table
    if isinstance(table, Table06):
        return _table06({r.code: r.values[0] for r in table.rows if r.code and len(r.code) == 5}, edition)
    if isinstance(table, (Table01, Table04)):
        inc = {s: table.cell(_INCOME_KEYS[s], "amount") for s in IncomeSource
               if table.get_row(_INCOME_KEYS[s]) is not None}
        exp = {r.code: list(r.values) for r in table.rows if r.code}
        if isinstance(table, Table01):
            b = Balances(table.cell("opening_balance", "amount"), (),
                         use_of_non_fiscal_balance=table.cell("use_of_non_fiscal_balance", "amount"),
                         balance_distribution=table.cell("balance_distribution", "amount"))
            return _table01(inc, exp, b, edition)
        b = Balances(opening_fiscal=tuple(
            (s, table.cell(f"opening_{_INCOME_KEYS[s]}", "amount")) for s in FISCAL_SOURCES))
        return _table04(inc, exp, b, edition)
    return table


def derive_stream(
    department: str,
    fiscal_year: int,
    edition: int,
    lines: Iterable[IncomeLine | ExpenditureLine],
    balances: Balances | None = None,
    three_public: ThreePublicExpenses | None = None,
) -> Disclosure:
    """Derive the nine tables from a stream of lines (consumed once, never stored)."""
    acc = Accumulator(edition)
    acc.add_lines(lines)
    return from_accumulator(department, fiscal_year, acc, balances or Balances(),
                            three_public or ThreePublicExpenses())


def derive(ledger: Ledger) -> Disclosure:
    """The nine 公开 tables of ``ledger``; every total and subtotal computed exactly."""
    acc = Accumulator(ledger.edition)
    acc.add_lines(ledger.income, lambda i: f"income[{i}]")
    acc.add_lines(ledger.expenditure, lambda i: f"expenditure[{i}]")
    for i, fa in enumerate(ledger.balances.opening_government_fund):
        acc.check_function(fa.function, f"balances.opening_government_fund[{i}]")
    return from_accumulator(ledger.department, ledger.fiscal_year, acc, ledger.balances,
                            ledger.three_public)


def from_accumulator(
    department: str,
    fiscal_year: int,
    acc: Accumulator,
    balances: Balances,
    three_public: ThreePublicExpenses,
) -> Disclosure:
    """Build the tables from accumulated sums (the roll-up step of :func:`derive`)."""
    with exact_arithmetic():
        return _roll_up(department, fiscal_year, acc, balances, three_public)


def _add(*columns: Sequence[Decimal]) -> list[Decimal]:
    """Element-wise sum of equally long columns."""
    return functools.reduce(lambda a, b: list(map(operator.add, a, b)), columns[1:], list(columns[0]))


def _roll_up(department: str, fiscal_year: int, acc: Accumulator, balances: Balances,
             three_public: ThreePublicExpenses) -> Disclosure:
    edition = acc.edition
    exp, inc = acc.expenditure, acc.income
    gpb, gf, sc = FISCAL_SOURCES
    basic, project = Nature.BASIC, Nature.PROJECT
    # Every map of the accumulator holds the same 项, in the same order (see _register):
    # the roll-up works on columns, one value per 项, added element-wise.
    functions = list(inc[IncomeSource.OTHER])

    def col(by_function: dict[str, Decimal]) -> list[Decimal]:
        values = list(by_function.values())
        assert len(values) == len(functions), "accumulator maps out of step"
        return values

    def leaves(*columns: Sequence[Decimal]) -> dict[str, tuple[Decimal, ...]]:
        return dict(zip(functions, zip(*columns, strict=True), strict=True))

    natures = [_add(*(col(exp[s][n]) for s in IncomeSource if n in exp[s])) for n in Nature]
    t03_leaf = leaves(_add(*natures), *natures)
    gpb_b, gpb_p = col(exp[gpb][basic]), col(exp[gpb][project])
    gpb_total = _add(gpb_b, gpb_p)
    t05_leaf = leaves(gpb_total, gpb_b, gpb_p)
    sc_b, sc_p = col(exp[sc][basic]), col(exp[sc][project])
    sc_total = _add(sc_b, sc_p)
    t08_leaf = leaves(sc_total, sc_b, sc_p)
    # 公开07: 年初结转和结余, 本年收入, 本年支出 (基本, 项目), 年末 = 年初 + 收入 − 支出.  An
    # opening balance may sit on a 项 that no line has.
    gf_opening = _sum_by((fa.function, fa.amount) for fa in balances.opening_government_fund)
    opening = [gf_opening.get(f, ZERO) for f in functions]
    gf_income, gf_b, gf_p = col(inc[gf]), col(exp[gf][basic]), col(exp[gf][project])
    gf_total = _add(gf_b, gf_p)
    closing = list(map(operator.sub, _add(opening, gf_income), gf_total))
    t07_leaf = leaves(opening, gf_income, gf_total, gf_b, gf_p, closing)
    for function, amount in gf_opening.items():
        if function not in t07_leaf:
            t07_leaf[function] = (amount, ZERO, ZERO, ZERO, ZERO, amount)
    # 公开02: 合计, 财政拨款 (three sources), then one column per other source.
    others = [col(inc[s]) for s in IncomeSource if not s.is_fiscal]
    fiscal_income = _add(col(inc[gpb]), gf_income, col(inc[sc]))
    t02_leaf = leaves(_add(fiscal_income, *others), fiscal_income, *others)
    income_by_source = {s: sum(inc[s].values(), ZERO) for s in IncomeSource}
    # 公开01 by 类 (all spending); 公开04 by 类 × the three 财政拨款 sources.
    exp_class_01 = _sum_by_prefix({f: values[:1] for f, values in t03_leaf.items()}, 3)
    exp_class_04 = _sum_by_prefix(leaves(_add(gpb_total, gf_total, sc_total), gpb_total, gf_total, sc_total), 3)

    t02 = Table02(_columns("", ("total", "本年收入合计"), ("fiscal", "财政拨款收入"),
                           ("superior_subsidy", "上级补助收入"), ("business", "事业收入"),
                           ("operating", "经营收入"), ("affiliates", "附属单位上缴收入"),
                           ("other", "其他收入")),
                  _functional_rows(t02_leaf, 7, edition))
    t03 = Table03(_columns("", ("total", "本年支出合计"), ("basic", "基本支出"), ("project", "项目支出"),
                           ("remit_to_superior", "上缴上级支出"), ("operating", "经营支出"),
                           ("subsidy_to_affiliates", "对附属单位补助支出")),
                  _functional_rows(t03_leaf, 6, edition))
    t05 = Table05(_columns("", ("total", "小计"), ("basic", "基本支出"), ("project", "项目支出")),
                  _functional_rows(t05_leaf, 3, edition))
    t07 = Table07(_columns("", ("opening", "年初结转和结余"), ("income", "本年收入"),
                           ("expenditure", "本年支出小计"), ("basic", "基本支出"), ("project", "项目支出"),
                           ("closing", "年末结转和结余")),
                  _functional_rows(t07_leaf, 6, edition))
    t08 = Table08(_columns("", ("total", "合计"), ("basic", "基本支出"), ("project", "项目支出")),
                  _functional_rows(t08_leaf, 3, edition))
    return Disclosure(
        department=department,
        fiscal_year=fiscal_year,
        edition=edition,
        t01=_table01(income_by_source, exp_class_01, balances, edition),
        t02=t02,
        t03=t03,
        t04=_table04(income_by_source, exp_class_04, balances, edition),
        t05=t05,
        t06=_table06(acc.basic_economic, edition),
        t07=t07,
        t08=t08,
        t09=_table09(three_public),
    )


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
    tp = attrs.evolve(
        first.three_public,
        budget=add_tp(lg.three_public.budget for lg in ledgers),
        actual=add_tp(lg.three_public.actual for lg in ledgers),
    )
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
