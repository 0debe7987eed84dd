"""A disclosure as the checker sees it: tables (any subset of the nine), the explanatory
text's figures, the statements printed under tables, and where each figure came from.

A :class:`Published` is made by the readers (:mod:`govbudget.readers`) from a report's text,
CSV or JSON — figures kept exactly as stated — or from a derived
:class:`~govbudget.tables.Disclosure` (:func:`from_disclosure`), exact or re-rounded to the
printed 万元 figures.  The rules (:mod:`govbudget.rules`) read it through :meth:`cell` and
:meth:`figure`, which give each quantity with the half-width of the interval it stands for:
0 for an exact value, 0.005 for a figure printed with two decimals.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from decimal import Decimal

import attrs

from govbudget.money import Unit, convert, display, in_wide_context
from govbudget.spec import FamilySpec, family
from govbudget.tables import Disclosure, Row, Table
from govbudget.text import Figure, FigureKind, Narrative

__all__ = ["ROWS_NOT_PLACED", "Coverage", "Finding", "Location", "Published", "Quantity", "Severity", "from_disclosure",
           "half_width", "shown"]


class Severity(enum.Enum):
    """How bad a finding is: an error (the figures cannot all be right), a warning (a
    questionable definition or an unexplained difference), info (e.g. a rounding tail 尾差)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@attrs.frozen
class Location:
    """Where a figure is: table/row/column for tables, section/key for the text, and the
    source line when read from a file."""

    table: str | None = None
    row: str | None = None
    column: str | None = None
    label: str | None = None
    section: str | None = None
    key: str | None = None
    line: int | None = None
    #: How the table is named (``预算05表`` in a budget); ``公开{table}表`` when not given.
    table_label: str | None = attrs.field(default=None, eq=False)

    def __str__(self) -> str:
        parts = []
        if self.table:
            parts.append(self.table_label or f"公开{self.table}表")
            if self.row:
                parts.append(f"{self.row}{' ' + self.label if self.label and self.label != self.row else ''}")
            if self.column:
                parts.append(f"[{self.column}]")
        elif self.section == "ledger":  # a ledger fact (govbudget.validate)
            parts.append(f"账本 ledger {self.key or ''}".rstrip())
        elif self.key or self.section:
            parts.append(f"情况说明 {self.section or ''}".rstrip())
            if self.key:
                parts.append(self.key)
        text = " ".join(parts) or "disclosure"
        return f"{text} (line {self.line})" if self.line else text


@attrs.frozen
class Finding:
    """One result of a rule: rule id, severity, location, the stated value, the expected value
    or interval, and a message in Chinese and English."""

    rule: str
    severity: Severity
    location: Location
    message_zh: str
    message_en: str
    stated: str | None = None
    expected: str | None = None

    def __str__(self) -> str:
        head = f"{self.severity.value:7} {self.rule:28} {self.location}"
        vals = ""
        if self.stated is not None or self.expected is not None:
            vals = f"  stated {self.stated}, expected {self.expected}"
        return f"{head}{vals}\n        {self.message_zh}\n        {self.message_en}"


@attrs.frozen
class Quantity:
    """A figure in a relation: its value (万元, percent or count), the half-width of the
    interval it stands for, where it is, and how to name it in a message."""

    value: Decimal
    half_width: Decimal
    location: Location
    name: str
    #: False for a cell the reader could not read (its table printed, the cell not placed):
    #: a relation with such an operand is "not checked", never compared with a zero.
    read: bool = True
    #: With ``read`` False: the figure is a fact a ledger does not state (未提供), not a cell a
    #: reader missed (未读取).
    unstated: bool = False

    @property
    def shown(self) -> str:
        """The value as a message shows it (:func:`shown`)."""
        return shown(self.value)

    @property
    def low(self) -> Decimal:
        return self.value - self.half_width

    @property
    def high(self) -> Decimal:
        return self.value + self.half_width


def half_width(value: Decimal) -> Decimal:
    """Half of the last printed unit: 3,881.84 → 0.005; 6.2 → 0.05; 0 → 0.5."""
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    return Decimal(5).scaleb(exponent - 1)


def shown(value: Decimal) -> str:
    """A figure as a message shows it: positional, never ``1.5E+4``; a figure printed in a unit
    coarser than the 万元 it is checked in (``1.5亿元``, ``Decimal('1.5E+4')``) with the interval
    it stands for, ``15000 (±500)``, so that a difference within it is seen as no error."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        return f"{value:f} (±{half_width(value):f})"
    return f"{value:f}"


#: The row key of :attr:`Published.unread` that marks a table with a printed row whose figures
#: could not be placed: an absent subject row of it is not read (not zero), and no sum over its
#: rows is checked.
ROWS_NOT_PLACED = "?"


@attrs.frozen
class Coverage:
    """What a reader found in a document: the tables it prints and those recognised, the
    numeric cells on its table pages and those placed in a recognised table."""

    tables_printed: int
    tables_recognised: int
    numeric_cells: int
    cells_placed: int


@attrs.frozen
class Published:
    """What is checked: tables by id (``"01"`` … ``"09"`` for 部门决算; any may be missing), the text's
    figures (``narrative``), the statements printed under tables, reader findings (lines it
    could not place), and whether the values are exact (derived) or printed."""

    department: str = ""
    fiscal_year: int | None = None
    edition: int | None = None
    tables: Mapping[str, Table] = attrs.field(factory=dict)
    narrative: Narrative | None = None
    statements: Mapping[str, str] = attrs.field(factory=dict)
    exact: bool = False
    source: str = ""
    lines: Mapping[tuple[str, str], int] = attrs.field(factory=dict)
    reader_findings: tuple[Finding, ...] = ()
    #: False when the source format cannot carry the statements under tables (cell CSV).
    has_statements: bool = True
    #: The disclosure family the tables belong to (its spec names their cells and rules).
    family: str = "final"
    #: Cells of present tables that were not read: (table, row key, column key); a column key
    #: ``"*"`` stands for every column of the row, a row key ``"*"`` for every row of the column.
    unread: frozenset[tuple[str, str, str]] = frozenset()
    #: How much was read (numeric cells seen / placed, tables printed / recognised), when known.
    coverage: Coverage | None = None
    #: True when ``unread`` holds facts the source does not state (a ledger's disclosure, its
    #: JSON or cell CSV: 未提供), not cells a reader of a printed report missed (未读取).
    unstated: bool = False

    @property
    def spec(self) -> FamilySpec:
        """The family spec of the tables."""
        return family(self.family)

    def table(self, table_id: str) -> Table | None:
        return self.tables.get(table_id)

    def is_read(self, table_id: str, row_key: str, column_key: str) -> bool:
        """False when the cell's table is present but this cell was not read."""
        if not self.unread:
            return True
        u = self.unread
        return not ((table_id, row_key, column_key) in u or (table_id, row_key, "*") in u
                    or (table_id, "*", column_key) in u)

    def complete(self, table_id: str) -> bool:
        """False when the table printed a row whose figures could not be placed."""
        return (table_id, ROWS_NOT_PLACED, "*") not in self.unread

    def rows_not_placed(self, table_id: str) -> Quantity:
        """The figures of a table's rows that could not be placed, as an operand that is not
        read: a sum over the table's rows with it is "not checked"."""
        table = self.tables[table_id]
        return Quantity(Decimal(0), Decimal(0), Location(table_id, table_label=table.label),
                        f"{table.label} 未能定位的行", read=False)

    def row_printed(self, table_id: str, row_key: str) -> bool:
        """False when the table does not hold the row, or (read from a report) does not print
        it: a fixed row the reader did not find is unread as a whole."""
        table = self.tables.get(table_id)
        return table is not None and table.get_row(row_key) is not None and (
            (table_id, row_key, "*") not in self.unread)

    def has(self, *table_ids: str) -> bool:
        """True when every named table is present."""
        return all(t in self.tables for t in table_ids)

    def cell(self, table_id: str, row_key: str, column_key: str) -> Quantity | None:
        """A table cell in 万元 with its interval; ``None`` when it was not read: the table is
        missing, or the report does not print the column, or (read from a report) the fixed
        row.  A subject row absent from a table is zero (tables leave out 科目 without money)."""
        table = self.tables.get(table_id)
        if table is None or not any(c.key == column_key for c in table.columns):
            return None
        if not self.exact and table.get_row(row_key) is None and not row_key.isdigit():
            return None
        value = table.cell(row_key, column_key)
        row = table.get_row(row_key)
        column = next((c.title for c in table.columns if c.key == column_key), column_key)
        loc = Location(table_id, row_key, column, row.label if row else None,
                       line=self.lines.get((table_id, row_key)), table_label=table.label)
        name = f"{table.label} {row.label if row and row.label else row_key}·{column}"
        if not self.is_read(table_id, row_key, column_key) or (
                row is None and not self.exact and (_level_not_printed(table, row_key) or not self.complete(table_id))):
            # (a subject row absent from a printed table that prints no row of its level — 类
            # rows of a table printing only 项 — is not printed, not zero)
            return Quantity(Decimal(0), Decimal(0), loc, name, read=False, unstated=self.unstated)
        if self.exact:
            return Quantity(convert(value, table.unit, Unit.WAN), Decimal(0), loc, name)
        # A blank cell (read as a plain 0) is an exact zero; a printed 0.00 may hide < 0.005.
        hw = Decimal(0) if is_blank(value) else half_width(value)
        if table.unit is not Unit.WAN:
            return Quantity(convert(value, table.unit, Unit.WAN), convert(hw, table.unit, Unit.WAN), loc, name)
        return Quantity(value, hw, loc, name)

    def figure(self, key: str) -> Quantity | None:
        """A figure of the text with its interval; ``None`` when the text does not state it."""
        if self.narrative is None:
            return None
        f = self.narrative.figures.get(key)
        if f is None:
            return None
        return figure_quantity(f, self.narrative.section_of(key))


def _level_not_printed(table: Table, row_key: str) -> bool:
    if not (row_key.isdigit() and len(row_key) in (3, 5, 7)):
        return False
    return bool(table.rows) and not any(r.code and len(r.code) == len(row_key) for r in table.rows)


def figure_quantity(f: Figure, section: str | None) -> Quantity:
    """A text figure as printed: counts are exact, amounts and rates stand for an interval."""
    hw = Decimal(0) if f.kind is FigureKind.COUNT else half_width(f.value)
    return Quantity(f.value, hw, Location(section=section, key=f.key, line=f.line), f.key)


def is_blank(value: Decimal) -> bool:
    """True for a blank cell as read (a plain ``0``), as opposed to a printed ``0.00``."""
    exponent = value.as_tuple().exponent
    return value == 0 and isinstance(exponent, int) and exponent >= 0


BLANK = Decimal(0)


def _round_table(table: Table) -> Table:
    # Exact zeros print blank; any other amount prints its 万元 figure (0.00 for a tiny one).
    rows = tuple(attrs.evolve(r, values=tuple(BLANK if v == 0 else display(v) for v in r.values))
                 for r in table.rows)
    return attrs.evolve(table, rows=rows, unit=Unit.WAN)


@in_wide_context
def from_disclosure(d: Disclosure, narrative: Narrative | None = None, *, rounded: bool = False,
                    source: str = "") -> Published:
    """A derived disclosure as checker input: exact (every identity must hold to the 元), or
    ``rounded`` to the printed 万元 figures (identities hold within the rounding intervals)."""
    tables = {t.id: (_round_table(t) if rounded and t.unit is Unit.YUAN else t) for t in d.tables.values()}
    statements = {t.id: t.statement for t in d.tables.values() if t.statement}
    exact = not rounded and all(t.unit is Unit.YUAN for t in d.tables.values())
    # A missing fact (Table.missing) is not read: a relation with it is "not checked", never 0.
    unread = frozenset((t.id, row, column) for t in d.tables.values() for row, column in t.missing)
    return Published(d.department, d.fiscal_year, d.edition, tables, narrative, statements, exact,
                     source or f"{d.department} {d.fiscal_year}", family=d.family, unread=unread, unstated=True)


def replace_cell(p: Published, table_id: str, row_key: str, column_key: str, value: Decimal) -> Published:
    """A copy with one cell replaced (used to test that the rules notice a changed figure)."""
    table = p.tables[table_id]
    row = table.row(row_key)
    cols = table.columns_of(row)
    idx = next(i for i, c in enumerate(cols) if c.key == column_key)
    values = list(row.values)
    values[idx] = value
    new_row: Row = attrs.evolve(row, values=tuple(values))
    rows = tuple(new_row if r.key == row_key and r.side == row.side else r for r in table.rows)
    return attrs.evolve(p, tables={**p.tables, table_id: attrs.evolve(table, rows=rows)})
