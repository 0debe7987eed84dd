"""Hypothesis strategies shared by the tests (amounts from integer fen, real codes)."""

from __future__ import annotations

from decimal import Decimal

import attrs
from hypothesis import strategies as st

from govbudget import catalog
from govbudget.ledger import (
    VEHICLE_CATEGORIES,
    AssetFacts,
    Balances,
    BudgetLine,
    ExpenditureLine,
    FunctionAmount,
    IncomeLine,
    IncomeSource,
    Ledger,
    NarrativeFacts,
    Nature,
    PerformanceFacts,
    PriorYear,
    ProcurementFacts,
    ThreePublicAmounts,
    ThreePublicExpenses,
)


def fen_amounts(min_fen: int = -(10**13), max_fen: int = 10**13) -> st.SearchStrategy[Decimal]:
    """Exact amounts in 元 with two decimals, built from integer fen (no float anywhere)."""
    return st.integers(min_fen, max_fen).map(lambda n: Decimal(n).scaleb(-2))


def subjects(scheme: str = "functional", edition: int = 2024):  # type: ignore[no-untyped-def]
    return st.sampled_from(list(catalog(scheme, edition)))


FUNCTIONS = sorted(s.code for s in catalog("functional", 2024) if len(s.code) == 7)
ECONOMICS = sorted(s.code for s in catalog("economic-department", 2024) if len(s.code) == 5)
FISCAL = (IncomeSource.GENERAL_PUBLIC_BUDGET, IncomeSource.GOVERNMENT_FUND, IncomeSource.STATE_CAPITAL)
ZERO = Decimal(0)

# realistic skew: a handful of 项 carry most lines
functions = st.one_of(st.sampled_from(FUNCTIONS[:5]), st.sampled_from(FUNCTIONS))
amounts = fen_amounts(0, 10**9)


@st.composite
def expenditure_lines(draw):
    source = draw(st.sampled_from(list(IncomeSource)))
    natures = [Nature.BASIC, Nature.PROJECT] if source in FISCAL else list(Nature)
    return ExpenditureLine(draw(functions), draw(st.sampled_from(ECONOMICS)), draw(st.sampled_from(natures)),
                           source, draw(amounts), draw(st.sampled_from(["a", "b"])))


@st.composite
def income_lines(draw):
    return IncomeLine(draw(st.sampled_from(list(IncomeSource))), draw(functions), draw(amounts),
                      draw(st.sampled_from(["a", "b"])))


@st.composite
def ledgers(draw, max_lines=25):
    inc = draw(st.lists(income_lines(), max_size=max_lines))
    exp = draw(st.lists(expenditure_lines(), max_size=max_lines))
    openings = tuple((s, draw(amounts)) for s in FISCAL if draw(st.booleans()))
    gf_opening = dict(openings).get(IncomeSource.GOVERNMENT_FUND, ZERO)
    balances = Balances(
        opening_total=sum((a for _, a in openings), ZERO) + draw(amounts),
        opening_fiscal=openings,
        opening_government_fund=(FunctionAmount(draw(functions), gf_opening),) if gf_opening else (),
        use_of_non_fiscal_balance=draw(amounts),
        balance_distribution=draw(amounts),
    )
    tp = ThreePublicExpenses(
        budget=ThreePublicAmounts(draw(amounts), draw(amounts), draw(amounts), draw(amounts)),
        actual=ThreePublicAmounts(draw(amounts), draw(amounts), draw(amounts), draw(amounts)),
    )
    return Ledger("测试部门", 2023, 2024, (), tuple(inc), tuple(exp), balances, tp)




@st.composite
def narrative_facts(draw, functions_used=()):
    """Narrative facts with prior years (zero allowed), 年初预算 on some 项, procurement,
    vehicles and performance counts."""
    opt = st.one_of(st.none(), amounts)
    budget_codes = draw(st.lists(st.sampled_from(FUNCTIONS[:8] + list(functions_used or FUNCTIONS[:1])),
                                 max_size=4, unique=True))
    goods, works, services = draw(amounts), draw(amounts), draw(amounts)
    total = goods + works + services
    sme = draw(st.integers(0, 100)) * total / 100
    small = draw(st.integers(0, 100)) * sme / 100
    ratings = tuple((r, draw(st.integers(0, 5))) for r in ("优", "良", "中", "差"))
    return NarrativeFacts(
        prior_year=PriorYear(draw(opt), draw(opt), draw(opt)),
        initial_budget=tuple(BudgetLine(c, draw(amounts), draw(st.sampled_from([None, "原因"])))
                             for c in budget_codes),
        office_operating_expenses=draw(opt),
        prior_office_operating_expenses=draw(opt),
        procurement=ProcurementFacts(goods, works, services, sme.quantize(Decimal("0.01")),
                                     small.quantize(Decimal("0.01")) if small <= sme.quantize(Decimal("0.01")) else Decimal(0)),
        assets=AssetFacts(tuple((c, draw(st.integers(0, 3))) for c in VEHICLE_CATEGORIES),
                          draw(st.integers(0, 3))),
        performance=PerformanceFacts(draw(st.integers(0, 9)), sum(n for _, n in ratings), ratings,
                                     "优", draw(st.integers(0, 2)), Decimal("90.5"), "良"),
    )


@st.composite
def full_ledgers(draw, max_lines=25):
    """Ledgers with narrative facts, for the text generator and the text rules."""
    ledger = draw(ledgers(max_lines=max_lines))
    facts = draw(narrative_facts(tuple({e.function for e in ledger.expenditure})))
    # Consistent “三公” facts: the actuals cover what 公开06 shows of them (GPB basic only).
    def basic(code):
        return sum((e.amount for e in ledger.expenditure if e.economic == code and e.nature is Nature.BASIC
                    and e.source is IncomeSource.GENERAL_PUBLIC_BUDGET), Decimal(0))
    a = ledger.three_public.actual
    actual = ThreePublicAmounts(max(a.abroad, basic("30212")), max(a.vehicle_purchase, basic("31013")),
                                max(a.vehicle_operation, basic("30231")), max(a.reception, basic("30217")))
    three_public = attrs.evolve(ledger.three_public, actual=actual,
                                foreign_reception=draw(st.integers(0, 100)) * actual.reception / 100)
    return attrs.evolve(ledger, narrative=facts, three_public=three_public)
