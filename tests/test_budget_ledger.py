"""The budget ledger refuses bad input naming the fact at fault; the budget 情况说明 compares
each 类, 款 and 项 with the prior year (figures worked out by hand)."""

from __future__ import annotations

import json
from decimal import Decimal as D

import pytest

from govbudget.budget.io import budget_ledger_from_json, budget_ledger_to_json
from govbudget.budget.ledger import (
    Allocation,
    BudgetLedger,
    BudgetSource,
    PriorYearBudget,
    validate,
)
from govbudget.budget.narrative import build, to_text
from govbudget.budget.rules import check_budget
from govbudget.errors import AmountError, FormatError, GovBudgetError, LedgerError
from govbudget.ledger import BudgetUnit, FunctionAmount, Nature

GPB, BUSINESS = BudgetSource.GENERAL_PUBLIC_BUDGET, BudgetSource.BUSINESS
BASIC, PROJECT = Nature.BASIC, Nature.PROJECT


def ledger(*lines: Allocation, **kw: object) -> BudgetLedger:
    return BudgetLedger("测试局", 2026, 2026, allocations=lines, **kw)  # type: ignore[arg-type]


def test_float_and_negative_amounts_are_refused():
    with pytest.raises(AmountError):
        Allocation("2010101", "30101", BASIC, GPB, 1.5)  # type: ignore[arg-type]
    with pytest.raises(LedgerError, match="negative"):
        Allocation("2010101", "30101", BASIC, GPB, D("-1"))


@pytest.mark.parametrize(("line", "message"), [
    (Allocation("2010198", "30101", BASIC, GPB, D(1)), r"allocations\[0\] \(function\).*2010198"),
    (Allocation("2010101", "301", BASIC, GPB, D(1)), r"allocations\[0\] \(economic\).*类"),
    (Allocation("2010101", "30101", Nature.OPERATING, GPB, D(1)), "can fund only 基本支出 or 项目支出"),
    (Allocation("2010101", "30101", BASIC, GPB, D(1), project="x"), "only 项目支出 has projects"),
])
def test_bad_allocations_are_named(line, message):
    with pytest.raises(LedgerError, match=message):
        validate(ledger(line))


def test_units_and_prior_year_are_checked():
    line = Allocation("2010101", "30101", BASIC, GPB, D(1), unit="x")
    with pytest.raises(LedgerError, match="unit 'x' is not one of"):
        validate(ledger(line, units=(BudgetUnit("y", "乙"),)))
    prior = PriorYearBudget(general_public=D(5), general_public_by_function=(FunctionAmount("2010101", D(4)),))
    with pytest.raises(LedgerError, match="adds to 4"):
        validate(ledger(line, prior=prior))


def test_json_errors_name_the_path():
    text = budget_ledger_to_json(ledger(Allocation("2010101", "30101", BASIC, GPB, D("10.00"))))
    data = json.loads(text)
    data["allocations"][0]["colour"] = "red"
    with pytest.raises(FormatError, match="colour"):
        budget_ledger_from_json(json.dumps(data), source="b.json")
    with pytest.raises(FormatError, match=r"b\.json"):
        budget_ledger_from_json(text.replace('"10.00"', "10.5"), source="b.json")
    with pytest.raises(GovBudgetError, match="2010198"):
        budget_ledger_from_json(text.replace("2010101", "2010198"), source="b.json")


def test_changes_by_class_section_and_item():
    # This year: 行政运行 10.00 万元 (基本), 一般行政管理事务 5.00 (项目).  Prior year (上年预算数):
    # 行政运行 8.00, 事业运行 (2010350) 2.00, which has no budget this year.
    lg = ledger(Allocation("2010101", "30101", BASIC, GPB, D(100000)),
                Allocation("2010102", "30201", PROJECT, GPB, D(50000), project="p"),
                prior=PriorYearBudget(general_public_by_function=(FunctionAmount("2010101", D(80000)),
                                                                  FunctionAmount("2010350", D(20000)))))
    f = build(lg).figures
    expected = {
        "gpb.total": "15.00", "gpb.change": "5.00", "gpb.change_rate": "50.00",          # 15 vs 10
        "gpb.201": "15.00", "gpb.201.share": "100.00", "gpb.201.change": "5.00", "gpb.201.change_rate": "50.00",
        "gpb.20101": "15.00", "gpb.20101.change": "7.00", "gpb.20101.change_rate": "87.50",  # 15 vs 8
        "gpb.2010101.change": "2.00", "gpb.2010101.change_rate": "25.00",                  # 10 vs 8
        "gpb.2010102.change": "5.00",                                                      # from nothing: no rate
        "gpb.20103.change": "-2.00", "gpb.20103.change_rate": "100.00",                    # 0 vs 2
        "gpb.2010350.change": "-2.00", "gpb.2010350.change_rate": "100.00",
    }
    for key, value in expected.items():
        assert f[key].value == D(value), key
    assert "gpb.2010102.change_rate" not in f
    text = to_text(build(lg))
    assert "2010101 行政运行（项） 10.00 万元，比上年预算数增加 2.00 万元，增长 25.00%" in text
    assert not check_budget(lg).errors


def test_missing_prior_year_is_a_visible_placeholder():
    lg = ledger(Allocation("2010101", "30101", BASIC, BUSINESS, D(100000)))
    text = to_text(build(lg))
    assert "〔待补充〕" in text and "事业收入 10.00 万元，占 100.00%" in text


def test_csv_round_trip_and_errors(tmp_path, capsys):
    from govbudget.budget.io import (
        budget_ledger_from_csv,
        budget_ledger_to_csv,
        example_budget_ledger,
        load_budget_ledger,
    )
    from govbudget.cli import main

    example = example_budget_ledger()
    text = budget_ledger_to_csv(example)
    back = budget_ledger_from_csv(text)
    assert back.allocations == example.allocations and back.department == "广州市信访局"
    path = tmp_path / "b.csv"
    path.write_text(text, encoding="utf-8")
    assert load_budget_ledger(path).allocations == example.allocations
    assert main(["report", str(path), "--table", "05", "--format", "csv"]) == 0
    assert "1859.41" in capsys.readouterr().out
    lines = text.splitlines()
    lines[5] = lines[5].replace("基本支出", "基本")  # line 6 of the file
    with pytest.raises(FormatError, match=r"b\.csv:6: field nature"):
        budget_ledger_from_csv("\n".join(lines), source="b.csv")
    lines = text.splitlines()
    lines[4] = lines[4].replace(",3748620.00", ",1e3")  # line 5
    with pytest.raises(FormatError, match=r"b\.csv:5: .*'1e3' is not an amount"):
        budget_ledger_from_csv("\n".join(lines), source="b.csv")


def test_sections_have_topics_and_keys_the_shared_vocabulary():
    from govbudget.budget.io import example_budget_ledger
    from govbudget.text import SectionTopic, topic_of_key

    n = build(example_budget_ledger())
    assert all(s.topic is not None for s in n.sections)
    assert n.section_about(SectionTopic.THREE_PUBLIC).heading == "七、“三公”经费预算情况"
    for section in n.walk():
        for p in section.paragraphs:
            for sentence in p.sentences:
                for f in sentence.figures:
                    assert topic_of_key(f.key) is not None, f.key
                    if section.topic is not SectionTopic.GOVERNMENT_FUND:  # 十 covers both funds
                        assert topic_of_key(f.key) is section.topic, (f.key, section.heading)
