"""Impossible and incomplete ledgers as findings (账本校验): pure functions that return
:class:`~govbudget.published.Finding` records, beancount style, never raise for a finding.

:func:`govbudget.ledger.validate` refuses a ledger whose facts cannot be placed (an unknown
code, a 财政拨款 that funds 经营支出).  What is checked here can be placed but cannot be
right, or is not all there:

* a negative figure in a derived table (年末结转和结余 −551.64 after a forgotten income line);
* spending from a source that has neither income nor an opening balance;
* a fact stated twice (two ``initial_budget`` entries for one 项, a vehicle category twice);
* counts that contradict each other or are out of range (fewer 人次 than 团组, a score > 100);
* metadata that is junk (an empty department) or an edition that does not fit the year;
* a missing fact (no “三公”经费, 政府采购, 国有资产, 机关运行经费 or 年初预算 facts): a warning, as
  the text prints 〔待补充〕 and the tables a blank cell, never a zero for it.

Each finding names the facts involved.  ``govbudget validate`` prints them; ``check`` of a
ledger adds them to its report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from govbudget.classification import EDITIONS, edition_for_year
from govbudget.errors import FormatError, require
from govbudget.ledger import YEAR_RANGE, IncomeSource, Ledger, iter_problems
from govbudget.money import ZERO, Unit, convert, to_decimal
from govbudget.published import Finding, Location, Severity
from govbudget.render import printed
from govbudget.tables import Disclosure, derive

__all__ = ["budget_ledger_findings", "check_disclosure_data", "ledger_findings"]

_E, _W = Severity.ERROR, Severity.WARNING


def _wan(yuan: Decimal) -> str:
    return f"{convert(yuan, Unit.YUAN, Unit.WAN):.2f}"


def _fact(rule: str, severity: Severity, path: str, zh: str, en: str,
          stated: str | None = None, expected: str | None = None) -> Finding:
    return Finding(rule, severity, Location(section="ledger", key=path), zh, en, stated, expected)


def _negative_cells(d: Disclosure) -> Iterator[Finding]:
    for tid, table in d.tables.items():
        for row in table.rows:
            for column, value in zip(table.columns_for(row.side), row.values, strict=False):
                if value < 0:
                    yield Finding(
                        "ledger.negative", _E,
                        Location(table=tid, row=row.key, column=column.key, label=row.label),
                        f"{row.label}为负数（{_wan(value)} 万元）：收入、年初结转或结余分配漏记，或支出多记",
                        f"{row.label} is negative ({_wan(value)} 万元): an income line or opening balance "
                        "is missing, or spending is overstated",
                        _wan(value), ">= 0.00",
                    )


def _spending_without_income(ledger: Ledger) -> Iterator[Finding]:
    spent: Counter[IncomeSource] = Counter()
    received: Counter[IncomeSource] = Counter()
    for e in ledger.expenditure:
        spent[e.source] += e.amount  # type: ignore[assignment]
    for i in ledger.income:
        received[i.source] += i.amount  # type: ignore[assignment]
    for source, amount in spent.items():
        opening = ledger.balances.opening_for(source) if source.is_fiscal else ZERO
        if amount > 0 and received[source] == 0 and opening == 0:
            total_opening = ledger.balances.opening_total if not source.is_fiscal else ZERO
            if total_opening:
                continue  # a non-fiscal source may spend the overall carry-over
            yield _fact(
                "ledger.spending_without_income", _E, f"expenditure (source {source.value})",
                f"{source.value}支出 {_wan(Decimal(amount))} 万元，但没有该来源的收入或年初结转",
                f"{_wan(Decimal(amount))} 万元 spent from {source.value} with no income or opening "
                "balance from that source",
                _wan(Decimal(amount)), "0.00",
            )


def _duplicates(path: str, keys: Iterable[str], what_zh: str) -> Iterator[Finding]:
    for key, n in Counter(keys).items():
        if n > 1:
            yield _fact(
                "ledger.duplicate", _E, f"{path} ({key})",
                f"{what_zh} {key} 重复出现 {n} 次：同一事实只能陈述一次",
                f"{path}: {key} is stated {n} times; a fact is stated once",
            )


def _duplicated_facts(ledger: Ledger) -> Iterator[Finding]:
    nf, b = ledger.narrative, ledger.balances
    yield from _duplicates("units", (u.id for u in ledger.units), "单位")
    yield from _duplicates("balances.opening_fiscal", (s.value for s, _ in b.opening_fiscal), "年初财政拨款结转")
    yield from _duplicates("balances.opening_government_fund", (f.function for f in b.opening_government_fund),
                           "政府性基金年初结转 项")
    yield from _duplicates("narrative.initial_budget", (bl.function for bl in nf.initial_budget), "年初预算 项")
    yield from _duplicates("narrative.reasons", (k for k, _ in nf.reasons), "原因")
    if nf.assets is not None:
        yield from _duplicates("narrative.assets.vehicles", (c for c, _ in nf.assets.vehicles), "车辆类别")
    if nf.performance is not None:
        yield from _duplicates("narrative.performance.self_evaluation_ratings",
                               (r for r, _ in nf.performance.self_evaluation_ratings), "自评等级")


def _counts(ledger: Ledger) -> Iterator[Finding]:
    tp = ledger.three_public
    if tp is not None:
        for groups, people, what in (
            (tp.groups_abroad, tp.people_abroad, "因公出国（境）"),
            (tp.foreign_reception_groups, tp.foreign_reception_people, "外宾接待"),
            (tp.domestic_reception_groups, tp.domestic_reception_people, "国内公务接待"),
        ):
            if people < groups:
                yield _fact("ledger.counts", _E, f"three_public ({what})",
                            f"{what}团组 {groups} 个，但只有 {people} 人次：每个团组至少一人",
                            f"{what}: {groups} groups but only {people} people", str(people), f">= {groups}")
        if tp.vehicles_purchased and not tp.actual.vehicle_purchase:
            yield _fact("ledger.counts", _W, "three_public.vehicles_purchased",
                        f"购置车辆 {tp.vehicles_purchased} 台，但公务用车购置费为 0",
                        f"{tp.vehicles_purchased} vehicles purchased with no 公务用车购置费")
    p = ledger.narrative.performance
    if p is None:
        return
    rated = sum(n for _, n in p.self_evaluation_ratings)
    if p.self_evaluation_ratings and rated != p.projects_self_evaluated:
        yield _fact("ledger.counts", _W, "narrative.performance.self_evaluation_ratings",
                    f"各等级项目数合计 {rated} 个，与开展自评的项目数 {p.projects_self_evaluated} 个不符",
                    f"the ratings add up to {rated} projects, not the {p.projects_self_evaluated} evaluated",
                    str(rated), str(p.projects_self_evaluated))
    score = p.key_evaluation_score
    if score is not None and not ZERO <= score <= 100:
        yield _fact("ledger.counts", _E, "narrative.performance.key_evaluation_score",
                    f"评价得分 {score} 分超出 0–100 分", f"score {score} is outside 0–100",
                    str(score), "0–100")


def _named_and_shipped(ledger: Any) -> Iterator[Finding]:
    """Either family's ledger: a department name, and an edition the library ships."""
    if not ledger.department.strip():
        yield _fact("ledger.metadata", _E, "department", "部门名称为空", "the department name is empty")
    if ledger.edition not in EDITIONS:
        yield _fact("ledger.metadata", _E, "edition",
                    f"科目版本 {ledger.edition} 未随库提供（可用：{', '.join(map(str, EDITIONS))}）",
                    f"edition {ledger.edition} is not shipped", str(ledger.edition), str(edition_for_year(ledger.fiscal_year)))


def _metadata(ledger: Ledger) -> Iterator[Finding]:
    yield from _named_and_shipped(ledger)
    if ledger.edition in EDITIONS and ledger.edition != edition_for_year(ledger.fiscal_year) and ledger.edition < ledger.fiscal_year - 1:
        yield _fact("ledger.metadata", _W, "edition",
                    f"{ledger.fiscal_year} 年度通常使用 {edition_for_year(ledger.fiscal_year)} 年版科目，而非 {ledger.edition}",
                    f"fiscal year {ledger.fiscal_year} normally uses edition {edition_for_year(ledger.fiscal_year)}",
                    str(ledger.edition), str(edition_for_year(ledger.fiscal_year)))


def _missing(ledger: Ledger) -> Iterator[Finding]:
    nf = ledger.narrative
    for stated, path, zh, en in (
        (ledger.three_public is not None, "three_public", "“三公”经费", "“三公”经费 (three public expenses)"),
        (nf.procurement is not None, "narrative.procurement", "政府采购", "政府采购 (procurement)"),
        (nf.assets is not None, "narrative.assets", "国有资产占用（车辆、设备）", "国有资产 (vehicles, equipment)"),
        (nf.office_operating_expenses is not None, "narrative.office_operating_expenses", "机关运行经费",
         "机关运行经费 (office operating expenses)"),
        (nf.performance is not None, "narrative.performance", "预算绩效", "预算绩效 (performance)"),
        (bool(nf.initial_budget) or not any(e.source is IncomeSource.GENERAL_PUBLIC_BUDGET for e in ledger.expenditure),
         "narrative.initial_budget", "一般公共预算财政拨款年初预算", "年初预算 (initial budget) of 一般公共预算 spending"),
    ):
        if not stated:
            yield _fact("ledger.missing", _W, path,
                        f"账本未提供{zh}：说明中显示〔待补充〕，而不是 0",
                        f"the ledger states no {en}: the text shows 〔待补充〕, never a zero")


def ledger_findings(ledger: Ledger, disclosure: Disclosure | None = None) -> tuple[Finding, ...]:
    """Every finding about ``ledger`` (impossible, duplicated, out of range, missing); its
    tables derived unless given.  Empty when the ledger is complete and possible."""
    require(ledger, Ledger, "ledger_findings", "ledger")
    problems = [_fact("ledger.invalid", _E, "ledger", p, p) for p in iter_problems(ledger)]
    if problems:  # the tables cannot be derived from facts that cannot be placed
        return tuple(problems)
    d = disclosure if disclosure is not None else derive(ledger)
    return (*_metadata(ledger), *_negative_cells(d), *_spending_without_income(ledger),
            *_duplicated_facts(ledger), *_counts(ledger), *_missing(ledger))


# -- a budget ledger (部门预算): the same impossible states, where a budget can have them ----------
def budget_ledger_findings(ledger: Any, disclosure: Disclosure | None = None) -> tuple[Finding, ...]:
    """Every finding about a :class:`~govbudget.budget.ledger.BudgetLedger`, as
    :func:`ledger_findings` for a 决算 ledger: facts that cannot be placed, metadata, negative
    derived cells, facts stated twice (units, reasons, 上年 by 项), prior figures that contradict
    each other, and missing facts (机关运行经费, 政府采购, 上年数: 〔待补充〕 in the text).

    Spending without income cannot happen in a budget: its income is the sum of the
    allocations each source funds (the budget balances by construction)."""
    from govbudget.budget.ledger import BudgetLedger, BudgetSource
    from govbudget.budget.ledger import iter_problems as budget_problems
    from govbudget.budget.tables import derive as derive_budget

    require(ledger, BudgetLedger, "budget_ledger_findings", "ledger")
    problems = [_fact("ledger.invalid", _E, "ledger", p, p) for p in budget_problems(ledger)]
    if problems:  # the tables cannot be derived from facts that cannot be placed
        return tuple(problems)
    d = disclosure if disclosure is not None else derive_budget(ledger)
    return (*_budget_metadata(ledger), *_negative_cells(d), *_budget_duplicates(ledger),
            *_budget_prior(ledger, BudgetSource), *_budget_missing(ledger))


def _budget_metadata(ledger: Any) -> Iterator[Finding]:
    yield from _named_and_shipped(ledger)
    if ledger.edition in EDITIONS and (ledger.edition > ledger.fiscal_year
                                       or ledger.edition < edition_for_year(ledger.fiscal_year)):
        # A budget is drawn up in the year's own edition (a 2026 budget with the 2026 codes).
        yield _fact("ledger.metadata", _W, "edition",
                    f"{ledger.fiscal_year} 年预算通常使用 {edition_for_year(ledger.fiscal_year)} 年版科目，而非 {ledger.edition}",
                    f"a {ledger.fiscal_year} budget normally uses edition {edition_for_year(ledger.fiscal_year)}",
                    str(ledger.edition), str(edition_for_year(ledger.fiscal_year)))
    if ledger.prior.basis not in ("上年预算数", "上年执行数"):
        yield _fact("ledger.metadata", _W, "prior.basis",
                    f"上年数口径“{ledger.prior.basis}”不是“上年预算数”或“上年执行数”",
                    f"prior basis {ledger.prior.basis!r} is neither 上年预算数 nor 上年执行数", ledger.prior.basis)


def _budget_duplicates(ledger: Any) -> Iterator[Finding]:
    yield from _duplicates("units", (u.id for u in ledger.units), "单位")
    yield from _duplicates("reasons", (k for k, _ in ledger.reasons), "原因")
    yield from _duplicates("prior.general_public_by_function",
                           (fa.function for fa in ledger.prior.general_public_by_function), "上年一般公共预算 项")


def _budget_prior(ledger: Any, source: Any) -> Iterator[Finding]:
    p = ledger.prior
    gpb = p.general_public_total
    for part, whole, path, zh in ((gpb, p.fiscal_total, "prior.general_public", "上年一般公共预算"),
                                  (p.fiscal_total, p.total, "prior.fiscal_total", "上年财政拨款")):
        if part is not None and whole is not None and part > whole:
            yield _fact("ledger.counts", _E, path,
                        f"{zh} {_wan(part)} 万元超过其所属的上年合计 {_wan(whole)} 万元",
                        f"{path} {_wan(part)} 万元 exceeds the prior total it is part of ({_wan(whole)} 万元)",
                        _wan(part), f"<= {_wan(whole)}")
    tp = p.three_public
    if tp is not None and gpb is not None:
        three = tp.abroad + tp.vehicle_purchase + tp.vehicle_operation + tp.reception
        if three > gpb:
            yield _fact("ledger.counts", _E, "prior.three_public",
                        f"上年“三公”经费 {_wan(three)} 万元超过上年一般公共预算 {_wan(gpb)} 万元",
                        f"the prior 三公 {_wan(three)} 万元 exceed the prior 一般公共预算 {_wan(gpb)} 万元",
                        _wan(three), f"<= {_wan(gpb)}")
    if ledger.office_operating is not None:
        gpb_allocated = sum((a.amount for a in ledger.allocations
                         if a.source is source.GENERAL_PUBLIC_BUDGET), ZERO)
        if ledger.office_operating > 0 and gpb_allocated == 0:
            yield _fact("ledger.spending_without_income", _E, "office_operating",
                        f"机关运行经费 {_wan(ledger.office_operating)} 万元，但没有一般公共预算拨款安排",
                        f"机关运行经费 {_wan(ledger.office_operating)} 万元 with no 一般公共预算 allocation",
                        _wan(ledger.office_operating), "0.00")


def _budget_missing(ledger: Any) -> Iterator[Finding]:
    p = ledger.prior
    for stated, path, zh, en in (
        (ledger.office_operating is not None, "office_operating", "机关运行经费", "机关运行经费 (office operating expenses)"),
        (ledger.procurement is not None, "procurement", "政府采购预算", "政府采购 (procurement)"),
        (p.total is not None, "prior.total", "上年收支总计", "上年收支总计 (prior-year total)"),
        (p.three_public is not None, "prior.three_public", "上年“三公”经费", "上年“三公”经费 (prior-year 三公 budget)"),
    ):
        if not stated:
            yield _fact("ledger.missing", _W, path,
                        f"账本未提供{zh}：说明中显示〔待补充〕，而不是 0",
                        f"the ledger states no {en}: the text shows 〔待补充〕, never a zero")


# -- a disclosure JSON, checked before it is built (strict schema, printed figures) ------------
_TOP_KEYS = {"schema", "department", "fiscal_year", "edition", "unit", "tables"}
_TABLE_KEYS = {"id", "title", "label", "note", "statement", "source_unit", "columns", "rows"}
_ROW_KEYS = {"key", "label", "code", "level", "line", "side", "cells", "exact"}
_COLUMN_KEYS = {"key", "title", "number", "side"}


def _keys(obj: Any, expected: set[str], where: str, optional: frozenset[str] = frozenset()) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise FormatError(f"{where}: expected an object, not {type(obj).__name__}")
    missing, extra = expected - obj.keys(), obj.keys() - expected - optional
    if missing:
        raise FormatError(f"{where}: required key(s) missing: {', '.join(sorted(missing))}")
    if extra:
        raise FormatError(f"{where}: unknown key(s) {', '.join(sorted(extra))}")
    return obj


def _typed(value: Any, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(value, kind) or isinstance(value, bool):
        names = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
        raise FormatError(f"{where}: expected {names}, not {type(value).__name__} {str(value)[:40]!r}")
    return value


def check_disclosure_data(data: Any, source: str) -> None:
    """Check a parsed disclosure JSON (schema ``govbudget/disclosure/1``) strictly before it is
    built: exact keys and types, year, edition and unit, no duplicate table, every row's
    ``exact`` values one per column, and each printed ``cells`` figure equal to its exact value
    as printed in 万元 (:func:`govbudget.render.printed`; both ``null`` for a missing fact).
    The one check of printed cells: the converter calls it before building a disclosure.  :class:`FormatError` names the table, row and column at fault."""
    top = _keys(data, _TOP_KEYS, f"{source}: $", frozenset({"family"}))
    if "family" in top:
        _typed(top["family"], str, f"{source}: $.family")
    _typed(top["department"], str, f"{source}: $.department")
    year = _typed(top["fiscal_year"], int, f"{source}: $.fiscal_year")
    lo, hi = YEAR_RANGE
    if not lo <= year <= hi:
        raise FormatError(f"{source}: $.fiscal_year: year {year} is out of range {lo}–{hi}")
    edition = _typed(top["edition"], int, f"{source}: $.edition")
    if edition not in EDITIONS:
        raise FormatError(f"{source}: $.edition: {edition} is not a shipped edition ({', '.join(map(str, EDITIONS))})")
    if top["unit"] != Unit.WAN.value:
        raise FormatError(f"{source}: $.unit: {top['unit']!r}; a disclosure is printed in 万元")
    seen: dict[str, int] = {}
    for ti, t in enumerate(_typed(top["tables"], list, f"{source}: $.tables")):
        where = f"{source}: $.tables[{ti}]"
        t = _keys(t, _TABLE_KEYS, where)
        tid = _typed(t["id"], str, f"{where}.id")
        if tid in seen:
            raise FormatError(f"{where}: table {tid} given twice (first at $.tables[{seen[tid]}]); 重复的表")
        seen[tid] = ti
        try:
            unit = Unit(t["source_unit"])
        except ValueError:
            raise FormatError(f"{where}.source_unit: {t['source_unit']!r} is not 元, 万元 or 亿元") from None
        columns = _typed(t["columns"], list, f"{where}.columns")
        for ci, c in enumerate(columns):
            _keys(c, _COLUMN_KEYS, f"{where}.columns[{ci}]")
            _typed(c["key"], str, f"{where}.columns[{ci}].key")
            _typed(c["title"], str, f"{where}.columns[{ci}].title")
            _typed(c["side"], str, f"{where}.columns[{ci}].side")
        for ri, r in enumerate(_typed(t["rows"], list, f"{where}.rows")):
            rw = f"{source}: 公开{tid}表 row {ri}"
            r = _keys(r, _ROW_KEYS, rw)
            rw = f"{rw} ({r['key']})"
            for key in ("key", "label", "side"):
                _typed(r[key], str, f"{rw}.{key}")
            exact = _typed(r["exact"], dict, f"{rw}.exact")
            cells = _typed(r["cells"], dict, f"{rw}.cells")
            # As Table.columns_of: the columns of the row's side, else those of no side.
            titles = ([c["title"] for c in columns if c["side"] == r["side"]]
                      or [c["title"] for c in columns if not c["side"]])
            if (exact or r["label"]) and list(exact) != titles:  # only padding rows have no cells
                raise FormatError(f"{rw}.exact: columns {list(exact)}, expected one value for each of {titles}")
            if list(cells) != list(exact):
                raise FormatError(f"{rw}.cells: columns {list(cells)}, expected the columns of exact {list(exact)}")
            for title, text in exact.items():
                got = cells[title]
                if text is None:  # a missing fact (not stated): null in both, never a printed 0
                    if got is not None:
                        raise FormatError(f"{rw} [{title}]: printed cell {got!r} for a missing fact "
                                          "(exact null); a missing fact is printed null")
                    continue
                value = to_decimal(_typed(text, str, f"{rw}.exact[{title}]"), where=f"{rw}.exact[{title}]")
                want = printed(value, unit)  # as render prints it: the one printed-cell rule
                if not isinstance(got, str) or got != want:
                    raise FormatError(
                        f"{rw} [{title}]: printed cell {got!r} does not match the exact value {text} "
                        f"(printed as {want} 万元)"
                    )
