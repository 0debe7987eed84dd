"""The 部门预算 情况说明 as govbudget.textread reads it: amounts in 亿元, 重庆's 收入预算 /
支出预算 sentences, and the wordings placed since session 6.

Real sentences are typed from the PDFs of ../shared/corpus (page as printed, line breaks where
the PDF breaks them); the expected figures are worked by hand from the sentence.
"""

from __future__ import annotations

from decimal import Decimal as D

import attrs
from hypothesis import given
from hypothesis import strategies as st

from govbudget.budget.io import example_budget_ledger
from govbudget.budget.tables import derive
from govbudget.published import from_disclosure, half_width, replace_cell, shown
from govbudget.rules import rule
from govbudget.textread import _amount, read_narrative


def _read(text: str):
    lines = list(enumerate(text.splitlines(), 1))
    narrative, findings = read_narrative(lines, family="budget", department="", year=2026, edition=2026)
    assert narrative is not None
    return narrative, findings


def _values(text: str) -> dict[str, D]:
    return {k: f.value for k, f in _read(text)[0].figures.items()}


# -- amounts in 亿元 ---------------------------------------------------------------------------------------
def test_an_amount_in_yi_is_read_exactly_with_its_printed_precision():
    # 1.5 亿元 = 15,000 万元, printed to 0.1 亿元 = 1,000 万元: it stands for [14,500, 15,500).
    # 0.12 亿元 = 1,200 万元 ± 50; 8.7% is as printed.
    values = _values("八、机关运行经费预算情况\n2026年本部门机关运行经费预算1.5亿元，比上年增加0.12亿元，增长8.7%。\n")
    assert values == {"office.total": D(15000), "office.change": D(1200), "office.change_rate": D("8.7")}
    assert half_width(values["office.total"]) == 500 and half_width(values["office.change"]) == 50


def test_an_amount_in_yi_with_thousands_and_split_by_a_line_break():
    # 1,234.56 亿元 = 12,345,600 万元 ± 50 (0.01 亿元 is 100 万元)
    values = _values("一、收支预算总体情况说明\n2026年本部门收入预算1,234.5\n6亿元。\n")
    assert values == {"total.income": D(12345600)}
    assert half_width(values["total.income"]) == 50


def test_an_amount_in_yi_not_placed_is_said_as_printed():
    # 委托业务费 is in no vocabulary: the finding names the figure as printed, never 1.5E+4.
    narrative, findings = _read("六、委托业务费安排情况\n2026年本部门安排委托业务费1.5亿元。\n")
    assert not narrative.figures
    assert [(f.stated, f.location.line) for f in findings] == [("1.5亿元", 2)]
    assert "E+" not in findings[0].message_zh


def _budget_with_income_text(cell: str, text: str):
    p = from_disclosure(derive(example_budget_ledger()), rounded=True)
    p = replace_cell(p, "01", "income_grand_total", "amount", D(cell))
    narrative, _ = _read(f"一、收支预算总体情况说明\n{text}\n")
    return rule("budget.text.table-figures", "budget").check(attrs.evolve(p, narrative=narrative))


def test_the_tail_check_of_a_yi_figure_is_that_of_its_printed_precision():
    # |15,000 − 15,012.34| = 12.34 ≤ 500 + 0.005: a rounding tail (info), no error.
    accepted = _budget_with_income_text("15012.34", "2026年本部门收入预算1.5亿元。")
    income = [f for f in accepted if "total.income" in f.message_zh]
    assert income and all(f.severity.value == "info" for f in income)
    # |15,000 − 15,600.00| = 600 > 500.005: an error, shown as printed figures, never 1.5E+4.
    rejected = _budget_with_income_text("15600.00", "2026年本部门收入预算1.5亿元。")
    errors = [f for f in rejected if f.severity.value == "error" and "total.income" in f.message_zh]
    assert len(errors) == 1
    assert errors[0].stated == "15000 (±500)" and "15000 (±500)" in errors[0].message_zh
    assert all("E+" not in x for x in (errors[0].message_zh, errors[0].message_en, errors[0].expected or ""))


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=4))
def test_yi_to_wan_is_exact_and_keeps_the_printed_unit(units: int, places: int):
    # A figure printed with ``places`` decimals in 亿元 is units / 10**places 亿元.
    printed = f"{D(units).scaleb(-places):f}"
    value = _amount(printed, "亿元")
    assert value == D(units) * 10**4 / 10**places  # exactly, independently worked
    # the half-width is half of the last printed digit, in 万元: 0.5 × 10**(4 − places)
    assert half_width(value) == D(5) * D(10) ** (3 - places)
    assert "E" not in shown(value) and D(shown(value).split(" ")[0]) == value


@given(st.integers(min_value=1, max_value=10**7), st.integers(min_value=0, max_value=2))
def test_a_yi_figure_in_a_sentence_reads_back(units: int, places: int):
    printed = f"{D(units).scaleb(-places):f}"
    values = _values(f"八、机关运行经费预算情况\n2026年本部门机关运行经费预算{printed}亿元。\n")
    assert values == {"office.total": D(units) * 10**4 / 10**places}
