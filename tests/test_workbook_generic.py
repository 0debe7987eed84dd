"""The workbook is declared, not coded: a family's ledger type gives its workbook
(derive_spec), so another family (部门预算) plugs in with its own ledger type."""

from __future__ import annotations

import enum
from decimal import Decimal
from pathlib import Path

import attrs
import openpyxl
import pytest

from govbudget.errors import FormatError, LedgerError
from govbudget.io import example_ledger
from govbudget.ledger import Ledger, validate
from govbudget.money import to_decimal
from govbudget.workbook import (
    CODE_SHEET,
    ListSheet,
    RecordSheet,
    derive_spec,
    read_workbook,
    write_ledger,
    write_template,
)


class Kind(enum.Enum):
    BASIC = "基本支出"
    PROJECT = "项目支出"


@attrs.frozen
class Allocation:
    function: str
    kind: Kind
    amount: Decimal = attrs.field(converter=to_decimal)


@attrs.frozen
class Totals:
    last_year: Decimal | None = attrs.field(default=None, converter=attrs.converters.optional(to_decimal))
    staff: int = 0


@attrs.frozen
class MiniBudget:
    """A stand-in for another family's ledger: other fields, other sheets."""

    department: str
    fiscal_year: int
    edition: int
    allocations: tuple[Allocation, ...] = ()
    totals: Totals = Totals()
    notes: tuple[tuple[str, str], ...] = ()


def _validate(ledger: MiniBudget) -> MiniBudget:
    # The family's own rule, reported by list index as the ledgers do.
    for i, a in enumerate(ledger.allocations):
        if a.amount > 1000:
            raise LedgerError(f"allocations[{i}] (amount): {a.amount} is above the ceiling")
    return ledger


SPEC = derive_spec("mini", "测试填报", MiniBudget, _validate,
                   titles={"allocations": "预算安排", "allocations.function": "功能分类科目",
                           "totals": "总计", "notes": "说明"})
MINI = MiniBudget("测试部门", 2026, 2026,
                  (Allocation("2010301", Kind.BASIC, Decimal("100.50")), Allocation("2010350", Kind.PROJECT, Decimal(7))),
                  Totals(Decimal("99.00"), 12), (("total", "原因"),))


def test_sheets_follow_the_ledger_fields() -> None:
    kinds = [(type(s).__name__, s.name) for s in SPEC.sheets]
    assert kinds == [("RecordSheet", "基本信息"), ("ListSheet", "预算安排"), ("RecordSheet", "总计"), ("ListSheet", "说明")]
    alloc = SPEC.sheets[1]
    assert isinstance(alloc, ListSheet)
    assert [(f.name, f.kind, f.choices) for f in alloc.fields] == [
        ("FUNCTION", "function", ()), ("KIND", "choice", ("基本支出", "项目支出")), ("AMOUNT", "amount", ())]


def test_another_family_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "mini.xlsx"
    write_ledger(MINI, path, spec=SPEC)
    assert read_workbook(path, spec=SPEC) == MINI
    wb = openpyxl.load_workbook(path)
    assert wb["预算安排"]["A1"].value == "功能分类科目" and wb["预算安排"]["B3"].value == "行政运行"


def test_another_familys_errors_name_the_cell(tmp_path: Path) -> None:
    path = tmp_path / "mini.xlsx"
    write_ledger(MINI, path, spec=SPEC)
    wb = openpyxl.load_workbook(path)
    wb["预算安排"]["C4"] = "经营支出"
    wb.save(path)
    with pytest.raises(FormatError, match=r"预算安排!C4 .*'经营支出' is not one of 基本支出 / 项目支出"):
        read_workbook(path, spec=SPEC)
    wb["预算安排"]["C4"] = "项目支出"
    wb["预算安排"]["D4"] = 5000
    wb.save(path)
    with pytest.raises(FormatError, match=r"预算安排!D4: 5000.00 is above the ceiling"):
        read_workbook(path, spec=SPEC)
    wb["预算安排"]["D4"] = 7
    wb["总计"]["C3"] = "x"
    wb.save(path)
    with pytest.raises(FormatError, match=r"总计!C3"):
        read_workbook(path, spec=SPEC)


def test_another_familys_template_has_its_drop_downs(tmp_path: Path) -> None:
    path = tmp_path / "blank.xlsx"
    write_template(path, spec=SPEC, edition=2026)
    wb = openpyxl.load_workbook(path)
    formulas = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in wb["预算安排"].data_validations.dataValidation}
    assert set(formulas) == {"A3", "C3"} and all(f.startswith(f"={CODE_SHEET}!") for f in formulas.values())


def test_the_final_ledger_derives_a_workbook_that_round_trips(tmp_path: Path) -> None:
    spec = derive_spec("final", "自动", Ledger, validate)
    assert {s.name for s in spec.sheets if isinstance(s, RecordSheet)} >= {"基本信息", "balances", "three_public"}
    path = tmp_path / "auto.xlsx"
    write_ledger(example_ledger(), path, spec=spec)
    assert read_workbook(path, spec=spec) == example_ledger()
