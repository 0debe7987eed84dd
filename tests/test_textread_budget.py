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
from govbudget.text import SectionTopic
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


# -- 重庆: （一）收入预算 / （二）支出预算 run into 二、部门收支总体情况 --------------------------------------
CHONGQING_01 = (  # budget-2026/chongqing-01.pdf p.2, 二 (lines as the PDF breaks them)
    "二、部门收支总体情况\n"
    "（一）收入预算。2026 年年初预算数19,230.18 万元，其中：一般公共预算拨款 18,417.70万元，\n"
    "事业收入 812.48 万元，收入比 2025 年增加2,784.38 万元，其中：一般公共预算财政拨款增加2,781.90\n"
    "万元，主要是增加了重庆市“12345 一号通”政务服务便民热线运营项目二期预算；事业收入增加2.48\n"
    "万元，主要是按照全市统一政策要求，重庆市政府机关服务中心使用事业收入支出公务用车运行维护\n"
    "费。\n"
    "（二）支出预算。2026 年年初预算数19,230.18 万元，其中：一般公共服务支出 15,958.96万元，\n"
    "教育支出 15.26 万元，社会保障和就业支出1,595.94 万元，卫生健康支出446.95 万元，资源勘探工业\n"
    "信息等支出 673.17 万元，住房保障支出539.91 万元；支出比2025 年增加 2,784.38 万元，主要是基本\n"
    "支出增加 362.10 万元，项目支出增加 2,422.28 万元。\n")


def test_chongqing_income_and_spending_budgets_run_into_the_overview():
    # The sub-headings name what 年初预算数 is of; 收入比 / 支出比 2025 年 is the change of that total.
    # By hand: 18,417.70 + 812.48 = 19,230.18 (表一 收入总计, p.11).
    narrative, findings = _read(CHONGQING_01)
    assert [(s.id, s.topic) for s in narrative.walk()] == [
        ("二", SectionTopic.OVERVIEW), ("二（一）", SectionTopic.INCOME), ("二（二）", SectionTopic.EXPENDITURE)]
    assert {k: f.value for k, f in narrative.figures.items()} == {
        "income.total": D("19230.18"), "income.general_public_budget": D("18417.70"), "income.business": D("812.48"),
        "income.total.change": D("2784.38"),
        # the parts of the change, each naming its subject, share the sentence's 比 2025 年
        # (by hand: 2,781.90 + 2.48 = 2,784.38 = 362.10 + 2,422.28)
        "income.general_public_budget.change": D("2781.90"), "income.business.change": D("2.48"),
        "expenditure.total": D("19230.18"), "expenditure.total.change": D("2784.38"),
        "expenditure.basic.change": D("362.10"), "expenditure.project.change": D("2422.28")}
    assert narrative.figures["income.total"].line == 2 and narrative.figures["expenditure.total.change"].line == 9
    assert narrative.figures["income.business.change"].line == 4 and narrative.figures["expenditure.basic.change"].line == 10
    # what is not placed (the 类 of all funds) is said, in its sub-section
    unplaced = [(f.location.section, f.stated) for f in findings if "未识别" in f.message_zh]
    assert unplaced == [*(("二（二）", x) for x in ("15,958.96万元", "15.26万元", "1,595.94万元", "446.95万元",
                                                 "673.17万元", "539.91万元"))]


def test_parts_of_a_change_whose_whole_is_not_placed_share_its_comparison():
    # budget-2026/chongqing-03.pdf p.3 ll.10–14: the sentence 比 2025 年增加 2,734.52 万元 follows a 类
    # not read, so its subject is not known (not read); its parts name theirs (by hand: 659.75 +
    # 2,074.77 = 2,734.52).
    text = ("二、部门收支总体情况\n"
            "（二）支出预算：2026 年年初预算数 45,369.18万元。按支出功能分类，包括一般公共服务支\n"
            "出 22,022.92 万元，教育支出 9.30 万元，文化旅游体育与传媒支出 19527.61 万元，社会保障和就\n"
            "业支出2,164.46 万元，卫生健康支出 610.90 万元，资源勘探工业信息等支出 371.13 万元，住房保\n"
            "障支出 662.86 万元。比 2025 年增加 2,734.52 万元，主要是基本支出增加 659.75 万元，项目支出\n"
            "增加 2,074.77 万元。\n")
    assert _values(text) == {"expenditure.total": D("45369.18"), "expenditure.basic.change": D("659.75"),
                             "expenditure.project.change": D("2074.77")}


def test_a_part_of_a_change_is_read_only_naming_its_subject_within_the_sentence():
    # No subject named (其中：增加 …), or a new sentence (。基本支出增加 …: no comparison of its own):
    # not read; a named part after ； still shares the comparison.
    assert _values("三、支出预算情况说明\n支出比2025年增加10.00万元，其中：增加4.00万元；基本支出增加6.00万元。"
                   "项目支出增加4.00万元。\n") == {"expenditure.total.change": D("10.00"),
                                                   "expenditure.basic.change": D("6.00")}


def test_chongqing_income_budget_with_ascii_punctuation_and_the_funds_by_name():
    # budget-2026/chongqing-02.pdf p.3, 二（一）: (一) and : as printed; 政府性基金预算拨款 is a source.
    # By hand: 101,833.84 + 41,534.73 + 22,070.82 + 2,461.25 + 6,282.98 + 717.01 = 174,900.63
    # (printed total 174,900.64: a tail of 0.01, for the checker).
    text = ("二、部门收支总体情况\n"
            "(一)收入预算:2026年年初预算数174,900.64万元,其中:一般公共预算拨款101,833.84万元,政府性基\n"
            "金预算拨款41,534.73万元,财政专户管理资金22,070.82万元,事业收入资金2,461.25万元,事业单位经营收\n"
            "入资金6,282.98万元,其他收入资金717.01万元。收入比2025年减少86,685.29万元,主要是一般公共预算拨\n")
    assert _values(text) == {
        "income.total": D("174900.64"), "income.general_public_budget": D("101833.84"),
        "income.government_fund": D("41534.73"), "income.special_account": D("22070.82"),
        "income.business": D("2461.25"), "income.operating": D("6282.98"), "income.other": D("717.01"),
        "income.total.change": D("-86685.29")}


def test_last_years_initial_budget_and_a_funds_spending_are_not_this_years_income():
    # 年初预算数 is the total only as the whole clause; 政府性基金预算拨款支出 is no income source.
    text = ("二、收入预算情况说明\n上年年初预算数100.00万元，政府性基金预算拨款支出20.00万元。\n")
    assert _values(text) == {}


def test_a_subject_named_in_filler_words_before_the_comparison_is_that_subject():
    # 支出 names the spending total in a section about spending; 预算 alone names nothing, so the
    # change is of the subject in hand (长春: 和2025年相比预算减低 0.27 万元, test_textread).
    assert _values("三、支出预算情况说明\n基本支出10.00万元，支出比2025年增加2.00万元。\n") == {
        "expenditure.basic": D("10.00"), "expenditure.total.change": D("2.00")}


def test_chongqing_fiscal_section_names_the_general_public_budget_spending():
    # budget-2026/chongqing-02.pdf p.4, 三: the 一般公共预算财政拨款支出 and its change (比2025年减少);
    # the 收入 figure (no key in this section) and 基本支出 (of which fund is not said) are not read.
    text = ("三、财政拨款情况说明\n"
            "2026年一般公共预算财政拨款收入101,833.84万元,一般公共预算财政拨款支出101,833.84万元,比2025\n"
            "年减少7,885.67万元。其中:基本支出43,436.09万元,主要用于保障在职人员工资福利及社会保险缴费、离休\n")
    narrative, findings = _read(text)
    assert {k: f.value for k, f in narrative.figures.items()} == {
        "gpb.total": D("101833.84"), "gpb.change": D("-7885.67")}
    assert [f.stated for f in findings] == ["101,833.84万元", "43,436.09万元"]


# -- a figure stated twice (budget.text.restated) -----------------------------------------------------------
def _restated(text: str):
    p = from_disclosure(derive(example_budget_ledger()), rounded=True)
    narrative, _ = _read(text)
    return narrative, rule("budget.text.restated", "budget").check(attrs.evolve(p, narrative=narrative))


_TWICE = ("七、“三公”经费预算情况说明\n2026年“三公”经费预算{}万元。\n"
          "十、其他重要事项的情况说明\n（一）“三公”经费预算\n“三公”经费预算{}万元。\n")


def test_a_budget_figure_restated_in_another_section_agrees_within_its_printed_precision():
    # 6.2 stands for [6.15, 6.25), 6.20 for [6.195, 6.205): they agree; so do 6.2 and 6.24.
    for second in ("6.20", "6.24", "6.2"):
        narrative, found = _restated(_TWICE.format("6.2", second))
        assert [(s, f.value) for s, f in narrative.restatements["three_public.total"]] == [
            ("七", D("6.2")), ("十（一）", D(second))]
        assert found == []


def test_a_budget_figure_restated_with_another_value_is_an_error():
    # |6.30 − 6.20| = 0.10 > 0.005 + 0.005: an error naming both lines (2 and 5).
    _, found = _restated(_TWICE.format("6.20", "6.30"))
    assert [(f.severity.value, f.stated, f.expected, f.location.line) for f in found] == [("error", "6.30", "6.20", 5)]
    assert "七 第 2 行 为 6.20" in found[0].message_zh and "十（一） 第 5 行 为 6.30" in found[0].message_zh


def test_a_budget_figure_stated_twice_in_one_section_is_kept_once_and_compared():
    # In one section, two values that agree (6.2, 6.20) are one figure restated; two that do not
    # are two scopes (重庆's 政府采购预算总额 … 其中…), not read — never an error.
    narrative, found = _restated("七、“三公”经费预算情况说明\n“三公”经费预算6.2万元，“三公”经费预算6.20万元。\n")
    assert narrative.figures["three_public.total"].value == D("6.2") and found == []
    assert len(narrative.restatements["three_public.total"]) == 2
    narrative, found = _restated("七、“三公”经费预算情况说明\n“三公”经费预算6.2万元，“三公”经费预算7.20万元。\n")
    assert "three_public.total" not in narrative.figures and found == []


# -- 本年收入合计 / 本年支出合计 and the carry-overs (无锡, 湖州, 泉州) --------------------------------------------
WUXI_01 = (  # budget-2026/wuxi-01.pdf, 一 (p.31 ll.3–9, p.32 ll.5–8, p.33 l.12) and 二 (p.33 ll.13–17, p.34 ll.2–7)
    "一、收支预算总体情况说明\n"
    "无锡市交通运输局（本级）2026 年度收入、支出预算总计\n"
    "984,760.87 万元，与上年相比收、支预算总计各增加 108,584.28\n"
    "万元，增长12.39%。其中：\n"
    "（一）收入预算总计 984,760.87 万元。包括：\n"
    "1．本年收入合计984,760.87万元。\n"
    "（1）一般公共预算拨款收入 196,278.67 万元，与上年相比增\n"
    "2．上年结转结余为 0 万元。与上年相比减少 94,815.95 万\n"
    "元，减少100%。主要原因是安排动用当年政府性基金。\n"
    "（二）支出预算总计 984,760.87 万元。包括：\n"
    "1．本年支出合计984,760.87万元。\n"
    "2．年终结转结余为0万元。\n"
    "二、收入预算情况说明\n"
    "无锡市交通运输局（本级）2026 年收入预算合计 984,760.87\n"
    "万元，包括本年收入984,760.87万元，上年结转结余0万元。\n"
    "其中：\n"
    "本年一般公共预算收入196,278.67万元，占19.93%；\n"
    "本年其他收入611,843.2万元，占62.13%；\n"
    "上年结转结余的一般公共预算收入0万元，占0%；\n"
    "上年结转结余的政府性基金预算收入0万元，占0%；\n"
    "上年结转结余的国有资本经营预算收入0万元，占0%；\n"
    "上年结转结余的财政专户管理资金0万元，占0%；\n"
    "上年结转结余的单位资金0万元，占0%。\n")


def test_wuxi_this_years_totals_and_the_carry_overs_are_read():
    # 本年收入合计 is 预算01表's 本年收入合计 (not the 收入预算总计 with the carry-over); 上年结转结余 is
    # 0 after a fall of 94,815.95 (100%: 94,815.95 / (0 + 94,815.95)); 年终结转结余 the 结转下年 row;
    # 上年结转结余的… is the carry-over by source.  二's 本年收入 restates 一's 本年收入合计.
    narrative, findings = _read(WUXI_01)
    got = {k: f.value for k, f in narrative.figures.items()}
    assert {k: v for k, v in got.items() if "current" in k or "carry" in k} == {
        "income.current_total": D("984760.87"), "expenditure.current_total": D("984760.87"),
        "income.carryover": D(0), "income.carryover.change": D("-94815.95"), "income.carryover.change_rate": D(100),
        "expenditure.carry_forward": D(0),
        **{f"income.carryover.{k}": D(0) for k in ("general_public_budget", "government_fund", "state_capital",
                                                   "special_account", "unit_funds")},
        **{f"income.carryover.{k}.share": D(0) for k in ("general_public_budget", "government_fund", "state_capital",
                                                         "special_account", "unit_funds")}}
    assert got["total.income"] == got["income.total"] == D("984760.87")
    assert [(s, f.line) for s, f in narrative.restatements["income.current_total"]] == [("一", 6), ("二", 15)]
    assert narrative.figures["expenditure.carry_forward"].line == 12
    # (1) 一般公共预算拨款收入 196,278.67 is read; the change whose rest is cut off is not
    assert [f.stated for f in findings] == []


def _wuxi_check(text: str):
    p = from_disclosure(derive(example_budget_ledger()), rounded=True)
    narrative, _ = _read(text)
    from govbudget.rules import check
    return [f for f in check(attrs.evolve(p, narrative=narrative)).findings
            if f.rule in ("budget.text.sums", "budget.text.restated")]


def test_wuxi_income_total_is_this_years_plus_the_carry_over():
    # 984,760.87 = 984,760.87 + 0, and 0 = 0 + 0 + 0 + 0 + 0: both sums hold.
    assert _wuxi_check(WUXI_01) == []
    # 一 typed 984,700.87: 984,760.87 − (984,700.87 + 0) = 60 > 0.005 + 0.005 + 0.5; 二 restates 984,760.87.
    slip = WUXI_01.replace("1．本年收入合计984,760.87万元", "1．本年收入合计984,700.87万元")
    assert sorted((f.rule, f.severity.value, f.stated) for f in _wuxi_check(slip)) == [
        ("budget.text.restated", "error", "984760.87"), ("budget.text.sums", "error", "984760.87")]


def test_carry_forward_wordings_of_huzhou_and_quanzhou():
    # budget-2026/huzhou-01.pdf p.7 ll.2–3 (its heading, broken) and ll.18–19: 结转下年0万元。
    assert _values("（三）关于湖州市交通运输局 2026 年支出预算情况说\n明\n占 0.1%。\n结转下年0万元。\n") == {
        "expenditure.carry_forward": D(0)}
    # budget-2026/quanzhou-02.pdf p.21 ll.14–15 (一、预算收支总体情况): …，结转下年支出0.00万元。
    assert _values("一、 预算收支总体情况\n万元，结转下年支出0.00万元。\n") == {"expenditure.carry_forward": D("0.00")}


def test_this_years_income_budget_is_not_this_years_income_total():
    # 本年收入预算 is the generator's (and 一's) 收入预算, not 本年收入合计; 本年收入比上年 names 本年收入.
    assert _values("一、收支预算总体情况说明\n本年收入预算100.00万元。\n") == {"total.income": D("100.00")}
    assert _values("二、收入预算情况说明\n本年收入100.00万元，本年收入比上年增加10.00万元，增长11.11%。\n") == {
        "income.current_total": D("100.00"), "income.current_total.change": D("10.00"),
        "income.current_total.change_rate": D("11.11")}


# -- 财政拨款支出 (无锡 五) ------------------------------------------------------------------------------------
WUXI_01_FISCAL = (  # budget-2026/wuxi-01.pdf p.35 ll.8–11
    "五、财政拨款支出预算情况说明\n"
    "无锡市交通运输局（本级）2026 年财政拨款预算支出\n"
    "372,917.67 万元，占本年支出合计的 37.87%。与上年相比，财政\n"
    "拨款支出增加 163,364.19 万元，增长 77.96%。主要原因是轨道交\n")


def test_wuxi_fiscal_spending_its_share_and_change():
    # By hand: 372,917.67 / 984,760.87 (本年支出合计, 一) = 37.87%; 163,364.19 / (372,917.67 − 163,364.19)
    # = 163,364.19 / 209,553.48 = 77.96%.
    narrative, findings = _read(WUXI_01_FISCAL)
    assert {k: f.value for k, f in narrative.figures.items()} == {
        "fiscal.expenditure": D("372917.67"), "fiscal.expenditure.share": D("37.87"),
        "fiscal.expenditure.change": D("163364.19"), "fiscal.expenditure.change_rate": D("77.96")}
    assert findings == []
    # 一般公共预算财政拨款支出 is no 财政拨款支出 as a whole
    assert _values("五、财政拨款支出预算情况说明\n一般公共预算财政拨款支出10.00万元。\n") == {}


def test_wuxi_fiscal_spending_share_and_rate_are_checked():
    from govbudget.rules import check

    p = from_disclosure(derive(example_budget_ledger()), rounded=True)
    text = WUXI_01.replace("二、收入预算情况说明", WUXI_01_FISCAL + "二、收入预算情况说明")
    narrative, _ = _read(text)

    def errors(n):
        return sorted((f.rule, f.stated) for f in check(attrs.evolve(p, narrative=n)).errors
                      if f.rule in ("budget.text.shares", "budget.yoy.rates"))
    assert errors(narrative) == []
    narrative, _ = _read(text.replace("37.87%", "38.87%").replace("77.96%", "76.96%"))
    assert errors(narrative) == [("budget.text.shares", "38.87%"), ("budget.yoy.rates", "76.96%")]
