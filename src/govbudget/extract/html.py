"""HTML extraction with the standard library's parser (``html.parser``): no network, no scripts.

Every ``<table>`` becomes an :class:`~govbudget.extract.ExtractedTable` laid out on a grid as a
browser does: ``colspan`` and ``rowspan`` reserve the cells they cover (recorded as spans, the
text in the top-left cell), a cell is placed in the first column its row has free.  A table
nested in a cell is extracted as a table of its own, after the outer one, and its text is not
repeated in the outer cell.  Text outside tables becomes lines, broken at block elements
(``<p>``, ``<div>``, ``<br>``, headings, list items …); ``<script>``, ``<style>``,
and comments are skipped.  Everything is page 1; line numbers are the
source lines where each line or row starts.
"""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser

from govbudget.extract.model import (
    Document,
    ExtractedTable,
    Limits,
    Page,
    Problem,
    Span,
    TableRow,
    TextLine,
    resolve_limits,
)
from govbudget.extract.text import _read
from govbudget.extract.text_utils import clean_cell, clean_line, decode

_BLOCK = frozenset(
    (
        *("address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl"),
        *("dt", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6"),
        *("header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody"),
        *("td", "tfoot", "th", "thead", "title", "tr", "ul"),
    )
)
_SKIP = frozenset({"script", "style", "noscript", "template", "svg", "object"})
# A table whose grid would exceed this many cells is refused (hostile spans).
_MAX_CELLS = 2_000_000
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)
# Spans beyond this are taken as 1: a hostile rowspan="100000" must not build a huge grid.
_MAX_SPAN = 1000


def extract_html(
    source: str | os.PathLike[str] | bytes,
    *,
    name: str | None = None,
    limits: Limits | None = None,
) -> Document:
    """Extract an HTML page (its path or bytes) into a :class:`~govbudget.extract.Document`."""
    label, data = _read(source, name, resolve_limits(limits))
    match = _META_CHARSET.search(data[:4096])
    declared = match.group(1).decode("ascii", "replace").lower() if match else None
    return parse_html(decode(data, label, declared), source=label)


class _Cell:
    __slots__ = ("colspan", "line", "rowspan", "text")

    def __init__(self, line: int, rowspan: int, colspan: int) -> None:
        self.line, self.rowspan, self.colspan = line, rowspan, colspan
        self.text: list[str] = []


class _Table:
    def __init__(self, line: int, order: int) -> None:
        self.line, self.order = line, order
        self.rows: list[tuple[int, list[_Cell]]] = []  # (source line, cells)

    def cell(self) -> _Cell | None:
        return self.rows[-1][1][-1] if self.rows and self.rows[-1][1] else None


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.stack: list[_Table] = []
        self.done: list[tuple[int, _Table]] = []  # (order of start, table)
        self.order = 0
        self.lines: list[tuple[int, str]] = []
        self.current: list[str] = []
        self.current_line = 0
        self.problems: list[Problem] = []

    # running text
    def _flush(self) -> None:
        text = clean_line("".join(self.current))
        if text:
            self.lines.append((self.current_line, text))
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        if tag in _SKIP:
            self.skip += 1
            return
        if self.skip:
            return
        if tag == "table":
            if not self.stack:
                self._flush()
            self.order += 1
            self.stack.append(_Table(line, self.order))
            return
        if self.stack:
            table = self.stack[-1]
            if tag == "tr":
                table.rows.append((line, []))
            elif tag in ("td", "th"):
                if not table.rows:
                    table.rows.append((line, []))
                values = dict(attrs)
                table.rows[-1][1].append(
                    _Cell(
                        line, self._span(values.get("rowspan")), self._span(values.get("colspan"))
                    )
                )
            elif tag == "br":
                cell = table.cell()
                if cell is not None:
                    cell.text.append("\n")
            return
        if tag in _BLOCK:
            self._flush()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in _SKIP:
            self.skip -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip:
            return
        if tag == "table" and self.stack:
            table = self.stack.pop()
            self.done.append((table.order, table))
            return
        if not self.stack and tag in _BLOCK:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.stack:
            cell = self.stack[-1].cell()
            if cell is not None:
                cell.text.append(data)
            elif data.strip():
                # text inside <table> but outside any cell (browsers move it above the table)
                self.lines.append((self.getpos()[0], clean_line(data)))
            return
        if not self.current:
            self.current_line = self.getpos()[0]
        self.current.append(data)

    def _span(self, value: str | None) -> int:
        try:
            n = int((value or "1").strip())
        except ValueError:
            return 1
        return n if 1 <= n <= _MAX_SPAN else 1

    def close(self) -> None:
        super().close()
        while self.stack:  # unclosed tables at the end of the file
            table = self.stack.pop()
            self.done.append((table.order, table))
        self._flush()


def parse_html(text: str, *, source: str = "html") -> Document:
    """Extract HTML already decoded (see the module doc)."""
    parser = _Parser()
    parser.feed(text)
    parser.close()
    tables: list[ExtractedTable] = []
    problems = list(parser.problems)
    for _, found in sorted(parser.done, key=lambda pair: pair[0]):
        try:
            table = _layout(found)
        except _TooLarge:
            problems.append(
                Problem(
                    f"the table at line {found.line} spans over {_MAX_CELLS} cells: not read", 1
                )
            )
            continue
        if table is not None:
            tables.append(table)
    lines = tuple(TextLine(1, n, text) for n, text in sorted(parser.lines, key=lambda p: p[0]))
    return Document(source, "html", (Page(1),), tuple(tables), lines, tuple(problems))


class _TooLarge(Exception):
    pass


def _layout(table: _Table) -> ExtractedTable | None:
    """Place cells on the grid the way browsers do, honouring rowspan and colspan."""
    taken: dict[tuple[int, int], bool] = {}
    placed: list[tuple[int, int, _Cell]] = []
    nrows = len(table.rows)
    for r, (_, cells) in enumerate(table.rows):
        c = 0
        for cell in cells:
            while taken.get((r, c)):
                c += 1
            rowspan = min(cell.rowspan, nrows - r)
            if len(taken) + rowspan * cell.colspan > _MAX_CELLS:
                raise _TooLarge
            for i in range(r, r + rowspan):
                for j in range(c, c + cell.colspan):
                    taken[(i, j)] = True
            placed.append((r, c, cell))
            c += cell.colspan
    if not placed:
        return None
    width = max(j for _, j in taken) + 1
    grid = [[""] * width for _ in range(nrows)]
    spans: list[Span] = []
    for r, c, cell in placed:
        grid[r][c] = clean_cell("".join(cell.text))
        rowspan = min(cell.rowspan, nrows - r)
        if rowspan > 1 or cell.colspan > 1:
            spans.append(Span(r, c, rowspan, cell.colspan))
    rows = tuple(
        TableRow(tuple(grid[r]), 1, r, line=line) for r, (line, _) in enumerate(table.rows)
    )
    return ExtractedTable(rows=rows, page=1, strategy="html", spans=tuple(spans))
