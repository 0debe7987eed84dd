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
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path

import attrs

from govbudget.budget.ledger import BudgetLedger
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
    Narrative,
)
from govbudget.textread import read_narrative

__all__ = ["from_ledger", "read", "read_csv", "read_document", "read_json", "read_plain", "read_text"]

_FINAL = family("final")
#: The first cells that start a header row: 项目 …, and the spec's 公开06 panel and 公开09 group.
_HEADER_FIRST = frozenset({"项目", "科目代码", "栏次", "收入", "收入支出", "科目代码科目名称",
                           _FINAL.table("06").panels[0].title, _FINAL.table("09").columns[0].group})
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
        if "\t" not in ln.text and (titled := _FINAL.match_title(c)) is not None:
            current = tables.setdefault(titled.id, [])
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
    if first in _HEADER_FIRST:
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


def _two_sided(r: _Reader, tid: str, rows: Sequence[_Line], template: Table, edition: int) -> tuple[Row, ...]:
    inc_w = len(template.columns_for("income"))
    exp_w = len(template.columns_for("expenditure"))
    fc = catalog(Scheme.FUNCTIONAL, edition)
    classes = {_compact(s.name): s.code for s in fc if s.level is Level.CLASS}
    found: dict[tuple[str, str], Row] = {}
    spec = _FINAL.table(tid)
    # The row whose sub-rows (公开04's 年初 fund rows) repeat the head rows' labels.
    opening = next((x.parent for x in spec.rows if x.parent), None)
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
            code = None
            fixed = spec.match_row(label, side=side)
            if fixed is not None and after_opening and not _ORDINAL.match(_compact(label_raw)):
                # 公开04's fund rows again, unnumbered, under 年初财政拨款结转和结余.
                fixed = spec.match_row(label, side=side, parent=opening) or fixed
            key = fixed.key if fixed is not None else None
            if opening is not None and key == opening:
                after_opening = True
            if side == "expenditure" and key is None:
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
    # The panels' total rows (人员经费合计, 公用经费合计), in printed order.
    panel_totals = [(row.label, row.key, row.side) for row in _FINAL.table("06").rows]
    totals = {key: BLANK for _, key, _ in panel_totals}
    seen: set[str] = set()
    for ln in rows:
        cells = ln.cells
        joined = _compact(ln.text)
        if any(label in joined for label, _, _ in panel_totals):
            # The first figure after each label (the first panel's before the next one's label).
            labels = [_compact(c) for c in cells]
            nums = [(i, c) for i, c in enumerate(cells) if _NUMBER.match(c)]
            for n, (label, key, _) in enumerate(panel_totals):
                if label in joined:
                    at = labels.index(label) if label in labels else 0
                    later = [labels.index(x) for x, _, _ in panel_totals[n + 1:] if x in labels]
                    stop = later[0] if later else len(cells)
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
    out.extend(Row(key, label, (totals[key],), side=side) for label, key, side in panel_totals)
    return tuple(out)


def _table09(r: _Reader, rows: Sequence[_Line], template: Table) -> tuple[Row, ...]:
    n = len(template.columns)
    (one,) = _FINAL.table("09").rows  # the table's one row (“三公”经费)
    data = [ln for ln in rows if not _is_header(ln.cells) and any(_NUMBER.match(c) for c in ln.cells)]
    if not data:
        return (Row(one.key, one.label, (BLANK,) * n),)
    ln = data[0]
    for extra in data[1:]:
        r.note("reader.row", Severity.WARNING, extra.no, "公开09表：多出的数据行未读取。",
               "table 09: an extra data row was not read.", "09")
    cells = [c for c in ln.cells] + [""] * n
    r.lines[("09", one.key)] = ln.no
    return (Row(one.key, one.label, tuple(r.number(c, ln.no, "09") for c in cells[:n])),)


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
def _read_narrative(r: _Reader, lines: Sequence[_Line], department: str, year: int, edition: int) -> Narrative | None:
    """The 情况说明, read by the one grammar of both families (:mod:`govbudget.textread`)."""
    narrative, findings = read_narrative([(ln.no, ln.text) for ln in lines], family="final", department=department,
                                         year=year, edition=edition, source=r.source)
    r.findings.extend(findings)
    return narrative


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


def from_ledger(ledger: Ledger | BudgetLedger, *, source: str) -> Published:
    """A ledger (部门决算 :class:`~govbudget.ledger.Ledger` or 部门预算
    :class:`~govbudget.budget.ledger.BudgetLedger`) as a published disclosure: its tables
    derived, its text generated, and its impossible states as reader findings — the same
    whichever file it came from (JSON, CSV or fill-in workbook)."""
    if isinstance(ledger, BudgetLedger):
        from govbudget.budget.narrative import build as build_budget
        from govbudget.budget.tables import derive as derive_budget
        from govbudget.validate import budget_ledger_findings

        bd = derive_budget(ledger)
        return attrs.evolve(from_disclosure(bd, build_budget(ledger, bd), source=source),
                            reader_findings=budget_ledger_findings(ledger, bd))
    from govbudget.narrative import build
    from govbudget.validate import ledger_findings

    d = derive(ledger)
    return attrs.evolve(from_disclosure(d, build(ledger, d), source=source),
                        reader_findings=ledger_findings(ledger, d))


def _ledger_csv_family(text: str) -> str | None:
    """``"final"`` or ``"budget"`` when ``text`` is a ledger CSV (``# department: …`` lines,
    then the ledger's header), else ``None``."""
    from govbudget.budget.io import BUDGET_CSV_COLUMNS
    from govbudget.io import CSV_COLUMNS

    lines = iter(text.splitlines())
    first = next(lines, "")
    if not first.startswith("#"):
        return None
    header = next((ln for ln in lines if ln.strip() and not ln.startswith("#")), "")
    columns = sorted(c.strip() for c in header.split(","))
    if columns == sorted(CSV_COLUMNS):
        return "final"
    if columns == sorted(BUDGET_CSV_COLUMNS):
        return "budget"
    return None


@in_wide_context
def read_csv(text: str, *, source: str = "csv", edition: int | None = None) -> Published:
    """Read the library's one-cell-per-row CSV, a ledger CSV of either family (derived and
    checked exactly), or one table laid out as printed."""
    text = text.lstrip("\ufeff")
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise FormatError(f"{source}: {exc}") from None
    if rows and {"table", "row_key", "column_key", "value_wan"} <= set(rows[0]):
        return _read_cell_csv(rows, source, edition)
    family = _ledger_csv_family(text)
    if family == "final":  # a ledger: derived and checked exactly, like a ledger JSON
        from govbudget.io import ledger_from_csv

        return from_ledger(ledger_from_csv(text, source=source), source=source)
    if family == "budget":
        from govbudget.budget.io import budget_ledger_from_csv

        return from_ledger(budget_ledger_from_csv(text, source=source), source=source)
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
                     unread=frozenset(unread), unstated=True)


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

        return from_ledger(ledger_from_json(text, source=source), source=source)
    if isinstance(data, dict) and "allocations" in data and "department" in data:
        from govbudget.budget.io import budget_ledger_from_json

        return from_ledger(budget_ledger_from_json(text, source=source), source=source)
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
        from govbudget.workbook import read_workbook, workbook_family

        family = workbook_family(p)
        if family in ("budget", "final"):
            return from_ledger(read_workbook(p, family=family), source=str(p))
    suffix = p.suffix.lower()
    if suffix in (".pdf", ".html", ".htm", ".xlsx", ".xlsm"):
        return read_document(p)
    text = decode_text(read_bytes(p), str(p))  # bounded (io.Limits); UTF-8, UTF-16, GB18030
    if suffix == ".json":
        return read_json(text, source=str(p))
    if suffix == ".csv":
        return read_csv(text, source=str(p))
    return read_plain(text, source=str(p))
