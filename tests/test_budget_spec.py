"""The budget family's declarations: every title the corpus prints names its table, the
declared sums and identities all have their namespaced rules, and what is not a budget is
refused by the budget reader."""

from __future__ import annotations

import pytest

from govbudget.budget.reader import read_budget_text
from govbudget.errors import FormatError
from govbudget.io import example_published_text
from govbudget.rules import family_rules
from govbudget.spec import family, family_ids

# Titles as printed in the 2026 budgets studied (docs/budget.md), without year or number.
PRINTED = {
    "01": ["收支总表", "收支总体情况表", "部门收支总体情况表", "单位收支总体情况表", "收支预算总表", "部门财务收支预算总表"],
    "02": ["收入总表", "收入总体情况表", "部门收入总体情况表", "收入预算总表"],
    "03": ["支出总表", "本年支出总体情况表", "部门支出总体情况表", "支出预算总表"],
    "04": ["财政拨款收支总表", "财政拨款收支总体情况表", "财政拨款收支预算总表"],
    "05": ["本年一般公共预算支出表", "一般公共预算支出情况表（按功能分类科目）", "一般公共预算拨款支出预算表"],
    "06": ["本年一般公共预算基本支出表", "一般公共预算基本支出情况表(按经济分类科目)", "一般公共预算基本支出经济分类情况表"],
    "07": ["本年一般公共预算“三公”经费支出表", "财政拨款“三公”经费支出情况表", '一般公共预算"三公"经费支出表',
           "财政拨款安排的行政经费及“三公”经费预算表", "一般公共预算“三公”经费、会议费、培训费支出表"],
    "08": ["本年政府性基金预算支出表", "政府性基金预算支出情况表", "政府性基金预算拨款支出预算表"],
    "09": ["本年国有资本经营预算支出明细表", "国有资本经营预算支出情况表", "国有资本经营预算支出预算表"],
    "10": ["一般公共预算支出经济分类情况表"],
    "11": ["项目支出表", "项目支出预算表", "部门预算项目支出及其他支出预算表"],
    "12": ["一般公共预算机关运行经费支出预算表"],
    "13": ["政府采购预算明细表", "政府采购支出表"],
}


def test_budget_family_is_shipped_and_labelled():
    assert "budget" in family_ids()
    fam = family("budget")
    assert fam.name == "部门预算" and fam.table_ids == tuple(f"{i:02d}" for i in range(1, 14))
    assert fam.table("05").label == "预算05表"
    assert [t.id for t in fam.tables if t.optional] == ["10", "11", "12", "13"]


@pytest.mark.parametrize(("tid", "title"), [(tid, t) for tid, titles in PRINTED.items() for t in titles])
def test_printed_titles_name_their_table(tid, title):
    found = family("budget").match_title(title)
    assert found is not None and found.id == tid


def test_every_declared_sum_has_its_rule():
    fam = family("budget")
    ids = {r.id for r in family_rules("budget")}
    for t in fam.tables:
        for c in t.columns:
            if c.sum_of:
                assert f"budget.t{t.id}.{c.rule or 'row-' + c.key.replace('_', '-')}" in ids, (t.id, c.key)
    for i in (*fam.identities, *fam.links):
        assert f"budget.{i.id}" in ids
    assert all(r.id.startswith("budget.") for r in family_rules("budget"))


def test_a_final_report_is_not_a_budget():
    with pytest.raises(FormatError, match="no 部门预算 table"):
        read_budget_text(example_published_text())
