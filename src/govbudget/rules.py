"""The consistency rules (勾稽关系) of a disclosure family, as named, first-class objects.

The rules that follow from the family spec (:mod:`govbudget.spec`) are generated from it
(:func:`generated_rules`): each declared column or row sum, 类 = Σ 款 = Σ 项, both sides of
a 总表 and the totals across tables.  The others (part ≤ whole, statements, the text against
the tables) are written by hand and name their cells through the spec.

Each :class:`Rule` has a stable id namespaced by family (``final.t05.row-natures``), a
severity, a title in Chinese and
English, the equation over named cells, and one function that lists the concrete relations
the rule asserts on a :class:`~govbudget.published.Published` disclosure.  The same
definitions check a derived disclosure (exactly: every identity holds to the 元) and a
published one (printed figures stand for intervals; see below), so no table is described
twice.  ``docs/rules.md`` is generated from :data:`RULES`.

Rounding tails versus errors.  A figure printed with two decimals stands for an interval of
±0.005 around it (in general ±half its last unit).  A relation is consistent iff the
intervals of its figures allow it:

* a sum over n rounded terms and a rounded total: |total − Σ terms| ≤ 0.005 × (n + 1);
  inside the envelope but not equal, the finding is *info* (尾差), outside an error;
* a printed percentage is right iff it is the ROUND_HALF_UP rounding of some ratio of
  amounts within their intervals; when printed shares add up to exactly 100.00 while the
  computed ones do not, the finding says they were forced (舍位平衡) and which ones moved;
* a rate printed for a zero base (0/0, or growth from nothing) is a warning of definition.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import attrs

from govbudget.classification import Level, Scheme, catalog
from govbudget.errors import FormatError
from govbudget.ledger import Ledger
from govbudget.money import in_wide_context, round_half_up
from govbudget.published import (
    Finding,
    Location,
    Published,
    Quantity,
    Severity,
    figure_quantity,
    from_disclosure,
    is_blank,
    shown,
)
from govbudget.spec import (
    SUBJECTS,
    CellRef,
    ColumnSpec,
    FamilySpec,
    Identity,
    RowSpec,
    SubjectLink,
    SubjectRows,
    TableSpec,
    family,
    family_ids,
    terms,
)
from govbudget.tables import Disclosure, Table, derive
from govbudget.text import INCOME_LABELS, NATURE_LABELS, THREE_PUBLIC_ITEMS, Narrative, SectionTopic

__all__ = [
    "RULES",
    "AnyOf",
    "AtMost",
    "Change",
    "Note",
    "Ratio",
    "Report",
    "Rule",
    "Sum",
    "check",
    "evaluate",
    "family_rules",
    "generated_rules",
    "relations_of",
    "reports_from_json",
    "restatements",
    "rule",
    "to_json",
]

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


# -- relations -----------------------------------------------------------------------------------
@attrs.frozen
class Sum:
    """``total = Σ sign × term`` (also an equality: one term; a balance: signed terms)."""

    total: Quantity
    terms: tuple[tuple[int, Quantity], ...]
    what: str = ""


@attrs.frozen
class AtMost:
    """``part ≤ whole``."""

    part: Quantity
    whole: Quantity
    what: str = ""


@attrs.frozen
class Ratio:
    """A printed percentage ``stated`` = ``part / whole × 100`` (share or completion rate);
    ``group`` ties the shares of one breakdown (checked for forced sums to 100)."""

    stated: Quantity
    part: Quantity
    whole: Quantity
    label: str = ""
    group: str | None = None


@attrs.frozen
class Change:
    """A year-on-year statement: signed change Δ, printed rate |Δ| / prior, and the current
    figure (the prior is current − Δ)."""

    change: Quantity
    rate: Quantity | None
    current: Quantity
    label: str = ""


@attrs.frozen
class Note:
    """A check the rule decides itself (structure, names, statements): its ``finding`` is
    reported when it does not hold (the rule id is filled in then); when it holds nothing is
    reported, but the check counts."""

    finding: Finding
    holds: bool = False


def _note(severity: Severity, location: Location, message_zh: str, message_en: str,
          stated: str | None = None, expected: str | None = None, holds: bool = False) -> Note:
    return Note(Finding("", severity, location, message_zh, message_en, stated, expected), holds)


@attrs.frozen
class AnyOf:
    """One identity under each definition (口径) real layouts use: ``options`` are the named
    sums, all with the same total; it holds if any of them holds (:class:`~govbudget.spec.Identity`
    with ``alternatives``)."""

    options: tuple[tuple[str, Sum], ...]
    what: str = ""


Relation = Sum | AtMost | Ratio | Change | Note | AnyOf


@attrs.frozen
class Rule:
    """A named consistency rule.

    ``relations(published)`` lists the concrete relations the rule asserts on a disclosure
    (nothing when the tables or text it needs are absent).  ``severity`` is the severity of a
    violation; rounding tails are always info and zero-base rates always warnings.
    """

    id: str
    kind: str
    severity: Severity
    title_zh: str
    title_en: str
    equation: str
    relations: Callable[[Published], Iterator[Relation]] = attrs.field(repr=False, eq=False)
    spec: str = ""

    def check(self, p: Published) -> list[Finding]:
        """The findings of this rule alone on ``p``."""
        return evaluate(self, list(self.relations(p)))


# -- evaluation -------------------------------------------------------------------------------------
def _fmt(v: Decimal | Fraction, places: int = 2) -> str:
    d = v if isinstance(v, Decimal) else Decimal(v.numerator) / Decimal(v.denominator)
    return f"{round_half_up(d, places):.{places}f}"


def _interval(lo: Fraction, hi: Fraction, places: int = 4) -> str:
    return f"[{_fmt(lo, places)}, {_fmt(hi, places)}]"


def _eval_sum(rule: Rule, r: Sum) -> Finding | None:
    expected = sum((s * t.value for s, t in r.terms), Decimal(0))
    diff = r.total.value - expected
    if diff == 0 or _printed_from(r.total, expected, r.terms) or (
            len(r.terms) == 1 and r.terms[0][0] == 1 and _printed_from(r.terms[0][1], r.total.value, ())):
        return None
    envelope = r.total.half_width + sum((t.half_width for _, t in r.terms), Decimal(0))
    terms = " ".join(f"{'+' if s > 0 else '−'} {t.name}" for s, t in r.terms).lstrip("+ ")
    what = r.what or f"{r.total.name} = {terms}"
    rounded = sum(1 for q in (r.total, *(t for _, t in r.terms)) if q.half_width)
    if abs(diff) <= envelope:
        return Finding(rule.id, INFO, r.total.location,
                       f"尾差：{what}，相差 {_fmt(abs(diff))}，在 {rounded} 个舍入数的误差范围 ±{envelope:f} 之内。",
                       f"rounding tail: {what} differs by {_fmt(abs(diff))}, within the ±{envelope:f} "
                       f"envelope of {rounded} rounded figures.",
                       r.total.shown, f"{expected:f} ± {envelope:f}")
    return Finding(rule.id, rule.severity, r.total.location,
                   f"{what} 不成立：列示 {r.total.shown}，各项合计 {expected:f}，相差 {diff:f}（超出尾差范围 ±{envelope:f}）。",
                   f"{what} does not hold: stated {r.total.shown}, the terms give {expected:f}, a difference "
                   f"of {diff:f} (beyond the ±{envelope:f} rounding envelope).",
                   r.total.shown, f"{expected:f} ± {envelope:f}" if envelope else f"{expected:f}")


def _printed_from(printed: Quantity, exact: Decimal, terms: Sequence[tuple[int, Quantity]]) -> bool:
    """True when ``printed`` is the rounding of an exact value (all terms exact): that is how
    a figure is printed, not a rounding tail."""
    if printed.half_width == 0 or any(t.half_width for _, t in terms):
        return False
    exponent = printed.value.as_tuple().exponent
    assert isinstance(exponent, int)
    return round_half_up(exact, -exponent) == printed.value


def _eval_at_most(rule: Rule, r: AtMost) -> Finding | None:
    if r.part.value - r.whole.value <= r.part.half_width + r.whole.half_width:
        return None
    what = r.what or f"{r.part.name} ≤ {r.whole.name}"
    return Finding(rule.id, rule.severity, r.part.location,
                   f"{what} 不成立：部分 {r.part.shown} 大于整体 {r.whole.shown}。",
                   f"{what} does not hold: the part {r.part.shown} exceeds the whole {r.whole.shown}.",
                   r.part.shown, f"≤ {r.whole.shown}")


def _corners(f: Callable[[Fraction, Fraction], Fraction], a: Quantity, b: Quantity) -> tuple[Fraction, Fraction]:
    values = [f(Fraction(x), Fraction(y)) for x in (a.low, a.high) for y in (b.low, b.high)]
    return min(values), max(values)


def _pct_ok(stated: Quantity, lo: Fraction, hi: Fraction) -> bool:
    return Fraction(stated.low) <= hi and lo <= Fraction(stated.high)


def _zero_base(rule: Rule, stated: Quantity, what: str, base: str) -> Finding:
    return Finding(rule.id, WARNING, stated.location,
                   f"{what}：基数（{base}）为零，比率无定义，不应列示 {stated.shown}%。",
                   f"{what}: the base ({base}) is zero, so the rate is undefined and should not be "
                   f"printed as {stated.shown}%.",
                   f"{stated.shown}%", "no rate")


def _eval_ratio(rule: Rule, r: Ratio) -> tuple[Finding | None, Decimal | None]:
    what = r.label or r.stated.name
    if r.whole.value == 0:
        return _zero_base(rule, r.stated, what, r.whole.name), None
    mid = round_half_up(Decimal(r.part.value) * 100 / r.whole.value)
    if r.whole.low <= 0:  # a whole printed so small that its interval reaches zero
        return None, mid
    lo, hi = _corners(lambda a, w: a * 100 / w, r.part, r.whole)
    if _pct_ok(r.stated, lo, hi):
        return None, mid
    return Finding(rule.id, rule.severity, r.stated.location,
                   f"{what}：列示 {r.stated.shown}%，按 {r.part.shown} / {r.whole.shown} 计算应为 {mid}%。",
                   f"{what}: printed {r.stated.shown}%, but {r.part.shown} / {r.whole.shown} gives {mid}% "
                   f"(any ratio within the rounding intervals lies in {_interval(lo, hi)}%).",
                   f"{r.stated.shown}%", f"{mid}% {_interval(lo, hi)}"), mid


def _eval_change(rule: Rule, r: Change) -> Finding | None:
    if r.rate is None:
        return None
    what = r.label or r.change.name
    prior = r.current.value - r.change.value
    if prior <= 0:
        return _zero_base(rule, r.rate, what, f"上年数 {prior:f}")
    if r.current.low - r.change.high <= 0:
        return None
    lo, hi = _corners(lambda d, c: abs(d) * 100 / (c - d), r.change, r.current)
    if r.change.low < 0 < r.change.high:  # |Δ| is smallest at 0, inside the interval
        lo = Fraction(0)
    if _pct_ok(r.rate, lo, hi):
        return None
    mid = round_half_up(abs(r.change.value) * 100 / prior)
    return Finding(rule.id, rule.severity, r.rate.location,
                   f"{what}：增减额 {shown(abs(r.change.value))} 万元、上年数 {prior:f} 万元，增减率应为 {mid}%，列示 {r.rate.shown}%。",
                   f"{what}: a change of {shown(abs(r.change.value))} 万元 on a prior-year {prior:f} 万元 gives "
                   f"{mid}% (interval {_interval(lo, hi)}%), not the printed {r.rate.shown}%.",
                   f"{r.rate.shown}%", f"{mid}% {_interval(lo, hi)}")


def _forced(group: list[tuple[Ratio, Decimal | None]]) -> tuple[str, str] | None:
    """When the printed shares of a breakdown add up to exactly 100.00 and the computed ones
    do not, say so and name the shares that were moved."""
    printed = sum((r.stated.value for r, _ in group), Decimal(0))
    computed = [m for _, m in group if m is not None]
    if printed != 100 or len(computed) != len(group):
        return None
    total = sum(computed, Decimal(0))
    if total == 100:
        return None
    moved = [(r, m) for r, m in group if m != r.stated.value]
    names = [f"{r.label or r.stated.name} {m}%→{r.stated.shown}%" for r, m in moved]
    zh = (f"列示的占比合计恰为 100.00%，而按金额计算的占比合计为 {total}%：占比被强行凑成 100%（舍位平衡），"
          f"改动的是 {'、'.join(names)}。")
    en = (f"The printed shares add up to exactly 100.00% while the computed ones add up to {total}%: "
          f"they were forced to 100% (舍位平衡); moved: {', '.join(names)}.")
    # A proper rounding balance moves a share only to the floor or ceiling of its exact value.
    beyond = [r for r, _ in moved if not _floor_or_ceiling(r)]
    if beyond:
        zh += f"其中 {'、'.join(r.label or r.stated.name for r in beyond)} 已超出其精确值的上下舍入，连舍位平衡也不成立。"
        en += (f" {', '.join(r.label or r.stated.name for r in beyond)} is not even the floor or ceiling of "
               "its exact share, so this is no valid rounding balance either.")
    return zh, en


def _floor_or_ceiling(r: Ratio) -> bool:
    exact = Fraction(r.part.value) * 100 / Fraction(r.whole.value)
    units = Fraction(r.stated.value) * 100
    return math.floor(exact * 100) <= units <= math.ceil(exact * 100)


def _not_checked(rule: Rule, unread: Sequence[Quantity], relation: Relation | None = None) -> Finding:
    """The info finding of a relation with figures not read from a report (未读取), or not
    stated by the ledger or disclosure file (未提供): never compared with a zero.  It is placed
    at the first figure not read, or (a table's rows not placed, which have no row) at the
    relation's total, with what the relation says."""
    at = unread[0].location
    what_zh = what_en = ""
    if at.row is None and isinstance(relation, Sum):
        at = relation.total.location
        what_zh, what_en = f"{relation.what}：", f"{relation.what}: "
    if all(q.unstated for q in unread):
        return Finding(rule.id, INFO, at, f"未检查：{what_zh}{'、'.join(q.name for q in unread)} 未提供。",
                       f"not checked: {what_en}{', '.join(q.name for q in unread)} is not stated.")
    return Finding(rule.id, INFO, at, f"未检查：{what_zh}{'、'.join(q.name for q in unread)} 未读取。",
                   f"not checked: {what_en}{', '.join(q.name for q in unread)} was not read.")


def _eval_any(rule: Rule, r: AnyOf) -> Finding | None:
    """Holds if the identity holds under one of its definitions.  A definition with a figure
    not read is not tried; when every definition tried fails but one could not be tried, the
    identity is not checked (info), never an error: the untried one may be the document's."""
    tried: list[tuple[str, Sum, Decimal, Finding]] = []
    untried: list[tuple[str, list[Quantity]]] = []
    for name, s in r.options:
        unread = [q for q in _operands(s) if not q.read]
        if unread:
            untried.append((name, unread))
            continue
        f = _eval_sum(rule, s)
        if f is None:
            return None
        tried.append((name, s, sum((sign * t.value for sign, t in s.terms), Decimal(0)), f))
    total = r.options[0][1].total
    what = r.what or total.name

    def said(name: str, s: Sum, expected: Decimal) -> tuple[str, str]:
        parts = " + ".join(t.shown if sign > 0 else f"− {t.shown}" for sign, t in s.terms).replace("+ −", "−")
        worked = f"{parts} = {expected:f}" if len(s.terms) > 1 else f"{expected:f}"
        return f"按“{name}”口径 {worked}，相差 {total.value - expected:f}", f"as {name}: {worked}, {total.value - expected:f} apart"

    tails = [t for t in tried if t[3].severity is INFO]
    if tails:
        name, _, _, f = tails[0]
        return attrs.evolve(f, message_zh=f"按“{name}”口径：{f.message_zh}", message_en=f"as {name}: {f.message_en}")
    lines = [said(name, s, e) for name, s, e, _ in tried]
    if untried and not tried:  # as for any relation: the figures not read are named
        return _not_checked(rule, list({q.name: q for _, qs in untried for q in qs}.values()))
    if untried:
        names_zh = "；".join(f"“{n}”口径的 {'、'.join(q.name for q in qs)} 未读取" for n, qs in untried)
        names_en = "; ".join(f"{n}: {', '.join(q.name for q in qs)} not read" for n, qs in untried)
        return Finding(rule.id, INFO, total.location,
                       f"未检查：{what} 列示 {total.shown}，" + "；".join(z for z, _ in lines) + f"；{names_zh}。",
                       f"not checked: {what} is {total.shown}; " + "; ".join(e for _, e in lines) + f"; {names_en}.")
    envelope = total.half_width + max(sum((t.half_width for _, t in s.terms), Decimal(0)) for _, s, _, _ in tried)
    return Finding(rule.id, rule.severity, total.location,
                   f"{what} 在{len(tried)}种口径下均不成立：列示 {total.shown}，" + "；".join(z for z, _ in lines)
                   + f"（超出尾差范围 ±{envelope:f}）。",
                   f"{what} holds under none of its {len(tried)} definitions: stated {total.shown}; "
                   + "; ".join(e for _, e in lines) + f" (beyond the ±{envelope:f} rounding envelope).",
                   str(total.value), " | ".join(f"{name}: {e}" for name, _, e, _ in tried))


def _operands(r: Relation) -> list[Quantity]:
    if isinstance(r, Sum):
        return [r.total, *(q for _, q in r.terms)]
    if isinstance(r, AtMost):
        return [r.part, r.whole]
    if isinstance(r, Ratio):
        return [r.stated, r.part, r.whole]
    if isinstance(r, Change):
        return [r.change, r.current, *([r.rate] if r.rate is not None else [])]
    return []


@in_wide_context
def evaluate(rule: Rule, relations: Sequence[Relation]) -> list[Finding]:
    """Classify each relation of ``rule``: nothing when it holds, info for a rounding tail,
    the rule's severity when it fails, a warning for a rate on a zero base."""
    out: list[Finding] = []
    groups: dict[str, list[tuple[Ratio, Decimal | None, int | None]]] = defaultdict(list)
    for r in relations:
        if isinstance(r, AnyOf):  # decides itself which definitions could be tried
            if (f := _eval_any(rule, r)) is not None:
                out.append(f)
            continue
        unread = [q for q in _operands(r) if not q.read]
        if unread:
            # A figure that was not read is never compared with a zero: the relation is not checked.
            out.append(_not_checked(rule, unread, r))
            continue
        if isinstance(r, Sum):
            f = _eval_sum(rule, r)
        elif isinstance(r, AtMost):
            f = _eval_at_most(rule, r)
        elif isinstance(r, Ratio):
            f, mid = _eval_ratio(rule, r)
            if r.group:
                groups[r.group].append((r, mid, len(out) if f is not None else None))
        elif isinstance(r, Change):
            f = _eval_change(rule, r)
        else:
            f = None if r.holds else attrs.evolve(r.finding, rule=rule.id)
        if f is not None:
            out.append(f)
    for members in groups.values():
        failed = [i for _, _, i in members if i is not None and out[i].severity is rule.severity]
        if not failed:
            continue
        note = _forced([(r, m) for r, m, _ in members])
        if note:
            zh, en = note
            for i in failed:
                out[i] = attrs.evolve(out[i], message_zh=out[i].message_zh + zh, message_en=out[i].message_en + " " + en)
    return out


# -- rules generated from the family spec -------------------------------------------------------------
def _at(p: Published, ref: CellRef) -> Quantity | None:
    """The quantity of a cell named through the spec (``None`` when its table is missing)."""
    return p.cell(ref.table, ref.row, ref.column)


def _cell(table_id: str, row: str, column: str) -> CellRef:
    """A 部门决算 cell named through the spec (checked to exist)."""
    return family("final").cell(table_id, row, column)


def _cells(p: Published, tid: str, row: str, *cols: str) -> list[Quantity] | None:
    got = [p.cell(tid, row, c) for c in cols]
    return None if any(q is None for q in got) else got  # type: ignore[return-value]


def _top_rows(t: TableSpec, table: Table, side: str) -> list[str]:
    """Keys of the top-level subject rows of one side (or panel) of a printed table."""
    if t.subjects is None:
        return []
    # The rows whose parent is not printed: the 类 rows, or the 项 rows of a table printing
    # only 项 (泉州), so that the total is never compared with the sum of rows not printed.
    rows = [r for r in table.rows if r.code and r.side == side]
    codes = {r.code for r in rows}
    return [r.key for r in rows if r.code and not any(r.code[:n] in codes for n in (3, 5) if n < len(r.code))]


def _column_sums(t: TableSpec, columns: Sequence[ColumnSpec]) -> Callable[[Published], Iterator[Relation]]:
    """Every row with values: each column = Σ its declared ``sum_of`` columns."""

    def relations(p: Published) -> Iterator[Relation]:
        table = p.table(t.id)
        if table is None:
            return
        for col in columns:
            for r in table.rows:
                if not r.values or (col.side and r.side != col.side):
                    continue
                q = _cells(p, t.id, r.key, col.key, *(k for _, k in terms(col.sum_of)))
                if q:
                    yield Sum(q[0], tuple((sign, x) for (sign, _), x in zip(terms(col.sum_of), q[1:], strict=True)),
                              f"{t.label} {r.key}[{col.title}] = {' + '.join(k for _, k in terms(col.sum_of))}")
    return relations


def _row_sums(t: TableSpec, rows: Sequence[RowSpec]) -> Callable[[Published], Iterator[Relation]]:
    """Each row declared a sum = Σ its ``sum_of`` rows (:data:`SUBJECTS`: the side's top
    subject rows), in every column of its side."""

    def relations(p: Published) -> Iterator[Relation]:
        table = p.table(t.id)
        if table is None:
            return
        def parts_of(sum_of: tuple[str, ...], side: str, depth: int = 0) -> list[tuple[int, str]]:
            # A part row the table does not print (湖州's 预算04表 has no 本年支出合计) is
            # replaced by its own declared parts, so the total is still checked against what
            # is printed.  A row printed with cells not read stays: those are "not checked".
            out: list[tuple[int, str]] = []
            for sign, key in terms(sum_of):
                if key == SUBJECTS:
                    out.extend((sign, k) for k in _top_rows(t, table, side))
                elif not p.row_printed(t.id, key) and depth < 3 and (spec_row := t.fixed_row(key)) and spec_row.sum_of:
                    out.extend((sign * s, k) for s, k in parts_of(spec_row.sum_of, spec_row.side, depth + 1))
                else:
                    out.append((sign, key))
            return out

        for row in rows:
            if table.get_row(row.key) is None:
                continue  # not read: nothing to check it against
            parts = parts_of(row.sum_of, row.side)
            # A sum over the subject rows of a table with rows not placed is not checked.
            over_rows = SUBJECTS in (key for _, key in terms(row.sum_of)) and not p.complete(t.id)
            for col in t.columns_for(row.side):
                total = p.cell(t.id, row.key, col.key)
                qs = [(sign, p.cell(t.id, k, col.key)) for sign, k in parts]
                if over_rows:
                    qs.append((1, p.rows_not_placed(t.id)))
                if total is not None and all(q is not None for _, q in qs):
                    yield Sum(total, tuple((s, q) for s, q in qs if q is not None),
                              f"{t.label} {row.label}[{col.title}] = Σ {', '.join(k for _, k in parts)}")
    return relations


def _subject_hierarchy(t: TableSpec) -> Callable[[Published], Iterator[Relation]]:
    """Each subject row of a parent level = Σ its children (类 = Σ 款, 款 = Σ 项), every column."""
    assert t.subjects is not None
    levels = t.subjects.levels

    def relations(p: Published) -> Iterator[Relation]:
        table = p.table(t.id)
        if table is None:
            return
        codes = [r.code for r in table.rows if r.code]
        printed = {len(c) for c in codes}
        # A level finer than the layout's, printed by a place under some of its rows (重庆
        # prints 3010201 规范性津补贴 under 30102 津贴补贴): each such row = Σ its sub-rows.
        finer = [lv for lv in Level if lv.digits > levels[-1].digits and lv.digits in printed][:1]
        for col in t.columns_for(""):
            for parent, child in (*itertools.pairwise(levels), *((levels[-1], lv) for lv in finer)):
                if child.digits not in printed:
                    continue  # a table printing no row of that level (类 only): nothing to sum
                for c in codes:
                    if len(c) != parent.digits:
                        continue
                    total = p.cell(t.id, c, col.key)
                    if total is None:  # a column the report does not print: not read
                        continue
                    kids = tuple((1, q) for k in codes if len(k) == child.digits and k.startswith(c)
                                 and (q := p.cell(t.id, k, col.key)) is not None)
                    if child not in levels and not kids:
                        continue  # a row the place does not subdivide
                    if not p.complete(t.id):  # a row not placed may be one of its children
                        kids = (*kids, (1, p.rows_not_placed(t.id)))
                    yield Sum(total, kids, f"{t.label} {c}[{col.title}] = Σ 下级科目")
    return relations


def _identities(identities: Sequence[Identity], links: Sequence[SubjectLink]) -> Callable[[Published], Iterator[Relation]]:
    """Declared identities between cells, and subject-by-subject links between tables."""

    def relations(p: Published) -> Iterator[Relation]:
        for i in identities:
            left = _at(p, i.left)
            if left is None:
                continue
            options: list[tuple[str, Sum]] = []
            for d in i.definitions:
                right = [(ref.sign, _at(p, ref)) for ref in d.right]
                if all(q is not None for _, q in right):  # else a table it needs is absent
                    options.append((d.name, Sum(left, tuple((s, q) for s, q in right if q is not None), i.title)))
            if i.alternatives and options:
                yield AnyOf(tuple(options), i.title)
            elif options:
                yield options[0][1]
        for link in links:
            a, b = p.table(link.left_table), p.table(link.right_table)
            if a is None or b is None:
                continue
            codes = {r.code for t in (a, b) for r in t.rows if r.code and r.level is link.level}
            for c in sorted(codes):
                qa, qb = p.cell(link.left_table, c, link.left_column), p.cell(link.right_table, c, link.right_column)
                if qa is not None and qb is not None:  # else a column not printed: not read
                    yield Sum(qa, ((1, qb),), f"{a.label} {c} = {b.label} {c}")
    return relations


def _signed(parts: Iterable[tuple[int, str]]) -> str:
    """``a + b − c`` from signed names."""
    text = "".join(f" {'−' if sign < 0 else '+'} {name}" for sign, name in parts)
    return text[3:] if text.startswith(" + ") else text.lstrip()


def _sum_text(keys: tuple[str, ...], name: Callable[[str], str]) -> str:
    return _signed((sign, "Σ 类" if k == SUBJECTS else name(k)) for sign, k in terms(keys))


def _identity_text(i: Identity) -> str:
    def side(refs: tuple[CellRef, ...]) -> str:
        return _signed((r.sign, str(attrs.evolve(r, sign=1))) for r in refs)
    if not i.alternatives:
        return f"{i.left} = {side(i.right)}"
    # Each definition named: 本年 a, or 本年+上年结转 a + b.
    return f"{i.left} = " + " or ".join(f"{side(d.right)} ({d.name})" for d in i.definitions)


def _refs(declarations: Iterable[ColumnSpec | RowSpec | SubjectRows | Identity | SubjectLink]) -> str:
    """The reference ids (``I01`` …) of the declarations a rule comes from."""
    return ", ".join(dict.fromkeys(d.ref for d in declarations if d.ref))


def generated_rules(fam: FamilySpec) -> tuple[Rule, ...]:
    """The rules that follow from a family spec: row sums from the column declarations, the
    fixed rows' sums, 类 = Σ 款 = Σ 项, both sides of a 总表 and the cross-table identities.
    Ids are ``<family>.t<table>.<rule>`` and ``<family>.<identity>``."""
    out: list[Rule] = []
    for t in fam.tables:
        prefix = f"{fam.id}.t{t.id}"

        def col_title(k: str, t: TableSpec = t) -> str:
            return t.column(k).title

        def row_title(k: str, t: TableSpec = t) -> str:
            return t.row(k).label

        by_rule: dict[str, list[ColumnSpec]] = defaultdict(list)
        for c in t.columns:
            if c.sum_of:
                by_rule[c.rule or f"row-{c.key.replace('_', '-')}"].append(c)
        for name, cols in by_rule.items():
            eq = "; ".join(f"{t.id}[r].{c.title} = {_sum_text(c.sum_of, col_title)}" for c in cols)
            out.append(Rule(f"{prefix}.{name}", "in-table sum", ERROR, f"{t.label} 每行 {eq.replace(f'{t.id}[r].', '')}",
                            f"Table {t.id}: in every row, " + "; ".join(
                                f"{c.key} = {_sum_text(c.sum_of, str)}" for c in cols),
                            eq, _column_sums(t, cols), _refs(cols)))
        rows_by_rule: dict[str, list[RowSpec]] = defaultdict(list)
        for r in t.rows:
            if r.sum_of:
                rows_by_rule[r.rule or r.key.replace("_", "-")].append(r)
        hierarchy = t.subjects.rule if t.subjects is not None and len(t.subjects.levels) > 1 else None
        for name, rows in rows_by_rule.items():
            if name == hierarchy:
                continue
            eq = "; ".join(f"{t.id}.{r.label} = {_sum_text(r.sum_of, row_title)}" for r in rows)
            out.append(Rule(f"{prefix}.{name}", "in-table sum", ERROR, f"{t.label} {eq.replace(f'{t.id}.', '')}",
                            f"Table {t.id}: " + "; ".join(f"{r.key} = {_sum_text(r.sum_of, str)}" for r in rows)
                            + " (in every column of its side)", eq, _row_sums(t, rows), _refs(rows)))
        if hierarchy is not None:
            assert t.subjects is not None
            rows = rows_by_rule.get(hierarchy, [])
            names = [lv.value for lv in t.subjects.levels]
            eq = ", ".join(f"{t.id}[{a}] = Σ {t.id}[{b}]" for a, b in itertools.pairwise(names))
            eq += "".join(f", {t.id}[{r.label}] = Σ {t.id}[{names[0]}]" for r in rows)
            hier, sums = _subject_hierarchy(t), _row_sums(t, rows)

            def both(p: Published, h: Callable[[Published], Iterator[Relation]] = hier,
                     s: Callable[[Published], Iterator[Relation]] = sums) -> Iterator[Relation]:
                yield from s(p)
                yield from h(p)
            out.append(Rule(f"{prefix}.{hierarchy}", "in-table sum", ERROR,
                            f"{t.label} " + " = Σ ".join(names) + "".join(f", {r.label} = Σ {names[0]}" for r in rows)
                            + "（每一栏）",
                            f"Table {t.id}: " + " = Σ ".join(names) + (" and the total" if rows else "")
                            + " in every column", eq,
                            both, _refs([t.subjects, *rows])))
        by_id: dict[str, list[Identity]] = defaultdict(list)
        for i in t.identities:
            by_id[i.id].append(i)
        for name, group in by_id.items():
            out.append(Rule(f"{prefix}.{name}", "balance", ERROR, group[0].title, f"Table {t.id}: {name}",
                            "; ".join(_identity_text(i) for i in group),
                            _identities(group, ()), _refs(group)))
    ids = list(dict.fromkeys([*(i.id for i in fam.identities), *(link.id for link in fam.links)]))
    for name in ids:
        group = [i for i in fam.identities if i.id == name]
        links = [link for link in fam.links if link.id == name]
        title = (group or links)[0].title
        eq = "; ".join([*(_identity_text(i) for i in group),
                        *(f"{lk.left_table}[{lk.level.value}].{lk.left_column} = "
                          f"{lk.right_table}[{lk.level.value}].{lk.right_column}" for lk in links)])
        out.append(Rule(f"{fam.id}.{name}", "cross-table", ERROR, title, f"Across tables: {name}", eq,
                        _identities(group, links), _refs([*group, *links])))
    return tuple(out)


# -- hand-written table rules (cells named through the spec) ----------------------------------------
def _x_within_t03(tid: str, pairs: Sequence[tuple[str, str]], level3_only: bool) -> Callable[[Published], Iterator[Relation]]:
    """Each subject row of ``tid`` ≤ the same subject of 公开03, column by column (columns
    checked against the spec when the rule is made)."""
    for mine, theirs in pairs:
        family("final").table(tid).column(mine)
        family("final").table("03").column(theirs)

    def relations(p: Published) -> Iterator[Relation]:
        table = p.table(tid)
        if table is None or not p.has("03"):
            return
        for r in table.rows:
            if not r.code or (level3_only and len(r.code) != 3) or r.side not in ("", "expenditure"):
                continue
            for mine, theirs in pairs:
                a, b = p.cell(tid, r.key, mine), p.cell("03", r.key, theirs)
                assert a is not None and b is not None
                yield AtMost(a, b, f"公开{tid}表 {r.key}[{mine}] ≤ 公开03表 {r.key}[{theirs}]")
    return relations


def _x_t04_within_t01(p: Published) -> Iterator[Relation]:
    for mine, theirs in ((_cell("04", "opening_fiscal", "amount"), _cell("01", "opening_balance", "amount")),
                         (_cell("04", "closing_fiscal", "total"), _cell("01", "closing_balance", "amount"))):
        a, b = _at(p, mine), _at(p, theirs)
        if a is not None and b is not None:
            yield AtMost(a, b)


def _x_t06_within_t09(p: Published) -> Iterator[Relation]:
    for code, col in (("30212", "actual_abroad"), ("30217", "actual_reception"),
                      ("30231", "actual_vehicle_operation"), ("31013", "actual_vehicle_purchase")):
        part, whole = _cell("06", code, "amount"), _cell("09", "three_public", col)
        a, b = _at(p, part), _at(p, whole)
        if a is not None and b is not None:
            yield AtMost(a, b, f"{part} ≤ {whole}（基本支出是“三公”的一部分）")


def _empty_statements(p: Published) -> Iterator[Relation]:
    for spec in p.spec.tables:
        tid, table = spec.id, p.table(spec.id)
        if table is None or spec.empty_statement is None:
            continue
        stated = p.statements.get(tid)
        if stated and not table.is_empty:
            yield _note(ERROR, Location(tid), f"公开{tid}表有数据，却说明“{stated}”。",
                       f"Table {tid} has figures but states that it has none: “{stated}”.")
        elif not stated and table.is_empty and table.empty_statement and p.has_statements:
            yield _note(INFO, Location(tid), f"公开{tid}表无数据，未附说明（{table.empty_statement}）。",
                       f"Table {tid} is empty and does not say why (expected: {table.empty_statement}).")
        else:
            state = "无数据，并附说明" if stated else ("有数据" if not table.is_empty else "无数据")
            yield _note(ERROR, Location(tid), f"公开{tid}表{state}。", f"table {tid}: statement and figures agree.",
                       holds=True)


# -- text rules -----------------------------------------------------------------------------------------
def _text_table_map(p: Published) -> Iterator[tuple[str, CellRef]]:
    """Text figure key → the table cell it paraphrases."""
    yield "total.amount", _cell("01", "income_grand_total", "amount")
    yield "income.total", _cell("01", "income_total", "amount")
    for k, _ in INCOME_LABELS:
        yield f"income.{k}.amount", _cell("02", "total", k)
    yield "expenditure.total", _cell("01", "expenditure_total", "amount")
    for k, _ in NATURE_LABELS:
        yield f"expenditure.{k}.amount", _cell("03", "total", k)
    yield "fiscal.total", _cell("04", "income_grand_total", "amount")
    for key in ("gpb.total", "gpb_structure.total", "gpb_budget.actual"):
        yield key, _cell("05", "total", "total")
    yield "basic.total", _cell("05", "total", "basic")
    yield "basic.personnel", _cell("06", "personnel_total", "amount")
    yield "basic.public", _cell("06", "public_total", "amount")
    for k in ("income", "expenditure", "closing"):
        yield f"government_fund.{k}", _cell("07", "total", k)
    yield "state_capital.expenditure", _cell("08", "total", "total")
    yield "three_public.budget", _cell("09", "three_public", "budget_total")
    yield "three_public.actual", _cell("09", "three_public", "actual_total")
    for k, _ in THREE_PUBLIC_ITEMS:
        yield f"three_public.{k}.actual", _cell("09", "three_public", f"actual_{k}")
        yield f"three_public.detail.{k}.actual", _cell("09", "three_public", f"actual_{k}")
        yield f"three_public.detail.{k}.budget", _cell("09", "three_public", f"budget_{k}")
    yield "three_public.vehicle_purchase", _cell("09", "three_public", "actual_vehicle_purchase")
    yield "three_public.vehicle_operation", _cell("09", "three_public", "actual_vehicle_operation")
    if p.narrative is not None:
        for key in p.narrative.figures:
            parts = key.split(".")
            if parts[0] == "gpb_structure" and len(parts) == 3 and parts[2] == "amount":
                yield key, attrs.evolve(_cell("05", "total", "total"), row=parts[1])
            if parts[0] == "gpb_budget" and len(parts) == 3 and parts[2] == "actual":
                yield key, attrs.evolve(_cell("05", "total", "total"), row=parts[1])


def _text_table_figures(p: Published) -> Iterator[Relation]:
    for key, cell in _text_table_map(p):
        f, c = p.figure(key), _at(p, cell)
        if f is not None and c is not None:
            yield Sum(f, ((1, c),), f"情况说明 {key} = {c.name}")


def _fig_or_cell(p: Published, key: str, cell: CellRef | None) -> Quantity | None:
    return p.figure(key) or (_at(p, cell) if cell else None)


def _label_of(p: Published, key: str) -> str:
    parts = key.split(".")
    if parts[0] == "gpb_structure" and p.edition:
        fc = catalog(Scheme.FUNCTIONAL, p.edition)
        return f"{fc[parts[1]].name}（{parts[1]}）占比" if parts[1] in fc else key
    return key


def _shares(p: Published) -> Iterator[Relation]:
    if p.narrative is None:
        return
    groups: list[tuple[str, list[str], str, CellRef | None]] = [
        ("income", [k for k, _ in INCOME_LABELS], "income.total", _cell("01", "income_total", "amount")),
        ("expenditure", [k for k, _ in NATURE_LABELS], "expenditure.total", _cell("01", "expenditure_total", "amount")),
        ("three_public", [k for k, _ in THREE_PUBLIC_ITEMS], "three_public.actual", _cell("09", "three_public", "actual_total")),
    ]
    for prefix, keys, whole_key, whole_cell in groups:
        whole = _fig_or_cell(p, whole_key, whole_cell)
        for k in keys:
            stated = p.figure(f"{prefix}.{k}.share")
            part = p.figure(f"{prefix}.{k}.amount") or p.figure(f"{prefix}.{k}.actual")
            if stated is not None and part is not None and whole is not None:
                yield Ratio(stated, part, whole, f"{prefix}.{k}.share", prefix)
    whole = _fig_or_cell(p, "gpb_structure.total", _cell("05", "total", "total"))
    for key in p.narrative.figures:
        parts = key.split(".")
        if parts[0] == "gpb_structure" and len(parts) == 3 and parts[2] == "share":
            stated, part = p.figure(key), p.figure(f"gpb_structure.{parts[1]}.amount")
            if stated is not None and part is not None and whole is not None:
                yield Ratio(stated, part, whole, _label_of(p, key), "gpb_structure")
    for share, part_key, whole_key in (
        ("gpb.share_of_expenditure", "gpb.total", "expenditure.total"),
        ("procurement.to_sme.share", "procurement.to_sme", "procurement.total"),
        ("procurement.to_small_micro.share", "procurement.to_small_micro", "procurement.to_sme"),
    ):
        stated = p.figure(share)
        part = p.figure(part_key)
        whole_q = p.figure(whole_key) or (_at(p, _cell("01", "expenditure_total", "amount")) if whole_key == "expenditure.total" else None)
        if stated is not None and part is not None and whole_q is not None:
            yield Ratio(stated, part, whole_q, share)


def _completion(p: Published) -> Iterator[Relation]:
    if p.narrative is None:
        return
    pairs = [("gpb_budget.rate", "gpb_budget.actual", "gpb_budget.total"),
             ("three_public.rate", "three_public.actual", "three_public.budget")]
    for key in p.narrative.figures:
        parts = key.split(".")
        if parts[0] == "gpb_budget" and len(parts) == 3 and parts[2] == "rate":
            pairs.append((key, f"gpb_budget.{parts[1]}.actual", f"gpb_budget.{parts[1]}.budget"))
    for k, _ in THREE_PUBLIC_ITEMS:
        pairs.append((f"three_public.detail.{k}.rate", f"three_public.detail.{k}.actual", f"three_public.detail.{k}.budget"))
    for rate, actual, budget in pairs:
        stated, a, b = p.figure(rate), p.figure(actual), p.figure(budget)
        if stated is not None and a is not None and b is not None:
            yield Ratio(stated, a, b, rate)
    for k, _ in THREE_PUBLIC_ITEMS:  # the summary sentence gives no item budget: take it from 公开09表
        stated, a = p.figure(f"three_public.{k}.rate"), p.figure(f"three_public.{k}.actual")
        b = p.figure(f"three_public.detail.{k}.budget") or _at(p, _cell("09", "three_public", f"budget_{k}"))
        if stated is not None and a is not None and b is not None:
            yield Ratio(stated, a, b, f"three_public.{k}.rate")


_CHANGES = (("total", "total.amount", "收、支总计"), ("fiscal", "fiscal.total", "财政拨款收、支总计"),
            ("gpb", "gpb.total", "一般公共预算财政拨款支出"), ("office", "office.amount", SectionTopic.OFFICE_OPERATING.value),
            # Shanghai's 七（一）: 决算数比 2023 年度减少 Δ，下降 r%，其中：因公出国（境）费支出决算减少 …
            ("three_public", "three_public.actual", SectionTopic.THREE_PUBLIC.value),
            *((f"three_public.{k}", f"three_public.{k}.actual", label) for k, label in THREE_PUBLIC_ITEMS))


def _changes(p: Published) -> Iterator[Relation]:
    for prefix, current_key, label in _CHANGES:
        change, current = p.figure(f"{prefix}.change"), p.figure(current_key)
        if change is not None and current is not None:
            yield Change(change, p.figure(f"{prefix}.change_rate"), current, f"{label}与上年相比")


def _change_agreement(p: Published) -> Iterator[Relation]:
    fiscal, gpb = p.figure("fiscal.total"), p.figure("gpb.total")
    fc, gc = p.figure("fiscal.change"), p.figure("gpb.change")
    if None in (fiscal, gpb, fc, gc):
        return
    assert fiscal and gpb and fc and gc
    if fiscal.value == gpb.value:
        yield _note(WARNING, fc.location,
                   f"财政拨款收支总计与一般公共预算财政拨款支出本年相同（{fiscal.value} 万元），但与上年相比的增减额不同："
                   f"{fc.value} 万元与 {gc.value} 万元；上年的结转结余可以解释这一差异，请核实。",
                   f"The 财政拨款 total and the GPB expenditure are equal this year ({fiscal.value} 万元) but their "
                   f"year-on-year changes differ ({fc.value} vs {gc.value} 万元); a prior-year carry-over could "
                   "explain it — please verify.", str(fc.value), str(gc.value),
                   holds=abs(fc.value - gc.value) <= fc.half_width + gc.half_width)


def _budget_total(p: Published) -> Iterator[Relation]:
    if p.narrative is None:
        return
    total = p.figure("gpb_budget.total")
    keys = [k for k in p.narrative.figures if k.startswith("gpb_budget.") and k.endswith(".budget")]
    if total is None or not keys:
        return
    terms = tuple((1, q) for k in keys if (q := p.figure(k)) is not None)
    s = sum((q.value for _, q in terms), Decimal(0))
    envelope = total.half_width + sum((q.half_width for _, q in terms), Decimal(0))
    if abs(total.value - s) <= envelope:
        yield Sum(total, terms, "五（三） 年初预算 = Σ 各项年初预算")
        return
    actual, rate = p.figure("gpb_budget.actual"), p.figure("gpb_budget.rate")
    zh = f"年初预算合计列示 {total.value} 万元，其下所列 {len(terms)} 个项的年初预算合计 {s} 万元。"
    en = f"The 年初预算 total is printed as {total.value} 万元 but the {len(terms)} 项 budgets listed under it add up to {s} 万元."
    if actual is not None and rate is not None and s:
        right = round_half_up(actual.value * 100 / s)
        ratio = (total.value / s).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        zh += f"因此完成率 {rate.value}% 也有误：{actual.value} / {s} = {right}%。（列示数约为应有数的 {ratio} 倍。）"
        en += f" The completion rate {rate.value}% is therefore wrong too: {actual.value} / {s} = {right}% (the printed total is {ratio}× the sum)."
    yield _note(ERROR, total.location, zh, en, str(total.value), f"{s} ± {envelope}")


def _section_id(n: Narrative, topic: SectionTopic) -> str | None:
    """The number of the section about ``topic`` as the text prints it (七 or 九 for 三公)."""
    found = n.section_about(topic)
    return found.id if found is not None else None


def _budget_items(p: Published) -> Iterator[Relation]:
    t05 = p.table("05")
    if p.narrative is None or t05 is None or p.figure("gpb_budget.total") is None:
        return
    section = p.narrative.section_of("gpb_budget.total")  # 具体情况, whatever its number
    for r in t05.rows:
        if r.code and len(r.code) == 7 and any(r.values):
            described = p.figure(f"gpb_budget.{r.code}.actual") is not None
            yield _note(WARNING, Location(section=section, key=f"gpb_budget.{r.code}"),
                       f"公开05表的项 {r.code} {r.label} {'已' if described else '未'}在“具体情况”中说明。",
                       f"项 {r.code} {r.label} of table 05 is {'' if described else 'not '}described under 具体情况.",
                       holds=described)


def _basic_names(p: Published) -> Iterator[Relation]:
    t06 = p.table("06")
    if p.narrative is None or t06 is None:
        return
    lists = p.narrative.lists
    for panel, key in (("personnel", "basic.personnel.items"), ("public", "basic.public.items")):
        if key not in lists:
            continue
        stated = set(lists[key])
        # A printed 0.00 stands for a small nonzero amount; only a blank (or exact zero) is none.
        nonzero = {r.label for r in t06.rows if r.side == panel and r.code and len(r.code) == 5
                   and any(v != 0 or (not p.exact and not is_blank(v)) for v in r.values)}
        named_zero = sorted(stated - nonzero)
        missing = sorted(nonzero - stated)
        yield _note(WARNING, Location(section=_section_id(p.narrative, SectionTopic.BASIC), key=key),
                   f"“主要包括”所列款与公开06表不符：多列 {('、'.join(named_zero)) or '无'}；漏列 {('、'.join(missing)) or '无'}。"
                   if named_zero or missing else f"“主要包括”所列 {len(stated)} 个款即公开06表的非零款。",
                   f"The 款 named as 主要包括 do not match table 06: named but zero {named_zero or 'none'}; "
                   f"nonzero but not named {missing or 'none'}.",
                   holds=not (named_zero or missing))


def _text_sums(p: Published) -> Iterator[Relation]:
    def s(total: str, *terms: str) -> Iterator[Relation]:
        t = p.figure(total)
        qs = [p.figure(x) for x in terms]
        if t is not None and all(q is not None for q in qs):
            yield Sum(t, tuple((1, q) for q in qs if q is not None), f"{total} = {' + '.join(terms)}")

    yield from s("procurement.total", "procurement.goods", "procurement.works", "procurement.services")
    yield from s("three_public.actual", *(f"three_public.{k}.actual" for k, _ in THREE_PUBLIC_ITEMS))
    yield from s("three_public.detail.vehicles.actual", "three_public.vehicle_purchase", "three_public.vehicle_operation")
    yield from s("three_public.detail.reception.actual", "three_public.foreign_reception", "three_public.domestic_reception")
    yield from s("performance.self_evaluated", *(f"performance.rating.{r}" for r in ("优", "良", "中", "差")))
    if p.narrative is not None:
        cats = [k for k in p.narrative.figures if k.startswith("assets.vehicles.")]
        if cats:
            yield from s("assets.vehicles", *cats)


def _where(section: str, line: int | None, word: str) -> str:
    return f"{section} {word.format(line)}".strip() if line else section


def restatements(p: Published) -> Iterator[Relation]:
    """A figure the text states twice (Shanghai 七（一） and 七（二） both give each “三公”
    item's 决算; a budget restates its totals): the first is the one the other rules use, and
    each other statement must agree with it within the printed precision of both (6.2 and
    6.20 agree; 5.00 and 5.10 do not).  Both families' text rules use this."""
    if p.narrative is None:
        return
    for key, statements in p.narrative.restatements.items():
        (first_section, first), *others = statements
        a = figure_quantity(first, first_section)
        for section, f in others:
            b = figure_quantity(f, section)
            zh_a, zh_b = _where(first_section, first.line, "第 {} 行"), _where(section, f.line, "第 {} 行")
            en_a, en_b = _where(first_section, first.line, "line {}"), _where(section, f.line, "line {}")
            yield _note(ERROR, b.location,
                        f"{key} 前后两处不一致：{zh_a} 为 {a.shown}，{zh_b} 为 {b.shown}（超出列示精度）。",
                        f"{key} is stated twice with different values: {a.shown} ({en_a}) and {b.shown} ({en_b}), "
                        "beyond their printed precision.",
                        b.shown, a.shown, holds=abs(a.value - b.value) <= a.half_width + b.half_width)


def _office_within_public(p: Published) -> Iterator[Relation]:
    a, b = p.figure("office.amount"), _at(p, _cell("06", "public_total", "amount"))
    if a is not None and b is not None:
        yield AtMost(a, b, "机关运行经费 ≤ 公开06表 公用经费合计")


def _empty_funds(p: Published) -> Iterator[Relation]:
    if p.narrative is None:
        return
    for flag, tid, topic in (("government_fund.none", "07", SectionTopic.GOVERNMENT_FUND),
                             ("state_capital.none", "08", SectionTopic.STATE_CAPITAL)):
        name = topic.value  # the fund as the text's section names it
        table = p.table(tid)
        if flag in p.narrative.flags and table is not None:
            yield _note(ERROR, Location(section=_section_id(p.narrative, topic)),
                       f"情况说明称没有{name}收支，{'但' if not table.is_empty else '与'}公开{tid}表"
                       f"{'有数据' if not table.is_empty else '一致'}。",
                       f"The text says there is no {name} income or expenditure, but table {tid} has figures.",
                       holds=table.is_empty)


# -- the catalogue ----------------------------------------------------------------------------------------
def _r(id: str, kind: str, severity: Severity, zh: str, en: str, equation: str,
       relations: Callable[[Published], Iterator[Relation]], spec: str = "") -> Rule:
    return Rule(id, kind, severity, zh, en, equation, relations, spec)


def _hand_written_final() -> tuple[Rule, ...]:
    """The 部门决算 rules that do not follow from the spec alone (part ≤ whole, statements,
    the text against the tables)."""
    return (
        _r("final.x.t05-within-t03", "part of whole", ERROR, "公开05表 每行 ≤ 公开03表 同行（小计、基本、项目）",
           "Table 05 ≤ table 03, row by row", "05[r].小计 ≤ 03[r].本年支出合计; 05[r].基本 ≤ 03[r].基本; 05[r].项目 ≤ 03[r].项目",
           _x_within_t03("05", (("total", "total"), ("basic", "basic"), ("project", "project")), False), "X11"),
        _r("final.x.t04-within-t03", "part of whole", ERROR, "公开04表 每类 合计 ≤ 公开03表 同类", "Table 04 ≤ table 03, by 类",
           "04[类].合计 ≤ 03[类].本年支出合计", _x_within_t03("04", (("total", "total"),), True), "X11"),
        # A warning, not an error: 公开01's 年末 also holds the non-fiscal balance, which a unit
        # that overspent its own funds (or distributed more than its surplus) can make negative.
        _r("final.x.t04-within-t01", "part of whole", WARNING, "公开04表 财政拨款结转结余 ≤ 公开01表 结转结余（年初、年末）",
           "Table 04 fiscal balances ≤ table 01 balances",
           "04.年初财政拨款结转和结余 ≤ 01.年初结转和结余; 04.年末 ≤ 01.年末结转和结余", _x_t04_within_t01, "X12"),
        _r("final.x.t06-within-t09", "part of whole", ERROR, "公开06表 三公相关款 ≤ 公开09表 决算数",
           "Table 06 “三公” 款 ≤ table 09 actuals",
           "06[30212] ≤ 09.因公出国(境); 06[30217] ≤ 09.公务接待; 06[30231] ≤ 09.运行维护; 06[31013] ≤ 09.购置",
           _x_t06_within_t09, "X14"),
        _r("final.tables.empty-statement", "statement", ERROR, "公开07/08/09表 “本表无数据”说明与表内数据一致",
           "The “no data” statement under tables 07/08/09 agrees with their figures",
           "statement printed ⇔ table empty", _empty_statements, ""),
        _r("final.text.table-figures", "text ↔ table", ERROR, "情况说明中的金额 = 所转述的表内数", "Every amount in the text = the table cell it paraphrases",
           "说明.X = 表.X (e.g. 一.收支总计 = 01.总计; 五（二）.类 = 05[类].小计)", _text_table_figures, "X16"),
        _r("final.text.shares", "share", ERROR, "情况说明中的占比 = 部分 / 整体（两位小数，四舍五入）",
           "Every share (占 p%) = part / whole, rounded half up to two decimals",
           "p = ROUND_HALF_UP(part / whole × 100, 2), for some part and whole within their printed intervals", _shares, ""),
        _r("final.text.completion", "completion", ERROR, "完成预算的 q% = 决算 / 预算", "Every completion rate = actual / budget",
           "q = ROUND_HALF_UP(决算 / 年初预算 × 100, 2); no rate for a zero budget", _completion, ""),
        _r("final.text.change", "year on year", ERROR, "与上年相比的增减率 = |增减额| / 上年数",
           "Every year-on-year rate fits its amount: r = |Δ| / (current − Δ)",
           "r = ROUND_HALF_UP(|Δ| / (本年 − Δ) × 100, 2); no rate when the prior year is zero", _changes, ""),
        _r("final.text.change-agreement", "year on year", WARNING, "四、五（一）的增减额在本年数相同时应一致",
           "Sections 四 and 五(一) give the same change when their current figures are equal",
           "四.财政拨款 = 五（一）.一般公共预算 ⇒ Δ四 = Δ五（一） (warning: a carry-over can explain a difference)",
           _change_agreement, ""),
        _r("final.text.budget-total", "text sum", ERROR, "五（三）年初预算合计 = 所列各项年初预算之和",
           "The 年初预算 total = sum of the 项 budgets listed under it", "五（三）.年初预算 = Σ 五（三）[项].年初预算",
           _budget_total, ""),
        _r("final.text.budget-items", "coverage", WARNING, "公开05表每个项都在五（三）中说明", "Every 项 of table 05 is described in 五(三)",
           "{项 of 05} ⊆ {项 of 五（三）}", _budget_items, ""),
        _r("final.text.basic-names", "names", WARNING, "六 “主要包括”所列款 = 公开06表非零款", "The 款 named in 六 = the nonzero 款 of table 06",
           "names(六.人员经费) = {06 款 ∈ 301, 303 : ≠ 0}; names(六.公用经费) = {other 06 款 ≠ 0}", _basic_names, ""),
        _r("final.text.sums", "text sum", ERROR, "情况说明内的合计关系（政府采购、三公、车辆、绩效自评）",
           "Sums stated in the text (procurement, “三公”, vehicles, self-evaluations)",
           "采购总额 = 货物 + 工程 + 服务; 三公决算 = Σ 三项; 车辆 = Σ 类别; 自评项目数 = Σ 各等级", _text_sums, ""),
        _r("final.text.restated", "restatement", ERROR, "情况说明中同一数字前后两处列示一致",
           "A figure the text states twice has one value", "说明.X（第一次）= 说明.X（再次列示），within the printed precision",
           restatements, ""),
        _r("final.text.office-within-public", "part of whole", WARNING, "机关运行经费 ≤ 公开06表 公用经费合计",
           "机关运行经费 ≤ table 06 public-expense total", "十.机关运行经费 ≤ 06.公用经费合计", _office_within_public, "X15"),
        _r("final.text.empty-funds", "statement", ERROR, "七、八的“没有…收支”与公开07、08表一致",
           "The “no fund income/expenditure” sentences of 七/八 agree with tables 07/08",
           "说明“没有政府性基金…” ⇒ 07 empty; “没有国有资本经营…” ⇒ 08 empty", _empty_funds, ""),
    )


#: Rules a family adds by hand to those generated from its spec.
def _hand_written_budget() -> tuple[Rule, ...]:
    from govbudget.budget.rules import hand_written  # the budget family's own module

    return hand_written()


_HAND_WRITTEN: Mapping[str, Callable[[], tuple[Rule, ...]]] = {
    "final": _hand_written_final, "budget": _hand_written_budget}


@functools.cache
def family_rules(family_id: str = "final") -> tuple[Rule, ...]:
    """Every rule of a family: generated from its spec, then its hand-written ones."""
    hand = _HAND_WRITTEN.get(family_id)
    return generated_rules(family(family_id)) + (hand() if hand else ())


#: The rules of the 部门决算 family (``final.*``).
RULES: tuple[Rule, ...] = family_rules("final")

def rule(rule_id: str, family_id: str = "final") -> Rule:
    """A rule by id (``final.t05.row-natures``; the family prefix may be left out);
    :class:`KeyError` names the close ids."""
    by_id = {r.id: r for r in family_rules(family_id)}
    found = by_id.get(rule_id) or by_id.get(f"{family_id}.{rule_id}")
    if found is not None:
        return found
    import difflib

    close = difflib.get_close_matches(rule_id, by_id, 3) or difflib.get_close_matches(f"{family_id}.{rule_id}", by_id, 3)
    raise KeyError(f"no rule {rule_id!r}" + (f"; did you mean {', '.join(close)}?" if close else ""))


def relations_of(p: Published, rules: Iterable[Rule] | None = None) -> Iterator[tuple[Rule, Relation]]:
    """Every relation each rule asserts on ``p`` (what the checker evaluates); by default the
    rules of ``p``'s family."""
    for r in family_rules(p.family) if rules is None else rules:
        for rel in r.relations(p):
            yield r, rel


# -- the report -------------------------------------------------------------------------------------------
_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}


@attrs.frozen
class Report:
    """The findings on one disclosure, errors first."""

    source: str
    findings: tuple[Finding, ...]

    def of(self, severity: Severity) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is severity)

    @property
    def errors(self) -> tuple[Finding, ...]:
        return self.of(ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return self.of(WARNING)

    @property
    def infos(self) -> tuple[Finding, ...]:
        return self.of(INFO)

    @property
    def ok(self) -> bool:
        """True when there is no error."""
        return not self.errors

    def summary(self) -> str:
        """One line: ``source: 3 errors, 12 warnings, 4 info``."""
        return f"{self.source}: {len(self.errors)} errors, {len(self.warnings)} warnings, {len(self.infos)} info"

    def to_text(self) -> str:
        return "\n".join([*(str(f) for f in self.findings), self.summary()]) + "\n"

    def to_json(self) -> dict[str, Any]:
        """The report as JSON-ready data (one entry of ``govbudget/check/1``)."""
        from govbudget.convert import unstructure

        data: dict[str, Any] = unstructure(self)
        return data

    def __repr__(self) -> str:
        return f"<Report {self.summary()}>"


@in_wide_context
def check(target: Published | Disclosure | Ledger, *, narrative: Narrative | None = None,
          rules: Iterable[Rule] | None = None) -> Report:
    """Apply the rules (by default those of the disclosure's family) and report every finding.

    ``target`` is a :class:`~govbudget.published.Published` (read from a report), a derived
    :class:`~govbudget.tables.Disclosure` (checked exactly), or a :class:`~govbudget.ledger.Ledger`
    (its tables are derived and its explanatory text generated, then both are checked).
    """
    ledger_findings: tuple[Finding, ...] = ()
    if isinstance(target, Ledger):
        from govbudget.narrative import build
        from govbudget.validate import ledger_findings as of_ledger

        d = derive(target)
        ledger_findings = of_ledger(target, d)  # impossible or missing facts (govbudget.validate)
        target = from_disclosure(d, narrative if narrative is not None else build(target, d))
    elif isinstance(target, Disclosure):
        target = from_disclosure(target, narrative)
    elif not isinstance(target, Published):
        from govbudget.errors import ArgumentError

        raise ArgumentError(f"check(): cannot check a {type(target).__name__}; give a Published, Disclosure or Ledger")
    findings = [*target.reader_findings, *ledger_findings]
    if rules is None and target.family not in family_ids():
        # A family read from a document but whose rules are not shipped: said, not guessed.
        findings.append(Finding(f"{target.family}.not-checked", INFO, Location(),
                                f"本版本没有“{target.family}”类公开文件的规则：表格已读取，未检查。",
                                f"no rules for the {target.family!r} family in this build: tables read, not checked."))
        rules = ()
    for r in family_rules(target.family) if rules is None else rules:
        findings += r.check(target)
    findings.sort(key=lambda f: _ORDER[f.severity])
    return Report(target.source, tuple(findings))


def to_json(reports: Sequence[Report]) -> str:
    """Reports as JSON (schema ``govbudget/check/1``); :func:`reports_from_json` reads it back."""
    from govbudget.convert import SCHEMAS, unstructure

    data = {"schema": SCHEMAS["check"], "reports": [unstructure(r) for r in reports]}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def reports_from_json(text: str, *, source: str = "check JSON") -> tuple[Report, ...]:
    """The reports of a ``govbudget/check/1`` file, as written by :func:`to_json`."""
    from govbudget.convert import SCHEMAS, parse_json, structure

    data = parse_json(text, source=source)
    if not isinstance(data, dict) or data.get("schema") != SCHEMAS["check"] or set(data) != {"schema", "reports"}:
        raise FormatError(f"{source}: $: expected {{\"schema\": {SCHEMAS['check']!r}, \"reports\": […]}}")
    return structure(data["reports"], tuple[Report, ...], source=source)
