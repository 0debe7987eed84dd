"""The converter factory: every JSON form round-trips, and bad input is refused with its path."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govbudget.convert import SCHEMAS, dumps, loads, make_converter, structure, unstructure
from govbudget.errors import FormatError, GovBudgetError
from govbudget.io import example_ledger
from govbudget.narrative import build
from govbudget.published import Finding, Location, Severity
from govbudget.render import disclosure_from_json, to_json
from govbudget.rules import Report, check, reports_from_json
from govbudget.rules import to_json as reports_to_json
from govbudget.tables import derive
from govbudget.text import (
    Adjustment,
    Figure,
    FigureKind,
    Narrative,
    Paragraph,
    Section,
    SectionTopic,
    Sentence,
)

from .strategies import full_ledgers

# -- strategies over the text model and the report (any value, not only generated ones) --------------
# Any finite decimal a report could hold, exponents included (1E+3), of bounded size.
decimals = st.builds(lambda n, e: Decimal(n).scaleb(e), st.integers(-10**12, 10**12), st.integers(-12, 6))
words = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
figures = st.builds(Figure, words, decimals, st.sampled_from(FigureKind), st.none() | decimals, words,
                    st.none() | st.integers(1, 10**6))
name_lists = st.dictionaries(words, st.lists(words, max_size=3).map(tuple), max_size=3).map(
    lambda d: tuple(d.items()))
sentences = st.builds(Sentence, words, st.lists(figures, max_size=3).map(tuple), name_lists,
                      st.lists(words, max_size=2).map(tuple))
paragraphs = st.builds(Paragraph, st.lists(sentences, max_size=3).map(tuple))
sections = st.recursive(
    st.builds(Section, words, words, st.lists(paragraphs, max_size=2).map(tuple), st.just(()),
              st.none() | st.sampled_from(SectionTopic)),
    lambda sub: st.builds(Section, words, words, st.lists(paragraphs, max_size=2).map(tuple),
                          st.lists(sub, max_size=2).map(tuple), st.none() | st.sampled_from(SectionTopic)),
    max_leaves=6,
)
narratives = st.builds(Narrative, words, st.integers(1900, 2100), st.lists(sections, max_size=3).map(tuple),
                       st.lists(st.builds(Adjustment, words, decimals, decimals), max_size=2).map(tuple))
locations = st.builds(Location, *(st.none() | words for _ in range(6)), st.none() | st.integers(1, 10**6))
findings = st.builds(Finding, words, st.sampled_from(Severity), locations, words, words,
                     st.none() | words, st.none() | words)
reports = st.builds(Report, words, st.lists(findings, max_size=4).map(tuple))


@given(narratives)
def test_narrative_round_trip_any_value(n):
    assert loads(dumps(n), Narrative) == n


@given(full_ledgers(max_lines=8))
def test_narrative_round_trip_generated(ledger):
    n = build(ledger)
    back = loads(dumps(n), Narrative)
    assert back == n
    assert back.figures == n.figures


@given(reports)
def test_report_round_trip(report):
    assert structure(unstructure(report), Report) == report
    assert reports_from_json(reports_to_json([report, report])) == (report, report)


def test_seed_report_round_trip_and_its_counts():
    from govbudget.io import example_published_text
    from govbudget.readers import read_text

    report = check(read_text(example_published_text(), source="seed"))
    data = json.loads(reports_to_json([report]))
    assert data["schema"] == "govbudget/check/1"
    assert data["reports"][0]["counts"] == {"error": 3, "warning": 13, "info": 10}
    assert reports_from_json(json.dumps(data)) == (report,)
    data["reports"][0]["counts"]["error"] = 2  # derived figures are checked, not trusted
    with pytest.raises(FormatError, match=r"check\.json: .*counts"):
        reports_from_json(json.dumps(data), source="check.json")


def test_decimals_are_strings_never_floats():
    n = build(example_ledger())
    text = dumps(n)
    data = json.loads(text, parse_float=lambda s: pytest.fail(f"float {s} in the narrative JSON"))
    figure = data["sections"][0]["paragraphs"][0][0]["figures"][0]
    assert figure["value"] == "3881.84" and figure["exact"] == "3881.8395"
    assert unstructure(Decimal("1E+3")) == "1000"  # fixed point, no exponent
    with pytest.raises(FormatError, match=r"n\.json: \$\.sections\[0\]\.paragraphs\[0\]\[0\]\.figures\[0\]\.value: number 3881\.84 is not allowed"):
        loads(text.replace('"3881.84"', "3881.84", 1), Narrative, source="n.json")


def test_errors_name_the_file_and_the_path():
    data = unstructure(build(example_ledger()))
    data["sections"][2]["paragraphs"][0][0]["figures"][0]["colour"] = "red"
    with pytest.raises(FormatError) as info:
        structure(data, Narrative, source="n.json")
    message = str(info.value)
    assert message.startswith("n.json: ")
    assert "$.sections[2].paragraphs[0][0].figures[0]" in message and "colour" in message
    data = unstructure(build(example_ledger()))
    data["sections"][0]["paragraphs"][0][0]["figures"][0]["kind"] = "yards"
    with pytest.raises(FormatError, match=r"\$\.sections\[0\]\.paragraphs\[0\]\[0\]\.figures\[0\]\.kind"):
        structure(data, Narrative, source="n.json")
    data["schema"] = "govbudget/narrative/9"
    with pytest.raises(FormatError, match="schema"):
        structure(data, Narrative, source="n.json")


def test_disclosure_printed_cells_are_checked_against_exact():
    d = derive(example_ledger())
    data = json.loads(to_json(d))
    assert data["schema"] == SCHEMAS["disclosure"]
    t05 = next(t for t in data["tables"] if t["id"] == "05")
    row = next(r for r in t05["rows"] if r["key"] == "2010301")
    assert row["cells"]["小计"] == "551.64" and row["exact"]["小计"] == "5516445.00"  # docs/formats.md
    row["cells"]["小计"] = "551.65"
    with pytest.raises(FormatError, match=r"d\.json: .*(table 05|公开05表).*2010301.*小计"):
        disclosure_from_json(json.dumps(data, ensure_ascii=False), source="d.json")
    row["cells"]["小计"] = "551.64"
    row["exact"]["小计"] = 5516445.5
    with pytest.raises(FormatError, match=r"d\.json: .*number 5516445\.5 is not allowed"):
        disclosure_from_json(json.dumps(data, ensure_ascii=False), source="d.json")


def test_subject_json_carries_its_derived_path():
    from govbudget import catalog

    s = catalog("functional", 2024)["2010301"]
    data = unstructure(s)
    assert data["path"] == ["一般公共服务支出", "政府办公厅（室）及相关机构事务", "行政运行"]
    assert structure(data, type(s)) == s
    data["path"] = ["x"]
    with pytest.raises(FormatError, match="path"):
        structure(data, type(s), source="s.json")


def test_one_converter_per_flavour():
    assert make_converter() is make_converter("json")
    with pytest.raises(GovBudgetError, match="flavour"):
        make_converter("yaml")
