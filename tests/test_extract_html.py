"""HTML extraction: tables laid out as a browser lays them out, worked out by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govbudget.errors import GovBudgetError, LimitError
from govbudget.extract import Document, Limits, extract
from govbudget.extract.html import parse_html

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>2026年部门预算</title>
<style>td { color: red }</style><script>var x = "<table><tr><td>no</td></tr></table>";</script>
</head><body>
<h2>收支总表</h2>
<p>单位：万元</p>
<table>
  <tr><th colspan="2">收入</th><th colspan="2">支出</th></tr>
  <tr><th>项目</th><th>预算数</th><th>项目</th><th>预算数</th></tr>
  <tr><td>一、一般公共预算拨款收入</td><td>1,234.56</td><td rowspan="2">一、一般公共服务支出</td><td rowspan="2">1,234.56</td></tr>
  <tr><td>二、政府性基金预算拨款收入</td><td>-</td></tr>
  <tr><td>收入总计</td><td>1,234.56</td><td>支出总计</td><td>1,234.56</td></tr>
</table>
<p>注：本表&nbsp;金额<br>保留两位小数。</p>
</body></html>
"""


def test_colspan_and_rowspan_by_hand() -> None:
    doc = parse_html(PAGE, source="budget.html")
    (table,) = doc.tables
    assert table.grid == (
        ("收入", "", "支出", ""),
        ("项目", "预算数", "项目", "预算数"),
        ("一、一般公共预算拨款收入", "1,234.56", "一、一般公共服务支出", "1,234.56"),
        # the rowspan cells of the row above cover columns 2 and 3: this row's cells go left
        ("二、政府性基金预算拨款收入", "-", "", ""),
        ("收入总计", "1,234.56", "支出总计", "1,234.56"),
    )
    assert [(s.row, s.column, s.rows, s.columns) for s in table.spans] == [
        (0, 0, 1, 2),
        (0, 2, 1, 2),
        (2, 2, 2, 1),
        (2, 3, 2, 1),
    ]
    assert table.span_at(3, 3) == table.spans[3]
    assert table.strategy == "html" and table.page == 1
    assert [r.line for r in table.rows] == [8, 9, 10, 11, 12]


def test_text_outside_tables_scripts_and_styles_skipped() -> None:
    doc = parse_html(PAGE)
    assert [ln.text for ln in doc.lines] == [
        "2026年部门预算",
        "收支总表",
        "单位：万元",
        "注：本表 金额",
        "保留两位小数。",
    ]
    assert [ln.line for ln in doc.lines] == [2, 5, 6, 14, 14]
    items = list(doc.flow())
    assert items[2].text == "单位：万元"  # type: ignore[union-attr]
    assert items[3] is doc.tables[0]


def test_nested_table_is_its_own_table() -> None:
    doc = parse_html(
        "<table><tr><td>外</td><td><table><tr><td>内1</td><td>内2</td></tr></table>尾</td></tr></table>"
    )
    outer, inner = doc.tables
    assert outer.grid == (("外", "尾"),)
    assert inner.grid == (("内1", "内2"),)


def test_ragged_rows_are_padded_and_unclosed_tags_tolerated() -> None:
    doc = parse_html("<table><tr><td>a<td>b<td>c<tr><td>d</table><p>after")
    (table,) = doc.tables
    assert table.grid == (("a", "b", "c"), ("d", "", ""))
    assert [ln.text for ln in doc.lines] == ["after"]


def test_hostile_spans_are_bounded() -> None:
    huge = "<table>" + '<tr><td rowspan="999" colspan="999">x</td></tr>' * 5 + "</table>"
    doc = parse_html(huge)
    (table,) = doc.tables
    # each row's cell starts right of the cells still spanning down from the rows above
    assert table.width == 5 * 999 and len(table.rows) == 5
    assert [r.cells.index("x") for r in table.rows] == [0, 999, 1998, 2997, 3996]
    silly = parse_html(
        '<table><tr><td colspan="99999999" rowspan="-3">x</td><td>y</td></tr></table>'
    )
    assert silly.tables[0].grid == (("x", "y"),)
    many = "<table>" + '<tr><td colspan="1000">x</td></tr>' * 2001 + "</table>"  # > 2,000,000 cells
    doc = parse_html(many)
    assert doc.tables == () and "not read" in doc.problems[0].message


def test_gbk_page_with_meta_charset(tmp_path: Path) -> None:
    html = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"></head>'
    html += "<body><table><tr><td>合计</td><td>12.00</td></tr></table></body></html>"
    path = tmp_path / "page.htm"
    path.write_bytes(html.encode("gbk"))
    doc = extract(path)
    assert doc.kind == "html"
    assert doc.tables[0].grid == (("合计", "12.00"),)


def test_undeclared_gb18030_page_is_decoded() -> None:
    data = "<table><tr><td>一般公共服务支出</td></tr></table>".encode("gb18030")
    doc = extract(data, name="x.html")
    assert doc.tables[0].grid == (("一般公共服务支出",),)


def test_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.html"
    path.write_text("<p>x</p>" * 100, encoding="utf-8")
    with pytest.raises(LimitError, match=r"big\.html: is 800 bytes, over the limit.*GOVBUDGET_MAX_BYTES"):
        extract(path, limits=Limits(max_bytes=799))


@given(st.binary(max_size=500))
def test_random_bytes_never_crash(data: bytes) -> None:
    try:
        doc = extract(b"<html><table>" + data, name="junk.html")
    except GovBudgetError as exc:
        assert "junk.html" in str(exc)
    else:
        assert isinstance(doc, Document)


@given(st.text(alphabet="<>/=\"' tdrhablecospnwi0123456789合计", max_size=300))
def test_random_markup_never_crashes(markup: str) -> None:
    doc = parse_html(markup)
    for table in doc.tables:
        assert all(len(r.cells) == table.width for r in table.rows)
