"""The 部门预算 tables, derived from a :class:`~govbudget.budget.ledger.BudgetLedger`.

:func:`derive` turns a budget ledger into a :class:`BudgetDisclosure` whose tables agree by
construction: every total, subtotal and cross-table figure is an exact sum, in 元, of the
same allocations.  Titles, columns and fixed rows come from the declarations in
:mod:`govbudget.families.budget`; rounding to 万元 happens only when a table is rendered.

Table ids follow the standard (central) order: 01 收支总表, 02 收入总表, 03 支出总表,
04 财政拨款收支总表, 05 一般公共预算支出表, 06 一般公共预算基本支出表, 07 “三公”经费,
08 政府性基金, 09 国有资本经营; then the optional tables 10 经济分类, 11 项目支出,
12 机关运行经费, 13 政府采购, derived when the ledger holds their facts.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import ClassVar

import attrs

from govbudget.budget.ledger import FISCAL, UNIT_FUNDS, Allocation, BudgetLedger, BudgetSource
from govbudget.classification import Level, Scheme, catalog
from govbudget.errors import GovBudgetError
from govbudget.families.budget import BudgetTableSpec, budget_tables, table_spec
from govbudget.ledger import Nature
from govbudget.money import ZERO, exact_arithmetic, in_wide_context
from govbudget.tables import Column, Row, Table, _functional_rows

__all__ = ["BudgetDisclosure", "BudgetTable", "consolidate_disclosures", "derive"]

#: Personnel (人员经费) 经济分类 类 of 基本支出; every other 类 is 公用经费.
PERSONNEL_CLASSES = ("301", "303")

_SOURCE_KEYS = {
    BudgetSource.GENERAL_PUBLIC_BUDGET: "general_public_budget",
    BudgetSource.GOVERNMENT_FUND: "government_fund",
    BudgetSource.STATE_CAPITAL: "state_capital",
    BudgetSource.SPECIAL_ACCOUNT: "special_account",
    BudgetSource.BUSINESS: "business",
    BudgetSource.OPERATING: "operating",
    BudgetSource.SUPERIOR_SUBSIDY: "superior_subsidy",
    BudgetSource.AFFILIATES: "affiliates",
    BudgetSource.OTHER: "other",
}
_NATURE_KEYS = {
    Nature.BASIC: "basic",
    Nature.PROJECT: "project",
    Nature.OPERATING: "operating",
    Nature.REMIT_TO_SUPERIOR: "remit_to_superior",
    Nature.SUBSIDY_TO_AFFILIATES: "subsidy_to_affiliates",
}


@attrs.frozen
class BudgetTable(Table):
    """A budget table; its id, title and note come from its declaration (:attr:`spec`)."""

    family: ClassVar[str] = "budget"

    @property
    def spec(self) -> BudgetTableSpec:
        """The declaration of this table."""
        return table_spec(self.id)

    @property
    def label(self) -> str:
        """``预算05表`` for table 05."""
        return f"预算{self.id}表"


@functools.cache
def table_class(table_id: str) -> type[BudgetTable]:
    """The class of one budget table (built once from its declaration)."""
    spec = table_spec(table_id)
    namespace = {"id": spec.id, "title": spec.title, "note": spec.note, "empty_statement": spec.empty_statement,
                 "__doc__": f"{spec.title} (预算{spec.id}表)."}
    cls = type(f"BudgetTable{table_id}", (BudgetTable,), namespace)
    return attrs.frozen(cls)


def _columns(spec: BudgetTableSpec) -> tuple[Column, ...]:
    return tuple(Column(c.key, c.title, c.number, c.side) for c in spec.columns)


def _make(table_id: str, rows: Iterable[Row]) -> BudgetTable:
    spec = table_spec(table_id)
    return table_class(table_id)(_columns(spec), tuple(rows))


@attrs.frozen
class BudgetDisclosure:
    """The tables of one department's 部门预算公开, derived from a budget ledger."""

    department: str
    fiscal_year: int
    edition: int
    tables: Mapping[str, BudgetTable]

    @property
    def family(self) -> str:
        """The disclosure family: ``"budget"`` (部门预算)."""
        return "budget"

    def table(self, table_id: str) -> BudgetTable:
        """A table by id (``"05"``, ``"5"`` or ``"预算05表"``)."""
        key = "".join(ch for ch in str(table_id) if ch.isdigit()).zfill(2)
        found = self.tables.get(key)
        if found is not None:
            return found
        raise GovBudgetError(f"no budget table {table_id!r}; tables are {', '.join(self.tables)}")


# -- sums ---------------------------------------------------------------------------------------------
def _sum(items: Iterable[tuple[str, Decimal]]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for key, amount in items:
        out[key] = out.get(key, ZERO) + amount
    return out


def _leaves(lines: Sequence[Allocation], key: str, columns: Sequence[tuple[str, object]]) -> dict[str, tuple[Decimal, ...]]:
    """Per function (or economic) code: the total, then one sum per (attribute, value) column."""
    out: dict[str, list[Decimal]] = {}
    for a in lines:
        code = getattr(a, key)
        values = out.setdefault(code, [ZERO] * (len(columns) + 1))
        values[0] += a.amount
        for i, (attr, value) in enumerate(columns):
            if getattr(a, attr) is value:
                values[i + 1] += a.amount
    return {k: tuple(v) for k, v in out.items()}


def _economic_rows(leaves: Mapping[str, Sequence[Decimal]], width: int, edition: int) -> tuple[Row, ...]:
    """Rows 合计, then every 经济分类 类 and 款 with a nonzero value, in code order."""
    ec = catalog(Scheme.ECONOMIC_DEPARTMENT, edition)
    items = {code: values for code, values in leaves.items() if any(values)}
    classes: dict[str, list[Decimal]] = {}
    for code, values in items.items():
        acc = classes.setdefault(code[:3], [ZERO] * width)
        for i, v in enumerate(values):
            acc[i] += v
    total = [sum((c[i] for c in classes.values()), ZERO) for i in range(width)]
    rows = [Row("total", "合计", tuple(total))]
    sums: dict[str, Sequence[Decimal]] = {**items, **classes}
    for code in sorted(sums):
        subject = ec.get(code)
        rows.append(Row(code, subject.name if subject else code, tuple(sums[code]), code=code,
                        level=Level.CLASS if len(code) == 3 else Level.SECTION))
    return tuple(rows)


def _class_rows(by_class: Mapping[str, Sequence[Decimal]], edition: int, width: int) -> list[Row]:
    """One expenditure row per 功能分类 类 with money, in code order."""
    fc = catalog(Scheme.FUNCTIONAL, edition)
    rows = []
    for code in sorted(c for c, v in by_class.items() if any(v)):
        subject = fc.get(code)
        rows.append(Row(code, subject.name if subject else code, tuple(by_class[code]), code=code,
                        level=Level.CLASS, side="expenditure"))
    return rows


def _fixed(spec: BudgetTableSpec, key: str, *values: Decimal) -> Row:
    r = spec.row(key)
    return Row(key, r.label, tuple(values), side=r.side)


# -- the tables -------------------------------------------------------------------------------------
def _t01(ledger: BudgetLedger, edition: int) -> BudgetTable:
    spec = table_spec("01")
    current = [a for a in ledger.allocations if not a.carried_over]
    by_source = _sum((_SOURCE_KEYS[a.source], a.amount) for a in current)

    def get(key: str) -> Decimal:
        return by_source.get(key, ZERO)
    fiscal = sum((get(_SOURCE_KEYS[s]) for s in FISCAL), ZERO)
    unit_funds = sum((get(_SOURCE_KEYS[s]) for s in UNIT_FUNDS), ZERO)
    income_total = fiscal + get("special_account") + unit_funds
    carryover = sum((a.amount for a in ledger.allocations if a.carried_over), ZERO)
    income = [
        _fixed(spec, "fiscal", fiscal),
        *(_fixed(spec, _SOURCE_KEYS[s], get(_SOURCE_KEYS[s])) for s in FISCAL),
        _fixed(spec, "special_account", get("special_account")),
        _fixed(spec, "unit_funds", unit_funds),
        *(_fixed(spec, _SOURCE_KEYS[s], get(_SOURCE_KEYS[s])) for s in UNIT_FUNDS),
        _fixed(spec, "income_total", income_total),
        _fixed(spec, "carryover", carryover),
        _fixed(spec, "income_grand_total", income_total + carryover),
    ]
    by_class = _sum((a.function[:3], a.amount) for a in ledger.allocations)
    classes = _class_rows({k: (v,) for k, v in by_class.items()}, edition, 1)
    spent = sum(by_class.values(), ZERO)
    # A budget spends what it receives: nothing is left for 结转下年.
    carry_forward = income_total + carryover - spent
    expenditure = [*classes, _fixed(spec, "expenditure_total", spent),
                   _fixed(spec, "carry_forward", carry_forward),
                   _fixed(spec, "expenditure_grand_total", spent + carry_forward)]
    return _make("01", [*income, *expenditure])


def _t02(ledger: BudgetLedger) -> BudgetTable:
    spec = table_spec("02")
    keys = [c.key for c in spec.columns]

    def values(lines: Iterable[Allocation]) -> tuple[Decimal, ...]:
        by = _sum(("carryover" if a.carried_over else _SOURCE_KEYS[a.source], a.amount) for a in lines)
        parts = [by.get(k, ZERO) for k in keys[1:]]
        return (sum(parts, ZERO), *parts)

    names = {u.id: u.name for u in ledger.units}
    unit_ids = list(dict.fromkeys([u.id for u in ledger.units] + [a.unit for a in ledger.allocations]))
    rows = [Row("total", "合计", values(ledger.allocations))]
    for uid in unit_ids:
        rows.append(Row(f"unit:{uid}", names.get(uid) or uid or ledger.department,
                        values(a for a in ledger.allocations if a.unit == uid)))
    return _make("02", rows)


def _functional(table_id: str, lines: Sequence[Allocation], natures: Sequence[Nature], edition: int) -> BudgetTable:
    leaves = _leaves(lines, "function", [("nature", n) for n in natures])
    return _make(table_id, _functional_rows(leaves, len(natures) + 1, edition))


def _t04(ledger: BudgetLedger, edition: int) -> BudgetTable:
    spec = table_spec("04")
    fiscal = [a for a in ledger.allocations if a.source.is_fiscal]
    current = [a for a in fiscal if not a.carried_over]
    by_fund = _sum((_SOURCE_KEYS[a.source], a.amount) for a in current)
    income_total = sum(by_fund.values(), ZERO)
    carryover = sum((a.amount for a in fiscal if a.carried_over), ZERO)
    income = [
        *(_fixed(spec, _SOURCE_KEYS[s], by_fund.get(_SOURCE_KEYS[s], ZERO)) for s in FISCAL),
        _fixed(spec, "income_total", income_total),
        _fixed(spec, "carryover", carryover),
        _fixed(spec, "income_grand_total", income_total + carryover),
    ]
    leaves = _leaves(fiscal, "function", [("source", s) for s in FISCAL])
    by_class: dict[str, list[Decimal]] = {}
    for code, vals in leaves.items():
        acc = by_class.setdefault(code[:3], [ZERO] * 4)
        for i, v in enumerate(vals):
            acc[i] += v
    classes = _class_rows(by_class, edition, 4)
    totals = [sum((r.values[i] for r in classes), ZERO) for i in range(4)]
    # Each fund spends what it receives; the 合计 column is their sum.
    forward_by_fund = [by_fund.get(_SOURCE_KEYS[s], ZERO) + sum((a.amount for a in fiscal if a.carried_over
                                                                  and a.source is s), ZERO) - totals[i + 1]
                       for i, s in enumerate(FISCAL)]
    forward = (sum(forward_by_fund, ZERO), *forward_by_fund)
    expenditure = [*classes, _fixed(spec, "expenditure_total", *totals),
                   _fixed(spec, "carry_forward", *forward),
                   _fixed(spec, "expenditure_grand_total", *(t + f for t, f in zip(totals, forward, strict=True)))]
    return _make("04", [*income, *expenditure])


def _t06(gpb_basic: Sequence[Allocation], edition: int) -> BudgetTable:
    leaves: dict[str, tuple[Decimal, ...]] = {}
    for code, amount in _sum((a.economic, a.amount) for a in gpb_basic).items():
        personnel = code[:3] in PERSONNEL_CLASSES
        leaves[code] = (amount, amount if personnel else ZERO, ZERO if personnel else amount)
    return _make("06", _economic_rows(leaves, 3, edition))


def _t07(ledger: BudgetLedger) -> BudgetTable:
    tp = ledger.three_public
    values = (tp.total, tp.abroad, tp.vehicles, tp.vehicle_purchase, tp.vehicle_operation, tp.reception)
    return _make("07", [Row("three_public", table_spec("07").row("three_public").label, values)])


def _t10(gpb: Sequence[Allocation], edition: int) -> BudgetTable:
    leaves = _leaves(gpb, "economic", [("nature", Nature.BASIC), ("nature", Nature.PROJECT)])
    return _make("10", _economic_rows(leaves, 3, edition))


def _t11(ledger: BudgetLedger) -> BudgetTable:
    spec = table_spec("11")
    keys = [c.key for c in spec.columns][1:]
    projects: dict[str, list[Decimal]] = {}
    for a in ledger.allocations:
        if a.nature is not Nature.PROJECT:
            continue
        key = "unit_funds" if a.source in UNIT_FUNDS else _SOURCE_KEYS[a.source]
        values = projects.setdefault(a.project, [ZERO] * (len(keys) + 1))
        values[0] += a.amount
        values[keys.index(key) + 1] += a.amount
    total = [sum((v[i] for v in projects.values()), ZERO) for i in range(len(keys) + 1)]
    rows = [Row("total", "合计", tuple(total))]
    rows += [Row(f"project:{name}", name or "未命名项目", tuple(v)) for name, v in projects.items()]
    return _make("11", rows)


def _t12(amount: Decimal) -> BudgetTable:
    return _make("12", [Row("office_operating", table_spec("12").row("office_operating").label, (amount,))])


def _t13(ledger: BudgetLedger) -> BudgetTable:
    spec = table_spec("13")
    p = ledger.procurement
    assert p is not None
    return _make("13", [_fixed(spec, "goods", p.goods), _fixed(spec, "works", p.works),
                        _fixed(spec, "services", p.services), _fixed(spec, "total", p.total)])


def derive(ledger: BudgetLedger) -> BudgetDisclosure:
    """The budget tables of ``ledger``; every total and subtotal computed exactly, in 元."""
    with exact_arithmetic():
        return _derive(ledger)


def _derive(ledger: BudgetLedger) -> BudgetDisclosure:
    edition = ledger.edition
    lines = ledger.allocations
    by_source = {s: [a for a in lines if a.source is s] for s in FISCAL}
    gpb = by_source[BudgetSource.GENERAL_PUBLIC_BUDGET]
    natures = (Nature.BASIC, Nature.PROJECT)
    all_natures = (Nature.BASIC, Nature.PROJECT, Nature.OPERATING, Nature.REMIT_TO_SUPERIOR,
                   Nature.SUBSIDY_TO_AFFILIATES)
    tables: dict[str, BudgetTable] = {
        "01": _t01(ledger, edition),
        "02": _t02(ledger),
        "03": _functional("03", lines, all_natures, edition),
        "04": _t04(ledger, edition),
        "05": _functional("05", gpb, natures, edition),
        "06": _t06([a for a in gpb if a.nature is Nature.BASIC], edition),
        "07": _t07(ledger),
        "08": _functional("08", by_source[BudgetSource.GOVERNMENT_FUND], natures, edition),
        "09": _functional("09", by_source[BudgetSource.STATE_CAPITAL], natures, edition),
        "10": _t10(gpb, edition),
    }
    if any(a.project for a in lines):
        tables["11"] = _t11(ledger)
    if ledger.office_operating is not None:
        tables["12"] = _t12(ledger.office_operating)
    if ledger.procurement is not None:
        tables["13"] = _t13(ledger)
    order = [t.id for t in budget_tables()]
    return BudgetDisclosure(ledger.department, ledger.fiscal_year, edition,
                            {k: tables[k] for k in order if k in tables})


@in_wide_context
def consolidate_disclosures(a: BudgetDisclosure, b: BudgetDisclosure) -> dict[str, dict[tuple[str, str], Decimal]]:
    """Cell-wise sum of two disclosures' subject and total cells (table → (row, column) → 元),
    as the consolidation law compares it with the disclosure of the consolidated ledger."""
    out: dict[str, dict[tuple[str, str], Decimal]] = {}
    for d in (a, b):
        for tid, t in d.tables.items():
            cells = out.setdefault(tid, {})
            for r in t.rows:
                cols = t.columns_for(r.side if r.side in ("income", "expenditure") else "")
                for c, v in zip(cols, r.values, strict=False):
                    cells[(r.key, c.key)] = cells.get((r.key, c.key), ZERO) + v
    return out
