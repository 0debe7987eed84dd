"""XLSX extraction: workbooks built in the test with openpyxl, values known by construction."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from govbudget.errors import ExtractError, LimitError
from govbudget.extract import Limits, extract

openpyxl = pytest.importorskip("openpyxl")


def _workbook() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "收支总表"
    ws["A1"] = "2026年部门收支总表"
    ws.merge_cells("A1:D1")
    ws["D2"] = "单位：万元"
    ws["A3"] = "收入"
    ws.merge_cells("A3:B3")
    ws["C3"] = "支出"
    ws.merge_cells("C3:D3")
    ws.append(["项目", "预算数", "项目", "预算数"])
    ws.append(["一、一般公共预算拨款收入", 1234.56, "一、一般公共服务支出", 1234.5])
    ws.append(["其中："])
    ws.append(["合计", 1234.56, "合计", "=B5"])
    ws["A9"] = "注：本表金额保留两位小数。"
    second = wb.create_sheet("三公")
    second.append(["项目", "预算数"])
    second.append(["因公出国（境）费", 0])
    second.append(["公务接待费", 12])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_sheets_tables_merged_cells_and_lines(tmp_path: Path) -> None:
    path = tmp_path / "budget.xlsx"
    path.write_bytes(_workbook())
    doc = extract(path)
    assert doc.kind == "xlsx"
    assert [(p.number, p.name) for p in doc.pages] == [(1, "收支总表"), (2, "三公")]
    first, second = doc.tables
    assert first.grid == (
        ("收入", "", "支出", ""),
        ("项目", "预算数", "项目", "预算数"),
        ("一、一般公共预算拨款收入", "1234.56", "一、一般公共服务支出", "1234.5"),
        ("其中：", "", "", ""),
        ("合计", "1234.56", "合计", ""),
    )
    assert [(s.row, s.column, s.rows, s.columns) for s in first.spans] == [
        (0, 0, 1, 2),
        (0, 2, 1, 2),
    ]
    assert [r.line for r in first.rows] == [3, 4, 5, 6, 7]
    assert [(ln.page, ln.line, ln.text) for ln in doc.lines] == [
        (1, 1, "2026年部门收支总表"),
        (1, 2, "单位：万元"),
        (1, 9, "注：本表金额保留两位小数。"),
    ]
    assert second.page == 2
    assert second.grid == (("项目", "预算数"), ("因公出国（境）费", "0"), ("公务接待费", "12"))


def test_formula_without_cached_value_is_reported_with_its_cell() -> None:
    doc = extract(_workbook(), name="b.xlsx")
    # openpyxl writes formulas without cached values: D7 (=B5) was never calculated
    (problem,) = doc.problems
    assert problem.page == 1
    assert "'收支总表', cell D7" in problem.message
    assert doc.status == "partly read"


def test_numbers_are_the_stored_decimal_text() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["a", 0.1, 1e16, 3])
    ws.append(["b", 1234567.891, -0.5, 2.0])
    buf = io.BytesIO()
    wb.save(buf)
    (table,) = extract(buf.getvalue(), name="n.xlsx").tables
    assert table.grid == (
        ("a", "0.1", "10000000000000000", "3"),
        ("b", "1234567.891", "-0.5", "2"),  # openpyxl stores 2.0 as 2
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04" + b"\x00" * 50, "not an XLSX workbook"),
        (b"PK\x03\x04garbage", "not an XLSX workbook"),
    ],
)
def test_broken_workbooks(data: bytes, message: str) -> None:
    with pytest.raises(ExtractError, match=message):
        extract(data, name="bad.xlsx")


def test_zip_without_workbook() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(ExtractError, match=r"bad\.xlsx: is not a readable XLSX workbook"):
        extract(buf.getvalue(), name="bad.xlsx")


def test_zip_bomb_is_refused_before_inflating() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/big.xml", b"0" * 2_000_000)
    with pytest.raises(LimitError, match=r"inflates to .*GOVBUDGET_MAX_BYTES"):
        extract(buf.getvalue(), name="bomb.xlsx", limits=Limits(max_bytes=20_000))


def test_legacy_xls_is_named() -> None:
    with pytest.raises(ExtractError, match=r"old\.xls: is a legacy Office file"):
        extract(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, name="old.xls")


def test_a_stray_far_cell_does_not_blow_up_the_grid() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目", "预算数"])
    ws.append(["合计", 5])
    ws["XFD1048576"] = "末"
    buf = io.BytesIO()
    wb.save(buf)
    doc = extract(buf.getvalue(), name="far.xlsx")
    assert doc.tables[0].grid == (("项目", "预算数"), ("合计", "5"))
    assert [(ln.line, ln.text) for ln in doc.lines] == [(1048576, "末")]
