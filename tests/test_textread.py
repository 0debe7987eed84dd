"""The one grammar of the 情况说明 (govbudget.textread), both families.

Real sentences are typed from the PDFs of ../shared/corpus (page as printed by pdfplumber, line
breaks where the PDF breaks them); the expected figures are worked by hand from the sentence.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, given, settings

from govbudget.budget.io import example_budget_ledger
from govbudget.budget.narrative import build as build_budget
from govbudget.budget.narrative import to_text as budget_text
from govbudget.io import example_ledger
from govbudget.narrative import build as build_final
from govbudget.narrative import to_text as final_text
from govbudget.readers import read_text
from govbudget.text import SectionTopic
from govbudget.textread import normalise, read_narrative, sections

from .strategies import full_ledgers
from .test_budget_properties import budget_ledgers


def _read(text: str, family: str = "budget", edition: int = 2026):
    lines = list(enumerate(text.splitlines(), 1))
    narrative, findings = read_narrative(lines, family=family, department="", year=2026, edition=edition)
    assert narrative is not None
    return narrative, findings


def _values(text: str, family: str = "budget") -> dict[str, D]:
    narrative, _ = _read(text, family)
    return {k: f.value for k, f in narrative.figures.items()}


# -- real sentences, one per city --------------------------------------------------------------------------
def test_changchun_three_public():
    # budget-2026/changchun-01.pdf p.18 (七): 减低 is 减少; the 2025 figure is not this year's.
    text = ("七、一般公共预算“三公”经费情况说明\n"
            "2026年“三公经费”预算数为7.61万元，2025年预算数为9.23\n"
            "万元，和2025年相比预算减少1.62万元。公务用车购置及运行费6.75万\n"
            "元，主要用于公务车的维修和加油。2026年公务接待费为0.86万元，和\n"
            "2025年相比预算减低0.27万元，主要原因是过紧日子。\n")
    assert _values(text) == {"three_public.total": D("7.61"), "three_public.vehicles": D("6.75"),
                             "three_public.reception": D("0.86"), "three_public.reception.change": D("-0.27")}


def test_chongqing_three_public_with_flat_items():
    # budget-2026/chongqing-01.pdf p.3 (四): 较 2025 年减少; 与 2025 持平 is a change of 0.
    # By hand: 184.49 + 10 + 200.00 + 0 = 394.49.
    text = ("四、“三公”经费情况说明\n"
            "2026 年“三公”经费预算 394.49 万元，较 2025 年减少 2.48 万元，其中：因公出国（境）费用\n"
            "184.49 万元，与 2025 持平；公务接待费 10万元，与 2025 持平；公务用车运行维护费200.00万元，\n"
            "较 2025 年减少2.48 万元，主要原因是按照全市统一政策要求，重庆市政府机关服务中心使用事业收\n"
            "入支出公务用车运行维护费；公务用车购置费 0 万元，与 2025 年持平。\n")
    assert _values(text) == {
        "three_public.total": D("394.49"), "three_public.total.change": D("-2.48"),
        "three_public.abroad": D("184.49"), "three_public.abroad.change": D(0),
        "three_public.reception": D(10), "three_public.reception.change": D(0),
        "three_public.vehicle_operation": D("200.00"), "three_public.vehicle_operation.change": D("-2.48"),
        "three_public.vehicle_purchase": D(0), "three_public.vehicle_purchase.change": D(0)}


def test_guangzhou_overview():
    # budget-2026/guangzhou-13.pdf p.21 (一): one-decimal rates; the 支出 change is its own.
    text = ("一、部门预算收支增减变化情况\n"
            "2026年本部门收入预算3,944.08万元，比上年增加286.07万\n"
            "元，增长7.8%，主要原因是一是基本支出因人员增加及政策性调\n"
            "整，基本支出预算相应增加；二是项目支出增加信息化运维项目\n"
            "经费等；支出预算3,944.08万元，比上年增加286.07万元，增长\n"
            "7.8%，主要原因是一是基本支出因人员增加及政策性调整。\n")
    assert _values(text) == {
        "total.income": D("3944.08"), "total.change": D("286.07"), "total.change_rate": D("7.8"),
        "total.expenditure": D("3944.08"), "total.expenditure.change": D("286.07"),
        "total.expenditure.change_rate": D("7.8")}


def test_huzhou_income_with_shares_under_a_broken_heading():
    # budget-2026/huzhou-04.pdf p.5, a （二） section with no 一、 above it, its heading broken
    # over two lines; 比上年执行数. By hand: 5973.01 + 283.30 = 6256.31; 5973.01 / 6256.31 = 95.47%.
    text = ("（二）关于湖州市退役军人事务局 2026 年收入预算情\n"
            "况说明\n"
            "湖州市退役军人事务局2026年收入预算6256.31万元，\n"
            "比上年执行数减少 336.67 万元，下降 5.0%，主要是阶段性\n"
            "项目的减少和压减一般性开支。\n"
            "其中：一般公共预算拨款收入 5973.01 万元，占 95.5%；\n"
            "其他收入 283.30 万元，占 4.5%。\n")
    narrative, _ = _read(text)
    assert narrative.sections[0].topic is SectionTopic.INCOME
    assert {k: f.value for k, f in narrative.figures.items()} == {
        "income.total": D("6256.31"), "income.total.change": D("-336.67"), "income.total.change_rate": D("5.0"),
        "income.general_public_budget": D("5973.01"), "income.general_public_budget.share": D("95.5"),
        "income.other": D("283.30"), "income.other.share": D("4.5")}
    # the rate keeps its printed precision: 5.0 stands for [4.95, 5.05)
    assert narrative.figures["income.total.change_rate"].value.as_tuple().exponent == -1


def test_quanzhou_three_public_subject_from_its_heading():
    # budget-2026/quanzhou-01.pdf p.27 (六（三）): the amount's subject is the sub-heading.
    # By hand: 32.00 + 261.90 = 293.90; 2.30 / (261.90 + 2.30) = 0.8706% → 0.87%.
    text = ("六、一般公共预算“三公”经费支出情况\n"
            "（三）公务用车购置及运行费\n"
            "2026年预算安排 293.90万元，其中：公务用车运行费\n"
            "32.00万元，比上年增加 0.00万元，增长 0.00%，与上年持平；\n"
            "公务用车购置费 261.90万元，比上年减少 2.30万元，下降\n"
            "0.87%。主要原因是: 车改后机关自行管理的公务用车数量与\n")
    assert _values(text) == {
        "three_public.vehicles": D("293.90"), "three_public.vehicle_operation": D("32.00"),
        "three_public.vehicle_operation.change": D("0.00"), "three_public.vehicle_operation.change_rate": D("0.00"),
        "three_public.vehicle_purchase": D("261.90"), "three_public.vehicle_purchase.change": D("-2.30"),
        "three_public.vehicle_purchase.change_rate": D("0.87")}


def test_wuxi_procurement_split_by_line_breaks():
    # budget-2026/wuxi-01.pdf p.41 (十三): 货\n物 and 万\n元 broken by the PDF. 2 + 0 + 110.9 = 112.9.
    text = ("十三、政府采购支出预算情况说明\n"
            "2026 年度政府采购支出预算总额 112.9 万元，其中：拟采购货\n"
            "物支出 2 万元、拟采购工程支出 0 万元、拟采购服务支出 110.9 万\n"
            "元。\n")
    assert _values(text) == {"procurement.total": D("112.9"), "procurement.goods": D(2),
                             "procurement.works": D(0), "procurement.services": D("110.9")}


def test_wuxi_change_in_the_next_sentence_and_a_zero_base_aside():
    # budget-2026/wuxi-01.pdf p.40 (十一): the change starts the next sentence; the aside
    # （去年预算数为 0 万元…） names last year's figure and is not read.
    text = ("十一、国有资本经营预算支出预算情况说明\n"
            "无锡市交通运输局（本级）2026 年国有资本经营预算支出\n"
            "32,640 万元。与上年相比增加 32,640 万元（去年预算数为 0 万\n"
            "元，无法计算增减比率）。主要原因是公交运营补贴交通集团承担\n")
    values = _values(text)
    assert values == {"state_capital.total": D(32640), "state_capital.total.change": D(32640)}


def test_zhuhai_three_public():
    # budget-2026/zhuhai-01.pdf p.30 (二). By hand: 5.96 / (19.84 + 5.96) = 23.10%.
    text = ("二、“三公”经费安排情况\n"
            "2026年本部门财政拨款安排“三公”经费19.84万元，比上年\n"
            "减少5.96万元，下降23.1%，主要原因是认真贯彻落实中央八项规\n")
    assert _values(text) == {"three_public.total": D("19.84"), "three_public.total.change": D("-5.96"),
                             "three_public.total.change_rate": D("23.1")}


def test_chongqing_two_scopes_of_one_subject_are_not_read():
    # budget-2026/chongqing-02.pdf p.4 (五（二）): a total of all funds, then 其中 the part of one
    # fund under the same words; the table restates one of them, which one is not said.
    text = ("五、其他重要事项的情况说明\n"
            "（二）政府采购情况。所属各预算单位政府采购预算总额6,546.82万元：政府采购货物预算1,267.79万元、\n"
            "政府采购工程预算465.53万元、政府采购服务预算4,813.5万元；其中一般公共预算拨款政府采购5,499.84万\n"
            "元：政府采购货物预算564.79万元、政府采购工程预算121.55万元、政府采购服务预算4,813.5万元。\n")
    narrative, findings = _read(text)
    assert narrative.walk().__next__().topic is SectionTopic.OTHER
    assert {k: f.value for k, f in narrative.figures.items()} == {"procurement.services": D("4813.5")}
    assert sum("口径不明" in f.message_zh for f in findings) == 3


# -- wording variants -----------------------------------------------------------------------------------
@pytest.mark.parametrize(("sentence", "change", "rate"), [
    ("比上年增加1.50万元，增长3%", D("1.50"), D(3)),
    ("较上年减少1.5万元，下降3.1%", D("-1.5"), D("3.1")),
    ("同比增加1.50万元，增长3.12%", D("1.50"), D("3.12")),
    ("比上年预算数减少1.50万元，下降3.12%", D("-1.50"), D("3.12")),
    ("比上年执行数增加1.50万元，增长3.12%", D("1.50"), D("3.12")),
    ("与上年相比，增加1.50万元，增长3.12%", D("1.50"), D("3.12")),
    ("与上年持平", D(0), None),
    ("与上年预算数相同", D(0), None),
])
def test_change_wordings(sentence, change, rate):
    values = _values(f"八、机关运行经费预算情况\n2026年本部门机关运行经费预算50.00万元，{sentence}。\n")
    assert values["office.total"] == D("50.00")
    assert values["office.change"] == change
    assert values.get("office.change_rate") == rate


def test_amounts_in_yuan_are_exact_in_wan_with_their_printed_precision():
    values = _values("八、机关运行经费预算情况\n2026年本部门机关运行经费预算1,234,567.89元，比上年增加100元。\n")
    assert values["office.total"] == D("123.456789") and values["office.total"].as_tuple().exponent == -6
    assert values["office.change"] == D("0.0100") and values["office.change"].as_tuple().exponent == -4


def test_full_width_digits_and_commas():
    values = _values("八、机关运行经费预算情况\n２０２６年本部门机关运行经费预算１，２３４．５６万元，比上年减少１２．３万元，下降０．９９％。\n")
    assert values == {"office.total": D("1234.56"), "office.change": D("-12.3"), "office.change_rate": D("0.99")}


def test_normalise_keeps_the_line_of_each_character():
    text, lines = normalise([(3, "收、支总计 1，234."), (4, "50元 合计")])
    assert text == "收支总计0.123450万元合计"
    assert lines[text.index("0.1")] == 3 and lines[text.index("合")] == 4


def test_unknown_subject_is_said_not_guessed():
    # 委托业务费 is in no vocabulary: its figures are info findings with their line, not figures.
    narrative, findings = _read("六、委托业务费安排情况\n2026年本部门一般公共预算安排委托业务费478.2万元，\n比上年增加49.27万元，增长11.5%。\n")
    assert not narrative.figures
    assert sorted(f.location.line for f in findings) == [2, 3, 3]
    assert all(f.rule == "reader.text" and "未识别的数字" in f.message_zh for f in findings)


def test_sections_by_meaning_of_heading_whatever_the_number():
    bodies = sections([(1, "二十、“三公”经费预算情况说明"), (2, "（一）机关运行经费。2026 年运行经费1,815万元。"),
                       (3, "五、其他重要事项的情况说明"), (4, "（一）机关运行经费。2026 年运行经费1,815万元。")])
    assert [(b.section, b.topic) for b in bodies] == [
        ("二十", SectionTopic.THREE_PUBLIC), ("五", SectionTopic.OTHER), ("五（一）", SectionTopic.OFFICE_OPERATING)]


# -- round trips -----------------------------------------------------------------------------------------
def test_budget_example_text_reads_back_to_every_figure():
    n = build_budget(example_budget_ledger())
    read, _ = _read(budget_text(n))
    assert {k: f.value for k, f in read.figures.items()} == {k: f.value for k, f in n.figures.items()}
    assert read.flags == n.flags == {"government_fund.none", "state_capital.none"}


def test_final_example_text_reads_back():
    n = build_final(example_ledger())
    read = read_text(final_text(n)).narrative
    assert read is not None
    mine = {k: f.value for k, f in read.figures.items()}
    assert mine and all(mine[k] == n.figures[k].value for k in mine)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(budget_ledgers())
def test_generated_budget_text_reads_back_to_the_same_figures(ledger):
    n = build_budget(ledger)
    read, _ = _read(budget_text(n))
    generated = {k: f.value for k, f in n.figures.items()}
    got = {k: f.value for k, f in read.figures.items()}
    # Nothing is misread: every figure read is the one generated under that key …
    assert {k: got[k] for k in got} == {k: generated.get(k) for k in got}
    # … and every figure is read but the change of a 项 no longer budgeted, printed without
    # its name (“2010301（本年未安排预算），比上年预算数减少 …”).
    missing = set(generated) - set(got)
    assert all(k.startswith("gpb.") and k.endswith((".change", ".change_rate")) for k in missing), missing
    assert read.flags == n.flags


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(full_ledgers())
def test_generated_final_text_reads_back_to_the_same_figures(ledger):
    n = build_final(ledger)
    read, _ = _read(final_text(n), family="final", edition=ledger.edition)
    generated = {k: f.value for k, f in n.figures.items()}
    got = {k: f.value for k, f in read.figures.items()}
    assert {k: got[k] for k in got} == {k: generated.get(k) for k in got}
    assert set(got) == set(generated)  # the 决算 patterns know every sentence the generator writes
    assert read.flags == n.flags


def test_wuxi_income_shares_and_last_years_carryover_not_taken_for_this_year():
    # budget-2026/wuxi-01.pdf pp.33–34 (二): “上年结转结余的一般公共预算收入” is no 一般公共预算拨款收入:
    # it is the carry-over from the 一般公共预算 (预算04表's 上年结转 row of that fund).
    # By hand: 196,278.67 / 984,760.87 = 19.93%.
    text = ("二、收入预算情况说明\n"
            "其中：\n"
            "本年一般公共预算收入196,278.67万元，占19.93%；\n"
            "上年结转结余的一般公共预算收入0万元，占0%；\n")
    assert _values(text) == {"income.general_public_budget": D("196278.67"),
                             "income.general_public_budget.share": D("19.93"),
                             "income.carryover.general_public_budget": D(0),
                             "income.carryover.general_public_budget.share": D(0)}


def test_a_100000_digit_figure_is_said_not_read():
    # One pass over the text (no rescanning): the figure is one token, not a subject's amount.
    narrative, findings = _read("二、“三公”经费安排情况\n" + "9" * 100_000 + "万元，比上年" * 3 + "\n")
    assert not narrative.figures and len(findings) == 1 and findings[0].location.line == 2


def test_foshan_final_in_another_wording_by_the_words_around_its_figures():
    # final/foshan-2019.pdf pp.24–25 (一（一）, 一（二）): no 决算 pattern knows this wording; the
    # words place the totals (本年收入 is 本年收入合计), sources and natures, never the 一般公共预算
    # part as 财政拨款收入. By hand: 746.39 + 921.75 = 1668.14.
    text = ("一、2019 年度收入支出决算总体情况说明\n"
            "（一）年度收入总体情况\n"
            "佛山市轨道交通局 2019 年度总收入 1668.14 万元，其中本\n"
            "年收入 1668.14 万元。具体情况如下：\n"
            "1．一般公共预算财政拨款收入 1668.14 万元，我局为 2019\n"
            "年新成立单位，不存在 2018 年一般公共预算财政拨款收入。\n"
            "3.上级补助收入 0 万元，我局为 2019 年新成立单位，不存\n"
            "7．其他收入 0.01 万元，我局为 2019 年新成立单位，不存\n"
            "（二）年度支出总体情况\n"
            "佛山市轨道交通局 2019 年度总支出 1668.14 万元，其中本\n"
            "年支出 1668.14 万元。具体情况如下：\n"
            "1.基本支出 746.39 万元，我局为2019年新成立单位，无\n"
            "2.项目支出 921.75 万元，我局为2019年新成立单位，无\n")
    narrative, _ = _read(text, family="final", edition=2024)
    assert {k: f.value for k, f in narrative.figures.items()} == {
        "total.amount": D("1668.14"), "income.total": D("1668.14"), "income.superior_subsidy.amount": D(0),
        "income.other.amount": D("0.01"), "expenditure.total": D("1668.14"),
        "expenditure.basic.amount": D("746.39"), "expenditure.project.amount": D("921.75")}


def test_huzhou_broken_headings_and_numbered_topics_of_other_matters():
    # budget-2026/huzhou-02.pdf p.8 (（四）, its heading broken after 收) and p.15 (（十）1.);
    # p.14: 持平 starting the sentence after the subject's. By hand: 37018.75 + 27600.00 = 64618.75;
    # 33.32 / (105.75 + 33.32) = 23.96% (printed 24.0%).
    text = ("（四）关于湖州市卫生健康委员会 2026 年财政拨款收\n"
            "支预算情况的总体说明\n"
            "湖州市卫生健康委员会 2026 年财政拨款收支总预算\n"
            "64618.75 万元。收入包括：一般公共预算当年拨款收入\n"
            "37018.75 万元、政府性基金当年拨款收入 27600.00 万元；\n"
            "（九）关于2026年一般公共预算“三公”经费预算情况说明\n"
            "100.0%，主要原因是 2026 年无公务用车购置预算；公务用\n"
            "车运行维护费支出 38.50 万元，主要用于公务用车燃料费、\n"
            "维修费、过桥过路费、保险费、安全奖励费用等支出。与上\n"
            "年预算数持平。\n"
            "（十）其他重要事项的情况说明\n"
            "1.机关运行经费。\n"
            "2026年湖州市卫生健康委员会本级1家行政单位的机关\n"
            "运行经费财政拨款预算 105.75 万元，比上年预算数减少\n"
            "33.32 万元，下降 24.0%，主要是人员调整以及公用经费中\n")
    narrative, _ = _read(text)
    assert [(s.id, s.topic) for s in narrative.walk()] == [
        ("（四）", SectionTopic.FISCAL_OVERVIEW), ("（九）", SectionTopic.THREE_PUBLIC),
        ("（十）", SectionTopic.OTHER), ("（十）1", SectionTopic.OFFICE_OPERATING)]
    assert {k: f.value for k, f in narrative.figures.items()} == {
        "fiscal.total": D("64618.75"), "three_public.vehicle_operation": D("38.50"),
        "three_public.vehicle_operation.change": D(0), "office.total": D("105.75"), "office.change": D("-33.32"),
        "office.change_rate": D("24.0")}


@pytest.mark.parametrize("lead", ["一般公共预算支出预算", "财政拨款支出预算", "政府性基金支出预算", "专户资金支出预算"])
def test_a_funds_total_is_not_the_departments(lead):
    # 支出预算 after a fund's name is that fund's, not 支出总计 (not read: no such key here).
    assert _values(f"一、收支预算总体情况\n2026年本部门{lead}100.00万元。\n") == {}
    assert _values("一、收支预算总体情况\n2026年本部门支出预算100.00万元。\n") == {"total.expenditure": D("100.00")}
