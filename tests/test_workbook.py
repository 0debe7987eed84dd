"""The fill-in workbook: template layout, the example round trip, and every cell-level error."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import attrs
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings

from govbudget import catalog
from govbudget.cli import main
from govbudget.errors import FormatError, GovBudgetError
from govbudget.io import example_ledger, load_ledger
from govbudget.ledger import BudgetUnit
from govbudget.render import render
from govbudget.tables import derive
from govbudget.workbook import (
    CODE_SHEET,
    FINAL_SPEC,
    YUAN_FORMAT,
    ListSheet,
    read_workbook,
    spec_for,
    write_ledger,
    write_template,
)

from .strategies import full_ledgers

# Column letters of the 支出 sheet: unit, function, (name), economic, (name), government, (name),
# nature, source, amount.
EXP_AMOUNT = "J"


@pytest.fixture(scope="module")
def example_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("wb") / "ledger.xlsx"
    write_ledger(example_ledger(), path)
    return path


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tpl") / "blank.xlsx"
    write_template(path, edition=2024)
    return path


def _edit(src: Path, dst: Path, change) -> Path:
    wb = openpyxl.load_workbook(src)
    change(wb)
    wb.save(dst)
    return dst


def _error(path: Path) -> str:
    with pytest.raises(FormatError) as exc:
        read_workbook(path)
    return str(exc.value)


# -- the round trip ---------------------------------------------------------------------------

def test_example_workbook_reads_back_to_the_example(example_book: Path) -> None:
    assert read_workbook(example_book) == example_ledger()


def test_example_workbook_gives_exactly_the_tables_of_report(example_book: Path, capsys) -> None:
    assert derive(load_ledger(example_book)) == derive(example_ledger())
    assert main(["report", str(example_book)]) == 0
    from_book = capsys.readouterr().out
    assert main(["report"]) == 0
    assert from_book == capsys.readouterr().out
    # A published figure of the seed report: 公开05表 合计 小计 3,881.84 万元.
    assert "3,881.84" in from_book


@settings(max_examples=6, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
          deadline=None)
@given(ledger=full_ledgers(max_lines=8))
def test_generated_ledgers_round_trip(tmp_path: Path, ledger) -> None:
    # The generated lines belong to units "a" and "b"; declare them so that the 单位 sheet is used.
    ledger = attrs.evolve(ledger, units=(BudgetUnit("a", "甲单位"), BudgetUnit("b", "乙单位", "所属单位")))
    path = tmp_path / "g.xlsx"
    write_ledger(ledger, path, overwrite=True)
    back = read_workbook(path)
    assert back == ledger
    assert derive(back) == derive(ledger)
    assert render(derive(back), "text") == render(derive(ledger), "text")


# -- the template ------------------------------------------------------------------------------

def test_template_has_a_sheet_per_kind_of_fact(template: Path) -> None:
    wb = openpyxl.load_workbook(template)
    for name in ("填表说明", "收入", "支出", "结转结余", "三公", "机关运行经费", "政府采购", "资产", "绩效",
                 "年初预算", "上年数"):
        assert name in wb.sheetnames
    assert wb[CODE_SHEET].sheet_state == "hidden"
    exp = wb["支出"]
    assert [exp.cell(2, c).value for c in (2, 4)] == ["EXP_FUNC_CODE", "DEP_BGT_ECO_CODE"]
    assert exp.cell(1, 2).value == "支出功能分类科目"
    assert exp[f"{EXP_AMOUNT}3"].number_format == YUAN_FORMAT
    assert exp.print_title_rows == "$1:$2"


def test_template_drop_downs_list_the_editions_codes(template: Path) -> None:
    wb = openpyxl.load_workbook(template)
    exp = wb["支出"]
    formulas = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in exp.data_validations.dataValidation}
    ref = formulas["B3"]
    m = re.fullmatch(rf"={CODE_SHEET}!\$(\w)\$2:\$\w\$(\d+)", ref)
    assert m, ref
    codes = [wb[CODE_SHEET][f"{m.group(1)}{r}"].value for r in range(2, int(m.group(2)) + 1)]
    items = [s.code for s in catalog("functional", 2024) if len(s.code) == 7]
    assert codes == items
    # The name is shown beside the code, looked up in the same code sheet.
    assert "VLOOKUP(B3" in exp["C3"].value
    assert {"D3", "F3", "H3", "I3"} <= set(formulas)  # 部门/政府经济分类, 性质, 来源


def test_blank_template_is_not_a_ledger_until_filled(template: Path) -> None:
    assert "department is not filled in" in _error(template)


def test_an_undeclared_family_has_no_workbook() -> None:
    assert spec_for("budget").ledger_type.__name__ == "BudgetLedger"
    with pytest.raises(GovBudgetError, match="no fill-in workbook is declared for family 'other'"):
        spec_for("other")


def test_every_ledger_field_has_a_place() -> None:
    # The declared sheets cover the ledger's lists (a new list field must be declared).
    lists = {".".join(s.path) for s in FINAL_SPEC.sheets if isinstance(s, ListSheet)}
    assert {"units", "income", "expenditure", "balances.opening_government_fund",
            "narrative.initial_budget", "narrative.reasons"} <= lists


# -- cells ------------------------------------------------------------------------------------

def test_float_not_a_whole_fen_is_refused_naming_the_cell(example_book: Path, tmp_path: Path) -> None:
    path = _edit(example_book, tmp_path / "m.xlsx", lambda wb: wb["支出"].__setitem__(f"{EXP_AMOUNT}5", 12.345))
    assert f"支出!{EXP_AMOUNT}5" in _error(path) and "分" in _error(path)


def test_binary_float_noise_is_refused(example_book: Path, tmp_path: Path) -> None:
    # What Excel stores for =0.1+0.2 (openpyxl itself would write a shorter text).
    path = _patch_cell(example_book, tmp_path / "m.xlsx", "734400", "<v>0.30000000000000004</v>")
    message = _error(path)
    assert f"支出!{EXP_AMOUNT}4" in message and "0.30000000000000004" in message


def test_sixteen_digit_number_is_refused_fifteen_read(example_book: Path, tmp_path: Path) -> None:
    path = _edit(example_book, tmp_path / "m.xlsx",
                 lambda wb: wb["支出"].__setitem__(f"{EXP_AMOUNT}3", 12345678901234.56))
    assert "15 significant digits" in _error(path)
    path = _edit(example_book, tmp_path / "n.xlsx",
                 lambda wb: wb["支出"].__setitem__(f"{EXP_AMOUNT}3", 1234567890123.45))
    assert read_workbook(path).expenditure[0].amount == Decimal("1234567890123.45")


def test_numbers_stored_as_text_are_read(example_book: Path, tmp_path: Path) -> None:
    path = _edit(example_book, tmp_path / "m.xlsx",
                 lambda wb: wb["支出"].__setitem__(f"{EXP_AMOUNT}3", " 2,699,000.00 "))
    assert read_workbook(path) == example_ledger()


def test_code_typed_as_a_number_is_read(example_book: Path, tmp_path: Path) -> None:
    path = _edit(example_book, tmp_path / "m.xlsx", lambda wb: wb["支出"].__setitem__("B3", 2010301))
    assert read_workbook(path) == example_ledger()


def test_unknown_code_names_the_cell(example_book: Path, tmp_path: Path) -> None:
    path = _edit(example_book, tmp_path / "m.xlsx", lambda wb: wb["支出"].__setitem__("B5", "2010398"))
    message = _error(path)
    assert "支出!B5" in message and "2010399" in message  # the near miss is suggested


def test_negative_amount_names_the_cell(example_book: Path, tmp_path: Path) -> None:
    path = _edit(example_book, tmp_path / "m.xlsx", lambda wb: wb["三公"].__setitem__("C3", -5))
    assert "三公!C3" in _error(path)


def test_bad_choice_names_the_cell(example_book: Path, tmp_path: Path) -> None:
    path = _edit(example_book, tmp_path / "m.xlsx", lambda wb: wb["收入"].__setitem__("B4", "财政"))
    assert "收入!B4" in _error(path) and "一般公共预算财政拨款" in _error(path)


def test_formula_without_cached_value_is_refused(example_book: Path, tmp_path: Path) -> None:
    path = _edit(example_book, tmp_path / "m.xlsx",
                 lambda wb: wb["支出"].__setitem__(f"{EXP_AMOUNT}6", "=1000+200"))
    assert f"支出!{EXP_AMOUNT}6" in _error(path) and "no saved value" in _error(path)


def _patch_cell(src: Path, dst: Path, value: str, xml: str) -> Path:
    """Replace the stored ``<v>value</v>`` of the 支出 amount cell holding ``value`` by ``xml``
    (a formula with its cached value as Excel saves it, which openpyxl cannot compute; or a
    double's full text)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        done = False
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("xl/worksheets/") and not done:
                text = data.decode()
                new = re.sub(rf'(<c r="{EXP_AMOUNT}\d+"[^>]*>)<v>{value}</v>', lambda m: m.group(1) + xml, text, count=1)
                if new != text:
                    done, data = True, new.encode()
            zout.writestr(item, data)
    assert done
    return dst


def test_formula_with_cached_value_is_read(example_book: Path, tmp_path: Path) -> None:
    path = _patch_cell(example_book, tmp_path / "f.xlsx", "2699000", "<f>2000000+699000</f><v>2699000</v>")
    assert openpyxl.load_workbook(path)["支出"][f"{EXP_AMOUNT}3"].value == "=2000000+699000"
    assert read_workbook(path) == example_ledger()


def test_merged_unit_cells_apply_to_every_row(example_book: Path, tmp_path: Path) -> None:
    def merge(wb) -> None:
        ws = wb["支出"]
        assert [ws[f"A{r}"].value for r in (3, 4, 5)] == ["bureau"] * 3
        ws.merge_cells("A3:A5")

    path = _edit(example_book, tmp_path / "m.xlsx", merge)
    assert openpyxl.load_workbook(path)["支出"]["A4"].value is None  # only the top-left holds it
    assert read_workbook(path) == example_ledger()


def test_an_amount_merged_over_rows_is_refused(example_book: Path, tmp_path: Path) -> None:
    path = _edit(example_book, tmp_path / "m.xlsx", lambda wb: wb["支出"].merge_cells(f"{EXP_AMOUNT}3:{EXP_AMOUNT}4"))
    assert f"支出!{EXP_AMOUNT}4" in _error(path) and "merged" in _error(path)


def test_data_outside_the_declared_columns_is_refused(example_book: Path, tmp_path: Path) -> None:
    path = _edit(example_book, tmp_path / "m.xlsx", lambda wb: wb["收入"].__setitem__("H7", 100))
    assert "收入!H7" in _error(path)
    path = _edit(example_book, tmp_path / "n.xlsx", lambda wb: wb.create_sheet("备注").__setitem__("A1", "x"))
    assert "'备注'" in _error(path)


def test_validation_errors_name_the_row(example_book: Path, tmp_path: Path) -> None:
    # 一般公共预算 cannot fund 经营支出: a rule over two cells of the row, reported at its first.
    path = _edit(example_book, tmp_path / "m.xlsx", lambda wb: wb["支出"].__setitem__("H5", "经营支出"))
    assert re.search(r"支出!A5: 一般公共预算财政拨款 can fund only", _error(path))


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_text("kind,amount\n", encoding="utf-8")
    assert "not an Excel .xlsx workbook" in _error(path)


# -- the command ------------------------------------------------------------------------------

def test_init_writes_and_never_overwrites(tmp_path: Path, capsys) -> None:
    path = tmp_path / "ledger.xlsx"
    assert main(["init", "--example", "-o", str(path)]) == 0
    assert read_workbook(path) == example_ledger()
    before = path.read_bytes()
    assert main(["init", "-o", str(path)]) == 2
    assert "exists" in capsys.readouterr().err
    assert path.read_bytes() == before
    assert main(["init", "--force", "-o", str(path)]) == 0
    assert main(["init", "--edition", "1999", "-o", str(tmp_path / "b.xlsx")]) == 2
    assert not (tmp_path / "b.xlsx").exists()  # an unknown edition fails before any file is made


def test_report_on_a_bad_workbook_exits_2_naming_the_cell(example_book: Path, tmp_path: Path, capsys) -> None:
    path = _edit(example_book, tmp_path / "m.xlsx", lambda wb: wb["支出"].__setitem__(f"{EXP_AMOUNT}5", 1.005))
    assert main(["report", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"支出!{EXP_AMOUNT}5" in err and "Traceback" not in err


def test_template_follows_the_chosen_edition(tmp_path: Path) -> None:
    path = tmp_path / "t2026.xlsx"
    write_template(path, edition=2026)
    wb = openpyxl.load_workbook(path)
    assert wb["基本信息"]["C4"].value == 2026
    codes = {wb[CODE_SHEET].cell(r, 1).value for r in range(2, wb[CODE_SHEET].max_row + 1)} - {None}
    assert codes == {s.code for s in catalog("functional", 2026) if len(s.code) == 7}
    assert codes != {s.code for s in catalog("functional", 2024) if len(s.code) == 7}


def test_check_reads_the_workbook(example_book: Path, tmp_path: Path, capsys) -> None:
    # The example's own tables agree: no error; the one warning is the seed's own
    # 财政拨款 vs 一般公共预算 change difference (text.change-agreement).
    assert main(["check", str(example_book)]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith("0 errors, 1 warnings, 0 info") and "text.change-agreement" in out
    bad = _edit(example_book, tmp_path / "m.xlsx", lambda wb: wb["支出"].__setitem__(f"{EXP_AMOUNT}5", 12.345))
    assert main(["check", str(bad)]) == 2
    assert f"支出!{EXP_AMOUNT}5" in capsys.readouterr().err


# -- progress while a large workbook is read --------------------------------------------------

class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_large_workbook_is_read_with_a_bar_on_a_tty(example_book: Path, monkeypatch) -> None:
    from govbudget import workbook

    wb = openpyxl.load_workbook(example_book)
    rows = sum(wb[n].max_row for n in wb.sheetnames if n not in ("填表说明", CODE_SHEET))
    # The example is small: below the threshold no bar is drawn, even on a terminal.
    quiet = _Tty()
    assert read_workbook(example_book, progress=True, stream=quiet) == example_ledger()
    assert quiet.getvalue() == ""
    monkeypatch.setattr(workbook, "READ_PROGRESS_ROWS", 1)
    monkeypatch.setattr(workbook, "READ_PROGRESS_STEP", 10)
    tty = _Tty()
    assert read_workbook(example_book, progress=True, stream=tty) == example_ledger()
    drawn = tty.getvalue()
    assert f"read [{'█' * 24}] {rows}/{rows}" in drawn and "10/" in drawn and drawn.endswith("\r\x1b[2K")
    for stream, progress in ((_Tty(), False), (io.StringIO(), True)):  # asked to be quiet; not a terminal
        assert read_workbook(example_book, progress=progress, stream=stream) == example_ledger()
        assert stream.getvalue() == ""


def test_report_draws_the_reading_bar_unless_quiet(example_book: Path, monkeypatch, capsys) -> None:
    import sys

    from govbudget import workbook

    monkeypatch.setattr(workbook, "READ_PROGRESS_ROWS", 1)
    monkeypatch.setattr(sys, "stderr", tty := _Tty())
    assert main(["report", str(example_book), "--table", "05"]) == 0
    with_bar = capsys.readouterr().out
    assert "read [" in tty.getvalue() and tty.getvalue().endswith("\r\x1b[2K")
    monkeypatch.setattr(sys, "stderr", tty := _Tty())
    assert main(["report", str(example_book), "--table", "05", "--quiet"]) == 0
    assert capsys.readouterr().out == with_bar and "3,881.84" in with_bar
    assert tty.getvalue() == ""


def test_a_chart_sheet_is_no_data_and_no_crash(example_book: Path, tmp_path: Path) -> None:
    # A clerk may add a chart sheet; it has no cells, so nothing is lost by passing it over.
    def chart(wb) -> None:  # type: ignore[no-untyped-def]
        from openpyxl.chart import BarChart, Reference

        bar = BarChart()
        bar.add_data(Reference(wb["收入"], min_col=5, min_row=3, max_row=8))
        wb.create_chartsheet("图表").add_chart(bar)

    path = _edit(example_book, tmp_path / "c.xlsx", chart)
    assert "图表" in openpyxl.load_workbook(path).sheetnames
    assert read_workbook(path) == example_ledger()
