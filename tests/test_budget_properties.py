"""Hypothesis properties of the 部门预算 family, mirroring the 决算 ones: identities by
construction (checked exactly and against sums computed here from the allocations), the
permutation and split laws, round trips, consolidation, and rounding (a rounded derived
budget has rounding tails, never errors)."""

from __future__ import annotations

from decimal import Decimal as D

import attrs
from hypothesis import given
from hypothesis import strategies as st

from govbudget import catalog
from govbudget.budget.io import budget_ledger_from_json, budget_ledger_to_json
from govbudget.budget.ledger import (
    Allocation,
    BudgetLedger,
    BudgetSource,
    PriorYearBudget,
    consolidate,
)
from govbudget.budget.narrative import build
from govbudget.budget.rules import check_budget
from govbudget.budget.tables import derive
from govbudget.ledger import FunctionAmount, Nature, ProcurementFacts, ThreePublicAmounts
from govbudget.published import from_disclosure
from govbudget.render import disclosure_from_json, render

from .strategies import fen_amounts

ZERO = D(0)
FUNCTIONS = sorted(s.code for s in catalog("functional", 2026) if len(s.code) == 7)
ECONOMICS = sorted(s.code for s in catalog("economic-department", 2026) if len(s.code) == 5)
THREE_PUBLIC = ["30212", "31013", "30913", "30231", "30217"]
FISCAL = (BudgetSource.GENERAL_PUBLIC_BUDGET, BudgetSource.GOVERNMENT_FUND, BudgetSource.STATE_CAPITAL)

amounts = fen_amounts(0, 10**9)
functions = st.one_of(st.sampled_from(FUNCTIONS[:6]), st.sampled_from(FUNCTIONS))
economics = st.one_of(st.sampled_from([*THREE_PUBLIC, "30101", "30201", "30302"]), st.sampled_from(ECONOMICS))


@st.composite
def allocations(draw):
    source = draw(st.sampled_from(list(BudgetSource)))
    nature = draw(st.sampled_from([Nature.BASIC, Nature.PROJECT] if source in FISCAL else list(Nature)))
    project = draw(st.sampled_from(["", "项目甲", "项目乙"])) if nature is Nature.PROJECT else ""
    return Allocation(draw(functions), draw(economics), nature, source, draw(amounts),
                      draw(st.sampled_from(["a", "b"])), project, draw(st.booleans()))


@st.composite
def budget_ledgers(draw, max_lines=20):
    lines = tuple(draw(st.lists(allocations(), max_size=max_lines)))
    opt = st.one_of(st.none(), amounts)
    used = sorted({a.function for a in lines})
    by_function = tuple(FunctionAmount(f, draw(amounts)) for f in used if draw(st.booleans()))
    prior = PriorYearBudget(
        basis=draw(st.sampled_from(["上年预算数", "上年执行数"])),
        total=draw(opt), fiscal_total=draw(opt), general_public=None if by_function else draw(opt),
        general_public_by_function=by_function,
        three_public=draw(st.one_of(st.none(), st.builds(ThreePublicAmounts, amounts, amounts, amounts, amounts))),
        office_operating=draw(opt))
    procurement = draw(st.one_of(st.none(), st.builds(ProcurementFacts, amounts, amounts, amounts)))
    return BudgetLedger("测试部门", 2026, 2026, (), lines, prior, draw(opt), procurement)


def total(lines, pred=lambda _: True) -> D:
    return sum((a.amount for a in lines if pred(a)), ZERO)


def cells(d) -> dict[tuple[str, str, str, str], D]:
    """Every cell of a disclosure by (table, side, row, column)."""
    return {(t.id, r.side, r.key, c.key): v for t in d.tables.values() for r in t.rows
            for c, v in zip(t.columns_of(r), r.values, strict=True)}


@given(budget_ledgers())
def test_identities_by_construction(ledger):
    d = derive(ledger)
    # Every table rule, generated and hand-written, holds exactly; with the generated text, the
    # text's printed figures leave at most rounding tails.
    assert not check_budget(d).findings
    report = check_budget(ledger)
    assert not report.errors and not report.warnings, report.to_text()
    lines = ledger.allocations
    gpb = [a for a in lines if a.source is BudgetSource.GENERAL_PUBLIC_BUDGET]
    t01 = d.table("01")
    assert t01.cell("income_total", "amount") == total(lines, lambda a: not a.carried_over)
    assert t01.cell("carryover", "amount") == total(lines, lambda a: a.carried_over)
    assert t01.cell("expenditure_total", "amount") == total(lines) == d.table("02").cell("total", "total")
    assert t01.cell("income_grand_total", "amount") == t01.cell("expenditure_grand_total", "amount")
    for s in BudgetSource:
        assert t01.cell(s.name.lower(), "amount") == total(lines, lambda a, s=s: a.source is s and not a.carried_over)
    for r in d.table("03").rows:
        if r.code and len(r.code) == 7:
            assert r.values[0] == total(lines, lambda a, c=r.code: a.function == c)
    assert d.table("05").cell("total", "total") == total(gpb)
    t06 = d.table("06")
    basic = [a for a in gpb if a.nature is Nature.BASIC]
    assert t06.cell("total", "total") == total(basic)
    assert t06.cell("total", "personnel") == total(basic, lambda a: a.economic[:3] in ("301", "303"))
    t07 = d.table("07")
    for key, codes in (("abroad", ("30212",)), ("vehicle_purchase", ("31013", "30913")),
                       ("vehicle_operation", ("30231",)), ("reception", ("30217",))):
        assert t07.cell("three_public", key) == total(gpb, lambda a, c=codes: a.economic in c)
    fiscal = [a for a in lines if a.source.is_fiscal]
    assert d.table("04").cell("expenditure_total", "total") == total(fiscal)
    if "11" in d.tables:
        assert d.table("11").cell("total", "total") == total(lines, lambda a: a.nature is Nature.PROJECT)


@given(budget_ledgers(), st.randoms(use_true_random=False))
def test_permutation_law(ledger, rnd):
    lines = list(ledger.allocations)
    rnd.shuffle(lines)
    assert cells(derive(attrs.evolve(ledger, allocations=tuple(lines)))) == cells(derive(ledger))


@given(budget_ledgers(), st.data())
def test_split_law(ledger, data):
    if not ledger.allocations:
        return
    i = data.draw(st.integers(0, len(ledger.allocations) - 1))
    line = ledger.allocations[i]
    part = data.draw(st.integers(0, int(line.amount * 100))) / D(100)
    split = (attrs.evolve(line, amount=part), attrs.evolve(line, amount=line.amount - part))
    lines = ledger.allocations[:i] + split + ledger.allocations[i + 1:]
    assert cells(derive(attrs.evolve(ledger, allocations=lines))) == cells(derive(ledger))


@given(budget_ledgers())
def test_round_trips(ledger):
    assert budget_ledger_from_json(budget_ledger_to_json(ledger)) == ledger
    d = derive(ledger)
    assert disclosure_from_json(render(d, "json")) == d


@given(budget_ledgers(), budget_ledgers())
def test_consolidation_equals_sum_of_derived(a, b):
    # A fact stated for one unit only is unknown for the sum: state them alike.
    b = attrs.evolve(b, office_operating=None if a.office_operating is None else b.office_operating or ZERO,
                     procurement=None if a.procurement is None else b.procurement or ProcurementFacts())
    if a.office_operating is not None and b.office_operating is None:
        b = attrs.evolve(b, office_operating=ZERO)
    together = cells(derive(consolidate([a, b])))
    parts = [cells(derive(x)) for x in (a, b)]
    if set(derive(a).tables) == set(derive(b).tables):
        # Disclosure + Disclosure is the same cell-wise sum (units and projects united by key).
        assert cells(derive(a) + derive(b)) == {k: parts[0].get(k, ZERO) + parts[1].get(k, ZERO)
                                                for k in set(parts[0]) | set(parts[1])}
    keys = set(together) | set(parts[0]) | set(parts[1])
    for key in keys:
        assert together.get(key, ZERO) == parts[0].get(key, ZERO) + parts[1].get(key, ZERO), key


@given(budget_ledgers())
def test_rounded_budget_has_tails_not_errors(ledger):
    d = derive(ledger)
    published = from_disclosure(d, build(ledger, d), rounded=True)
    report = check_budget(published)
    assert not report.errors, report.to_text()


def test_a_changed_cell_is_an_error():
    from govbudget.budget.io import example_budget_ledger
    from govbudget.published import replace_cell

    ledger = example_budget_ledger()
    d = derive(ledger)
    p = from_disclosure(d, build(ledger, d), rounded=True)
    for table, row, column in (("05", "2014004", "project"), ("06", "30227", "total"), ("07", "three_public", "reception"),
                               ("01", "income_total", "amount")):
        changed = replace_cell(p, table, row, column, p.tables[table].cell(row, column) + D("1.00"))
        assert check_budget(changed).errors, (table, row, column)
