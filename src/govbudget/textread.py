"""Reading the explanatory text (情况说明) of a published report, for both families.

One grammar, two vocabularies: the 部门决算 (``final``) and the 部门预算 (``budget``) text are
cut into sections by the same rules, each section's topic is recognised from the meaning of
its heading (:func:`govbudget.text.topic_of`, never from its number), and the figures of a
section are read with the vocabulary of its topic, keyed as the generators write them
(:mod:`govbudget.narrative`, :mod:`govbudget.budget.narrative`), so the text↔table rules apply
to what was read.

* :func:`normalise` — one pass over the text: full-width digits, points, percent signs and
  thousands commas become ASCII; 收、支 is 收支; an amount in 元 is rewritten in 万元
  exactly (``12,345.67元`` → ``1.234567万元``: the figure keeps its printed precision, so the
  tail check stays that of the printed figure).  Each character keeps its source line.
* :func:`sections` — headings ``一、…`` and ``（一）…`` (also broken over two lines, a
  sub-heading run into its text ``（一）机关运行经费。2026 年…``, and ``1.机关运行经费。`` under
  其他重要事项) with their topic.
* the 决算 vocabulary: patterns per topic (the seed's central format and its variants), then
  the words around the figures no pattern placed, for every topic the text rules use (Shanghai,
  佛山 …): subjects by topic, the budget / actual / completion rate of the subject in hand
  (``年初预算为 B 万元，支出决算为 X 万元，完成预算的 q%``), counts by their words and unit, the 类
  of 结构情况 and the 项 a numbered paragraph of 具体情况 names (resolved uniquely, or not read);
* the 预算 vocabulary: figures by the words around them — each amount or percentage is
  placed by the subject named just before it (``公务接待费 2.3 万元``), by the comparison
  before it (``比上年减少 1 万元``: the change of the subject in hand), or by ``占`` (a share).

Better not read than misread: a figure whose subject is not named in the vocabulary, or is
named ambiguously, is not read and becomes an info finding naming its line; a figure is
never guessed.  Every scan is linear in the text (a bounded look-back per figure).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from decimal import Decimal

import attrs

from govbudget.classification import Level, Scheme, catalog
from govbudget.published import Finding, Location, Severity, half_width, shown
from govbudget.text import (
    INCOME_LABELS,
    NATURE_LABELS,
    Figure,
    FigureKind,
    Narrative,
    Paragraph,
    Section,
    SectionTopic,
    Sentence,
    subsection_topic,
    topic_of,
)

__all__ = ["Body", "normalise", "read_narrative", "sections"]

_CN = "一二三四五六七八九十"
#: A figure as the grammars see it after :func:`normalise`: digits, optional thousands
#: commas and decimals (never preceded by a digit or comma: a number is read whole).
_NUM = r"(?<![\d,.])(-?\d[\d,]*(?:\.\d+)?)"

_FULL = str.maketrans("０１２３４５６７８９．％－", "0123456789.%-")
_SPACE = re.compile(r"\s+")
# An amount in 元 (not 万元, not 亿元), after the digits are ASCII: rewritten in 万元.  An
# amount in 亿元 is left as printed (1.5亿元 as digits in 万元, 15000, would lose its printed
# precision): the reader converts it exactly (:func:`_amount`) and the text keeps what was printed.
_YUAN = re.compile(r"(?<![\d,.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(元)")


def _compact_char_map(lines: Sequence[tuple[int, str]]) -> tuple[str, list[int]]:
    chars: list[str] = []
    where: list[int] = []
    for no, text in lines:
        for ch in _SPACE.sub("", text.replace("**", "")).translate(_FULL):
            chars.append(ch)
            where.append(no)
    return "".join(chars), where


def _sub(text: str, where: Sequence[int], pattern: re.Pattern[str],
         repl: Callable[[re.Match[str]], str]) -> tuple[str, list[int]]:
    """``pattern.sub(repl, text)`` keeping the source line of each character (a replacement
    takes the line of what it replaces)."""
    out: list[str] = []
    at: list[int] = []
    pos = 0
    for m in pattern.finditer(text):
        out.append(text[pos:m.start()])
        at.extend(where[pos:m.start()])
        word = repl(m)
        out.append(word)
        at.extend([where[m.start()]] * len(word))
        pos = m.end()
    out.append(text[pos:])
    at.extend(where[pos:])
    return "".join(out), at


def _in_wan(m: re.Match[str]) -> str:
    digits = (m.group(1) + (m.group(2) or "")).replace(",", "")
    value = Decimal(digits).scaleb(-4)
    return f"{value:f}万元"


# A full-width comma between digits, followed by exactly three digits, is a thousands
# separator (１２，３４５．６７); elsewhere it is a clause separator.
_WIDE_COMMA = re.compile(r"(?<=\d)，(?=\d{3}(?!\d))")
_BOTH = re.compile(r"收、支|收入、支出")


def normalise(lines: Sequence[tuple[int, str]]) -> tuple[str, tuple[int, ...]]:
    """The text of ``lines`` joined (a number split by a line break is whole again), without
    spaces, with ASCII digits, and amounts in 万元 exactly; with the source line of each
    character."""
    text, where = _compact_char_map(lines)
    text, where = _sub(text, where, _WIDE_COMMA, lambda m: ",")
    text, where = _sub(text, where, _BOTH, lambda m: "收支" if m.group(0) == "收、支" else "收入支出")
    text, where = _sub(text, where, _YUAN, _in_wan)
    return text, tuple(where)


@attrs.frozen
class Body:
    """A (sub-)section of the text: its id (``五（二）``), heading, topic and running text,
    with the source line of each character."""

    section: str
    heading: str
    text: str
    lines: tuple[int, ...]
    topic: SectionTopic | None = None

    def line_at(self, pos: int) -> int | None:
        return self.lines[pos] if 0 <= pos < len(self.lines) else None


_AMOUNT_OR_RATE = re.compile(r"\d(?:\.\d+)?(?:万元|亿元|%)")
_TOP = re.compile(rf"^([{_CN}]+)、(.{{2,50}})$")
# (not ``（四）2010399-其他政府办公厅（室）及相关机构事务`` whose amount is on the next line: a 项)
_SUB = re.compile(rf"^[（(]([{_CN}]+)[）)](?!\d{{3}})(.{{2,40}})$")
_GLOSSARY = re.compile(rf"^(?:第[{_CN}]+部分|[{_CN}]+、)?(?:专业性?)?名词解释")
_SUB_INLINE = re.compile(rf"^[（(]([{_CN}]+)[）)]([^。，：:\d]{{2,20}})[。：:]")


_NUMBERED = re.compile(rf"^(?:[{_CN}]+、|[（(][{_CN}]+[）)]|\d+[.．、])")
_NUM_INLINE = re.compile(r"^(\d+)[.．、]([^。，：:\d]{2,20})(?:[。：:]|$)")
_COMPLETE = re.compile(r"(说明|情况)[。.]?$")


def _continuation(c: str) -> bool:
    """The second line of a heading broken by the PDF (``…收支预`` / ``算情况的总体说明``)."""
    return len(c) <= 20 and not _AMOUNT_OR_RATE.search(c) and not _NUMBERED.match(c) and bool(_COMPLETE.search(c))


def sections(lines: Sequence[tuple[int, str]]) -> list[Body]:
    """The (sub-)sections of the 情况说明 in ``lines`` (line number, text), in order."""
    bodies: list[Body] = []
    top, sub, heading = "", "", ""
    top_topic: SectionTopic | None = None
    topic: SectionTopic | None = None
    group = ""  # the id of a section grouping topics (其他重要事项), whose 1. 2. … are sub-sections
    chunk: list[tuple[int, str]] = []
    cleaned = [(no, c) for no, raw in lines if (c := _SPACE.sub("", raw.replace("**", "")).translate(_FULL))]

    ident = ""

    def flush() -> None:
        if ident:
            text, where = normalise(chunk)
            bodies.append(Body(ident, heading, text, where, topic))

    i = 0
    while i < len(cleaned):
        no, c = cleaned[i]
        i += 1
        if _GLOSSARY.match(c):
            break  # 名词解释 (第四部分, or 六、专业性名词解释) ends the 情况说明
        m = _TOP.match(c)
        s = _SUB.match(c)
        is_top = bool(m and not _AMOUNT_OR_RATE.search(c) and not re.search(r"[:：]指", c) and (
            topic_of(c) is not None or _COMPLETE.search(c) or re.search(r"名词解释|概况", c)))
        # (a text whose sections are all （一）… under the part heading — 湖州 — has no top)
        is_sub = bool(not is_top and s and not _AMOUNT_OR_RATE.search(c) and not re.search(r"[，,；;]", c))
        if is_top or is_sub:
            flush()
            if not _COMPLETE.search(c) and i < len(cleaned) and _continuation(cleaned[i][1]):
                c += cleaned[i][1]  # 湖州: （四）关于…财政拨款收 / 支预算情况的总体说明
                i += 1
            if is_top and m:
                top, sub, heading = m.group(1), "", c
                top_topic = topic = topic_of(c)
            elif s:
                sub, heading = f"（{s.group(1)}）", c
                topic = subsection_topic(top_topic, c)
            ident = top + sub
            group = ident if topic is SectionTopic.OTHER else ""
            chunk = []
            continue
        si = _SUB_INLINE.match(c)
        if si and ident and (top_topic is None or top_topic is SectionTopic.OTHER) and topic_of(si.group(2)) is not None:
            # （一）机关运行经费。2026 年…: a sub-heading run into its text (重庆).
            flush()
            sub, heading = f"（{si.group(1)}）", si.group(0)
            ident = top + sub
            topic = subsection_topic(top_topic, si.group(2))
            chunk = [(no, c[si.end():])]
            continue
        ni = _NUM_INLINE.match(c) if group else None
        if ni and topic_of(ni.group(2)) is not None:
            # 1.机关运行经费。 under （十）其他重要事项的情况说明 (湖州)
            flush()
            ident, heading = group + ni.group(1), c[:ni.end()]
            topic = topic_of(ni.group(2))
            chunk = [(no, c[ni.end():])] if c[ni.end():] else []
            continue
        chunk.append((no, c))
    flush()
    return bodies


# ----------------------------------------------------------------------------------------------------------
# The reading of one family's text
@attrs.define
class _Notes:
    source: str
    findings: list[Finding] = attrs.field(factory=list)

    def note(self, severity: Severity, line: int | None, section: str, zh: str, en: str, stated: str | None = None) -> None:
        self.findings.append(Finding("reader.text", severity, Location(section=section, line=line), zh, en, stated))


def read_narrative(lines: Sequence[tuple[int, str]], *, family: str, department: str, year: int, edition: int,
                   source: str = "") -> tuple[Narrative | None, list[Finding]]:
    """The 情况说明 in ``lines`` (line number, text) read with the vocabulary of ``family``
    (``"final"`` or ``"budget"``), and the reader findings; ``None`` when no section is
    recognised."""
    notes = _Notes(source)
    if not lines:
        return None, []
    bodies = sections(lines)
    read = _read_final if family == "final" else _read_budget
    out = [read(notes, body, edition) for body in bodies]
    if not out:
        notes.note(Severity.WARNING, lines[0][0], "", "情况说明中没有可识别的章节。",
                   "no recognisable section in the explanatory text.")
        return None, notes.findings
    return Narrative(department, year, tuple(out)), notes.findings


def _agree(a: Figure, b: Figure) -> bool:
    """Two statements of one figure agree when their printed intervals meet (6.2 and 6.20;
    1.5亿元 and 15,012.34 万元); a count is exact."""
    def hw(f: Figure) -> Decimal:
        return Decimal(0) if f.kind is FigureKind.COUNT else half_width(f.value)

    return abs(a.value - b.value) <= hw(a) + hw(b)


def _unique(notes: _Notes, body: Body, figures: list[Figure], *,
            conflicting: bool = False) -> tuple[list[Figure], list[Figure]]:
    """Each key once, and the restatements: the first is kept for the rules, the others are
    returned apart, to be compared with it (``text.restated``).  With ``conflicting``, a key
    stated twice with values that disagree is not read at all (重庆: 政府采购预算总额 6,546.82
    万元 … 其中一般公共预算拨款政府采购 5,499.84 万元 — two scopes under one subject: which one
    a table restates is not known)."""
    by_key: dict[str, list[Figure]] = {}
    for f in figures:
        by_key.setdefault(f.key, []).append(f)
    seen: set[str] = set()
    unique: list[Figure] = []
    restated: list[Figure] = []
    for f in figures:
        same = by_key[f.key]
        if conflicting and not all(_agree(same[0], g) for g in same[1:]):
            if f.key not in seen:
                stated = "、".join(shown(v) for v in sorted({g.value for g in same}))
                notes.note(Severity.INFO, f.line, body.section,
                           f"{body.section}：{f.key} 出现多个不同的数（{stated}），口径不明，未读取。",
                           f"{body.section}: {f.key} is stated with different values ({stated}); not read.")
                seen.add(f.key)
            continue
        (restated if f.key in seen else unique).append(f)
        seen.add(f.key)
    return unique, restated


def _not_placed(notes: _Notes, body: Body, covered: bytearray | None, placed: set[int] | None = None) -> None:
    """Figures the grammar did not place are reported, never skipped silently."""
    for m in _TOKEN.finditer(body.text):
        if (covered is not None and covered[m.start()]) or (placed is not None and m.start() in placed):
            continue
        around = body.text[max(0, m.start() - 12): m.end() + 4]
        notes.note(Severity.INFO, body.line_at(m.start()), body.section,
                   f"{body.section}：未识别的数字 {m.group(0)}（“{around}”）。",
                   f"{body.section}: figure {m.group(0)} was not placed ({around!r}).", m.group(0))


def _n(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


#: The units an amount of the text is printed in after :func:`normalise` (元 is 万元 by then).
_WAN, _YI = "万元", "亿元"


def _amount(digits: str, unit: str) -> Decimal:
    """An amount of the text in 万元, keeping its printed precision: ``1.5`` 亿元 is
    ``Decimal('1.5E+4')``, 15000 万元 standing for [14500, 15500), so its half-width is that of
    the printed figure (500 万元), as for any figure (:func:`govbudget.published.half_width`)."""
    value = _n(digits)
    return value.scaleb(4) if unit == _YI else value


# ----------------------------------------------------------------------------------------------------------
# 部门决算: patterns per topic (the central format of the seed and its variants)
_Item = Figure | tuple[str, tuple[str, ...]] | str | None
_Handler = Callable[[re.Match[str]], list[_Item]]


def _amt(key: str, g: str | None) -> Figure | None:
    return Figure(key, _n(g), FigureKind.AMOUNT) if g is not None else None


def _pct(key: str, g: str | None) -> Figure | None:
    return Figure(key, _n(g), FigureKind.PERCENT) if g is not None else None


def _cnt(key: str, g: str | None) -> Figure | None:
    return Figure(key, _n(g), FigureKind.COUNT) if g is not None else None


_DOWN = ("减少", "下降", "降低", "减低")


def _signed(key: str, verb: str, g: str) -> Figure:
    v = _n(g)
    return Figure(key, -v if verb in _DOWN else v, FigureKind.AMOUNT)


def _mismatch(amount_verb: str | None, rate_verb: str | None) -> list[_Item]:
    if amount_verb and rate_verb and (amount_verb in _DOWN) != (rate_verb in _DOWN):
        return ["verb-mismatch"]
    return []


_P = "[（(]"
_Q = "[）)]"
_UP_DOWN = "(增加|减少)"
_RATE_VERB = "(增长|下降|减少|增加)"
#: 比上年 / 较上年 / 同比 / 比上年预算(执行、决算)数 / 与上年(度)相比
_COMPARED = r"(?:(?:比|较|与|和)上年度?(?:预算|执行|决算)?数?(?:相比)?|同比)"
_SAME = r"(?:持平|相同|无增减变化)"


def _amount_and_change(amount_key: str, prefix: str, subject: str) -> tuple[str, _Handler]:
    """``X总计均为 A 万元，比上年增加 Δ 万元，增长 r%`` in one sentence."""
    return (rf"{subject}均为{_NUM}万元[，,]?{_COMPARED}[，,]?各?{_UP_DOWN}{_NUM}万元[，,]?(?:{_RATE_VERB}{_NUM}%)?",
            lambda m: [_amt(amount_key, m.group(1)), _signed(f"{prefix}.change", m.group(2), m.group(3)),
                       _pct(f"{prefix}.change_rate", m.group(5)), *_mismatch(m.group(2), m.group(4))])


def _change_patterns(prefix: str, subject: str) -> list[tuple[str, _Handler]]:
    return [
        (rf"{subject}{_COMPARED}?[，,]?各?{_UP_DOWN}{_NUM}万元[，,]?(?:{_RATE_VERB}{_NUM}%)?",
         lambda m: [_signed(f"{prefix}.change", m.group(1), m.group(2)), _pct(f"{prefix}.change_rate", m.group(4)),
                    *_mismatch(m.group(1), m.group(3))]),
        (rf"{subject}(?:{_COMPARED}|与上年度?)?[，,]?{_SAME}", lambda m: [Figure(f"{prefix}.change", Decimal(0))]),
    ]


def _income_items(m: re.Match[str]) -> list[_Item]:
    key = dict((label, k) for k, label in INCOME_LABELS)[m.group(1)]
    return [_amt(f"income.{key}.amount", m.group(2)), _pct(f"income.{key}.share", m.group(3))]


def _nature_items(m: re.Match[str]) -> list[_Item]:
    key = dict((label, k) for k, label in NATURE_LABELS)[m.group(1)]
    return [_amt(f"expenditure.{key}.amount", m.group(2)), _pct(f"expenditure.{key}.share", m.group(3))]


_TP = {"因公出国（境）费": "abroad", "公务用车购置及运行费": "vehicles", "公务用车购置及运行维护费": "vehicles",
       "公务接待费": "reception"}
_TP_RE = rf"(因公出国{_P}境{_Q}费|公务用车购置及运行(?:维护)?费|公务接待费)"


def _tp_key(text: str) -> str:
    return _TP[text.replace("(", "（").replace(")", "）")]


#: A vehicle category as 国有资产 lists them: any name ending 用车 (副部（省级）领导干部用车,
#: Shanghai's 部级领导干部用车 …) or 保障车 — all of them, or the sum 共有车辆 = Σ 类别 would be
#: checked against the categories read only.
_VEHICLES = rf"((?:[^，,、；;：:。\d（(]|{_P}[^）)]{{1,4}}{_Q}){{2,16}}?(?:用车|保障车))"
#: 占X%, 占本年收入合计的X%, 占比X%, 占 X (the % sign is sometimes left out)
_SHARE = rf"(?:[，,]占(?:比|本年(?:收入|支出)合计的)?{_NUM}%?)?"


def _final_patterns(topic: SectionTopic | None, heading: str = "") -> list[tuple[str, _Handler]]:
    # Chosen by what the section is about, whatever its number (三公 is 九 centrally, 七 in
    # Shanghai); ``heading`` tells the 结构情况 sub-section of 一般公共预算支出.
    A = _amt
    if topic is SectionTopic.OVERVIEW:
        return [_amount_and_change("total.amount", "total", "收支总计"),
                (rf"收支总计均为{_NUM}万元", lambda m: [A("total.amount", m.group(1))]),
                *_change_patterns("total", "收支总计")]
    if topic is SectionTopic.INCOME:
        return [(rf"收入合计{_NUM}万元", lambda m: [A("income.total", m.group(1))]),
                (rf"(?<!预算)(财政拨款收入|上级补助收入|事业收入|经营收入|附属单位上缴收入|其他收入){_NUM}万元{_SHARE}",
                 _income_items)]
    if topic is SectionTopic.EXPENDITURE:
        return [(rf"支出合计{_NUM}万元", lambda m: [A("expenditure.total", m.group(1))]),
                (rf"(基本支出|项目支出|上缴上级支出|经营支出|对附属单位补助支出){_NUM}万元{_SHARE}", _nature_items)]
    if topic is SectionTopic.FISCAL_OVERVIEW:
        return [_amount_and_change("fiscal.total", "fiscal", "财政拨款收支总计"),
                (rf"财政拨款收支总计均为{_NUM}万元", lambda m: [A("fiscal.total", m.group(1))]),
                *_change_patterns("fiscal", "财政拨款收支总计")]
    if topic is SectionTopic.GENERAL_PUBLIC:
        return [
            # (not the 年初预算为 … of a 项 under it: Shanghai's 1、…（项）。…年初预算为 …)
            (rf"一般公共预算财政拨款支出年初预算为{_NUM}万元[，,]支出决算为{_NUM}万元(?:[，,]完成年初预算的{_NUM}%)?",
             lambda m: [A("gpb_budget.total", m.group(1)), A("gpb_budget.actual", m.group(2)),
                        _pct("gpb_budget.rate", m.group(3))]),
            (rf"一般公共预算财政拨款支出{_NUM}万元[，,]主要用于(?:以下方面)?[：:]?" if "结构" not in heading else
             rf"一般公共预算财政拨款支出{_NUM}万元(?:[，,]主要用于(?:以下方面)?[：:]?)?",
             lambda m: [A("gpb_structure.total", m.group(1))]),
            (rf"一般公共预算财政拨款支出{_NUM}万元(?:[，,]占(?:本年)?支出合计的{_NUM}%)?",
             lambda m: [A("gpb.total", m.group(1)), _pct("gpb.share_of_expenditure", m.group(2))]),
            *_change_patterns("gpb", "一般公共预算财政拨款支出"),
            # Names are bounded ({0,60}): an unbounded lazy span rescans the text from each start.
            (rf"(?<!\d)(\d+)[.．、]([^。：；]{{0,60}}?){_P}类{_Q}(.{{0,60}}?){_P}款{_Q}(.{{0,60}}?){_P}项{_Q}(?:支出)?"
             rf"年初预算数?为{_NUM}万元[，,](?:支出)?决算数?为?{_NUM}万元(?:[，,]完成年初预算的{_NUM}%)?",
             lambda m: [("item", (m.group(2), m.group(3), m.group(4))), A("budget", m.group(5)),
                        A("actual", m.group(6)), _pct("rate", m.group(7))]),
            (rf"([^：；。，]{{1,60}}?){_P}类{_Q}支出{_NUM}万元(?:[，,]占{_NUM}%?)?",
             lambda m: [("class", (m.group(1),)), A("amount", m.group(2)), _pct("share", m.group(3))]),
        ]
    if topic is SectionTopic.BASIC:
        return [(rf"基本支出{_NUM}万元", lambda m: [A("basic.total", m.group(1))]),
                (rf"人员经费{_NUM}万元(?:[，,]主要包括[：:]([^。；;]*)[。；;]?)?",
                 lambda m: [A("basic.personnel", m.group(1)),
                            *([("basic.personnel.items", tuple(x for x in re.split("[、,，]", m.group(2)) if x))]
                              if m.group(2) else [])]),
                (rf"公用经费{_NUM}万元(?:[，,]主要包括[：:]([^。；;]*)[。；;]?)?",
                 lambda m: [A("basic.public", m.group(1)),
                            *([("basic.public.items", tuple(x for x in re.split("[、,，]", m.group(2)) if x))]
                              if m.group(2) else [])])]
    if topic is SectionTopic.GOVERNMENT_FUND:
        return [(r"没有政府性基金(?:预算财政拨款)?收入|(?:没有|无)政府性基金预算财政拨款收入和支出",
                 lambda m: ["government_fund.none"]),
                (rf"政府性基金预算财政拨款收入{_NUM}万元", lambda m: [A("government_fund.income", m.group(1))]),
                (rf"(?:政府性基金预算财政拨款)?支出{_NUM}万元", lambda m: [A("government_fund.expenditure", m.group(1))]),
                (rf"年末结转和结余{_NUM}万元", lambda m: [A("government_fund.closing", m.group(1))])]
    if topic is SectionTopic.STATE_CAPITAL:
        return [(r"没有国有资本经营(?:预算财政拨款)?收入|(?:没有|无)国有资本经营预算财政拨款收入和支出",
                 lambda m: ["state_capital.none"]),
                (rf"国有资本经营预算财政拨款支出{_NUM}万元", lambda m: [A("state_capital.expenditure", m.group(1))])]
    if topic is SectionTopic.THREE_PUBLIC:
        return [
            (rf"“?三公”?经费财政拨款支出预算为{_NUM}万元[，,]支出决算为{_NUM}万元(?:[，,]完成预算的{_NUM}%)?",
             lambda m: [A("three_public.budget", m.group(1)), A("three_public.actual", m.group(2)),
                        _pct("three_public.rate", m.group(3))]),
            (rf"\d[.．、]{_TP_RE}预算为{_NUM}万元[，,]支出决算为{_NUM}万元(?:[，,]完成预算的{_NUM}%)?",
             lambda m: [A(f"three_public.detail.{_tp_key(m.group(1))}.budget", m.group(2)),
                        A(f"three_public.detail.{_tp_key(m.group(1))}.actual", m.group(3)),
                        _pct(f"three_public.detail.{_tp_key(m.group(1))}.rate", m.group(4))]),
            (rf"{_TP_RE}支出决算{_NUM}万元(?:[，,]完成预算的{_NUM}%)?(?:[，,]占{_NUM}%)?",
             lambda m: [A(f"three_public.{_tp_key(m.group(1))}.actual", m.group(2)),
                        _pct(f"three_public.{_tp_key(m.group(1))}.rate", m.group(3)),
                        _pct(f"three_public.{_tp_key(m.group(1))}.share", m.group(4))]),
            (rf"团组{_NUM}个[，,]累计{_NUM}人次", lambda m: [_cnt("three_public.groups_abroad", m.group(1)),
                                                      _cnt("three_public.people_abroad", m.group(2))]),
            (rf"公务用车购置支出{_NUM}万元[，,]购置车辆{_NUM}台",
             lambda m: [A("three_public.vehicle_purchase", m.group(1)),
                        _cnt("three_public.vehicles_purchased", m.group(2))]),
            (rf"公务用车运行维护支出{_NUM}万元", lambda m: [A("three_public.vehicle_operation", m.group(1))]),
            (rf"公务用车保有量为{_NUM}辆", lambda m: [_cnt("three_public.vehicles_held", m.group(1))]),
            (rf"外宾接待支出{_NUM}万元", lambda m: [A("three_public.foreign_reception", m.group(1))]),
            (rf"来访团组{_NUM}个、来访外宾{_NUM}人次",
             lambda m: [_cnt("three_public.foreign_reception_groups", m.group(1)),
                        _cnt("three_public.foreign_reception_people", m.group(2))]),
            (rf"国内公务接待支出{_NUM}万元", lambda m: [A("three_public.domestic_reception", m.group(1))]),
            (rf"国内来访团组{_NUM}个、来宾{_NUM}人次",
             lambda m: [_cnt("three_public.domestic_reception_groups", m.group(1)),
                        _cnt("three_public.domestic_reception_people", m.group(2))]),
        ]
    if topic is SectionTopic.OFFICE_OPERATING:
        return [(rf"机关运行经费支出{_NUM}万元", lambda m: [A("office.amount", m.group(1))]),
                (rf"(?:比\d{{4}}年度?|{_COMPARED})[，,]?{_UP_DOWN}{_NUM}万元[，,]?(?:{_RATE_VERB}{_NUM}%)?",
                 lambda m: [_signed("office.change", m.group(1), m.group(2)), _pct("office.change_rate", m.group(4)),
                            *_mismatch(m.group(1), m.group(3))]),
                (rf"(?:与\d{{4}}年度?|{_COMPARED})[，,]?{_SAME}", lambda m: [Figure("office.change", Decimal(0))])]
    if topic is SectionTopic.PROCUREMENT:
        return [(rf"政府采购支出总额{_NUM}万元", lambda m: [A("procurement.total", m.group(1))]),
                (rf"政府采购货物支出{_NUM}万元", lambda m: [A("procurement.goods", m.group(1))]),
                (rf"政府采购工程支出{_NUM}万元", lambda m: [A("procurement.works", m.group(1))]),
                (rf"政府采购服务支出{_NUM}万元", lambda m: [A("procurement.services", m.group(1))]),
                (rf"授予中小企业合同金额{_NUM}万元(?:[，,]占政府采购支出总额的{_NUM}%)?",
                 lambda m: [A("procurement.to_sme", m.group(1)), _pct("procurement.to_sme.share", m.group(2))]),
                (rf"授予小微企业合同金额{_NUM}万元(?:[，,]占授予中小企业合同金额的{_NUM}%)?",
                 lambda m: [A("procurement.to_small_micro", m.group(1)),
                            _pct("procurement.to_small_micro.share", m.group(2))])]
    if topic is SectionTopic.ASSETS:
        return [(rf"共有车辆{_NUM}辆", lambda m: [_cnt("assets.vehicles", m.group(1))]),
                (rf"(?<=[：:、，,；;]){_VEHICLES}{_NUM}辆",
                 lambda m: [_cnt(f"assets.vehicles.{m.group(1).replace('(', '（').replace(')', '）')}", m.group(2))]),
                (rf"100万元{_P}含{_Q}以上(?:的)?设备(?:{_P}不含车辆{_Q})?{_NUM}台",
                 lambda m: [_cnt("assets.large_equipment", m.group(1))])]
    if topic is SectionTopic.PERFORMANCE:
        return [(rf"对{_NUM}个项目支出和部门整体支出设置了绩效目标",
                 lambda m: [_cnt("performance.projects_with_targets", m.group(1))]),
                (rf"对{_NUM}个项目和部门整体开展了绩效自评", lambda m: [_cnt("performance.projects_self_evaluated", m.group(1))]),
                (rf"\d{{4}}年度{_NUM}个项目进行了绩效自评", lambda m: [_cnt("performance.self_evaluated", m.group(1))]),
                (rf"{_NUM}个项目自评结果为([优良中差])", lambda m: [_cnt(f"performance.rating.{m.group(2)}", m.group(1))]),
                (rf"{_NUM}个项目进行了部门评价[，,]评价得分{_NUM}分",
                 lambda m: [_cnt("performance.key_evaluations", m.group(1)),
                            Figure("performance.key_evaluation_score", _n(m.group(2)), FigureKind.SCORE)])]
    return []


def _compact_name(text: str) -> str:
    return _SPACE.sub("", text)


def _resolve_item(edition: int, names: tuple[str, ...]) -> str | None:
    """The 项 named by its 类, 款 and 项 names, each resolved under its parent; ``None`` when
    none, or more than one, fits (better not read than misread)."""
    fc = catalog(Scheme.FUNCTIONAL, edition)
    cls_name, sec_name, item_name = (_compact_name(x) for x in names)
    found = {item.code
             for cls in fc.resolve_name(cls_name) or fc.resolve_name(cls_name + "支出") if cls.level is Level.CLASS
             for sec in fc.resolve_name(sec_name, cls.code)
             for item in fc.resolve_name(item_name, sec.code)}
    return found.pop() if len(found) == 1 else None


def _resolve_class(edition: int, name: str) -> str | None:
    fc = catalog(Scheme.FUNCTIONAL, edition)
    for query in (name + "支出", name):
        hits = [s for s in fc.resolve_name(_compact_name(query)) if s.level is Level.CLASS]
        if len(hits) == 1:
            return hits[0].code
    return None


def _read_final(notes: _Notes, body: Body, edition: int) -> Section:
    figures: list[Figure] = []
    lists: list[tuple[str, tuple[str, ...]]] = []
    flags: list[str] = []
    # Positions already read, as a mask: the check is O(1) per match.
    covered = bytearray(len(body.text) + 1)
    for pattern, handler in _final_patterns(body.topic, body.heading):
        for m in re.finditer(pattern, body.text):
            if covered[m.start()]:
                continue
            line = body.line_at(m.start())
            prefix: str | None = None
            for item in handler(m):
                if item is None:
                    continue
                if isinstance(item, str):
                    if item == "verb-mismatch":
                        notes.findings.append(Finding(
                            "text.change", Severity.ERROR, Location(section=body.section, line=line),
                            f"{body.section}：增减额与增减率的方向不一致（“{m.group(0)}”）。",
                            f"{body.section}: the change and its rate go in opposite directions ({m.group(0)!r})."))
                    else:
                        flags.append(item)
                    continue
                if isinstance(item, tuple):
                    kind, names = item
                    if kind == "item":
                        code = _resolve_item(edition, names)
                        prefix = f"gpb_budget.{code}" if code else None
                    elif kind == "class":
                        code = _resolve_class(edition, names[0])
                        prefix = f"gpb_structure.{code}" if code else None
                    else:
                        if any(k == kind for k, _ in lists):  # as for figures: the first is kept
                            notes.note(Severity.INFO, line, body.section, f"{body.section}：{kind} 重复出现，保留第一次。",
                                       f"{body.section}: {kind} is stated twice; the first is kept.")
                        else:
                            lists.append((kind, names))
                        continue
                    if prefix is None:
                        notes.note(Severity.WARNING, line, body.section,
                                   f"{body.section}：无法识别科目“{''.join(names)}”，其数字未读取。",
                                   f"{body.section}: cannot identify the subject {''.join(names)!r}; its figures were not read.",
                                   "".join(names))
                        break
                    continue
                key = f"{prefix}.{item.key}" if prefix else item.key
                figures.append(attrs.evolve(item, key=key, line=line))
            covered[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    # Then the figures no pattern placed, by the words around them (other wordings).
    by_words, placed = _read_by_words(body, edition, _FINAL, covered)
    figures.extend(by_words)
    _not_placed(notes, body, covered, placed)
    unique, restated = _unique(notes, body, figures)
    sentence = Sentence(body.text, tuple(unique), tuple(lists), tuple(flags), tuple(restated))
    return Section(body.section, body.heading, (Paragraph((sentence,)),), topic=body.topic)


# ----------------------------------------------------------------------------------------------------------
# 部门预算: figures by the words around them
@attrs.frozen
class _Subject:
    """A subject the budget text names before an amount: the figure keys it states (the
    first is the subject of a following change or share) and the words naming it."""

    keys: tuple[str, ...]
    words: re.Pattern[str]


def _subject(keys: str | tuple[str, ...], words: str) -> _Subject:
    # The words end the clause, maybe followed by 预算/安排/支出/为 …: ``公务接待费预算支出``.
    return _Subject((keys,) if isinstance(keys, str) else keys, re.compile(rf"(?:{words})(?:{_FILLER})*$"))


_FILLER = r"预算数?|安排(?:的)?|支出|为|是|共|总额|合计|达|计|金额|资金|财政拨款|拨款"
_T = SectionTopic
#: The budget vocabulary by topic (keys as :mod:`govbudget.budget.narrative` writes them).
_INCOME_SOURCES: tuple[tuple[str, str], ...] = (
    ("general_public_budget", r"一般公共预算(?:财政)?拨款(?:收入)?|一般公共预算收入"),
    # (重庆: 政府性基金预算拨款 4,066.60 万元 among the sources; never 政府性基金预算拨款支出)
    ("government_fund", r"政府性基金预算(?:财政)?拨款(?!支出)(?:收入)?|政府性基金(?:预算)?收入"),
    ("state_capital", r"国有资本经营预算(?:财政)?拨款(?!支出)(?:收入)?|国有资本经营预算收入"),
    ("special_account", r"财政专户管理资金(?:收入)?"),
    ("business", r"(?<!经营)事业收入"),
    ("operating", r"事业单位经营收入"),
    ("superior_subsidy", r"上级补助收入"),
    ("affiliates", r"附属单位上缴收入"),
    ("other", r"其他收入"),
    ("carryover", r"上年结转结余|上年结转"),
)
#: The carry-over from last year by source, as 无锡 names it (上年结转结余的…).
_CARRIED: tuple[tuple[str, str], ...] = (
    ("general_public_budget", "一般公共预算(?:拨款)?收入"), ("government_fund", "政府性基金预算(?:拨款)?收入"),
    ("state_capital", "国有资本经营预算(?:拨款)?收入"), ("special_account", "财政专户管理资金(?:收入)?"),
    ("unit_funds", "单位资金(?:收入)?"),
)
_NATURES: tuple[tuple[str, str], ...] = (
    ("basic", r"基本支出"), ("project", r"项目支出"), ("operating", r"事业单位经营支出"),
    ("remit_to_superior", r"上缴上级支出"), ("subsidy_to_affiliates", r"对附属单位补助支出"),
)
_THREE_PUBLIC: tuple[tuple[str, str], ...] = (
    ("total", r"“?三公”?经费”?"), ("abroad", r"因公出国（境）(?:费用?|经费)"),
    ("vehicles", r"公务用车购置及运行(?:维护)?费"), ("vehicle_purchase", r"公务用车购置(?:费)?"),
    ("vehicle_operation", r"公务用车运行(?:维护)?费"), ("reception", r"公务接待费"),
)


def _budget_vocabulary() -> dict[SectionTopic | None, tuple[_Subject, ...]]:
    # A total is no fund's, source's or nature's (一般公共预算支出预算, 财政拨款收入预算, 项目支出预算 …).
    q = r"(?<!拨款)(?<!预算)(?<!基金)(?<!公共)(?<!基本)(?<!项目)(?<!经营)(?<!资金)(?<!专户)"
    # 本年收入合计 / 本年支出合计 (预算01表's rows of those names) are this year's alone, without
    # the carry-over on either side (无锡: 收入预算总计 X。包括：1.本年收入合计 X … 2.上年结转结余为
    # 0 万元; 支出预算总计 X。包括：1.本年支出合计 X … 2.年终结转结余为 0 万元): the whole words,
    # never 本年收入预算 (the generator's total).
    current = (
        _Subject(("income.current_total",), re.compile(r"本年收入(?:合计)?(?:为|是)?$")),
        _Subject(("expenditure.current_total",), re.compile(r"本年支出(?:合计)?(?:为|是)?$")),
        _subject("expenditure.carry_forward", r"年终结转结余|年末结转(?:和)?结余|结转下年(?:支出)?"),
    )
    # 上年结转结余的一般公共预算收入 … 的单位资金 (无锡 二): the carry-over by source, before the
    # source's own words (一般公共预算收入 alone is this year's).
    carried = tuple(_subject(f"income.carryover.{k}", rf"上年结转(?:结余)?的{w}") for k, w in _CARRIED)
    overview = (
        *current, *carried,
        _subject(("total.income", "total.expenditure"), rf"{q}(?:收支预算总计|收支总预算|收入支出预算总计|收支预算)"),
        _subject("total.income", rf"{q}(?:收入预算总计|收入预算|预算收入|收入总计)"),
        _subject("total.expenditure", rf"{q}(?:支出预算总计|支出预算|预算支出|支出总计)"),
        *(_subject(f"income.{k}", w) for k, w in _INCOME_SOURCES),
        *(_subject(f"expenditure.{k}", w) for k, w in _NATURES),
    )
    # In a section about income (or spending) alone, 年初预算数 is its total and 收入 (支出) names
    # it (重庆: （一）收入预算：2026年年初预算数… 收入比2025年增加…), both the whole clause: 上年年初
    # 预算数 is not this year's, 事业收入 is a source.
    income = (current[0], *carried,
              _subject("income.total", rf"{q}(?:收入预算总计|收入预算合计|收入预算|收入总计)|^年?初预算数?|^收入"),
              *(_subject(f"income.{k}", w) for k, w in _INCOME_SOURCES))
    expenditure = (*current[1:],
                   _subject("expenditure.total", rf"{q}(?:支出预算总计|支出预算合计|支出预算|支出总计)|^年?初预算数?|^支出"),
                   *(_subject(f"expenditure.{k}", w) for k, w in _NATURES))
    # (重庆: 三、财政拨款情况说明 / 2026年一般公共预算财政拨款收入…，一般公共预算财政拨款支出…，比2025年增加…)
    fiscal = (_subject("fiscal.total", r"财政拨款收支(?:预算)?总计|财政拨款收支总预算|财政拨款收支预算"),
              _subject("gpb.total", r"一般公共预算财政拨款支出"))
    gpb = (_subject("gpb.total", r"一般公共预算(?:财政)?(?:当年)?拨款(?:安排的)?支出|一般公共预算支出"),)
    basic = (_subject("basic.total", r"基本支出"), _subject("basic.personnel", r"人员经费"),
             _subject("basic.public", r"公用经费"))
    three = tuple(_subject(f"three_public.{k}", w) for k, w in _THREE_PUBLIC)
    office = (_subject("office.total", r"机关运行经费|(?<!机关)运行经费"),)
    procurement = (
        _subject("procurement.total", r"政府采购(?:支出)?(?:预算)?(?:总额)?|政府采购安排"),
        _subject("procurement.goods", r"货物类?采购|政府采购货物|拟?采购货物"),
        _subject("procurement.works", r"工程类?采购|政府采购工程|拟?采购工程"),
        _subject("procurement.services", r"服务类?采购|政府采购服务|拟?采购服务"),
    )
    funds = (_subject("government_fund.total", r"政府性基金预算(?:财政)?(?:拨款)?支出|政府性基金支出"),
             _subject("state_capital.total", r"国有资本经营预算(?:财政)?(?:拨款)?支出"))
    # (无锡 五、财政拨款支出预算情况说明: 财政拨款预算支出 X 万元，占本年支出合计的 p%。与上年相比，财政拨款
    # 支出增加 Δ 万元，增长 r% — 预算04表's 本年支出合计; its 类/款/项 span three funds and are not read)
    fiscal_expenditure = (_subject("fiscal.expenditure", r"(?<!预算)财政拨款(?:预算)?支出"),)
    return {_T.OVERVIEW: overview, _T.INCOME: income, _T.EXPENDITURE: expenditure, _T.FISCAL_OVERVIEW: fiscal,
            _T.FISCAL_EXPENDITURE: fiscal_expenditure,
            _T.GENERAL_PUBLIC: gpb, _T.BASIC: basic, _T.THREE_PUBLIC: three, _T.OFFICE_OPERATING: office,
            _T.PROCUREMENT: procurement, _T.GOVERNMENT_FUND: funds, _T.STATE_CAPITAL: funds}


_VOCABULARY = _budget_vocabulary()
_BUDGET_FLAGS = (
    ("government_fund.none", re.compile(r"(?:没有|未|无)使用政府性基金预算(?:财政)?拨款安排的支出|没有政府性基金预算(?:财政)?拨款")),
    ("state_capital.none", re.compile(r"(?:没有|未|无)使用国有资本经营预算(?:财政)?拨款安排的支出|没有国有资本经营预算(?:财政)?拨款")),
)
#: The figure a change is of, as the generator keys it: ``total`` for ``total.income`` …
_CHANGE_PREFIX = {"total.income": "total", "fiscal.total": "fiscal", "gpb.total": "gpb", "office.total": "office"}
#: An amount (万元, or 亿元 read exactly by :func:`_amount`) or a percentage of the text.
_TOKEN = re.compile(rf"{_NUM}({_WAN}|{_YI}|%)")
_WIDE_CLAUSE_END = re.compile(r"[，,；;：:。]")
_BEFORE_END = re.compile(r"[。；;（(]")
_CLAUSE_END = re.compile(r"[，,、；;：:。]")
_COMPARISON = re.compile(r"(?:比|较|与|和)(?:上年|去年|\d{4}年?)度?(?:预算数|执行数|预算|执行)?(?:相比)?|同比")
_CHANGE_VERB = re.compile(r"(增加|减少|增长|下降|降低|减低|上升)了?$")
_RATE_VERB_END = re.compile(r"(增长|下降|减少|增加|降低|减低|上升)了?$")
_SAME_AS_PRIOR = re.compile(rf"(?:{_COMPARISON.pattern})[，,]?{_SAME}|与上年(?:预算数|执行数)?{_SAME}")
# A clause naming a figure that is not this year's (去年预算数为 0 万元, 上年结转结余的…收入).
# (上年结转结余的一般公共预算收入 … is this year's carry-over by source: :data:`_CARRIED`.)
_NOT_THIS_YEAR = re.compile(rf"去年|上年预算数|上年执行数|上年结转结余的(?!{'|'.join(w for _, w in _CARRIED)})|\d{{4}}年预算数")
_ORDINAL = re.compile(rf"^(?:[（(](?:[{_CN}]+|\d+)[）)]|\d+[.．、]|[{_CN}]+、)")
# (本年 before 收入 / 支出 is kept: 本年收入合计 is no 收入合计; so is 年终 / 年末 of 年终结转结余.)
_LEAD = re.compile(r"^(?:其中|包括|本年(?!收入|支出)|本部门|本单位|\d{4}年度?|年度?(?!终|末)|,)+")
_CODE = re.compile(r"^(\d{3}(?:\d{2}){0,2})[-－—]?(.+?)(?:（[类款项]）)?$")


def _strip_lead(clause: str) -> str:
    clause = _ORDINAL.sub("", clause)
    return _LEAD.sub("", clause)


def _find_subject(clause: str, vocabulary: Sequence[_Subject]) -> _Subject | None:
    """The subject the clause ends with (the longest words win: 公务用车购置及运行维护费 over
    运行维护费); ``None`` when none."""
    best: tuple[int, _Subject] | None = None
    for s in vocabulary:
        m = s.words.search(clause)
        if m is None:
            continue
        if best is None or m.start() < best[0]:
            best = (m.start(), s)
    return best[1] if best else None


def _gpb_subject(clause: str, edition: int) -> str | None:
    """A subject of the 一般公共预算支出 section named by its code (``2010301-行政运行``),
    by its 类/款/项 names, or by the name of a 类 (``教育（类）支出``, ``教育支出``) — resolved in
    the catalog, uniquely, or not at all."""
    fc = catalog(Scheme.FUNCTIONAL, edition)
    text = re.sub(r"(?:预算|支出|安排)*$", "", clause) or clause
    m = _CODE.match(text)
    if m and fc.get(m.group(1)) is not None:
        subject = fc.get(m.group(1))
        assert subject is not None
        names = {_compact_name(subject.name)}
        if _compact_name(m.group(2)) in names or any(s.code == subject.code for s in fc.resolve_name(m.group(2))):
            return subject.code
        return None
    parts = re.findall(r"(.+?)（(类|款|项)）", clause)
    if len(parts) == 3 and [p[1] for p in parts] == ["类", "款", "项"]:
        return _resolve_item(edition, tuple(p[0] for p in parts))
    if len(parts) == 1 and parts[0][1] == "类":
        return _resolve_class(edition, re.sub(r"支出$", "", parts[0][0]))
    if not parts and text.endswith("支出") and len(text) <= 20:
        hits = [s for s in fc.resolve_name(text) if s.level is Level.CLASS]
        return hits[0].code if len(hits) == 1 else None
    return None


@attrs.define
class _State:
    """The subject in hand while a sentence is read: the figure a following change, rate or
    share is of."""

    current: str | None = None
    change: str | None = None  # the prefix whose change was just read (for its rate)
    carry: str | None = None  # the subject of the sentence before (与上年相比… starts the next)
    carry_at: int = -1  # where the next sentence starts
    compared: bool = False  # (决算) a change was read in this sentence: its 其中 parts are changes too
    due: bool = False  # (决算) 完成预算 B 万元的 q%: the rate after the budget is due


@attrs.frozen
class _Keying:
    """How one family keys what the words place: the topic's subjects, the key of a subject's
    share and of its change (``None``: not read).

    The 决算 adds (the 预算 leaves them at their defaults): its figure ``token`` (counts, and
    ``万`` for 万元), the subjects of counts by topic, the key of a subject's 年初预算, 决算
    and completion rate (``role``: 预算为 B、决算为 X、完成预算的 q%), the key of a subject in
    a numbered paragraph (``1、公务接待费支出`` is the detail of 公务接待费), and ``asides``:
    a parenthesis inside a clause (``政府采购金额（以合同签订为准）为``) is left out of its
    words instead of starting a new clause."""

    vocabulary: dict[SectionTopic | None, tuple[_Subject, ...]]
    share: Callable[[str], str | None]
    change: Callable[[str], str | None]
    #: 一般公共预算支出 subjects by code or name: their key (``gpb.<code>``) from the code and
    #: the section heading (``None``: not read); ``None`` when the family reads no codes.
    code: Callable[[str, str], str | None] | None
    token: re.Pattern[str] = attrs.field(factory=lambda: _TOKEN)
    counts: dict[SectionTopic | None, tuple[_Subject, ...]] = attrs.field(factory=dict)
    role: Callable[[str, str], str | None] | None = None
    numbered: Callable[[str], str] = attrs.field(default=lambda k: k)
    asides: bool = False


_BUDGET = _Keying(_VOCABULARY, lambda k: f"{k}.share", lambda k: _CHANGE_PREFIX.get(k, k), lambda c, h: f"gpb.{c}")


#: What may follow the words naming a 决算 subject before its figure (``公务接待费支出决算为``);
#: unlike the 预算's, never 预算: ``…预算为`` is the subject's budget (:data:`_ROLE_WORDS`).
_FINAL_FILLER = r"支出|为|是|共计?|总额|合计|达|计|金额|资金|财政拨款|拨款|决算数?|费用|累计"
#: A 决算 figure: an amount (``万`` alone, as in ``4.00 万（含…）``, is 万元), a percentage or
#: a count.
_FINAL_TOKEN = re.compile(rf"{_NUM}(万元|{_YI}|万(?=[（(，,。；;、])|%|个|人次|辆|台（套）|台|套|批次|次|人)")
#: The words before a completion rate: 完成预算的 / 完成年初预算的 / 为年初预算的 / 预算完成率为.
_RATE_WORDS = re.compile(r"(?:完成(?:年初|全年)?预算数?的|为(?:年初|全年)?预算数?的|(?:预算)?(?:完成|执行)率为?)$")
#: The words before an amount saying it is a budget (group 2) or an actual (group 3): 年初预算为,
#: 预算数, 全年预算数 / 支出决算为, 决算数, 执行数; group 1: 完成预算 B 万元的 q%.
_NUMBERED_CLAUSE = re.compile(r"(?:^|[。；;：:])\d{1,2}[、.．](?!\d)[^。；;，,：:]*$")
_ROLE_WORDS = re.compile(r"(完成)?(?:(年初预算数?|全年预算数?|预算数?)|(支出决算数?|决算数?|全年执行数|执行数))(?:为|是)?$")
#: A numbered paragraph of 具体情况 naming a 项: by its 类/款/项 names, its code, or its name.
_ITEM_NAMING = re.compile(r"(?:^|(?<=[。；;：:]))\d{1,3}[、.．](?!\d)"
                          r"(\d{7}[^。；;：:，,]{0,60}?|[^。；;：:，,\d]{2,120}?)(?=[。；;：:，,]|年初|$)")


_FINAL_LEAD = re.compile(r"^(?:其中|包括|本年度?|本部门|本单位|\d{4}年度?|,)+")


def _final_strip(clause: str) -> str:
    return _FINAL_LEAD.sub("", _ORDINAL.sub("", clause))


def _final_subject(keys: str | tuple[str, ...], words: str) -> _Subject:
    return _Subject((keys,) if isinstance(keys, str) else keys, re.compile(rf"(?:{words})(?:{_FINAL_FILLER})*$"))


def _item_code(name: str, edition: int) -> str | None:
    """The 项 a 具体情况 paragraph names (``教育支出（类）普通教育（款）初中教育（项）``,
    ``2050203 初中教育``, ``初中教育（项）``), resolved uniquely in the catalog, or ``None``."""
    fc = catalog(Scheme.FUNCTIONAL, edition)
    m = re.match(r"^(\d{7})[-－—]?(.*?)(?:（项）)?$", name)
    if m:
        subject = fc.get(m.group(1))
        if subject is None or subject.level is not Level.ITEM or (m.group(2) and not fc.name_matches(subject.code, m.group(2))):
            return None
        return subject.code
    parts = re.findall(r"(.+?)（(类|款|项)）", name)
    if parts and [p[1] for p in parts] == ["类", "款", "项"]:
        return _resolve_item(edition, tuple(p[0] for p in parts))
    if parts and [p[1] for p in parts] != ["项"]:
        return None
    hits = [s for s in fc.resolve_name(_compact_name(re.sub(r"（项）$", "", name))) if s.level is Level.ITEM]
    return hits[0].code if len(hits) == 1 else None


def _item_namings(text: str, edition: int) -> list[tuple[int, int, str]]:
    """Where each numbered paragraph names a 项, and its key (``""``: not identified, so the
    figures under it are not read)."""
    out = []
    for m in _ITEM_NAMING.finditer(text):
        name = m.group(1)
        if not re.search(r"（项）|^\d{7}", name) and not name.endswith("支出"):
            # a bare name is a 项 only if the catalog knows it as one
            code = _item_code(name, edition)
            if code is None:
                continue
        else:
            code = _item_code(name, edition)
        out.append((m.start(), m.end(), f"gpb_budget.{code}.actual" if code else ""))
    return out


def _count_key(clause: str, unit: str, counts: Sequence[_Subject], current: str | None) -> str | None:
    """The key of a count: by the words before it and its unit (a subject's words end with
    ``@<units>``), or the count that follows another (``团组 2 个、累计 6 人次``)."""
    follow = _FOLLOWS.get((current or "", unit))
    if follow is not None and re.fullmatch(rf"(?:{_FINAL_FILLER}|共|累计|合计)*", clause):
        return follow
    for s in counts:
        key, units = s.keys[0], s.keys[1:]
        if unit in units and s.words.search(clause):
            return key
    return None


#: The 决算 counts that follow another count without naming their subject.
_FOLLOWS = {
    ("three_public.groups_abroad", "人次"): "three_public.people_abroad",
    ("three_public.foreign_reception_groups", "人次"): "three_public.foreign_reception_people",
    ("three_public.domestic_reception_groups", "人次"): "three_public.domestic_reception_people",
    ("three_public.domestic_reception_groups", "人"): "three_public.domestic_reception_people",
}


def _final_vocabulary() -> dict[SectionTopic | None, tuple[_Subject, ...]]:
    # What the 决算 patterns leave unread in other wordings (佛山 2019: 总收入 X 万元，其中本年收入
    # …；3.上级补助收入 0 万元; Shanghai: 收入支出总计, 因公出国（境）费决算为 …): the subjects of
    # every section the text rules use; never a 财政拨款 part (一般公共预算财政拨款收入 is no
    # 财政拨款收入, 财政拨款收入合计 no 收入合计).
    S = _final_subject
    overview = (
        S("total.amount", r"(?<!拨款)(?:收支总计|收入支出总计|收入总计|支出总计)|(?<!拨款)总收入|(?<!拨款)总支出"),
        S("income.total", r"(?<!拨款)收入合计|^收入"),
        S("expenditure.total", r"(?<!拨款)支出合计|^支出"),
        *(S(f"income.{k}.amount", rf"(?<!预算){label}") for k, label in INCOME_LABELS),
        *(S(f"expenditure.{k}.amount", rf"(?<!拨款){label}") for k, label in NATURE_LABELS),
    )
    gpb = (S("gpb.total", r"一般公共预算财政拨款(?:支出)?"),)
    # (佛山: 财政拨款支出合计 X 万元。其中：一般公共预算财政拨款支出 X 万元 — 公开05表's total)
    fiscal = (S("fiscal.total", r"财政拨款收支总计|财政拨款收入支出总计"), S("gpb.total", r"一般公共预算财政拨款支出"))
    basic = (S("basic.total", r"(?:一般公共预算财政拨款)?基本支出"), S("basic.personnel", r"人员经费"),
             S("basic.public", r"(?<!日常)公用经费"))
    three = (
        S("three_public.actual", r"“?三公”?经费”?"),
        S("three_public.abroad.actual", r"因公出国[（(]境[）)](?:费用?|经费)"),
        S("three_public.vehicles.actual", r"公务用车购置及运行(?:维护)?费"),
        S("three_public.vehicle_purchase", r"(?<!及)公务用车购置(?:费)?"),
        S("three_public.vehicle_operation", r"公务用车运行(?:及)?维护(?:费)?|公务用车运行费"),
        S("three_public.reception.actual", r"公务接待费"),
        S("three_public.foreign_reception", r"外宾接待(?:费)?"),
        S("three_public.domestic_reception", r"其他国内公务接待(?:费)?"),
    )
    office = (S("office.amount", r"机关运行经费"),)
    procurement = (
        S("procurement.total", r"政府采购(?:支出)?"),
        S("procurement.goods", r"(?:政府采购)?货物(?:类)?(?:采购)?"),
        S("procurement.works", r"(?:政府采购)?工程(?:类)?(?:采购)?"),
        S("procurement.services", r"(?:政府采购)?服务(?:类)?(?:采购)?"),
        S("procurement.to_sme", r"授予中小企业合同"),
        S("procurement.to_small_micro", r"授予小微企业合同"),
    )
    funds = (S("government_fund.income", r"政府性基金预算财政拨款收入"),
             S("government_fund.expenditure", r"政府性基金预算财政拨款支出"),
             S("state_capital.expenditure", r"国有资本经营预算财政拨款支出"))
    return {_T.OVERVIEW: overview, _T.INCOME: overview, _T.EXPENDITURE: overview, _T.FISCAL_OVERVIEW: fiscal,
            _T.GENERAL_PUBLIC: gpb, _T.BASIC: basic, _T.THREE_PUBLIC: three, _T.OFFICE_OPERATING: office,
            _T.PROCUREMENT: procurement, _T.GOVERNMENT_FUND: funds, _T.STATE_CAPITAL: funds}


def _final_counts() -> dict[SectionTopic | None, tuple[_Subject, ...]]:
    # A count subject's keys are its key and the units it is counted in.
    def C(key: str, units: str, words: str) -> _Subject:
        return _final_subject((key, *units.split("|")), words)

    three = (
        C("three_public.groups_abroad", "个|批次", r"(?<!来访)(?<!接待)出国(?:[（(]境[）)])?团组|(?<!来访)^团组"),
        C("three_public.vehicles_purchased", "辆|台", r"(?:公务用车)?购置(?:公务用车|车辆)?(?:数量?)?"),
        C("three_public.vehicles_held", "辆", r"保有量"),
        C("three_public.foreign_reception_groups", "个|批次", r"(?:国外|国[（(]境[）)]外|外宾)来访团组|接待外宾"),
        C("three_public.foreign_reception_people", "人次", r"来访外宾|接待外宾"),
        C("three_public.domestic_reception_groups", "个|批次|次", r"国内来访团组|国内公务接待|国内接待"),
        C("three_public.domestic_reception_people", "人次|人", r"(?:国内)?来宾|接待人数"),
    )
    assets = (C("assets.vehicles", "辆", r"共有车辆|车辆总数"),)
    return {_T.THREE_PUBLIC: three, _T.ASSETS: assets}


def _final_share(key: str) -> str | None:
    """The key of the share (占 p%) stated after the figure ``key``."""
    parts = key.split(".")
    if parts[0] in ("income", "expenditure", "gpb_structure") and parts[-1] == "amount":
        return key[: -len(".amount")] + ".share"
    if parts[0] == "three_public" and len(parts) == 3 and parts[2] == "actual":
        return f"three_public.{parts[1]}.share"
    return {"gpb.total": "gpb.share_of_expenditure", "procurement.to_sme": "procurement.to_sme.share",
            "procurement.to_small_micro": "procurement.to_small_micro.share"}.get(key)


def _final_change(key: str) -> str | None:
    """The prefix of the change (比上年增加 Δ) of the figure ``key`` (``rules._CHANGES``)."""
    parts = key.split(".")
    if parts[0] == "three_public" and len(parts) == 3 and parts[2] == "actual":
        return f"three_public.{parts[1]}"
    return {"total.amount": "total", "fiscal.total": "fiscal", "gpb.total": "gpb", "office.amount": "office",
            "three_public.actual": "three_public"}.get(key)


def _final_role(key: str, role: str) -> str | None:
    """The key of the budget, actual or completion rate (``role``) of the subject ``key``."""
    parts = key.split(".")
    if key in ("gpb.total", "gpb_structure.total", "gpb_budget.actual"):
        return {"budget": "gpb_budget.total", "actual": "gpb_budget.actual", "rate": "gpb_budget.rate"}[role]
    if parts[0] == "gpb_budget" and len(parts) == 3:
        return f"gpb_budget.{parts[1]}.{role}"
    if key in ("three_public.actual", "three_public.budget"):
        return f"three_public.{role}"
    if parts[0] == "three_public" and len(parts) == 3 and parts[2] == "actual":  # the summary of an item
        return {"budget": f"three_public.detail.{parts[1]}.budget", "actual": key, "rate": f"three_public.{parts[1]}.rate"}[role]
    if parts[:2] == ["three_public", "detail"] and len(parts) == 4:
        return f"three_public.detail.{parts[2]}.{role}"
    return None


def _final_numbered(key: str) -> str:
    """``1、因公出国（境）费支出 X 万元`` opens the detail of the item (九（二） 具体情况)."""
    parts = key.split(".")
    if parts[0] == "three_public" and len(parts) == 3 and parts[2] == "actual":
        return f"three_public.detail.{parts[1]}.actual"
    return key


def _final_code(code: str, heading: str) -> str | None:
    """The key of a 一般公共预算支出 subject named by code or name: its amount in 结构情况, its
    决算 in 具体情况; elsewhere not read."""
    if "结构" in heading:
        return f"gpb_structure.{code}.amount"
    if "具体" in heading and len(code) == 7:
        return f"gpb_budget.{code}.actual"
    return None


_FINAL = _Keying(_final_vocabulary(), _final_share, _final_change, _final_code, _FINAL_TOKEN, _final_counts(),
                 _final_role, _final_numbered, True)


#: A sub-heading run into the text of a section about the whole budget, naming income or
#: spending alone (重庆: 二、部门收支总体情况 / （一）收入预算：2026年年初预算数…（二）支出预算：…).
_RUN_IN = re.compile(rf"(?:^|(?<=[。；;]))[（(]([{_CN}]+)[）)]([^。，,；;：:\d（()）]{{2,12}})[。：:]")


def _run_in_parts(body: Body) -> list[Body]:
    """The sub-sections run into ``body`` (:data:`_RUN_IN`), each to the next; none when the
    section is not about the whole budget."""
    if body.topic is not SectionTopic.OVERVIEW:
        return []
    marks = [(m, t) for m in _RUN_IN.finditer(body.text) if (t := topic_of(m.group(2))) in (_T.INCOME, _T.EXPENDITURE)]
    parts = []
    for i, (m, topic) in enumerate(marks):
        end = marks[i + 1][0].start() if i + 1 < len(marks) else len(body.text)
        parts.append(Body(f"{body.section}（{m.group(1)}）", m.group(0), body.text[m.end():end],
                          body.lines[m.end():end], topic))
    return parts


def _read_budget(notes: _Notes, body: Body, edition: int) -> Section:
    parts = _run_in_parts(body)
    if parts:  # the text before the first run-in sub-heading is the section's own
        start = len(body.text) - sum(len(p.text) + len(p.heading) for p in parts)
        body = attrs.evolve(body, text=body.text[:start], lines=body.lines[:start])
    figures, placed = _read_by_words(body, edition, _BUDGET)
    flags = tuple(flag for flag, pattern in _BUDGET_FLAGS if pattern.search(body.text))
    _not_placed(notes, body, None, placed)
    unique, restated = _unique(notes, body, figures, conflicting=True)
    sentence = Sentence(body.text, tuple(unique), (), flags, tuple(restated))
    return Section(body.section, body.heading, (Paragraph((sentence,)),),
                   tuple(_read_budget(notes, p, edition) for p in parts), topic=body.topic)


def _read_by_words(body: Body, edition: int, keying: _Keying,
                   covered: bytearray | None = None) -> tuple[list[Figure], set[int]]:
    """The figures of ``body`` placed by the words around them, and their positions; a figure
    at a ``covered`` position (read by a pattern) is skipped and ends the subject in hand."""
    text = body.text
    vocabulary = keying.vocabulary.get(body.topic, ())
    counts = keying.counts.get(body.topic, ())
    final = keying.role is not None
    heading_subject = _find_subject(_strip_lead(re.sub(r"^[（(][一二三四五六七八九十]+[）)]", "", body.heading)),
                                    vocabulary) if body.heading.startswith(("（", "(")) else None
    # (决算, 一般公共预算支出 具体情况) the 项 each numbered paragraph names, by where it ends:
    # the subject of the 年初预算 and 决算 that follow it (``""``: named but not identified).
    namings = _item_namings(text, edition) if final and body.topic is SectionTopic.GENERAL_PUBLIC \
        and "结构" not in body.heading else []
    item: str | None = None
    figures: list[Figure] = []
    placed: set[int] = set()
    changed: set[str] = set()
    st = _State()
    stack: list[tuple[_State, int, int]] = []
    pos = 0
    first = True

    def scan(segment_start: int, segment_end: int) -> str:
        """Follow sentence ends and parentheses in the text between two figures; the clause
        before the next figure (within its parenthesis)."""
        nonlocal st
        start = segment_start
        cut: list[tuple[int, int]] = []  # asides left out of the clause's words
        i = segment_start
        while i < segment_end:
            ch = text[i]
            if ch in "（(":
                close = text.find("）", i + 1, i + 5)
                if close == -1:
                    close = text.find(")", i + 1, i + 5)
                if close != -1:  # （类） （境） （含）: part of a name
                    i = close + 1
                    continue
                stack.append((st, start, i))
                st = _State()
                start = i + 1
            elif ch in "）)" and stack:
                st, before, opened = stack.pop()
                if keying.asides and opened >= segment_start:  # 政府采购金额（以合同签订为准）为
                    cut.append((opened, i + 1))
                    start = before
                else:
                    start = i + 1
            elif ch in "。；;":
                # (a change read before a ； still opens the 其中 parts after it: 决算)
                st = _State(carry=st.current, carry_at=i + 1, compared=st.compared and ch != "。")
                start = i + 1
            i += 1
        start = max(start, segment_end - 80)
        if not cut:
            return text[start:segment_end]
        kept, at = [], start
        for a, b in cut:
            if b > at:
                kept.append(text[at:max(a, at)])
                at = b
        kept.append(text[at:segment_end])
        return "".join(kept)

    def named_subject(words: str) -> tuple[bool, str | None]:
        """Whether ``words`` name a subject (not filler alone), and its key."""
        words = _final_strip(words)
        if re.fullmatch(rf"(?:{_FINAL_FILLER})*", words):
            return False, None
        found = _find_subject(words, vocabulary)
        return True, found.keys[0] if found else None

    def same_as_prior(segment: str, at: int) -> None:
        """「…0.00 万元，与上年预算数持平。」 or 「…万元，主要用于…。与上年预算数持平。」: 持平 before
        the sentence ends, or starting the next one, is about the subject in hand."""
        end = _BEFORE_END.search(segment)
        same = (_SAME_AS_PRIOR.search(segment, 0, end.start()) if end else _SAME_AS_PRIOR.search(segment)) or (
            end and end.group(0) in "。；;" and _SAME_AS_PRIOR.match(segment, end.end()))
        subject = st.current
        if final and same:
            # 公务接待费支出决算与 2023 年度持平: the clause names its subject.
            by_name, key = named_subject(_CLAUSE_END.split(segment[:same.start()])[-1])
            if by_name:
                subject = key
        elif final and (lead := len(segment) - len(segment.lstrip("；;，,"))):
            # 「…下降 25.00%；公务接待费支出决算与 2023 年度持平。」: a clause of its own, naming its subject
            close = _BEFORE_END.search(segment, lead)
            named_same = _SAME_AS_PRIOR.search(segment, lead, close.start() if close else len(segment))
            if named_same:
                by_name, key = named_subject(_CLAUSE_END.split(segment[lead:named_same.start()])[-1])
                if by_name and key is not None:
                    same, subject = named_same, key
        if subject and subject not in changed and same:
            prefix = keying.change(subject)
            if prefix is not None:
                figures.append(Figure(f"{prefix}.change", Decimal(0), line=body.line_at(at)))
            changed.add(subject)

    for m in keying.token.finditer(text):
        same_as_prior(text[pos:m.start()], pos)
        segment = scan(pos, m.start())
        fresh = False  # a 项 is named since the last figure
        for n_start, n_end, n_key in namings:
            if pos <= n_start and n_end <= m.start():
                item, fresh = n_key, True
        if st.current is None and st.carry and _COMPARISON.match(text, st.carry_at, m.start()):
            # 「…526.50 万元，主要用于…。比上年预算数减少 7.7%」: the sentence starts with the
            # comparison, so it is about the subject of the sentence before.
            st.current = st.carry
        pos = m.end()
        if covered is not None and covered[m.start()]:
            st.current = st.change = None
            continue
        clauses = _CLAUSE_END.split(segment)
        numbered = bool(_NUMBERED_CLAUSE.search(segment))
        # (决算: 年初预算为 is no 年 + 初预算为)
        clause = _final_strip(clauses[-1]) if final else _strip_lead(clauses[-1])
        unit, line = m.group(2), body.line_at(m.start())
        value = _amount(m.group(1), unit)
        if unit == "%":
            rate = _RATE_WORDS.search(clause) if final else None
            if clause.startswith("占") or "占" in clause[-12:]:
                share = keying.share(st.current) if st.current and not _NOT_THIS_YEAR.search(clause) else None
                if share is not None:
                    figures.append(Figure(share, value, FigureKind.PERCENT, line=line))
                    placed.add(m.start())
            elif keying.role is not None and (rate is not None or (st.due and clause == "的")):
                # 完成预算的 q% / 完成预算 B 万元的 q%: the completion rate of the subject in hand
                by_name, key = named_subject(clause[:rate.start()]) if rate is not None else (False, None)
                subject = key if by_name else (st.current or (item if namings else None))
                target = keying.role(subject, "rate") if subject else None
                if target is not None:
                    figures.append(Figure(target, value, FigureKind.PERCENT, line=line))
                    placed.add(m.start())
                st.due = False
            elif _RATE_VERB_END.search(clause):
                target = st.change or (st.current if _COMPARISON.search(segment) and st.current else None)
                if target is not None:
                    figures.append(Figure(f"{target}.change_rate", value, FigureKind.PERCENT, line=line))
                    placed.add(m.start())
                st.change = None
            continue
        if unit not in (_WAN, _YI, "万"):  # a count (个, 人次, 辆, 台（套）…): by its own words
            key = _count_key(clause, unit, counts, st.current) if counts else None
            if key is not None:
                figures.append(Figure(key, value, FigureKind.COUNT, line=line))
            st.current, st.change = key, None
            continue
        verb = _CHANGE_VERB.search(clause)
        own = bool(_COMPARISON.search(segment))
        if verb and (own or st.compared):
            named = _COMPARISON.sub("", clause[: verb.start()])
            named = re.sub(r"各$|^[，,]", "", _strip_lead(named))
            # A subject named before the comparison, even in words that are filler elsewhere
            # (支出比2025年增加: the 支出 total where the vocabulary names it so); only filler
            # names none: the change is of the subject in hand (和2025年相比预算减低 0.27 万元).
            found = _find_subject(named, vocabulary) if named else None
            if found is None and re.fullmatch(rf"(?:{_FILLER})*", named):
                named = ""
            subject = found.keys[0] if found else (None if named else st.current)
            if not own and not final and found is None:
                # (预算) a part of the change just read shares its comparison only when it names
                # its subject (重庆: 收入比2025年增加 Δ，其中：…财政拨款增加 δ；事业收入增加 δ'; 支出比…，
                # 主要是基本支出增加 δ，项目支出增加 δ'): never the subject in hand again.
                subject = None
            prefix = keying.change(subject) if subject is not None and subject not in changed else None
            if subject is not None and prefix is not None:
                sign = -1 if verb.group(1) in _DOWN else 1
                figures.append(Figure(f"{prefix}.change", value * sign if value else value, line=line))
                placed.add(m.start())
                changed.add(subject)
                st.change = prefix
                st.current = subject
                st.compared = True
            else:
                st.change = None
                # (预算) a comparison whose subject is not known still is the sentence's: its named
                # parts share it (重庆-03: …住房保障支出662.86万元。比2025年增加 Δ，主要是基本支出增加 δ，…)
                st.compared = st.compared or (own and not final)
            continue
        st.change = None
        if _NOT_THIS_YEAR.search(clause):
            st.current = None
            continue
        role = _ROLE_WORDS.search(clause) if keying.role is not None else None
        if keying.role is not None and role is not None:
            # 年初预算为 B 万元，支出决算为 X 万元: the budget or actual of the subject named
            # before the words, else of the 项 just named, else of the subject in hand.
            by_name, key = named_subject(clause[:role.start()])
            if by_name and key is not None and numbered:
                key = keying.numbered(key)
            subject = key if by_name else (item if (fresh or not st.current) and item is not None else st.current)
            target = keying.role(subject, "budget" if role.group(2) else "actual") if subject else None
            if target is not None:
                figures.append(Figure(target, value, line=line))
                placed.add(m.start())
            st.current = subject if target is not None else None
            st.due = bool(role.group(1)) and target is not None
            continue
        found = _find_subject(clause, vocabulary)
        keys: tuple[str, ...] = found.keys if found else ()
        if keys and numbered:
            keys = tuple(keying.numbered(k) for k in keys)
        if not keys and keying.code is not None and body.topic is SectionTopic.GENERAL_PUBLIC:
            # (a subject name may hold a 、: 2080803 在乡复员、退伍军人生活补助)
            wide = _strip_lead(_WIDE_CLAUSE_END.split(segment)[-1].lstrip("、"))
            code = _gpb_subject(wide, edition) or _gpb_subject(clause, edition)
            coded = keying.code(code, body.heading) if code else None
            keys = (coded,) if coded else ()
        if not keys and first and heading_subject is not None and re.fullmatch(rf"(?:{_FILLER})*", clause):
            # （一）因公出国（境）经费 / 2026年预算安排 0.00万元 (泉州): the heading names it.
            keys = heading_subject.keys
        first = False
        if keys:
            figures.extend(Figure(k, value, line=line) for k in keys)
            placed.add(m.start())
            st.current = keys[0]
        else:
            st.current = None
    same_as_prior(text[pos:], pos)
    return figures, placed

