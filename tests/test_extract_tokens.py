"""Text with single spaces between cells (pdfplumber's ``extract_text``, a copy from a PDF
viewer): cells are tokens, and a row whose blank cells are not printed is placed only where
exactly one placement fits the kinds of its columns — never in a guessed column."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings

from govbudget.extract.text import parse_text
from govbudget.published import from_disclosure
from govbudget.readers import read, read_plain
from govbudget.reading import NotADisclosureError
from govbudget.render import render
from govbudget.rules import check
from govbudget.tables import derive
from tests.strategies import ledgers

FOSHAN = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "final" / "foshan-2019.pdf"

#: 佛山市轨道交通局 2019 年部门决算 表1 as pdfplumber's extract_text gives it (page 5, typed
#: from the page): the left side ends at 行次 7, so rows 8–10 print only the left 行次.
T01 = """表1
收入支出决算总表
部门： 佛山市轨道交通局 单位：万元
收入 支出
项 目 行次 决算数 项 目 行次 决算数
栏 次 1 栏 次 2
一、一般公共预算财政拨款收入 1 1668.14 一、一般公共服务支出 27 0.00
二、政府性基金预算财政拨款收入 2 0.00 二、外交支出 28 0.00
七、其他收入 7 0.01 七、文化旅游体育与传媒支出 33 0.00
8 八、社会保障和就业支出 34 76.23
9 九、卫生健康支出 35 0.00
本年收入合计 23 1668.14 本年支出合计 49 1668.14
"""


def test_a_single_space_table_is_cut_into_its_columns() -> None:
    doc = parse_text(T01)
    assert len(doc.tables) == 1
    rows = {r.line: r.cells for r in doc.tables[0].rows}
    assert rows[5] == ("项目", "行次", "决算数", "项目", "行次", "决算数")  # 项 目: one letter-spaced word
    assert rows[4] == ("收入", "", "", "支出", "", "")  # a two-sided header spread over its sides
    assert rows[7] == ("一、一般公共预算财政拨款收入", "1", "1668.14", "一、一般公共服务支出", "27", "0.00")
    # 8 is an integer (the 行次 column's kind), 76.23 an amount: one placement only
    assert rows[10] == ("", "8", "", "八、社会保障和就业支出", "34", "76.23")
    # the unit line and the title stay running text (the reader takes the unit from them)
    assert "部门： 佛山市轨道交通局 单位：万元" in {ln.text for ln in doc.lines}


def test_a_figure_that_fits_two_columns_is_in_none() -> None:
    # 合计 基本支出 项目支出 with one blank not printed: is 100.00 基本 or 项目? Not guessed: the
    # row keeps its code and name, and each column a figure might be in is unreadable
    text = "科目编码 科目名称 合计 基本支出 项目支出\n201 一般公共服务支出 300.00 200.00 100.00\n" \
           "20101 人大事务 300.00 200.00 100.00\n2010101 行政运行 100.00 100.00\n"
    doc = parse_text(text)
    rows = [r.cells for r in doc.tables[0].rows]
    assert rows[3][:2] == ("2010101", "行政运行")
    assert all(c == "100.00 100.00（栏位不明）" for c in rows[3][2:])
    assert doc.lines == ()


def test_an_unplaced_figure_is_not_read_so_its_sums_are_not_checked() -> None:
    from govbudget.io import example_ledger

    d = derive(example_ledger())
    text = re.sub(r" {2,}", " ", render(d, "text"))
    got = read_plain(text, source="single-space text")
    unreadable = [f for f in got.reader_findings if "栏位不明" in f.message_zh]
    assert unreadable, "the example prints rows with blank cells"
    # every such cell is unread (no rule compares it with a zero) and the check has no error
    assert any(not got.is_read(tid, row, col) for tid, row, col in got.unread)
    assert check(got).errors == ()


def test_tabbed_text_is_never_cut_by_spaces() -> None:
    # a tab says where the cells are: a single space inside a tabbed document is part of a cell
    text = "项目\t金额\n一般 公共服务\t1.00\n其他\t2.00\n说明 1 2\n"
    doc = parse_text(text)
    assert [r.cells for r in doc.tables[0].rows][1] == ("一般公共服务", "1.00")  # one cell (CJK gap dropped)
    assert [ln.text for ln in doc.lines] == ["说明 1 2"]


@settings(max_examples=10, deadline=None)
@given(ledgers(max_lines=8))
def test_single_space_text_is_never_misread(ledger) -> None:  # type: ignore[no-untyped-def]
    """Our text output with every run of spaces cut to one (blank cells vanish): what is read
    is the printed figure in its place, and what cannot be placed is not read — no error
    appears that the printed figures do not have."""
    d = derive(ledger)
    want = from_disclosure(d, rounded=True)
    text = re.sub(r" {2,}", " ", render(d, "text"))
    try:
        got = read_plain(text, source="single-space text")
    except NotADisclosureError:  # refused only when no table could be cut out of the text
        assert parse_text(text).tables == ()
        return
    for tid, table in got.tables.items():
        for r in table.rows:
            if not r.values or ":" in r.key:
                continue
            for c, v in zip(table.columns_of(r), r.values, strict=True):
                if not got.is_read(tid, r.key, c.key):
                    continue
                expected = want.tables[tid].get_row(r.key)
                if expected is None:
                    continue
                assert v == expected.values[[x.key for x in want.tables[tid].columns_of(expected)].index(c.key)], \
                    (tid, r.key, c.key)
    assert sorted(f.rule for f in check(got).errors) <= sorted(f.rule for f in check(want).errors)


@pytest.mark.skipif(not FOSHAN.exists(), reason="needs ../shared/corpus")
def test_foshan_as_pdfplumber_text_reads_without_a_false_error(tmp_path: Path) -> None:
    pdfplumber = pytest.importorskip("pdfplumber")
    with pdfplumber.open(FOSHAN) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    (tmp_path / "foshan.txt").write_text(text, encoding="utf-8")
    got = read(tmp_path / "foshan.txt")
    assert got.family == "final"
    # figures typed from the page (表1, page 5; 表5, its second page)
    t01 = got.tables["01"]
    assert t01.cell("general_public_budget", "amount") == Decimal("1668.14")
    assert t01.cell("other", "amount") == Decimal("0.01")
    assert got.tables["05"].cell("2140101", "total") == Decimal("609.29")
    assert got.coverage is not None and got.coverage.cells_placed >= 300
    # the PDF itself has no error; neither has its text
    assert check(got).errors == ()
