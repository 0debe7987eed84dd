"""The layout-neutral model of an extracted document (抽取结果): pages of tables and running text.

Every extractor (PDF, HTML, XLSX, plain text) produces the same values, so the reader that
recognises disclosure tables (公开表) and the 情况说明 never looks at a file format:

* a :class:`Document` has its ``source`` name, its ``kind`` (``"pdf"``, ``"html"``, ``"xlsx"``,
  ``"text"``), its :class:`Page` list, its tables (:class:`ExtractedTable`, joined across pages
  where a table breaks) and its running text (:class:`TextLine`), plus :class:`Problem` records
  for what could not be read (a page without a text layer, a page over the limit …);
* a table is a rectangular grid of cell strings.  Every :class:`TableRow` carries the page it
  was printed on, its index there and its box, so a reader finding can name page and row.
  A cell that spans several rows or columns (a merged header) is recorded as a :class:`Span`;
  its text stands in the top-left cell and the covered cells are ``""``;
* cell text is normalised (outer blanks stripped, lines wrapped inside a cell joined, the
  full-width space U+3000 treated as a blank) but printed numbers are kept verbatim
  (``"1,234.56"``, ``"-"``, ``"—"``): parsing them is the reader's business.

Coordinates are PDF points from the top-left corner of the page (pdfplumber's convention);
extractors without geometry (HTML, XLSX, text) leave boxes ``None``.  Page and line numbers
are 1-based, row and column indices 0-based.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Literal

from attrs import field, frozen

if TYPE_CHECKING:
    from govbudget.errors import LimitError

Kind = Literal["pdf", "html", "xlsx", "text"]
"""The form the document was published in."""

Strategy = Literal["lines", "text", "html", "xlsx", "block"]
"""How a table was found: ``lines`` from a PDF page's ruling lines, ``text`` from the alignment
of words on a PDF page without rulings, ``html`` from ``<table>``, ``xlsx`` from a sheet's used
range, ``block`` from a block of tab- or space-separated lines of text."""

Status = Literal["read", "partly read", "no text layer", "empty"]
"""``read``: every page had text; ``partly read``: some pages had none or were skipped (see
:attr:`Document.problems`); ``no text layer``: no page had any text (a scan?); ``empty``: no page."""

BBox = tuple[float, float, float, float]
"""``(x0, top, x1, bottom)`` in points, from the top-left corner of the page."""


@frozen
class Span:
    """A merged cell (合并单元格): it starts at ``(row, column)`` and covers ``rows`` × ``columns``."""

    row: int
    column: int
    rows: int = 1
    columns: int = 1

    def covers(self, row: int, column: int) -> bool:
        """Whether the cell at ``(row, column)`` lies under this span."""
        return (
            self.row <= row < self.row + self.rows
            and self.column <= column < self.column + self.columns
        )


#: Ends a cell holding figures whose column the extractor could not tell (text with single
#: spaces, a blank cell not printed): a figure printed but placed in no column.  Every column it
#: might be in holds such a cell; a reader takes each as printed and not read, never as blank.
UNPLACED = "（栏位不明）"


def is_unplaced(cell: str | None) -> bool:
    """True for a cell of :data:`UNPLACED` figures."""
    return bool(cell) and cell.endswith(UNPLACED)  # type: ignore[union-attr]


@frozen
class TableRow:
    """One row of a table as printed (表格行): its cell strings and where it was printed.

    ``page`` is the page the row was printed on (for a table joined across pages, rows of
    one table have different pages); ``index`` is the row's index in the table's part on that
    page, counting from 0 and including any header rows printed there; ``line`` is the source
    line for text and HTML input (1-based) or the sheet row for XLSX, else ``None``.
    ``indents`` gives, per cell, how far (points) its text starts right of the cell's left
    edge (``None`` for an empty cell): names printed without a code show their level (类/款/项)
    only by indentation.  It is ``()`` when the format has no geometry.
    """

    cells: tuple[str, ...]
    page: int
    index: int
    bbox: BBox | None = None
    line: int | None = None
    indents: tuple[float | None, ...] = ()

    def __len__(self) -> int:
        return len(self.cells)

    @property
    def is_blank(self) -> bool:
        """Whether every cell is empty."""
        return not any(self.cells)


@frozen
class ExtractedTable:
    """A table (表格) as extracted: rows of cell strings, all rows of the same width.

    ``page`` is the first page the table was printed on and ``pages`` every page it covers;
    ``bbox`` its box on the first page; ``parts`` the box on every page it covers, in page
    order.  ``header_rows`` is the number of leading rows the extractor took for a header
    (the rows that a continuation page repeats, or the rows with spans above the body);
    it is a hint, 0 when unknown.  ``dropped_rows`` counts the repeated header rows dropped
    when parts printed on several pages were joined, and ``dropped_lines`` the title lines
    printed again above a continuation (taken out of :attr:`Document.lines`, kept here).
    """

    rows: tuple[TableRow, ...]
    page: int
    strategy: Strategy
    spans: tuple[Span, ...] = ()
    bbox: BBox | None = None
    parts: tuple[tuple[int, BBox | None], ...] = ()
    header_rows: int = 0
    dropped_rows: int = 0
    dropped_lines: tuple[TextLine, ...] = ()
    width: int = field(init=False)

    @width.default
    def _width(self) -> int:
        return max((len(r.cells) for r in self.rows), default=0)

    @property
    def pages(self) -> tuple[int, ...]:
        """The pages the table covers, in order."""
        seen: dict[int, None] = {}
        for row in self.rows:
            seen.setdefault(row.page, None)
        return tuple(seen) or (self.page,)

    @property
    def grid(self) -> tuple[tuple[str, ...], ...]:
        """The cell strings, row by row."""
        return tuple(r.cells for r in self.rows)

    def cell(self, row: int, column: int) -> str:
        """The text of the cell at ``(row, column)`` (``""`` under a span but its top-left)."""
        return self.rows[row].cells[column]

    def span_at(self, row: int, column: int) -> Span | None:
        """The span covering ``(row, column)``, or ``None`` for a plain cell."""
        for span in self.spans:
            if span.covers(row, column):
                return span
        return None

    def __len__(self) -> int:
        return len(self.rows)


@frozen
class TextLine:
    """A line of running text (正文行) outside every table: page, line number on it, text.

    ``line`` counts the running-text lines of the page from 1 (for text and HTML input: the
    source line; for XLSX: the sheet row).  ``furniture`` marks a running header, footer or
    page number (页眉页脚), printed on many pages and belonging to no table or section.
    """

    page: int
    line: int
    text: str
    bbox: BBox | None = None
    furniture: bool = False


@frozen
class Page:
    """A page (页) of the document, or a sheet of a workbook (``name`` is then the sheet name).

    ``chars`` counts the characters of the page's text layer (``None`` when the format has no
    such notion, or the page could not be parsed: see the document's problems); a PDF page
    with ``chars == 0`` has no text layer (a scan?).
    """

    number: int
    width: float | None = None
    height: float | None = None
    chars: int | None = None
    name: str | None = None

    @property
    def has_text(self) -> bool:
        """Whether the page has any text to read."""
        return self.chars is None or self.chars > 0


@frozen
class Problem:
    """Something the extractor could not read, with the page at fault (``None``: the whole file)."""

    message: str
    page: int | None = None

    def __str__(self) -> str:
        return self.message if self.page is None else f"page {self.page}: {self.message}"


def repeated_rows(first: ExtractedTable, continuation: ExtractedTable, limit: int = 8) -> int:
    """How many leading rows of ``continuation`` repeat the leading rows of ``first``.

    These are the header rows a table printed again where it continues (on the next page, or
    after a blank line in text); at most ``limit``.
    """
    k = 0
    top = min(len(first.rows), len(continuation.rows), limit)
    while k < top and continuation.rows[k].cells == first.rows[k].cells:
        k += 1
    return k


Item = ExtractedTable | TextLine
"""An element of the reading flow."""


@frozen
class Document:
    """An extracted document (抽取的文档): its pages, tables and running text, in reading order.

    ``tables`` and ``lines`` are each in reading order (page, then top to bottom); use
    :meth:`flow` for both merged, which is how a reader finds the title printed above a table.
    """

    source: str
    kind: Kind
    pages: tuple[Page, ...]
    tables: tuple[ExtractedTable, ...] = ()
    lines: tuple[TextLine, ...] = ()
    problems: tuple[Problem, ...] = ()

    @property
    def status(self) -> Status:
        """Whether the document was read: see :data:`Status`."""
        if not self.pages:
            return "empty"
        if not any(p.has_text for p in self.pages):
            return "no text layer"
        if self.problems:
            return "partly read"
        return "read"

    def flow(self) -> Iterator[Item]:
        """Tables and text lines merged in reading order (page, then top to bottom).

        A table joined across pages stands where it starts.  Without geometry, lines and tables
        are ordered by source line (text, HTML, XLSX).
        """
        items: list[tuple[tuple[int, float, int], Item]] = []
        for n, table in enumerate(self.tables):
            first = table.rows[0] if table.rows else None
            items.append(((table.page, _top(table.bbox, first), n), table))
        for n, line in enumerate(self.lines):
            items.append(((line.page, _top(line.bbox, line), n), line))
        items.sort(key=lambda pair: pair[0])
        return (item for _, item in items)

    def page_tables(self, page: int) -> tuple[ExtractedTable, ...]:
        """The tables that start on ``page``."""
        return tuple(t for t in self.tables if t.page == page)

    def page_lines(self, page: int) -> tuple[TextLine, ...]:
        """The running-text lines of ``page``."""
        return tuple(line for line in self.lines if line.page == page)

    @property
    def text(self) -> str:
        """The running text in reading order, one line per line, a form feed between pages."""
        out: list[str] = []
        page = None
        for line in (item for item in self.flow() if isinstance(item, TextLine)):
            if page is not None and line.page != page:
                out.append("\f")
            page = line.page
            out.append(line.text)
        return "\n".join(out)


def _top(bbox: BBox | None, item: TableRow | TextLine | None) -> float:
    # With geometry, the top edge orders items; without it the source line does.
    if bbox is not None:
        return bbox[1]
    if isinstance(item, TableRow) and item.bbox is not None:
        return item.bbox[1]
    line = item.line if item is not None else None
    return float(line) if line is not None else 0.0


@frozen
class Limits:
    """Bounds on what an extractor reads (安全限制), so hostile input cannot exhaust the machine.

    ``max_bytes``: a larger file is refused before it is parsed; ``max_pages``: pages past it are
    not read (a :class:`Problem` says so); ``seconds``: a time budget per document, checked
    between pages (a single page is not interrupted), the pages after it are not read;
    ``max_rulings``: a PDF page drawn with more ruling edges than this is read as text only
    (finding tables grows with the square of the rulings; a real table page has hundreds).
    ``None`` lifts a bound.
    """

    max_bytes: int | None = 100 * 1024 * 1024
    max_pages: int | None = 2000
    seconds: float | None = 300.0
    max_rulings: int | None = 20_000


#: The environment variable of each bound of :class:`Limits`, read when no ``limits`` are given
#: (``GOVBUDGET_MAX_BYTES`` is the one of :class:`govbudget.io.Limits` too: one file-size knob).
LIMIT_ENV = {
    "max_bytes": "GOVBUDGET_MAX_BYTES",
    "max_pages": "GOVBUDGET_MAX_PAGES",
    "seconds": "GOVBUDGET_MAX_SECONDS",
    "max_rulings": "GOVBUDGET_MAX_RULINGS",
}


def resolve_limits(limits: Limits | None) -> Limits:
    """``limits`` as given, else the defaults with any bound set in the environment."""
    from govbudget.errors import limits_from_env

    return limits if limits is not None else limits_from_env(Limits(), LIMIT_ENV, "extraction limit")


def over_limit(place: str, what: str, limit: str) -> LimitError:
    """The :class:`~govbudget.errors.LimitError` for a bound of :class:`Limits` (named with
    its environment variable)."""
    from govbudget.errors import LimitError

    return LimitError(place, what, limit=limit, env=LIMIT_ENV[limit])
