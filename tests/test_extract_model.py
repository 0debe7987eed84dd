"""The layout-neutral model: spans, status, reading order, detection of the format."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govbudget.errors import ExtractError, GovBudgetError, MissingExtraError
from govbudget.extract import (
    Document,
    ExtractedTable,
    Page,
    Problem,
    Span,
    TableRow,
    TextLine,
    detect,
    extract,
)
from govbudget.extract.text_utils import clean_cell, clean_line
from tests.pdfmaker import Sheet, Text, make_pdf


def _table(page: int, top: float) -> ExtractedTable:
    rows = (TableRow(("a", "b"), page, 0, (0.0, top, 10.0, top + 5)),)
    return ExtractedTable(rows=rows, page=page, strategy="lines", bbox=(0.0, top, 10.0, top + 5))


def test_span_covers_its_rectangle_only() -> None:
    span = Span(1, 2, rows=2, columns=3)
    inside = {(r, c) for r in range(6) for c in range(6) if span.covers(r, c)}
    assert inside == {(r, c) for r in (1, 2) for c in (2, 3, 4)}


def test_width_pages_and_cells() -> None:
    rows = (TableRow(("x",), 3, 0), TableRow(("y", "z"), 4, 0), TableRow(("w",), 4, 1))
    table = ExtractedTable(rows=rows, page=3, strategy="block")
    assert table.width == 2 and table.pages == (3, 4) and len(table) == 3
    assert table.cell(1, 1) == "z" and table.span_at(0, 0) is None


def test_status() -> None:
    assert Document("d", "pdf", ()).status == "empty"
    assert Document("d", "pdf", (Page(1, chars=0), Page(2, chars=0))).status == "no text layer"
    partly = Document("d", "pdf", (Page(1, chars=5),), problems=(Problem("x", 1),))
    assert partly.status == "partly read"
    assert Document("d", "html", (Page(1),)).status == "read"
    assert str(Problem("no text layer", 3)) == "page 3: no text layer"


def test_flow_orders_by_page_then_top() -> None:
    early, late = _table(1, 50.0), _table(2, 10.0)
    title = TextLine(1, 1, "title", (0.0, 20.0, 5.0, 30.0))
    note = TextLine(1, 2, "note", (0.0, 70.0, 5.0, 80.0))
    top2 = TextLine(2, 1, "head", (0.0, 1.0, 5.0, 5.0))
    doc = Document("d", "pdf", (Page(1), Page(2)), (late, early), (note, top2, title))
    assert list(doc.flow()) == [title, early, note, top2, late]
    assert doc.page_tables(2) == (late,)
    assert doc.page_lines(1) == (note, title)
    assert doc.text == "title\nnote\n\f\nhead"


def test_clean_cell_joins_wrapped_lines_and_keeps_numbers() -> None:
    assert clean_cell(" 一般公共预算\n财政拨款收入 ") == "一般公共预算财政拨款收入"
    assert clean_cell("科 目 名 称") == "科目名称"
    assert clean_cell("1,234.\n56") == "1,234.56"
    assert clean_cell("Total\nspending") == "Total spending"
    assert clean_cell("\u3000合\u3000计\u3000") == "合计"
    assert clean_cell("  -  ") == "-"
    assert clean_cell(None) == "" and clean_cell("\n \n") == ""
    assert clean_line("2026  年\u00a0部门") == "2026 年 部门"


@pytest.mark.parametrize(
    ("head", "name", "kind"),
    [
        (b"%PDF-1.7\n", "x.html", "pdf"),
        (b"\n<!DOCTYPE html><html>", "page", "html"),
        (b"<div><table>", "x", "html"),
        (b"PK\x03\x04....", "book.xlsx", "xlsx"),
        (b"a\tb\n", "x.html", "html"),
        (b"a\tb\n", "x.txt", "text"),
        (b"plain", "x", "text"),
        (b"<html><table>%PDF-", "x", "html"),
        (b"\x00junk\n%PDF-1.4", "x", "pdf"),
    ],
)
def test_detect(head: bytes, name: str, kind: str) -> None:
    assert detect(head, name) == kind


def test_detect_refuses_word_and_legacy_office() -> None:
    with pytest.raises(ExtractError, match="Word"):
        detect(b"PK\x03\x04 word/document.xml", "a.docx")
    with pytest.raises(ExtractError, match="legacy"):
        detect(b"\xd0\xcf\x11\xe0", "a.xls")


# Run with and without the extras installed: the import fails either way.
def test_without_pdfplumber_the_message_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "pdfplumber", None)  # import fails as if not installed
    with pytest.raises(MissingExtraError) as info:
        extract(make_pdf([Sheet(texts=[Text(50, 100, "x")])]), name="r.pdf")
    assert str(info.value).startswith("r.pdf: reading PDF files needs pdfplumber")
    assert "pip install 'govbudget[pdf]'" in str(info.value)
    assert "uv sync --extra pdf" in str(info.value)


def test_without_openpyxl_the_message_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(MissingExtraError, match=r"b\.xlsx: .*pip install 'govbudget\[excel\]'"):
        extract(b"PK\x03\x04 xl/workbook.xml", name="b.xlsx")


@given(
    st.one_of(
        st.binary(max_size=2000),
        st.text(max_size=500).map(lambda t: t.encode("utf-8")),
        st.binary(max_size=500).map(lambda b: b"PK\x03\x04" + b),
    ),
    st.sampled_from(["x.txt", "x.html", "x.xlsx", "x.pdf", "x"]),
)
def test_any_bytes_give_a_document_or_a_govbudget_error(data: bytes, name: str) -> None:
    try:
        doc = extract(data, name=name)
    except GovBudgetError as exc:
        assert str(exc).startswith(name)
    else:
        for table in doc.tables:
            assert all(len(r.cells) == table.width for r in table.rows)
        assert all(line.text == line.text.strip() and line.text for line in doc.lines)
