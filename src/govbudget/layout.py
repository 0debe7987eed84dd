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
    ``colspan`` cells; ``title``: the whole title of the value column a head names, where the
    head shows only its part under a group (``合计`` of ``预算数·合计``); ``numeric``: the column
    under it holds figures (amounts, 行次)."""

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    title: str = ""
    numeric: bool = False

    @property
    def full_title(self) -> str:
        """The column's whole title (``预算数·合计``), else the head's text."""
        return self.title or self.text


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
    ``width`` cells; ``number_row``: the header row of the 栏次 (``None`` when none is printed)."""

    table: Table
    width: int
    header_rows: int
    heads: tuple[Head, ...]
    body: tuple[tuple[Cell, ...], ...]
    number_row: int | None = None

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
                heads.append(Head(columns[k].title.partition("·")[2], title_row + 1, first_col + k,
                                  title=columns[k].title, numeric=True))
                k += 1
            heads.append(Head(group, title_row, first_col + j, colspan=k - j))
            j = k
        else:
            heads.append(Head(columns[j].title, title_row, first_col + j, rowspan=2, numeric=True))
            j += 1
    return heads


def _numbers(columns: Sequence[Column], first_col: int, row: int) -> list[Head]:
    return [Head(str(c.number or ""), row, first_col + j) for j, c in enumerate(columns)]


def _values(table: Table, row: Row | None, columns: Sequence[Column], side: str = "") -> list[Cell]:
    if row is None or not row.values:
        return [Cell() for _ in columns]
    # A missing fact (Table.missing) has no value: printed blank, never 0.
    return [Cell(value=None if table.is_missing(row.key, c.key) else v, row_key=row.key, column_key=c.key, side=side)
            for c, v in zip(columns, row.values, strict=True)]


#: Group heads over the two sides of a 总表.
SIDE_TITLES = {"income": "收入", "expenditure": "支出"}


def _two_sided(table: Table) -> Grid:
    sides = table.spec.sides
    cols = [table.columns_for(side) for side in sides]
    by_side = [[r for r in table.rows if r.side == side] for side in sides]
    heads: list[Head] = []
    at = 0
    for side, side_cols in zip(sides, cols, strict=True):
        width = 2 + len(side_cols)
        heads += [Head(SIDE_TITLES.get(side, side), 0, at, colspan=width),
                  Head("项目", 1, at, rowspan=2), Head("行次", 1, at + 1, rowspan=2, numeric=True),
                  *_value_heads(side_cols, at + 2, 1),
                  Head("栏次", 3, at, colspan=2), *_numbers(side_cols, at + 2, 3)]
        at += width
    body = []
    for i in range(max((len(rows) for rows in by_side), default=0)):
        line: list[Cell] = []
        for side, rows, side_cols in zip(sides, by_side, cols, strict=True):
            row = rows[i] if i < len(rows) else None
            line += [Cell(row.label if row else ""), Cell(str(row.line or "") if row else ""),
                     *_values(table, row, side_cols, side)]
        body.append(tuple(line))
    return Grid(table, at, 4, tuple(heads), tuple(body), number_row=3)


def _panels(table: Table) -> Grid:
    """Panels side by side, each in one or more column groups (``PanelSpec.break_before``),
    each panel's total rows under it: the label under its first group, the figures under
    its last (as :mod:`govbudget.render` prints them)."""
    spec = table.spec
    groups, first_group = table.panel_groups()
    cols = table.columns
    step = 2 + len(cols)
    heads: list[Head] = []
    for n, panel in enumerate(spec.panels):
        last = first_group[spec.panels[n + 1].key] if n + 1 < len(spec.panels) else len(groups)
        heads.append(Head(panel.title, 0, step * first_group[panel.key],
                          colspan=step * (last - first_group[panel.key])))
    for k in range(len(groups)):
        heads += [Head("科目代码", 1, step * k), Head("科目名称", 1, step * k + 1),
                  *(Head(c.title, 1, step * k + 2 + j, numeric=True) for j, c in enumerate(cols))]
    body = []
    for i in range(max((len(g) for g in groups), default=0)):
        line: list[Cell] = []
        for group in groups:
            got = group[i] if i < len(group) else None
            line += [Cell(got.code or "" if got else ""), Cell(got.label if got else ""), *_values(table, got, cols)]
        body.append(tuple(line))
    totals: list[Cell] = [Cell()] * (step * len(groups))
    for n, panel in enumerate(spec.panels):
        last = (first_group[spec.panels[n + 1].key] if n + 1 < len(spec.panels) else len(groups)) - 1
        for r in table.rows:
            if r.side == panel.key and not r.code:
                totals[step * first_group[panel.key]] = Cell(r.label)
                totals[step * last + 2: step * last + 2 + len(cols)] = _values(table, r, cols)
    body.append(tuple(totals))
    return Grid(table, step * len(groups), 2, tuple(heads), tuple(body))


def _fixed(table: Table) -> Grid:
    """Fixed rows only: one data row prints its figures alone (公开09); several rows (预算02's
    合计 and units) print their labels in a 项目 column first."""
    cols = table.columns
    labelled = len(table.rows) > 1
    first = 1 if labelled else 0
    heads = _value_heads(cols, first, 0) + _numbers(cols, first, 2)
    if labelled:
        heads = [Head("项目", 0, 0, rowspan=2), Head("栏次", 2, 0), *heads]
    # Labelled rows are the form and print even when all blank; an empty one-row table
    # (公开09) prints no row, its statement says why.
    body = ([tuple([Cell(r.label)] if labelled else []) + tuple(_values(table, r, cols)) for r in table.rows]
            if labelled or not table.is_empty else [])
    return Grid(table, first + len(cols), 3, tuple(heads), tuple(body), number_row=2)


def _functional(table: Table) -> Grid:
    cols = table.columns
    heads = [Head("项目", 0, 0, colspan=2), Head("科目代码", 1, 0), Head("科目名称", 1, 1),
             *_value_heads(cols, 2, 0), Head("栏次", 2, 0, colspan=2), *_numbers(cols, 2, 2)]
    rows = table.rows if not table.is_empty else tuple(r for r in table.rows if not r.code)
    # The 合计 row prints its label over the code and name columns, as the published tables do.
    body = [((Cell(r.code), Cell(r.label)) if r.code else (Cell(r.label, colspan=2), Cell(covered=True)))
            + tuple(_values(table, r, cols)) for r in rows]
    return Grid(table, 2 + len(cols), 3, tuple(heads), tuple(body), number_row=2)


def grid(table: Table) -> Grid:
    """The published layout of ``table``, shaped by its spec (as the text renderer's)."""
    spec = table.spec
    if spec.two_sided:
        return _two_sided(table)
    if spec.panels:
        return _panels(table)
    if spec.subjects is None:  # fixed rows only (公开09)
        return _fixed(table)
    return _functional(table)
