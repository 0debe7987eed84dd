"""The hand-written consistency rules of a 部门预算公开 (ids ``budget.*``).

Most budget rules are generated from the family spec (:mod:`govbudget.families.budget`) by
:func:`govbudget.rules.generated_rules`: row sums from the column declarations, the fixed
rows' sums, 类 = Σ 款 = Σ 项, both sides of the 总表 and the identities across tables.  Here
are the rules no declaration states, written against cells named by the spec's keys:

* in-table — 收入总表 合计 = Σ 单位, 项目支出表 合计 = Σ 项目, and 本年收入合计 from the five
  单位资金 sources where a place does not print their subtotal;
* across tables — “三公”经费 = their 经济分类 款 (30212, 31013/30913, 30231, 30217);
* text against tables — every figure of the 情况说明 against its cell, shares; a figure the
  text states twice against its first statement (:func:`govbudget.rules.restatements`);
* year on year — each printed change against its rate, and the changes of the “三公” items
  against the change of their total.

:func:`govbudget.rules.check` applies them (with the generated ones) to any budget
disclosure; :func:`check_budget` also takes a budget ledger.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from govbudget.budget.ledger import BudgetLedger
from govbudget.budget.narrative import NATURE_LABELS, SOURCE_LABELS, THREE_PUBLIC_LABELS
from govbudget.budget.tables import derive
from govbudget.families.budget import THREE_PUBLIC_ECONOMIC
from govbudget.money import in_wide_context
from govbudget.published import Location, Published, Severity, from_disclosure
from govbudget.rules import Change, Ratio, Relation, Report, Rule, Sum, _note, check, restatements
from govbudget.spec import family, terms
from govbudget.tables import Disclosure
from govbudget.text import Narrative

__all__ = ["check_budget", "hand_written"]

ERROR = Severity.ERROR
Cell = tuple[str, str, str]
Relations = Callable[[Published], Iterator[Relation]]
_UNIT_KEYS = ("business", "operating", "superior_subsidy", "affiliates", "other")


def _sum_of(total: Cell, *terms: Cell, what: str = "") -> Relations:
    def relations(p: Published) -> Iterator[Relation]:
        qt = p.cell(*total)
        qs = [p.cell(*t) for t in terms]
        if qt is not None and all(q is not None for q in qs):
            yield Sum(qt, tuple((1, q) for q in qs if q is not None), what)
    return relations


def _income_from_parts(p: Published) -> Iterator[Relation]:
    """本年收入合计 = 财政拨款 + 财政专户 + the five 单位资金 sources, where the report prints
    the sources but not their subtotal (the generated rule needs the subtotal)."""
    table = p.table("01")
    if table is None or table.get_row("unit_funds") is not None:
        return
    yield from _sum_of(("01", "income_total", "amount"), ("01", "fiscal", "amount"), ("01", "special_account", "amount"),
                       *(("01", k, "amount") for k in _UNIT_KEYS),
                       what="预算01表 本年收入合计 = 财政拨款 + 财政专户 + 五项单位资金")(p)


def _groups_total(tid: str, prefix: str) -> Relations:
    """合计 row = Σ the rows of one group (units of 收入总表, projects of 项目支出表), per column."""
    def relations(p: Published) -> Iterator[Relation]:
        table = p.table(tid)
        if table is None:
            return
        keys = [r.key for r in table.rows if r.key.startswith(prefix)]
        if not keys or (prefix == "project:" and any(r.key.startswith("unit:") for r in table.rows)):
            # A 项目支出表 with unit subtotal rows among its projects (广州) is not a flat list.
            return
        for c in table.columns:
            total = p.cell(tid, "total", c.key)
            parts = [p.cell(tid, k, c.key) for k in keys]
            if not p.complete(tid):  # a row not placed may be one of the group's
                parts.append(p.rows_not_placed(tid))
            if total is not None and all(q is not None for q in parts):
                yield Sum(total, tuple((1, q) for q in parts if q is not None), f"{table.label} 合计[{c.title}] = Σ 各行")
    return relations


def _three_public_economic(p: Published) -> Iterator[Relation]:
    for key, codes in THREE_PUBLIC_ECONOMIC:
        yield from _sum_of(("07", "three_public", key), *(("10", c, "total") for c in codes),
                           what=f"预算07表 {key} = 预算10表 {' + '.join(codes)}")(p)


# -- text against tables -------------------------------------------------------------------------------
def _text_cells(p: Published) -> Iterator[tuple[str, Cell]]:
    """Each text figure key with the cell it restates."""
    yield "total.income", ("01", "income_grand_total", "amount")
    yield "income.total", ("01", "income_grand_total", "amount")
    yield "total.expenditure", ("01", "expenditure_total", "amount")
    yield "expenditure.total", ("01", "expenditure_total", "amount")
    for k, _ in SOURCE_LABELS:
        yield f"income.{k}", ("01", k, "amount")
    # 本年收入合计 / 本年支出合计 and the carry-overs: 预算01表's rows; the carry-over by fund is
    # 预算04表's (上年结转 by fund), the others' (财政专户, 单位资金) no table prints apart.
    yield "income.current_total", ("01", "income_total", "amount")
    yield "expenditure.current_total", ("01", "expenditure_total", "amount")
    yield "expenditure.carry_forward", ("01", "carry_forward", "amount")
    for _, row in terms(family("budget").table("04").row("carryover").sum_of):
        yield f"income.carryover.{row.removeprefix('carryover_')}", ("04", row, "amount")
    for k, _ in NATURE_LABELS:
        yield f"expenditure.{k}", ("03", "total", k)
    yield "fiscal.total", ("04", "income_grand_total", "amount")
    yield "fiscal.expenditure", ("04", "expenditure_total", "total")
    yield "gpb.total", ("05", "total", "total")
    t05 = p.table("05")
    for r in t05.subject_rows() if t05 else ():
        yield f"gpb.{r.code}", ("05", r.key, "total")
    for k in ("total", "personnel", "public"):
        yield f"basic.{k}", ("06", "total", k)
    for k, _ in THREE_PUBLIC_LABELS:
        yield f"three_public.{k}", ("07", "three_public", k)
    yield "office.total", ("12", "office_operating", "amount")
    for k in ("goods", "works", "services", "total"):
        yield f"procurement.{k}", ("13", k, "amount")
    yield "government_fund.total", ("08", "total", "total")
    yield "state_capital.total", ("09", "total", "total")


def _text_figures(p: Published) -> Iterator[Relation]:
    for key, cell in _text_cells(p):
        f, c = p.figure(key), p.cell(*cell)
        if f is not None and c is not None:
            yield Sum(f, ((1, c),), f"情况说明 {key} = {c.name}")


def _shares(p: Published) -> Iterator[Relation]:
    if p.narrative is None:
        return
    wholes = {"income": "total.income", "expenditure": "total.expenditure", "gpb": "gpb.total",
              "fiscal": "expenditure.current_total"}  # (财政拨款支出 占本年支出合计的 p%: 预算01表's)
    for key in p.narrative.figures:
        if not key.endswith(".share"):
            continue
        part_key = key[: -len(".share")]
        group = part_key.split(".")[0]
        stated, part, whole = p.figure(key), p.figure(part_key), p.figure(wholes.get(group, ""))
        if whole is None and group == "fiscal":
            whole = p.cell("01", "expenditure_total", "amount")
        if stated is not None and part is not None and whole is not None:
            yield Ratio(stated, part, whole, f"{part_key} 占比", group=group)


def _current_key(prefix: str) -> str:
    """The figure a change is of: ``total`` → ``total.income``; ``gpb.201`` is itself."""
    return {"total": "total.income", "fiscal": "fiscal.total", "gpb": "gpb.total", "office": "office.total"}.get(
        prefix, prefix)


def _changes(p: Published) -> Iterator[Relation]:
    if p.narrative is None:
        return
    for key in p.narrative.figures:
        if key.endswith(".change"):
            prefix = key[: -len(".change")]
            change, current = p.figure(key), p.figure(_current_key(prefix))
            if change is not None and current is not None:
                yield Change(change, p.figure(prefix + ".change_rate"), current, f"{prefix} 比上年增减")


def _change_parts(p: Published) -> Iterator[Relation]:
    """Δ “三公” = Δ 出国 + Δ 公务用车 + Δ 接待; Δ 公务用车 = Δ 购置 + Δ 运行维护."""
    for whole, parts in (("total", ("abroad", "vehicles", "reception")),
                         ("vehicles", ("vehicle_purchase", "vehicle_operation"))):
        qw = p.figure(f"three_public.{whole}.change")
        qs = [p.figure(f"three_public.{k}.change") for k in parts]
        if qw is not None and all(q is not None for q in qs):
            yield Sum(qw, tuple((1, q) for q in qs if q is not None), f"three_public.{whole} 增减额 = Σ 各项增减额")


def _text_sums(p: Published) -> Iterator[Relation]:
    """收入预算总计 = 本年收入合计 + 上年结转结余 (预算01表's identity, as the text states it), and
    上年结转结余 = Σ its sources, where the text states every term."""
    carried = [k for k in (p.narrative.figures if p.narrative else ())
               if k.startswith("income.carryover.") and k.count(".") == 2
               and k.rsplit(".", 1)[1] not in ("change", "change_rate", "share")]  # (the carry-over's own)
    for total, parts in (("total.income", ("income.current_total", "income.carryover")),
                         ("income.carryover", tuple(carried))):
        qt, qs = p.figure(total), [p.figure(k) for k in parts]
        if parts and qt is not None and all(q is not None for q in qs):
            yield Sum(qt, tuple((1, q) for q in qs if q is not None), f"{total} = {' + '.join(parts)}")


def _empty_funds(p: Published) -> Iterator[Relation]:
    if p.narrative is None:
        return
    for key, tid in (("government_fund", "08"), ("state_capital", "09")):
        flag, name = f"{key}.none", family("budget").table("04").column(key).title  # the fund as 预算04表 heads it
        table = p.table(tid)
        if flag in p.narrative.flags and table is not None:
            yield _note(ERROR, Location(tid, table_label=table.label),
                        f"情况说明称没有{name}拨款安排的支出，但{table.label}有数据。",
                        f"The text says there is no {name} spending, but table {tid} has figures.",
                        holds=table.is_empty)


def _r(id: str, kind: str, zh: str, en: str, equation: str, relations: Relations) -> Rule:
    return Rule(f"budget.{id}", kind, ERROR, zh, en, equation, relations)


def hand_written() -> tuple[Rule, ...]:
    """The budget rules no declaration states (added to the generated ones)."""
    return (
        _r("t01.income-parts", "in-table sum", "收支总表 本年收入合计 = 财政拨款 + 财政专户 + 五项单位资金（未列单位资金小计时）",
           "01: income total from the five unit-fund sources", "01.本年收入合计 = 财政拨款 + 财政专户 + Σ 单位资金来源",
           _income_from_parts),
        _r("t02.units", "in-table sum", "收入总表 合计 = 各单位之和（每一栏）", "02: the 合计 row = Σ unit rows",
           "02[合计][c] = Σ 02[单位][c]", _groups_total("02", "unit:")),
        _r("t11.projects", "in-table sum", "项目支出表 合计 = 各项目之和（每一栏）", "11: the 合计 row = Σ projects",
           "11[合计][c] = Σ 11[项目][c]", _groups_total("11", "project:")),
        _r("x.t07-economic", "cross-table", "“三公”经费 = 其经济分类款（30212, 31013/30913, 30231, 30217）",
           "07: the 三公 items = their economic 款 in 10", "07.因公出国 = 10[30212].合计 …", _three_public_economic),
        _r("text.table-figures", "text vs table", "情况说明的金额与表中数一致", "text figures = their table cells",
           "情况说明[key] = 表[cell]", _text_figures),
        _r("text.shares", "ratio", "情况说明的占比 = 部分 / 整体", "shares in the text = part / whole",
           "share = part / whole × 100", _shares),
        _r("text.restated", "restatement", "情况说明中同一数字前后两处列示一致", "a figure the text states twice has one value",
           "说明[key]（第一次）= 说明[key]（再次列示），在列示精度内", restatements),
        _r("text.sums", "text sum", "情况说明内的合计关系（收入预算总计、上年结转结余）",
           "sums stated in the text (the income total, the carry-over)",
           "收入预算总计 = 本年收入合计 + 上年结转结余; 上年结转结余 = Σ 各来源", _text_sums),
        _r("text.empty-funds", "statement", "“没有…拨款安排的支出” 与 预算08、09表一致",
           "the “no fund spending” sentences agree with tables 08/09", "说明“没有政府性基金…” ⇒ 08 empty", _empty_funds),
        _r("yoy.rates", "year on year", "比上年增减率 = |增减额| / 上年数", "year-on-year rate = |Δ| / prior",
           "rate = |Δ| / (current − Δ) × 100", _changes),
        _r("yoy.parts", "year on year", "“三公”经费增减额 = 各项增减额之和", "Δ of the 三公 total = Σ Δ of its items",
           "Δ合计 = Δ出国 + Δ公务用车 + Δ接待; Δ公务用车 = Δ购置 + Δ运行", _change_parts),
    )


@in_wide_context
def check_budget(target: Published | Disclosure | BudgetLedger, *, narrative: Narrative | None = None) -> Report:
    """The budget rules (generated and hand-written) on a published budget, a derived one
    (exactly), or a budget ledger (its tables derived and its 情况说明 generated)."""
    if isinstance(target, BudgetLedger):
        from govbudget.budget.narrative import build

        d = derive(target)
        return check(from_disclosure(d, narrative if narrative is not None else build(target, d),
                                     source=f"{target.department} {target.fiscal_year} 部门预算"))
    return check(target, narrative=narrative)
