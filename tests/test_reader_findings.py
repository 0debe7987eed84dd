"""Reader findings are what the reader could not place, and only that: the grids below are
typed from corpus pages (page named in each test); every figure in them is placed, and what
is ambiguous is still said."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from govbudget.published import Published
from govbudget.reading import published_from_pages
from govbudget.recognize import Grid, Page, TextLine
from govbudget.rules import check

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "budget-2026"


def _pages(title: str, grid: list[tuple[str, ...]]) -> list[Page]:
    lines = ("2026年部门预算", title, "单位：万元")
    return [Page(1, tuple(TextLine(1, i + 1, t, float(i)) for i, t in enumerate(lines)),
                 (Grid(1, tuple(grid), 10.0, 11.0),))]


def _reader(p: Published) -> list[str]:
    return [f.message_zh for f in check(p).findings if f.rule.startswith("reader.") and f.severity.value != "info"]


def _with_core(pages: list[Page]) -> list[Page]:
    # a 预算05表 so that the document is a disclosure whatever else it prints
    core = Grid(2, (("科目编码", "科目名称", "合计", "基本支出", "项目支出"),
                    ("", "合计", "10.00", "10.00", ""), ("201", "一般公共服务支出", "10.00", "10.00", "")), 10.0, 11.0)
    return [*pages, Page(2, (TextLine(2, 1, "一般公共预算支出表", 0.0), TextLine(2, 2, "单位：万元", 1.0)), (core,))]


def test_a_performance_table_is_words_and_figures() -> None:
    # quanzhou-02.pdf page 26 (项目绩效目标表): 资金总额 57.00 beside words, 指标 and 目标值 100%
    grid = [("专项资金情况（万元）", "资金总额：", "57.00", "", ""),
            ("", "财政拨款：", "57.00", "", ""),
            ("", "其他资金：", "0.00", "", ""),
            ("绩效目标指标", "一级指标", "二级指标", "三级指标", "目标值"),
            ("", "成本指标", "经济成本指标", "预算执行率", "100%"),
            ("", "产出指标", "数量指标", "购置办公家具数", "1200 件"),
            # chongqing-05.pdf page 31: a figure named in another column of its row
            ("", "", "", "补助区县", "12,700.00")]
    p = published_from_pages(_with_core(_pages("机场公安综合修缮改造项目绩效目标表", grid)), source="grid")
    assert _reader(p) == []  # no word taken for a misread amount, no 1200 taken for a subject code
    t = p.tables["performance"]
    values = {r.label: r.values for r in t.rows}
    assert D("57.00") in next(v for k, v in values.items() if "资金总额" in k)
    assert D("12700.00") in values["补助区县"]
    assert p.coverage is not None and p.coverage.numeric_cells == p.coverage.cells_placed


def test_a_row_listed_again_under_another_unit_is_another_row() -> None:
    # guangzhou-14.pdf pages 41–42 (项目支出表): project JD008 under two 戒毒所, with its own figures
    grid = [("支出项目类别（资金使用单位）", "总计", "一般公共预算", "政府性基金预算", "国有资本经营预算", "财政专户拨款", "单位资金"),
            ("合计", "8.63", "8.63", "0.00", "0.00", "0.00", "0.00"),
            ("JD008", "2.14", "2.14", "0.00", "0.00", "0.00", "0.00"),
            ("JD008", "6.49", "6.49", "0.00", "0.00", "0.00", "0.00")]
    p = published_from_pages(_with_core(_pages("部门预算项目支出及其他支出预算表", grid)), source="grid")
    assert _reader(p) == []
    rows = {r.key: r.values[0] for r in p.tables["11"].rows}
    assert rows["project:JD008"] == D("2.14") and rows["project:JD008#2"] == D("6.49")
    # each row's own sum is checked (合计 = the funds): a slip in the second is found under its key
    grid[3] = ("JD008", "6.49", "5.49", "0.00", "0.00", "0.00", "0.00")
    p = published_from_pages(_with_core(_pages("部门预算项目支出及其他支出预算表", grid)), source="grid")
    errors = [f for f in check(p).errors if f.rule == "budget.t11.row-sources"]
    assert [f.location.row for f in errors] == ["project:JD008#2"]


def test_a_subject_code_printed_twice_is_still_said() -> None:
    # the same 科目 twice cannot be told apart: reported, and its rules not checked
    grid = [("科目编码", "科目名称", "合计", "基本支出", "项目支出"),
            ("", "合计", "20.00", "20.00", ""),
            ("201", "一般公共服务支出", "10.00", "10.00", ""),
            ("201", "一般公共服务支出", "10.00", "10.00", "")]
    p = published_from_pages(_pages("一般公共预算支出表", grid), source="grid")
    assert any("201 再次出现" in m for m in _reader(p))


def test_a_department_code_in_the_income_table_is_the_departments() -> None:
    # wuxi-11.pdf page 16 (收入总表): 部门代码 305, then the units 305001 …
    grid = [("部门代码", "部门名称", "合计", "一般公共预算", "其他收入"),
            ("合计", "", "131,349.60", "105,814.60", "25,535.00"),
            ("305", "无锡市教育局", "131,349.60", "105,814.60", "25,535.00"),
            ("305001", "无锡市教育局（本级）", "131,149.60", "105,814.60", "25,335.00"),
            ("305002", "中国企业管理无锡培训中心", "200.00", "", "200.00")]
    p = published_from_pages(_with_core(_pages("收入总表", grid)), source="grid")
    assert _reader(p) == []  # 305 is no 功能分类 类 missing from the catalog
    keys = [r.key for r in p.tables["02"].rows]
    assert "subtotal:305" in keys and "unit:305001" in keys  # the department's row is their subtotal


@pytest.mark.parametrize(("name", "most"), [("quanzhou-02.pdf", 0), ("guangzhou-14.pdf", 0), ("wuxi-11.pdf", 0)])
def test_corpus_documents_read_without_findings(name: str, most: int) -> None:
    # 193, 25 and 117 reader findings before (绩效目标表 words, projects and purchases listed per unit,
    # a 部门代码): none of them a figure not placed
    pytest.importorskip("pdfplumber")
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"corpus not found at {path}")
    from govbudget.readers import read

    p = read(path)
    assert len(_reader(p)) <= most
    assert p.coverage is not None and p.coverage.numeric_cells == p.coverage.cells_placed


def test_a_finer_level_printed_under_a_section_is_checked_against_it() -> None:
    # chongqing-01.pdf page 17 (表六): 30102 津贴补贴 959.49 = 3010201 规范性津补贴 904.48 +
    # 3010202 其他津补贴 55.01, codes finer than the catalog's 款 (each said, as no catalog code)
    def read(first: str) -> Published:
        grid = [("科目编码", "科目名称", "人员经费", "公用经费"),
                ("", "合计", "959.49", ""),
                ("301", "工资福利支出", "959.49", ""),
                ("30102", "津贴补贴", "959.49", ""),
                ("3010201", "规范性津补贴", first, ""),
                ("3010202", "其他津补贴", "55.01", "")]
        return published_from_pages(_with_core(_pages("一般公共预算基本支出表", grid)), source="grid")

    p = read("904.48")
    assert [m for m in _reader(p) if "3010201" in m or "3010202" in m] and not check(p).errors
    (f,) = [f for f in check(read("904.38")).errors if f.rule == "budget.t06.hierarchy"]
    assert f.location.row == "30102" and f.stated == "959.49" and f.expected.startswith("959.39")
