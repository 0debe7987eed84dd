"""No result depends on the caller's decimal context: every entry point that computes with
amounts runs in its own local context (derivation refuses any rounding; checking, narrative,
readers and consolidation work at 100 digits)."""

from __future__ import annotations

import decimal
from collections.abc import Callable
from decimal import Decimal as D

import attrs
import pytest

from govbudget.io import example_ledger, example_published_text
from govbudget.ledger import Balances, ThreePublicAmounts, ThreePublicExpenses
from govbudget.narrative import build, to_text
from govbudget.published import from_disclosure
from govbudget.readers import read_text
from govbudget.render import render
from govbudget.rules import check
from govbudget.tables import consolidate, derive

LEDGER = example_ledger()
SEED = example_published_text()
# The example has no balances nor “三公” spending: give it some with many digits.
RICH = attrs.evolve(
    LEDGER,
    balances=Balances(opening_total=D("1234567.89"), use_of_non_fiscal_balance=D("7654.32"),
                      balance_distribution=D("111.11")),
    three_public=ThreePublicExpenses(actual=ThreePublicAmounts(D("12345.67"), D("200000.01"), D("3.33"), D("0.99"))),
)

ENTRY_POINTS: dict[str, Callable[[], object]] = {
    "derive": lambda: derive(LEDGER),
    "check a derived disclosure": lambda: check(derive(LEDGER)),
    "read and check the seed": lambda: check(read_text(SEED)),
    "narrative": lambda: to_text(build(LEDGER)),
    "narrative with balances and “三公”": lambda: to_text(build(RICH)),
    "printed view": lambda: from_disclosure(derive(LEDGER), build(LEDGER), rounded=True),
    "render": lambda: render(derive(LEDGER), "text"),
    "consolidate ledgers": lambda: consolidate([RICH, RICH, LEDGER]),
    "add disclosures": lambda: derive(LEDGER) + derive(LEDGER),
}


@pytest.mark.parametrize("name", ENTRY_POINTS)
def test_a_callers_low_precision_changes_nothing(name):
    expected = ENTRY_POINTS[name]()
    with decimal.localcontext() as ctx:
        # 4 digits would round 5,905,095.00 to 5.905E+6; ROUND_FLOOR would bias every quotient.
        ctx.prec, ctx.rounding = 4, decimal.ROUND_FLOOR
        got = ENTRY_POINTS[name]()
        assert (decimal.getcontext().prec, decimal.getcontext().rounding) == (4, decimal.ROUND_FLOOR)
    assert got == expected


def test_derived_checks_stay_clean_and_the_seed_keeps_its_three_errors_at_low_precision():
    with decimal.localcontext() as ctx:
        ctx.prec = 4
        assert check(derive(LEDGER)).findings == ()
        assert sum(f.severity.name == "ERROR" for f in check(read_text(SEED)).findings) == 3


def test_ledger_totals_at_low_precision():
    a = ThreePublicAmounts(abroad=D("12345.67"), vehicle_purchase=D("200000.01"),
                           vehicle_operation=D("3.33"), reception=D("0.99"))
    with decimal.localcontext() as ctx:
        ctx.prec = 3
        assert a.vehicles == D("200003.34")
        assert a.total == D("212350.00")
