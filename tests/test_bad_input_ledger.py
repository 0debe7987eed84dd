"""Issue #13, "impossible results pass as clean" and "missing facts become published zeros":
impossible ledgers are findings of validate and check; a missing fact is missing (〔待补充〕,
never 0.00 or 0 辆); metadata is typed; a CSV ledger carries every fact a JSON ledger can.

The forgotten income line is the seed's first income line (551.64 万元, 一般公共预算财政拨款 to
2010301), so 年末结转和结余 becomes −551.64 万元: worked out from the seed, whose closing balance
is 0.00.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal as D

import attrs
import pytest

from govbudget.cli import main
from govbudget.errors import GovBudgetError
from govbudget.io import (
    example_ledger,
    ledger_from_json,
    ledger_to_csv,
    ledger_to_json,
    load_ledger,
)
from govbudget.ledger import IncomeSource, Ledger, ThreePublicExpenses
from govbudget.money import display
from govbudget.narrative import PLACEHOLDER, build, to_text
from govbudget.rules import check
from govbudget.validate import ledger_findings


@pytest.fixture(scope="module")
def example():
    return example_ledger()


def _forgotten(example):
    first = example.income[0]
    assert (first.source, display(first.amount)) == (IncomeSource.GENERAL_PUBLIC_BUDGET, D("551.64"))
    return attrs.evolve(example, income=example.income[1:])


def _run(*argv):
    out = io.StringIO()
    return main(list(argv), out=out), out.getvalue()


def test_the_example_is_clean(example):
    assert ledger_findings(example) == ()
    assert _run("validate")[0] == 0


def test_a_forgotten_income_line_is_a_negative_balance(tmp_path, example):
    ledger = _forgotten(example)
    negative = [f for f in ledger_findings(ledger) if f.rule == "ledger.negative"]
    where = {(f.location.table, f.location.row, f.location.column): f.stated for f in negative}
    assert where[("01", "closing_balance", "amount")] == "-551.64"
    assert where[("04", "closing_fiscal", "total")] == "-551.64"
    assert where[("04", "closing_fiscal", "general_public_budget")] == "-551.64"
    assert all(f.severity.value == "error" for f in negative)
    report = check(ledger)
    assert {f.rule for f in report.errors} >= {"ledger.negative"}
    # the CLI: validate and check both say so, with exit status 1
    p = tmp_path / "forgot.json"
    p.write_text(ledger_to_json(ledger), encoding="utf-8")
    status, text = _run("validate", str(p))
    assert status == 1 and "-551.64" in text
    status, text = _run("check", str(p), "--level", "error")
    assert status == 1 and "ledger.negative" in text


def test_spending_without_income(example):
    stray = attrs.evolve(example.expenditure[0], source=IncomeSource.BUSINESS, nature=example.expenditure[0].nature)
    ledger = attrs.evolve(example, expenditure=(*example.expenditure, stray))
    found = [f for f in ledger_findings(ledger) if f.rule == "ledger.spending_without_income"]
    assert len(found) == 1 and "事业收入" in found[0].message_zh
    assert found[0].stated == f"{display(stray.amount):.2f}"


def test_a_duplicated_initial_budget_is_a_finding(example):
    nf = example.narrative
    ledger = attrs.evolve(example, narrative=attrs.evolve(nf, initial_budget=(*nf.initial_budget, nf.initial_budget[0])))
    dup = [f for f in check(ledger).errors if f.rule == "ledger.duplicate"]
    assert len(dup) == 1 and nf.initial_budget[0].function in dup[0].location.key


def test_contradicting_counts_are_findings(example):
    tp = attrs.evolve(ThreePublicExpenses(), groups_abroad=3, people_abroad=2)
    found = [f for f in ledger_findings(attrs.evolve(example, three_public=tp)) if f.rule == "ledger.counts"]
    assert [(f.stated, f.expected) for f in found] == [("2", ">= 3")]


@pytest.mark.parametrize(("path", "value", "message"), [
    (("department",), None, r"expected text, not null None @ \$\.department"),
    (("fiscal_year",), 1, r"fiscal_year: year 1 is out of range"),
    (("fiscal_year",), "2023", r"expected an integer, not a string '2023' @ \$\.fiscal_year"),
    (("three_public", "vehicles_held"), -3, r"vehicles_held: count -3 is out of range"),
    (("narrative", "performance", "projects_with_targets"), True,
     r"expected an integer, not true/false True @ \$\.narrative\.performance\.projects_with_targets"),
])
def test_junk_metadata_is_refused_with_its_path(example, path, value, message):
    data = json.loads(ledger_to_json(example))
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(GovBudgetError, match=message):
        ledger_from_json(json.dumps(data, ensure_ascii=False), source="junk.json")


def test_an_empty_department_is_a_finding(example):
    found = ledger_findings(attrs.evolve(example, department=" "))
    assert [f.rule for f in found] == ["ledger.metadata"]


def test_missing_facts_print_as_missing_never_as_zero(example):
    data = json.loads(ledger_to_json(example))
    for key in ("procurement", "assets"):
        del data["narrative"][key]
    del data["three_public"]
    ledger = ledger_from_json(json.dumps(data, ensure_ascii=False))
    assert ledger.three_public is None and ledger.narrative.procurement is None and ledger.narrative.assets is None
    text = to_text(build(ledger))
    sections = {s.id: "".join(p.text for sec in s.walk() for p in sec.paragraphs) for s in build(ledger).sections}
    for sid in ("九", "十一", "十二"):
        assert PLACEHOLDER in sections[sid]
        assert "0.00" not in sections[sid] and "0 辆" not in sections[sid]
    assert "无差异" not in sections["九"]
    assert "0 辆" not in text
    missing = {f.location.key for f in ledger_findings(ledger) if f.rule == "ledger.missing"}
    assert missing == {"three_public", "narrative.procurement", "narrative.assets"}
    # the example states them (as 0.00): there the figures are printed
    stated = {s.id: "".join(p.text for sec in s.walk() for p in sec.paragraphs) for s in build(example).sections}
    assert PLACEHOLDER not in stated["九"] and "0.00" in stated["九"]


def test_a_csv_ledger_carries_every_fact_of_the_json_ledger(tmp_path, example):
    p = tmp_path / "full.csv"
    p.write_text(ledger_to_csv(example), encoding="utf-8")
    loaded = load_ledger(p)
    assert loaded == example  # units, lines, balances, “三公” and narrative facts
    assert to_text(build(loaded)) == to_text(build(example))


def test_csv_fact_rows_refuse_duplicates_and_unknown_paths(tmp_path, example):
    base = ledger_to_csv(example)
    for extra, message in (
        ("three_public.groups_abroad,,,,,,1\nthree_public.groups_abroad,,,,,,2\n", r"given twice"),
        ("three_public.budget.cars,,,,,,1\n", r"unknown key"),
        ("narrative.assets.large_equipment,,,,,,-1\n", r"large_equipment"),
    ):
        p = tmp_path / "f.csv"
        text = base.replace("three_public.groups_abroad,,,,,,0\n", "") if "groups_abroad" in extra else base
        p.write_text(text + extra, encoding="utf-8")
        with pytest.raises(GovBudgetError, match=message):
            load_ledger(p)


def test_public_functions_check_their_arguments():
    from govbudget.narrative import build as build_text
    from govbudget.tables import derive

    for call in (lambda: derive(None), lambda: build_text(None), lambda: check(None),
                 lambda: derive("ledger.json"), lambda: ledger_findings(None)):
        with pytest.raises(GovBudgetError, match=r"\(\)"):
            call()


def test_ledger_metadata_types_on_construction():
    with pytest.raises(GovBudgetError, match="department"):
        Ledger(None, 2023, 2024)  # type: ignore[arg-type]
    with pytest.raises(GovBudgetError, match="out of range"):
        Ledger("x", 1, 2024)


def test_a_deep_fact_path_in_a_csv_ledger_is_refused(tmp_path, example):
    # Found by the thorough fuzz run: a kind such as narrative.1.1.1… nested dicts until
    # json.dumps hit the recursion limit.
    p = tmp_path / "deep.csv"
    p.write_text(ledger_to_csv(example) + "narrative." + "1." * 5000 + "x,,,,,,1\n", encoding="utf-8")
    with pytest.raises(GovBudgetError, match=r"deep\.csv:\d+: field kind: .* is not a fact path"):
        load_ledger(p)
