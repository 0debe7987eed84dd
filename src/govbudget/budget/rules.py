"""The consistency rules of a 部门预算公开 (ids ``budget.*``).

The same rule definitions check a derived budget (exactly: every identity holds to the 元)
and a published one (printed figures stand for intervals; rounding tails are info), through
the evaluation of :mod:`govbudget.rules` (:class:`~govbudget.rules.Sum`,
:class:`~govbudget.rules.Ratio`, :class:`~govbudget.rules.Change`).  Four kinds:

* in-table — row sums from the column declarations, 类 = Σ 款 = Σ 项, both sides of the 总表;
* across tables — the same figure in two tables (收支总表 ↔ 财政拨款收支总表 ↔ 一般公共预算支出表 …,
  “三公”经费 ↔ their 经济分类 款);
* text against tables — every figure of the 情况说明 against its cell, shares;
* year on year — each printed change against its rate, and the changes of parts against the
  change of their whole (“三公” items, 公务用车).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

from govbudget.budget.ledger import THREE_PUBLIC_ECONOMIC, BudgetLedger
from govbudget.budget.narrative import NATURE_LABELS, SOURCE_LABELS, THREE_PUBLIC_LABELS
from govbudget.budget.tables import BudgetDisclosure, derive
from govbudget.money import Unit, in_wide_context
from govbudget.narrative import Narrative
from govbudget.published import Finding, Location, Published, Quantity, Severity, _round_table
from govbudget.rules import Change, Ratio, Relation, Report, Rule, Sum, _note

__all__ = ["BUDGET_RULES", "check_budget", "published_budget"]

ERROR, WARNING = Severity.ERROR, Severity.WARNING
_FUNDS = ("general_public_budget", "government_fund", "state_capital")
_UNIT_FUNDS = ("business", "operating", "superior_subsidy", "affiliates", "other")
_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}

Cell = tuple[str, str, str]
Relations = Callable[[Published], Iterator[Relation]]


def _cell(p: Published, tid: str, row: str, column: str) -> Quantity | None:
    """A cell with its interval; ``None`` when it was not read: the table, the column, or a
    fixed row the report does not print (an absent subject row is zero, as printed tables
    leave out the 科目 without money)."""
    table = p.table(tid)
    if table is None or not any(c.key == column for c in table.columns):
        return None
    if table.get_row(row) is None and not row.isdigit():
        return None
    return p.cell(tid, row, column)


def _sum_of(total: Cell, *terms: Cell, what: str = "") -> Relations:
    def relations(p: Published) -> Iterator[Relation]:
        qt = _cell(p, *total)
        qs = [_cell(p, *t) for t in terms]
        if qt is not None and all(q is not None for q in qs):
            yield Sum(qt, tuple((1, q) for q in qs if q is not None), what)
    return relations


def _row_sum(tid: str, total: str, parts: Sequence[str]) -> Relations:
    """Every row with values: ``total`` column = Σ ``parts`` columns."""
    def relations(p: Published) -> Iterator[Relation]:
        table = p.table(tid)
        if table is None:
            return
        for r in table.rows:
            if not r.values or r.side:
                continue
            q = [_cell(p, tid, r.key, c) for c in (total, *parts)]
            if all(x is not None for x in q):
                yield Sum(q[0], tuple((1, x) for x in q[1:] if x is not None))  # type: ignore[arg-type]
    return relations


def _hierarchy(tid: str) -> Relations:
    """类 = Σ 款, 款 = Σ 项 (功能分类) or 类 = Σ 款 (经济分类), 合计 = Σ 类, in every column."""
    def relations(p: Published) -> Iterator[Relation]:
        table = p.table(tid)
        if table is None:
            return
        codes = [r.code for r in table.rows if r.code]
        for col in table.columns:
            parents: list[tuple[str, list[str]]] = [("total", [c for c in codes if len(c) == 3])]
            parents += [(c, [k for k in codes if len(k) == len(c) + 2 and k.startswith(c)])
                        for c in codes if len(c) < 7]
            for parent, kids in parents:
                total = _cell(p, tid, parent, col.key)
                if total is None or table.get_row(parent) is None or not kids:
                    continue
                terms = tuple((1, q) for k in kids if (q := _cell(p, tid, k, col.key)) is not None)
                yield Sum(total, terms, f"{table.label} {parent}[{col.title}] = Σ 下级科目")
    return relations


def _classes_total(tid: str, cols: Sequence[str]) -> Relations:
    def relations(p: Published) -> Iterator[Relation]:
        table = p.table(tid)
        if table is None:
            return
        # 类 rows, and the nature rows some places print among them (对附属单位补助, 上缴上级).
        classes = [r.key for r in table.rows if r.side == "expenditure"
                   and (r.code or r.key in ("subsidy_to_affiliates", "remit_to_superior"))]
        for col in cols:
            total = _cell(p, tid, "expenditure_total", col)
            if total is not None:
                yield Sum(total, tuple((1, q) for c in classes if (q := _cell(p, tid, c, col)) is not None),
                          f"{table.label} 本年支出合计[{col}] = Σ 类")
    return relations


def _two_sided_rows(tid: str) -> Relations:
    """财政拨款收支总表: each expenditure row's 合计 = 一般公共预算 + 政府性基金 + 国有资本经营."""
    def relations(p: Published) -> Iterator[Relation]:
        table = p.table(tid)
        if table is None:
            return
        for r in table.rows:
            if r.side == "expenditure" and r.values:
                q = [_cell(p, tid, r.key, c) for c in ("total", *_FUNDS)]
                if all(x is not None for x in q):
                    yield Sum(q[0], tuple((1, x) for x in q[1:] if x is not None))  # type: ignore[arg-type]
    return relations


def _same_rows(a: tuple[str, str], b: tuple[str, str], codes: Callable[[Published], Iterable[str]]) -> Relations:
    """For every code: table a[code, column a] = table b[code, column b]."""
    def relations(p: Published) -> Iterator[Relation]:
        if not p.has(a[0], b[0]):
            return
        for code in codes(p):
            qa, qb = _cell(p, a[0], code, a[1]), _cell(p, b[0], code, b[1])
            if qa is not None and qb is not None:
                yield Sum(qa, ((1, qb),))
    return relations


def _codes_of(*tids: str, length: int | None = None) -> Callable[[Published], list[str]]:
    def codes(p: Published) -> list[str]:
        out: dict[str, None] = {}
        for tid in tids:
            table = p.table(tid)
            if table is not None:
                out.update((r.code, None) for r in table.rows
                           if r.code and (length is None or len(r.code) == length))
        return list(out)
    return codes


def _three_public_economic(p: Published) -> Iterator[Relation]:
    if not p.has("07", "10"):
        return
    for key, codes in THREE_PUBLIC_ECONOMIC:
        q = _cell(p, "07", "three_public", key)
        terms = [_cell(p, "10", c, "total") for c in codes]
        if q is not None and all(t is not None for t in terms):
            yield Sum(q, tuple((1, t) for t in terms if t is not None),
                      f"预算07表 {key} = 预算10表 {'+'.join(codes)} 合计")


# -- text against tables ------------------------------------------------------------------------------
def _text_cells(p: Published) -> Iterator[tuple[str, Cell]]:
    """Each text figure key with the cell it restates."""
    yield "total.income", ("01", "income_grand_total", "amount")
    yield "income.total", ("01", "income_grand_total", "amount")
    yield "total.expenditure", ("01", "expenditure_total", "amount")
    yield "expenditure.total", ("01", "expenditure_total", "amount")
    for k, _ in SOURCE_LABELS:
        yield f"income.{k}", ("01", k, "amount")
    for k, _ in NATURE_LABELS:
        yield f"expenditure.{k}", ("03", "total", k)
    yield "fiscal.total", ("04", "income_grand_total", "amount")
    yield "gpb.total", ("05", "total", "total")
    t05 = p.table("05")
    for r in t05.subject_rows() if t05 else ():
        yield f"gpb.{r.code}", ("05", r.key, "total")
    yield "basic.total", ("06", "total", "total")
    yield "basic.personnel", ("06", "total", "personnel")
    yield "basic.public", ("06", "total", "public")
    for k, _ in THREE_PUBLIC_LABELS:
        yield f"three_public.{k}", ("07", "three_public", k)
    yield "office.total", ("12", "office_operating", "amount")
    for k in ("goods", "works", "services", "total"):
        yield f"procurement.{k}", ("13", k, "amount")
    yield "government_fund.total", ("08", "total", "total")
    yield "state_capital.total", ("09", "total", "total")


def _text_figures(p: Published) -> Iterator[Relation]:
    for key, cell in _text_cells(p):
        f, c = p.figure(key), _cell(p, *cell)
        if f is not None and c is not None:
            yield Sum(f, ((1, c),), f"情况说明 {key} = {c.name}")


def _shares(p: Published) -> Iterator[Relation]:
    if p.narrative is None:
        return
    wholes = {"income": "total.income", "expenditure": "total.expenditure", "gpb": "gpb.total"}
    for key in p.narrative.figures:
        if not key.endswith(".share"):
            continue
        part_key = key[: -len(".share")]
        whole = p.figure(wholes.get(part_key.split(".")[0], ""))
        stated, part = p.figure(key), p.figure(part_key)
        if stated is not None and part is not None and whole is not None:
            yield Ratio(stated, part, whole, f"{part_key} 占比", group=part_key.split(".")[0])


def _current_key(prefix: str) -> str:
    return {"total": "total.income", "fiscal": "fiscal.total", "gpb": "gpb.total", "office": "office.total"}.get(
        prefix, prefix)


def _changes(p: Published) -> Iterator[Relation]:
    if p.narrative is None:
        return
    for key in p.narrative.figures:
        if not key.endswith(".change"):
            continue
        prefix = key[: -len(".change")]
        change, current = p.figure(key), p.figure(_current_key(prefix))
        if change is not None and current is not None:
            yield Change(change, p.figure(prefix + ".change_rate"), current, f"{prefix} 比上年增减")


def _change_parts(p: Published) -> Iterator[Relation]:
    """Δ “三公” = Δ 出国 + Δ 公务用车 + Δ 接待; Δ 公务用车 = Δ 购置 + Δ 运行维护."""
    for whole, parts in (("three_public.total", ("three_public.abroad", "three_public.vehicles",
                                                 "three_public.reception")),
                         ("three_public.vehicles", ("three_public.vehicle_purchase", "three_public.vehicle_operation"))):
        qw = p.figure(whole + ".change")
        qs = [p.figure(k + ".change") for k in parts]
        if qw is not None and all(q is not None for q in qs):
            yield Sum(qw, tuple((1, q) for q in qs if q is not None), f"{whole} 增减额 = Σ 各项增减额")


def _empty_funds(p: Published) -> Iterator[Relation]:
    if p.narrative is None:
        return
    for flag, tid, name in (("government_fund.none", "08", "政府性基金预算"), ("state_capital.none", "09", "国有资本经营预算")):
        table = p.table(tid)
        if flag in p.narrative.flags and table is not None:
            yield _note(ERROR, _loc(p, tid), f"情况说明称没有{name}拨款安排的支出，但{table.label}有数据。",
                        f"The text says there is no {name} spending, but table {tid} has figures.",
                        holds=table.is_empty)


def _loc(p: Published, tid: str) -> Location:
    table = p.table(tid)
    return Location(tid, table_label=table.label if table else None)


# -- the catalogue ---------------------------------------------------------------------------------------
def _r(id: str, kind: str, zh: str, en: str, equation: str, relations: Relations,
       severity: Severity = ERROR) -> Rule:
    return Rule(f"budget.{id}", kind, severity, zh, en, equation, relations)


def _rules() -> tuple[Rule, ...]:
    def inc(key: str) -> Cell:
        return ("01", key, "amount")

    def fin(key: str) -> Cell:
        return ("04", key, "amount")
    rules = [
        _r("t01.fiscal", "in-table sum", "收支总表 财政拨款收入 = 一般公共预算 + 政府性基金 + 国有资本经营",
           "01: fiscal income = the three funds", "01.财政拨款收入 = Σ 三本预算拨款",
           _sum_of(inc("fiscal"), *(inc(k) for k in _FUNDS))),
        _r("t01.unit-funds", "in-table sum", "收支总表 单位资金收入 = 事业 + 经营 + 上级补助 + 附属单位上缴 + 其他",
           "01: unit funds = their five sources", "01.单位资金 = Σ 五项", _sum_of(inc("unit_funds"), *(inc(k) for k in _UNIT_FUNDS))),
        _r("t01.income-total", "in-table sum", "收支总表 本年收入合计 = 财政拨款 + 财政专户 + 单位资金",
           "01: income total", "01.本年收入合计 = 财政拨款 + 财政专户管理资金 + 单位资金（或其五项）",
           _first(_sum_of(inc("income_total"), inc("fiscal"), inc("special_account"), inc("unit_funds")),
                  _sum_of(inc("income_total"), inc("fiscal"), inc("special_account"), *(inc(k) for k in _UNIT_FUNDS)))),
        _r("t01.income-grand-total", "in-table sum", "收支总表 收入总计 = 本年收入合计 + 上年结转结余",
           "01: income grand total", "01.收入总计 = 本年收入合计 + 上年结转结余",
           _sum_of(inc("income_grand_total"), inc("income_total"), inc("carryover"))),
        _r("t01.expenditure-total", "in-table sum", "收支总表 本年支出合计 = 各类支出之和", "01: expenditure total = Σ 类",
           "01.本年支出合计 = Σ 01.支出[类]", _classes_total("01", ["amount"])),
        _r("t01.expenditure-grand-total", "in-table sum", "收支总表 支出总计 = 本年支出合计 + 结转下年",
           "01: expenditure grand total", "01.支出总计 = 本年支出合计 + 结转下年",
           _sum_of(("01", "expenditure_grand_total", "amount"), ("01", "expenditure_total", "amount"),
                   ("01", "carry_forward", "amount"))),
        _r("t01.balance", "balance", "收支总表 收入总计 = 支出总计", "01: both grand totals are equal", "01.收入总计 = 01.支出总计",
           _sum_of(inc("income_grand_total"), ("01", "expenditure_grand_total", "amount"))),
        _r("t02.row-sources", "in-table sum", "收入总表 每行 合计 = 各来源之和", "02: each row's total = Σ sources",
           "02[r].合计 = Σ 02[r].来源", _row_sum("02", "total", ("general_public_budget", "government_fund", "state_capital",
                                                               "special_account", *_UNIT_FUNDS, "carryover"))),
        _r("t02.units", "in-table sum", "收入总表 合计行 = 各单位之和", "02: the 合计 row = Σ unit rows", "02[合计] = Σ 02[单位]",
           _units_total),
        _r("t03.row-natures", "in-table sum", "支出总表 每行 合计 = 基本 + 项目 + 经营 + 上缴上级 + 对附属单位补助",
           "03: each row's total = Σ natures", "03[r].合计 = Σ 03[r].性质",
           _row_sum("03", "total", ("basic", "project", "operating", "remit_to_superior", "subsidy_to_affiliates"))),
        *(_r(f"t{tid}.row-natures", "in-table sum", f"预算{tid}表 每行 合计 = 基本支出 + 项目支出",
             f"{tid}: each row's total = basic + project", f"{tid}[r].合计 = 基本支出 + 项目支出",
             _row_sum(tid, "total", ("basic", "project"))) for tid in ("05", "08", "09", "10")),
        *(_r(f"t{tid}.hierarchy", "in-table sum", f"预算{tid}表 类 = Σ 款 (= Σ 项), 合计 = Σ 类（每一栏）",
             f"{tid}: 类 = Σ 款 (= Σ 项), 合计 = Σ 类 in every column", f"{tid}[类] = Σ {tid}[款] …", _hierarchy(tid))
          for tid in ("03", "05", "06", "08", "09", "10")),
        _r("t04.income-total", "in-table sum", "财政拨款收支总表 本年收入合计 = 三本预算拨款之和", "04: income total",
           "04.本年收入合计 = Σ 三本预算拨款", _sum_of(fin("income_total"), *(fin(k) for k in _FUNDS))),
        _r("t04.income-grand-total", "in-table sum", "财政拨款收支总表 收入总计 = 本年收入合计 + 上年结转",
           "04: income grand total", "04.收入总计 = 本年收入合计 + 上年结转",
           _sum_of(fin("income_grand_total"), fin("income_total"), fin("carryover"))),
        _r("t04.expenditure-total", "in-table sum", "财政拨款收支总表 本年支出合计 = 各类支出之和（每一栏）",
           "04: expenditure total = Σ 类 per column", "04.本年支出合计[c] = Σ 04[类][c]",
           _classes_total("04", ["total", *_FUNDS])),
        _r("t04.row-funds", "in-table sum", "财政拨款收支总表 每行 合计 = 三本预算之和", "04: each row's total = Σ funds",
           "04[r].合计 = Σ 04[r].三本预算", _two_sided_rows("04")),
        _r("t04.balance", "balance", "财政拨款收支总表 收入总计 = 支出总计", "04: both grand totals are equal",
           "04.收入总计 = 04.支出总计", _sum_of(fin("income_grand_total"), ("04", "expenditure_grand_total", "total"))),
        _r("t06.row-split", "in-table sum", "一般公共预算基本支出表 每行 合计 = 人员经费 + 公用经费", "06: total = personnel + public",
           "06[r].合计 = 人员经费 + 公用经费", _row_sum("06", "total", ("personnel", "public"))),
        _r("t07.total", "in-table sum", "“三公”经费 合计 = 因公出国（境） + 公务用车购置及运行维护 + 公务接待",
           "07: total = abroad + vehicles + reception", "07.合计 = 出国 + 公务用车 + 接待",
           _sum_of(("07", "three_public", "total"), *(("07", "three_public", k) for k in ("abroad", "vehicles", "reception")))),
        _r("t07.vehicles", "in-table sum", "公务用车购置及运行维护费 = 购置费 + 运行维护费", "07: vehicles = purchase + operation",
           "07.公务用车 = 购置 + 运行维护",
           _sum_of(("07", "three_public", "vehicles"), ("07", "three_public", "vehicle_purchase"),
                   ("07", "three_public", "vehicle_operation"))),
        _r("t11.row-funds", "in-table sum", "项目支出表 每行 合计 = 各资金来源之和", "11: each project's total = Σ sources",
           "11[r].合计 = Σ 来源", _row_sum("11", "total", (*_FUNDS, "special_account", "unit_funds"))),
        _r("t11.projects", "in-table sum", "项目支出表 合计 = 各项目之和", "11: total = Σ projects", "11[合计] = Σ 11[项目]",
           _projects_total),
        _r("t13.total", "in-table sum", "政府采购预算 合计 = 货物 + 工程 + 服务", "13: total = goods + works + services",
           "13.合计 = 货物 + 工程 + 服务",
           _sum_of(("13", "total", "amount"), *(("13", k, "amount") for k in ("goods", "works", "services")))),
        # -- across tables
        _r("x.t01-t04-funds", "cross-table", "收支总表 与 财政拨款收支总表 的三本预算拨款收入一致",
           "01 and 04 state the same fiscal income", "01.一般公共预算拨款收入 = 04.一般公共预算拨款 …", _x_funds),
        _r("x.t01-t02-total", "cross-table", "收支总表 收入总计 = 收入总表 合计", "01 income grand total = 02 total",
           "01.收入总计 = 02[合计].合计", _sum_of(inc("income_grand_total"), ("02", "total", "total"))),
        _r("x.t01-t03-classes", "cross-table", "收支总表 各类支出 = 支出总表 各类合计", "01 类 rows = 03 类 totals",
           "01[类] = 03[类].合计", _same_rows(("01", "amount"), ("03", "total"), _codes_of("01", "03", length=3))),
        _r("x.t01-t03-total", "cross-table", "收支总表 本年支出合计 = 支出总表 合计", "01 expenditure total = 03 total",
           "01.本年支出合计 = 03[合计].合计", _sum_of(("01", "expenditure_total", "amount"), ("03", "total", "total"))),
        _r("x.t04-t05-classes", "cross-table", "财政拨款收支总表 一般公共预算各类 = 一般公共预算支出表 各类",
           "04 GPB column by 类 = 05 类 totals", "04[类].一般公共预算 = 05[类].合计",
           _same_rows(("04", "general_public_budget"), ("05", "total"), _codes_of("04", "05", length=3))),
        _r("x.t04-t05-total", "cross-table", "财政拨款收支总表 一般公共预算支出 = 一般公共预算支出表 合计",
           "04 GPB expenditure = 05 total", "04.本年支出合计.一般公共预算 = 05[合计].合计",
           _sum_of(("04", "expenditure_total", "general_public_budget"), ("05", "total", "total"))),
        _r("x.t04-t08", "cross-table", "财政拨款收支总表 政府性基金支出 = 政府性基金预算支出表 合计",
           "04 government-fund expenditure = 08 total", "04.本年支出合计.政府性基金 = 08[合计].合计",
           _sum_of(("04", "expenditure_total", "government_fund"), ("08", "total", "total"))),
        _r("x.t04-t09", "cross-table", "财政拨款收支总表 国有资本经营支出 = 国有资本经营预算支出表 合计",
           "04 state-capital expenditure = 09 total", "04.本年支出合计.国有资本经营 = 09[合计].合计",
           _sum_of(("04", "expenditure_total", "state_capital"), ("09", "total", "total"))),
        _r("x.t05-t06", "cross-table", "一般公共预算支出表 基本支出 = 一般公共预算基本支出表 合计",
           "05 basic = 06 total", "05[合计].基本支出 = 06[合计].合计", _sum_of(("05", "total", "basic"), ("06", "total", "total"))),
        _r("x.t06-t10", "cross-table", "基本支出表 各经济分类 = 支出经济分类表 基本支出栏", "06 rows = 10 basic column",
           "06[款].合计 = 10[款].基本支出", _same_rows(("06", "total"), ("10", "basic"), _codes_of("06"))),
        _r("x.t05-t10", "cross-table", "一般公共预算支出表 合计 = 支出经济分类表 合计（每一栏）", "05 total = 10 total",
           "05[合计][c] = 10[合计][c]",
           _many(*(_sum_of(("05", "total", c), ("10", "total", c)) for c in ("total", "basic", "project")))),
        _r("x.t03-t11", "cross-table", "支出总表 项目支出 = 项目支出表 合计", "03 project = 11 total",
           "03[合计].项目支出 = 11[合计].合计", _sum_of(("03", "total", "project"), ("11", "total", "total"))),
        _r("x.t07-economic", "cross-table", "“三公”经费 = 其经济分类款（30212, 31013/30913, 30231, 30217）",
           "07 items = their economic 款 in 10", "07.出国 = 10[30212] …", _three_public_economic),
        # -- text against tables, year on year
        _r("text.table-figures", "text vs table", "情况说明的金额与表中数一致", "text figures = their table cells",
           "情况说明[key] = 表[cell]", _text_figures),
        _r("text.shares", "ratio", "情况说明的占比 = 部分 / 整体", "shares in the text = part / whole",
           "share = part / whole × 100", _shares),
        _r("text.empty-funds", "statement", "“没有…拨款安排的支出” 与 预算08、09表一致",
           "the “no fund spending” sentences agree with tables 08/09", "说明“没有政府性基金…” ⇒ 08 empty", _empty_funds),
        _r("yoy.rates", "year on year", "比上年增减率 = |增减额| / 上年数", "year-on-year rate = |Δ| / prior",
           "rate = |Δ| / (current − Δ) × 100", _changes),
        _r("yoy.parts", "year on year", "“三公”经费增减额 = 各项增减额之和", "Δ of the 三公 total = Σ Δ of its items",
           "Δ合计 = Δ出国 + Δ公务用车 + Δ接待; Δ公务用车 = Δ购置 + Δ运行", _change_parts),
    ]
    return tuple(rules)


def _first(*alternatives: Relations) -> Relations:
    """The relations of the first alternative whose figures were all read."""
    def relations(p: Published) -> Iterator[Relation]:
        for alternative in alternatives:
            got = list(alternative(p))
            if got:
                yield from got
                return
    return relations


def _many(*parts: Relations) -> Relations:
    def relations(p: Published) -> Iterator[Relation]:
        for part in parts:
            yield from part(p)
    return relations


def _units_total(p: Published) -> Iterator[Relation]:
    table = p.table("02")
    if table is None:
        return
    units = [r.key for r in table.rows if r.key.startswith("unit:")]
    if not units:
        return
    for c in table.columns:
        total = _cell(p, "02", "total", c.key)
        if total is not None:
            yield Sum(total, tuple((1, q) for u in units if (q := _cell(p, "02", u, c.key)) is not None))


def _projects_total(p: Published) -> Iterator[Relation]:
    table = p.table("11")
    if table is None:
        return
    projects = [r.key for r in table.rows if r.key.startswith("project:")]
    if not projects:
        return
    total = _cell(p, "11", "total", "total")
    if total is not None:
        yield Sum(total, tuple((1, q) for k in projects if (q := _cell(p, "11", k, "total")) is not None))


def _x_funds(p: Published) -> Iterator[Relation]:
    for k in _FUNDS:
        a, b = _cell(p, "01", k, "amount"), _cell(p, "04", k, "amount")
        if a is not None and b is not None:
            yield Sum(a, ((1, b),))


BUDGET_RULES: tuple[Rule, ...] = _rules()


@in_wide_context
def published_budget(d: BudgetDisclosure, narrative: Narrative | None = None, *, rounded: bool = False,
                     source: str = "") -> Published:
    """A derived budget as checker input: exact, or ``rounded`` to the printed 万元 figures."""
    tables = {t.id: (_round_table(t) if rounded and t.unit is Unit.YUAN else t) for t in d.tables.values()}
    statements = {t.id: t.statement for t in d.tables.values() if t.statement}
    exact = not rounded
    return Published(d.department, d.fiscal_year, d.edition, tables, narrative, statements, exact,
                     source or f"{d.department} {d.fiscal_year} 部门预算")


@in_wide_context
def check_budget(target: Published | BudgetDisclosure | BudgetLedger, *, narrative: Narrative | None = None,
                 rules: Iterable[Rule] = BUDGET_RULES) -> Report:
    """Apply the budget rules to a published budget, a derived one (exactly), or a ledger
    (its tables derived and its 情况说明 generated, then both checked)."""
    if isinstance(target, BudgetLedger):
        from govbudget.budget.narrative import build

        d = derive(target)
        target = published_budget(d, narrative if narrative is not None else build(target, d))
    elif isinstance(target, BudgetDisclosure):
        target = published_budget(target, narrative)
    elif not isinstance(target, Published):
        raise TypeError(f"cannot check a {type(target).__name__}; give a Published, BudgetDisclosure or BudgetLedger")
    findings: list[Finding] = list(target.reader_findings)
    for r in rules:
        findings += r.check(target)
    findings.sort(key=lambda f: _ORDER[f.severity])
    return Report(target.source, tuple(findings))

