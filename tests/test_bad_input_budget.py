"""Issue #13 for the 部门预算 family: ``govbudget validate`` (and ``check``) of a budget ledger
report its impossible states as findings, like a 决算 ledger's — facts stated twice, metadata,
prior-year figures that contradict each other, 机关运行经费 without any 一般公共预算 allocation,
and missing facts — and the embedded example (广州市信访局 2026) validates clean.

A budget has no negative derived cell and no spending without income by construction: its
allocations are non-negative (refused on input) and each source's income is the sum of the
allocations it funds.  Both are tested as such.
"""

from __future__ import annotations

import contextlib
import io
import json

import attrs
import pytest

from govbudget.budget.io import budget_ledger_to_json, example_budget_ledger
from govbudget.budget.ledger import Allocation, BudgetLedger, BudgetSource
from govbudget.budget.tables import derive as derive_budget
from govbudget.cli import main
from govbudget.errors import ArgumentError, GovBudgetError
from govbudget.ledger import BudgetUnit, FunctionAmount, Nature
from govbudget.readers import read
from govbudget.rules import check
from govbudget.validate import budget_ledger_findings


@pytest.fixture(scope="module")
def example():
    return example_budget_ledger()


def _cli(*argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        status = main(list(argv), out=out)
    return status, out.getvalue(), err.getvalue()


def _file(tmp_path, ledger, name="b.json"):
    p = tmp_path / name
    p.write_text(budget_ledger_to_json(ledger), encoding="utf-8")
    return str(p)


def _rules(ledger):
    return {(f.rule, f.severity.value, f.location.key) for f in budget_ledger_findings(ledger)}


def test_the_budget_example_validates_clean(tmp_path, example):
    assert budget_ledger_findings(example) == ()
    assert _cli("validate", "--example", "budget")[:2] == (0, "<example:budget>: 0 errors, 0 warnings\n")
    status, out, _ = _cli("validate", _file(tmp_path, example))
    assert status == 0 and out.endswith("0 errors, 0 warnings\n")


def test_a_budget_ledger_is_no_longer_refused_by_validate(tmp_path, example):
    status, _, err = _cli("validate", _file(tmp_path, example))
    assert "部门预算 ledger" not in err and status == 0


@pytest.mark.parametrize(("change", "finding"), [
    (lambda lg: attrs.evolve(lg, units=(*lg.units, lg.units[0])),
     ("ledger.duplicate", "error", "units (gzxf)")),
    (lambda lg: attrs.evolve(lg, reasons=(*lg.reasons, lg.reasons[0])),
     ("ledger.duplicate", "error", f"reasons ({example_budget_ledger().reasons[0][0]})")),
    (lambda lg: attrs.evolve(lg, prior=attrs.evolve(lg.prior, general_public_by_function=(
        FunctionAmount("2014001", 100), FunctionAmount("2014001", 200)))),
     ("ledger.duplicate", "error", "prior.general_public_by_function (2014001)")),
    (lambda lg: attrs.evolve(lg, department="  "), ("ledger.metadata", "error", "department")),
    (lambda lg: attrs.evolve(lg, edition=2024), ("ledger.metadata", "warning", "edition")),
    (lambda lg: attrs.evolve(lg, prior=attrs.evolve(lg.prior, basis="上年决算数")),
     ("ledger.metadata", "warning", "prior.basis")),
    # 上年财政拨款 more than the 上年收支总计 it is part of (36,580,060.00 元)
    (lambda lg: attrs.evolve(lg, prior=attrs.evolve(lg.prior, fiscal_total=36_580_060_01)),
     ("ledger.counts", "error", "prior.fiscal_total")),
    (lambda lg: attrs.evolve(lg, prior=attrs.evolve(lg.prior, general_public=100, fiscal_total=50)),
     ("ledger.counts", "error", "prior.general_public")),
    # the prior 三公 (58,000.00 元) beyond a prior 一般公共预算 of 100.00 元
    (lambda lg: attrs.evolve(lg, prior=attrs.evolve(lg.prior, general_public=10000)),
     ("ledger.counts", "error", "prior.three_public")),
    (lambda lg: attrs.evolve(lg, allocations=tuple(a for a in lg.allocations
                                                   if a.source is not BudgetSource.GENERAL_PUBLIC_BUDGET)),
     ("ledger.spending_without_income", "error", "office_operating")),
    (lambda lg: attrs.evolve(lg, office_operating=None), ("ledger.missing", "warning", "office_operating")),
    (lambda lg: attrs.evolve(lg, procurement=None), ("ledger.missing", "warning", "procurement")),
    (lambda lg: attrs.evolve(lg, prior=attrs.evolve(lg.prior, total=None)), ("ledger.missing", "warning", "prior.total")),
    (lambda lg: attrs.evolve(lg, prior=attrs.evolve(lg.prior, three_public=None)),
     ("ledger.missing", "warning", "prior.three_public")),
])
def test_impossible_and_missing_budget_facts_are_findings(tmp_path, example, change, finding):
    ledger = change(example)
    assert finding in _rules(ledger)
    status, out, _ = _cli("validate", _file(tmp_path, ledger))
    assert status == (1 if finding[1] == "error" else 0)
    assert finding[0] in out
    # check of the ledger file reports the same finding
    assert finding[0] in {f.rule for f in read(_file(tmp_path, ledger, "c.json")).reader_findings}


def test_a_fact_that_cannot_be_placed_is_invalid(example):
    bad = Allocation("2010388", "30101", Nature.BASIC, BudgetSource.GENERAL_PUBLIC_BUDGET, 100, unit="gzxf")
    ledger = attrs.evolve(example, allocations=(*example.allocations, bad))
    rules = {f.rule for f in budget_ledger_findings(ledger)}
    assert rules == {"ledger.invalid"}


def test_metadata_is_typed_on_construction_and_loading(tmp_path, example):
    for field, value in (("fiscal_year", 1), ("edition", 3000), ("department", None), ("fiscal_year", "2026")):
        with pytest.raises(GovBudgetError, match=field):
            attrs.evolve(example, **{field: value})
        data = json.loads(budget_ledger_to_json(example))
        data[field] = value
        p = tmp_path / "m.json"
        p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        status, _, err = _cli("validate", str(p))
        assert status == 2 and field in err and "Traceback" not in err


def test_no_negative_cell_and_no_spending_without_income_by_construction(example):
    with pytest.raises(GovBudgetError):
        Allocation("2014001", "30101", Nature.BASIC, BudgetSource.GENERAL_PUBLIC_BUDGET, -1)
    d = derive_budget(example)
    t01 = d.table("01")
    # income = the allocations each source funds, so the budget balances
    assert t01.cell("income_grand_total", "amount") == t01.cell("expenditure_grand_total", "amount")
    assert all(v >= 0 for t in d.tables.values() for r in t.rows for v in r.values)


def test_budget_ledger_findings_checks_its_argument(example):
    with pytest.raises(ArgumentError):
        budget_ledger_findings(None)  # type: ignore[arg-type]
    with pytest.raises(ArgumentError):
        budget_ledger_findings(object())  # type: ignore[arg-type]


def test_check_of_a_budget_ledger_json(tmp_path, example):
    status, out, _ = _cli("check", _file(tmp_path, example))
    assert status == 0 and "0 errors" in out
    bad = attrs.evolve(example, units=(*example.units, BudgetUnit(example.units[0].id, "另一单位")))
    status, out, _ = _cli("check", _file(tmp_path, bad))
    assert status == 1 and "ledger.duplicate" in out
    assert check(read(_file(tmp_path, bad))).errors
    assert isinstance(example, BudgetLedger)
