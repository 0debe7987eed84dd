"""The 部门预算 tables, derived from a :class:`~govbudget.budget.ledger.BudgetLedger`.

:func:`derive` turns a budget ledger into a :class:`~govbudget.tables.Disclosure` of family
``"budget"`` whose tables agree by construction: every total, subtotal and cross-table figure
is an exact sum, in 元, of the same allocations.  The layout (titles, columns, fixed rows, the
declared sums) is the family spec's (:mod:`govbudget.families.budget`) and the tables are laid
out by the builders of :mod:`govbudget.tables`; this module supplies only the facts — the
allocations summed by 来源, 性质, 功能 项 and 经济 款.  Rounding to 万元 happens when rendered.

Optional tables are derived when the ledger holds their facts: 10 (经济分类) always, 11 (项目)
when there is 项目支出 (unnamed projects in one 未命名项目 row), 12 (机关运行经费) and 13 (政府采购) when stated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from govbudget.budget.ledger import FISCAL, UNIT_FUNDS, Allocation, BudgetLedger, BudgetSource
from govbudget.ledger import Nature
from govbudget.money import ZERO, exact_arithmetic
from govbudget.spec import family
from govbudget.tables import (
    Disclosure,
    Row,
    Table,
    _complete,
    _fixed_table,
    _subject_table,
    _two_sided,
)

__all__ = ["derive", "source_key"]

FAMILY = "budget"


def source_key(source: BudgetSource) -> str:
    """The spec key of a source (row of 预算01表, column of 预算02/04/11表)."""
    return source.name.lower()


def _nature_key(nature: Nature) -> str:
    return nature.name.lower()


_Cells = dict[str, Decimal]


def _add(target: dict[str, _Cells], code: str, key: str, amount: Decimal) -> None:
    cells = target.setdefault(code, {})
    cells[key] = cells.get(key, ZERO) + amount


def _by(lines: Iterable[Allocation], code: str, key: str) -> dict[str, _Cells]:
    """Cells by code (``function`` / ``economic`` / function 类) from one attribute's key."""
    out: dict[str, _Cells] = {}
    for a in lines:
        c = a.function[:3] if code == "class" else getattr(a, code)
        _add(out, c, key if not key.startswith("@") else _key_of(a, key), a.amount)
    return out


def _key_of(a: Allocation, how: str) -> str:
    if how == "@nature":
        return _nature_key(a.nature)
    if how == "@source":
        return source_key(a.source)
    if how == "@panel":
        return "personnel" if a.economic[:3] in ("301", "303") else "public"
    raise AssertionError(how)


def _sum(lines: Iterable[Allocation]) -> Decimal:
    return sum((a.amount for a in lines), ZERO)


def derive(ledger: BudgetLedger) -> Disclosure:
    """The budget tables of ``ledger``; every total and subtotal computed exactly, in 元."""
    with exact_arithmetic():
        return _derive(ledger)


def _derive(ledger: BudgetLedger) -> Disclosure:
    fam = family(FAMILY)
    edition = ledger.edition
    lines = ledger.allocations
    current = [a for a in lines if not a.carried_over]
    carried = [a for a in lines if a.carried_over]
    gpb = [a for a in lines if a.source is BudgetSource.GENERAL_PUBLIC_BUDGET]
    fiscal = [a for a in lines if a.source.is_fiscal]

    # 预算01: income by source (what this year's allocations use), 上年结转, spending by 类.
    given01: dict[tuple[str, str], _Cells] = {
        ("income", source_key(s)): {"amount": _sum(a for a in current if a.source is s)} for s in BudgetSource}
    given01[("income", "carryover")] = {"amount": _sum(carried)}
    # A budget spends what it has: nothing is left for 结转下年.
    given01[("expenditure", "carry_forward")] = {"amount": ZERO}
    t01 = _two_sided(fam.table("01"), edition, given01, _by(lines, "class", "amount"))

    # 预算04: the three funds (income, 上年结转 of each), spending by 类 × fund.
    given04: dict[tuple[str, str], _Cells] = {
        ("income", source_key(s)): {"amount": _sum(a for a in current if a.source is s)} for s in FISCAL}
    # 上年结转 by fund; the row 上年结转 is their sum (declared in the spec).
    given04.update({("income", f"carryover_{source_key(s)}"): {"amount": _sum(a for a in carried if a.source is s)}
                    for s in FISCAL})
    given04[("expenditure", "carry_forward")] = {source_key(s): ZERO for s in FISCAL}
    t04 = _two_sided(fam.table("04"), edition, given04, _by(fiscal, "class", "@source"))

    def functional(tid: str, subset: Sequence[Allocation]) -> Table:
        return _subject_table(fam.table(tid), edition, _by(subset, "function", "@nature"))

    tables: list[Table] = [
        t01,
        _by_unit(ledger),
        functional("03", lines),
        t04,
        functional("05", gpb),
        _subject_table(fam.table("06"), edition, _by([a for a in gpb if a.nature is Nature.BASIC], "economic", "@panel")),
        _fixed_table(fam.table("07"), {"three_public": _three_public(ledger)}),
        functional("08", [a for a in lines if a.source is BudgetSource.GOVERNMENT_FUND]),
        functional("09", [a for a in lines if a.source is BudgetSource.STATE_CAPITAL]),
        _subject_table(fam.table("10"), edition, _by(gpb, "economic", "@nature")),
    ]
    if any(a.nature is Nature.PROJECT for a in lines):
        tables.append(_by_project(ledger))
    if ledger.office_operating is not None:
        tables.append(_fixed_table(fam.table("12"), {"office_operating": {"amount": ledger.office_operating}}))
    if ledger.procurement is not None:
        p = ledger.procurement
        tables.append(_fixed_table(fam.table("13"), {k: {"amount": getattr(p, k)} for k in ("goods", "works", "services")}))
    return Disclosure(family=FAMILY, edition=edition, department=ledger.department,
                      fiscal_year=ledger.fiscal_year, tables={t.id: t for t in tables})


def _three_public(ledger: BudgetLedger) -> _Cells:
    tp = ledger.three_public
    return {"abroad": tp.abroad, "vehicle_purchase": tp.vehicle_purchase,
            "vehicle_operation": tp.vehicle_operation, "reception": tp.reception}


def _rows_by(spec_id: str, groups: Mapping[str, tuple[str, _Cells]]) -> Table:
    """A table of fixed 合计 row and one row per group (unit, project): 合计 = Σ groups."""
    spec = family(FAMILY).table(spec_id)
    rows = [Row(key, label, _complete(spec, "", cells)) for key, (label, cells) in groups.items()]
    total = tuple(sum((r.values[i] for r in rows), ZERO) for i in range(len(spec.columns)))
    head = spec.row("total")
    return Table(spec, spec.columns, (Row(head.key, head.label, total), *rows))


def _by_unit(ledger: BudgetLedger) -> Table:
    """预算02: one row per unit (its income by source, 上年结转), 合计 their sum."""
    names = {u.id: u.name for u in ledger.units}
    order = list(dict.fromkeys([u.id for u in ledger.units] + [a.unit for a in ledger.allocations]))
    groups: dict[str, tuple[str, _Cells]] = {}
    for uid in order:
        cells: _Cells = {}
        for a in ledger.allocations:
            if a.unit == uid:
                key = "carryover" if a.carried_over else source_key(a.source)
                cells[key] = cells.get(key, ZERO) + a.amount
        groups[f"unit:{uid}"] = (names.get(uid) or uid or ledger.department, cells)
    return _rows_by("02", groups)


def _by_project(ledger: BudgetLedger) -> Table:
    """预算11: one row per project (项目支出 by source), 合计 their sum."""
    groups: dict[str, tuple[str, _Cells]] = {}
    for a in ledger.allocations:
        if a.nature is not Nature.PROJECT:
            continue
        key = "unit_funds" if a.source in UNIT_FUNDS else source_key(a.source)
        _, cells = groups.setdefault(f"project:{a.project}", (a.project or "未命名项目", {}))
        cells[key] = cells.get(key, ZERO) + a.amount
    return _rows_by("11", groups)
