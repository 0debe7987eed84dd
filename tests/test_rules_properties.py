"""Properties of the checker over generated ledgers: derived disclosures are consistent, their
printed (re-rounded) figures too, a perturbed leaf is caught by exactly the rules that contain
it, generated text reads back figure for figure, and the text reader survives mangled input."""

from __future__ import annotations

import contextlib
from decimal import Decimal as D

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from govbudget.errors import GovBudgetError
from govbudget.io import example_ledger, example_published_text
from govbudget.narrative import build, to_text
from govbudget.published import Published, from_disclosure, replace_cell
from govbudget.readers import read_text
from govbudget.rules import AtMost, Ratio, Sum, check, relations_of
from govbudget.tables import derive

from .strategies import full_ledgers

# Warnings a generated ledger may legitimately earn: its facts are drawn independently.
LEDGER_WARNINGS = {"final.x.t04-within-t01", "final.x.t06-within-t09", "final.text.office-within-public",
                   "final.text.change-agreement"}


# Findings about the ledger itself (govbudget.validate): drawn independently, a generated
# ledger may spend more than it has (a negative 年末结转和结余) or leave a fact out.
LEDGER_FACT_RULES = {"ledger.negative", "ledger.spending_without_income", "ledger.missing"}


@given(full_ledgers())
def test_generated_ledger_and_its_text_have_no_error(ledger):
    report = check(ledger)
    assert not {f.rule for f in report.errors} - LEDGER_FACT_RULES, report.to_text()
    assert {f.rule for f in report.warnings} <= LEDGER_WARNINGS | LEDGER_FACT_RULES, report.to_text()
    # ledger.negative fires on exactly the negative cells of the derived tables
    d = derive(ledger)
    negative = {(tid, r.key, i) for tid, t in d.tables.items() for r in t.rows
                for i, v in enumerate(r.values) if v < 0}
    flagged = [f for f in report.errors if f.rule == "ledger.negative"]
    assert len(flagged) == len(negative)
    assert {(f.location.table, f.location.row) for f in flagged} == {(t, r) for t, r, _ in negative}


@given(full_ledgers())
def test_re_rounded_disclosure_never_errs(ledger):
    d = derive(ledger)
    published = from_disclosure(d, build(ledger, d), rounded=True)
    report = check(published)
    assert not report.errors, report.to_text()
    assert {f.rule for f in report.warnings} <= LEDGER_WARNINGS


@given(full_ledgers())
def test_generated_text_reads_back_figure_for_figure(ledger):
    d = derive(ledger)
    n = build(ledger, d)
    read = read_text(to_text(n), source="generated")
    # only the text was given: the nine tables are reported missing, and nothing else
    problems = [f for f in read.reader_findings if f.rule != "reader.table"]
    assert not problems, problems
    assert len(read.reader_findings) == 9
    got = read.narrative.figures
    for key, f in n.figures.items():
        assert key in got, key
        assert got[key].value == f.value, key
    assert set(got) == set(n.figures)
    # The text as read, next to the printed tables: no error.
    combined = attrs.evolve(from_disclosure(d, rounded=True), narrative=read.narrative)
    assert not check(combined).errors


def _share_groups(n):
    groups: dict[str, dict[str, D]] = {}
    for key, f in n.figures.items():
        parts = key.split(".")
        if parts[-1] == "share" and parts[0] in ("income", "expenditure", "gpb_structure", "three_public"):
            groups.setdefault(parts[0], {})[key] = f.value
    return groups


@given(full_ledgers())
def test_shares_add_to_100_exactly_when_balanced(ledger):
    plain, balanced = build(ledger), build(ledger, balance_shares=True)
    moved = {a.key: a.shown - a.rounded for a in balanced.adjustments}
    assert all(abs(m) == D("0.01") for m in moved.values())
    for group, shares in _share_groups(balanced).items():
        assert sum(shares.values()) == 100, group
    for group, shares in _share_groups(plain).items():
        # off: the shares miss 100.00 by exactly the moves the balance reports
        assert sum(shares.values()) + sum(m for k, m in moved.items() if k.startswith(group + ".")) == 100


@given(full_ledgers(), st.data())
def test_perturbed_leaf_is_caught_by_exactly_its_rules(ledger, data):
    d = derive(ledger)
    base = from_disclosure(d, build(ledger, d), rounded=True)
    leaves = [(t.id, r.key, c.key, c.title) for t in base.tables.values() if t.id in ("02", "03", "05", "06")
              for r in t.rows if r.code and len(r.code) == (5 if t.id == "06" else 7)
              for c in t.columns_for("")]
    leaves += [("09", "three_public", f"{side}_{k}", None) for side in ("budget", "actual")
               for k in ("abroad", "vehicle_purchase", "vehicle_operation", "reception")]
    tid, row, col, _ = data.draw(st.sampled_from(leaves))
    delta = data.draw(st.sampled_from([D("1.00"), D("-1.00"), D("37.5")]))
    before = {f.rule for f in check(base).errors}
    assert not before
    bad = replace_cell(base, tid, row, col, base.tables[tid].cell(row, col) + delta)
    title = next(c.title for c in bad.tables[tid].columns if c.key == col)

    def touches(rel) -> bool:
        qs = ([rel.total, *(t for _, t in rel.terms)] if isinstance(rel, Sum)
              else [rel.part, rel.whole] if isinstance(rel, AtMost)
              else [rel.part, rel.whole, rel.stated] if isinstance(rel, Ratio) else [])
        return any(q.location.table == tid and q.location.row == row and q.location.column == title for q in qs)

    sums = {r.id for r, rel in relations_of(bad) if isinstance(rel, Sum) and touches(rel)}
    bounds = {r.id for r, rel in relations_of(bad) if not isinstance(rel, Sum) and touches(rel)}
    errors = {f.rule for f in check(bad).errors}
    assert sums, (tid, row, col)  # every leaf is in some sum
    assert sums <= errors <= sums | bounds, (tid, row, col, sums, bounds, errors)


def test_perturbing_a_known_leaf_of_the_example():
    # Worked by hand: 公开05 2010301 基本支出 490.94 → 491.94 breaks its row (小计 = 基本 + 项目),
    # its 款 20103 (= Σ 项, 基本 column) and 05 ≤ 03 on that row (03 基本 is 490.94).
    ledger = example_ledger()
    d = derive(ledger)
    base = from_disclosure(d, build(ledger, d), rounded=True)
    bad = replace_cell(base, "05", "2010301", "basic", D("491.94"))
    assert {f.rule for f in check(bad).errors} == {"final.t05.row-natures", "final.t05.hierarchy", "final.x.t05-within-t03"}


# -- the text reader under mangling ------------------------------------------------------------------
SEED_LINES = example_published_text().splitlines()


@st.composite
def mangled_seeds(draw):
    lines = list(SEED_LINES)
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["cut", "drop", "swap-cells", "page", "bytes", "dup", "truncate"]))
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        if op == "cut":
            k = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:k]
        elif op == "drop":
            del lines[i]
        elif op == "swap-cells" and "\t" in lines[i]:
            cells = lines[i].split("\t")
            a, b = draw(st.integers(0, len(cells) - 1)), draw(st.integers(0, len(cells) - 1))
            cells[a], cells[b] = cells[b], cells[a]
            lines[i] = "\t".join(cells)
        elif op == "page":
            j = min(len(lines), i + draw(st.integers(1, 60)))
            del lines[i:j]
        elif op == "bytes":
            junk = draw(st.binary(max_size=20)).decode("latin-1")
            lines.insert(i, junk)
        elif op == "dup":
            lines.insert(i, lines[i])
        else:
            lines = lines[:i]
    return "\n".join(lines)


@settings(max_examples=60)
@given(mangled_seeds())
def test_text_reader_survives_mangling(text):
    try:
        published = read_text(text, source="mangled")
    except GovBudgetError:
        return
    assert isinstance(published, Published)
    check(published)  # never raises


@given(st.text(max_size=300))
def test_text_reader_on_random_text(text):
    with contextlib.suppress(GovBudgetError):
        check(read_text(text))
