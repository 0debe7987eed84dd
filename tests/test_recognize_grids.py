"""Recognising tables in grids of cells (govbudget.recognize): every value below is typed by
hand into the grid and read back at the place a careful reader would put it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from govbudget.money import Unit
from govbudget.published import Severity
from govbudget.reading import NotADisclosureError, published_from_pages
from govbudget.recognize import Grid, Page, TextLine, parse_amount, recognize
from govbudget.rules import check


def _page(number: int, lines: list[str], *grids: list[list[str | None]]) -> Page:
    text = tuple(TextLine(number, i + 1, t, float(i)) for i, t in enumerate(lines))
    gs = tuple(Grid(number, tuple(tuple(r) for r in g), float(len(lines) + k), float(len(lines) + k) + 0.5)
               for k, g in enumerate(grids))
    return Page(number, text, gs)


def _only(rec, table_id):  # type: ignore[no-untyped-def]
    found = [t for t in rec.tables if t.id == table_id]
    assert len(found) == 1, [t.id for t in rec.tables]
    return found[0]


def _row(table, key):  # type: ignore[no-untyped-def]
    return next(r for r in table.rows if r.key == key)


@pytest.mark.parametrize(("cell", "value"), [
    ("1,234.50", Decimal("1234.50")), ("12 34.5", Decimal("1234.5")), ("１，２３４．５０", Decimal("1234.50")),
    ("-", Decimal(0)), ("—", Decimal(0)), ("", Decimal(0)), (None, Decimal(0)), ("0.00", Decimal("0.00")),
    ("1682.7\n6", Decimal("1682.76")), ("(3.00)", Decimal("-3.00")), ("−5", Decimal("-5")),
])
def test_amounts_as_printed(cell: str | None, value: Decimal) -> None:
    got = parse_amount(cell)
    assert got == value
    # a printed 0.00 keeps its two decimals (its interval), a blank is a plain 0
    assert got is not None and got.as_tuple().exponent == value.as_tuple().exponent


@pytest.mark.parametrize("cell", ["合计", "12a", "1.2.3", "万元"])
def test_non_amounts(cell: str) -> None:
    assert parse_amount(cell) is None


def test_codes_in_every_layout_and_columns_by_header_text() -> None:
    # 支出总表 of a budget: columns printed in an unusual order, codes as one cell, joined to the
    # name in brackets, joined with a dash, split over 类/款/项, and absent (resolved under the
    # row above).  Blanks printed '', '-', '—'.
    grid = [
        ["科目编码", "科目名称", "项目支出", "基本支出", "合计"],
        ["", "合计", "30.00", "70.00", "100.00"],
        ["201", "一般公共服务支出", "30.00", "70.00", "100.00"],
        ["[20103]政府办公厅（室）及相关机构事务", None, "30.00", "-", "30.00"],
        ["2010301-行政运行", None, "—", "", "0.00"],
        ["", "一般行政管理事务", "30.00", "", "30.00"],
    ]
    rec = recognize([_page(1, ["2026年部门预算", "表3", "支出总体情况表", "单位：万元"], grid)], edition=2024)
    assert rec.family == "budget"
    t = _only(rec, "03")
    assert t.unit is Unit.WAN
    assert dict(_row(t, "total").values) == {"project": Decimal("30.00"), "basic": Decimal("70.00"),
                                             "total": Decimal("100.00")}
    assert _row(t, "20103").code == "20103"
    assert dict(_row(t, "20103").values)["basic"] == 0
    assert dict(_row(t, "2010301").values) == {"project": 0, "basic": 0, "total": Decimal("0.00")}
    # the name without a code is the 项 2010302 under 20103
    assert dict(_row(t, "2010302").values)["project"] == Decimal("30.00")
    assert any(f.rule == "reader.name-resolved" and "2010302" in f.message_zh for f in rec.findings)
    assert rec.numeric_cells == rec.placed_cells == 11  # blanks are no figures


def test_codes_split_over_class_section_item_cells() -> None:
    grid = [
        ["类", "款", "项", "科目名称", "合计", "基本支出", "项目支出"],
        ["208", "", "", "社会保障和就业支出", "76.23", "76.23", ""],
        ["", "05", "", "行政事业单位养老支出", "76.23", "76.23", ""],
        ["", "", "05", "机关事业单位基本养老保险缴费支出", "53.45", "53.45", ""],
        ["208", "05", "06", "机关事业单位职业年金缴费支出", "22.78", "22.78", ""],
    ]
    rec = recognize([_page(1, ["部门决算", "一般公共预算财政拨款支出决算表", "单位：万元"], grid)], edition=2024)
    t = _only(rec, "05")
    assert [r.key for r in t.rows] == ["208", "20805", "2080505", "2080506"]
    assert dict(_row(t, "2080505").values)["basic"] == Decimal("53.45")


def test_ambiguous_name_is_said() -> None:
    grid = [
        ["功能分类科目名称", "合计"],
        ["其他国有资本经营预算支出", "5.00"],
    ]
    rec = recognize([_page(1, ["单位预算", "国有资本经营预算支出表"], grid)], edition=2024)
    t = _only(rec, "09")
    assert t.rows[0].code is None
    msgs = [f for f in rec.findings if f.rule == "reader.name"]
    assert msgs and "22399" in msgs[0].message_zh and "2239999" in msgs[0].message_zh


def test_two_sided_side_by_side_and_a_table_broken_across_pages() -> None:
    header = [["收入", None, "支出", None], ["项目", "预算数", "项目", "预算数"]]
    page1 = [*header, ["一、财政拨款收入", "100.00", "一、一般公共服务支出", "60.00"],
             ["二、事业收入", "—", "二、外交支出", ""]]
    page2 = [*header, ["", "", "三、教育支出", "40.00"],
             ["本年收入合计", "100.00", "本年支出合计", "100.00"],
             ["收入总计", "100.00", "支出总计", "100.00"]]
    rec = recognize([_page(1, ["2026年部门预算", "收支总体情况表", "单位：元"], page1), _page(2, [], page2)])
    t = _only(rec, "01")
    assert t.unit is Unit.YUAN and t.pages == (1, 2)
    inc = {r.key: dict(r.values) for r in t.rows if r.side == "income"}
    exp = {r.key: dict(r.values) for r in t.rows if r.side == "expenditure"}
    assert inc["fiscal"]["amount"] == Decimal("100.00") and inc["business"]["amount"] == 0
    assert exp["201"]["amount"] == Decimal("60.00") and exp["205"]["amount"] == Decimal("40.00")
    assert inc["income_grand_total"]["amount"] == exp["expenditure_grand_total"]["amount"] == Decimal("100.00")
    # the header printed again on page 2 is no data row
    assert not any(r.label == "项目" for r in t.rows)
    # 7 figures printed ('—' and '' are blanks, not figures), all placed
    assert rec.numeric_cells == rec.placed_cells == 7


def test_two_sided_in_blocks() -> None:
    grid = [
        ["项目", "金额"],
        ["一、一般公共预算财政拨款收入", "10.00"],
        ["本年收入合计", "10.00"],
        ["支出", None],
        ["一、一般公共服务支出", "10.00"],
        ["本年支出合计", "10.00"],
    ]
    rec = recognize([_page(1, ["部门决算", "收入支出决算总表"], grid)])
    t = _only(rec, "01")
    sides = {(r.side, r.key) for r in t.rows}
    assert ("income", "general_public_budget") in sides and ("expenditure", "201") in sides
    assert ("income", "income_total") in sides and ("expenditure", "expenditure_total") in sides


def test_a_grid_without_a_title_is_reported_with_its_figures() -> None:
    rec = recognize([_page(3, ["某某情况"], [["名称", "金额"], ["甲", "1.00"], ["乙", "2.00"]])])
    assert rec.tables == () and rec.numeric_cells == 2 and rec.placed_cells == 0
    (f,) = [f for f in rec.findings if f.rule == "reader.table"]
    assert f.severity is Severity.WARNING and "第3页" in f.message_zh and "2 个数字" in f.message_zh


def test_a_document_with_no_disclosure_is_refused() -> None:
    pages = [_page(1, ["关于印发某某规划的通知", "各区人民政府："], [["指标", "数值"], ["增长", "6.8"]])]
    with pytest.raises(NotADisclosureError, match="不是部门预算或部门决算公开文件"):
        published_from_pages(pages, source="notice.pdf")


def test_a_column_the_document_does_not_print_is_not_checked_never_zero() -> None:
    # A 决算 支出决算表 without the 经营支出 column: the row rule that needs it is "not checked".
    grid = [
        ["科目编码", "科目名称", "本年支出合计", "基本支出", "项目支出", "上缴上级支出", "对附属单位补助支出"],
        ["", "合计", "10.00", "4.00", "5.00", "", ""],
        ["201", "一般公共服务支出", "10.00", "4.00", "5.00", "", ""],
        ["20101", "人大事务", "10.00", "4.00", "5.00", "", ""],
        ["2010101", "行政运行", "10.00", "4.00", "5.00", "", ""],
    ]
    p = published_from_pages([_page(1, ["2023年度部门决算", "支出决算表", "金额单位：万元"], grid)], source="t")
    assert p.family == "final"
    assert not p.is_read("03", "total", "operating") and p.is_read("03", "total", "basic")
    report = check(p)
    row_rule = [f for f in report.findings if f.rule == "final.t03.row-natures"]
    # 10.00 ≠ 4.00 + 5.00 + (unread): never an error against a zero
    assert row_rule and all(f.severity is Severity.INFO and "未读取" in f.message_zh for f in row_rule)
    assert not report.errors


def test_an_html_page_with_merged_header_cells(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from govbudget.readers import read

    page = tmp_path / "t.html"
    page.write_text("""<html><body>
<p>某某局2026年部门预算</p>
<h3>表5 一般公共预算支出情况表</h3><p>单位：元</p>
<table>
<tr><td rowspan="2">科目编码</td><td rowspan="2">科目名称</td><td colspan="3">一般公共预算支出</td></tr>
<tr><td>小计</td><td>基本支出</td><td>项目支出</td></tr>
<tr><td></td><td>合计</td><td>1,500.00</td><td>1,000.00</td><td>500.00</td></tr>
<tr><td>201</td><td>一般公共服务支出</td><td>1,500.00</td><td>1,000.00</td><td>500.00</td></tr>
<tr><td>20103</td><td>政府办公厅（室）及相关机构事务</td><td>1,500.00</td><td>1,000.00</td><td>500.00</td></tr>
<tr><td>2010301</td><td>行政运行</td><td>1,000.00</td><td>1,000.00</td><td>-</td></tr>
<tr><td>2010302</td><td>一般行政管理事务</td><td>500.00</td><td></td><td>500.00</td></tr>
</table></body></html>""", encoding="utf-8")
    p = read(page)
    assert p.family == "budget"
    t = p.tables["05"]
    assert t.unit is Unit.YUAN
    # 小计 under 一般公共预算支出 is the table's total; 基本支出 and 项目支出 by their own cells
    assert t.cell("total", "total") == Decimal("1500.00")
    assert t.cell("2010301", "basic") == Decimal("1000.00") and t.cell("2010301", "project") == 0
    assert t.cell("2010302", "project") == Decimal("500.00")
    assert not check(p).errors


@pytest.mark.parametrize("wording", [
    "本年度收、支总计均为100.00万元，比上年增加10.00万元，增长11.11%。",
    "本年度收、支总计均为100.00万元，较上年度增加10.00万元，增长11.11%。",
    "本年度收、支总计均为100.00万元，同比增加10.00万元，增长11.11%。",
    "本年度收、支总计均为100.00万元，比上年决算数增加10.00万元，增长11.11%。",
    "本年度收、支总计均为100.00万元，与上年相比，增加10.00万元，增长11.11%。",
])
def test_changes_in_any_wording(wording: str) -> None:
    from govbudget.readers import read_text

    text = f"2023年度部门决算\n第三部分 2023年度部门决算情况说明\n一、收入支出决算总体情况说明\n{wording}\n"
    p = read_text(text, source="t")
    assert p.narrative is not None
    figures = p.narrative.figures
    assert figures["total.amount"].value == Decimal("100.00")
    assert figures["total.change"].value == Decimal("10.00")
    assert figures["total.change_rate"].value == Decimal("11.11")


def test_a_table_without_a_title_is_recognised_by_its_header() -> None:
    grid = [["项目", "预算数(单位:万元)", "绩效目标"], ["信息化运维", "40.41", "系统可用率不低于99%"]]
    rec = recognize([_page(7, ["2026年部门预算", "七、重点项目预算绩效目标情况"], grid)])
    (t,) = rec.tables
    assert t.id == "performance" and rec.numeric_cells == rec.placed_cells == 1


def test_a_row_not_placed_leaves_the_sums_over_rows_unchecked() -> None:
    # 公开05表 with a row whose label is no subject (a misprint): its 5.00 is in no row, so
    # 201 = Σ 款 and 合计 = Σ 类 cannot be checked — never an error against the rows read.
    grid = [
        ["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
        ["", "合计", "15.00", "10.00", "5.00"],
        ["201", "一般公共服务支出", "15.00", "10.00", "5.00"],
        ["20101", "人大事务", "10.00", "10.00", ""],
        ["", "未印清的科目名称", "5.00", "", "5.00"],
    ]
    p = published_from_pages([_page(1, ["2023年度部门决算", "一般公共预算财政拨款支出决算表", "金额单位：万元"], grid)],
                             source="t")
    assert not p.complete("05")
    # the row 20101's parent 201 has another child, not placed: not checked, not 15.00 ≠ 10.00
    report = check(p)
    hierarchy = [f for f in report.findings if f.rule == "final.t05.hierarchy" and f.location.row == "201"]
    assert hierarchy and all(f.severity is Severity.INFO and "未能定位的行" in f.message_zh for f in hierarchy)
    assert not [f for f in report.errors if f.rule.startswith("final.t05")]
    # a subject row the table does not show is not read (it may be the row not placed), not 0
    assert not p.cell("05", "20103", "total").read  # type: ignore[union-attr]
    # the same table with the row placed is complete and checked
    grid[4] = ["20102", "政协事务", "5.00", "", "5.00"]
    p = published_from_pages([_page(1, ["2023年度部门决算", "一般公共预算财政拨款支出决算表", "金额单位：万元"], grid)],
                             source="t")
    assert p.complete("05") and p.cell("05", "20103", "total").read  # type: ignore[union-attr]
    assert not [f for f in check(p).findings if f.rule == "final.t05.hierarchy" and f.severity is not Severity.INFO]
