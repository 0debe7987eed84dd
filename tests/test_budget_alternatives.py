"""An identity that real layouts define in two ways (Identity.alternatives): 预算01表's fund
rows are 预算04表's 本年 figure (the template, 广州) or 本年 + that fund's 上年结转 (重庆).

The hand-worked case is 重庆市人民政府办公厅 2026 (corpus chongqing-01.pdf, page 14, 表四):
本年 一般公共预算资金 17,552.65, 上年结转 一般公共预算拨款 865.06, 收入合计 18,417.70, and
表一 (page 11) 一般公共预算资金 18,417.70; the issue's figure 865.05 makes it hold exactly.
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import attrs
import pytest

from govbudget.budget.io import example_budget_ledger, example_budget_published_text
from govbudget.budget.ledger import Allocation, BudgetSource
from govbudget.budget.reader import read_budget_text
from govbudget.budget.tables import derive
from govbudget.ledger import Nature
from govbudget.published import Published, Severity, from_disclosure, replace_cell
from govbudget.rules import AnyOf, check, rule
from govbudget.spec import Definition, family

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "budget-2026"
RULE = "x.t01-t04-funds"


def _published(gpb01: str, gpb04: str, carry: str) -> Published:
    """The budget example as printed (万元), with 预算01/04表's 一般公共预算 figures replaced."""
    p = from_disclosure(derive(example_budget_ledger()), rounded=True)
    p = replace_cell(p, "01", "general_public_budget", "amount", D(gpb01))
    p = replace_cell(p, "04", "general_public_budget", "amount", D(gpb04))
    return replace_cell(p, "04", "carryover_general_public_budget", "amount", D(carry))


def _gpb(p: Published) -> list:  # the findings on the 一般公共预算 row only
    return [f for f in rule(RULE, "budget").check(p) if f.location.row == "general_public_budget"]


def test_the_identity_declares_both_definitions() -> None:
    ids = [i for i in family("budget").identities if i.id == RULE]
    assert len(ids) == 3
    gpb = next(i for i in ids if i.left.row == "general_public_budget")
    assert [d.name for d in gpb.definitions] == ["本年", "本年+上年结转"]
    assert gpb.alternatives == (Definition("本年+上年结转", (gpb.right[0], attrs.evolve(
        gpb.right[0], row="carryover_general_public_budget"))),)
    # 预算04表 declares the 上年结转 rows by fund, under 上年结转, which is their sum
    t04 = family("budget").table("04")
    assert [r.key for r in t04.rows if r.parent == "carryover"] == [
        "carryover_general_public_budget", "carryover_government_fund", "carryover_state_capital"]
    assert t04.row("carryover").sum_of == tuple(r.key for r in t04.rows if r.parent == "carryover")
    assert t04.match_row("（一）一般公共预算拨款", "income", parent="carryover").key == "carryover_general_public_budget"


def test_chongqing_hand_worked_case_holds_with_its_carryover() -> None:
    # 17,552.65 + 865.05 = 18,417.70: holds exactly under 本年+上年结转, nothing reported
    assert _gpb(_published("18417.70", "17552.65", "865.05")) == []
    # as printed (865.06): 0.01 apart, within the ±0.015 of three rounded figures: a tail, info
    (tail,) = _gpb(_published("18417.70", "17552.65", "865.06"))
    assert tail.severity is Severity.INFO and "本年+上年结转" in tail.message_zh and "0.01" in tail.message_zh


def test_this_years_figure_alone_still_holds() -> None:
    # the template's definition: 预算01表 = 预算04表 本年, whatever the 上年结转
    assert _gpb(_published("17552.65", "17552.65", "865.05")) == []


@pytest.mark.parametrize("stated", ["18417.72", "18418.70", "18416.70"])
def test_a_mismatch_under_both_definitions_is_an_error(stated: str) -> None:
    # beyond the tail (0.02 > 0.015) or 1.00 apart from 17,552.65 + 865.05, and nowhere near 17,552.65
    (f,) = _gpb(_published(stated, "17552.65", "865.05"))
    assert f.severity is Severity.ERROR
    # every definition tried is named with its value
    assert "2种口径下均不成立" in f.message_zh
    assert "按“本年”口径 17552.65" in f.message_zh
    assert "按“本年+上年结转”口径 17552.65 + 865.05 = 18417.70" in f.message_zh
    assert f.expected == "本年: 17552.65 | 本年+上年结转: 18417.70"
    assert f.stated == stated


def test_an_untried_definition_makes_a_failure_not_checked() -> None:
    # 上年结转 by fund not printed (most places): 本年 fails, the other cannot be tried: not an error
    p = attrs.evolve(_published("18417.70", "17552.65", "0"),
                     unread=frozenset({("04", "carryover_general_public_budget", "*")}))
    (f,) = _gpb(p)
    assert f.severity is Severity.INFO and f.message_zh.startswith("未检查")
    assert "按“本年”口径 17552.65" in f.message_zh and "“本年+上年结转”口径的" in f.message_zh
    # while 本年 holds, the untried definition does not matter
    p = attrs.evolve(_published("17552.65", "17552.65", "0"),
                     unread=frozenset({("04", "carryover_general_public_budget", "*")}))
    assert _gpb(p) == []


def test_relations_are_one_per_fund_each_naming_its_definitions() -> None:
    p = _published("17552.65", "17552.65", "0")
    rels = list(rule(RULE, "budget").relations(p))
    assert len(rels) == 3 and all(isinstance(r, AnyOf) for r in rels)
    assert all([name for name, _ in r.options] == ["本年", "本年+上年结转"] for r in rels)


def test_derived_carryover_by_fund() -> None:
    # a ledger spending 100 元 of last year's 一般公共预算 and 50 元 of 政府性基金: 预算04表's
    # 上年结转 rows carry them, 上年结转 is their sum, and every rule holds exactly
    ledger = example_budget_ledger()
    extra = (Allocation("2014001", "30201", Nature.BASIC, BudgetSource.GENERAL_PUBLIC_BUDGET, D("100"), carried_over=True),
             Allocation("2014001", "30201", Nature.BASIC, BudgetSource.GOVERNMENT_FUND, D("50"), carried_over=True))
    ledger = attrs.evolve(ledger, allocations=(*ledger.allocations, *extra))
    d = derive(ledger)
    t04 = d.tables["04"]
    assert t04.cell("carryover_general_public_budget", "amount") == D("100")
    assert t04.cell("carryover_government_fund", "amount") == D("50")
    assert t04.cell("carryover_state_capital", "amount") == D("0")
    assert t04.cell("carryover", "amount") == D("150")
    report = check(from_disclosure(d))
    assert report.errors == ()
    assert not [f for f in report.findings if f.rule == f"budget.{RULE}"]


def test_the_budget_example_check_is_unchanged() -> None:
    # The published example (广州 prints no 上年结转 by fund): the same findings as before the
    # alternatives — no error, the one zero-base warning, and x.t01-t04-funds not printed.
    report = check(read_budget_text(example_budget_published_text(), source="example"))
    assert (len(report.errors), len(report.warnings)) == (0, 1)
    assert [f.rule for f in report.warnings] == ["budget.yoy.rates"]
    assert not [f for f in report.findings if f.rule == f"budget.{RULE}"]


def test_chongqing_pdf_reads_the_carryover_rows() -> None:
    pytest.importorskip("pdfplumber")
    path = CORPUS / "chongqing-01.pdf"
    if not path.exists():
        pytest.skip(f"corpus not found at {path}")
    from govbudget.readers import read

    p = read(path)
    t04 = p.tables["04"]
    # page 14, 表四, as printed
    assert t04.cell("general_public_budget", "amount") == D("17552.65")
    assert t04.cell("income_total", "amount") == D("17552.65")
    assert t04.cell("carryover", "amount") == D("865.06")
    assert t04.cell("carryover_general_public_budget", "amount") == D("865.06")
    assert t04.cell("income_grand_total", "amount") == D("18417.70")  # printed 收入合计
    assert p.tables["01"].cell("general_public_budget", "amount") == D("18417.70")
    report = check(p)
    funds = [f for f in report.findings if f.rule == f"budget.{RULE}"]
    assert [f.severity for f in funds] == [Severity.INFO]  # the 0.01 tail, under 本年+上年结转
    assert "本年+上年结转" in funds[0].message_zh
    assert not [f for f in report.errors if f.rule in ("budget.t04.carryover", "budget.t04.income-grand-total")]
