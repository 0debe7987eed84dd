"""The 部门预算 fill-in workbook (``init --family budget``), and the 政府预算经济分类 column of
both families' 支出 sheet."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import attrs
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings

from govbudget import catalog
from govbudget.budget.io import example_budget_ledger, load_budget_ledger
from govbudget.budget.tables import derive as derive_budget
from govbudget.cli import main
from govbudget.errors import FormatError
from govbudget.io import example_ledger, load_ledger
from govbudget.ledger import BudgetUnit
from govbudget.render import render
from govbudget.workbook import (
    BUDGET_SPEC,
    CODE_SHEET,
    YUAN_FORMAT,
    ListSheet,
    RecordSheet,
    derive_spec,
    read_workbook,
    workbook_family,
    write_ledger,
    write_template,
)

from .test_budget_properties import budget_ledgers

# Columns of the budget 支出 sheet: unit, function, (name), economic, (name), government, (name),
# nature, source, project, carried_over, amount.
ECO, GOV, NATURE, SOURCE, PROJECT, CARRIED, AMOUNT = "D", "F", "H", "I", "J", "K", "L"


@pytest.fixture(scope="module")
def budget_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bwb") / "budget.xlsx"
    assert main(["init", "--family", "budget", "--example", "-o", str(path)]) == 0
    return path


@pytest.fixture(scope="module")
def final_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fwb") / "final.xlsx"
    write_ledger(example_ledger(), path)
    return path


def _edit(src: Path, dst: Path, change) -> Path:
    wb = openpyxl.load_workbook(src)
    change(wb)
    wb.save(dst)
    return dst


def _set(sheet: str, ref: str, value):  # type: ignore[no-untyped-def]
    return lambda wb: wb[sheet].__setitem__(ref, value)


def _error(path: Path) -> str:
    with pytest.raises(FormatError) as exc:
        read_workbook(path)
    return str(exc.value)


# -- the example, through every command ------------------------------------------------------

def test_budget_example_workbook_reads_back_to_the_example(budget_book: Path) -> None:
    assert workbook_family(budget_book) == "budget"
    assert read_workbook(budget_book) == example_budget_ledger()
    assert load_budget_ledger(budget_book) == example_budget_ledger()


@pytest.mark.parametrize("fmt", ["text", "markdown", "csv", "json", "html"])
def test_report_of_the_budget_workbook_is_report_of_the_example(budget_book: Path, fmt: str, capsys) -> None:
    assert main(["report", str(budget_book), "--format", fmt]) == 0
    from_book = capsys.readouterr().out
    assert main(["report", "--example", "budget", "--format", fmt]) == 0
    assert from_book == capsys.readouterr().out
    if fmt == "text":
        # 预算01表 as published: 收入总计 3,944.08 万元, 一般公共服务支出 2,570.71 万元.
        assert "3,944.08" in from_book and "2,570.71" in from_book


def test_xlsx_report_of_the_budget_workbook_has_the_same_cells(budget_book: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert main(["report", str(budget_book), "--format", "xlsx", "-o", str(a)]) == 0
    assert main(["report", "--example", "budget", "--format", "xlsx", "-o", str(b)]) == 0
    wa, wb = openpyxl.load_workbook(a), openpyxl.load_workbook(b)
    assert wa.sheetnames == wb.sheetnames
    for name in wa.sheetnames:
        assert [[c.value for c in r] for r in wa[name].iter_rows()] == [[c.value for c in r] for r in wb[name].iter_rows()]


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "html"])
def test_narrative_of_the_budget_workbook_is_that_of_the_example(budget_book: Path, fmt: str, capsys) -> None:
    assert main(["narrative", str(budget_book), "--format", fmt]) == 0
    from_book = capsys.readouterr().out
    assert main(["narrative", "--example", "budget", "--format", fmt]) == 0
    assert from_book == capsys.readouterr().out
    if fmt == "text":
        # As the document says: 收入预算3,944.08万元，比上年增加286.07万元.
        assert "收入预算 3944.08 万元，比上年预算数增加 286.07 万元" in from_book


def test_check_reads_the_budget_workbook(budget_book: Path, tmp_path: Path, capsys) -> None:
    # Derived exactly from the ledger, every budget rule holds (as for check_budget(ledger)).
    assert main(["check", str(budget_book)]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith(f"{budget_book}: 0 errors, 0 warnings, 0 info")
    bad = _edit(budget_book, tmp_path / "m.xlsx", _set("支出", f"{AMOUNT}5", 12.345))
    assert main(["check", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"支出!{AMOUNT}5" in err and "Traceback" not in err


# -- the template ------------------------------------------------------------------------------

def test_budget_template_sheets_headers_and_drop_downs(tmp_path: Path) -> None:
    path = tmp_path / "blank.xlsx"
    assert main(["init", "--family", "budget", "--year", "2026", "-o", str(path)]) == 0
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["填表说明", "基本信息", "单位", "支出", "机关运行经费", "政府采购", "上年数",
                             "上年一般公共预算", "原因说明", CODE_SHEET]
    exp = wb["支出"]
    assert [exp.cell(2, c).value for c in range(1, 13)] == [
        "AGENCY_CODE", "EXP_FUNC_CODE", "EXP_FUNC_NAME", "DEP_BGT_ECO_CODE", "DEP_BGT_ECO_NAME",
        "GOV_BGT_ECO_CODE", "GOV_BGT_ECO_NAME", "EXP_NATURE", "FUND_SOURCE", "PRO_NAME", "IS_CARRY_OVER", "AMT"]
    assert exp[f"{GOV}1"].value == "政府预算经济分类科目" and exp[f"{AMOUNT}3"].number_format == YUAN_FORMAT
    formulas = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in exp.data_validations.dataValidation}
    assert {"B3", f"{ECO}3", f"{GOV}3", f"{NATURE}3", f"{SOURCE}3", f"{CARRIED}3"} == set(formulas)

    def listed(ref: str) -> list[str]:
        m = re.fullmatch(rf"={CODE_SHEET}!\$(\w)\$2:\$\w\$(\d+)", formulas[ref])
        assert m, formulas[ref]
        return [wb[CODE_SHEET][f"{m.group(1)}{r}"].value for r in range(2, int(m.group(2)) + 1)]

    # The 政府 501… tree of the edition, at 款, and the 资金来源 of a budget.
    assert listed(f"{GOV}3") == [s.code for s in catalog("economic-government", 2026) if len(s.code) == 5]
    assert "50101" in listed(f"{GOV}3") and "501" not in listed(f"{GOV}3")
    assert listed(f"{SOURCE}3")[0] == "一般公共预算拨款" and listed(f"{CARRIED}3") == ["是", "否"]
    assert "VLOOKUP(F3" in exp["G3"].value
    assert wb["基本信息"]["A3"].value == "预算年度" and wb["基本信息"]["C4"].value == 2026


def test_every_budget_ledger_field_has_one_place() -> None:
    # The declared workbook holds exactly the fields of BudgetLedger (as derived from its type).
    def keys(spec) -> set[tuple]:  # type: ignore[no-untyped-def]
        out = set()
        for s in spec.sheets:
            for f in s.fields:
                if not f.derived_from:
                    out.add((*s.path, *f.key) if isinstance(s, ListSheet) else f.key)
        return out

    auto = derive_spec("budget", "自动", BUDGET_SPEC.ledger_type, BUDGET_SPEC.validate)
    assert keys(BUDGET_SPEC) == keys(auto)
    assert all(isinstance(s, ListSheet | RecordSheet) for s in BUDGET_SPEC.sheets)


# -- generated ledgers -------------------------------------------------------------------------

@settings(max_examples=8, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
          deadline=None)
@given(ledger=budget_ledgers(max_lines=8))
def test_generated_budget_ledgers_round_trip(tmp_path: Path, ledger) -> None:
    ledger = attrs.evolve(ledger, units=(BudgetUnit("a", "甲单位"), BudgetUnit("b", "乙单位", "所属单位")),
                          reasons=(("total", "原因"),))
    path = tmp_path / "g.xlsx"
    write_ledger(ledger, path, overwrite=True)
    back = read_workbook(path)
    assert back == ledger
    for fmt in ("text", "json"):
        assert render(derive_budget(back), fmt) == render(derive_budget(ledger), fmt)


# -- cells -------------------------------------------------------------------------------------

def test_budget_errors_name_the_cell(budget_book: Path, tmp_path: Path) -> None:
    cases = [
        (("支出", f"{AMOUNT}4", 1.005), f"支出!{AMOUNT}4 (金额（元）): number 1.005 is not a whole number of 分"),
        (("支出", f"{SOURCE}4", "一般公共预算财政拨款"), f"支出!{SOURCE}4 (资金来源): '一般公共预算财政拨款' is not one of 一般公共预算拨款"),
        (("支出", f"{CARRIED}6", "也许"), f"支出!{CARRIED}6 (上年结转): '也许' is not 是 or 否"),
        (("支出", "B7", "2014098"), "支出!B7"),
        (("支出", f"{PROJECT}3", "某项目"), "支出!A3: project '某项目' on a 基本支出 allocation"),
        (("上年数", "C3", -1), "上年数!C3"),
        (("基本信息", "C4", 1999), "1999"),
    ]
    for (sheet, ref, value), expected in cases:
        message = _error(_edit(budget_book, tmp_path / "m.xlsx", _set(sheet, ref, value)))
        assert expected in message, (ref, message)


def test_a_rule_over_a_whole_record_names_its_cells(budget_book: Path, tmp_path: Path) -> None:
    # 小微企业 (C6) above 中小企业 (0): the rule spans the 政府采购 record; its cells are named.
    message = _error(_edit(budget_book, tmp_path / "m.xlsx", _set("政府采购", "C6", 100)))
    assert "政府采购!C2, 政府采购!C3" in message and "小微企业 exceeds 中小企业" in message


def test_carried_over_is_read_as_a_flag(budget_book: Path, tmp_path: Path) -> None:
    path = _edit(budget_book, tmp_path / "m.xlsx", _set("支出", f"{CARRIED}5", "是"))
    assert read_workbook(path).allocations[2].carried_over is True
    path = _edit(budget_book, tmp_path / "n.xlsx", _set("支出", f"{CARRIED}5", True))
    assert read_workbook(path).allocations[2].carried_over is True
    path = _edit(budget_book, tmp_path / "o.xlsx", _set("支出", f"{CARRIED}5", "否"))
    assert read_workbook(path) == example_budget_ledger()


def test_each_family_is_read_as_itself(budget_book: Path, final_book: Path) -> None:
    assert workbook_family(final_book) == "final"  # it has the 部门预算 sheet names too, and more
    assert read_workbook(final_book) == example_ledger()
    with pytest.raises(FormatError, match=r"a 部门预算填报 workbook .*not 部门决算填报"):
        load_ledger(budget_book)


# -- 政府预算经济分类 (GOV_BGT_ECO_CODE) ------------------------------------------------------------

def test_a_government_code_that_follows_from_the_economic_one_is_read(budget_book: Path, tmp_path: Path) -> None:
    # Row 3 is 30101 基本工资: 50101 (机关) or 50501 (事业单位), both allowed; then dropped.
    for code in ("50101", "50501", 50101):
        path = _edit(budget_book, tmp_path / "m.xlsx", _set("支出", f"{GOV}3", code))
        assert read_workbook(path) == example_budget_ledger()


def test_a_government_code_that_does_not_follow_is_refused(budget_book: Path, tmp_path: Path) -> None:
    path = _edit(budget_book, tmp_path / "m.xlsx", _set("支出", f"{GOV}3", "50201"))
    message = _error(path)
    assert (f"支出!{GOV}3 (政府预算经济分类科目): 50201 does not follow from 部门预算经济分类 30101 (支出!{ECO}3); "
            "expected 50101 (机关) or 50501 (事业单位)") in message


def test_a_government_code_without_a_mapping_is_refused(budget_book: Path, tmp_path: Path) -> None:
    # 31206 is in the 2026 部门预算经济分类 but the shipped mapping has no row for it.
    from govbudget.classification import economic_mapping

    assert "31206" in catalog("economic-department", 2026) and not economic_mapping("31206")

    def change(wb) -> None:  # type: ignore[no-untyped-def]
        wb["支出"][f"{ECO}3"] = "31206"
        wb["支出"][f"{GOV}3"] = "50101"

    message = _error(_edit(budget_book, tmp_path / "m.xlsx", change))
    assert f"支出!{GOV}3" in message and "gives no 政府预算经济分类 for 部门预算经济分类 31206" in message


def test_the_government_column_may_be_left_out(budget_book: Path, tmp_path: Path) -> None:
    # A workbook written before the column existed (or with it deleted) reads the same.
    path = _edit(budget_book, tmp_path / "m.xlsx", lambda wb: wb["支出"].delete_cols(6, 2))
    assert read_workbook(path) == example_budget_ledger()


def test_the_final_workbook_checks_the_government_code_too(final_book: Path, tmp_path: Path) -> None:
    # 部门决算 支出 row 3: 2010301 × 30101 (as in the seed).
    assert openpyxl.load_workbook(final_book)["支出"]["D3"].value == "30101"
    ok = _edit(final_book, tmp_path / "ok.xlsx", _set("支出", "F3", "50501"))
    assert read_workbook(ok) == example_ledger()
    bad = _edit(final_book, tmp_path / "bad.xlsx", _set("支出", "F3", "50299"))
    assert "支出!F3 (政府预算经济分类科目): 50299 does not follow from 部门预算经济分类 30101" in _error(bad)


def test_amount_cells_are_yuan_with_two_decimals(budget_book: Path) -> None:
    ws = openpyxl.load_workbook(budget_book)["支出"]
    assert ws[f"{AMOUNT}3"].value == 3748620 and ws[f"{AMOUNT}3"].number_format == YUAN_FORMAT
    assert example_budget_ledger().allocations[0].amount == Decimal("3748620.00")


def test_template_of_the_budget_is_not_a_ledger_until_filled(tmp_path: Path) -> None:
    path = tmp_path / "blank.xlsx"
    write_template(path, family="budget", edition=2026)
    assert "department is not filled in" in _error(path)
