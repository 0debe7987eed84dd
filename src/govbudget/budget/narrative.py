"""The budget 情况说明 (部门预算情况说明), generated from a budget ledger figure by figure.

The sections and the figure keys (the vocabulary the budget reader and the ``budget.*`` rules
share):

=====================================  =====================================================
section                                figure keys
=====================================  =====================================================
一、收支预算总体情况                    ``total.income``, ``total.expenditure``, ``total.change``,
                                       ``total.change_rate``
二、收入预算情况                        ``income.<source>``, ``income.<source>.share``
三、支出预算情况                        ``expenditure.<nature>``, ``expenditure.<nature>.share``
四、财政拨款收支预算总体情况            ``fiscal.total``, ``fiscal.change``, ``fiscal.change_rate``
五、一般公共预算支出预算情况            ``gpb.total``, ``gpb.change``, ``gpb.change_rate``,
                                       ``gpb.<code>`` / ``.share`` / ``.change`` / ``.change_rate``
                                       per 类, 款 and 项 (changes when the prior year's 项 are known)
六、一般公共预算基本支出预算情况        ``basic.total``, ``basic.personnel``, ``basic.public``
七、“三公”经费预算情况                  ``three_public.<item>`` / ``.change`` / ``.change_rate``
                                       (item: total, abroad, vehicles, vehicle_purchase,
                                       vehicle_operation, reception)
八、机关运行经费预算情况                ``office.total``, ``office.change``, ``office.change_rate``
九、政府采购预算情况                    ``procurement.total``, ``procurement.goods`` / ``works`` /
                                       ``services``
=====================================  =====================================================

The reader (:mod:`govbudget.textread`) also keys what published texts state beyond these:
``income.current_total`` / ``expenditure.current_total`` (本年收入合计 / 本年支出合计, 预算01表's
rows), ``income.carryover`` (上年结转结余) and by source ``income.carryover.<fund>`` (上年结转结余的
一般公共预算收入 …; 预算04表's 上年结转 rows), ``expenditure.carry_forward`` (年终结转结余 / 结转下年).

Conventions: amounts in 万元 with two decimals, rates and shares with two decimals, ROUND_HALF_UP
from exact 元; Δ = current − prior (上年预算数 or 上年执行数, as the ledger says); no rate on a
zero base.  Reasons (主要原因) are the ledger's text or the visible placeholder.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import attrs

from govbudget.budget.ledger import BudgetLedger
from govbudget.budget.tables import derive
from govbudget.money import ZERO, in_wide_context
from govbudget.narrative import _Builder, _change_rate, _lines, _sp
from govbudget.spec import family, terms
from govbudget.tables import Disclosure, chinese_ordinal
from govbudget.text import PLACEHOLDER, Figure, Narrative, Paragraph, Section, Sentence, with_topics

__all__ = ["SOURCE_LABELS", "THREE_PUBLIC_LABELS", "build", "to_markdown", "to_text"]

_BUDGET = family("budget")
#: Income rows the text names (as 预算01表 labels them, without the ordinal), keyed like its rows:
#: the sources 预算02表 sums (单位资金 by its parts).
SOURCE_LABELS: tuple[tuple[str, str], ...] = tuple(
    (k, _BUDGET.table("01").row(k).bare_label) for _, k in terms(_BUDGET.table("02").column("total").sum_of))
#: Natures the text names, keyed like the columns of 预算03表 (their titles).
NATURE_LABELS: tuple[tuple[str, str], ...] = tuple(
    (k, _BUDGET.table("03").column(k).title) for _, k in terms(_BUDGET.table("03").column("total").sum_of))
#: “三公” items as the text names them, keyed like the columns of 预算07表 (the total without 合计).
THREE_PUBLIC_LABELS: tuple[tuple[str, str], ...] = tuple(
    (c.key, c.title.removesuffix("合计")) for c in _BUDGET.table("07").columns)


def _change(b: _Builder, prefix: str, current: Decimal, prior: Decimal | None, basis: str) -> Sentence:
    """"比上年预算数增加 Δ 万元，增长 r%" (or 持平), or the placeholder when the prior is unknown."""
    if prior is None:
        return Sentence(f"与{basis}相比的变化：{PLACEHOLDER}（未提供上年数）。")
    delta = current - prior
    if delta == 0:
        return Sentence(f"与{basis}持平。", (b.amount(f"{prefix}.change", ZERO, "current − prior"),))
    up = delta > 0
    change = b.amount(f"{prefix}.change", delta, "current − prior")
    text = f"比{basis}{'增加' if up else '减少'}{_sp(abs(change.value))}万元"
    figures = [change]
    # No rate where a reader of the printed figures would find no base (as in the 决算 text).
    rate = _change_rate(b, f"{prefix}.change_rate", current, prior)
    if rate is not None:
        text += f"，{'增长' if up else '下降'} {rate.value}%"
        figures.append(rate)
    return Sentence(text + "。", tuple(figures))


def _amount_sentence(b: _Builder, key: str, lead: str, yuan: Decimal, tail: str = "") -> Sentence:
    f = b.amount(key, yuan, "from the tables")
    return Sentence(f"{lead}{_sp(f.value)}万元{tail}", (f,))


def _shares(b: _Builder, prefix: str, items: Sequence[tuple[str, str, Decimal]], whole: Decimal) -> list[Sentence]:
    """One sentence per nonzero part: "{label} X 万元，占 s%"."""
    nonzero = [(k, label, a) for k, label, a in items if a]
    shares = b.shares([(f"{prefix}.{k}.share", a) for k, _, a in nonzero], whole, "part / whole × 100")
    out = []
    for (k, label, a), share in zip(nonzero, shares, strict=True):
        amount = b.amount(f"{prefix}.{k}", a, "from the tables")
        text = f"{label}{_sp(amount.value)}万元"
        figures: list[Figure] = [amount]
        if share is not None:
            text += f"，占 {share.value}%"
            figures.append(share)
        out.append(Sentence(text + "；", tuple(figures)))
    return out


def _reason(ledger: BudgetLedger, key: str) -> Sentence:
    return Sentence(f"主要原因是{ledger.reason(key) or PLACEHOLDER}。")


@in_wide_context
def build(ledger: BudgetLedger, disclosure: Disclosure | None = None, *,
          balance_shares: bool = False) -> Narrative:
    """The structured budget 情况说明 of ``ledger`` (its tables derived unless given)."""
    d = disclosure if disclosure is not None else derive(ledger)
    b = _Builder(balance_shares)
    basis = ledger.prior.basis
    t01, t04, t06 = d.table("01"), d.table("04"), d.table("06")
    income = t01.cell("income_total", "amount") + t01.cell("carryover", "amount")
    spent = t01.cell("expenditure_total", "amount")
    sections = [
        Section("一", "收支预算总体情况", (Paragraph((
            _amount_sentence(b, "total.income", f"{ledger.fiscal_year}年本部门收入预算", income, "，"),
            _change(b, "total", income, ledger.prior.total, basis),
            _amount_sentence(b, "total.expenditure", "支出预算", spent, "。"),
            _reason(ledger, "total"),
        )),)),
    ]
    sources = [(k, label, t01.cell(k, "amount")) for k, label in SOURCE_LABELS]
    sections.append(Section("二", "收入预算情况", (Paragraph((
        Sentence(f"本部门收入预算{_sp(b.amount('income.total', income, 'from 预算01表').value)}万元，其中：",
                 (b.amount("income.total", income, "from 预算01表"),)),
        *_shares(b, "income", sources, income),
    )),)))
    t03 = d.table("03")
    natures = [(k, label, t03.cell("total", k)) for k, label in NATURE_LABELS]
    sections.append(Section("三", "支出预算情况", (Paragraph((
        Sentence(f"本部门支出预算{_sp(b.amount('expenditure.total', spent, 'from 预算03表').value)}万元，其中：",
                 (b.amount("expenditure.total", spent, "from 预算03表"),)),
        *_shares(b, "expenditure", natures, spent),
    )),)))
    fiscal = t04.cell("income_grand_total", "amount")
    sections.append(Section("四", "财政拨款收支预算总体情况", (Paragraph((
        _amount_sentence(b, "fiscal.total", "本部门财政拨款收支预算总计", fiscal, "，"),
        _change(b, "fiscal", fiscal, ledger.prior.fiscal_total, basis),
    )),)))
    sections.append(_gpb_section(b, ledger, d))
    sections.append(Section("六", "一般公共预算基本支出预算情况", (Paragraph((
        _amount_sentence(b, "basic.total", "本部门一般公共预算基本支出", t06.cell("total", "total"), "，其中："),
        _amount_sentence(b, "basic.personnel", t06.spec.column("personnel").title, t06.cell("total", "personnel"),
                         "，主要包括工资福利支出和对个人和家庭的补助；"),
        _amount_sentence(b, "basic.public", t06.spec.column("public").title, t06.cell("total", "public"),
                         "，主要包括商品和服务支出和资本性支出等。"),
    )),)))
    sections.append(_three_public_section(b, ledger, d))
    if ledger.office_operating is not None:
        sections.append(Section("八", "机关运行经费预算情况", (Paragraph((
            _amount_sentence(b, "office.total", f"{ledger.fiscal_year}年本部门机关运行经费预算",
                             ledger.office_operating, "，"),
            _change(b, "office", ledger.office_operating, ledger.prior.office_operating, basis),
            _reason(ledger, "office_operating"),
        )),)))
    if ledger.procurement is not None:
        p = ledger.procurement
        sections.append(Section("九", "政府采购预算情况", (Paragraph((
            _amount_sentence(b, "procurement.total", f"{ledger.fiscal_year}年本部门政府采购预算", p.total, "，其中："),
            _amount_sentence(b, "procurement.goods", "货物类采购预算", p.goods, "，"),
            _amount_sentence(b, "procurement.works", "工程类采购预算", p.works, "，"),
            _amount_sentence(b, "procurement.services", "服务类采购预算", p.services, "。"),
        )),)))
    gf, sc = d.table("08"), d.table("09")
    fund_sentences = []
    for table, key in ((gf, "government_fund"), (sc, "state_capital")):
        name, flag = _BUDGET.table("04").column(key).title, f"{key}.none"  # the fund as 预算04表 heads it
        if table.is_empty:
            fund_sentences.append(Sentence(f"本部门{ledger.fiscal_year}年没有使用{name}拨款安排的支出。", flags=(flag,)))
        else:
            fund_sentences.append(_amount_sentence(b, f"{key}.total", f"本部门{name}拨款支出预算",
                                                   table.cell("total", "total"), "。"))
    sections.append(Section("十", "政府性基金和国有资本经营预算情况", (Paragraph(tuple(fund_sentences)),)))
    # Sections are numbered as printed: an optional section left out closes the gap.
    # Each section's topic (三公经费, 机关运行经费 …) is recognised from its heading, as a
    # reader of the printed text recognises it.
    numbered = tuple(with_topics(attrs.evolve(s, id=chinese_ordinal(i + 1), heading=f"{chinese_ordinal(i + 1)}、{s.heading}"))
                     for i, s in enumerate(sections))
    return Narrative(ledger.department, ledger.fiscal_year, numbered, tuple(b.adjustments))


def _gpb_section(b: _Builder, ledger: BudgetLedger, d: Disclosure) -> Section:
    t05 = d.table("05")
    total = t05.cell("total", "total")
    prior_total = ledger.prior.general_public_total
    head = Paragraph((
        _amount_sentence(b, "gpb.total", "本部门一般公共预算支出预算", total, "，"),
        _change(b, "gpb", total, prior_total, ledger.prior.basis),
    ))
    prior_items = {fa.function: fa.amount for fa in ledger.prior.general_public_by_function}
    prior_by_code: dict[str, Decimal] = {}
    for code, prior_amount in prior_items.items():
        for prefix in (code[:3], code[:5], code):
            prior_by_code[prefix] = prior_by_code.get(prefix, ZERO) + prior_amount
    classes = [r for r in t05.subject_rows() if r.code and len(r.code) == 3]
    shares = b.shares([(f"gpb.{r.code}.share", r.values[0]) for r in classes], total, "类 / 一般公共预算支出 × 100")
    paragraphs = [head]
    codes = [r for r in t05.subject_rows()]
    # Every 项 the prior year had is compared too, also one that has no budget this year.
    current_codes = {r.code for r in codes}
    gone = sorted(c for c in prior_by_code if c not in current_codes)
    share_of = {r.code: s for r, s in zip(classes, shares, strict=True)}
    for r in codes:
        assert r.code is not None
        amount = b.amount(f"gpb.{r.code}", r.values[0], "预算05表 合计")
        level = {3: "类", 5: "款", 7: "项"}[len(r.code)]
        text = f"{r.code} {r.label}（{level}）{_sp(amount.value)}万元"
        figures: list[Figure] = [amount]
        share = share_of.get(r.code)
        if share is not None:
            text += f"，占 {share.value}%"
            figures.append(share)
        sentences = [Sentence(text + "，" if prior_by_code else text + "。", tuple(figures))]
        if prior_by_code:
            sentences.append(_change(b, f"gpb.{r.code}", r.values[0], prior_by_code.get(r.code, ZERO),
                                     ledger.prior.basis))
        paragraphs.append(Paragraph(tuple(sentences)))
    for code in gone:
        sentences = [Sentence(f"{code}（本年未安排预算），"),
                     _change(b, f"gpb.{code}", ZERO, prior_by_code[code], ledger.prior.basis)]
        paragraphs.append(Paragraph(tuple(sentences)))
    return Section("五", "一般公共预算支出预算情况", tuple(paragraphs))


def _three_public_section(b: _Builder, ledger: BudgetLedger, d: Disclosure) -> Section:
    t07 = d.table("07")
    prior = ledger.prior.three_public
    sentences: list[Sentence] = []
    for key, label in THREE_PUBLIC_LABELS:
        current = t07.cell("three_public", key)
        lead = (f"{ledger.fiscal_year}年本部门一般公共预算财政拨款安排{label}" if key == "total"
                else ("其中：" if key == "abroad" else "") + label)
        sentences.append(_amount_sentence(b, f"three_public.{key}", lead, current, "，"))
        prior_value = None if prior is None else (prior.total if key == "total" else getattr(prior, key))
        sentences.append(_change(b, f"three_public.{key}", current, prior_value, ledger.prior.basis))
        if key == "total":
            sentences.append(_reason(ledger, "three_public"))
    return Section("七", "“三公”经费预算情况", (Paragraph(tuple(sentences)),))


def to_text(n: Narrative) -> str:
    """The text as published: the title, then the sections."""
    head = [f"{n.fiscal_year}年部门预算情况说明", ""]
    return "\n".join(head + _lines(n, "", "")).rstrip() + "\n"


def to_markdown(n: Narrative) -> str:
    """The text as Markdown (``##`` title, ``###`` sections)."""
    head = [f"## {n.fiscal_year}年部门预算情况说明", ""]
    return "\n".join(head + _lines(n, "### ", "#### ")).rstrip() + "\n"

