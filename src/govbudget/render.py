"""Renderers of a :class:`~govbudget.tables.Disclosure`: text, Markdown, CSV and JSON.

Text and Markdown look like the published tables: 万元 with two decimals and thousands
separators, each cell rounded on its own (ROUND_HALF_UP), zero cells blank, 行次 and 栏次,
the note under each table and the statement under an empty one.  CSV (UTF-8 with BOM, so
that Excel opens it correctly) and JSON write every cell, zeros included, as strings; the
JSON form is lossless (exact 元 values beside the printed ones) and documented in
``docs/formats.md``.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from govbudget.classification import Level
from govbudget.errors import FormatError
from govbudget.money import Unit, display, format_amount, to_decimal
from govbudget.tables import (
    TABLE_CLASSES,
    Column,
    Disclosure,
    Row,
    Table,
    Table01,
    Table04,
    Table06,
    Table09,
)

__all__ = ["FORMATS", "disclosure_from_json", "render", "to_csv", "to_json", "to_markdown", "to_text"]

FORMATS = ("text", "markdown", "csv", "json")
JSON_SCHEMA = "govbudget/disclosure/1"


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
    """Header rows, body rows and numeric flags of a table, as printed."""
    if isinstance(table, (Table01, Table04)):
        inc_cols, exp_cols = table.columns_for("income"), table.columns_for("expenditure")
        inc = [r for r in table.rows if r.side == "income"]
        exp = [r for r in table.rows if r.side == "expenditure"]
        header = [
            ["项目", "行次", *(c.title for c in inc_cols), "项目", "行次", *(c.title for c in exp_cols)],
            ["栏次", "", *(str(c.number) for c in inc_cols), "栏次", "", *(str(c.number) for c in exp_cols)],
        ]
        body = []
        for i in range(max(len(inc), len(exp))):
            left = inc[i] if i < len(inc) else Row("", "")
            right = exp[i] if i < len(exp) else Row("", "")
            body.append([
                left.label, str(left.line or ""),
                *(_cell(table, v) for v in (left.values or (None,) * len(inc_cols))),
                right.label, str(right.line or ""),
                *(_cell(table, v) for v in (right.values or (None,) * len(exp_cols))),
            ])
        numeric = [False, True, *([True] * len(inc_cols)), False, True, *([True] * len(exp_cols))]
        return header, body, numeric
    if isinstance(table, Table06):
        panels: list[list[Row]] = [[], [], []]
        for r in table.rows:
            if r.key in ("personnel_total", "public_total"):
                continue
            if r.side == "personnel":
                panels[0].append(r)
            elif (r.code or "")[:3] == "302":
                panels[1].append(r)
            else:
                panels[2].append(r)
        header = [["科目代码", "科目名称", "决算数"] * 3]
        body = []
        for i in range(max(len(p) for p in panels)):
            line: list[str] = []
            for panel in panels:
                cell_row = panel[i] if i < len(panel) else None
                line += ([cell_row.code or "", cell_row.label, _cell(table, cell_row.values[0])]
                         if cell_row else ["", "", ""])
            body.append(line)
        body.append(["人员经费合计", "", _cell(table, table.personnel), "公用经费合计", "", "", "", "",
                     _cell(table, table.public)])
        return header, body, [False, False, True] * 3
    if isinstance(table, Table09):
        header = [[c.title for c in table.columns], [str(c.number) for c in table.columns]]
        body = [[_cell(table, v) for v in table.rows[0].values]] if not table.is_empty else []
        return header, body, [True] * len(table.columns)
    # functional tables 02, 03, 05, 07, 08
    header = [["科目代码", "科目名称", *(c.title for c in table.columns)],
              ["栏次", "", *(str(c.number) for c in table.columns)]]
    rows = table.rows if not table.is_empty else table.rows[:1]
    # The 合计 row prints its label in the code column, as the published tables do.
    body = [[r.code or r.label, r.label if r.code else "", *(_cell(table, v) for v in r.values)]
            for r in rows]
    return header, body, [False, False, *([True] * len(table.columns))]


def _heading(d: Disclosure, table: Table) -> list[str]:
    return [
        table.title,
        f"部门：{d.department}    {d.fiscal_year} 年度    {table.label}    金额单位：万元",
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
    out = [f"# {d.department} {d.fiscal_year} 年度部门决算", "", "## 第二部分 部门决算表", ""]
    for table in tables or d.tables.values():
        header, body, numeric = _table_grid(table)
        out += [f"### {table.label} {table.title}", "", f"部门：{d.department}　金额单位：万元", ""]
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
    and exact value (元).  Prefixed with a UTF-8 BOM when written by :func:`render`."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["table", "title", "row_key", "code", "level", "label", "line", "side", "column_key",
                "column", "column_number", "value_wan", "exact_yuan"])
    for table in tables or d.tables.values():
        for r in table.rows:
            if not r.values:
                continue
            side = r.side if r.side in ("income", "expenditure") else ""
            for c, v in zip(table.columns_for(side), r.values, strict=True):
                exact = str(v) if table.unit is Unit.YUAN else ""
                w.writerow([table.id, table.title, r.key, r.code or "", _row_level(r), r.label,
                            r.line or "", r.side, c.key, c.title, c.number or "",
                            f"{shown(table, v):.2f}", exact])
    return buf.getvalue()


def _table_json(table: Table) -> dict[str, Any]:
    rows = []
    for r in table.rows:
        side = r.side if r.side in ("income", "expenditure") else ""
        cols = table.columns_for(side) if r.values else ()  # padding rows have no cells
        rows.append({
            "key": r.key, "label": r.label, "code": r.code, "level": _row_level(r) or None,
            "line": r.line, "side": r.side,
            "cells": {c.title: f"{shown(table, v):.2f}" for c, v in zip(cols, r.values, strict=True)},
            "exact": {c.title: str(v) for c, v in zip(cols, r.values, strict=True)},
        })
    return {
        "id": table.id, "title": table.title, "label": table.label, "note": table.note,
        "statement": table.statement, "source_unit": table.unit.value,
        "columns": [{"key": c.key, "title": c.title, "number": c.number, "side": c.side}
                    for c in table.columns],
        "rows": rows,
    }


def to_json(d: Disclosure, tables: Iterable[Table] | None = None) -> str:
    """The disclosure as JSON (schema ``govbudget/disclosure/1``, see docs/formats.md)."""
    data = {
        "schema": JSON_SCHEMA, "department": d.department, "fiscal_year": d.fiscal_year,
        "edition": d.edition, "unit": "万元",
        "tables": [_table_json(t) for t in (tables or d.tables.values())],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def disclosure_from_json(text: str, *, source: str = "disclosure JSON") -> Disclosure:
    """Read back :func:`to_json` output (all nine tables) exactly, from the ``exact`` values."""
    from govbudget.io import load_json
    from govbudget.validate import check_disclosure_data

    try:
        data = load_json(text, source=source)  # bounded: size, depth, integer digits
        if not isinstance(data, dict) or data.get("schema") != JSON_SCHEMA:
            schema = data.get("schema") if isinstance(data, dict) else None
            raise FormatError(f"{source}: schema {schema!r}, expected {JSON_SCHEMA!r}")
        check_disclosure_data(data, source)  # strict keys and types; printed cells = exact
        by_id = {t["id"]: t for t in data["tables"]}
        tables: dict[str, Table] = {}
        for cls in TABLE_CLASSES:
            t = by_id.get(cls.id)
            if t is None:
                raise FormatError(f"{source}: table {cls.id} missing")
            columns = tuple(Column(c["key"], c["title"], c["number"], c["side"]) for c in t["columns"])
            rows = []
            for i, r in enumerate(t["rows"]):
                where = f"{source}: table {cls.id} row {i} ({r.get('key')})"
                values = tuple(to_decimal(v, where=where) for v in r["exact"].values())
                rows.append(Row(r["key"], r["label"], values, r["code"],
                                Level(r["level"]) if r["level"] else None, r["line"], r["side"]))
            tables[f"t{cls.id}"] = cls(columns, tuple(rows), Unit(t["source_unit"]))
        return Disclosure(data["department"], data["fiscal_year"], data["edition"], **tables)  # type: ignore[arg-type]
    except FormatError:
        raise
    except json.JSONDecodeError as exc:
        raise FormatError(f"{source}: line {exc.lineno}: {exc.msg}") from None
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise FormatError(f"{source}: wrong schema ({type(exc).__name__}: {exc})") from None


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
