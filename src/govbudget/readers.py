"""Readers of published disclosures: a report's plain text, CSV and the library's JSON.

:func:`read_text` reads the text of a published 部门决算 as extracted from a PDF or a web
page (like the seed): the nine tables with tab-separated cells, codes and names in separate
columns, thousands separators, blank cells, tables split across pages, truncated names,
unit lines (金额单位：万元 / 元), and the 情况说明 with its figures.  Figures are kept as
stated, with their location; every line or figure the reader cannot place becomes a
finding (``reader.*`` rules), never a silent skip.

:func:`read_csv` reads either the library's one-cell-per-row CSV (``govbudget report
--format csv``) or a table laid out as printed, one table per file.  :func:`read_json` reads
the library's disclosure JSON, or a ledger JSON (whose tables are derived and text
generated).  :func:`read` picks the reader by file suffix.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import unicodedata
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path

import attrs

from govbudget.classification import (
    DEFAULT_EDITION,
    EDITIONS,
    Level,
    Scheme,
    catalog,
    edition_for_year,
    normalize_code,
)
from govbudget.errors import FormatError, GovBudgetError
from govbudget.ledger import Ledger
from govbudget.money import Unit, display, in_wide_context
from govbudget.published import BLANK, Finding, Location, Published, Severity, from_disclosure
from govbudget.spec import family
from govbudget.tables import Row, Table, derive
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

__all__ = ["read", "read_csv", "read_document", "read_json", "read_plain", "read_text"]

_FINAL = family("final")
_TITLES = {t.title: t.id for t in _FINAL.tables}
# The look-behind lets a number match only where it begins: without it, a run of 100,000
# digits is re-scanned from each of its digits (quadratic time).
_NUM = r"(?<![\d,])(-?\d[\d,]*(?:\.\d+)?)"
_NUMBER = re.compile(r"^[-−]?\d{1,3}(?:,\d{3})*(?:\.\d+)?$|^[-−]?\d+(?:\.\d+)?$")
_ORDINAL = re.compile(r"^[一二三四五六七八九十]+[、.．]")
_CN = "一二三四五六七八九十"


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text.replace("**", ""))


def _template(edition: int) -> dict[str, Table]:
    """Empty derived tables: the columns and fixed rows of each table."""
    from govbudget.ledger import Ledger as _L
    from govbudget.ledger import ThreePublicExpenses

    # With (zero) 三公 facts stated: a template has no missing cells, only blanks to fill.
    return dict(derive(_L("", 2000, edition, three_public=ThreePublicExpenses())).tables)


@attrs.define
class _Reader:
    """State of one text read: findings and line numbers of rows."""

    source: str
    findings: list[Finding] = attrs.field(factory=list)
    lines: dict[tuple[str, str], int] = attrs.field(factory=dict)

    def note(self, rule: str, severity: Severity, line: int | None, zh: str, en: str, table: str | None = None,
             section: str | None = None, stated: str | None = None) -> None:
        self.findings.append(Finding(rule, severity, Location(table=table, section=section, line=line), zh, en, stated))

    def number(self, cell: str, line: int, table: str) -> Decimal:
        """A printed amount; blank is an exact zero; anything else is a finding and reads 0."""
        # Full-width digits and separators (３，８８１．８４) are common in extracted PDFs.
        text = unicodedata.normalize("NFKC", cell).strip().replace("−", "-")
        if not text or text in ("-", "—", "——"):
            return BLANK
        if _NUMBER.match(text):
            try:
                return Decimal(text.replace(",", ""))
            except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
                pass
        self.note("reader.cell", Severity.ERROR, line, f"公开{table}表：无法读取的金额“{cell}”，按空白处理。",
                  f"table {table}: cannot read the amount {cell!r}; taken as blank.", table, stated=cell)
        return BLANK


# -- finding the parts of the document ----------------------------------------------------------------
@attrs.frozen
class _Line:
    no: int
    text: str

    @property
    def cells(self) -> list[str]:
        return [c.strip() for c in self.text.split("\t")]


def _split(lines: Sequence[_Line]) -> tuple[dict[str, list[_Line]], list[_Line], list[_Line]]:
    """Table regions by id, the 情况说明 region, and the lines before the first table."""
    tables: dict[str, list[_Line]] = {}
    text: list[_Line] = []
    head: list[_Line] = []
    current: list[_Line] | None = None
    in_text = False
    # The table of contents names 第三部分 too: the text starts at its last mention.
    starts = [ln.no for ln in lines if _compact(ln.text).startswith("第三部分")]
    text_start = starts[-1] if starts else None
    for ln in lines:
        c = _compact(ln.text)
        if c in _TITLES and "\t" not in ln.text:
            current = tables.setdefault(_TITLES[c], [])
            in_text = False
            continue
        if ln.no == text_start or (re.fullmatch(r"\d{4}年度部门决算情况说明", c) and current is not None):
            in_text, current = True, None
            continue
        if c.startswith("第四部分") or c.startswith("第五部分"):
            in_text, current = False, None
            continue
        if in_text:
            text.append(ln)
        elif current is not None:
            current.append(ln)
        else:
            head.append(ln)
    return tables, text, head


# -- tables -------------------------------------------------------------------------------------------------
def _small_int(text: str) -> int | None:
    """A 行次 or 栏次 number, or None: ASCII digits only (``"²".isdigit()`` is true, and a
    100,000-digit string is past int()'s limit)."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


def _is_header(cells: Sequence[str]) -> bool:
    first = _compact(cells[0]) if cells else ""
    if first in ("项目", "科目代码", "栏次", "收入", "收入支出", "人员经费", "预算数", "科目代码科目名称"):
        return True
    # the 栏次 row of 公开09表 (1 … 12) and header rows made only of titles
    nonblank = [c for c in cells if c]
    if nonblank and all(c.isascii() and c.isdigit() and len(c) <= 2 and int(c) <= 12 for c in nonblank) and len(nonblank) >= 6:
        return True
    return bool(nonblank) and not any(_NUMBER.match(c) for c in nonblank) and not re.match(r"^\d{3,7}$", first) \
        and _compact(cells[0]) not in ("合计", "总计") and not _ORDINAL.match(cells[0])


def _meta(r: _Reader, tid: str, region: Sequence[_Line], statements: dict[str, str]) -> tuple[Unit, list[_Line], str]:
    """The unit, the data lines (with tabs) of a table region, and the department named."""
    unit = Unit.WAN
    department = ""
    rows: list[_Line] = []
    for ln in region:
        c = _compact(ln.text)
        if not c:
            continue
        if "\t" in ln.text:
            rows.append(ln)
            continue
        if m := re.search(r"(?:金额)?单位[：:](万元|元|亿元)", c):
            unit = {"万元": Unit.WAN, "元": Unit.YUAN, "亿元": Unit.YI}[m.group(1)]
        if m := re.match(r"部门[：:](.+?)(?:\d{4}年度)?$", c):
            department = m.group(1)
        if c.startswith("说明") and ("无数据" in c or "没有" in c):
            statements[tid] = ln.text.strip()
        elif re.fullmatch(r"公开\d{2}表|\d{4}年度|部门[：:].*|(?:金额)?单位[：:].*|注[：:].*|说明[：:].*", c):
            continue
        elif re.search(r"\d\.\d{2}", c):  # not \d+: it would rescan a long digit run from each digit
            r.note("reader.line", Severity.WARNING, ln.no, f"公开{tid}表：无法归入表格的行“{ln.text.strip()[:40]}”。",
                   f"table {tid}: a line that fits no row: {ln.text.strip()[:40]!r}.", tid)
    return unit, rows, department


def _resolve_code(r: _Reader, edition: int, tid: str, code: str, name: str, line: int) -> tuple[str, Level] | None:
    scheme = Scheme.ECONOMIC_DEPARTMENT if tid == "06" else Scheme.FUNCTIONAL
    cat = catalog(scheme, edition)
    if code and re.fullmatch(r"[0-9０-９][0-9０-９ -]*", code):
        # The catalog's lenient normalisation (full-width digits, spaces, dashes), as for a
        # ledger; not dots, which in a table cell make an amount (0.10), not a code.
        with contextlib.suppress(GovBudgetError):
            code = normalize_code(code)
    if code and not re.fullmatch(r"[0-9]{3}|[0-9]{5}|[0-9]{7}", code):
        r.note("reader.code", Severity.WARNING, line, f"公开{tid}表：“{code}”不是科目代码，该行未读取。",
               f"table {tid}: {code!r} is not a subject code; the row was not read.", tid, stated=code)
        return None
    if code:
        subject = cat.get(code)
        if subject is None:
            hint = cat.suggest(code)
            r.note("reader.code", Severity.WARNING, line,
                   f"公开{tid}表：科目代码 {code} 不在{cat.label}中{('；可能是 ' + '、'.join(hint)) if hint else ''}。",
                   f"table {tid}: code {code} is not in {cat.label}" + (f"; did you mean {', '.join(hint)}?" if hint else "."),
                   tid, stated=code)
            return code, {3: Level.CLASS, 5: Level.SECTION, 7: Level.ITEM}[len(code)]
        if name and not cat.name_matches(code, name):
            r.note("reader.name", Severity.WARNING, line,
                   f"公开{tid}表：科目 {code} 的名称应为“{subject.name}”，表中为“{name}”。",
                   f"table {tid}: subject {code} is named {subject.name!r} in the catalog, {name!r} in the table.",
                   tid, stated=name)
        return subject.code, subject.level
    hits = cat.resolve_name(name)
    if len(hits) == 1:
        r.note("reader.name-resolved", Severity.INFO, line, f"公开{tid}表：无代码的“{name}”按名称识别为 {hits[0].code}。",
               f"table {tid}: {name!r} has no code; resolved by name to {hits[0].code}.", tid)
        return hits[0].code, hits[0].level
    r.note("reader.name", Severity.WARNING, line,
           f"公开{tid}表：无法确定“{name}”的科目代码（{len(hits)} 个候选）。",
           f"table {tid}: cannot tell the code of {name!r} ({len(hits)} candidates); row not placed.", tid, stated=name)
    return None


def _functional(r: _Reader, tid: str, rows: Sequence[_Line], template: Table, edition: int) -> tuple[Row, ...]:
    n = len(template.columns)
    out: dict[str, Row] = {"total": Row("total", "合计", (BLANK,) * n)}
    placed: set[str] = set()
    for ln in rows:
        cells = ln.cells
        if _is_header(cells):
            continue
        first = _compact(cells[0])
        second = cells[1] if len(cells) > 1 else ""
        if first == "合计" or (not first and _compact(second) == "合计"):
            key, code, level, label = "total", None, None, "合计"
        elif re.fullmatch(r"\d{3}|\d{5}|\d{7}", first) or (not first and second and not _NUMBER.match(second)):
            got = _resolve_code(r, edition, tid, first, second, ln.no)
            if got is None:
                continue
            code, level = got
            key, label = code, second
        else:
            r.note("reader.row", Severity.WARNING, ln.no, f"公开{tid}表：无法识别的行“{ln.text.strip()[:40]}”。",
                   f"table {tid}: unrecognised row {ln.text.strip()[:40]!r}.", tid)
            continue
        cells_v = cells[2:]
        extra = [c for c in cells_v[n:] if c]
        if extra:
            r.note("reader.cell", Severity.WARNING, ln.no, f"公开{tid}表：行 {key} 多出的单元格 {extra} 未读取。",
                   f"table {tid}: row {key} has cells beyond the {n} columns: {extra}.", tid)
        values = tuple(r.number(c, ln.no, tid) for c in (cells_v + [""] * n)[:n])
        if key in placed:
            r.note("reader.row", Severity.WARNING, ln.no, f"公开{tid}表：行 {key} 重复出现，保留第一次。",
                   f"table {tid}: row {key} appears twice; the first is kept.", tid)
            continue
        out[key] = Row(key, label, values, code, level)
        placed.add(key)
        r.lines[(tid, key)] = ln.no
    return tuple(out.values())


_T01_INCOME = {
    "一般公共预算财政拨款收入": "general_public_budget", "政府性基金预算财政拨款收入": "government_fund",
    "国有资本经营预算财政拨款收入": "state_capital", "上级补助收入": "superior_subsidy", "事业收入": "business",
    "经营收入": "operating", "附属单位上缴收入": "affiliates", "其他收入": "other", "本年收入合计": "income_total",
    "使用非财政拨款结余和专用结余": "use_of_non_fiscal_balance", "使用非财政拨款结余": "use_of_non_fiscal_balance",
    "年初结转和结余": "opening_balance", "总计": "income_grand_total",
}
_T01_EXP = {"本年支出合计": "expenditure_total", "结余分配": "balance_distribution",
            "年末结转和结余": "closing_balance", "总计": "expenditure_grand_total"}
_T04_INCOME = {
    "一般公共预算财政拨款": "general_public_budget", "政府性基金预算财政拨款": "government_fund",
    "国有资本经营预算财政拨款": "state_capital", "本年收入合计": "income_total",
    "年初财政拨款结转和结余": "opening_fiscal", "总计": "income_grand_total",
}
_T04_EXP = {"本年支出合计": "expenditure_total", "年末财政拨款结转和结余": "closing_fiscal", "总计": "expenditure_grand_total"}


def _two_sided(r: _Reader, tid: str, rows: Sequence[_Line], template: Table, edition: int) -> tuple[Row, ...]:
    inc_w = len(template.columns_for("income"))
    exp_w = len(template.columns_for("expenditure"))
    fc = catalog(Scheme.FUNCTIONAL, edition)
    classes = {_compact(s.name): s.code for s in fc if s.level is Level.CLASS}
    found: dict[tuple[str, str], Row] = {}
    after_opening = False
    for ln in rows:
        cells = ln.cells
        if _is_header(cells) and not any(_NUMBER.match(c) and "." in c for c in cells):
            continue
        cells = cells + [""] * (2 + inc_w + 2 + exp_w - len(cells))
        sides = (("income", cells[: 2 + inc_w], inc_w), ("expenditure", cells[2 + inc_w: 4 + inc_w + exp_w], exp_w))
        for side, part, width in sides:
            label_raw, line_no = part[0], part[1]
            label = _compact(_ORDINAL.sub("", _compact(label_raw)))
            values_raw = part[2: 2 + width]
            if not label:
                if any(values_raw):
                    r.note("reader.row", Severity.WARNING, ln.no, f"公开{tid}表：无项目名称的金额 {values_raw} 未读取。",
                           f"table {tid}: amounts without a label {values_raw} were not read.", tid)
                continue
            key: str | None
            code = None
            if side == "income":
                mapping = _T01_INCOME if tid == "01" else _T04_INCOME
                key = mapping.get(label)
                if tid == "04" and key in ("general_public_budget", "government_fund", "state_capital") and after_opening \
                        and not _ORDINAL.match(_compact(label_raw)):
                    key = f"opening_{key}"
                if key == "opening_fiscal":
                    after_opening = True
            else:
                key = (_T01_EXP if tid == "01" else _T04_EXP).get(label)
                if key is None:
                    code = classes.get(label) or classes.get(label + "支出")
                    key = code
            if key is None:
                r.note("reader.row", Severity.WARNING, ln.no, f"公开{tid}表：无法识别的项目“{label_raw}”。",
                       f"table {tid}: unrecognised label {label_raw!r}.", tid, stated=label_raw)
                continue
            values = tuple(r.number(c, ln.no, tid) for c in values_raw)
            line = _small_int(line_no)
            found[(side, key)] = Row(key, _compact(label_raw), values, code, Level.CLASS if code else None, line, side)
            r.lines[(tid, key)] = ln.no
    # Keep the template's order; printed rows replace template rows, extra rows are appended.
    out: list[Row] = []
    for row in template.rows:
        got = found.pop((row.side, row.key), None)
        if got is not None:
            out.append(attrs.evolve(got, line=got.line or row.line, label=got.label or row.label))
        elif row.values:
            out.append(attrs.evolve(row, values=(BLANK,) * len(row.values)))
    out.extend(found.values())
    return tuple(out)


def _table06(r: _Reader, rows: Sequence[_Line], edition: int) -> tuple[Row, ...]:
    out: list[Row] = []
    totals = {"personnel_total": BLANK, "public_total": BLANK}
    seen: set[str] = set()
    for ln in rows:
        cells = ln.cells
        joined = _compact(ln.text)
        if "人员经费合计" in joined or "公用经费合计" in joined:
            # The first figure after each label (人员经费合计's before 公用经费合计's label).
            labels = [_compact(c) for c in cells]
            nums = [(i, c) for i, c in enumerate(cells) if _NUMBER.match(c)]
            for label, key in (("人员经费合计", "personnel_total"), ("公用经费合计", "public_total")):
                if label in joined:
                    at = labels.index(label) if label in labels else 0
                    stop = (labels.index("公用经费合计") if key == "personnel_total" and "公用经费合计" in labels
                            else len(cells))
                    after = [c for i, c in nums if at < i < stop]
                    totals[key] = r.number(after[0], ln.no, "06") if after else BLANK
                    r.lines[("06", key)] = ln.no
            continue
        if _is_header(cells):
            continue
        cells = cells + [""] * (-len(cells) % 3)
        for i in range(0, len(cells), 3):
            code, name, amount = cells[i], cells[i + 1], cells[i + 2]
            if not code and not name:
                if amount:
                    r.note("reader.row", Severity.WARNING, ln.no, f"公开06表：无科目的金额“{amount}”未读取。",
                           f"table 06: an amount without a subject {amount!r} was not read.", "06")
                continue
            got = _resolve_code(r, edition, "06", _compact(code), name, ln.no)
            if got is None or got[0] in seen:
                continue
            seen.add(got[0])
            panel = "personnel" if got[0][:3] in ("301", "303") else "public"
            out.append(Row(got[0], name, (r.number(amount, ln.no, "06"),), got[0], got[1], side=panel))
            r.lines[("06", got[0])] = ln.no
    out.append(Row("personnel_total", "人员经费合计", (totals["personnel_total"],), side="personnel"))
    out.append(Row("public_total", "公用经费合计", (totals["public_total"],), side="public"))
    return tuple(out)


def _table09(r: _Reader, rows: Sequence[_Line], template: Table) -> tuple[Row, ...]:
    n = len(template.columns)
    data = [ln for ln in rows if not _is_header(ln.cells) and any(_NUMBER.match(c) for c in ln.cells)]
    if not data:
        return (Row("three_public", "“三公”经费", (BLANK,) * n),)
    ln = data[0]
    for extra in data[1:]:
        r.note("reader.row", Severity.WARNING, extra.no, "公开09表：多出的数据行未读取。",
               "table 09: an extra data row was not read.", "09")
    cells = [c for c in ln.cells] + [""] * n
    r.lines[("09", "three_public")] = ln.no
    return (Row("three_public", "“三公”经费", tuple(r.number(c, ln.no, "09") for c in cells[:n])),)


def _read_tables(r: _Reader, regions: dict[str, list[_Line]], edition: int,
                 statements: dict[str, str]) -> tuple[dict[str, Table], str]:
    template = _template(edition)
    tables: dict[str, Table] = {}
    department = ""
    for tid, region in regions.items():
        unit, rows, dept = _meta(r, tid, region, statements)
        department = department or dept
        if tid in ("01", "04"):
            got = _two_sided(r, tid, rows, template[tid], edition)
        elif tid == "06":
            got = _table06(r, rows, edition)
        elif tid == "09":
            got = _table09(r, rows, template[tid])
        else:
            got = _functional(r, tid, rows, template[tid], edition)
        tables[tid] = Table(_FINAL.table(tid), template[tid].columns, got, unit)
    for tid in sorted(set(_FINAL.table_ids) - set(tables)):
        title = _FINAL.table(tid).title
        r.note("reader.table", Severity.WARNING, None, f"未找到公开{tid}表（{title}）；涉及该表的规则未检查。",
               f"table {tid} ({title}) was not found; the rules that need it were not applied.", tid)
    return tables, department


# -- the explanatory text ------------------------------------------------------------------------------------
@attrs.frozen
class _Body:
    section: str
    heading: str
    text: str
    lines: tuple[int, ...]  # source line of each character of ``text``
    topic: SectionTopic | None = None  # recognised from the heading, never from the number

    def line_at(self, pos: int) -> int | None:
        return self.lines[pos] if 0 <= pos < len(self.lines) else None


def _sections(lines: Sequence[_Line]) -> list[_Body]:
    bodies: list[_Body] = []
    top, sub, heading = "", "", ""
    top_topic: SectionTopic | None = None
    topic: SectionTopic | None = None
    chars: list[str] = []
    where: list[int] = []

    def flush() -> None:
        if top:
            bodies.append(_Body(top + sub, heading, "".join(chars), tuple(where), topic))

    for ln in lines:
        c = _compact(ln.text)
        if not c:
            continue
        m = re.match(rf"^([{_CN}]+)、(.{{2,50}}(?:说明|情况))[。.]?$", c)
        s = re.match(rf"^[（(]([{_CN}]+)[）)](.{{2,40}})$", c)
        if m:
            flush()
            top, sub, heading = m.group(1), "", c
            top_topic = topic = topic_of(c)
            chars, where = [], []
            continue
        if s and top and len(c) <= 40 and not re.search(r"\d", c):
            flush()
            sub, heading = f"（{s.group(1)}）", c
            topic = subsection_topic(top_topic, c)
            chars, where = [], []
            continue
        chars.append(c)
        where.extend([ln.no] * len(c))
    flush()
    return bodies


def _n(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


_Item = Figure | tuple[str, tuple[str, ...]] | str | None
_Handler = Callable[[re.Match[str]], list[_Item]]


def _amt(key: str, g: str | None) -> Figure | None:
    return Figure(key, _n(g), FigureKind.AMOUNT) if g is not None else None


def _pct(key: str, g: str | None) -> Figure | None:
    return Figure(key, _n(g), FigureKind.PERCENT) if g is not None else None


def _cnt(key: str, g: str | None) -> Figure | None:
    return Figure(key, _n(g), FigureKind.COUNT) if g is not None else None


def _signed(key: str, verb: str, g: str) -> Figure:
    v = _n(g)
    return Figure(key, -v if verb == "减少" else v, FigureKind.AMOUNT)


_P = "[（(]"
_Q = "[）)]"


_COMPARED = r"(?:(?:比|较|与)上年度?(?:预算|执行|决算)?数?(?:相比)?|同比)"


def _amount_and_change(amount_key: str, prefix: str, subject: str) -> tuple[str, _Handler]:
    """``X总计均为 A 万元，比上年增加 Δ 万元，增长 r%`` in one sentence (the amount, then its
    change, whatever the comparison is worded: 比上年 / 较上年 / 同比 / 比上年决算数 …)."""
    return (rf"{subject}均为{_NUM}万元[，,]?{_COMPARED}[，,]?各?(增加|减少){_NUM}万元[，,]?(?:(增长|下降){_NUM}%)?",
            lambda m: [_amt(amount_key, m.group(1)), _signed(f"{prefix}.change", m.group(2), m.group(3)),
                       _pct(f"{prefix}.change_rate", m.group(5)),
                       *(["verb-mismatch"] if m.group(4) and (m.group(2) == "增加") != (m.group(4) == "增长") else [])])


def _change_patterns(prefix: str, subject: str) -> list[tuple[str, _Handler]]:
    return [
        # “各增加”, and the 比上年 / 较上年 / 同比 / 比上年预算(执行、决算)数 / 与上年相比 forms
        (rf"{subject}{_COMPARED}?[，,]?各?(增加|减少){_NUM}万元[，,]?"
         rf"(?:(增长|下降){_NUM}%)?",
         lambda m: [_signed(f"{prefix}.change", m.group(1), m.group(2)), _pct(f"{prefix}.change_rate", m.group(4)),
                    *(["verb-mismatch"] if m.group(3) and (m.group(1) == "增加") != (m.group(3) == "增长") else [])]),
        (rf"{subject}(?:与上年度?)?持平", lambda m: [Figure(f"{prefix}.change", Decimal(0))]),
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


_VEHICLES = rf"(副部{_P}省级{_Q}领导干部用车|主要负责人用车|机要通信用车|应急保障车|执法执勤用车|特种专业技术用车|离退休干部用车|其他用车)"


def _patterns(topic: SectionTopic | None, heading: str = "") -> list[tuple[str, _Handler]]:
    # Chosen by what the section is about, whatever its number (三公 is 九 centrally, 七 in
    # Shanghai); ``heading`` tells the 结构情况 sub-section of 一般公共预算支出.
    A = _amt
    if topic is SectionTopic.OVERVIEW:
        return [_amount_and_change("total.amount", "total", "收、?支总计"),
                (rf"收、?支总计均为{_NUM}万元", lambda m: [A("total.amount", m.group(1))]),
                *_change_patterns("total", "收、?支总计")]
    if topic is SectionTopic.INCOME:
        return [(rf"收入合计{_NUM}万元", lambda m: [A("income.total", m.group(1))]),
                (rf"(?<!预算)(财政拨款收入|上级补助收入|事业收入|经营收入|附属单位上缴收入|其他收入){_NUM}万元(?:[，,]占(?:本年收入合计的)?{_NUM}%?)?",
                 _income_items)]
    if topic is SectionTopic.EXPENDITURE:
        return [(rf"支出合计{_NUM}万元", lambda m: [A("expenditure.total", m.group(1))]),
                (rf"(基本支出|项目支出|上缴上级支出|经营支出|对附属单位补助支出){_NUM}万元(?:[，,]占(?:本年支出合计的)?{_NUM}%?)?",
                 _nature_items)]
    if topic is SectionTopic.FISCAL_OVERVIEW:
        return [_amount_and_change("fiscal.total", "fiscal", "财政拨款收、?支总计"),
                (rf"财政拨款收、?支总计均为{_NUM}万元", lambda m: [A("fiscal.total", m.group(1))]),
                *_change_patterns("fiscal", "财政拨款收、?支总计")]
    if topic is SectionTopic.GENERAL_PUBLIC:
        return [
            (rf"年初预算为{_NUM}万元[，,]支出决算为{_NUM}万元(?:[，,]完成年初预算的{_NUM}%)?",
             lambda m: [A("gpb_budget.total", m.group(1)), A("gpb_budget.actual", m.group(2)),
                        _pct("gpb_budget.rate", m.group(3))]),
            (rf"一般公共预算财政拨款支出{_NUM}万元[，,]主要用于(?:以下方面)?[：:]?" if "结构" not in heading else
             rf"一般公共预算财政拨款支出{_NUM}万元(?:[，,]主要用于(?:以下方面)?[：:]?)?",
             lambda m: [A("gpb_structure.total", m.group(1))]),
            (rf"一般公共预算财政拨款支出{_NUM}万元(?:[，,]占(?:本年)?支出合计的{_NUM}%)?",
             lambda m: [A("gpb.total", m.group(1)), _pct("gpb.share_of_expenditure", m.group(2))]),
            *_change_patterns("gpb", "一般公共预算财政拨款支出"),
            # Names are bounded ({0,60}): an unbounded lazy span rescans the text from each start.
            (rf"(?<!\d)(\d+)[.．、]([^。：；]{{0,60}}?){_P}类{_Q}(.{{0,60}}?){_P}款{_Q}(.{{0,60}}?){_P}项{_Q}(?:支出)?年初预算数?为{_NUM}万元[，,](?:支出)?决算数?为?{_NUM}万元"
             rf"(?:[，,]完成年初预算的{_NUM}%)?", lambda m: [("item", (m.group(2), m.group(3), m.group(4))),
                                                          A("budget", m.group(5)), A("actual", m.group(6)),
                                                          _pct("rate", m.group(7))]),
            (rf"([^：；。，]{{1,60}}?){_P}类{_Q}支出{_NUM}万元(?:[，,]占{_NUM}%?)?",
             lambda m: [("class", (m.group(1),)), A("amount", m.group(2)), _pct("share", m.group(3))]),
        ]
    if topic is SectionTopic.BASIC:
        return [(rf"基本支出{_NUM}万元", lambda m: [A("basic.total", m.group(1))]),
                (rf"人员经费{_NUM}万元(?:[，,]主要包括[：:]([^。]*)。?)?",
                 lambda m: [A("basic.personnel", m.group(1)),
                            *([("basic.personnel.items", tuple(x for x in re.split("[、,，]", m.group(2)) if x))] if m.group(2) else [])]),
                (rf"公用经费{_NUM}万元(?:[，,]主要包括[：:]([^。]*)。?)?",
                 lambda m: [A("basic.public", m.group(1)),
                            *([("basic.public.items", tuple(x for x in re.split("[、,，]", m.group(2)) if x))] if m.group(2) else [])])]
    if topic is SectionTopic.GOVERNMENT_FUND:
        return [(r"没有政府性基金(?:预算财政拨款)?收入", lambda m: ["government_fund.none"]),
                (rf"政府性基金预算财政拨款收入{_NUM}万元", lambda m: [A("government_fund.income", m.group(1))]),
                (rf"(?:政府性基金预算财政拨款)?支出{_NUM}万元", lambda m: [A("government_fund.expenditure", m.group(1))]),
                (rf"年末结转和结余{_NUM}万元", lambda m: [A("government_fund.closing", m.group(1))])]
    if topic is SectionTopic.STATE_CAPITAL:
        return [(r"没有国有资本经营(?:预算财政拨款)?收入", lambda m: ["state_capital.none"]),
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
            (rf"公务用车购置支出{_NUM}万元[，,]购置车辆{_NUM}台", lambda m: [A("three_public.vehicle_purchase", m.group(1)),
                                                              _cnt("three_public.vehicles_purchased", m.group(2))]),
            (rf"公务用车运行维护支出{_NUM}万元", lambda m: [A("three_public.vehicle_operation", m.group(1))]),
            (rf"公务用车保有量为{_NUM}辆", lambda m: [_cnt("three_public.vehicles_held", m.group(1))]),
            (rf"外宾接待支出{_NUM}万元", lambda m: [A("three_public.foreign_reception", m.group(1))]),
            (rf"来访团组{_NUM}个、来访外宾{_NUM}人次", lambda m: [_cnt("three_public.foreign_reception_groups", m.group(1)),
                                                         _cnt("three_public.foreign_reception_people", m.group(2))]),
            (rf"国内公务接待支出{_NUM}万元", lambda m: [A("three_public.domestic_reception", m.group(1))]),
            (rf"国内来访团组{_NUM}个、来宾{_NUM}人次", lambda m: [_cnt("three_public.domestic_reception_groups", m.group(1)),
                                                         _cnt("three_public.domestic_reception_people", m.group(2))]),
        ]
    if topic is SectionTopic.OFFICE_OPERATING:
        return [(rf"机关运行经费支出{_NUM}万元", lambda m: [A("office.amount", m.group(1))]),
                (rf"比\d{{4}}年度?(增加|减少){_NUM}万元[，,]?(?:(增长|下降){_NUM}%)?",
                 lambda m: [_signed("office.change", m.group(1), m.group(2)), _pct("office.change_rate", m.group(4)),
                            *(["verb-mismatch"] if m.group(3) and (m.group(1) == "增加") != (m.group(3) == "增长") else [])]),
                (r"与\d{4}年度?持平", lambda m: [Figure("office.change", Decimal(0))])]
    if topic is SectionTopic.PROCUREMENT:
        return [(rf"政府采购支出总额{_NUM}万元", lambda m: [A("procurement.total", m.group(1))]),
                (rf"政府采购货物支出{_NUM}万元", lambda m: [A("procurement.goods", m.group(1))]),
                (rf"政府采购工程支出{_NUM}万元", lambda m: [A("procurement.works", m.group(1))]),
                (rf"政府采购服务支出{_NUM}万元", lambda m: [A("procurement.services", m.group(1))]),
                (rf"授予中小企业合同金额{_NUM}万元(?:[，,]占政府采购支出总额的{_NUM}%)?",
                 lambda m: [A("procurement.to_sme", m.group(1)), _pct("procurement.to_sme.share", m.group(2))]),
                (rf"授予小微企业合同金额{_NUM}万元(?:[，,]占授予中小企业合同金额的{_NUM}%)?",
                 lambda m: [A("procurement.to_small_micro", m.group(1)), _pct("procurement.to_small_micro.share", m.group(2))])]
    if topic is SectionTopic.ASSETS:
        return [(rf"共有车辆{_NUM}辆", lambda m: [_cnt("assets.vehicles", m.group(1))]),
                (rf"{_VEHICLES}{_NUM}辆", lambda m: [_cnt(f"assets.vehicles.{m.group(1).replace('(', '（').replace(')', '）')}", m.group(2))]),
                (rf"100万元{_P}含{_Q}以上设备{_NUM}台", lambda m: [_cnt("assets.large_equipment", m.group(1))])]
    if topic is SectionTopic.PERFORMANCE:
        return [(rf"对{_NUM}个项目支出和部门整体支出设置了绩效目标", lambda m: [_cnt("performance.projects_with_targets", m.group(1))]),
                (rf"对{_NUM}个项目和部门整体开展了绩效自评", lambda m: [_cnt("performance.projects_self_evaluated", m.group(1))]),
                (rf"\d{{4}}年度{_NUM}个项目进行了绩效自评", lambda m: [_cnt("performance.self_evaluated", m.group(1))]),
                (rf"{_NUM}个项目自评结果为([优良中差])", lambda m: [_cnt(f"performance.rating.{m.group(2)}", m.group(1))]),
                (rf"{_NUM}个项目进行了部门评价[，,]评价得分{_NUM}分",
                 lambda m: [_cnt("performance.key_evaluations", m.group(1)),
                            Figure("performance.key_evaluation_score", _n(m.group(2)), FigureKind.SCORE)])]
    return []


def _resolve_item(edition: int, names: tuple[str, str, str]) -> str | None:
    fc = catalog(Scheme.FUNCTIONAL, edition)
    cls_name, sec_name, item_name = (_compact(x) for x in names)
    for cls in fc.resolve_name(cls_name) or fc.resolve_name(cls_name + "支出"):
        if cls.level is not Level.CLASS:
            continue
        for sec in fc.resolve_name(sec_name, cls.code):
            for item in fc.resolve_name(item_name, sec.code):
                return item.code
    return None


def _resolve_class(edition: int, name: str) -> str | None:
    fc = catalog(Scheme.FUNCTIONAL, edition)
    for query in (name + "支出", name):
        hits = [s for s in fc.resolve_name(_compact(query)) if s.level is Level.CLASS]
        if len(hits) == 1:
            return hits[0].code
    return None


def _read_section(r: _Reader, body: _Body, edition: int) -> Section:
    figures: list[Figure] = []
    lists: list[tuple[str, tuple[str, ...]]] = []
    flags: list[str] = []
    # Positions already read, as a mask: the check is O(1) per match (a list of spans was
    # quadratic in the number of matches).
    covered = bytearray(len(body.text) + 1)
    for pattern, handler in _patterns(body.topic, body.heading):
        for m in re.finditer(pattern, body.text):
            if covered[m.start()]:
                continue
            line = body.line_at(m.start())
            got = handler(m)
            prefix: str | None = None
            for item in got:
                if item is None:
                    continue
                if isinstance(item, str):
                    if item == "verb-mismatch":
                        r.note("text.change", Severity.ERROR, line, f"{body.section}：增减额与增减率的方向不一致（“{m.group(0)}”）。",
                               f"{body.section}: the change and its rate go in opposite directions ({m.group(0)!r}).",
                               section=body.section)
                    else:
                        flags.append(item)
                    continue
                if isinstance(item, tuple):
                    kind, names = item
                    if kind == "item":
                        code = _resolve_item(edition, names)  # type: ignore[arg-type]
                        prefix = f"gpb_budget.{code}" if code else None
                    elif kind == "class":
                        code = _resolve_class(edition, names[0])
                        prefix = f"gpb_structure.{code}" if code else None
                    else:
                        if any(k == kind for k, _ in lists):  # as for figures: the first is kept
                            r.note("reader.text", Severity.INFO, line, f"{body.section}：{kind} 重复出现，保留第一次。",
                                   f"{body.section}: {kind} is stated twice; the first is kept.",
                                   section=body.section)
                        else:
                            lists.append((kind, names))
                        continue
                    if prefix is None:
                        r.note("reader.text", Severity.WARNING, line,
                               f"{body.section}：无法识别科目“{''.join(names)}”，其数字未读取。",
                               f"{body.section}: cannot identify the subject {''.join(names)!r}; its figures were not read.",
                               section=body.section, stated="".join(names))
                        break
                    continue
                key = f"{prefix}.{item.key}" if prefix else item.key
                figures.append(attrs.evolve(item, key=key, line=line))
            covered[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    # Figures the patterns did not place are reported, never skipped silently.
    for m in re.finditer(rf"{_NUM}(万元|%)", body.text):
        if not covered[m.start()]:
            r.note("reader.text", Severity.INFO, body.line_at(m.start()),
                   f"{body.section}：未识别的数字 {m.group(0)}（“{body.text[max(0, m.start() - 12): m.end() + 4]}”）。",
                   f"{body.section}: figure {m.group(0)} was not placed "
                   f"({body.text[max(0, m.start() - 12): m.end() + 4]!r}).", section=body.section, stated=m.group(0))
    seen: set[str] = set()
    unique = []
    for f in figures:
        if f.key in seen:
            r.note("reader.text", Severity.INFO, f.line, f"{body.section}：{f.key} 重复出现，保留第一次。",
                   f"{body.section}: {f.key} is stated twice; the first is kept.", section=body.section)
            continue
        seen.add(f.key)
        unique.append(f)
    sentence = Sentence(body.text, tuple(unique), tuple(lists), tuple(flags))
    return Section(body.section, body.heading, (Paragraph((sentence,)),), topic=body.topic)


def _read_narrative(r: _Reader, lines: Sequence[_Line], department: str, year: int, edition: int) -> Narrative | None:
    if not lines:
        return None
    sections = [_read_section(r, body, edition) for body in _sections(lines)]
    if not sections:
        r.note("reader.text", Severity.WARNING, lines[0].no, "情况说明中没有可识别的章节。",
               "no recognisable section in the explanatory text.")
        return None
    return Narrative(department, year, tuple(sections))


# -- entry points ----------------------------------------------------------------------------------------------
@in_wide_context
def read_text(text: str, *, source: str = "text", edition: int | None = None) -> Published:
    """Read a published report's plain text (tables and 情况说明) as stated."""
    if not isinstance(text, str):
        raise FormatError(f"{source}: expected text, got {type(text).__name__}")
    r = _Reader(source)
    lines = [_Line(i + 1, t) for i, t in enumerate(text.splitlines())]
    regions, text_lines, head = _split(lines)
    compact_all = _compact(text[:5000])
    year_m = re.search(r"(20\d{2})年度", compact_all)
    year = int(year_m.group(1)) if year_m else None
    if edition is None:
        try:
            edition = edition_for_year(year) if year else DEFAULT_EDITION
        except GovBudgetError:
            edition = DEFAULT_EDITION
    if edition not in EDITIONS:
        raise FormatError(f"{source}: no catalog edition {edition}; shipped: {EDITIONS}")
    if not regions and not text_lines:
        raise FormatError(f"{source}: no 公开 table and no 情况说明 found; is this a 部门决算 report?")
    statements: dict[str, str] = {}
    tables, department = _read_tables(r, regions, edition, statements)
    if not department:
        m = re.search(r"^(.{2,40}?)(?:\d{4}年度)?部门决算$", "\n".join(_compact(ln.text) for ln in head[:20]), re.M)
        department = m.group(1) if m else ""
    narrative = _read_narrative(r, text_lines, department, year or 0, edition)
    if narrative is None:
        r.note("reader.text", Severity.WARNING, None, "未找到情况说明（第三部分）；文字规则未检查。",
               "no explanatory text (第三部分) found; the text rules were not applied.")
    return Published(department, year, edition, tables, narrative, statements, False, source, dict(r.lines),
                     tuple(r.findings))


@in_wide_context
def read_csv(text: str, *, source: str = "csv", edition: int | None = None) -> Published:
    """Read the library's one-cell-per-row CSV, or one table laid out as printed."""
    text = text.lstrip("\ufeff")
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise FormatError(f"{source}: {exc}") from None
    if rows and {"table", "row_key", "column_key", "value_wan"} <= set(rows[0]):
        return _read_cell_csv(rows, source, edition)
    return read_text("\n".join("\t".join(row) for row in rows), source=source, edition=edition)


def _read_cell_csv(rows: list[list[str]], source: str, edition: int | None) -> Published:
    header = rows[0]
    col = {name: i for i, name in enumerate(header)}
    edition = edition or DEFAULT_EDITION
    template = _template(edition)
    wan_at = col.get("value_wan")

    def blank(r: list[str]) -> bool:  # a missing fact: no printed and no exact figure
        return (wan_at is None or (len(r) > wan_at and not r[wan_at].strip())) and not (
            "exact_yuan" in col and len(r) > col["exact_yuan"] and r[col["exact_yuan"]])

    exact = "exact_yuan" in col and all((len(r) > col["exact_yuan"] and r[col["exact_yuan"]]) or blank(r)
                                        for r in rows[1:] if r)
    cells: dict[str, dict[tuple[str, str], dict[str, Decimal]]] = {}
    meta: dict[tuple[str, str, str], tuple[str, str, str, int | None]] = {}
    unread: set[tuple[str, str, str]] = set()
    for n, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != len(header):
            raise FormatError(f"{source}:{n}: {len(row)} fields, expected {len(header)} (truncated file?)")
        tid = row[col["table"]].zfill(2)
        if tid not in _FINAL.table_ids:
            raise FormatError(f"{source}:{n}: table: {row[col['table']]!r} is not 01 … 09")
        field = "exact_yuan" if exact else "value_wan"
        raw = row[col[field]]
        if blank(row):  # a missing fact: not read, never checked against a zero
            unread.add((tid, row[col["row_key"]], row[col["column_key"]]))
            raw = "0"
        elif not _NUMBER.match(raw):
            raise FormatError(f"{source}:{n}: {field}: {raw!r} is not an amount")
        if exact and "value_wan" in col and not blank(row):
            # Both given: the printed 万元 figure must be the exact 元 amount as printed.
            printed, wan = row[col["value_wan"]], display(Decimal(raw))
            if not _NUMBER.match(printed) or Decimal(printed.replace(",", "")) != wan:
                raise FormatError(f"{source}:{n}: value_wan {printed!r} does not match exact_yuan {raw} "
                                  f"(printed as {wan:.2f} 万元)")
        side = row[col["side"]] if "side" in col else ""
        key = row[col["row_key"]]
        cells.setdefault(tid, {}).setdefault((side, key), {})[row[col["column_key"]]] = Decimal(raw)
        # Without a code column (the minimal table,row_key,column_key,value_wan shape), a
        # subject row's key is its code: 3, 5 or 7 digits.
        code = row[col["code"]] if "code" in col else (key if len(key) in (3, 5, 7) and key.isdigit() else "")
        label = row[col["label"]] if "label" in col else key
        line = row[col["line"]] if "line" in col else ""
        meta[(tid, side, key)] = (code, label, side, _small_int(line))
    tables: dict[str, Table] = {}
    unit = Unit.YUAN if exact else Unit.WAN
    for tid, by_row in cells.items():
        t = template[tid]
        out = []
        for (side, key), values in by_row.items():
            cols = t.columns_for(side if side in ("income", "expenditure") else "")
            unknown = set(values) - {c.key for c in cols}
            if unknown:
                raise FormatError(f"{source}: table {tid} row {key}: unknown column(s) {sorted(unknown)}")
            code, label, side_, line_no = meta[(tid, side, key)]
            level = {3: Level.CLASS, 5: Level.SECTION, 7: Level.ITEM}.get(len(code)) if code else None
            out.append(Row(key, label, tuple(values.get(c.key, BLANK) for c in cols), code or None, level, line_no, side_))
        tables[tid] = attrs.evolve(t, rows=tuple(out), unit=unit)
    return Published("", None, edition, tables, None, {}, exact, source, has_statements=False,
                     unread=frozenset(unread))


@in_wide_context
def read_json(text: str, *, source: str = "json") -> Published:
    """Read the library's disclosure JSON (checked exactly) or a ledger JSON (derived, with
    its text generated)."""
    from govbudget.io import load_json

    data = load_json(text, source=source)  # bounded: size, depth, integer digits
    schema = data.get("schema", "") if isinstance(data, dict) else None
    if schema is not None and not isinstance(schema, str):
        raise FormatError(f"{source}: $.schema: must be a string such as 'govbudget/disclosure/1', not {schema!r}")
    if isinstance(schema, str) and schema.startswith("govbudget/disclosure"):
        from govbudget.render import disclosure_from_json

        return from_disclosure(disclosure_from_json(text, source=source), source=source)
    if isinstance(data, dict) and "expenditure" in data and "department" in data:
        from govbudget.io import ledger_from_json
        from govbudget.narrative import build
        from govbudget.validate import ledger_findings

        ledger: Ledger = ledger_from_json(text, source=source)
        d = derive(ledger)
        return attrs.evolve(from_disclosure(d, build(ledger, d), source=source),
                            reader_findings=ledger_findings(ledger, d))
    if isinstance(data, dict) and "allocations" in data and "department" in data:
        # A 部门预算 ledger: derived and checked exactly, with its own impossible states.
        from govbudget.budget.io import budget_ledger_from_json
        from govbudget.budget.narrative import build as build_budget
        from govbudget.budget.tables import derive as derive_budget
        from govbudget.validate import budget_ledger_findings

        budget = budget_ledger_from_json(text, source=source)
        bd = derive_budget(budget)
        return attrs.evolve(from_disclosure(bd, build_budget(budget, bd), source=source),
                            reader_findings=budget_ledger_findings(budget, bd))
    raise FormatError(f"{source}: neither a disclosure JSON (schema govbudget/disclosure/1) nor a ledger JSON")


def read_document(path: str | Path) -> Published:
    """Read a published PDF (needs the ``pdf`` extra), HTML page or XLSX workbook: tables
    recognised in any layout, the 情况说明 from the running text; a document that is no
    disclosure is refused (:class:`~govbudget.reading.NotADisclosureError`)."""
    from govbudget.extract import extract
    from govbudget.reading import published_from_pages
    from govbudget.recognize import pages_of

    doc = extract(path)
    return published_from_pages(pages_of(doc), source=str(path))


def _markdown_to_tabs(text: str) -> str:
    """Markdown tables as tab-separated rows (their ``| --- |`` rules dropped), headings as plain lines."""
    out = []
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("|") and s.endswith("|"):
            cells = [c.strip() for c in s[1:-1].split("|")]
            if all(re.fullmatch(r":?-{3,}:?", c) for c in cells if c):
                continue
            out.append("\t".join(cells))
        else:
            out.append(re.sub(r"^#{1,6}\s+", "", line).replace("**", ""))
    return "\n".join(out)


def _is_markdown(text: str) -> bool:
    return bool(re.search(r"^\|.*\|\s*\n\|(?:\s*:?-{3,}:?\s*\|)+", text, re.M))


def read_plain(text: str, *, source: str = "text") -> Published:
    """A report as plain text, in any of the forms it comes in: the text of a PDF or a web
    page with tab-separated cells (the seed), text aligned with spaces (``govbudget report``'s
    default output, pdftotext -layout), or Markdown (``govbudget report --format markdown``)."""
    from govbudget.extract.text import parse_text
    from govbudget.reading import published_from_pages
    from govbudget.recognize import pages_of

    if _is_markdown(text):
        text = _markdown_to_tabs(text)
    elif "\t" in text:
        return read_text(text, source=source)
    aligned = published_from_pages(pages_of(parse_text(text, source=source)), source=source)
    expanded = _tabs_from_spaces(text)
    if expanded is None:
        return aligned
    # Tabs turned into spaces (a copy, an editor): read as tab-separated too, keep the better.
    try:
        tabbed = read_text(expanded, source=source)
    except GovBudgetError:
        return aligned
    return min((aligned, tabbed), key=_read_badness)


def _read_badness(p: Published) -> tuple[int, int]:
    left = sum(1 for f in p.reader_findings if f.severity is not Severity.INFO)
    return (-len(p.tables), left)


def _tabs_from_spaces(text: str) -> str | None:
    """Text whose tabs were expanded to a fixed width of spaces, with the tabs restored
    (a run of ``k × width`` spaces is ``k`` tabs, so blank cells keep their place); ``None``
    when the runs of spaces show no fixed width (the text is aligned in columns instead)."""
    runs = [len(m.group(0)) for m in re.finditer(r"(?:(?<=\S)|^) {2,}(?=\S)", text, re.M)]
    if len(runs) < 10:
        return None
    width = max(set(runs), key=runs.count)
    if sum(1 for r in runs if r % width == 0) < 0.9 * len(runs):
        return None
    return re.sub(r"(?:(?<=\S)|^) {2,}(?=\S)", lambda m: "\t" * max(1, round(len(m.group(0)) / width)), text,
                  flags=re.M)


def read(path: str | Path) -> Published:
    """Read a disclosure file, choosing the reader by suffix: a published PDF, HTML page or
    XLSX workbook (tables recognised in any layout), a govbudget fill-in workbook (a ledger:
    derived and checked exactly, like a ledger JSON), .json, .csv, else text."""
    from govbudget.io import decode_text, read_bytes

    p = Path(path)
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        from govbudget.workbook import is_ledger_workbook

        if is_ledger_workbook(p):
            from govbudget.narrative import build
            from govbudget.published import from_disclosure
            from govbudget.tables import derive
            from govbudget.workbook import read_workbook

            ledger: Ledger = read_workbook(p)
            d = derive(ledger)
            return from_disclosure(d, build(ledger, d), source=str(p))
    suffix = p.suffix.lower()
    if suffix in (".pdf", ".html", ".htm", ".xlsx", ".xlsm"):
        return read_document(p)
    text = decode_text(read_bytes(p), str(p))  # bounded (io.Limits); UTF-8, UTF-16, GB18030
    if suffix == ".json":
        return read_json(text, source=str(p))
    if suffix == ".csv":
        return read_csv(text, source=str(p))
    return read_plain(text, source=str(p))
