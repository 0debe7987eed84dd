"""Issue #13, "full-width codes corrupt the tables, silently": one normaliser at every
boundary (ledger JSON, ledger CSV, API constructors), or a refusal naming file, line and field.

Expected figures are the seed's, as printed (万元): 公开01 201 一般公共服务支出 780.27, 公开06
人员经费合计 541.23 (../shared/seeds/000_3c03cca8885159e0.txt).
"""

from __future__ import annotations

import re
from decimal import Decimal as D

import pytest

from govbudget.errors import GovBudgetError
from govbudget.io import derive_csv, example_ledger, ledger_to_csv, ledger_to_json, load_ledger
from govbudget.ledger import (
    BudgetLine,
    ExpenditureLine,
    FunctionAmount,
    IncomeLine,
    IncomeSource,
    Nature,
)
from govbudget.money import display
from govbudget.rules import check
from govbudget.tables import derive

FULL = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.fixture(scope="module")
def example():
    return example_ledger()


@pytest.fixture(scope="module")
def reference(example):
    return derive(example)


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize("spelling", [
    lambda c: c.translate(FULL),  # ２０１０３０１
    lambda c: f"{c[:3]} {c[3:5]} {c[5:]}".strip(),  # 201 03 01
    lambda c: f"{c[:3]}-{c[3:5]}-{c[5:]}".strip("-"),  # 201-03-01
], ids=["full-width", "spaces", "dashes"])
def test_lenient_function_codes_in_a_json_ledger_derive_the_same_tables(tmp_path, example, reference, spelling):
    text = re.sub(r'"function": "(\d{7})"', lambda m: f'"function": "{spelling(m.group(1))}"', ledger_to_json(example))
    assert "2010301" not in text  # every code is spelled leniently
    ledger = load_ledger(_write(tmp_path, "l.json", text))
    d = derive(ledger)
    assert d == reference
    # no second row for one subject: 公开01 has one 201 row, at the seed's 780.27
    rows_201 = [r for r in d.table("01").rows if r.code == "201"]
    assert len(rows_201) == 1 and display(rows_201[0].values[0]) == D("780.27")
    assert check(ledger).errors == ()


def test_full_width_economic_code_keeps_personnel_in_its_panel(tmp_path, example):
    text = ledger_to_json(example).replace('"economic": "30101"', '"economic": "３０１０１"')
    assert "３０１０１" in text
    d = derive(load_ledger(_write(tmp_path, "l.json", text)))
    assert display(d.table("06").cell("personnel_total", "amount")) == D("541.23")
    assert [r.side for r in d.table("06").rows if r.code == "30101"] == ["personnel"]


def test_lenient_codes_in_a_csv_ledger(tmp_path, example, reference):
    text = ledger_to_csv(example).replace(",2010301,", ",２０１ ０３ ０１,").replace(",30101,", ",301-01,")
    assert ",2010301," not in text and ",30101," not in text
    p = _write(tmp_path, "l.csv", text)
    assert derive(load_ledger(p)) == reference
    assert derive_csv(p) == reference


def test_constructors_normalise_codes():
    gpb = IncomeSource.GENERAL_PUBLIC_BUDGET
    assert IncomeLine(gpb, "２０１０３０１", D(1)).function == "2010301"
    e = ExpenditureLine("201 03 01", "３０１０１", Nature.BASIC, gpb, D(1))
    assert (e.function, e.economic) == ("2010301", "30101")
    assert FunctionAmount("201-03-01", D(1)).function == "2010301"
    assert BudgetLine("２０１０３０１", D(1)).function == "2010301"
    # equal facts, equal values: the same subject never becomes two
    assert IncomeLine(gpb, "２０１０３０１", D(1)) == IncomeLine(gpb, "2010301", D(1))


@pytest.mark.parametrize("bad", ["201 0", "20103011", "abc", ""])
def test_malformed_code_in_a_csv_ledger_names_file_line_and_field(tmp_path, example, bad):
    lines = ledger_to_csv(example).splitlines()
    at = next(i for i, ln in enumerate(lines) if ln.startswith("expenditure,"))
    fields = lines[at].split(",")
    fields[3] = bad
    lines[at] = ",".join(fields)
    p = _write(tmp_path, "bad.csv", "\n".join(lines) + "\n")
    for loader in (load_ledger, derive_csv):
        with pytest.raises(GovBudgetError, match=rf"bad\.csv:{at + 1}: field function: "):
            loader(p)


def test_malformed_code_in_a_json_ledger_names_the_path(tmp_path, example):
    text = ledger_to_json(example).replace('"function": "2010301"', '"function": "201 0"', 1)
    with pytest.raises(GovBudgetError, match=r"l\.json: function: code .201 0. has 4 digits.* @ \$\.income\[0\]"):
        load_ledger(_write(tmp_path, "l.json", text))


def test_full_width_codes_in_a_published_text_read_as_the_same_rows():
    from govbudget.io import example_published_text
    from govbudget.readers import read_text

    text = example_published_text()
    lenient = "\n".join(
        re.sub(r"^(\s*)(\d{7}|\d{5}|\d{3})(\s)", lambda m: m.group(1) + m.group(2).translate(FULL) + m.group(3), line)
        for line in text.split("\n"))
    assert lenient.count("２０１") > 5
    assert read_text(lenient).tables == read_text(text).tables
