"""The generated explanatory text against the seed's published text, figure by figure, and
its conventions (year on year, zero bases, placeholders, rounding balance)."""

from __future__ import annotations

import json
from decimal import Decimal as D

import attrs
import pytest

from govbudget.cli import main
from govbudget.errors import FormatError
from govbudget.io import example_ledger, example_published_text
from govbudget.ledger import BudgetLine, NarrativeFacts, PriorYear
from govbudget.narrative import (
    PLACEHOLDER,
    build,
    narrative,
    replace_figure,
    to_json,
    to_markdown,
    to_text,
)
from govbudget.readers import read_text


@pytest.fixture(scope="module")
def generated():
    return build(example_ledger())


# Figures of the seed's 情况说明, typed by hand from the published text.
SEED = {
    "total.amount": "3881.84", "total.change": "-2094.69", "total.change_rate": "35.05",
    "income.total": "3881.84", "income.fiscal.amount": "3881.84", "income.fiscal.share": "100.00",
    "expenditure.total": "3881.84", "expenditure.basic.amount": "590.51", "expenditure.basic.share": "15.21",
    "expenditure.project.amount": "3291.33", "expenditure.project.share": "84.79",
    "fiscal.total": "3881.84", "fiscal.change": "-152.16", "fiscal.change_rate": "3.78",
    "gpb.total": "3881.84", "gpb.share_of_expenditure": "100.00", "gpb.change": "-152.59", "gpb.change_rate": "3.78",
    "gpb_structure.total": "3881.84",
    "gpb_structure.201.amount": "780.27", "gpb_structure.201.share": "20.10",
    "gpb_structure.206.amount": "3000.00", "gpb_structure.206.share": "77.28",
    "gpb_structure.208.amount": "41.64", "gpb_structure.208.share": "1.07",
    "gpb_structure.210.amount": "27.66", "gpb_structure.210.share": "0.71",
    "gpb_structure.213.amount": "3.98", "gpb_structure.213.share": "0.10",
    "gpb_structure.221.amount": "28.28", "gpb_structure.221.share": "0.74",
    "gpb_budget.total": "7866.50", "gpb_budget.actual": "3881.84", "gpb_budget.rate": "49.35",
    "gpb_budget.2010301.budget": "639.30", "gpb_budget.2010301.actual": "551.64", "gpb_budget.2010301.rate": "86.29",
    "gpb_budget.2010399.budget": "0.00", "gpb_budget.2010399.actual": "228.63",
    "gpb_budget.2069999.budget": "0.00", "gpb_budget.2069999.actual": "3000.00",
    "gpb_budget.2080501.budget": "2.50", "gpb_budget.2080501.actual": "1.19", "gpb_budget.2080501.rate": "47.60",
    "gpb_budget.2080505.budget": "60.20", "gpb_budget.2080505.actual": "40.45", "gpb_budget.2080505.rate": "67.19",
    "gpb_budget.2101101.budget": "31.80", "gpb_budget.2101101.actual": "27.66", "gpb_budget.2101101.rate": "86.98",
    "gpb_budget.2130599.budget": "0.00", "gpb_budget.2130599.actual": "3.98",
    "gpb_budget.2210201.budget": "52.90", "gpb_budget.2210201.actual": "28.28", "gpb_budget.2210201.rate": "53.46",
    "basic.total": "590.51", "basic.personnel": "541.23", "basic.public": "49.28",
    "office.amount": "49.28", "office.change": "-68.66", "office.change_rate": "58.22",
    "performance.projects_with_targets": "6", "performance.projects_self_evaluated": "2",
    "performance.self_evaluated": "2", "performance.rating.优": "2", "performance.key_evaluations": "1",
    "performance.key_evaluation_score": "93.27",
}
# Where the seed is wrong, the generated text has the right figure.
CORRECTED = {
    "gpb_structure.221.share": "0.73",  # 28.28 / 3881.84
    "fiscal.change_rate": "3.77",  # 152.16 / 4034.00
    "gpb_budget.total": "786.70",  # Σ of the eight 项 budgets
    "gpb_budget.rate": "493.43",  # 3881.84 / 786.70
}


def test_generated_figures_match_the_seed_except_its_errors(generated):
    figures = generated.figures
    for key, printed in SEED.items():
        assert str(figures[key].value) == CORRECTED.get(key, printed), key


def test_generated_text_matches_every_seed_figure_as_read(generated):
    # All the figures the reader finds in the published text, not only those typed above.
    seed = read_text(example_published_text()).narrative.figures
    mine = generated.figures
    zero_base = {k for k, f in seed.items() if k.endswith((".rate", ".share")) and k not in mine}
    # the seed prints 0.00% for 0/0 in 九 and 十一; the generator prints no rate there
    assert zero_base == {
        "three_public.rate", "three_public.abroad.rate", "three_public.vehicles.rate",
        "three_public.reception.rate", "three_public.abroad.share", "three_public.vehicles.share",
        "three_public.reception.share", "three_public.detail.abroad.rate", "three_public.detail.vehicles.rate",
        "three_public.detail.reception.rate", "procurement.to_sme.share", "procurement.to_small_micro.share",
    }
    assert set(mine) == set(seed) - zero_base
    different = {k for k in mine if mine[k].value != seed[k].value}
    assert different == set(CORRECTED)


def test_seed_sentences(generated):
    text = to_text(generated)
    assert "2023 年度收、支总计均为 3881.84 万元。与上年度相比，收、支总计各减少 2094.69 万元，下降 35.05%。" in text
    assert "财政拨款收、支总计各减少 152.16 万元，下降 3.77%。" in text
    assert "住房保障（类）支出 28.28 万元，占 0.73%。" in text
    assert "年初预算为 786.70 万元，支出决算为 3881.84 万元，完成年初预算的 493.43%。" in text
    # a zero 年初预算 gets no completion rate, as in the seed
    assert "其他科学技术支出（项）年初预算数为 0.00 万元，决算数 3000.00 万元，决算数与年初预算数存在差异" in text
    assert "我部门 2023 年度没有政府性基金收入，也没有使用政府性基金安排的支出。" in text
    assert "预算为 0.00 万元，支出决算为 0.00 万元。" in text and "完成预算的 0.00%" not in text
    assert "人员经费 541.23 万元，主要包括：基本工资、津贴补贴、奖金、绩效工资" in text
    assert "比 2022 年度减少 68.66 万元，下降 58.22%" in text


def test_figures_carry_exact_values_and_derivations(generated):
    f = generated.figures["gpb_structure.221.share"]
    assert f.exact is not None and str(f.exact).startswith("0.72857")  # 282,820 / 38,818,395
    assert "公开05表" in f.derivation
    assert generated.figures["total.amount"].exact == D("3881.8395")


def test_rounding_balance_moves_one_share_and_reports_it():
    n = build(example_ledger(), balance_shares=True)
    assert [(a.key, str(a.rounded), str(a.shown)) for a in n.adjustments] == [
        ("gpb_structure.206.share", "77.28", "77.29")]  # largest remainder: 77.2827… (not 住房保障)
    shares = [f.value for k, f in n.figures.items() if k.startswith("gpb_structure.") and k.endswith(".share")]
    assert sum(shares) == D("100.00")
    plain = [f.value for k, f in build(example_ledger()).figures.items()
             if k.startswith("gpb_structure.") and k.endswith(".share")]
    assert sum(plain) == D("99.99")
    assert "舍位平衡" in to_markdown(n)


def _ledger(**facts):
    ledger = example_ledger()
    return attrs.evolve(ledger, narrative=attrs.evolve(ledger.narrative, **facts))


def test_year_on_year_conventions():
    flat = build(_ledger(prior_year=PriorYear(total=D("38818395.00"))))
    assert "收、支总计持平。" in to_text(flat) and flat.figures["total.change"].value == 0
    assert "total.change_rate" not in flat.figures
    grown = build(_ledger(prior_year=PriorYear(total=D("0"))))
    # a zero base: the change is stated, never a rate (no “增长100%”)
    assert grown.figures["total.change"].value == D("3881.84")
    assert "total.change_rate" not in grown.figures and "各增加 3881.84 万元。" in to_text(grown)
    unknown = build(_ledger(prior_year=PriorYear()))
    assert PLACEHOLDER in to_text(unknown) and "total.change" not in unknown.figures


def test_missing_reason_is_a_visible_placeholder():
    facts = example_ledger().narrative
    budgets = tuple(attrs.evolve(b, reason=None) if b.function == "2010301" else b for b in facts.initial_budget)
    text = to_text(build(_ledger(initial_budget=budgets, reasons=())))
    assert f"行政运行（项）年初预算数为 639.30 万元，决算数 551.64 万元，完成年初预算的 86.29%，决算数与年初预算数存在差异的主要原因是{PLACEHOLDER}。" in text
    assert f"主要原因是{PLACEHOLDER}。" in text.split("四、")[0]  # section 一's reason


def test_item_with_budget_but_no_spending_is_listed():
    facts = example_ledger().narrative
    extra = (*facts.initial_budget, BudgetLine("2010302", D("10000"), "未发生"))
    n = build(_ledger(initial_budget=extra))
    assert n.figures["gpb_budget.2010302.actual"].value == 0
    assert n.figures["gpb_budget.2010302.rate"].value == 0  # 0 / 1.00 万元: a real 0.00%
    assert n.figures["gpb_budget.total"].value == D("787.70")


def test_json_form_and_renderers(generated):
    data = json.loads(to_json(generated))
    assert data["schema"] == "govbudget/narrative/1"
    first = data["sections"][0]["paragraphs"][0][0]
    assert first["figures"][0] == {"key": "total.amount", "value": "3881.84", "kind": "amount",
                                   "exact": "3881.8395", "derivation": "公开01表 总计", "line": None}
    assert to_markdown(generated).startswith("## 第三部分 2023 年度部门决算情况说明")
    assert narrative(example_ledger(), fmt="text") == to_text(generated)
    with pytest.raises(FormatError):
        narrative(example_ledger(), fmt="pdf")


def test_replace_figure(generated):
    changed = replace_figure(generated, "total.amount", D("1.00"))
    assert changed.figures["total.amount"].value == D("1.00")
    assert "total.amount" not in replace_figure(generated, "total.amount", None).figures
    with pytest.raises(KeyError):
        replace_figure(generated, "nope", D(1))


def test_cli_narrative_and_markdown_report(capsys):
    assert main(["narrative", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["fiscal_year"] == 2023
    assert main(["narrative", "--balance-shares"]) == 0
    captured = capsys.readouterr()
    assert "占 77.29%" in captured.out and "gpb_structure.206.share 77.28% → 77.29%" in captured.err
    assert main(["report", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert out.index("### 公开09表") < out.index("## 第三部分")


def test_office_expenses_missing_is_visible():
    n = build(_ledger(office_operating_expenses=None))
    assert "office.amount" not in n.figures and PLACEHOLDER in to_text(n).split("十、")[1]


def test_narrative_facts_default_is_complete():
    ledger = attrs.evolve(example_ledger(), narrative=NarrativeFacts())
    text = to_text(build(ledger))
    assert text.count("、") > 13 and "十三、预算绩效情况说明" in text
