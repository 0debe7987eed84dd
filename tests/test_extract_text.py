"""Text extraction: tab- and space-separated tables, one table per block."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from govbudget.extract import extract
from govbudget.extract.text import parse_text
from govbudget.io import example_ledger
from govbudget.render import render
from govbudget.tables import derive


def test_tab_separated_block() -> None:
    doc = parse_text(
        "收入支出决算总表\n金额单位：万元\n项目\t行次\t金额\n合计\t1\t3,881.84\n\n注：x\n"
    )
    (table,) = doc.tables
    assert table.grid == (("项目", "行次", "金额"), ("合计", "1", "3,881.84"))
    assert [r.line for r in table.rows] == [3, 4]
    assert [(ln.line, ln.text) for ln in doc.lines] == [
        (1, "收入支出决算总表"),
        (2, "金额单位：万元"),
        (6, "注：x"),
    ]


def test_space_aligned_block_keeps_blank_cells_in_their_column() -> None:
    text = (
        "科目代码  科目名称        合计      基本支出  项目支出\n"
        "201       一般公共服务    780.27    490.94    289.33\n"
        "206       科学技术      3,000.00              3,000.00\n"
        "          其中：\n"
        "2069999   其他科学技术  3,000.00              3,000.00\n"
    )
    (table,) = parse_text(text).tables
    assert table.grid == (
        ("科目代码", "科目名称", "合计", "基本支出", "项目支出"),
        ("201", "一般公共服务", "780.27", "490.94", "289.33"),
        ("206", "科学技术", "3,000.00", "", "3,000.00"),
        ("", "其中：", "", "", ""),
        ("2069999", "其他科学技术", "3,000.00", "", "3,000.00"),
    )


def test_single_row_and_prose_are_running_text() -> None:
    doc = parse_text(
        "部门：某局　　金额单位：万元\n\n一、收入支出决算总体情况说明\n本年收入 3,881.84 万元。\n"
    )
    assert doc.tables == ()
    assert len(doc.lines) == 3


def test_form_feeds_start_pages() -> None:
    doc = parse_text("a\tb\nc\td\n\fpage two\ne\tf\ng\th\n")
    assert [t.page for t in doc.tables] == [1, 2]
    assert [(ln.page, ln.text) for ln in doc.lines] == [(2, "page two")]
    assert [p.number for p in doc.pages] == [1, 2]


def test_our_own_text_report_reads_back_as_its_tables(tmp_path: Path) -> None:
    disclosure = derive(example_ledger())
    path = tmp_path / "report.txt"
    path.write_text(render(disclosure, "text"), encoding="utf-8")
    doc = extract(path)
    assert doc.kind == "text"
    assert len(doc.tables) == len(disclosure.tables)
    for (tid, table), extracted in zip(disclosure.tables.items(), doc.tables, strict=True):
        if tid not in ("02", "03", "05"):  # the tables that print a code column first
            continue
        codes = {r.code for r in table.rows if r.code}
        first_cells = {r.cells[0] for r in extracted.rows}
        assert codes <= first_cells, tid
    t05 = doc.tables[list(disclosure.tables).index("05")]
    row = next(r for r in t05.rows if r.cells[0] == "2010301")
    # 4,909,445.00 元 of basic spending under 2010301 prints as 490.94 万元 (ROUND_HALF_UP)
    assert "490.94" in row.cells


_cell = st.text(alphabet="0123456789,.-合计一般公共服务支出项目ABCxyz", min_size=1, max_size=8)


@given(st.lists(st.lists(_cell, min_size=2, max_size=5), min_size=2, max_size=6))
def test_tab_separated_grid_round_trips(grid: list[list[str]]) -> None:
    width = max(len(r) for r in grid)
    text = "\n".join("\t".join(r) for r in grid) + "\n"
    (table,) = parse_text(text).tables
    assert table.grid == tuple(tuple(r + [""] * (width - len(r))) for r in grid)


@given(st.lists(st.lists(_cell, min_size=3, max_size=3), min_size=2, max_size=6))
def test_space_aligned_grid_round_trips(grid: list[list[str]]) -> None:
    import unicodedata

    def width(s: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)

    widths = [max(width(r[j]) for r in grid) for j in range(3)]
    lines = ["   ".join(c + " " * (widths[j] - width(c)) for j, c in enumerate(r)) for r in grid]
    (table,) = parse_text("\n".join(lines)).tables
    assert table.grid == tuple(tuple(r) for r in grid)


def test_blocks_broken_by_blank_lines_are_one_table_with_the_repeated_header_dropped() -> None:
    text = "项目\t金额\n合计\t3.00\n\n项目\t金额\n甲\t1.00\n乙\t2.00\n\n注：x\n\n项目\t金额\n丙\t9.00\n"
    doc = parse_text(text)
    first, second = doc.tables  # the note separates the second table
    assert first.grid == (("项目", "金额"), ("合计", "3.00"), ("甲", "1.00"), ("乙", "2.00"))
    assert first.dropped_rows == 1
    assert [r.line for r in first.rows] == [1, 2, 5, 6]
    assert second.grid == (("项目", "金额"), ("丙", "9.00"))


def test_seed_report_text_gives_its_nine_tables(seed_text: str) -> None:
    doc = parse_text(seed_text, source="seed.txt")
    # 公开01 is printed with a blank line where the PDF page broke: one table of 34 rows
    t01 = doc.tables[0]
    assert len(t01.rows) == 34 and t01.width == 6
    assert t01.rows[3].cells[:3] == ("一、一般公共预算财政拨款收入", "1", "3,881.84")
    assert t01.rows[-1].cells[0] == "总计"
    heads = [t.rows[0].cells[0] for t in doc.tables[:9]]
    assert heads == ["收入", "项目", "项目", "收入", "项目", "人员经费", "项目", "项目", "预算数"]


def test_markdown_pipe_tables() -> None:
    text = "### 公开09表\n\n| 项目 | 金额 |\n| --- | ---: |\n| 合计 | 1,234.56 |\n| a \\| b |  |\n"
    doc = parse_text(text)
    (table,) = doc.tables
    assert table.grid == (("项目", "金额"), ("合计", "1,234.56"), ("a | b", ""))
    assert [r.line for r in table.rows] == [3, 5, 6]
    assert [ln.text for ln in doc.lines] == ["### 公开09表"]


def test_our_own_markdown_report_reads_back_as_its_tables() -> None:
    disclosure = derive(example_ledger())
    doc = parse_text(render(disclosure, "markdown"), source="report.md")
    assert len(doc.tables) == len(disclosure.tables)
    for (tid, table), extracted in zip(disclosure.tables.items(), doc.tables, strict=True):
        if tid in ("02", "03", "05"):
            codes = {r.code for r in table.rows if r.code}
            assert codes <= {r.cells[0] for r in extracted.rows}, tid
    t01 = doc.tables[0]
    assert t01.rows[2].cells[:3] == ("一、一般公共预算财政拨款收入", "1", "3,881.84")


@given(st.text(alphabet="ab 一二\t|-:\n\f1.,", max_size=400))
def test_every_line_goes_to_one_place(text: str) -> None:
    doc = parse_text(text)
    in_tables = [(r.page, r.line) for t in doc.tables for r in t.rows]
    in_text = [(ln.page, ln.line) for ln in doc.lines]
    assert len(set(in_tables)) == len(in_tables)
    assert not set(in_tables) & set(in_text)
    for table in doc.tables:
        assert all(len(r.cells) == table.width for r in table.rows)
    assert all(ln.text for ln in doc.lines)
