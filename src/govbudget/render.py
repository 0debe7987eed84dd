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


#: The label columns every table prints before its amounts (the chrome of a printed table).
_ITEM, _LINE, _NUMBER, _CODE, _NAME = "项目", "行次", "栏次", "科目代码", "科目名称"


def _table_grid(table: Table) -> tuple[list[list[str]], list[list[str]], list[bool]]:
    """Header rows, body rows and numeric flags of a table, as printed (shape from its spec)."""
    spec = table.spec
    if spec.two_sided:
        return _two_sided_grid(table)
    if spec.panels:
        return _panel_grid(table)
    if spec.subjects is None and len(table.rows) > 1:  # rows named by their label (收入总表 by unit)
        header = [[_ITEM, *(c.title for c in table.columns)], [_NUMBER, *(str(c.number) for c in table.columns)]]
        body = [[r.label, *_cells(table, r)] for r in table.rows]
        return header, body, [False, *([True] * len(table.columns))]
    if spec.subjects is None:  # fixed rows only (公开09): the 栏次 header and the data row
        header = [[c.title for c in table.columns], [str(c.number) for c in table.columns]]
        body = [_cells(table, r) for r in table.rows] if not table.is_empty else []
        return header, body, [True] * len(table.columns)
    header = [[_CODE, _NAME, *(c.title for c in table.columns)],
              [_NUMBER, "", *(str(c.number) for c in table.columns)]]
    rows = table.rows if not table.is_empty else tuple(r for r in table.rows if not r.code)
    # The 合计 row prints its label in the code column, as the published tables do.
    body = [[r.code or r.label, r.label if r.code else "", *_cells(table, r)]
            for r in rows]
    return header, body, [False, False, *([True] * len(table.columns))]


def _two_sided_grid(table: Table) -> tuple[list[list[str]], list[list[str]], list[bool]]:
    sides = table.spec.sides
    cols = [table.columns_for(side) for side in sides]
    by_side = [[r for r in table.rows if r.side == side] for side in sides]
    header: list[list[str]] = [[], []]
    numeric: list[bool] = []
    for side_cols in cols:
        header[0] += [_ITEM, _LINE, *(c.title for c in side_cols)]
        header[1] += [_NUMBER, "", *(str(c.number) for c in side_cols)]
        numeric += [False, True, *([True] * len(side_cols))]
    body = []
    for i in range(max(len(rows) for rows in by_side)):
        line: list[str] = []
        for rows, side_cols in zip(by_side, cols, strict=True):
            row = rows[i] if i < len(rows) else Row("", "")
            line += [row.label, str(row.line or ""),
                     *(_cells(table, row) if row.values else [""] * len(side_cols))]
        body.append(line)
    return header, body, numeric


def _panel_grid(table: Table) -> tuple[list[list[str]], list[list[str]], list[bool]]:
    """Panels side by side, each in one or more column groups (``PanelSpec.break_before``)."""
    spec = table.spec
    groups, first_group = table.panel_groups()
    width = len(table.columns)
    header = [[_CODE, _NAME, *(c.title for c in table.columns)] * len(groups)]
    body = []
    for i in range(max((len(g) for g in groups), default=0)):
        line: list[str] = []
        for g in groups:
            got = g[i] if i < len(g) else None
            line += [got.code or "", got.label, *_cells(table, got)] if got else [""] * (2 + width)
        body.append(line)
    # Each panel's total rows: the label under its first group, the figures under its last.
    totals = [""] * ((2 + width) * len(groups))
    for n, panel in enumerate(spec.panels):
        last = (first_group[spec.panels[n + 1].key] if n + 1 < len(spec.panels) else len(groups)) - 1
        for r in table.rows:
            if r.side == panel.key and not r.code:
                totals[(2 + width) * first_group[panel.key]] = r.label
                for j, text in enumerate(_cells(table, r)):
                    totals[(2 + width) * last + 2 + j] = text
    body.append(totals)
    return header, body, [False, False, *([True] * width)] * len(groups)


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
