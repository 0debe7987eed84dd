#!/usr/bin/env python3
"""Regenerate the generated parts of ``docs/`` from the package itself.

Each generated block sits between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->`` markers.
``--check`` fails when a committed document is out of date (the tests run it).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import govbudget as gb  # noqa: E402
from govbudget.classification import Level, Scheme  # noqa: E402


def coverage_table() -> str:
    lines = [
        "| scheme | edition | 类 | 款 | 项 | total | confirmed | compiled (high / medium / low) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for scheme in Scheme:
        for edition in gb.EDITIONS:
            cat = gb.catalog(scheme, edition)
            levels = Counter(s.level for s in cat)
            confirmed = sum(1 for s in cat if s.provenance.confirmed)
            conf = Counter(s.provenance.confidence for s in cat if not s.provenance.confirmed)
            lines.append(
                f"| {scheme.value} ({scheme.chinese}) | {edition} | {levels[Level.CLASS]} | "
                f"{levels[Level.SECTION]} | {levels[Level.ITEM] or '–'} | {len(cat)} | {confirmed} | "
                f"{conf['high']} / {conf['medium']} / {conf['low']} |"
            )
    return "\n".join(lines)


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def _example(relation: object) -> str:
    from govbudget.rules import AtMost, Change, Note, Ratio, Sum

    if isinstance(relation, Sum):
        shown = [(s, t) for s, t in relation.terms if t.value]
        terms = " ".join(f"{'+' if s > 0 else '−'} {t.value}" for s, t in shown).lstrip("+ ") or "0"
        blank = len(relation.terms) - len(shown)
        return f"{relation.total.name}: {relation.total.value} = {terms}" + (f" (+ {blank} blank)" if blank else "")
    if isinstance(relation, Ratio):
        return f"{relation.stated.name}: {relation.stated.value}% ≈ {relation.part.value} / {relation.whole.value}"
    if isinstance(relation, Change):
        rate = f", rate {relation.rate.value}%" if relation.rate else ""
        return f"{relation.change.name}: Δ {relation.change.value} on {relation.current.value}{rate}"
    if isinstance(relation, AtMost):
        return f"{relation.part.name} {relation.part.value} ≤ {relation.whole.value}"
    if isinstance(relation, Note):
        return relation.finding.message_zh
    return ""


def _nonzero(relation: object) -> bool:
    from govbudget.rules import Sum

    return not isinstance(relation, Sum) or bool(relation.total.value)


def rules_table() -> str:
    """The rule catalogue, each rule with an instance taken from the seed report and what
    the checker finds there."""
    from govbudget.io import example_published_text
    from govbudget.readers import read_text
    from govbudget.rules import RULES

    seed = read_text(example_published_text(), source="seed")
    lines = [
        "| id | severity | kind | rule | equation | spec | example (the seed) | on the seed |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in RULES:
        relations = list(r.relations(seed))
        example = next((rel for rel in relations if _nonzero(rel)), relations[0] if relations else None)
        found = Counter(f.severity.value for f in r.check(seed))
        outcome = ", ".join(f"{n} {sev}" for sev, n in sorted(found.items())) or "holds"
        lines.append(
            f"| `{r.id}` | {r.severity.value} | {r.kind} | {_md(r.title_zh)}<br>{_md(r.title_en)} | "
            f"{_md(r.equation)} | {r.spec or '–'} | {_md(_example(example)) if example else '–'} | "
            f"{outcome} ({len(relations)} checked) |"
        )
    return "\n".join(lines)


def _or_dash(text: str) -> str:
    return _md(text) if text else "–"


def layout_tables(family_id: str = "final") -> str:
    """Each table of a family as its spec declares it (``govbudget.families.<family_id>``)."""
    from govbudget.spec import SUBJECTS, family, terms

    def sums(keys: tuple[str, ...]) -> str:
        return " ".join(f"{'−' if sign < 0 else '+'} {'Σ 类' if k == SUBJECTS else k}" for sign, k in terms(keys))[2:]

    fam = family(family_id)
    out: list[str] = []
    for t in fam.tables:
        out += [f"### {t.label} {t.title}", ""]
        facts = [f"unit {t.unit.value}", "two-sided" if t.two_sided else "", "行次 printed" if t.numbered else "",
                 "optional" if t.optional else ""]
        out.append("; ".join(f for f in facts if f) + ".")
        if t.aliases:
            out.append("Also printed as: " + "、".join(t.aliases) + ".")
        if t.title_words:
            out.append("Recognised in a printed grid by the title words " + " / ".join(t.title_words)
                       + (f" (not with {'、'.join(t.title_exclude)})" if t.title_exclude else "") + ".")
        if t.subjects is not None:
            sr = t.subjects
            out.append(f"Subject rows: {sr.scheme.chinese} {'/'.join(lv.value for lv in sr.levels)}"
                       f"{' on the ' + sr.side + ' side' if sr.side else ''}, "
                       + ("every one of the edition's catalog" if sr.fixed else "those with money")
                       + (f" (the layout omits {', '.join(sr.omit)} unless they have money)" if sr.omit else "") + ".")
        for panel in t.panels:
            out.append(f"Panel `{panel.key}` {panel.title}: 类 {', '.join(panel.classes)}"
                       + (" and any other 类" if panel.others else "") + ".")
        out += ["", "| 栏次 | column | title | side | other headers | header words | = |",
                "| --- | --- | --- | --- | --- | --- | --- |"]
        out += [f"| {c.number or ''} | `{c.key}` | {_md(c.title)} | {_or_dash(c.side)} | "
                f"{_or_dash('、'.join(c.headers))} | {_or_dash(' / '.join(c.words))}"
                f"{' (not with ' + '、'.join(c.exclude) + ')' if c.exclude else ''} | {_or_dash(sums(c.sum_of))} |"
                for c in t.columns]
        if t.extra_columns:
            out += ["", "Also read where a place prints them (never derived): "
                    + "; ".join(f"`{c.key}` {_md(c.title)} ({' / '.join(c.words)})" for c in t.extra_columns) + "."]
        if t.rows:
            out += ["", "| row | label | side | place | other labels | = |", "| --- | --- | --- | --- | --- | --- |"]
            out += [f"| `{r.key}` | {_or_dash(r.label) if r.label else '(blank)'} | {_or_dash(r.side)} | {r.place} | "
                    f"{_or_dash('、'.join(r.labels))} | {_or_dash(sums(r.sum_of))} |" for r in t.rows]
        if t.foreign_rows:
            out += ["", "Rows some places print in it that are no row of it (read, reported, never derived): "
                    + "; ".join(f"`{r.key}` {'、'.join((r.label, *r.labels))}" for r in t.foreign_rows) + "."]
        if t.note or t.empty_statement:
            out += ["", *([f"Note: {_md(t.note)}"] if t.note else []),
                    *([f"Empty: {_md(t.empty_statement)}"] if t.empty_statement else [])]
        out.append("")
    others = [t for t in fam.recognised if t not in fam.tables]
    if others:
        out += ["### Tables read but not derived", "",
                "Recognised in printed documents so that their figures are read and accounted for; never checked.", ""]
        out += [f"- `{t.id}` {_md(t.title)}: title words {' / '.join(t.title_words)}"
                + (f"; header words {' / '.join(t.header_words)}" if t.header_words else "")
                + (f"; columns {', '.join(f'`{c.key}`' for c in t.columns)}" if t.columns else "") + "."
                for t in others]
    out += ["", "Titles are tried in this order (the more specific first): "
            + ", ".join(f"`{t.id}`" + ("" if t in fam.tables else f" ({_md(t.title)})") for t in fam.recognised) + "."]
    return "\n".join(out).rstrip()


def budget_rules_table() -> str:
    """The 部门预算 rules, each with what the checker finds on the embedded budget example as
    published (广州市信访局 2026, read from its text)."""
    from govbudget.budget.io import example_budget_published_text
    from govbudget.budget.reader import read_budget_text
    from govbudget.rules import family_rules

    published = read_budget_text(example_budget_published_text(), source="example")
    lines = ["| id | severity | kind | rule | equation | on the example |", "| --- | --- | --- | --- | --- | --- |"]
    for r in family_rules("budget"):
        relations = list(r.relations(published))
        found = Counter(f.severity.value for f in r.check(published))
        outcome = ", ".join(f"{n} {sev}" for sev, n in sorted(found.items())) or "holds"
        shown = f"{outcome} ({len(relations)} checked)" if relations else "not checked: not printed"
        lines.append(f"| `{r.id}` | {r.severity.value} | {r.kind} | {_md(r.title_zh)}<br>{_md(r.title_en)} | "
                     f"{_md(r.equation)} | {shown} |")
    return "\n".join(lines)


GENERATORS: dict[str, tuple[str, Callable[[], str]]] = {
    "budget-layout": ("docs/budget.md", lambda: layout_tables("budget")),
    "budget-rules": ("docs/budget.md", budget_rules_table),
    "coverage": ("docs/classification.md", coverage_table),
    "layout": ("docs/tables.md", layout_tables),
    "rules": ("docs/rules.md", rules_table),
}


def render(text: str, name: str, block: str) -> str:
    pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"gen_docs: markers for {name!r} missing")
    return pattern.sub(lambda m: m.group(1) + block + "\n" + m.group(2), text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    stale = []
    for name, (rel, gen) in GENERATORS.items():
        path = ROOT / rel
        block = gen()
        old = path.read_text(encoding="utf-8")
        new = render(old, name, block)
        if new != old:
            if args.check:
                stale.append(rel)
            else:
                path.write_text(new, encoding="utf-8")
    if stale:
        print(f"gen_docs: out of date: {', '.join(stale)} (run scripts/gen_docs.py)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
