"""The explanatory text (第三部分 情况说明) generated from a ledger, figure by figure.

The text is built in two steps:

1. :func:`build` makes a structured form in the text model of :mod:`govbudget.text` —
   :class:`Narrative` → :class:`Section` (with its topic) → :class:`Paragraph` →
   :class:`Sentence` → :class:`Figure` — in which every figure carries a
   stable key (``gpb.change_rate``), the value printed, the exact value it was rounded from
   and its derivation (``|Δ| / prior × 100``).
2. :func:`to_text`, :func:`to_markdown` and :func:`to_json` render that form.

The same keys are produced by the reader of published reports
(:func:`govbudget.readers.read_text`), so the checker (:mod:`govbudget.rules`) applies one
set of definitions to generated and to published text alike.

Conventions (those of the 2023 central format, as the seed prints them):

* amounts in 万元 with two decimals, percentages with two decimals, both ROUND_HALF_UP and
  computed from exact 元 amounts;
* year on year: Δ = current − prior; 增加/增长 when Δ > 0, 减少/下降 when Δ < 0, 持平 when
  equal; the rate is |Δ| / prior; a zero base gets no rate, 0/0 no percentage;
* shares are exact by default; with ``balance_shares=True`` (舍位平衡) the shown shares of a
  breakdown add up to exactly 100.00% and :attr:`Narrative.adjustments` says which moved;
* reasons (主要原因) are the user's text; a missing one is shown as :data:`PLACEHOLDER`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, localcontext

import attrs

from govbudget.classification import Scheme, catalog
from govbudget.errors import require
from govbudget.ledger import VEHICLE_CATEGORIES, Ledger
from govbudget.money import ZERO, Unit, balance_shares, convert, display, in_wide_context, percent
from govbudget.tables import Disclosure, derive
from govbudget.text import (
    INCOME_LABELS,
    NATURE_LABELS,
    PLACEHOLDER,
    THREE_PUBLIC_ITEMS,
    Adjustment,
    Figure,
    FigureKind,
    Narrative,
    Paragraph,
    Section,
    Sentence,
    with_topics,
)

__all__ = [
    "INCOME_LABELS",
    "NATURE_LABELS",
    "PLACEHOLDER",
    "THREE_PUBLIC_ITEMS",
    "Adjustment",
    "Figure",
    "FigureKind",
    "Narrative",
    "Paragraph",
    "Section",
    "Sentence",
    "build",
    "narrative",
    "replace_figure",
    "to_json",
    "to_markdown",
    "to_text",
]

RATINGS = ("优", "良", "中", "差")


# -- formatting -------------------------------------------------------------------------------
def _wan(value: Decimal) -> str:
    """A 万元 figure as the text prints it: two decimals, no thousands separator."""
    return f"{value:.2f}"


def _sp(n: Decimal) -> str:
    return f" {_wan(n)} "


class _Builder:
    """Helpers shared by the section builders: figures from exact 元 amounts."""

    def __init__(self, balance: bool) -> None:
        self.balance = balance
        self.adjustments: list[Adjustment] = []

    @staticmethod
    def amount(key: str, yuan: Decimal, derivation: str) -> Figure:
        return Figure(key, display(yuan), FigureKind.AMOUNT, convert(yuan, Unit.YUAN, Unit.WAN), derivation)

    @staticmethod
    def rate(key: str, part: Decimal, whole: Decimal, derivation: str) -> Figure | None:
        # No rate on a zero base, nor on a base that prints as 0.00 万元: a reader could not
        # tell it from zero (and the checker would rightly flag it).
        shown = percent(part, whole)
        if shown is None or display(whole) == 0:
            return None
        return Figure(key, shown, FigureKind.PERCENT, _exact_percent(part, whole), derivation)

    def shares(self, items: Sequence[tuple[str, Decimal]], whole: Decimal, derivation: str) -> list[Figure | None]:
        """Shares of ``items`` in ``whole``; balanced to 100.00 when asked (舍位平衡)."""
        if display(whole) == 0:
            return [None] * len(items)
        figures: list[Figure | None] = [self.rate(k, a, whole, derivation) for k, a in items]
        if self.balance and items:
            bal = balance_shares([a for _, a in items], whole)
            for i in range(len(items)):
                f = figures[i]
                if f is not None and bal.parts[i] != f.value:
                    self.adjustments.append(Adjustment(f.key, f.value, bal.parts[i]))
                    figures[i] = attrs.evolve(f, value=bal.parts[i],
                                              derivation=f.derivation + "；舍位平衡调整 0.01")
        return figures


def _exact_percent(part: Decimal, whole: Decimal) -> Decimal:
    # Enough digits to show how a share was rounded; the printed value comes from percent().
    with localcontext() as ctx:
        ctx.prec = 28
        return part * 100 / whole


def _change_sentence(
    b: _Builder, prefix: str, subject: str, current: Decimal, prior: Decimal | None, verb_each: str = ""
) -> tuple[Sentence, bool]:
    """"与上年度相比，{subject}{各}增加 Δ 万元，增长 r%。" and whether Δ ≠ 0."""
    if prior is None:
        return Sentence(f"与上年度相比的变化：{PLACEHOLDER}（未提供上年数）。"), False
    delta = current - prior
    if delta == 0:
        return Sentence(f"与上年度相比，{subject}持平。", (
            Figure(f"{prefix}.change", ZERO, FigureKind.AMOUNT, ZERO, "current − prior"),)), False
    up = delta > 0
    change = b.amount(f"{prefix}.change", delta, "current − prior")
    text = f"与上年度相比，{subject}{verb_each}{'增加' if up else '减少'}{_sp(abs(change.value))}万元"
    figures = [change]
    rate = _change_rate(b, f"{prefix}.change_rate", current, prior)
    if rate is not None:
        text += f"，{'增长' if up else '下降'} {rate.value}%"
        figures.append(rate)
    return Sentence(text + "。", tuple(figures)), True


def _change_rate(b: _Builder, key: str, current: Decimal, prior: Decimal) -> Figure | None:
    """|Δ| / prior, unless a reader of the printed text would find no base: the prior year it
    implies (printed current − printed Δ) must itself be positive."""
    if display(current) - display(current - prior) <= 0:
        return None
    return b.rate(key, abs(current - prior), prior, "|current − prior| / prior × 100")


def _reason(text: str | None) -> str:
    return text if text else PLACEHOLDER


def _class_short(name: str) -> str:
    return name[:-2] if name.endswith("支出") else name


# -- the sections -------------------------------------------------------------------------------
@in_wide_context
def build(ledger: Ledger, disclosure: Disclosure | None = None, *, balance_shares: bool = False) -> Narrative:
    """The structured explanatory text of ``ledger`` (its tables derived unless given)."""
    require(ledger, Ledger, "build", "ledger")
    if disclosure is not None:
        require(disclosure, Disclosure, "build", "disclosure")
    d = disclosure if disclosure is not None else derive(ledger)
    b = _Builder(balance_shares)
    y = ledger.fiscal_year
    nf = ledger.narrative
    t01, t02, t03, t04, t05, t06, t07, t08 = (d.table(t) for t in ("01", "02", "03", "04", "05", "06", "07", "08"))
    sections: list[Section] = []

    def sec(num: str, title: str, *paras: Sequence[Sentence], subs: Sequence[Section] = ()) -> Section:
        return Section(num, f"{num}、{title}", tuple(Paragraph(tuple(p)) for p in paras if p), tuple(subs))

    # 一 收入支出决算总体情况说明
    total = b.amount("total.amount", t01.cell("income_grand_total", "amount"), "公开01表 总计")
    s1 = [Sentence(f"{y} 年度收、支总计均为{_sp(total.value)}万元。", (total,))]
    ch, moved = _change_sentence(b, "total", "收、支总计", t01.cell("income_grand_total", "amount"), nf.prior_year.total, "各")
    s1.append(ch)
    if moved:
        s1.append(Sentence(f"主要原因是{_reason(nf.reason('total'))}。"))
    sections.append(sec("一", "收入支出决算总体情况说明", s1))

    # 二 收入决算 / 三 支出决算: each nonzero column of 公开02/03's 合计 row with its share
    for num, title, word, prefix, whole, table, labels in (
        ("二", "收入决算情况说明", "收入", "income", t01.cell("income_total", "amount"), t02, INCOME_LABELS),
        ("三", "支出决算情况说明", "支出", "expenditure", t01.cell("expenditure_total", "amount"), t03, NATURE_LABELS),
    ):
        f_total = b.amount(f"{prefix}.total", whole, f"公开01表 本年{word}合计")
        parts = [(k, label, table.cell("total", k)) for k, label in labels if table.cell("total", k)]
        sections.append(sec(num, title, _breakdown(b, f"{y} 年度{word}合计", f_total, prefix, parts, whole,
                                                   f"{table.label} 合计 / 公开01表 本年{word}合计 × 100")))

    # 四 财政拨款收入支出决算总体情况说明
    fiscal = b.amount("fiscal.total", t04.cell("income_grand_total", "amount"), "公开04表 总计")
    s4 = [Sentence(f"{y} 年度财政拨款收、支总计均为{_sp(fiscal.value)}万元。", (fiscal,))]
    ch, moved = _change_sentence(b, "fiscal", "财政拨款收、支总计", t04.cell("income_grand_total", "amount"),
                                 nf.prior_year.fiscal_total, "各")
    s4.append(ch)
    if moved:
        s4.append(Sentence(f"主要原因是{_reason(nf.reason('fiscal'))}。"))
    sections.append(sec("四", "财政拨款收入支出决算总体情况说明", s4))

    # 五 一般公共预算财政拨款支出决算情况说明
    sections.append(_section5(b, ledger, d))

    # 六 基本支出
    basic = b.amount("basic.total", t05.cell("total", "basic"), "公开05表 合计 基本支出")
    personnel = b.amount("basic.personnel", t06.cell("personnel_total", "amount"), "公开06表 人员经费合计")
    public = b.amount("basic.public", t06.cell("public_total", "amount"), "公开06表 公用经费合计")
    s6 = [Sentence(f"{y} 年度一般公共预算财政拨款基本支出{_sp(basic.value)}万元。", (basic,))]
    # The panels of 公开06 (人员经费, 公用经费) name the two parts.
    for i, (fig, panel) in enumerate(zip((personnel, public), t06.spec.panels, strict=True)):
        label, lead = panel.title, "其中：" if i == 0 else ""
        names = tuple(r.label for r in t06.rows
                      if r.side == panel.key and r.code and len(r.code) == 5 and r.values[0])
        if names:
            s6.append(Sentence(f"{lead}{label}{_sp(fig.value)}万元，主要包括：{'、'.join(names)}。",
                               (fig,), ((f"{fig.key}.items", names),)))
        else:
            s6.append(Sentence(f"{lead}{label}{_sp(fig.value)}万元。", (fig,)))
    sections.append(sec("六", "一般公共预算财政拨款基本支出决算情况说明", s6))

    # 七 政府性基金 / 八 国有资本经营
    if t07.is_empty:
        s7 = [Sentence(f"我部门 {y} 年度没有政府性基金收入，也没有使用政府性基金安排的支出。",
                       flags=("government_fund.none",))]
    else:
        figs = (b.amount("government_fund.income", t07.cell("total", "income"), "公开07表 合计 本年收入"),
                b.amount("government_fund.expenditure", t07.cell("total", "expenditure"), "公开07表 合计 本年支出"),
                b.amount("government_fund.closing", t07.cell("total", "closing"), "公开07表 合计 年末结转和结余"))
        s7 = [Sentence(f"{y} 年度政府性基金预算财政拨款收入{_sp(figs[0].value)}万元，支出{_sp(figs[1].value)}万元，"
                       f"年末结转和结余{_sp(figs[2].value)}万元。", figs)]
    sections.append(sec("七", "政府性基金预算财政拨款支出决算情况说明", s7))
    if t08.is_empty:
        s8 = [Sentence(f"我部门 {y} 年度没有国有资本经营收入，也没有使用国有资本经营安排的支出。",
                       flags=("state_capital.none",))]
    else:
        f8 = b.amount("state_capital.expenditure", t08.cell("total", "total"), "公开08表 合计")
        s8 = [Sentence(f"{y} 年度国有资本经营预算财政拨款支出{_sp(f8.value)}万元。", (f8,))]
    sections.append(sec("八", "国有资本经营预算财政拨款支出决算情况说明", s8))

    sections.append(_section9(b, ledger))
    sections.append(_section10(b, ledger))
    sections.append(_section11(b, ledger))
    sections.append(_section12(ledger))
    sections.append(_section13(ledger))
    return Narrative(ledger.department, y, tuple(with_topics(s) for s in sections), tuple(b.adjustments))


def _breakdown(b: _Builder, lead: str, total: Figure, prefix: str,
               parts: Sequence[tuple[str, str, Decimal]], whole: Decimal, derivation: str) -> list[Sentence]:
    """"{lead} X 万元，其中：A a 万元，占 p%；B b 万元，占 q%。" """
    if not parts:
        return [Sentence(f"{lead}{_sp(total.value)}万元。", (total,))]
    pieces, figures = _shared_parts(b, prefix, parts, whole, derivation)
    return [Sentence(f"{lead}{_sp(total.value)}万元，其中：{'；'.join(pieces)}。", (total, *figures))]


def _shared_parts(b: _Builder, prefix: str, parts: Sequence[tuple[str, str, Decimal]], whole: Decimal,
                  derivation: str) -> tuple[list[str], list[Figure]]:
    """"{label} a 万元，占 p%" for each part (share of ``whole``; balanced when asked), with
    the figures ``{prefix}.{key}.amount`` and ``{prefix}.{key}.share``."""
    shares = b.shares([(f"{prefix}.{k}.share", a) for k, _, a in parts], whole, derivation)
    figures: list[Figure] = []
    pieces = []
    for (k, label, a), share in zip(parts, shares, strict=True):
        amount = b.amount(f"{prefix}.{k}.amount", a, f"{prefix} {label}")
        figures.append(amount)
        piece = f"{label}{_sp(amount.value)}万元"
        if share is not None:
            piece += f"，占 {share.value}%"
            figures.append(share)
        pieces.append(piece)
    return pieces, figures


def _section5(b: _Builder, ledger: Ledger, d: Disclosure) -> Section:
    y, nf = ledger.fiscal_year, ledger.narrative
    t01, t05 = d.table("01"), d.table("05")
    gpb = t05.cell("total", "total")
    fc = catalog(Scheme.FUNCTIONAL, ledger.edition)
    # (一) 总体情况
    f_gpb = b.amount("gpb.total", gpb, "公开05表 合计")
    share = b.rate("gpb.share_of_expenditure", gpb, t01.cell("expenditure_total", "amount"), "公开05表 合计 / 公开01表 本年支出合计 × 100")
    text = f"{y} 年度一般公共预算财政拨款支出{_sp(f_gpb.value)}万元"
    figs = [f_gpb]
    if share is not None:
        text += f"，占支出合计的 {share.value}%"
        figs.append(share)
    s51 = [Sentence(text + "。", tuple(figs))]
    ch, moved = _change_sentence(b, "gpb", "一般公共预算财政拨款支出", gpb, nf.prior_year.general_public_expenditure)
    s51.append(ch)
    if moved:
        s51.append(Sentence(f"主要原因是{_reason(nf.reason('general_public'))}。"))
    # (二) 结构情况
    classes = [(r.code, f"{_class_short(r.label)}（类）支出", r.values[0])
               for r in t05.rows if r.code and len(r.code) == 3 and r.values[0]]
    structure_total = b.amount("gpb_structure.total", gpb, "公开05表 合计")
    pieces, figs = _shared_parts(b, "gpb_structure", classes, gpb, "公开05表 类 / 合计 × 100")
    body = f"，主要用于以下方面：{'；'.join(pieces)}。" if pieces else "。"
    s52 = [Sentence(f"{y} 年度一般公共预算财政拨款支出{_sp(structure_total.value)}万元{body}",
                    (structure_total, *figs))]
    # (三) 具体情况: every 项 of 公开05表 and every 项 with a 年初预算
    budgets = {bl.function: bl for bl in nf.initial_budget}
    budget_total = sum((bl.amount for bl in nf.initial_budget), ZERO)
    items = sorted({r.code for r in t05.rows if r.code and len(r.code) == 7} | set(budgets))
    paras: list[list[Sentence]] = []
    if not budgets:  # no 年初预算 stated: said so, never printed (or compared) as a zero budget
        paras.append([Sentence(f"{y} 年度一般公共预算财政拨款支出年初预算：{PLACEHOLDER}（未提供年初预算）；"
                               "各项决算数见公开05表。")])
        items = []
    else:
        paras.append([_budget_head(b, y, budget_total, gpb)])
    for n, code in enumerate(items, 1):
        item, section_, class_ = fc[code], fc[code[:5]], fc[code[:3]]
        actual = t05.cell(code, "total")
        bl = budgets.get(code)
        budget = bl.amount if bl else ZERO
        fa = b.amount(f"gpb_budget.{code}.actual", actual, f"公开05表 {code} 小计")
        fb = b.amount(f"gpb_budget.{code}.budget", budget, "年初预算 (ledger)")
        text = (f"{n}. {class_.name}（类）{section_.name}（款）{item.name}（项）年初预算数为{_sp(fb.value)}万元，"
                f"决算数{_sp(fa.value)}万元")
        figs = [fb, fa]
        qi = b.rate(f"gpb_budget.{code}.rate", actual, budget, "决算 / 年初预算 × 100")
        if qi is not None:
            text += f"，完成年初预算的 {qi.value}%"
            figs.append(qi)
        if actual == budget:
            text += "，决算数与年初预算数一致。"
        else:
            text += f"，决算数与年初预算数存在差异的主要原因是{_reason(bl.reason if bl else None)}。"
        paras.append([Sentence(text, tuple(figs))])
    subs = [
        Section("五（一）", "（一）总体情况", (Paragraph(tuple(s51)),)),
        Section("五（二）", "（二）结构情况", (Paragraph(tuple(s52)),)),
        Section("五（三）", "（三）具体情况", tuple(Paragraph(tuple(p)) for p in paras)),
    ]
    return Section("五", "五、一般公共预算财政拨款支出决算情况说明", (), tuple(subs))


def _budget_head(b: _Builder, y: int, budget_total: Decimal, gpb: Decimal) -> Sentence:
    """五（三）'s first sentence: the 年初预算 total, the 决算 and the completion rate."""
    f_bt = b.amount("gpb_budget.total", budget_total, "Σ 年初预算 of the 项 below")
    f_act = b.amount("gpb_budget.actual", gpb, "公开05表 合计")
    text = f"{y} 年度一般公共预算财政拨款支出年初预算为{_sp(f_bt.value)}万元，支出决算为{_sp(f_act.value)}万元"
    figs = [f_bt, f_act]
    q = b.rate("gpb_budget.rate", gpb, budget_total, "决算 / 年初预算 × 100")
    if q is not None:
        text += f"，完成年初预算的 {q.value}%"
        figs.append(q)
    return Sentence(text + "。其中：", tuple(figs))


def _missing(num: str, title: str, what: str) -> Section:
    """A section whose facts the ledger does not state: said so, never printed as zero."""
    return Section(num, f"{num}、{title}", (Paragraph((Sentence(f"{what}：{PLACEHOLDER}（未提供）。"),)),))


def _section9(b: _Builder, ledger: Ledger) -> Section:
    y, tp = ledger.fiscal_year, ledger.three_public
    if tp is None:
        return _missing("九", "财政拨款“三公”经费支出决算情况说明", f"{y} 年度“三公”经费财政拨款支出情况")
    budget, actual = tp.budget, tp.actual
    fb = b.amount("three_public.budget", budget.total, "公开09表 预算数 合计")
    fa = b.amount("three_public.actual", actual.total, "公开09表 决算数 合计")
    text = f"{y} 年度“三公”经费财政拨款支出预算为{_sp(fb.value)}万元，支出决算为{_sp(fa.value)}万元"
    figs = [fb, fa]
    q = b.rate("three_public.rate", actual.total, budget.total, "决算 / 预算 × 100")
    if q is not None:
        text += f"，完成预算的 {q.value}%"
        figs.append(q)
    s1 = [Sentence(text + "。", tuple(figs)), _budget_diff(actual.total, budget.total, "“三公”经费支出",
                                                          ledger.narrative.reason("three_public"))]
    values = {"abroad": (budget.abroad, actual.abroad), "vehicles": (budget.vehicles, actual.vehicles),
              "reception": (budget.reception, actual.reception)}
    shares = b.shares([(f"three_public.{k}.share", values[k][1]) for k, _ in THREE_PUBLIC_ITEMS], actual.total,
                      "item 决算 / “三公” 决算合计 × 100")
    pieces, figs = [], []
    for (k, label), sh in zip(THREE_PUBLIC_ITEMS, shares, strict=True):
        bud, act = values[k]
        f = b.amount(f"three_public.{k}.actual", act, f"公开09表 决算数 {label}")
        piece = f"{label}支出决算{_sp(f.value)}万元"
        figs.append(f)
        qi = b.rate(f"three_public.{k}.rate", act, bud, "决算 / 预算 × 100")
        if qi is not None:
            piece += f"，完成预算的 {qi.value}%"
            figs.append(qi)
        if sh is not None:
            piece += f"，占 {sh.value}%"
            figs.append(sh)
        pieces.append(piece)
    s2 = [Sentence(f"{y} 年度“三公”经费财政拨款支出决算中，{'；'.join(pieces)}。具体情况如下：", tuple(figs))]
    details: list[list[Sentence]] = []
    for n, (k, label) in enumerate(THREE_PUBLIC_ITEMS, 1):
        bud, act = values[k]
        db = b.amount(f"three_public.detail.{k}.budget", bud, f"公开09表 预算数 {label}")
        da = b.amount(f"three_public.detail.{k}.actual", act, f"公开09表 决算数 {label}")
        text = f"{n}. {label}预算为{_sp(db.value)}万元，支出决算为{_sp(da.value)}万元"
        figs = [db, da]
        qi = b.rate(f"three_public.detail.{k}.rate", act, bud, "决算 / 预算 × 100")
        if qi is not None:
            text += f"，完成预算的 {qi.value}%"
            figs.append(qi)
        para = [Sentence(text + "。", tuple(figs)), _budget_diff(act, bud, "", ledger.narrative.reason(f"three_public.{k}"))]
        if k == "abroad":
            para.append(Sentence(f"全年因公出国（境）团组 {tp.groups_abroad} 个，累计 {tp.people_abroad} 人次。", (
                _count("three_public.groups_abroad", tp.groups_abroad),
                _count("three_public.people_abroad", tp.people_abroad))))
        elif k == "vehicles":
            fp = b.amount("three_public.vehicle_purchase", actual.vehicle_purchase, "公开09表 决算数 公务用车购置费")
            fo = b.amount("three_public.vehicle_operation", actual.vehicle_operation, "公开09表 决算数 公务用车运行维护费")
            para += [
                Sentence(f"其中：公务用车购置支出{_sp(fp.value)}万元，购置车辆 {tp.vehicles_purchased} 台。",
                         (fp, _count("three_public.vehicles_purchased", tp.vehicles_purchased))),
                Sentence(f"公务用车运行维护支出{_sp(fo.value)}万元。", (fo,)),
                Sentence(f"{y} 年期末，单位开支财政拨款的公务用车保有量为 {tp.vehicles_held} 辆。",
                         (_count("three_public.vehicles_held", tp.vehicles_held),)),
            ]
        else:
            ff = b.amount("three_public.foreign_reception", tp.foreign_reception, "外宾接待 (ledger)")
            fd = b.amount("three_public.domestic_reception", actual.reception - tp.foreign_reception,
                          "公务接待费 − 外宾接待")
            para += [
                Sentence(f"其中：外宾接待支出{_sp(ff.value)}万元，共接待国（境）外来访团组 {tp.foreign_reception_groups} 个、"
                         f"来访外宾 {tp.foreign_reception_people} 人次（不包括陪同人员）。",
                         (ff, _count("three_public.foreign_reception_groups", tp.foreign_reception_groups),
                          _count("three_public.foreign_reception_people", tp.foreign_reception_people))),
                Sentence(f"其他国内公务接待支出{_sp(fd.value)}万元，共接待国内来访团组 {tp.domestic_reception_groups} 个、"
                         f"来宾 {tp.domestic_reception_people} 人次（不包括陪同人员）。",
                         (fd, _count("three_public.domestic_reception_groups", tp.domestic_reception_groups),
                          _count("three_public.domestic_reception_people", tp.domestic_reception_people))),
            ]
        details.append(para)
    subs = (
        Section("九（一）", "（一）“三公”经费财政拨款支出决算总体情况说明", (Paragraph(tuple(s1)),)),
        Section("九（二）", "（二）“三公”经费财政拨款支出决算具体情况说明",
                (Paragraph(tuple(s2)), *(Paragraph(tuple(p)) for p in details))),
    )
    return Section("九", "九、财政拨款“三公”经费支出决算情况说明", (), subs)


def _budget_diff(actual: Decimal, budget: Decimal, subject: str, reason: str | None) -> Sentence:
    if actual == budget:
        return Sentence(f"{subject}决算数与预算数无差异。")
    side = "小于" if actual < budget else "大于"
    return Sentence(f"{subject}决算数{side}预算数的主要原因是{_reason(reason)}。")


def _count(key: str, n: int) -> Figure:
    return Figure(key, Decimal(n), FigureKind.COUNT, Decimal(n), "ledger")


def _section10(b: _Builder, ledger: Ledger) -> Section:
    y, nf = ledger.fiscal_year, ledger.narrative
    if nf.office_operating_expenses is None:
        return Section("十", "十、机关运行经费支出情况说明", (Paragraph((Sentence(
            f"{y} 年度机关运行经费支出{PLACEHOLDER}万元（未提供机关运行经费）。"),)),))
    cur, prior = nf.office_operating_expenses, nf.prior_office_operating_expenses
    f = b.amount("office.amount", cur, "机关运行经费 (ledger)")
    text = f"{y} 年度机关运行经费支出{_sp(f.value)}万元"
    figs = [f]
    if prior is None:
        text += f"，与上年度相比的变化：{PLACEHOLDER}（未提供上年数）。"
    elif cur == prior:
        text += f"，与 {y - 1} 年度持平。"
        figs.append(Figure("office.change", ZERO, FigureKind.AMOUNT, ZERO, "current − prior"))
    else:
        up = cur > prior
        c = b.amount("office.change", cur - prior, "current − prior")
        text += f"，比 {y - 1} 年度{'增加' if up else '减少'}{_sp(abs(c.value))}万元"
        figs.append(c)
        r = _change_rate(b, "office.change_rate", cur, prior)
        if r is not None:
            text += f"，{'增长' if up else '下降'} {r.value}%"
            figs.append(r)
        text += f"，主要原因是{_reason(nf.reason('office_operating'))}。"
    return Section("十", "十、机关运行经费支出情况说明", (Paragraph((Sentence(text, tuple(figs)),)),))


def _section11(b: _Builder, ledger: Ledger) -> Section:
    y, p = ledger.fiscal_year, ledger.narrative.procurement
    if p is None:
        return _missing("十一", "政府采购支出情况说明", f"{y} 年度政府采购支出情况")
    ft = b.amount("procurement.total", p.total, "货物 + 工程 + 服务")
    fg = b.amount("procurement.goods", p.goods, "ledger")
    fw = b.amount("procurement.works", p.works, "ledger")
    fs = b.amount("procurement.services", p.services, "ledger")
    fm = b.amount("procurement.to_sme", p.to_sme, "ledger")
    fk = b.amount("procurement.to_small_micro", p.to_small_micro, "ledger")
    s1 = Sentence(f"{y} 年度政府采购支出总额{_sp(ft.value)}万元，其中：政府采购货物支出{_sp(fg.value)}万元、"
                  f"政府采购工程支出{_sp(fw.value)}万元、政府采购服务支出{_sp(fs.value)}万元。", (ft, fg, fw, fs))
    text = f"授予中小企业合同金额{_sp(fm.value)}万元"
    figs = [fm]
    r = b.rate("procurement.to_sme.share", p.to_sme, p.total, "中小企业 / 总额 × 100")
    if r is not None:
        text += f"，占政府采购支出总额的 {r.value}%"
        figs.append(r)
    text += f"，其中：授予小微企业合同金额{_sp(fk.value)}万元"
    figs.append(fk)
    r = b.rate("procurement.to_small_micro.share", p.to_small_micro, p.to_sme, "小微企业 / 中小企业 × 100")
    if r is not None:
        text += f"，占授予中小企业合同金额的 {r.value}%"
        figs.append(r)
    return Section("十一", "十一、政府采购支出情况说明", (Paragraph((s1, Sentence(text + "。", tuple(figs)))),))


def _section12(ledger: Ledger) -> Section:
    y, a = ledger.fiscal_year, ledger.narrative.assets
    if a is None:
        return _missing("十二", "国有资产占用情况说明", f"{y} 年期末国有资产占用情况（车辆、大型设备）")
    counts = dict(a.vehicles)
    cats = [c for c in VEHICLE_CATEGORIES] + [c for c in counts if c not in VEHICLE_CATEGORIES]
    figs = [_count("assets.vehicles", a.vehicle_total)]
    pieces = []
    for c in cats:
        figs.append(_count(f"assets.vehicles.{c}", counts.get(c, 0)))
        pieces.append(f"{c} {counts.get(c, 0)} 辆")
    figs.append(_count("assets.large_equipment", a.large_equipment))
    text = (f"{y} 年期末，我单位共有车辆 {a.vehicle_total} 辆，其中：{'、'.join(pieces)}；"
            f"单位价值 100 万元（含）以上设备 {a.large_equipment} 台（套）。")
    return Section("十二", "十二、国有资产占用情况说明", (Paragraph((Sentence(text, tuple(figs)),)),))


def _section13(ledger: Ledger) -> Section:
    y, p = ledger.fiscal_year, ledger.narrative.performance
    if p is None:
        return _missing("十三", "预算绩效情况说明", f"{y} 年度预算绩效管理工作开展情况")
    ratings = dict(p.self_evaluation_ratings)
    s1 = Sentence(f"{y} 年我部门对 {p.projects_with_targets} 个项目支出和部门整体支出设置了绩效目标，"
                  f"对 {p.projects_self_evaluated} 个项目和部门整体开展了绩效自评。",
                  (_count("performance.projects_with_targets", p.projects_with_targets),
                   _count("performance.projects_self_evaluated", p.projects_self_evaluated)))
    s2 = Sentence(f"我部门对 {y} 年度部门整体支出进行了绩效自评，自评结果为{p.department_rating or PLACEHOLDER}。")
    pieces = [f"{ratings.get(r, 0)} 个项目自评结果为{r}" for r in RATINGS]
    s3 = Sentence(f"我部门对 {y} 年度 {p.projects_self_evaluated} 个项目进行了绩效自评。其中：{'，'.join(pieces)}。",
                  (_count("performance.self_evaluated", p.projects_self_evaluated),
                   *(_count(f"performance.rating.{r}", ratings.get(r, 0)) for r in RATINGS)))
    if p.key_evaluations:
        score = p.key_evaluation_score
        text = f"我部门对 {y} 年度 {p.key_evaluations} 个项目进行了部门评价"
        figs = [_count("performance.key_evaluations", p.key_evaluations)]
        if score is not None:
            text += f"，评价得分 {score} 分"
            figs.append(Figure("performance.key_evaluation_score", score, FigureKind.SCORE, score, "ledger"))
        text += f"，评价结果为{p.key_evaluation_rating or PLACEHOLDER}。"
        s4 = Sentence(text, tuple(figs))
    else:
        s4 = Sentence(f"我部门 {y} 年度未开展部门评价。")
    subs = (
        Section("十三（一）", "（一）绩效管理工作开展情况", (Paragraph((s1,)),)),
        Section("十三（二）", "（二）部门整体绩效自评结果", (Paragraph((s2,)),)),
        Section("十三（三）", "（三）项目绩效自评结果", (Paragraph((s3,)),)),
        Section("十三（四）", "（四）重点绩效评价结果", (Paragraph((s4,)),)),
    )
    return Section("十三", "十三、预算绩效情况说明", (), subs)


# -- rendering ------------------------------------------------------------------------------------
def _lines(n: Narrative, heading: str, sub: str) -> list[str]:
    out = []
    for s in n.sections:
        out += [f"{heading}{s.heading}", ""]
        for p in s.paragraphs:
            out += [p.text, ""]
        for ss in s.subsections:
            out += [f"{sub}{ss.heading}", ""]
            for p in ss.paragraphs:
                out += [p.text, ""]
    return out


def to_text(n: Narrative) -> str:
    """The text as published: 第三部分, the year's title, then the thirteen sections."""
    head = ["第三部分", "", f"{n.fiscal_year} 年度部门决算情况说明", ""]
    return "\n".join(head + _lines(n, "", "")).rstrip() + "\n"


def to_markdown(n: Narrative) -> str:
    """The text as Markdown (``##`` part, ``###`` sections, ``####`` sub-sections)."""
    head = [f"## 第三部分 {n.fiscal_year} 年度部门决算情况说明", ""]
    body = _lines(n, "### ", "#### ")
    if n.adjustments:
        body += ["", "> 舍位平衡：" + "；".join(f"{a.key} {a.rounded}% → {a.shown}%" for a in n.adjustments)]
    return "\n".join(head + body).rstrip() + "\n"


def to_json(n: Narrative) -> str:
    """The structured form as JSON (schema ``govbudget/narrative/1``): figures are strings.
    ``govbudget.convert.loads(text, Narrative)`` reads it back."""
    from govbudget.convert import dumps

    return dumps(n)


def narrative(ledger: Ledger, *, balance_shares: bool = False, fmt: str | None = None) -> Narrative | str:
    """The explanatory text of ``ledger``: the structured :class:`Narrative`, or rendered when
    ``fmt`` is ``"text"``, ``"markdown"`` or ``"json"``."""
    n = build(ledger, balance_shares=balance_shares)
    if fmt is None:
        return n
    renderers = {"text": to_text, "markdown": to_markdown, "json": to_json}
    if fmt not in renderers:
        from govbudget.errors import FormatError

        raise FormatError(f"unknown narrative format {fmt!r}; choose one of {', '.join(renderers)}")
    return renderers[fmt](n)


def replace_figure(n: Narrative, key: str, value: Decimal | None) -> Narrative:
    """A copy of ``n`` with the figure ``key`` set to ``value`` (removed when ``None``), the
    way a slip in a published text would change it; the sentence text is left as it was."""

    def fix(s: Sentence) -> Sentence:
        if value is None:
            return attrs.evolve(s, figures=tuple(f for f in s.figures if f.key != key))
        return attrs.evolve(s, figures=tuple(attrs.evolve(f, value=value) if f.key == key else f
                                             for f in s.figures))

    def walk(sec: Section) -> Section:
        return attrs.evolve(
            sec,
            paragraphs=tuple(Paragraph(tuple(fix(s) for s in p.sentences)) for p in sec.paragraphs),
            subsections=tuple(walk(x) for x in sec.subsections),
        )

    if key not in n.figures:
        raise KeyError(f"no figure {key!r} in the narrative")
    return attrs.evolve(n, sections=tuple(walk(s) for s in n.sections))
