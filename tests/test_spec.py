"""The declared family specs: lookups, matching of printed text, and the 行次 the seed prints."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govbudget.classification import Level, catalog
from govbudget.errors import GovBudgetError
from govbudget.spec import SUBJECTS, CellRef, family, family_ids, normalise, normalise_label, terms


def _class_count() -> int:
    fam = family("final")
    rows = fam.table("01").subjects
    assert rows is not None
    cat = catalog(rows.scheme, fam.template_edition)
    return sum(1 for s in cat if s.level is Level.CLASS and s.code not in rows.omit)


def test_final_family_declares_the_nine_tables_in_printed_order() -> None:
    fam = family("final")
    assert "final" in family_ids()
    assert fam.name == "部门决算" and fam.template_year == 2023
    assert fam.table_ids == ("01", "02", "03", "04", "05", "06", "07", "08", "09")
    assert fam.table("公开05表").title == "一般公共预算财政拨款支出决算表"
    assert family("final") is fam  # built once


def test_unknown_family_and_table_are_clear_errors() -> None:
    with pytest.raises(GovBudgetError, match="no disclosure family"):
        family("nope")
    with pytest.raises(GovBudgetError, match="no table"):
        family("final").table("10")


def test_template_edition_prints_the_seeds_26_class_rows() -> None:
    # The seed's 公开01 numbers the 类 rows 32–57: 26 of them.
    assert _class_count() == 26


def test_lines_of_table_01_are_the_seeds() -> None:
    # Seed: income 1–31 (本年收入合计 27 … 总计 31), expenditure 32–62 (类 32–57, 本年支出合计 58, 总计 62).
    lines = family("final").table("01").lines(_class_count())
    assert lines[("income", "general_public_budget")] == 1
    assert lines[("income", "other")] == 8
    assert lines[("income", "pad#0")] == 9
    assert lines[("income", "income_total")] == 27
    assert lines[("income", "opening_balance")] == 29
    assert lines[("income", "income_grand_total")] == 31
    assert lines[("expenditure", "#0")] == 32
    assert lines[("expenditure", "#25")] == 57
    assert lines[("expenditure", "expenditure_total")] == 58
    assert lines[("expenditure", "expenditure_grand_total")] == 62


def test_lines_of_table_04_are_the_seeds() -> None:
    # Seed 公开04: 本年收入合计 27, 年初财政拨款结转和结余 28, sub-rows 29–31, 总计 32; 类 33–58, 总计 64.
    lines = family("final").table("04").lines(_class_count())
    assert lines[("income", "income_total")] == 27
    assert lines[("income", "opening_fiscal")] == 28
    assert lines[("income", "opening_state_capital")] == 31
    assert lines[("income", "income_grand_total")] == 32
    assert lines[("expenditure", "#0")] == 33
    assert lines[("expenditure", "expenditure_total")] == 59
    assert lines[("expenditure", "closing_fiscal")] == 60
    assert lines[("expenditure", "expenditure_grand_total")] == 64


def test_unnumbered_tables_have_no_lines() -> None:
    assert family("final").table("05").lines(26) == {}


@pytest.mark.parametrize(("printed", "table_id"), [
    ("收入支出决算总表", "01"),
    ("一、收入支出决算总表", "01"),
    ("六、一般公共预算财政拨款基本支出决算表", "06"),  # Shanghai 2024
    ("一般公共预算财政拨款基本支出决算明细表", "06"),
    ("国有资本经营预算财政拨款收入支出决算表", "08"),  # Shanghai 2024
    ('财政拨款"三公"经费支出决算表', "09"),
    ("财政拨款 “三公” 经费支出决算表", "09"),
    ("七、一般公共预算财政拨款“三公”经费支出决算表", "09"),  # Foshan 2019
])
def test_printed_titles_match_their_table(printed: str, table_id: str) -> None:
    found = family("final").match_title(printed)
    assert found is not None and found.id == table_id


def test_a_title_of_another_table_does_not_match() -> None:
    assert family("final").match_title("部门收支总表") is None
    assert not family("final").table("01").matches_title("财政拨款收入支出决算总表")


def test_normalisation_folds_width_spaces_quotes_and_brackets() -> None:
    assert normalise("因公出国 （境）费") == "因公出国(境)费"
    assert normalise("公开 05 表") == "公开05表"
    assert normalise("３，８８１．８４") == "3,881.84"
    assert normalise_label("二十六、抗疫特别国债安排的支出") == "抗疫特别国债安排的支出"
    assert normalise_label("（一）一般公共预算财政拨款") == "一般公共预算财政拨款"


def test_rows_and_columns_match_their_variants() -> None:
    t01 = family("final").table("01")
    row = t01.match_row("使用非财政拨款结余（含专用结余）", side="income")
    assert row is not None and row.key == "use_of_non_fiscal_balance"
    assert t01.match_row("一、一般公共预算财政拨款收入", side="income") is t01.row("general_public_budget")
    assert t01.match_row("总计", side="expenditure") is t01.row("expenditure_grand_total")
    t04 = family("final").table("04")
    # Under 年初财政拨款结转和结余 the same label names the sub-row, not the income row.
    assert t04.match_row("一般公共预算财政拨款", parent="opening_fiscal") is t04.row("opening_general_public_budget")
    assert t04.match_row("一、一般公共预算财政拨款") is t04.row("general_public_budget")
    t09 = family("final").table("09")
    assert [c.number for c in t09.columns] == list(range(1, 13))
    assert t09.match_column("因公出国 (境)费") is t09.column("budget_abroad")
    assert t09.column("actual_total").group == "决算数"
    assert family("final").table("07").match_column("小计") is family("final").table("07").column("expenditure")


def test_blank_rows_match_nothing() -> None:
    t01 = family("final").table("01")
    assert t01.row("income_blank").is_blank
    assert t01.match_row("", side="income") is None


def test_panels_of_table_06() -> None:
    t06 = family("final").table("06")
    assert t06.sides == ("personnel", "public")
    assert [getattr(t06.panel_of(c), "key", None) for c in ("301", "303", "302", "307", "312")] == [
        "personnel", "personnel", "public", "public", "public"]  # 312: any other 类 is 公用经费


def test_cells_are_named_through_the_spec() -> None:
    fam = family("final")
    assert fam.cell("01", "income_total", "amount") == CellRef("01", "income_total", "amount")
    assert fam.cell("04", "expenditure_total", "state_capital").column == "state_capital"
    assert fam.cell("05", "2010301", "basic").row == "2010301"
    with pytest.raises(GovBudgetError, match="no row"):
        fam.cell("01", "income_totl", "amount")
    with pytest.raises(GovBudgetError, match="no column"):
        fam.cell("04", "income_total", "state_capital")  # the income side has one column
    with pytest.raises(GovBudgetError, match="no column"):
        fam.cell("05", "total", "amount")


def test_declared_identities_name_existing_cells() -> None:
    fam = family("final")
    identities = [*fam.identities, *(i for t in fam.tables for i in t.identities)]
    assert identities
    for identity in identities:
        for ref in (identity.left, *identity.right):
            assert fam.cell(ref.table, ref.row, ref.column).table == ref.table


def test_declared_sums_name_existing_rows_and_columns() -> None:
    for t in family("final").tables:
        for c in t.columns:
            for _, key in terms(c.sum_of):
                t.column(key, c.side or None)
        for r in t.rows:
            for _, key in terms(r.sum_of):
                if key != SUBJECTS:
                    assert t.row(key).side == r.side


# -- invariants ------------------------------------------------------------------------------------------
@given(st.text())
def test_normalisation_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    assert not any(ch.isspace() for ch in once)


@given(st.sampled_from(["01", "04"]), st.integers(min_value=0, max_value=60))
def test_lines_number_every_printed_row_once_and_the_foot_rows_face_each_other(table_id: str, n: int) -> None:
    t = family("final").table(table_id)
    lines = t.lines(n)
    numbers = sorted(lines.values())
    assert numbers == list(range(1, len(numbers) + 1))  # consecutive, none twice
    income, expenditure = t.rows_for("income", "foot"), t.rows_for("expenditure", "foot")
    assert len(income) == len(expenditure)
    head = len(t.rows_for("income", "head"))
    # Both sides are as long as the longer of the head and the subject rows, plus the foot.
    side = max(n, head) + len(income)
    assert len(numbers) == 2 * side
    for a, b in zip(income, expenditure, strict=True):
        assert lines[("expenditure", b.key)] - lines[("income", a.key)] == side
