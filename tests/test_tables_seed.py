"""The embedded example reproduces every figure the seed prints in 公开01–09表.

Expected values are typed by hand from ../shared/seeds/000_3c03cca8885159e0.txt (万元).
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from govbudget.io import example_ledger
from govbudget.money import display
from govbudget.tables import derive


@pytest.fixture(scope="module")
def seed():
    return derive(example_ledger())


def w(table, row, col):
    return display(table.cell(row, col))


# 公开02/03/05表 as printed: code -> (合计, 基本支出, 项目支出); 02 prints 合计 = 财政拨款收入.
FUNCTIONAL = {
    "total": ("3881.84", "590.51", "3291.33"),
    "201": ("780.27", "490.94", "289.33"),
    "20103": ("780.27", "490.94", "289.33"),
    "2010301": ("551.64", "490.94", "60.70"),
    "2010399": ("228.63", "0", "228.63"),
    "206": ("3000.00", "0", "3000.00"),
    "20699": ("3000.00", "0", "3000.00"),
    "2069999": ("3000.00", "0", "3000.00"),
    "208": ("41.64", "41.64", "0"),
    "20805": ("41.64", "41.64", "0"),
    "2080501": ("1.19", "1.19", "0"),
    "2080505": ("40.45", "40.45", "0"),
    "210": ("27.66", "27.66", "0"),
    "21011": ("27.66", "27.66", "0"),
    "2101101": ("27.66", "27.66", "0"),
    "213": ("3.98", "1.98", "2.00"),
    "21305": ("3.98", "1.98", "2.00"),
    "2130599": ("3.98", "1.98", "2.00"),
    "221": ("28.28", "28.28", "0"),
    "22102": ("28.28", "28.28", "0"),
    "2210201": ("28.28", "28.28", "0"),
}


@pytest.mark.parametrize("code", FUNCTIONAL)
def test_table02_03_05_rows(seed, code):
    total, basic, project = (D(x) for x in FUNCTIONAL[code])
    assert w(seed.table("02"), code, "total") == total
    assert w(seed.table("02"), code, "fiscal") == total
    for col in ("superior_subsidy", "business", "operating", "affiliates", "other"):
        assert w(seed.table("02"), code, col) == 0
    assert (w(seed.table("03"), code, "total"), w(seed.table("03"), code, "basic"), w(seed.table("03"), code, "project")) == (total, basic, project)
    assert (w(seed.table("05"), code, "total"), w(seed.table("05"), code, "basic"), w(seed.table("05"), code, "project")) == (total, basic, project)


def test_functional_tables_have_exactly_the_printed_rows(seed):
    for t in (seed.table("02"), seed.table("03"), seed.table("05")):
        assert [r.key for r in t.rows] == list(FUNCTIONAL)


def test_rounding_tails_reproduced(seed):
    # 基本支出 total prints 590.51 while its 类 rows print 490.94+41.64+27.66+1.98+28.28 = 590.50
    classes = [w(seed.table("05"), c, "basic") for c in ("201", "208", "210", "213", "221")]
    assert sum(classes) == D("590.50") and w(seed.table("05"), "total", "basic") == D("590.51")
    # 总计 prints 3881.84 while the 类 rows add to 3881.83
    assert sum(w(seed.table("03"), c, "total") for c in ("201", "206", "208", "210", "213", "221")) == D("3881.83")
    # 公开06: 302 items print 49.30 together, 302 and 公用经费合计 print 49.28
    items = [r for r in seed.table("06").rows if r.code and r.code.startswith("302") and len(r.code) == 5]
    assert sum(display(r.values[0]) for r in items) == D("49.30")
    assert w(seed.table("06"), "302", "amount") == D("49.28") == display(seed.table("06").cell("public_total", "amount"))


def test_table01(seed):
    t = seed.table("01")
    assert w(t, "general_public_budget", "amount") == D("3881.84")
    for key in ("government_fund", "state_capital", "superior_subsidy", "business", "operating", "affiliates", "other",
                "use_of_non_fiscal_balance", "opening_balance", "balance_distribution", "closing_balance"):
        assert w(t, key, "amount") == 0
    for key in ("income_total", "income_grand_total", "expenditure_total", "expenditure_grand_total"):
        assert w(t, key, "amount") == D("3881.84")
    printed = {"201": "780.27", "206": "3000.00", "208": "41.64", "210": "27.66", "213": "3.98", "221": "28.28"}
    classes = [r for r in t.rows if r.side == "expenditure" and r.code]
    assert len(classes) == 26
    for r in classes:
        assert display(r.values[0]) == D(printed.get(r.code, "0"))
    lines = {r.key: r.line for r in t.rows}
    assert (lines["general_public_budget"], lines["other"], lines["income_total"], lines["income_grand_total"]) == (1, 8, 27, 31)
    assert (lines["201"], lines["206"], lines["221"], lines["234"]) == (32, 37, 50, 57)
    assert (lines["expenditure_total"], lines["balance_distribution"], lines["closing_balance"], lines["expenditure_grand_total"]) == (58, 59, 60, 62)
    assert t.row("206").label == "六、科学技术支出" and t.row("234").label == "二十六、抗疫特别国债安排的支出"


def test_table04(seed):
    t = seed.table("04")
    assert w(t, "general_public_budget", "amount") == D("3881.84")
    assert w(t, "income_total", "amount") == w(t, "income_grand_total", "amount") == D("3881.84")
    assert w(t, "201", "total") == w(t, "201", "general_public_budget") == D("780.27")
    assert w(t, "206", "general_public_budget") == D("3000.00")
    assert w(t, "221", "total") == D("28.28") and w(t, "221", "government_fund") == 0
    assert w(t, "expenditure_grand_total", "general_public_budget") == D("3881.84")
    assert w(t, "closing_fiscal", "total") == 0
    lines = {r.key: r.line for r in t.rows}
    assert (lines["general_public_budget"], lines["income_total"], lines["opening_fiscal"], lines["income_grand_total"]) == (1, 27, 28, 32)
    assert (lines["201"], lines["206"], lines["221"], lines["expenditure_total"], lines["closing_fiscal"], lines["expenditure_grand_total"]) == (33, 38, 51, 59, 60, 64)
    assert [c.number for c in t.columns] == [1, 2, 3, 4, 5]


TABLE06 = {
    "301": "514.81", "30101": "269.90", "30102": "73.44", "30103": "61.74", "30106": "0", "30107": "13.76",
    "30108": "39.50", "30109": "0.03", "30110": "23.28", "30111": "4.39", "30112": "0.49", "30113": "28.28",
    "303": "26.42", "30302": "24.44", "30305": "1.98", "302": "49.28", "30201": "1.71", "30202": "0.06",
    "30205": "0.75", "30206": "1.27", "30207": "4.14", "30208": "0.04", "30211": "1.48", "30213": "0.22",
    "30216": "0.36", "30217": "0", "30226": "0.10", "30227": "0.75", "30228": "5.29", "30229": "3.94",
    "30239": "24.08", "30299": "5.11", "307": "0", "310": "0", "31013": "0", "399": "0", "39999": "0",
}


@pytest.mark.parametrize("code", TABLE06)
def test_table06_cells(seed, code):
    assert w(seed.table("06"), code, "amount") == D(TABLE06[code])


def test_table06_totals_and_layout(seed):
    assert display(seed.table("06").cell("personnel_total", "amount")) == D("541.23")
    assert display(seed.table("06").cell("public_total", "amount")) == D("49.28")
    codes = [r.code for r in seed.table("06").rows if r.code]
    # the template prints 13 + 12 款 of 301/303, 27 of 302, 2 of 307, 16 of 310, 5 of 399
    assert len(codes) == 6 + 13 + 12 + 27 + 2 + 16 + 5
    assert seed.table("06").row("30303").label == "退职（役）费"


def test_empty_tables_and_statements(seed):
    assert seed.table("07").is_empty and seed.table("08").is_empty and seed.table("09").is_empty
    assert seed.table("07").statement == "说明：我部门没有政府性基金收入，也没有使用政府性基金安排的支出，故本表无数据。"
    assert seed.table("08").statement == "说明：我部门没有使用国有资本经营预算安排的支出，故本表无数据。"
    assert seed.table("09").statement == "说明：我部门没有三公经费预算收入，也没有三公经费支出，故本表无数据。"
    assert seed.table("05").statement is None
    assert [c.number for c in seed.table("09").columns] == list(range(1, 13))


def test_titles_and_notes(seed):
    titles = [t.title for t in seed.tables.values()]
    assert titles == ["收入支出决算总表", "收入决算表", "支出决算表", "财政拨款收入支出决算总表",
                      "一般公共预算财政拨款支出决算表", "一般公共预算财政拨款基本支出决算明细表",
                      "政府性基金预算财政拨款收入支出决算表", "国有资本经营预算财政拨款支出决算表",
                      "财政拨款“三公”经费支出决算表"]
    assert seed.table("02").note == "注：本表反映部门本年度取得的各项收入情况。本表金额转换为万元时，因四舍五入可能存在尾差。"
    assert seed.table("公开05表") is seed.table("05") and seed.table("5") is seed.table("05")


def test_example_ledger_file_and_package_copy_are_identical():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    a = (root / "examples" / "sanmenxia-2023" / "ledger.json").read_text(encoding="utf-8")
    b = (root / "src" / "govbudget" / "examples" / "sanmenxia-2023.json").read_text(encoding="utf-8")
    assert a == b
