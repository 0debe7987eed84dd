"""Issue #13, "seven ways to a Python traceback" and "unchecked input": bounded JSON (depth and
integer size limited before parsing), errors with their JSON path, strict disclosure JSON
whose printed cells are checked against the exact values, and the CLI's exit status 2."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal as D

import pytest

from govbudget.cli import main
from govbudget.errors import FormatError, GovBudgetError, LimitError
from govbudget.io import Limits, example_ledger, ledger_from_json, ledger_to_json, load_json
from govbudget.readers import read_json
from govbudget.render import disclosure_from_json, to_json
from govbudget.tables import derive


@pytest.fixture(scope="module")
def ledger_json():
    return ledger_to_json(example_ledger())


@pytest.fixture(scope="module")
def disclosure_data():
    return json.loads(to_json(derive(example_ledger())))


def _cli(*argv):
    err = io.StringIO()
    import contextlib

    with contextlib.redirect_stderr(err):
        status = main(list(argv), out=io.StringIO())
    return status, err.getvalue()


def _file(tmp_path, text, name="x.json"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return str(p)


@pytest.mark.parametrize(("text", "message"), [
    ('{"department": "x", "fiscal_year": ' + "9" * 10_000 + "}", r"line 1: JSON number with more than 18 digits"),
    ("[" * 100_000 + "]" * 100_000, r"nested deeper than 64"),
    ('{"a":' * 5_000 + "1" + "}" * 5_000, r"nested deeper than 64"),
    ("[1, 2]", r"\$: a ledger is a JSON object, not an array"),
    ('"ledger"', r"\$: a ledger is a JSON object, not a string"),
    ("null", r"not null"),
    ("", r"line 1 column 1"),
])
def test_hostile_json_gives_a_clear_error_and_exit_2(tmp_path, text, message):
    with pytest.raises(FormatError, match=message):
        ledger_from_json(text, source="x.json")
    path = _file(tmp_path, text)
    for command in (["report", path], ["validate", path], ["check", path]):
        status, err = _cli(*command)
        assert status == 2, (command, err)
        assert "Traceback" not in err and "x.json" in err


def test_limits_are_configurable():
    with pytest.raises(LimitError, match="deeper than 2"):
        load_json('{"a": {"b": {"c": 1}}}', limits=Limits(max_json_depth=2))
    assert load_json('{"a": {"b": 1}}', limits=Limits(max_json_depth=2)) == {"a": {"b": 1}}
    with pytest.raises(LimitError, match="larger than the limit"):
        load_json("[1]" + " " * 100, limits=Limits(max_bytes=50))
    # brackets and digits inside strings do not count
    assert load_json('{"a": "[[[[' + "9" * 40 + '"}', limits=Limits(max_json_depth=1)) == {"a": "[[[[" + "9" * 40}


@pytest.mark.parametrize(("number", "path"), [("1.5", "$.expenditure[2].amount"), ("1e400", "$.expenditure[2].amount"),
                                              ("NaN", "$.expenditure[2].amount"), ("-Infinity", "$.expenditure[2].amount")])
def test_float_errors_name_the_json_path(ledger_json, number, path):
    data = json.loads(ledger_json)
    data["expenditure"][2]["amount"] = "@@"
    text = json.dumps(data, ensure_ascii=False).replace('"@@"', number)
    with pytest.raises(FormatError, match=re.escape(f"x.json: {path}: number {number} is not allowed")):
        ledger_from_json(text, source="x.json")


def test_non_string_schema(tmp_path, disclosure_data):
    data = dict(disclosure_data, schema=1)
    with pytest.raises(FormatError, match=r"schema"):
        read_json(json.dumps(data), source="d.json")
    assert _cli("check", _file(tmp_path, json.dumps(data)))[0] == 2


def _mutated(data, mutate):
    copy = json.loads(json.dumps(data))
    mutate(copy)
    return json.dumps(copy, ensure_ascii=False)


def _row(data, tid, key):
    table = next(t for t in data["tables"] if t["id"] == tid)
    return next(r for r in table["rows"] if r["key"] == key)


def test_a_disclosure_json_reads_back_exactly(disclosure_data):
    assert disclosure_from_json(json.dumps(disclosure_data, ensure_ascii=False)) == derive(example_ledger())


def _drop_exact(d, tid="03"):
    cells = _row(d, tid, "201")["exact"]
    del cells[next(iter(cells))]


def _printed(value):
    def mutate(d):
        cells = _row(d, "01", "201")["cells"]
        cells[next(iter(cells))] = value
    return mutate


@pytest.mark.parametrize(("mutate", "message"), [
    (_drop_exact, r"公开03表 row \d+ \(201\)\.exact: columns"),
    (lambda d: _drop_exact(d, "01"), r"公开01表 row \d+ \(201\)\.exact: columns \[\]"),
    (_printed("780.28"), r"公开01表 row \d+ \(201\) \[.*\]: printed cell '780.28' does not match the exact value"),
    (_printed("NaN"), r"printed cell 'NaN' does not match"),
    (_printed(780.27), r"\$\.tables\[0\]\.rows\[\d+\]\.cells\.金额: number 780.27 is not allowed"),
    (_printed(["780.27"]), r"printed cell \['780.27'\] does not match"),
    (lambda d: d["tables"].append(d["tables"][0]), r"table 01 given twice"),
    (lambda d: d.update(fiscal_year=1), r"\$\.fiscal_year: year 1 is out of range"),
    (lambda d: d.update(unit="美元"), r"\$\.unit: '美元'; a disclosure is printed in 万元"),
    (lambda d: d.update(extra=1), r"\$: unknown key\(s\) extra"),
    (lambda d: _row(d, "01", "201").update(colour="red"), r"unknown key\(s\) colour"),
    (lambda d: d["tables"][0].update(source_unit="美元"), r"source_unit: '美元'"),
])
def test_a_disclosure_json_is_checked_strictly(tmp_path, disclosure_data, mutate, message):
    text = _mutated(disclosure_data, mutate)
    with pytest.raises(FormatError, match=message):
        disclosure_from_json(text, source="d.json")
    status, err = _cli("check", _file(tmp_path, text))
    assert status == 2 and "Traceback" not in err


def test_public_entry_points_refuse_wrong_types():
    from govbudget.narrative import build
    from govbudget.rules import check

    for call in (lambda: derive(None), lambda: build(None), lambda: check(None), lambda: load_json(b"{}")):
        with pytest.raises(GovBudgetError):
            call()


def test_an_amount_with_100000_decimal_places_is_refused_with_its_path(ledger_json):
    # Found by the thorough fuzz run: it passed the reader and made derive raise decimal.Inexact.
    data = json.loads(ledger_json)
    data["expenditure"][22]["amount"] = "300." + "9" * 100_000
    with pytest.raises(FormatError, match=r"more than 60 decimal places @ \$\.expenditure\[22\]\.amount"):
        ledger_from_json(json.dumps(data), source="x.json")


def test_an_api_amount_too_long_to_add_exactly_is_an_amount_error():
    from decimal import Decimal

    from govbudget.errors import AmountError
    from govbudget.ledger import IncomeLine, IncomeSource, Ledger

    ledger = Ledger("x", 2023, 2024, income=(IncomeLine(IncomeSource.OTHER, "2010301", Decimal("1." + "9" * 500)),))
    with pytest.raises(AmountError, match=r"income\[0\]: amount .* cannot be added exactly"):
        derive(ledger)


@pytest.mark.parametrize("value", ["780.28", "780.270", "NaN", "", None, ["780.27"], {"x": 1}])
def test_printed_cells_are_checked_once_with_the_same_error_on_both_paths(disclosure_data, value):
    # One check (govbudget.validate.check_disclosure_data, against render.printed): called on
    # its own or through the converter, the same message — the converter adds only the source.
    from govbudget.validate import check_disclosure_data

    data = json.loads(_mutated(disclosure_data, _printed(value)))
    with pytest.raises(FormatError) as direct:
        check_disclosure_data(data, "d.json")
    with pytest.raises(FormatError) as converted:
        disclosure_from_json(json.dumps(data, ensure_ascii=False), source="d.json")
    assert str(converted.value) == str(direct.value)
    assert "公开01表" in str(direct.value) and "printed cell" in str(direct.value)


def test_the_printed_figure_is_the_one_render_prints(disclosure_data):
    from govbudget.money import Unit
    from govbudget.render import printed

    assert _row(disclosure_data, "01", "201")["cells"]["金额"] == printed(D("7802745.00"), Unit.YUAN) == "780.27"
    assert printed(D("5.005"), Unit.WAN) == "5.01" and printed(D("49.99"), Unit.YUAN) == "0.00"
