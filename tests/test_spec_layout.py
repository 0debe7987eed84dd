"""Derivation and rendering follow the family spec and the edition's catalog."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal as D

import pytest

import govbudget.tables as tables_module
from govbudget.classification import Catalog, Level, Scheme, catalog
from govbudget.io import example_ledger
from govbudget.ledger import ExpenditureLine, IncomeLine, IncomeSource, Ledger, Nature
from govbudget.published import Published, Severity
from govbudget.render import disclosure_from_json, render
from govbudget.rules import Rule, check
from govbudget.spec import family
from govbudget.tables import derive


def _without(monkeypatch: pytest.MonkeyPatch, *codes: str) -> None:
    """Make derivation see editions whose catalogs lack ``codes``."""

    def filtered(scheme: Scheme | str = Scheme.FUNCTIONAL, edition: int | str | None = None) -> Catalog:
        real = catalog(scheme, edition)
        return Catalog(real.scheme, real.edition, tuple(s for s in real if s.code not in codes))

    monkeypatch.setattr(tables_module, "catalog", filtered)


def test_an_edition_without_30217_still_derives(monkeypatch: pytest.MonkeyPatch) -> None:
    assert derive(Ledger("x", 2023, 2024)).table("06").get_row("30217") is not None
    _without(monkeypatch, "30217")
    t06 = derive(Ledger("x", 2023, 2024)).table("06")
    assert t06.get_row("30217") is None
    # The rest of the 302 template is printed, from the edition's catalog: the 32 款 of 302
    # in the 2024 catalog, less the five military 款 the layout omits, less 30217.
    assert len([r for r in t06.rows if r.code and r.code.startswith("302") and r.level is Level.SECTION]) == 26


def test_class_rows_and_their_lines_come_from_the_edition(monkeypatch: pytest.MonkeyPatch) -> None:
    _without(monkeypatch, "234")  # an edition without 抗疫特别国债安排的支出
    t01 = derive(Ledger("x", 2023, 2024)).table("01")
    classes = [r for r in t01.rows if r.code]
    assert len(classes) == 25 and classes[-1].code == "232"
    # 25 类 rows: the income side is padded to 25, so its 总计 is line 30, the 类 start at 31.
    assert t01.row("income_grand_total").line == 30
    assert classes[0].line == 31 and classes[0].label == "一、一般公共服务支出"
    assert t01.row("expenditure_grand_total").line == 60


def test_a_class_the_layout_omits_is_printed_when_it_has_money() -> None:
    # 230 转移性支出 is in the 2024 catalog but not among the seed's 26 类 rows.
    lg = Ledger("x", 2023, 2024,
                income=(IncomeLine(IncomeSource.GENERAL_PUBLIC_BUDGET, "2300202", D("10")),),
                expenditure=(ExpenditureLine("2300202", "30201", Nature.BASIC, IncomeSource.GENERAL_PUBLIC_BUDGET,
                                             D("10")),))
    assert "230" in family("final").table("01").subjects.omit  # type: ignore[union-attr]
    t01 = derive(lg).table("01")
    classes = [r.code for r in t01.rows if r.code]
    assert len(classes) == 27 and "230" in classes and t01.cell("230", "amount") == D("10")
    assert check(lg).ok


def test_disclosure_is_generic_and_keyed_by_the_spec() -> None:
    d = derive(example_ledger())
    fam = family("final")
    assert d.family == "final" and d.spec is fam
    assert tuple(d.tables) == fam.table_ids
    for tid, t in d.tables.items():
        assert t.spec is fam.table(tid) and t.title == fam.table(tid).title
        assert t.columns == fam.table(tid).columns
    assert d.table("公开05表") is d.tables["05"]


def test_json_round_trip_keeps_family_and_tables() -> None:
    d = derive(example_ledger())
    again = disclosure_from_json(render(d, "json"))
    assert again.family == "final"
    assert again.tables == d.tables


def test_rendering_follows_the_spec() -> None:
    text = render(derive(example_ledger()), "text", ["06"])
    t06 = family("final").table("06")
    assert t06.title in text and t06.note in text
    for row in t06.rows:
        assert row.label in text  # 人员经费合计, 公用经费合计


def _errors_of(rules: Sequence[Rule], p: Published, rule_id: str) -> int:
    return sum(len([f for f in r.check(p) if f.severity is Severity.ERROR]) for r in rules if r.id == rule_id)


def test_generated_rules_follow_the_declarations() -> None:
    import attrs

    from govbudget.published import from_disclosure, replace_cell
    from govbudget.rules import generated_rules, rule

    fam = family("final")
    p = replace_cell(from_disclosure(derive(example_ledger())), "09", "three_public", "actual_total", D("5"))
    # As declared, 决算数·合计 = 出国 + 车辆 + 接待: the changed total is an error.
    assert _errors_of(generated_rules(fam), p, "final.t09.totals") == 1
    # Declare 决算数·合计 as no sum, and the generated rule no longer asserts it.
    t09 = fam.table("09")
    columns = tuple(attrs.evolve(c, sum_of=()) if c.key == "actual_total" else c for c in t09.columns)
    loose = attrs.evolve(fam, tables=tuple(attrs.evolve(t, columns=columns) if t.id == "09" else t
                                           for t in fam.tables))
    assert _errors_of(generated_rules(loose), p, "final.t09.totals") == 0
    assert rule("t05.row-natures") is rule("final.t05.row-natures")


def test_every_declared_sum_has_its_generated_rule() -> None:
    from govbudget.rules import RULES

    fam = family("final")
    ids = {r.id for r in RULES}
    for t in fam.tables:
        for c in t.columns:
            if c.sum_of:
                assert f"final.t{t.id}.{c.rule or 'row-' + c.key.replace('_', '-')}" in ids
        for row in t.rows:
            if row.sum_of:
                assert f"final.t{t.id}.{row.rule or row.key.replace('_', '-')}" in ids
        for i in t.identities:
            assert f"final.t{t.id}.{i.id}" in ids
    assert {f"final.{i.id}" for i in fam.identities} | {f"final.{lk.id}" for lk in fam.links} <= ids
    assert all(r.id.startswith("final.") for r in RULES)
