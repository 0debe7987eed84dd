"""--format xlsx: the published layout, opened with openpyxl and checked cell by cell."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings

from govbudget.cli import main
from govbudget.io import example_ledger
from govbudget.money import display
from govbudget.published import Severity
from govbudget.tables import derive
from govbudget.xlsx_render import CHECK_SHEET, FILLS, NARRATIVE_SHEET, NUMBER_FORMAT, TOP

from .strategies import full_ledgers


@pytest.fixture(scope="module")
def report_book(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    path = tmp_path_factory.mktemp("x") / "report.xlsx"
    assert main(["report", "--format", "xlsx", "-o", str(path)]) == 0
    return openpyxl.load_workbook(path)


@pytest.fixture(scope="module")
def check_book(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    path = tmp_path_factory.mktemp("c") / "check.xlsx"
    assert main(["check", "--example", "--format", "xlsx", "-o", str(path)]) == 1  # the seed has errors
    return openpyxl.load_workbook(path)


def _rows(ws) -> list[tuple]:
    return list(ws.iter_rows(values_only=True))


def test_a_sheet_per_table_then_the_text(report_book) -> None:
    assert report_book.sheetnames == [f"公开0{i}表" for i in range(1, 10)] + [NARRATIVE_SHEET]


def test_table05_layout_and_figures(report_book) -> None:
    ws = report_book["公开05表"]
    assert ws["A1"].value == "一般公共预算财政拨款支出决算表"
    assert ws["E3"].value == "金额单位：万元"
    merged = {str(r) for r in ws.merged_cells.ranges}
    # 项目 over 科目代码/科目名称; each figure column's title over two header rows; 栏次 over two.
    assert {"A1:E1", "A4:B4", "C4:C5", "D4:D5", "E4:E5", "A6:B6", "A7:B7"} <= merged  # 合计 over code+name
    assert [ws.cell(6, c).value for c in range(1, 6)] == ["栏次", None, "1", "2", "3"]
    # 合计 as published in the seed: 3,881.84 | 590.51 | 3,291.33 万元, as numbers.
    assert [ws.cell(7, c).value for c in range(1, 6)] == ["合计", None, 3881.84, 590.51, 3291.33]
    assert ws["C7"].number_format == NUMBER_FORMAT
    # Every figure cell is the derived 元 value rounded on its own (ROUND_HALF_UP).
    t05 = derive(example_ledger()).table("05")
    for i, row in enumerate(t05.rows):
        for j, v in enumerate(row.values):
            cell = ws.cell(TOP + 3 + i + 1, 3 + j)
            assert (Decimal(str(cell.value)) if cell.value is not None else Decimal(0)) == display(v)
    notes = [r[0] for r in _rows(ws) if r[0] and str(r[0]).startswith("注：")]
    assert notes == [t05.note]


def test_zero_is_blank_and_empty_table_prints_its_statement(report_book) -> None:
    ws = report_book["公开05表"]
    assert ws["E8"].value == 289.33 and ws["D10"].value == 490.94  # 201: project 289.33
    t07 = report_book["公开07表"]
    values = [v for r in _rows(t07) for v in r]
    assert "说明：我部门没有政府性基金收入，也没有使用政府性基金安排的支出，故本表无数据。" in values
    assert not any(isinstance(v, (int, float)) for v in values)  # nothing printed as 0.00


def test_two_sided_table01_headers_and_line_numbers(report_book) -> None:
    ws = report_book["公开01表"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A4:C4", "D4:F4"} <= merged  # 收入 | 支出 over their columns
    assert ws["A4"].value == "收入" and ws["D4"].value == "支出"
    assert ws["B8"].value == "1" and ws["E8"].value == "32"  # 行次
    assert ws["C8"].value == 3881.84  # 一般公共预算财政拨款收入


def test_table09_groups_budget_and_actual(report_book) -> None:
    ws = report_book["公开09表"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A4:F4", "G4:L4"} <= merged
    assert ws["A4"].value == "预算数" and ws["G4"].value == "决算数" and ws["B5"].value == "因公出国（境）费"


def test_print_setup_is_a4_with_repeated_headers(report_book) -> None:
    for name in ("公开01表", "公开05表", "公开06表"):
        ws = report_book[name]
        assert int(ws.page_setup.paperSize) == 9  # A4 in the OOXML paper codes
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth == 1
    assert report_book["公开05表"].print_title_rows == "$4:$6"
    assert report_book["公开01表"].print_title_rows == "$4:$7"
    assert report_book["公开01表"].page_setup.orientation == "portrait"
    assert report_book["公开02表"].page_setup.orientation == "landscape"


def test_narrative_sheet_holds_the_text(report_book) -> None:
    text = "\n".join(str(r[0]) for r in _rows(report_book[NARRATIVE_SHEET]) if r[0])
    assert "一、收入支出决算总体情况说明" in text
    assert "3881.84" in text


def test_check_sheet_links_each_finding_to_its_cell(check_book) -> None:
    assert check_book.sheetnames[0] == CHECK_SHEET
    ws = check_book[CHECK_SHEET]
    rows = _rows(ws)[1:]
    assert len(rows) == 26  # 3 errors, 13 warnings, 10 info (docs/checking.md)
    linked = [r for r in range(2, ws.max_row + 1) if ws.cell(r, 4).hyperlink is not None]
    assert len(linked) >= 20
    for r in linked:
        sheet, ref = ws.cell(r, 4).hyperlink.location.split("!")
        target = check_book[sheet.strip("'")][ref]
        severity = Severity(ws.cell(r, 1).value)
        assert target.comment is not None and ws.cell(r, 2).value in target.comment.text
        if severity is Severity.ERROR:
            assert target.fill.fgColor.rgb.endswith(FILLS[Severity.ERROR])


def test_check_marks_a_table_tail_on_its_cell(check_book) -> None:
    # t01.expenditure-total: 公开01表 本年支出合计 printed 3,881.84 (a rounding tail, info).
    ws = check_book["公开01表"]
    cell = next(c for row in ws.iter_rows() for c in row
                if c.comment is not None and "t01.expenditure-total" in c.comment.text)
    assert cell.value == 3881.84 and cell.column == 6
    assert cell.fill.fgColor.rgb.endswith(FILLS[Severity.INFO])


def test_xlsx_needs_an_output_file(capsys) -> None:
    assert main(["report", "--format", "xlsx"]) == 2
    assert "--output" in capsys.readouterr().err


def test_narrative_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "n.xlsx"
    assert main(["narrative", "--format", "xlsx", "-o", str(path)]) == 0
    assert openpyxl.load_workbook(path).sheetnames == [NARRATIVE_SHEET]


def test_a_finding_about_a_whole_table_links_to_its_title(tmp_path: Path) -> None:
    import attrs

    from govbudget.published import from_disclosure
    from govbudget.rules import check
    from govbudget.xlsx_render import build_workbook

    d = derive(example_ledger())
    # Without the statements printed under the empty 公开07/08/09表: one info finding each.
    p = attrs.evolve(from_disclosure(d), statements={})
    findings = [f for f in check(p).findings if f.rule.endswith("tables.empty-statement")]
    assert [f.location.table for f in findings] == ["07", "08", "09"]
    wb = build_workbook(d.department, d.fiscal_year, d.tables.values(), findings=findings)
    ws = wb[CHECK_SHEET]
    assert [ws.cell(r, 4).hyperlink.location for r in (2, 3, 4)] == ["'公开07表'!A1", "'公开08表'!A1", "'公开09表'!A1"]
    assert "tables.empty-statement" in wb["公开07表"]["A1"].comment.text


def test_the_input_workbook_is_never_the_output(tmp_path: Path, capsys) -> None:
    ledger = tmp_path / "ledger.xlsx"
    assert main(["init", "--example", "-o", str(ledger)]) == 0
    before = ledger.read_bytes()
    for fmt in ("xlsx", "html"):
        assert main(["report", str(ledger), "--format", fmt, "-o", str(ledger)]) == 2
        assert "is an input" in capsys.readouterr().err
    assert ledger.read_bytes() == before


def _figures_read_back(d, wb) -> int:
    from govbudget.layout import grid
    from govbudget.xlsx_render import cell_ref

    checked = 0
    for t in d.tables.values():
        g = grid(t)
        ws = wb[t.label]
        for i, line in enumerate(g.body):
            for j, c in enumerate(line):
                if not c.numeric:
                    continue
                r, col = cell_ref(g, i, j)
                value = ws.cell(r, col).value
                # The cell is the table's own value at (row, column), rounded to 万元; 0 is blank.
                expected = display(t.cell(c.row_key, c.column_key)) if c.value else None
                assert (Decimal(str(value)) if value is not None else None) == expected, (t.id, c)
                checked += 1
        # Nothing is missing: every row with values is on the sheet (an empty table prints
        # its statement instead).
        if not t.is_empty:
            assert {c.row_key for line in g.body for c in line if c.numeric} == {
                r.key for r in t.rows if r.values}
    return checked


def test_every_figure_of_every_table_reads_back(report_book) -> None:
    assert _figures_read_back(derive(example_ledger()), report_book) > 300


@settings(max_examples=5, deadline=None)
@given(full_ledgers(max_lines=12))
def test_generated_disclosures_read_back(ledger) -> None:
    from govbudget.narrative import build
    from govbudget.xlsx_render import build_workbook

    d = derive(ledger)
    assert _figures_read_back(d, build_workbook(d.department, d.fiscal_year, d.tables.values(),
                                                narrative=build(ledger, d))) > 0


def test_a_device_is_written_in_place_never_replaced(tmp_path: Path) -> None:
    import os
    import stat
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    assert main(["report", "--format", "xlsx", "-o", str(fifo)]) == 0
    reader.join(timeout=30)
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still the pipe, not a file put in its place
    assert received and received[0][:2] == b"PK"
    import io as _io

    assert openpyxl.load_workbook(_io.BytesIO(received[0])).sheetnames[0] == "公开01表"
