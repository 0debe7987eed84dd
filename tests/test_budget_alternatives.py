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
    assert t04.cell("expenditure_total", "total") == D("18417.70")  # the 总计 column
    assert t04.cell("expenditure_grand_total", "total") == D("18417.70")  # 支出合计
    assert p.tables["01"].cell("general_public_budget", "amount") == D("18417.70")
    report = check(p)
    funds = [f for f in report.findings if f.rule == f"budget.{RULE}"]
    assert [f.severity for f in funds] == [Severity.INFO]  # the 0.01 tail, under 本年+上年结转
    assert "本年+上年结转" in funds[0].message_zh
    assert not [f for f in report.errors if f.rule in ("budget.t04.carryover", "budget.t04.income-grand-total")]


def _t04_page(first_label: str) -> list:  # 财政拨款收支总表 of 重庆's layout (chongqing-08, page 18)
    from govbudget.recognize import Grid, Page, TextLine

    grid = (("收入", "", "支出", "", "", "", ""),
            ("项目", "预算数", "项目", "总计", "一般公共预算", "政府性基金预算", "国有资本经营预算"),
            ("一、本年收入", "266,026.92", "一、本年支出", "274,164.30", "227,955.11", "46,209.19", ""),
            (first_label, "223,898.88", "（一）教育支出", "274,164.30", "227,955.11", "46,209.19", ""),
            ("（二）政府性基金预算资金", "42,128.04", "", "", "", "", ""),
            ("（三）国有资本经营预算资金", "", "", "", "", "", ""),
            ("二、上年结转", "8,137.38", "二、结转下年", "", "", "", ""),
            ("（一）一般公共预算拨款", "4,056.23", "", "", "", "", ""),
            ("（二）政府性基金预算拨款", "4,081.15", "", "", "", "", ""),
            ("（三）国有资本经营预算拨款", "", "", "", "", "", ""),
            ("收入合计", "274,164.30", "支出合计", "274,164.30", "227,955.11", "46,209.19", ""))
    lines = ("2026年部门预算", "表四", "2026年财政拨款收支总体情况表", "单位：万元")
    return [Page(1, tuple(TextLine(1, i + 1, t, float(i)) for i, t in enumerate(lines)),
                 (Grid(1, grid, 10.0, 11.0),))]


def test_fund_rows_under_the_carryover_heading_are_its_sub_rows() -> None:
    from govbudget.reading import published_from_pages

    p = published_from_pages(_t04_page("（一）一般公共预算资金"), source="grid")
    t04 = p.tables["04"]
    assert t04.cell("general_public_budget", "amount") == D("223898.88")
    assert t04.cell("carryover_general_public_budget", "amount") == D("4056.23")
    assert t04.cell("carryover_government_fund", "amount") == D("4081.15")
    assert not [f for f in check(p).errors if f.rule.startswith("budget.t04")]
    # A 本年 fund row whose label is not read (a stray 1 before it, as pdfminer gives 重庆-08's
    # page 18 without its clip): the row under 上年结转 keeps its own key, never the 本年 one,
    # so 本年收入 is not checked against 上年结转's figures (the error of the last corpus run).
    p = published_from_pages(_t04_page("1（一）一般公共预算资金"), source="grid")
    t04 = p.tables["04"]
    assert t04.cell("carryover_general_public_budget", "amount") == D("4056.23")
    assert p.cell("04", "general_public_budget", "amount") is None or \
        not p.cell("04", "general_public_budget", "amount").read  # type: ignore[union-attr]
    assert not [f for f in check(p).errors if f.rule == "budget.t04.income-total"]


def test_a_glyph_outside_its_clip_is_no_text() -> None:
    # chongqing-08.pdf page 18: each label cell of 表四 has a 行次 "1" (SimSun 9 pt) drawn into a
    # clip 0.6 pt wide at x = 33.79; it is not printed (the page renders without it)
    pytest.importorskip("pdfplumber")
    path = CORPUS / "chongqing-08.pdf"
    if not path.exists():
        pytest.skip(f"corpus not found at {path}")
    from govbudget.extract import extract
    from govbudget.readers import read

    (t,) = [t for t in extract(path).page_tables(18) if any("上年结转" in c for r in t.rows for c in r.cells)]
    labels = [r.cells[0] for r in t.rows]
    assert "（一）一般公共预算资金" in labels and "（二）政府性基金预算资金" in labels
    assert not [c for c in labels if c.startswith("1")]
    p = read(path)
    assert p.tables["04"].cell("general_public_budget", "amount") == D("223898.88")
    assert p.tables["04"].cell("carryover_general_public_budget", "amount") == D("4056.23")
    assert not [f for f in check(p).errors if f.rule in ("budget.t04.income-total", f"budget.{RULE}")]


def test_a_total_not_printed_is_replaced_by_its_parts():
    """湖州 prints 预算04表 without 本年支出合计: 支出总计 = 本年支出合计 + 结转下年 is then checked
    as Σ 类 rows + 结转下年, from what the table prints (a total printed but not read would
    stay "not checked")."""
    from govbudget.budget.io import example_budget_published_text
    from govbudget.budget.reader import read_budget_text
    from govbudget.rules import check

    text = example_budget_published_text()
    t4 = text.index("财政拨款收支总体情况表\n单位名称")
    head, tail = text[:t4], text[t4:]
    assert "本年收入合计 3,944.08 本年支出合计 3,944.08\n" in tail and "支出总计 3,944.08\n" in tail
    tail = tail.replace("本年收入合计 3,944.08 本年支出合计 3,944.08\n", "本年收入合计 3,944.08\n", 1)
    findings = [f for f in check(read_budget_text(head + tail)).findings
                if f.rule == "budget.t04.expenditure-grand-total" and f.location.row == "expenditure_grand_total"]
    assert findings == [] or all(f.severity.value != "error" for f in findings)
    # 支出总计 printed 10.00 too high: Σ 类 (2,570.71 + 419.35 + 3.97 + 950.05 = 3,944.08) + 0.00.
    tail = tail.replace("支出总计 3,944.08\n", "支出总计 3,954.08\n", 1)
    errors = [f for f in check(read_budget_text(head + tail)).findings
              if f.rule == "budget.t04.expenditure-grand-total" and f.severity.value == "error"]
    assert len(errors) == 1 and errors[0].stated == "3954.08" and errors[0].expected.startswith("3944.08")
