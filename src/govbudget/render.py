"""Renderers of a :class:`~govbudget.tables.Disclosure`: text, Markdown, CSV and JSON.

Text and Markdown look like the published tables: 万元 with two decimals and thousands
separators, each cell rounded on its own (ROUND_HALF_UP), zero cells blank, 行次 and 栏次,
the note under each table and the statement under an empty one.  CSV (UTF-8 with BOM, so
that Excel opens it correctly) and JSON write every cell, zeros included, as strings; a
missing fact (``Table.missing``) is blank in every form and ``null`` in JSON.  The JSON form is lossless (exact 元 values beside the printed ones) and documented in
``docs/formats.md``.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal

from govbudget.errors import FormatError
from govbudget.layout import Head, grid
from govbudget.money import Unit, display, format_amount
from govbudget.tables import Disclosure, Row, Table

__all__ = ["FORMATS", "disclosure_from_json", "render", "to_csv", "to_json", "to_markdown", "to_text"]

FORMATS = ("text", "markdown", "csv", "json")


def shown(table: Table, value: Decimal) -> Decimal:
    """The printed figure of a cell: 万元, two decimals, ROUND_HALF_UP."""
    if table.unit is Unit.YUAN:
        return display(value)
    return value


def _cell(table: Table, value: Decimal | None, blank_zero: bool = True) -> str:
    if value is None:
        return ""
    # Only an exact zero is blank; a tiny amount prints 0.00 (so a blank is a true zero).
    if blank_zero and value == 0:
        return ""
    figure = shown(table, value)
    return format_amount(figure)


def _cells(table: Table, row: Row) -> list[str]:
    """The printed figures of a row; a missing fact (``Table.missing``) is blank, never 0."""
    return ["" if table.is_missing(row.key, c.key) else _cell(table, v)
            for c, v in zip(table.columns_of(row), row.values, strict=True)]


def cell_text(table: Table, row: Row, column_key: str, value: Decimal) -> str | None:
    """A cell as the JSON and CSV forms print it: 万元 with two decimals (zeros included);
    ``None`` for a missing fact.  The printed-cell check of a disclosure JSON compares with this."""
    if table.is_missing(row.key, column_key):
        return None
    return printed(value, table.unit)


def printed(value: Decimal, unit: Unit) -> str:
    """The printed figure of an exact value in ``unit``: 万元, two decimals, ROUND_HALF_UP."""
    # round_half_up for 万元 values too: f"{v:.2f}" alone would round half even (5.005 → 5.00).
    return format_amount(display(value) if unit is Unit.YUAN else value, thousands=False)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    fill = " " * max(0, width - _width(text))
    return fill + text if right else text + fill


def _grid(header: Sequence[Sequence[str]], body: Sequence[Sequence[str]], numeric: Sequence[bool]) -> list[str]:
    rows = [*header, *body]
    n = max(len(r) for r in rows)
    rows = [list(r) + [""] * (n - len(r)) for r in rows]
    widths = [max(_width(r[i]) for r in rows) for i in range(n)]
    out = []
    for r in rows:
        out.append("  ".join(_pad(c, widths[i], numeric[i] if i < len(numeric) else False)
                             for i, c in enumerate(r)).rstrip())
    return out


def _table_grid(table: Table) -> tuple[list[list[str]], list[list[str]], list[bool]]:
    """Header rows, body rows and numeric flags of a table as printed: the published layout
    (:func:`govbudget.layout.grid`, one arrangement of each shape) flattened to one title row
    (each column's lowest head, a grouped column by its whole title ``预算数·合计``) and the
    栏次 row."""
    g = grid(table)
    titled = g.header_rows if g.number_row is None else g.number_row
    lowest: list[Head | None] = [None] * g.width
    for h in sorted((h for h in g.heads if h.row < titled), key=lambda h: h.row):
        for j in range(h.col, min(h.col + h.colspan, g.width)):
            lowest[j] = h  # a lower head (a column under its group) wins
    header = [[h.full_title if h else "" for h in lowest]]
    if g.number_row is not None:
        numbers = [""] * g.width
        for h in g.heads:
            if h.row == g.number_row:
                numbers[h.col] = h.text
        header.append(numbers)
    body = [[_cell(table, c.value) if c.numeric else ("" if c.covered else c.text) for c in line] for line in g.body]
    return header, body, [bool(h and h.numeric) for h in lowest]


def _heading(d: Disclosure, table: Table) -> list[str]:
    return [
        table.title,
        f"部门：{d.department}    {d.fiscal_year} 年度    {table.label}    金额单位：{table.spec.unit.value}",
    ]


def to_text(d: Disclosure, tables: Iterable[Table] | None = None) -> str:
    """The tables as aligned text, laid out like the published ones."""
    out: list[str] = []
    for table in tables or d.tables.values():
        header, body, numeric = _table_grid(table)
        out += [*_heading(d, table), "", *_grid(header, body, numeric), "", table.note]
        if table.statement:
            out.append(table.statement)
        out.append("")
    return "\n".join(out)


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|")


def to_markdown(d: Disclosure, tables: Iterable[Table] | None = None) -> str:
    """The tables as Markdown, one section per table."""
    name = d.spec.name
    out = [f"# {d.department} {d.fiscal_year} 年度{name}", "", f"## 第二部分 {name}表", ""]
    for table in tables or d.tables.values():
        header, body, numeric = _table_grid(table)
        out += [f"### {table.label} {table.title}", "", f"部门：{d.department}　金额单位：{table.spec.unit.value}", ""]
        out.append("| " + " | ".join(_md_escape(h) for h in header[0]) + " |")
        out.append("| " + " | ".join("---:" if n else "---" for n in numeric[: len(header[0])]) + " |")
        for r in header[1:] + body:
            out.append("| " + " | ".join(_md_escape(c) for c in r) + " |")
        out += ["", table.note]
        if table.statement:
            out += ["", table.statement]
        out.append("")
    return "\n".join(out)


def _row_level(r: Row) -> str:
    return r.level.value if r.level else ""


def to_csv(d: Disclosure, tables: Iterable[Table] | None = None) -> str:
    """One cell per row: table, row key, code, label, 行次, side, column, 栏次, value (万元)
    and exact value (元), both blank for a missing fact.  Prefixed with a UTF-8 BOM when written by :func:`render`."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["table", "title", "row_key", "code", "level", "label", "line", "side", "column_key",
                "column", "column_number", "value_wan", "exact_yuan"])
    for table in tables or d.tables.values():
        for r in table.rows:
            if not r.values:
                continue
            for c, v in zip(table.columns_of(r), r.values, strict=True):
                text = cell_text(table, r, c.key, v)  # None: a missing fact, both fields blank
                exact = str(v) if table.unit is Unit.YUAN and text is not None else ""
                w.writerow([table.id, table.title, r.key, r.code or "", _row_level(r), r.label,
                            r.line or "", r.side, c.key, c.title, c.number or "",
                            text or "", exact])
    return buf.getvalue()


def to_json(d: Disclosure, tables: Iterable[Table] | None = None) -> str:
    """The disclosure as JSON (schema ``govbudget/disclosure/1``, see docs/formats.md)."""
    from govbudget.convert import dumps, unstructure

    if tables is None:
        return dumps(d)
    data = unstructure(d)
    data["tables"] = [unstructure(t) for t in tables]
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def disclosure_from_json(text: str, *, source: str = "disclosure JSON") -> Disclosure:
    """Read back :func:`to_json` output (all nine tables) exactly, from the ``exact`` values."""
    from govbudget.convert import loads

    return loads(text, Disclosure, source=source)


def render(d: Disclosure, fmt: str = "text", table_ids: Sequence[str] | None = None) -> str:
    """Render in ``fmt`` (text, markdown, csv, json), optionally only some tables."""
    tables = [d.table(t) for t in table_ids] if table_ids else None
    if fmt == "text":
        return to_text(d, tables)
    if fmt == "markdown":
        return to_markdown(d, tables)
    if fmt == "csv":
        return "\ufeff" + to_csv(d, tables)
    if fmt == "json":
        return to_json(d, tables)
    raise FormatError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
