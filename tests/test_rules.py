"""The rule catalogue: the seed's published errors found exactly, every rule firing on a
mutation and quiet on a consistent disclosure, and the interval arithmetic worked by hand."""

from __future__ import annotations

from decimal import Decimal as D

import attrs
import pytest

from govbudget.io import example_ledger, example_published_text
from govbudget.narrative import build, replace_figure
from govbudget.published import (
    Location,
    Published,
    Quantity,
    Severity,
    from_disclosure,
    replace_cell,
)
from govbudget.readers import read_text
from govbudget.rules import RULES, AtMost, Change, Ratio, Sum, check, evaluate, rule
from govbudget.tables import derive
from govbudget.text import Figure, Paragraph, Section, Sentence

from .conftest import SEED


@pytest.fixture(scope="module")
def seed_report():
    return check(read_text(example_published_text(), source="seed"))


def test_packaged_seed_is_the_shared_seed():
    if not SEED.exists():
        pytest.skip("shared seed not available")
    assert example_published_text() == SEED.read_text(encoding="utf-8")


# -- acceptance on the seed ---------------------------------------------------------------------
def test_seed_has_exactly_the_three_known_errors(seed_report):
    errors = {(f.rule, f.location.key) for f in seed_report.errors}
    assert errors == {
        ("final.text.shares", "gpb_structure.221.share"),  # 住房保障 printed 0.74%: 28.28/3881.84 = 0.73%
        ("final.text.change", "fiscal.change_rate"),  # 四: 152.16/4034.00 = 3.77%, printed 3.78%
        ("final.text.budget-total", "gpb_budget.total"),  # 7866.50 printed, the 8 项 add to 786.70
    }


def test_seed_error_details(seed_report):
    by_key = {f.location.key: f for f in seed_report.errors}
    share = by_key["gpb_structure.221.share"]
    assert share.stated == "0.74%" and share.expected.startswith("0.73%")
    assert "100.00%" in share.message_zh and "99.99%" in share.message_zh  # forced to 100
    assert "住房保障" in share.message_zh and "0.73%→0.74%" in share.message_zh
    assert share.location.line == 466
    rate = by_key["fiscal.change_rate"]
    assert rate.stated == "3.78%" and rate.expected.startswith("3.77%")
    assert "4034.00" in rate.message_zh  # the prior year: 3881.84 + 152.16
    budget = by_key["gpb_budget.total"]
    assert budget.stated == "7866.50" and budget.expected.startswith("786.70")
    # 639.30 + 0 + 0 + 2.50 + 60.20 + 31.80 + 0 + 52.90 = 786.70; 3881.84 / 786.70 = 493.43%
    assert "49.35%" in budget.message_zh and "493.43%" in budget.message_zh


def test_seed_rounding_tails_are_info(seed_report):
    infos = {(f.rule, f.location.table, f.location.row, f.stated, f.expected.split(" ")[0])
             for f in seed_report.infos}
    # 公开06: 302 items add to 49.30, 302 printed 49.28 (16 figures: ±0.08)
    assert ("final.t06.class-sum", "06", "302", "49.28", "49.30") in infos
    # 基本支出 by 类 add to 590.50 against 590.51 in 公开03 and 公开05
    assert ("final.t03.hierarchy", "03", "total", "590.51", "590.50") in infos
    assert ("final.t05.hierarchy", "05", "total", "590.51", "590.50") in infos
    # the 类 rows of 公开01 add to 3881.83 against 3881.84
    assert ("final.t01.expenditure-total", "01", "expenditure_total", "3881.84", "3881.83") in infos
    assert all(f.rule.startswith(("final.t0", "final.x.")) for f in seed_report.infos)


def test_seed_zero_base_rates_are_warnings(seed_report):
    zero_base = {f.location.key for f in seed_report.warnings if f.expected == "no rate"}
    assert zero_base == {
        # 九: 完成预算的 0.00% (0/0) and 占 0.00% (of a zero 三公 total)
        "three_public.rate", "three_public.abroad.rate", "three_public.vehicles.rate",
        "three_public.reception.rate", "three_public.abroad.share", "three_public.vehicles.share",
        "three_public.reception.share", "three_public.detail.abroad.rate",
        "three_public.detail.vehicles.rate", "three_public.detail.reception.rate",
        # 十一: 占 0.00% of a zero 政府采购 total and of a zero 中小企业 amount
        "procurement.to_sme.share", "procurement.to_small_micro.share",
    }
    others = [f for f in seed_report.warnings if f.expected != "no rate"]
    # 四 −152.16 and 五(一) −152.59 on the same current figure: a warning, not an error
    assert [(f.rule, f.stated, f.expected) for f in others] == [("final.text.change-agreement", "-152.16", "-152.59")]


def test_seed_reader_places_everything(seed_report):
    assert not [f for f in seed_report.findings if f.rule.startswith("reader.")]


# -- every rule fires and stays quiet -----------------------------------------------------------------
@pytest.fixture(scope="module")
def clean() -> Published:
    ledger = example_ledger()
    d = derive(ledger)
    return from_disclosure(d, build(ledger, d))


def _cell(tid, row, col, delta="1"):
    def mutate(p: Published) -> Published:
        value = p.tables[tid].cell(row, col)
        return replace_cell(p, tid, row, col, value + D(delta))
    return mutate


def _fig(key, value):
    def mutate(p: Published) -> Published:
        return attrs.evolve(p, narrative=replace_figure(p.narrative, key, None if value is None else D(value)))
    return mutate


def _restate(key, value):
    """The section stating ``key`` states it again, as ``value``."""
    def mutate(p: Published) -> Published:
        n = p.narrative
        section = n.section_of(key)
        again = Sentence("", restated=(Figure(key, D(value)),))

        def add(s: Section) -> Section:
            if s.id == section:
                return attrs.evolve(s, paragraphs=(*s.paragraphs, Paragraph((again,))))
            return attrs.evolve(s, subsections=tuple(add(x) for x in s.subsections))
        return attrs.evolve(p, narrative=attrs.evolve(n, sections=tuple(add(s) for s in n.sections)))
    return mutate


MUTATIONS = {
    "final.t01.income-total": _cell("01", "income_total", "amount"),
    "final.t01.expenditure-total": _cell("01", "201", "amount"),
    "final.t01.income-grand-total": _cell("01", "opening_balance", "amount"),
    "final.t01.expenditure-grand-total": _cell("01", "closing_balance", "amount"),
    "final.t01.grand-totals": _cell("01", "expenditure_grand_total", "amount"),
    "final.t02.row-sources": _cell("02", "2010301", "fiscal"),
    "final.t02.hierarchy": _cell("02", "2010301", "total"),
    "final.t03.hierarchy": _cell("03", "2010301", "basic"),
    "final.t05.hierarchy": _cell("05", "2069999", "project"),
    "final.t07.hierarchy": _cell("07", "total", "income"),
    "final.t08.hierarchy": _cell("08", "total", "basic"),
    "final.t03.row-natures": _cell("03", "2010301", "project"),
    "final.t04.income-total": _cell("04", "income_total", "amount"),
    "final.t04.opening": _cell("04", "opening_general_public_budget", "amount"),
    "final.t04.income-grand-total": _cell("04", "income_grand_total", "amount"),
    "final.t04.row-funds": _cell("04", "201", "government_fund"),
    "final.t04.expenditure-total": _cell("04", "expenditure_total", "state_capital"),
    "final.t04.expenditure-grand-total": _cell("04", "expenditure_grand_total", "state_capital"),
    "final.t04.grand-totals": _cell("04", "expenditure_grand_total", "total"),
    "final.t04.fund-balance": _cell("04", "closing_fiscal", "general_public_budget"),
    "final.t05.row-natures": _cell("05", "2010301", "basic"),
    "final.t06.class-sum": _cell("06", "30101", "amount"),
    "final.t06.personnel": _cell("06", "personnel_total", "amount"),
    "final.t06.public": _cell("06", "public_total", "amount"),
    "final.t07.row-balance": _cell("07", "total", "closing"),
    "final.t08.row-natures": _cell("08", "total", "total"),
    "final.t09.totals": _cell("09", "three_public", "actual_total"),
    "final.x.t01-t02-income": _cell("02", "total", "total"),
    "final.x.t01-t02-sources": _cell("02", "total", "fiscal"),
    "final.x.t01-t03": _cell("03", "206", "total"),
    "final.x.t01-t04-fiscal-income": _cell("04", "general_public_budget", "amount"),
    "final.x.t04-t05": _cell("05", "201", "total"),
    "final.x.t05-t06": _cell("05", "total", "basic"),
    "final.x.t04-t07": _cell("07", "total", "expenditure"),
    "final.x.t04-t08": _cell("08", "total", "total"),
    "final.x.t05-within-t03": _cell("05", "2069999", "project"),
    "final.x.t04-within-t03": _cell("04", "206", "total"),
    "final.x.t04-within-t01": _cell("04", "opening_fiscal", "amount"),
    "final.x.t06-within-t09": _cell("06", "30217", "amount"),
    "final.tables.empty-statement": _cell("09", "three_public", "actual_abroad"),
    "final.text.table-figures": _fig("total.amount", "3881.85"),
    "final.text.shares": _fig("gpb_structure.221.share", "0.74"),
    "final.text.completion": _fig("gpb_budget.2010301.rate", "86.30"),
    "final.text.change": _fig("total.change_rate", "35.06"),
    "final.text.budget-total": _fig("gpb_budget.total", "7866.50"),
    "final.text.budget-items": _fig("gpb_budget.2010301.actual", None),
    "final.text.basic-names": _cell("06", "30106", "amount"),  # 伙食补助费 becomes nonzero, unnamed
    "final.text.sums": _fig("procurement.total", "1.00"),
    "final.text.restated": _restate("office.amount", "1.00"),
    "final.text.office-within-public": _fig("office.amount", "60.00"),
    "final.text.empty-funds": _cell("07", "total", "income"),
}


def test_every_rule_has_a_mutation():
    assert set(MUTATIONS) == {r.id for r in RULES} - {"final.text.change-agreement"}


@pytest.mark.parametrize("rule_id", sorted({r.id for r in RULES} - {"final.text.change-agreement"}))
def test_rule_is_quiet_then_fires(clean, rule_id):
    r = rule(rule_id)
    assert r.check(clean) == []
    fired = r.check(MUTATIONS[rule_id](clean))
    assert fired and all(f.severity is r.severity and f.rule == rule_id for f in fired), fired


def test_change_agreement_fires_and_stays_quiet(clean):
    r = rule("final.text.change-agreement")
    fired = r.check(clean)  # the example keeps the seed's 四 (−152.16) next to 五(一) (−152.59)
    assert [(f.severity, f.stated, f.expected) for f in fired] == [(Severity.WARNING, "-152.16", "-152.59")]
    assert r.check(_fig("fiscal.change", "-152.59")(clean)) == []


def test_clean_example_has_only_the_known_warning(clean):
    report = check(clean)
    assert [(f.rule, f.severity) for f in report.findings] == [("final.text.change-agreement", Severity.WARNING)]


def test_unknown_rule_suggests():
    with pytest.raises(KeyError, match=r"t05\.row-natures"):
        rule("final.t05.row-nature")


# -- the interval arithmetic, worked by hand ---------------------------------------------------------------
def q(value, hw="0.005", key="x"):
    return Quantity(D(value), D(hw), Location(key=key), key)


SUM_RULE = rule("final.t01.income-total")
PCT_RULE = rule("final.text.shares")
CHANGE_RULE = rule("final.text.change")


@pytest.mark.parametrize(("total", "terms", "severity"), [
    ("10.00", ["4.00", "6.00"], None),  # equal
    ("10.01", ["4.00", "6.00"], Severity.INFO),  # 0.01 ≤ 0.005 × 3
    ("10.015", ["4.00", "6.00"], Severity.INFO),  # exactly on the envelope
    ("10.02", ["4.00", "6.00"], Severity.ERROR),  # 0.02 > 0.015
    ("49.28", ["1.71"] * 15 + ["23.65"], Severity.INFO),  # 17 figures: ±0.085
])
def test_sum_envelope(total, terms, severity):
    found = evaluate(SUM_RULE, [Sum(q(total), tuple((1, q(t)) for t in terms))])
    assert [f.severity for f in found] == ([severity] if severity else [])


def test_printed_figure_of_an_exact_sum_is_not_a_tail():
    # 3881.8395 exact, printed 3881.84: that is how it is printed, not a rounding tail
    assert evaluate(SUM_RULE, [Sum(q("3881.84"), ((1, q("3881.8395", "0")),))]) == []
    # 3881.83 cannot be a rounding of 3881.8395 (it is 0.0095 away, beyond ±0.005)
    assert evaluate(SUM_RULE, [Sum(q("3881.83"), ((1, q("3881.8395", "0")),))])[0].severity is Severity.ERROR


@pytest.mark.parametrize(("stated", "part", "whole", "ok"), [
    ("0.73", "28.28", "3881.84", True),  # 0.72851…% – 0.72864…%
    ("0.74", "28.28", "3881.84", False),
    ("77.28", "3000.00", "3881.84", True),
    ("15.21", "590.51", "3881.84", True),
    ("50.00", "1.00", "2.00", True),  # [0.995/2.005, 1.005/1.995] = [49.63, 50.38]%
    ("50.30", "1.00", "2.00", True),  # inside that interval: the amounts' rounding allows it
    ("50.40", "1.00", "2.00", False),
])
def test_share_intervals(stated, part, whole, ok):
    found = evaluate(PCT_RULE, [Ratio(q(stated), q(part), q(whole))])
    assert (found == []) is ok


def test_rate_on_zero_base_is_a_warning():
    (f,) = evaluate(PCT_RULE, [Ratio(q("0.00"), q("0.00"), q("0.00"))])
    assert f.severity is Severity.WARNING and f.expected == "no rate"


@pytest.mark.parametrize(("change", "rate", "current", "severity"), [
    ("-2094.69", "35.05", "3881.84", None),  # 一: 2094.69 / 5976.53 = 35.0486%
    ("-152.59", "3.78", "3881.84", None),  # 五(一): 152.59 / 4034.43 = 3.7822%
    ("-152.16", "3.78", "3881.84", Severity.ERROR),  # 四: 152.16 / 4034.00 = 3.7719%
    ("-68.66", "58.22", "49.28", None),  # 十: 68.66 / 117.94 = 58.216%
    ("10.00", "100.00", "10.00", Severity.WARNING),  # growth from nothing printed as 100%
])
def test_change_rates(change, rate, current, severity):
    found = evaluate(CHANGE_RULE, [Change(q(change), q(rate), q(current))])
    assert [f.severity for f in found] == ([severity] if severity else [])


def test_part_of_whole():
    r = rule("final.x.t06-within-t09")
    assert evaluate(r, [AtMost(q("1.00"), q("1.00"))]) == []
    assert evaluate(r, [AtMost(q("1.01"), q("1.00"))]) == []  # within 0.005 + 0.005
    assert evaluate(r, [AtMost(q("1.02"), q("1.00"))])[0].severity is Severity.ERROR


def test_report_json_and_text(seed_report):
    data = seed_report.to_json()
    assert data["counts"] == {"error": 3, "warning": 13, "info": 10}
    assert not data["ok"]
    assert seed_report.summary() == "seed: 3 errors, 13 warnings, 10 info"
    assert "final.text.budget-total" in seed_report.to_text()
