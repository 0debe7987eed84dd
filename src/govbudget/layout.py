"""The published layout of a table as a grid (版式): header cells with their spans, and body
cells that know which (row, column) of the table they show.

The Excel (:mod:`govbudget.xlsx_render`) and web page (:mod:`govbudget.html_render`) forms
are drawn from the same :class:`Grid`, so a finding located at (table, row, column) is found
at the same place in both, and merged header cells are declared once.

Header rows: a title row (a column title ``预算数·合计`` is shown under a merged ``预算数``
group), and the 栏次 row.  Body cells hold the table's own values (exact 元 for a derived
table, 万元 as printed for a read one); presentation rounds them.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import attrs

from govbudget.tables import Column, Row, Table

__all__ = ["Cell", "Grid", "Head", "grid"]


@attrs.frozen
class Head:
    """A header cell at (``row``, ``col``) of the header block, spanning ``rowspan`` ×
    ``colspan`` cells."""

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


@attrs.frozen
class Cell:
    """A body cell: ``text`` for labels, codes and 行次; ``value`` for figures, with the
    ``row_key`` and ``column_key`` of the table cell it shows."""

    text: str = ""
    value: Decimal | None = None
    row_key: str | None = None
    column_key: str | None = None
    side: str = ""
    #: Cells this one spans to its right (the 合计 label over 科目代码 and 科目名称).
    colspan: int = 1
    #: True for a cell covered by the span of one to its left (kept so that positions hold).
    covered: bool = False

    @property
    def numeric(self) -> bool:
        """True for a figure cell."""
        return self.column_key is not None


@attrs.frozen
class Grid:
    """A table as printed: ``heads`` over ``header_rows`` rows, then ``body`` rows of
    ``width`` cells."""

    table: Table
    width: int
    header_rows: int
    heads: tuple[Head, ...]
    body: tuple[tuple[Cell, ...], ...]

    def find(self, row_key: str | None, column_key: str | None, side: str | None = None) -> tuple[int, int] | None:
        """(body row, column) of the cell showing (row, column); ``None`` if not shown.
        The column is named by key or by printed title (as a finding's location names it);
        without a column, the first figure of the row."""
        keys = {c.key for c in self.table.columns if column_key in (c.key, c.title)}
        for i, line in enumerate(self.body):
            for j, c in enumerate(line):
                if c.row_key == row_key and c.numeric and (column_key is None or c.column_key in keys) \
                        and (side is None or not c.side or c.side == side):
                    return i, j
        return None


def _value_heads(columns: Sequence[Column], first_col: int, title_row: int) -> list[Head]:
    """Title heads of value columns; ``A·B`` titles get a merged group head ``A``."""
    heads: list[Head] = []
    j = 0
    while j < len(columns):
        group, dot, _ = columns[j].title.partition("·")
        if dot:
            k = j
            while k < len(columns) and columns[k].title.partition("·")[0] == group and "·" in columns[k].title:
                heads.append(Head(columns[k].title.partition("·")[2], title_row + 1, first_col + k))
                k += 1
            heads.append(Head(group, title_row, first_col + j, colspan=k - j))
            j = k
        else:
            heads.append(Head(columns[j].title, title_row, first_col + j, rowspan=2))
            j += 1
    return heads


def _numbers(columns: Sequence[Column], first_col: int, row: int) -> list[Head]:
    return [Head(str(c.number or ""), row, first_col + j) for j, c in enumerate(columns)]


def _values(row: Row | None, columns: Sequence[Column], side: str = "") -> list[Cell]:
    if row is None or not row.values:
        return [Cell() for _ in columns]
    return [Cell(value=v, row_key=row.key, column_key=c.key, side=side)
            for c, v in zip(columns, row.values, strict=True)]


def _two_sided(table: Table) -> Grid:
    inc_cols, exp_cols = table.columns_for("income"), table.columns_for("expenditure")
    inc = [r for r in table.rows if r.side == "income"]
    exp = [r for r in table.rows if r.side == "expenditure"]
    ni, ne = 2 + len(inc_cols), 2 + len(exp_cols)
    heads = [Head("收入", 0, 0, colspan=ni), Head("支出", 0, ni, colspan=ne),
             Head("项目", 1, 0, rowspan=2), Head("行次", 1, 1, rowspan=2),
             Head("项目", 1, ni, rowspan=2), Head("行次", 1, ni + 1, rowspan=2)]
    heads += _value_heads(inc_cols, 2, 1) + _value_heads(exp_cols, ni + 2, 1)
    heads += [Head("栏次", 3, 0, colspan=2), *_numbers(inc_cols, 2, 3),
              Head("栏次", 3, ni, colspan=2), *_numbers(exp_cols, ni + 2, 3)]
    body = []
    for i in range(max(len(inc), len(exp))):
        left = inc[i] if i < len(inc) else None
        right = exp[i] if i < len(exp) else None
        body.append((
            Cell(left.label if left else ""), Cell(str(left.line or "") if left else ""),
            *_values(left, inc_cols, "income"),
            Cell(right.label if right else ""), Cell(str(right.line or "") if right else ""),
            *_values(right, exp_cols, "expenditure"),
        ))
    return Grid(table, ni + ne, 4, tuple(heads), tuple(body))


def _panels(table: Table) -> Grid:
    panels: list[list[Row]] = [[], [], []]
    totals: dict[str, Row] = {}
    for r in table.rows:
        if r.key in ("personnel_total", "public_total"):
            totals[r.key] = r
        elif r.side == "personnel":
            panels[0].append(r)
        elif (r.code or "")[:3] == "302":
            panels[1].append(r)
        else:
            panels[2].append(r)
    cols = table.columns
    heads = [Head("人员经费", 0, 0, colspan=3), Head("公用经费", 0, 3, colspan=6)]
    for p in range(3):
        heads += [Head("科目代码", 1, 3 * p), Head("科目名称", 1, 3 * p + 1), Head(cols[0].title, 1, 3 * p + 2)]
    body = []
    for i in range(max(len(p) for p in panels)):
        line: list[Cell] = []
        for panel in panels:
            shown = panel[i] if i < len(panel) else None
            line += [Cell(shown.code or "" if shown else ""), Cell(shown.label if shown else ""),
                     *_values(shown, cols[:1])]
        body.append(tuple(line))
    body.append((Cell("人员经费合计"), Cell(""), *_values(totals.get("personnel_total"), cols[:1]),
                 Cell("公用经费合计"), Cell(""), Cell(""), Cell(""), Cell(""),
                 *_values(totals.get("public_total"), cols[:1])))
    return Grid(table, 9, 2, tuple(heads), tuple(body))


def _single_row(table: Table) -> Grid:
    cols = table.columns
    heads = _value_heads(cols, 0, 0) + _numbers(cols, 0, 2)
    body = [tuple(_values(table.rows[0], cols))] if table.rows and not table.is_empty else []
    return Grid(table, len(cols), 3, tuple(heads), tuple(body))


def _functional(table: Table) -> Grid:
    cols = table.columns
    heads = [Head("项目", 0, 0, colspan=2), Head("科目代码", 1, 0), Head("科目名称", 1, 1),
             *_value_heads(cols, 2, 0), Head("栏次", 2, 0, colspan=2), *_numbers(cols, 2, 2)]
    rows = table.rows if not table.is_empty else table.rows[:1]
    # The 合计 row prints its label over the code and name columns, as the published tables do.
    body = [((Cell(r.code), Cell(r.label)) if r.code else (Cell(r.label, colspan=2), Cell(covered=True)))
            + tuple(_values(r, cols)) for r in rows]
    return Grid(table, 2 + len(cols), 3, tuple(heads), tuple(body))


def grid(table: Table) -> Grid:
    """The published layout of ``table``."""
    if any(c.side in ("income", "expenditure") for c in table.columns):
        return _two_sided(table)
    if any(r.side == "personnel" for r in table.rows):
        return _panels(table)
    if not any(r.code for r in table.rows) and len(table.rows) == 1 and table.rows[0].key not in ("total",):
        return _single_row(table)
    return _functional(table)
