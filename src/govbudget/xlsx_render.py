"""The tables as an Excel workbook in the published layout (``--format xlsx``).

One sheet per table (``公开01表`` …): the title, the 部门/年度/金额单位 line, merged header
cells (:mod:`govbudget.layout`), 行次 and 栏次, figures in 万元 as numbers with the format
``#,##0.00`` (each cell rounded on its own, ROUND_HALF_UP; nothing is blank, a zero is a
blank), and the note (and the statement of an empty table) under it.  Each sheet is set up
for A4 (landscape when wide), fitted to the page width, with the header rows repeated on
every printed page (print titles).  A ``情况说明`` sheet holds the explanatory text, and for
``check`` a ``审核结果`` sheet lists the findings, each linked to the cell it concerns, which
is filled in the finding's colour and carries the explanation as a comment.

Figures are written as ``Decimal`` (openpyxl stores their text in the file): no float is made.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from govbudget.layout import Grid, grid
from govbudget.narrative import Narrative
from govbudget.published import Finding, Severity
from govbudget.render import shown
from govbudget.tables import Table

__all__ = ["FILLS", "NUMBER_FORMAT", "build_workbook", "cell_ref", "write_xlsx"]

NUMBER_FORMAT = "#,##0.00"
#: Fill colours of findings by severity (error red, warning amber, info blue).
FILLS = {Severity.ERROR: "FFC7CE", Severity.WARNING: "FFEB9C", Severity.INFO: "DDEBF7"}
NARRATIVE_SHEET = "情况说明"
CHECK_SHEET = "审核结果"
#: Rows above the header block: title, label, 部门/单位 line.
TOP = 3


def _openpyxl() -> Any:
    from govbudget.workbook import _openpyxl as load

    return load()


def cell_ref(g: Grid, body_row: int, col: int) -> tuple[int, int]:
    """The sheet (row, column), 1-based, of a body cell of a grid."""
    return TOP + g.header_rows + body_row + 1, col + 1


def _table_sheet(openpyxl: Any, wb: Any, department: str, fiscal_year: int | None, table: Table) -> tuple[Any, Grid]:
    st = openpyxl.styles
    g = grid(table)
    ws = wb.create_sheet(table.label)
    thin = st.Side(style="thin", color="000000")
    border = st.Border(left=thin, right=thin, top=thin, bottom=thin)
    center = st.Alignment(horizontal="center", vertical="center", wrap_text=True)
    width = g.width
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(1, 1, table.title).font = st.Font(bold=True, size=16)
    ws.cell(1, 1).alignment = center
    ws.cell(2, width, table.label).alignment = st.Alignment(horizontal="right")
    ws.cell(3, 1, f"部门：{department}")
    if fiscal_year:
        ws.cell(3, max(2, width // 2), f"{fiscal_year}年度")
    ws.cell(3, width, f"金额单位：{table.spec.unit.value}").alignment = st.Alignment(horizontal="right")
    for h in g.heads:
        r, c = TOP + h.row + 1, h.col + 1
        for rr in range(r, r + h.rowspan):
            for cc in range(c, c + h.colspan):
                ws.cell(rr, cc).border = border
        if h.rowspan > 1 or h.colspan > 1:
            ws.merge_cells(start_row=r, start_column=c, end_row=r + h.rowspan - 1, end_column=c + h.colspan - 1)
        cell = ws.cell(r, c, h.text)
        cell.alignment = center
        cell.font = st.Font(bold=True)
        cell.fill = st.PatternFill("solid", fgColor="F2F2F2")
    for i, line in enumerate(g.body):
        for j, item in enumerate(line):
            r, col = cell_ref(g, i, j)
            cell = ws.cell(r, col)
            cell.border = border
            if item.numeric:
                cell.number_format = NUMBER_FORMAT
                # Only an exact zero is blank; a tiny amount prints 0.00.
                if item.value is not None and item.value != 0:
                    cell.value = shown(table, item.value)
            elif item.text:
                cell.value = item.text
                if item.colspan > 1:
                    ws.merge_cells(start_row=r, start_column=col, end_row=r, end_column=col + item.colspan - 1)
                if item.text.isdigit():
                    cell.number_format = "@"
                    cell.alignment = st.Alignment(horizontal="center")
    last = TOP + g.header_rows + len(g.body)
    ws.cell(last + 2, 1, table.note)
    if table.statement:
        ws.cell(last + 3, 1, table.statement)
    for j in range(g.width):
        numeric = any(line[j].numeric for line in g.body) if g.body else True
        label = any(len(line[j].text) > 8 for line in g.body)
        ws.column_dimensions[openpyxl.utils.get_column_letter(j + 1)].width = 16 if numeric else (34 if label else 10)
    ws.print_title_rows = f"{TOP + 1}:{TOP + g.header_rows}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if g.width > 6 else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.freeze_panes = ws.cell(TOP + g.header_rows + 1, 1)
    return ws, g


def _narrative_sheet(openpyxl: Any, wb: Any, n: Narrative) -> tuple[Any, dict[str, int], dict[str, int]]:
    """The 情况说明 sheet: a row per heading and paragraph; returns the row of each figure
    and of each section's heading."""
    ws = wb.create_sheet(NARRATIVE_SHEET)
    ws.column_dimensions["A"].width = 110
    wrap = openpyxl.styles.Alignment(wrap_text=True, vertical="top")
    bold = openpyxl.styles.Font(bold=True)
    ws.cell(1, 1, f"第三部分 {n.fiscal_year} 年度部门决算情况说明").font = openpyxl.styles.Font(bold=True, size=14)
    rows: dict[str, int] = {}
    sections: dict[str, int] = {}
    row = 2
    for section in n.walk():
        ws.cell(row, 1, section.heading).font = bold
        sections.setdefault(section.id, row)
        row += 1
        for p in section.paragraphs:
            ws.cell(row, 1, p.text).alignment = wrap
            for sentence in p.sentences:
                for f in sentence.figures:
                    rows.setdefault(f.key, row)
            row += 1
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return ws, rows, sections


def _check_sheet(openpyxl: Any, wb: Any, findings: Sequence[Finding],
                 placed: Mapping[int, tuple[str, str]]) -> Any:
    st = openpyxl.styles
    ws = wb.create_sheet(CHECK_SHEET, 0)
    heads = ("级别", "规则", "位置", "单元格", "列报数", "应为", "说明", "Explanation")
    widths = (8, 28, 34, 14, 14, 22, 60, 60)
    for j, (h, w) in enumerate(zip(heads, widths, strict=True), 1):
        c = ws.cell(1, j, h)
        c.font = st.Font(bold=True)
        c.fill = st.PatternFill("solid", fgColor="F2F2F2")
        ws.column_dimensions[openpyxl.utils.get_column_letter(j)].width = w
    wrap = st.Alignment(wrap_text=True, vertical="top")
    for i, f in enumerate(findings, 2):
        values = (f.severity.value, f.rule, str(f.location), "", f.stated, f.expected, f.message_zh, f.message_en)
        for j, v in enumerate(values, 1):
            c = ws.cell(i, j, v)
            c.alignment = wrap
        ws.cell(i, 1).fill = st.PatternFill("solid", fgColor=FILLS[f.severity])
        if i - 2 in placed:
            sheet, ref = placed[i - 2]
            link = ws.cell(i, 4, f"{sheet}!{ref}")
            link.hyperlink = openpyxl.worksheet.hyperlink.Hyperlink(ref=link.coordinate, location=f"'{sheet}'!{ref}")
            link.font = st.Font(color="0563C1", underline="single")
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return ws


def build_workbook(department: str, fiscal_year: int | None, tables: Iterable[Table], *,
                   narrative: Narrative | None = None, findings: Sequence[Finding] | None = None) -> Any:
    """The workbook: a sheet per table, then 情况说明; with ``findings`` a 审核结果 sheet first,
    each finding linked to (and marked on) its cell."""
    openpyxl = _openpyxl()
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    grids: dict[str, tuple[Any, Grid]] = {}
    for t in tables:
        grids[t.id] = _table_sheet(openpyxl, wb, department, fiscal_year, t)
    text_sheet, text_rows, section_rows = (_narrative_sheet(openpyxl, wb, narrative) if narrative
                                           else (None, {}, {}))
    if findings is not None:
        placed: dict[int, tuple[str, str]] = {}
        for k, f in enumerate(findings):
            loc = f.location
            if loc.table in grids:
                ws, g = grids[loc.table]
                at = g.find(loc.row, loc.column) if loc.row else None
                # A finding about the whole table (or a cell not shown) is linked to its title.
                r, c = cell_ref(g, *at) if at is not None else (1, 1)
            elif loc.key in text_rows:
                ws, r, c = text_sheet, text_rows[loc.key], 1
            elif loc.section in section_rows:
                ws, r, c = text_sheet, section_rows[loc.section], 1
            else:
                continue
            cell = ws.cell(r, c)
            if cell.fill.fgColor.rgb != "00" + FILLS[Severity.ERROR]:  # an error's red is never covered
                cell.fill = openpyxl.styles.PatternFill("solid", fgColor=FILLS[f.severity])
            note = f"[{f.severity.value}] {f.rule}: {f.message_zh}"
            old = cell.comment.text + "\n" if cell.comment else ""
            cell.comment = openpyxl.comments.Comment(old + note, "govbudget", width=320, height=160)
            placed[k] = (ws.title, cell.coordinate)
        _check_sheet(openpyxl, wb, findings, placed)
    return wb


def write_xlsx(path: str | Path, department: str, fiscal_year: int | None, tables: Iterable[Table], *,
               narrative: Narrative | None = None, findings: Sequence[Finding] | None = None,
               overwrite: bool = True) -> None:
    """Write :func:`build_workbook` to ``path`` (through a temporary file, then renamed)."""
    from govbudget.workbook import save_workbook

    wb = build_workbook(department, fiscal_year, tables, narrative=narrative, findings=findings)
    save_workbook(wb, path, overwrite=overwrite)
