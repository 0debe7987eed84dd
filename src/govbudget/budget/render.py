"""Rendering of the budget tables: text and Markdown laid out like the published tables
(万元, two decimals, each cell rounded on its own, zero cells blank), CSV and JSON (every
cell, exact 元 beside the printed 万元).  The cell formatting and the grid are those of
:mod:`govbudget.render`; only the layout of the budget's two-sided and one-row tables is here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from govbudget.budget.tables import BudgetDisclosure, BudgetTable
from govbudget.errors import FormatError
from govbudget.render import _cell, _grid, _md_escape, shown
from govbudget.render import to_csv as _cells_csv
from govbudget.tables import Row

__all__ = ["FORMATS", "render"]

FORMATS = ("text", "markdown", "csv", "json")
JSON_SCHEMA = "govbudget/budget-disclosure/1"


def _grid_of(table: BudgetTable) -> tuple[list[list[str]], list[list[str]], list[bool]]:
    """Header rows, body rows and numeric flags of a budget table, as printed."""
    if table.spec.two_sided:
        inc_cols, exp_cols = table.columns_for("income"), table.columns_for("expenditure")
        inc = [r for r in table.rows if r.side == "income"]
        exp = [r for r in table.rows if r.side == "expenditure"]
        header = [["收入项目", *(c.title for c in inc_cols), "支出项目", *(c.title for c in exp_cols)]]
        body = []
        for i in range(max(len(inc), len(exp))):
            left = inc[i] if i < len(inc) else Row("", "")
            right = exp[i] if i < len(exp) else Row("", "")
            body.append([left.label, *(_cell(table, v) for v in (left.values or (None,) * len(inc_cols))),
                         right.label, *(_cell(table, v) for v in (right.values or (None,) * len(exp_cols)))])
        return header, body, [False, *([True] * len(inc_cols)), False, *([True] * len(exp_cols))]
    if not table.spec.subjects or table.spec.subjects in ("unit", "project"):
        header = [["项目", *(c.title for c in table.columns)]]
        body = [[r.label, *(_cell(table, v) for v in r.values)] for r in table.rows]
        return header, body, [False, *([True] * len(table.columns))]
    header = [["科目编码", "科目名称", *(c.title for c in table.columns)]]
    rows = table.rows if not table.is_empty else table.rows[:1]
    body = [[r.code or r.label, r.label if r.code else "", *(_cell(table, v) for v in r.values)] for r in rows]
    return header, body, [False, False, *([True] * len(table.columns))]


def _selected(d: BudgetDisclosure, tables: Iterable[BudgetTable] | None) -> list[BudgetTable]:
    return list(tables) if tables is not None else list(d.tables.values())


def to_text(d: BudgetDisclosure, tables: Iterable[BudgetTable] | None = None) -> str:
    """The tables as aligned text, laid out like the published ones."""
    out: list[str] = []
    for table in _selected(d, tables):
        header, body, numeric = _grid_of(table)
        out += [table.title, f"单位名称：{d.department}    {d.fiscal_year} 年    {table.label}    单位：万元", "",
                *_grid(header, body, numeric), "", table.note]
        if table.statement:
            out.append(table.statement)
        out.append("")
    return "\n".join(out)


def to_markdown(d: BudgetDisclosure, tables: Iterable[BudgetTable] | None = None) -> str:
    """The tables as Markdown, one section per table."""
    out = [f"# {d.department} {d.fiscal_year} 年部门预算", "", "## 部门预算表", ""]
    for table in _selected(d, tables):
        header, body, numeric = _grid_of(table)
        out += [f"### {table.label} {table.title}", "", f"单位名称：{d.department}　单位：万元", ""]
        out.append("| " + " | ".join(_md_escape(h) for h in header[0]) + " |")
        out.append("| " + " | ".join("---:" if n else "---" for n in numeric[: len(header[0])]) + " |")
        for r in body:
            out.append("| " + " | ".join(_md_escape(c) for c in r) + " |")
        out += ["", table.note]
        if table.statement:
            out += ["", table.statement]
        out.append("")
    return "\n".join(out)


def _table_json(table: BudgetTable) -> dict[str, Any]:
    rows = []
    for r in table.rows:
        cols = table.columns_for(r.side if r.side in ("income", "expenditure") else "")
        rows.append({
            "key": r.key, "label": r.label, "code": r.code, "level": r.level.value if r.level else None,
            "side": r.side,
            "cells": {c.key: f"{shown(table, v):.2f}" for c, v in zip(cols, r.values, strict=True)},
            "exact": {c.key: str(v) for c, v in zip(cols, r.values, strict=True)},
        })
    return {"id": table.id, "title": table.title, "label": table.label, "note": table.note,
            "statement": table.statement,
            "columns": [{"key": c.key, "title": c.title, "number": c.number, "side": c.side} for c in table.columns],
            "rows": rows}


def to_json(d: BudgetDisclosure, tables: Iterable[BudgetTable] | None = None) -> str:
    """The budget disclosure as JSON (schema ``govbudget/budget-disclosure/1``)."""
    data = {"schema": JSON_SCHEMA, "family": d.family, "department": d.department,
            "fiscal_year": d.fiscal_year, "edition": d.edition, "unit": "万元",
            "tables": [_table_json(t) for t in _selected(d, tables)]}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def render(d: BudgetDisclosure, fmt: str = "text", table_ids: Sequence[str] | None = None) -> str:
    """Render in ``fmt`` (text, markdown, csv, json), optionally only some tables."""
    tables = [d.table(t) for t in table_ids] if table_ids else None
    if fmt == "text":
        return to_text(d, tables)
    if fmt == "markdown":
        return to_markdown(d, tables)
    if fmt == "csv":
        # The cell CSV of govbudget.render needs only the tables.
        return "\ufeff" + _cells_csv(None, tables or list(d.tables.values()))  # type: ignore[arg-type]
    if fmt == "json":
        return to_json(d, tables)
    raise FormatError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
