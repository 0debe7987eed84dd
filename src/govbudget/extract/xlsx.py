"""XLSX extraction with openpyxl (the optional extra ``govbudget[excel]``).

Each worksheet is a :class:`~govbudget.extract.Page` (``name`` = the sheet name, ``number`` its
position).  Cell values are the values cached by the program that last saved the workbook
(``data_only``): a formula is never evaluated here, and a formula cell without a cached value
is reported as a :class:`~govbudget.extract.Problem` naming sheet and cell.  Merged ranges are
spans, their value in the top-left cell.

A sheet is cut like a text block (see :mod:`govbudget.extract.text`): a run of rows with two or
more filled cells is a table, single-cell rows inside the run (and rows under a merged range
of the table) are kept as its rows, and single-cell rows around it (the title, the unit line,
the note) are running text.  A blank row ends a table.  The table's columns are trimmed to the
filled ones.  Row and line numbers are sheet rows.

Numbers: openpyxl returns the stored number as a binary float; its shortest round-trip form
(``repr``) is the decimal text stored in the file, and that text is what the cell holds —
written out without exponent, never rounded, never formatted (``1234.5`` stays ``1234.5``;
the 万元/元 unit and the decimals printed are the reader's concern).  Dates become ISO text.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import zipfile
from decimal import Decimal
from io import BytesIO
from typing import Any

from govbudget.errors import ExtractError, MissingExtraError
from govbudget.extract.model import (
    LIMIT_ENV,
    Document,
    ExtractedTable,
    Limits,
    Page,
    Problem,
    Span,
    TableRow,
    TextLine,
    over_limit,
    resolve_limits,
)
from govbudget.extract.text import _read
from govbudget.extract.text_utils import clean_cell, clean_line

# A workbook is a zip: its members may inflate far beyond the file size (a zip bomb).
_INFLATION = 50


def _openpyxl(label: str) -> Any:
    try:
        # imported by name: openpyxl ships no type information
        return importlib.import_module("openpyxl")
    except ImportError as exc:
        raise MissingExtraError("excel", "openpyxl", "XLSX workbooks", source=label) from exc


def extract_xlsx(
    source: str | os.PathLike[str] | bytes,
    *,
    name: str | None = None,
    limits: Limits | None = None,
) -> Document:
    """Extract an XLSX workbook (its path or bytes) into a :class:`~govbudget.extract.Document`.

    Raises :class:`~govbudget.errors.ExtractError` for a file that is no readable workbook and
    :class:`~govbudget.errors.MissingExtraError` without openpyxl.
    """
    limits = resolve_limits(limits)
    label, data = _read(source, name, limits)
    openpyxl = _openpyxl(label)
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ExtractError(label, f"is not an XLSX workbook (not a zip archive: {exc})") from exc
    budget = None if limits.max_bytes is None else limits.max_bytes * _INFLATION
    if budget is not None and inflated > budget:
        raise over_limit(label, f"inflates to {inflated} bytes, over the limit of {budget} "
                         f"({_INFLATION} × max_bytes)", "max_bytes")
    try:
        values = openpyxl.load_workbook(BytesIO(data), data_only=True)
        formulas = openpyxl.load_workbook(BytesIO(data), data_only=False)
    except Exception as exc:  # openpyxl raises KeyError, ValueError, XML errors … for broken files
        raise ExtractError(
            label, f"is not a readable XLSX workbook: {type(exc).__name__}: {exc}"[:300]
        ) from exc
    pages: list[Page] = []
    tables: list[ExtractedTable] = []
    lines: list[TextLine] = []
    problems: list[Problem] = []
    for number, sheet in enumerate(values.worksheets, start=1):
        if limits.max_pages is not None and number > limits.max_pages:
            problems.append(
                Problem(
                    f"sheets from {sheet.title!r} on not read: over the limit of {limits.max_pages} "
                    f"(max_pages, {LIMIT_ENV['max_pages']})",
                    number,
                )
            )
            break
        pages.append(Page(number, name=sheet.title))
        grid = _values(sheet, number, formulas[sheet.title], problems)
        t, ln = _cut(grid, _merged(sheet), number)
        tables.extend(t)
        lines.extend(ln)
    return Document(label, "xlsx", tuple(pages), tuple(tables), tuple(lines), tuple(problems))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # repr is the shortest text that reads back as this float: the decimal text stored in
        # the file; Decimal of that text, written without exponent, is the same number.
        return format(Decimal(repr(value)), "f")
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return clean_cell(str(value))


def _values(
    sheet: Any, page: int, formulas: Any, problems: list[Problem]
) -> dict[tuple[int, int], str]:
    """The non-empty cells of ``sheet`` as text, by (row, column), 1-based."""
    out: dict[tuple[int, int], str] = {}
    for cell in _stored(sheet):
        text = _text(cell.value)
        if text:
            out[(cell.row, cell.column)] = text
    for cell in _stored(formulas):
        value = cell.value
        if isinstance(value, str) and value.startswith("=") and (cell.row, cell.column) not in out:
            problems.append(
                Problem(
                    f"sheet {sheet.title!r}, cell {cell.coordinate}: a formula without a cached "
                    "value (never calculated): not read; open and save the workbook in a "
                    "spreadsheet program",
                    page,
                )
            )
    return out


def _stored(sheet: Any) -> list[Any]:
    """The cells the file stores, in row order.

    ``iter_rows()`` walks the whole rectangle up to the farthest stored cell: one stray cell at
    XFD1048576 would make it create 17 billion cells.  The worksheet's cell map holds only the
    stored ones (``_cells``: private, but openpyxl's storage since its first releases).
    """
    cells = getattr(sheet, "_cells", None)
    if isinstance(cells, dict):
        return [cells[key] for key in sorted(cells)]
    return [cell for row in sheet.iter_rows() for cell in row]


def _merged(sheet: Any) -> list[tuple[int, int, int, int]]:
    """Merged ranges as (min_row, min_col, max_row, max_col), 1-based inclusive."""
    return [(r.min_row, r.min_col, r.max_row, r.max_col) for r in sheet.merged_cells.ranges]


def _cut(
    grid: dict[tuple[int, int], str], merged: list[tuple[int, int, int, int]], page: int
) -> tuple[list[ExtractedTable], list[TextLine]]:
    if not grid:
        return [], []
    by_row: dict[int, list[int]] = {}
    for r, c in grid:
        by_row.setdefault(r, []).append(c)
    under_merge: set[int] = set()
    for r0, _, r1, _ in merged:
        if r1 > r0:
            under_merge.update(range(r0, r1 + 1))
    last = max(by_row)
    tables: list[ExtractedTable] = []
    lines: list[TextLine] = []
    r = 1
    while r <= last:
        if len(by_row.get(r, ())) >= 2 or (r in under_merge and r in by_row):
            end = r
            j = r
            while j <= last and (j in by_row or j in under_merge):
                if len(by_row.get(j, ())) >= 2 or j in under_merge:
                    end = j
                j += 1
            tables.append(_table(grid, merged, by_row, r, end, page))
            r = end + 1
            continue
        for c in sorted(by_row.get(r, ())):
            lines.append(TextLine(page, r, clean_line(grid[(r, c)])))
        r += 1
    return tables, lines


def _table(
    grid: dict[tuple[int, int], str],
    merged: list[tuple[int, int, int, int]],
    by_row: dict[int, list[int]],
    first: int,
    last: int,
    page: int,
) -> ExtractedTable:
    cols = [c for r in range(first, last + 1) for c in by_row.get(r, ())]
    c0, c1 = min(cols), max(cols)
    spans: list[Span] = []
    for r0, m0, r1, m1 in merged:
        if r0 <= last and r1 >= first and m0 <= c1 and m1 >= c0 and (r1 > r0 or m1 > m0):
            top, left = max(r0, first), max(m0, c0)
            spans.append(
                Span(top - first, left - c0, min(r1, last) - top + 1, min(m1, c1) - left + 1)
            )
    rows = tuple(
        TableRow(tuple(grid.get((r, c), "") for c in range(c0, c1 + 1)), page, r - first, line=r)
        for r in range(first, last + 1)
    )
    spans.sort(key=lambda s: (s.row, s.column))
    return ExtractedTable(rows=rows, page=page, strategy="xlsx", spans=tuple(spans))
