"""A document's pages → what the checker sees (:class:`~govbudget.published.Published`).

The tables are recognised by :mod:`govbudget.recognize`; this module turns them into the
checker's tables (for 部门决算, the nine 公开 tables the rules know, with the template's
columns and fixed rows; for 部门预算, the tables as recognised), reads the 情况说明 from the
running text, and records what was *not* read: a cell of a recognised table that the document
does not print (a column or fixed row it lacks) is marked unread, so that a rule needing it
says "not checked" instead of comparing a figure with zero.

A document in which neither a disclosure table nor a 情况说明 is recognised is refused with
:class:`NotADisclosureError` (the CLI exits 2 and says so).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs

from govbudget.classification import EDITIONS, edition_for_year
from govbudget.errors import FormatError
from govbudget.money import in_wide_context
from govbudget.published import (
    BLANK,
    ROWS_NOT_PLACED,
    Coverage,
    Finding,
    Location,
    Published,
    Severity,
)
from govbudget.recognize import Page, Recognition, RecognizedTable, recognize
from govbudget.spec import ColumnSpec, TableSpec, family, family_ids
from govbudget.spec import fold as norm
from govbudget.tables import Row, Table

__all__ = ["NotADisclosureError", "combine", "published_from_pages"]


class NotADisclosureError(FormatError):
    """The document is no 部门预算 / 部门决算 disclosure (no table and no 情况说明 recognised)."""


def _year(pages: Sequence[Page]) -> int | None:
    text = "".join(norm(ln.text) for p in pages[:3] for ln in p.lines[:30])
    m = re.search(r"(20\d{2})年", text)
    return int(m.group(1)) if m else None


def _department(pages: Sequence[Page]) -> str:
    for p in pages[:8]:
        for ln in p.lines[:12]:
            m = re.search(r"(?:单位名称|部门名称|预算单位|部门|单位)[：:]\s*([^\s：:]{2,40}?)(?:\s|单位[：:]|$)", ln.text)
            if m and "万元" not in m.group(1) and m.group(1) != "元":
                return m.group(1)
    return ""


def _templates(family_id: str, edition: int) -> dict[str, Table]:
    """Empty tables of a family: its columns and fixed rows (for 部门决算, an empty derivation:
    the edition's 类 rows and the 公开06 template too)."""
    from govbudget.readers import _template

    if family_id == "final":
        return _template(edition)
    if family_id not in family_ids():
        return {}
    out = {}
    for t in family(family_id).tables:
        rows = tuple(Row(r.key, r.label, (BLANK,) * len([c for c in t.columns if c.side == r.side] or t.columns),
                         side=r.side) for r in t.rows)
        out[t.id] = Table(t, t.columns, rows, t.unit)
    return out


#: Keys of rows that list things (units, projects, unlabelled items), not a fixed row or subject.
_LISTED = ("unit:", "project:", "label:")


def _template_table(rt: RecognizedTable, template: Table,
                    findings: list[Finding]) -> tuple[Table, set[tuple[str, str, str]]]:
    """A recognised table in its family's form: the template's columns, the rows printed
    (fixed rows and subject rows), and the cells the document does not print (unread).  A
    row printed twice under one key (a code printed for two subjects) is reported."""
    unread: set[tuple[str, str, str]] = set()
    tid = rt.id
    spec = template.spec
    # printed empty with its statement: exact zeros (not when it printed rows not placed)
    empty = bool(rt.statement) and not rt.rows and not rt.unplaced_rows
    # A row printed and not placed, or a row of a subject table whose name is no subject (kept
    # under its label): the table is not read whole, so no sum over its subject rows is checked.
    # (In a 总表 a row under its label is a fixed row of another wording — 事业收入资金,
    # 年终结转结余 — not a subject: its sums stay checked.)
    unnamed = spec.subjects is not None and spec.row_group == "label:" and not spec.two_sided and any(
        r.key.startswith("label:") for r in rt.rows)
    if rt.unplaced_rows or unnamed:
        unread.add((tid, ROWS_NOT_PLACED, "*"))
    present = {(c.side, c.key) for c in rt.columns if c.declared}
    for c in template.columns:
        if (c.side, c.key) not in present and ("", c.key) not in present and not empty:
            # A column the document does not print: every cell of it is unread.
            unread.add((tid, "*", c.key))
    rows: list[Row] = []
    by_key: dict[tuple[str, str], Row] = {}
    for r in rt.rows:
        side = r.side if spec.two_sided else ""
        if spec.panels:
            side = "personnel" if (r.code or r.key)[:3] in ("301", "303") or r.key == "personnel_total" else "public"
        cols = template.columns_for(side if spec.two_sided else "")
        values = dict(r.values)
        row = Row(r.key, r.label, tuple(values.get(c.key, BLANK) for c in cols), r.code, r.level, r.number, side)
        if (side, r.key) in by_key and r.key.startswith(_LISTED):
            # A row of a listing (a unit, a project, a purchase by item) printed again — under
            # another unit (广州's projects, 无锡's 政府采购 by unit): another row, not the same
            # one twice; no rule names it, the row's own sums are checked under its own key.
            n = 2
            while (side, f"{r.key}#{n}") in by_key:
                n += 1
            row = attrs.evolve(row, key=f"{r.key}#{n}")
        # A cell printed but unreadable is not read (its finding says why), never a blank zero.
        unread.update((tid, row.key, col) for col in r.unreadable)
        if (side, row.key) not in by_key:
            by_key[(side, row.key)] = row
        else:
            # Which of the two the key stands for cannot be told: neither is checked.
            unread.add((tid, r.key, "*"))
            findings.append(Finding(
                "reader.row", Severity.WARNING, Location(table=tid, row=r.key, label=r.label),
                f"第{r.page}页第{r.line}行：{rt.title}：{r.key} 再次出现（“{r.label}”），涉及 {r.key} 的规则未检查。",
                f"page {r.page}, row {r.line}: {rt.title}: {r.key} appears again ({r.label!r}); the rules on "
                f"{r.key} are not checked.", stated=r.label))
    fixed = [t for t in template.rows if t.code is None and t.values and "blank" not in t.key]
    if spec.two_sided or spec.panels or spec.subjects is None:
        # Fixed rows the document does not print are unread (not zero); padding rows stay blank.
        for t in template.rows:
            got = by_key.pop((t.side, t.key), None)
            loose = [k for k in by_key if k[1] in ("row", "total") or k[1].startswith("label:")]
            if got is None and len(fixed) == 1 and spec.subjects is None and len(loose) == 1:
                # A one-row table (三公): its one data row, whatever its label.  Several labelled
                # rows (广州 prints 三公 with its items as rows): which is which is not guessed.
                got = attrs.evolve(by_key.pop(loose[0]), key=t.key)
            if got is not None:
                rows.append(got)
            elif t.values:
                if (t in fixed or rt.unplaced_rows) and not empty:
                    # (a row not placed may be this one: not read, never a blank)
                    unread.add((tid, t.key, "*"))
                rows.append(attrs.evolve(t, values=(BLANK,) * len(t.values)))
        rows.extend(by_key.values())
    else:
        rows = list(by_key.values())
        if ("", "total") not in {(r.side, r.key) for r in rows}:
            if not empty:
                unread.add((tid, "total", "*"))
            rows.insert(0, Row("total", "合计", (BLANK,) * len(template.columns)))
    return attrs.evolve(template, rows=tuple(rows), unit=rt.unit), unread


def _department_row(rt: RecognizedTable, findings: list[Finding]) -> RecognizedTable:
    """In a table by unit (or project), the department's own row printed first, equal to the
    合计 in every column and followed by its units (湖州 收入总表), is their subtotal: keyed
    ``subtotal:`` so that it is not summed with them, and said."""
    total = next((r for r in rt.rows if r.key == "total"), None)
    groups = [r for r in rt.rows if r.key.startswith(rt.layout.group)]
    if total is None or len(groups) < 2 or groups[0].values != total.values:
        return rt
    first = groups[0]
    findings.append(Finding("reader.row", Severity.INFO, Location(table=rt.id, row=first.key, label=first.label),
                            f"第{first.page}页第{first.line}行：{rt.title}：“{first.label}”与合计行相同，其后为其下属单位，"
                            f"按小计读取（不与下属单位相加）。",
                            f"page {first.page}, row {first.line}: {rt.title}: {first.label!r} equals the 合计 row and "
                            f"its units follow; read as their subtotal (not added to them)."))
    renamed = attrs.evolve(first, key="subtotal:" + first.key.split(":", 1)[1])
    return attrs.evolve(rt, rows=tuple(renamed if r is first else r for r in rt.rows))


def _table_as_read(rt: RecognizedTable, table_id: str) -> Table:
    """A table laid out as the document prints it (a family without a derived template, or
    a table the template does not have): its columns are those recognised."""
    columns = tuple(ColumnSpec(c.key, c.header, None, (), c.side) for c in rt.columns)
    spec = TableSpec(table_id, rt.title, columns, two_sided=rt.layout.shape == "two_sided",
                     optional=rt.layout.optional)
    rows = []
    for r in rt.rows:
        cols = [c for c in columns if c.side == r.side] or [c for c in columns if not c.side]
        values = dict(r.values)
        rows.append(Row(r.key, r.label, tuple(values.get(c.key, BLANK) for c in cols), r.code, r.level, r.number, r.side))
    return Table(spec, columns, tuple(rows), rt.unit)


_PART_START = re.compile(r"^第[二三四]部分.*情况说明|(?:部门|单位|\d{4}年度?)(?:决算|预算)(?:安排)?情况说明$")
_PART_END = re.compile(r"^第[四五六]部分|^(?:[一二三四五六七八九十]+、)?(?:专业性?)?名词解释")


def _narrative_lines(pages: Sequence[Page]) -> list[tuple[int, int, str]]:
    """The running text of the 情况说明: from its part heading (the last one, the table of
    contents names it too) up to the next part.  A section heading (``十三、政府采购支出预算
    情况说明``) is no part heading."""
    lines = [(ln.page, ln.no, ln.text) for p in pages for ln in p.lines]
    def heading(i: int) -> int:
        """How many lines the part heading at ``i`` takes (0: none); 湖州 breaks it (…情况说 / 明)."""
        t = norm(lines[i][2])
        if re.match(r"^[一二三四五六七八九十]+、(?!\d{4}年)", t):
            return 0
        if _PART_START.search(t):
            return 1
        nxt = norm(lines[i + 1][2]) if i + 1 < len(lines) else ""
        return 2 if len(nxt) <= 4 and _PART_START.search(t + nxt) else 0

    starts = [i + n for i in range(len(lines)) if (n := heading(i))]
    if not starts:
        return []
    start = starts[-1]
    out = []
    for page, no, text in lines[start:]:
        if _PART_END.match(norm(text)):
            break
        out.append((page, no, text))
    return out


@in_wide_context
def published_from_pages(pages: Sequence[Page], *, source: str = "", edition: int | None = None) -> Published:
    """Read a document's pages into checker input (see the module docstring)."""
    from govbudget.textread import read_narrative

    year = _year(pages)
    if edition is None:
        edition = edition_for_year(year) if year else EDITIONS[-1]
    rec: Recognition = recognize(pages, source=source, edition=edition, year=year)
    if not any(p.lines or p.grids for p in pages):
        raise FormatError(f"{source}: no text layer (a scanned document?); nothing could be read")
    core = [t for t in rec.tables if not t.layout.optional]
    findings: list[Finding] = list(rec.findings)
    tables: dict[str, Table] = {}
    unread: set[tuple[str, str, str]] = set()
    statements: dict[str, str] = {}
    family_id = rec.family
    template = _templates(family_id or "final", edition)
    # Units named in the table of income by unit (收入总表): in a table of projects, a row
    # naming a unit is that unit's subtotal, not a project (广州 项目支出表).
    units = {norm(r.label) for rt in rec.tables for r in rt.rows if r.key.startswith("unit:")}
    for i, rt in enumerate(rec.tables):
        if rt.layout.group == "project:" and units:
            rows = tuple(attrs.evolve(r, key="unit:" + r.key.split(":", 1)[1])
                         if r.key.startswith("project:") and norm(r.label) in units else r for r in rt.rows)
            rec = attrs.evolve(rec, tables=(*rec.tables[:i], attrs.evolve(rt, rows=rows), *rec.tables[i + 1:]))
    extra: list[Finding] = []
    for i, rt in enumerate(rec.tables):
        if rt.layout.group in ("unit:", "project:"):
            rec = attrs.evolve(rec, tables=(*rec.tables[:i], _department_row(rt, extra), *rec.tables[i + 1:]))
    for rt in rec.tables:
        key = rt.id
        if rt.layout.family != family_id:
            continue
        if key in tables:
            # The same table printed twice (a unit's own table after the department's): kept apart.
            n = 2
            while f"{key}#{n}" in tables:
                n += 1
            key = f"{key}#{n}"
            findings.append(Finding("reader.table", Severity.INFO, Location(table=rt.id),
                                    f"第{rt.pages[0]}页：{rt.title} 再次出现，作为 {key} 另行读取（不参与规则）。",
                                    f"page {rt.pages[0]}: {rt.title} appears again; read apart as {key} (not checked)."))
        if key in template:
            table, cells = _template_table(rt, template[key], findings)
            unread |= cells
        else:
            table = _table_as_read(rt, key)
        tables[key] = table
        if rt.statement:
            statements[key] = rt.statement
    narrative = None
    text_lines = _narrative_lines(pages)
    if text_lines:
        numbered = [(i + 1, t) for i, (_, _, t) in enumerate(text_lines)]
        narrative, text_findings = read_narrative(numbered, family=family_id or "final", department=_department(pages),
                                                  year=year or 0, edition=edition, source=source)
        for f in text_findings:
            line = f.location.line
            if line and 0 < line <= len(text_lines):
                page, no, _ = text_lines[line - 1]
                f = attrs.evolve(f, message_zh=f"第{page}页第{no}行：{f.message_zh}",
                                 message_en=f"page {page}, line {no}: {f.message_en}")
            findings.append(f)
    if not core and narrative is None and not any(norm(t).endswith("情况说明") for _, _, t in text_lines):
        what = "、".join(dict.fromkeys(t.title for t in rec.tables)) or "无"
        raise NotADisclosureError(
            f"{source}: 不是部门预算或部门决算公开文件：未识别出公开表，也没有情况说明（识别到的表：{what}）。"
            f" / not a budget or final-accounts disclosure: no disclosure table and no explanatory text recognised.")
    if family_id == "final":
        for tid in sorted(set(template) - set(tables)):
            findings.append(Finding("reader.table", Severity.WARNING, Location(table=tid),
                                    f"未找到公开{tid}表（{template[tid].title}）；涉及该表的规则未检查。",
                                    f"table {tid} ({template[tid].title}) was not found; the rules that need it "
                                    f"were not applied."))
    findings.extend(extra)
    # Findings name a table as the family labels it (预算05表 for a budget, 公开05表 for 决算).
    labels = {tid: t.label for tid, t in tables.items()}
    findings = [attrs.evolve(f, location=attrs.evolve(f.location, table_label=labels[f.location.table]))
                if f.location.table in labels and f.location.table_label is None else f for f in findings]
    coverage = Coverage(rec.printed_tables, len(rec.tables), rec.numeric_cells, rec.placed_cells)
    return Published(_department(pages), year, edition, tables, narrative, statements, False, source, {},
                     tuple(findings), True, family_id or "final", frozenset(unread), coverage)


def amount_cells(pages: Sequence[Page]) -> int:
    """The money figures printed in the grids of a document (for the corpus report)."""
    from govbudget.recognize import _is_money

    return sum(1 for p in pages for g in p.grids for r in g.rows for c in r if _is_money(c))


def combine(parts: Sequence[Published]) -> Published:
    """Several documents of one disclosure read as one (``check a.pdf b.pdf --as-one``): the
    tables of all (a table printed in two documents: the first kept, the second reported),
    the 情况说明 of the part stating most figures, every reader finding, the coverage summed."""
    if not parts:
        raise FormatError("nothing to combine")
    first = parts[0]
    tables: dict[str, Table] = {}
    findings: list[Finding] = []
    statements: dict[str, str] = {}
    unread: set[tuple[str, str, str]] = set()
    with_tables = [p for p in parts if p.tables]
    family = with_tables[0].family if with_tables else first.family
    for p in parts:
        findings.extend(p.reader_findings)
        if p.tables and p.family != family:
            raise FormatError(f"{p.source}: a {p.family} disclosure cannot be read as one with a {family} one")
        for tid, t in p.tables.items():
            if tid in tables:
                findings.append(Finding("reader.table", Severity.WARNING, Location(table=tid),
                                        f"{p.source}：公开{tid}表 已在前一文件中，未再读取。",
                                        f"{p.source}: table {tid} is in an earlier document too; not read again."))
                continue
            tables[tid] = t
        for k, v in p.statements.items():
            statements.setdefault(k, v)
        unread |= p.unread
    # A table found in one part is no longer "not found": drop those findings of the others.
    # The 情况说明 is the part's that states most figures (a table of contents names it too).
    texts = [p.narrative for p in parts if p.narrative is not None]
    narrative = max(texts, key=lambda n: len(n.figures)) if texts else None
    findings = [f for f in findings
                if not (f.rule == "reader.table" and f.location.table in tables and "未找到" in f.message_zh)
                and not (narrative is not None and f.rule == "reader.text" and "未找到情况说明" in f.message_zh)]
    covs = [p.coverage for p in parts if p.coverage is not None]
    coverage = Coverage(*(sum(getattr(c, f) for c in covs) for f in
                          ("tables_printed", "tables_recognised", "numeric_cells", "cells_placed"))) if covs else None
    return Published(next((p.department for p in parts if p.department), ""),
                     next((p.fiscal_year for p in parts if p.fiscal_year), None), first.edition, tables, narrative,
                     statements, all(p.exact for p in parts), " + ".join(p.source for p in parts),
                     {k: v for p in parts for k, v in p.lines.items()}, tuple(findings),
                     all(p.has_statements for p in parts), family, frozenset(unread), coverage,
                     all(p.unstated for p in parts))
