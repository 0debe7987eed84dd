"""The text model of a disclosure's explanatory text (情况说明): what the generator
(:mod:`govbudget.narrative`) writes, what the reader (:mod:`govbudget.readers`) finds in a
published report, and what the checker (:mod:`govbudget.rules`) compares.

* :class:`Narrative` → :class:`Section` → :class:`Paragraph` → :class:`Sentence` →
  :class:`Figure`; every figure has a stable key (``three_public.actual``).
* :class:`SectionTopic` says what a section is about (三公经费, 机关运行经费, …).  A section is
  recognised from its heading by :func:`topic_of`, never by its ordinal: the central 决算
  format prints 三公 as 九, Shanghai as 七, budgets (部门预算) as 四, 六 or 七.
* The figure-key vocabulary is keyed by topic (:data:`KEY_PREFIXES`, :func:`topic_of_key`):
  ``three_public.*`` belongs to :attr:`SectionTopic.THREE_PUBLIC` wherever it is printed.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Iterator, Mapping
from decimal import Decimal

import attrs

__all__ = [
    "INCOME_LABELS",
    "KEY_PREFIXES",
    "NATURE_LABELS",
    "PLACEHOLDER",
    "THREE_PUBLIC_ITEMS",
    "Adjustment",
    "Figure",
    "FigureKind",
    "Narrative",
    "Paragraph",
    "Section",
    "SectionTopic",
    "Sentence",
    "subsection_topic",
    "topic_of",
    "topic_of_key",
    "with_topics",
]

#: Shown where the ledger gives no reason (主要原因) or no figure: visible, never invented.
PLACEHOLDER = "〔待补充〕"

def _parts(table_id: str) -> tuple[tuple[str, str], ...]:
    """The columns a 决算 table's 合计 column sums, as (key, title): the text names them so."""
    from govbudget.spec import family, terms

    t = family("final").table(table_id)
    return tuple((key, t.column(key).title) for _, key in terms(t.column("total").sum_of))


#: 收入 sources as the text names them: the columns of 公开02表 (``income.<key>.*``).
INCOME_LABELS: tuple[tuple[str, str], ...] = _parts("02")
#: 支出 natures as the text names them: the columns of 公开03表 (``expenditure.<key>.*``).
NATURE_LABELS: tuple[tuple[str, str], ...] = _parts("03")
#: “三公” items as the text names them, with the 公开09表 column of each (``three_public.<key>.*``).
THREE_PUBLIC_ITEMS: tuple[tuple[str, str], ...] = (
    ("abroad", "因公出国（境）费"), ("vehicles", "公务用车购置及运行费"), ("reception", "公务接待费"),
)


class SectionTopic(enum.Enum):
    """What a section of the 情况说明 is about (章节主题), whatever its number."""

    OVERVIEW = "收入支出总体"
    INCOME = "收入"
    EXPENDITURE = "支出"
    FISCAL_OVERVIEW = "财政拨款收支总体"
    FISCAL_EXPENDITURE = "财政拨款支出"
    FISCAL_BASIC = "财政拨款基本支出"
    GENERAL_PUBLIC = "一般公共预算支出"
    BASIC = "基本支出"
    PROJECT = "项目支出"
    GOVERNMENT_FUND = "政府性基金"
    STATE_CAPITAL = "国有资本经营"
    THREE_PUBLIC = "三公经费"
    OFFICE_OPERATING = "机关运行经费"
    PROCUREMENT = "政府采购"
    ASSETS = "国有资产"
    PERFORMANCE = "绩效"
    OTHER = "其他"


#: The heading words that identify each topic, tried in this order on the heading with its
#: number removed: the specific before the general (一般公共预算…基本支出 is 基本支出, not
#: 一般公共预算支出; 财政拨款收入支出 is not 收入支出).  Seen in the central and Shanghai
#: 决算 formats and in the 2026 部门预算 of 长春, 重庆, 广州, 泉州 and 无锡.
_TOPIC_PATTERNS: tuple[tuple[SectionTopic, str], ...] = (
    (SectionTopic.THREE_PUBLIC, r"三公"),
    (SectionTopic.OFFICE_OPERATING, r"机关运行经费|行政经费"),
    (SectionTopic.PROCUREMENT, r"政府采购"),
    (SectionTopic.ASSETS, r"国有资产"),
    (SectionTopic.PERFORMANCE, r"绩效"),
    (SectionTopic.GOVERNMENT_FUND, r"政府性基金"),
    (SectionTopic.STATE_CAPITAL, r"国有资本经营"),
    (SectionTopic.BASIC, r"一般公共预算.*基本支出"),
    (SectionTopic.FISCAL_BASIC, r"财政拨款.*基本支出"),
    (SectionTopic.GENERAL_PUBLIC, r"一般公共预算"),
    (SectionTopic.PROJECT, r"项目支出"),
    (SectionTopic.FISCAL_OVERVIEW, r"财政拨款(?:.*(?:收支|收入支出|收入和支出)|情况)"),
    (SectionTopic.FISCAL_EXPENDITURE, r"财政拨款.*支出"),
    (SectionTopic.OVERVIEW, r"收支|收入支出|收入和支出"),
    (SectionTopic.INCOME, r"收入"),
    (SectionTopic.EXPENDITURE, r"支出"),
    (SectionTopic.OTHER, r"其他(?:重要|需要)"),
)
#: Headings of parts that are not sections of the 情况说明, though numbered alike.
_NOT_A_SECTION = re.compile(r"名词解释|部门概况|单位概况|基本情况|主要职[能责]|机构设置|附件")
_NUMBERING = re.compile(r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)]|\d+[、.．])")


@functools.cache
def _topic_res() -> tuple[tuple[SectionTopic, re.Pattern[str]], ...]:
    return tuple((t, re.compile(p)) for t, p in _TOPIC_PATTERNS)


def topic_of(heading: str) -> SectionTopic | None:
    """The topic of a section heading (``九、财政拨款“三公”经费支出决算情况说明`` →
    :attr:`SectionTopic.THREE_PUBLIC`), recognised by its words, whatever its number;
    ``None`` for a heading that names no topic (``（一）总体情况``, ``名词解释``)."""
    text = re.sub(r"\s+", "", heading)
    while (m := _NUMBERING.match(text)) is not None:
        text = text[m.end():]
    if not text or _NOT_A_SECTION.search(text):
        return None
    for topic, pattern in _topic_res():
        if pattern.search(text):
            return topic
    return None


def subsection_topic(parent: SectionTopic | None, heading: str) -> SectionTopic | None:
    """The topic of a sub-section: its own when its parent is a grouping (其他重要事项, as
    Shanghai puts 机关运行经费, 政府采购 and 国有资产 under 十一) or has none; else its
    parent's (the（一）工资福利支出 of 基本支出 is about 基本支出, not 支出)."""
    if parent is None or parent is SectionTopic.OTHER:
        return topic_of(heading) or parent
    return parent


#: The figure-key vocabulary by topic: every figure key starts with one of its topic's
#: prefixes and a dot (``gpb_budget.2010301.rate`` is 一般公共预算支出).  See docs/narrative.md.
KEY_PREFIXES: Mapping[SectionTopic, tuple[str, ...]] = {
    SectionTopic.OVERVIEW: ("total",),
    SectionTopic.INCOME: ("income",),
    SectionTopic.EXPENDITURE: ("expenditure",),
    SectionTopic.FISCAL_OVERVIEW: ("fiscal",),
    SectionTopic.GENERAL_PUBLIC: ("gpb", "gpb_structure", "gpb_budget"),
    SectionTopic.BASIC: ("basic",),
    SectionTopic.GOVERNMENT_FUND: ("government_fund",),
    SectionTopic.STATE_CAPITAL: ("state_capital",),
    SectionTopic.THREE_PUBLIC: ("three_public",),
    SectionTopic.OFFICE_OPERATING: ("office",),
    SectionTopic.PROCUREMENT: ("procurement",),
    SectionTopic.ASSETS: ("assets",),
    SectionTopic.PERFORMANCE: ("performance",),
}


@functools.cache
def _topic_by_prefix() -> dict[str, SectionTopic]:
    return {p: t for t, prefixes in KEY_PREFIXES.items() for p in prefixes}


def topic_of_key(key: str) -> SectionTopic | None:
    """The topic a figure key belongs to (``three_public.vehicles.rate`` → 三公经费)."""
    return _topic_by_prefix().get(key.split(".", 1)[0])


class FigureKind(enum.Enum):
    """What a figure measures: 万元, a percentage, a count, or a score (分)."""

    AMOUNT = "万元"
    PERCENT = "%"
    COUNT = "count"
    SCORE = "分"


@attrs.frozen
class Figure:
    """One figure of the text (数字).

    ``value`` is the figure as printed (万元 or percent, two decimals); ``exact`` the value it
    was rounded from (``None`` when read from a published report); ``derivation`` says how
    it is computed; ``line`` is the source line when read from a file.  Changes (Δ) are
    signed: 减少 12.34 万元 is ``-12.34``.  Rates are printed without sign.
    """

    key: str
    value: Decimal
    kind: FigureKind = FigureKind.AMOUNT
    exact: Decimal | None = None
    derivation: str = ""
    line: int | None = None

    def __repr__(self) -> str:
        unit = {FigureKind.AMOUNT: " 万元", FigureKind.PERCENT: "%"}.get(self.kind, "")
        return f"<Figure {self.key} = {self.value}{unit}>"


@attrs.frozen
class Sentence:
    """A sentence (句) with its figures, the name lists it states (``basic.personnel.items``:
    the 款 that 人员经费 主要包括) and flags (``government_fund.none``: the fixed "没有…"
    statement).  ``restated`` are the figures it states again under a key of ``figures``
    (Shanghai 七（二） restates 七（一）'s 决算): not used by the rules, only compared with the
    first (:attr:`Narrative.restatements`)."""

    text: str
    figures: tuple[Figure, ...] = ()
    lists: tuple[tuple[str, tuple[str, ...]], ...] = ()
    flags: tuple[str, ...] = ()
    restated: tuple[Figure, ...] = ()


@attrs.frozen
class Paragraph:
    """Sentences printed as one paragraph (段)."""

    sentences: tuple[Sentence, ...]

    @property
    def text(self) -> str:
        """The paragraph as printed."""
        return "".join(s.text for s in self.sentences)


@attrs.frozen
class Section:
    """A numbered section (``一``) or sub-section (``五（二）``) with its heading (章节).

    ``topic`` is what it is about; a sub-section whose heading names no topic
    (``（一）总体情况``) has its parent's."""

    id: str
    heading: str
    paragraphs: tuple[Paragraph, ...] = ()
    subsections: tuple[Section, ...] = ()
    topic: SectionTopic | None = None

    def walk(self) -> Iterator[Section]:
        """This section and its sub-sections, depth first."""
        yield self
        for sub in self.subsections:
            yield from sub.walk()


def with_topics(section: Section, parent: SectionTopic | None = None, *, sub: bool = False) -> Section:
    """``section`` and its sub-sections with their topics recognised from their headings
    (:func:`topic_of`, :func:`subsection_topic`); a topic already set is kept."""
    topic = section.topic
    if topic is None:
        topic = subsection_topic(parent, section.heading) if sub else topic_of(section.heading)
    subs = tuple(with_topics(x, topic, sub=True) for x in section.subsections)
    return attrs.evolve(section, topic=topic, subsections=subs)


@attrs.frozen
class Adjustment:
    """A share moved by rounding balance (舍位平衡): its own rounding and the shown value."""

    key: str
    rounded: Decimal
    shown: Decimal


@attrs.frozen
class Narrative:
    """The structured explanatory text (情况说明)."""

    department: str
    fiscal_year: int
    sections: tuple[Section, ...]
    adjustments: tuple[Adjustment, ...] = ()

    def walk(self) -> Iterator[Section]:
        """Every section and sub-section in order."""
        for s in self.sections:
            yield from s.walk()

    def sentences(self) -> Iterator[tuple[Section, Sentence]]:
        """Every sentence with the (sub-)section it belongs to."""
        for section in self.walk():
            for p in section.paragraphs:
                for s in p.sentences:
                    yield section, s

    @functools.cached_property
    def figures(self) -> dict[str, Figure]:
        """Every figure by key (the first when a key occurs twice); computed once."""
        out: dict[str, Figure] = {}
        for _, s in self.sentences():
            for f in s.figures:
                out.setdefault(f.key, f)
        return out

    @functools.cached_property
    def restatements(self) -> dict[str, tuple[tuple[str, Figure], ...]]:
        """Every key stated more than once, with each statement and its section id, in order:
        the first is the figure the rules use (:attr:`figures`), the others restate it."""
        out: dict[str, list[tuple[str, Figure]]] = {}
        for section, s in self.sentences():
            for f in (*s.figures, *s.restated):
                out.setdefault(f.key, []).append((section.id, f))
        return {k: tuple(v) for k, v in out.items() if len(v) > 1}

    @property
    def lists(self) -> dict[str, tuple[str, ...]]:
        """Every name list by key."""
        return {k: v for _, s in self.sentences() for k, v in s.lists}

    @property
    def flags(self) -> frozenset[str]:
        """Every flag stated."""
        return frozenset(f for _, s in self.sentences() for f in s.flags)

    def section_of(self, key: str) -> str | None:
        """The id of the section where the figure ``key`` is stated."""
        return self._sections_by_key.get(key)

    def section_about(self, topic: SectionTopic) -> Section | None:
        """The first (sub-)section about ``topic``, whatever its number."""
        return next((s for s in self.walk() if s.topic is topic), None)

    @functools.cached_property
    def _sections_by_key(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for section, s in self.sentences():
            for f in s.figures:
                out.setdefault(f.key, section.id)
        return out
