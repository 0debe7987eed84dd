"""PDF extraction with pdfplumber (the optional extra ``govbudget[pdf]``, MIT licensed).

Per page, tables come from the page's ruling lines (pdfplumber's ``lines`` strategy, which also
takes the edges of rectangles and curves); a page without any ruling falls back to the alignment
of its words (``text`` strategy), and keeps only what looks like a table of figures (several
rows with two or more cells and numbers beside the first column), so prose is not cut into
columns.  Characters are dealt into the cells under them; each cell's text and the running text
(the characters outside every table) are built as printed lines grouped by **baseline**, taken
from the text matrix: some fonts report glyph boxes shifted by most of a line, and grouping by
box tops (what pdfplumber's ``extract_text`` does) then moves 、 and digits to a line of their
own, or a figure into the row below.

After all pages: running headers, footers and page numbers are marked as furniture, and a table
continuing on the next page is joined to its first part (see :func:`_join`), its repeated header
rows dropped.

Bounded: the file size and page count are checked against :class:`~govbudget.extract.Limits`
before parsing, the time budget between pages; parser failures become
:class:`~govbudget.errors.ExtractError` naming the file and the page.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import io
import itertools
import os
import re
import time
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from attrs import evolve, frozen

from govbudget.errors import ExtractError, MissingExtraError
from govbudget.extract.model import (
    LIMIT_ENV,
    BBox,
    Document,
    ExtractedTable,
    Limits,
    Page,
    Problem,
    Span,
    Strategy,
    TableRow,
    TextLine,
    over_limit,
    repeated_rows,
    resolve_limits,
)
from govbudget.extract.text_utils import clean_cell, clean_line

# pdfplumber's page and table objects; typed loosely so that type checking does not need the
# optional extra installed.
_PlumberPage = Any
_PlumberTable = Any

_TEXT_SETTINGS: dict[str, Any] = {"vertical_strategy": "text", "horizontal_strategy": "text"}
# Coordinates closer than this (points) are the same ruling: pdfplumber snaps edges by 3 pt.
_TOL = 1.0
_NUMBER = re.compile(r"^[-+(（]?\d[\d,，]*(\.\d+)?[)）%]?$")
_PAGE_NUMBER = re.compile(
    r"^[-—–\s]*(第\s*)?\d[\d ]{0,6}\s*(页)?(\s*/\s*(共\s*)?\d[\d ]{0,6}\s*页?)?[-—–\s]*$"
)
# Running headers and footers sit in the top or bottom margin band (share of page height).
_MARGIN = 0.12


def _pdfplumber(label: str) -> Any:
    try:
        # imported by name, so that type checking does not need the optional extra installed
        return importlib.import_module("pdfplumber")
    except ImportError as exc:  # the optional extra is not installed
        raise MissingExtraError("pdf", "pdfplumber", "PDF files", source=label) from exc


def extract_pdf(
    source: str | os.PathLike[str] | bytes,
    *,
    name: str | None = None,
    limits: Limits | None = None,
) -> Document:
    """Extract a PDF file (or its bytes) into a :class:`~govbudget.extract.Document`.

    ``name`` is the source name used in messages (default: the path; required sense for bytes).
    Raises :class:`~govbudget.errors.ExtractError` for a file that is not a readable PDF (not a
    PDF, truncated, encrypted, corrupt, over the size limit) and
    :class:`~govbudget.errors.MissingExtraError` without pdfplumber.  A page without a text layer
    (a scan) is no error: the page has ``chars == 0`` and the document says so in its status and
    problems.
    """
    limits = resolve_limits(limits)
    if isinstance(source, bytes):
        label = name or "<bytes>"
        data: bytes | None = source
        size = len(source)
    else:
        label = name or os.fspath(source)
        data = None
        try:
            size = Path(source).stat().st_size
        except OSError as exc:
            raise ExtractError(label, f"cannot be opened ({exc.strerror or exc})") from exc
    if limits.max_bytes is not None and size > limits.max_bytes:
        raise over_limit(label, f"is {size} bytes, over the limit of {limits.max_bytes} bytes", "max_bytes")
    if size == 0:
        raise ExtractError(label, "is empty (0 bytes), not a PDF")
    head = data[:1024] if data is not None else _head(source, label)  # type: ignore[arg-type]
    if b"%PDF-" not in head:
        raise ExtractError(label, "is not a PDF (no %PDF- header)")
    plumber = _pdfplumber(label)
    stream: Any = io.BytesIO(data) if data is not None else os.fspath(source)
    try:
        pdf = plumber.open(stream)
    except Exception as exc:  # pdfminer raises many unrelated types for broken files
        raise ExtractError(label, _why(exc)) from exc
    try:
        return _extract(pdf, label, limits)
    finally:
        with contextlib.suppress(Exception):  # closing a broken file must not hide the error
            pdf.close()


def _head(path: str | os.PathLike[str], label: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(1024)
    except OSError as exc:
        raise ExtractError(label, f"cannot be read ({exc.strerror or exc})") from exc


def _why(exc: BaseException) -> str:
    # pdfplumber wraps pdfminer's exception as the first argument of a PdfminerException
    while exc.args and isinstance(exc.args[0], BaseException):
        exc = exc.args[0]
    kind = type(exc).__name__
    text = str(exc) or kind
    if "password" in text.lower() or "encrypt" in kind.lower() or "Password" in kind:
        return "is encrypted (password protected) and cannot be read"
    return f"is not a readable PDF (truncated or corrupt?): {kind}: {text}"[:300]


@frozen
class _Part:
    """A table as found on one page, with its column positions for joining."""

    table: ExtractedTable
    xs: tuple[float, ...]


def _extract(pdf: Any, label: str, limits: Limits) -> Document:
    start = time.monotonic()
    try:
        plumber_pages = pdf.pages
    except Exception as exc:
        raise ExtractError(label, _why(exc)) from exc
    pages: list[Page] = []
    parts: list[_Part] = []
    lines: list[TextLine] = []
    problems: list[Problem] = []
    failures: list[ExtractError] = []
    total = len(plumber_pages)
    for number, ppage in enumerate(plumber_pages, start=1):
        if limits.max_pages is not None and number > limits.max_pages:
            problems.append(
                Problem(
                    f"pages {number}–{total} not read: over the limit of {limits.max_pages} pages "
                    f"(max_pages, {LIMIT_ENV['max_pages']})",
                    number,
                )
            )
            break
        if limits.seconds is not None and time.monotonic() - start > limits.seconds:
            problems.append(
                Problem(
                    f"pages {number}–{total} not read: over the time limit of {limits.seconds:g} s "
                    f"(seconds, {LIMIT_ENV['seconds']})",
                    number,
                )
            )
            break
        try:
            page, page_parts, page_lines = _page(ppage, number, limits.max_rulings, problems)
        except Exception as exc:
            failures.append(ExtractError(label, _why(exc), page=number))
            problems.append(Problem(f"cannot be read: {_why(exc)}", number))
            pages.append(Page(number))  # chars unknown: the page could not be parsed
            continue
        finally:
            _release(ppage)
        pages.append(page)
        if not page.has_text:
            problems.append(Problem("no text layer (scanned?): nothing to read", number))
        parts.extend(page_parts)
        lines.extend(page_lines)
    if failures and len(failures) == len(pages):
        raise failures[0]
    lines = _mark_furniture(lines, pages, parts)
    tables, lines = _join(parts, lines)
    return Document(label, "pdf", tuple(pages), tuple(tables), tuple(lines), tuple(problems))


def _release(ppage: Any) -> None:
    # pdfplumber caches every parsed object on the page; drop them so memory stays flat.
    with contextlib.suppress(Exception):
        ppage.close()


class _Glyph(NamedTuple):
    """A character reduced to what grouping needs; ``mid`` and ``base`` are top-down points.

    A named tuple, not an attrs class: one is made per character, and tuples are cheap.
    """

    text: str
    x0: float
    x1: float
    mid: float
    base: float
    size: float
    top: float
    bottom: float


def _glyph(ch: dict[str, Any], height: float) -> _Glyph:
    size = float(ch.get("size") or (ch["bottom"] - ch["top"]) or 1.0)
    matrix = ch.get("matrix")
    if ch.get("upright", True) and matrix is not None:
        # The baseline comes from the text matrix: some fonts report a glyph box shifted by most
        # of a line (seen on punctuation and digits in 重庆 reports), the baseline is right.
        base = height - float(matrix[5])
        mid = base - 0.35 * size
    else:
        base = float(ch["bottom"])
        mid = (float(ch["top"]) + base) / 2
    return _Glyph(
        str(ch["text"]),
        float(ch["x0"]),
        float(ch["x1"]),
        mid,
        base,
        size,
        float(ch["top"]),
        float(ch["bottom"]),
    )


# A glyph whose centre lies this far (points) outside its clipping box is not printed.
_CLIP_TOL = 0.5


@functools.cache
def _clipping_interpreter() -> Any:
    """pdfminer's page interpreter, following clipping paths (which pdfminer ignores): a glyph
    drawn outside the clip in force is not printed, so it is no text.  重庆's reports, exported
    from spreadsheets, clip each cell's text to the cell and draw a hidden column's 行次 (``1``)
    into a clip 0.6 pt wide, left of the label (``1（一）一般公共预算资金``).  The clip is
    kept as a box (the bounding box of each clipping path, intersected): a glyph outside it is
    certainly invisible.  (Built with ``type()`` from modules imported by name: pdfminer
    comes with the optional extra, and type checking must not need it.)"""
    base: Any = importlib.import_module("pdfminer.pdfinterp").PDFPageInterpreter
    lt_char: Any = importlib.import_module("pdfminer.layout").LTChar
    apply_matrix_pt: Any = importlib.import_module("pdfminer.utils").apply_matrix_pt

    def init_state(self: Any, ctm: Any) -> None:
        base.init_state(self, ctm)
        self.clip = self.inherited  # a form XObject is drawn inside its caller's clip
        self.clips = []
        self.pending = False

    def dup(self: Any) -> Any:
        sub = self.__class__(self.rsrcmgr, self.device)
        sub.inherited = self.clip
        return sub

    def do_q(self: Any) -> None:
        self.clips.append(self.clip)
        base.do_q(self)

    def do_Q(self: Any) -> None:
        if self.clips:
            self.clip = self.clips.pop()
        base.do_Q(self)

    def clip_next(self: Any) -> None:
        self.pending = True

    def end_path(self: Any) -> None:
        # W / W* take effect when the path is ended (by n or a painting operator).
        if not self.pending:
            return
        self.pending = False
        points = [apply_matrix_pt(self.ctm, (float(seg[i]), float(seg[i + 1])))
                  for seg in self.curpath for i in range(1, len(seg) - 1, 2)]
        if not points:
            return
        xs, ys = [x for x, _ in points], [y for _, y in points]
        box = (min(xs), min(ys), max(xs), max(ys))
        if self.clip is not None:
            a = self.clip
            box = (max(a[0], box[0]), max(a[1], box[1]), min(a[2], box[2]), min(a[3], box[3]))
        self.clip = box

    def do_TJ(self: Any, seq: Any) -> None:
        item = self.device.cur_item  # the layout device's current container
        before = len(item._objs)
        base.do_TJ(self, seq)
        if self.clip is None or len(item._objs) == before:
            return
        x0, y0, x1, y1 = self.clip
        item._objs[before:] = [
            o for o in item._objs[before:]
            if not isinstance(o, lt_char)
            or (x0 - _CLIP_TOL <= (o.x0 + o.x1) / 2 <= x1 + _CLIP_TOL
                and y0 - _CLIP_TOL <= (o.y0 + o.y1) / 2 <= y1 + _CLIP_TOL)]

    def ending(name: str) -> Any:
        paint = getattr(base, name)

        def op(self: Any, *args: Any) -> None:
            end_path(self)
            paint(self, *args)
        return op

    namespace: dict[str, Any] = {
        "inherited": None, "init_state": init_state, "dup": dup, "do_q": do_q, "do_Q": do_Q,
        "do_W": clip_next, "do_W_a": clip_next, "do_TJ": do_TJ,
        **{name: ending(name) for name in ("do_n", "do_S", "do_s", "do_f", "do_F", "do_f_a", "do_B",
                                            "do_B_a", "do_b", "do_b_a")},
    }
    return type("ClippingInterpreter", (base,), namespace)


def _lay_out(ppage: _PlumberPage) -> None:
    """Lay the page out as pdfplumber does, but with :func:`_clipping_interpreter`; left to
    pdfplumber when its internals are not those known (another version)."""
    if hasattr(ppage, "_layout"):
        return
    try:
        aggregator: Any = importlib.import_module("pdfplumber.page").PDFPageAggregatorWithMarkedContent
        device = aggregator(
            ppage.pdf.rsrcmgr, pageno=ppage.page_number, laparams=ppage.pdf.laparams
        )
        interpreter = _clipping_interpreter()(ppage.pdf.rsrcmgr, device)
    except (ImportError, AttributeError, TypeError):
        return
    interpreter.process_page(ppage.page_obj)
    ppage._layout = device.get_result()


def _page(
    ppage: _PlumberPage, number: int, max_rulings: int | None, problems: list[Problem]
) -> tuple[Page, list[_Part], list[TextLine]]:
    _lay_out(ppage)
    chars = ppage.chars
    height = float(ppage.height)
    page = Page(number, float(ppage.width), height, len(chars))
    if not chars:
        return page, [], []
    glyphs = [_glyph(ch, height) for ch in chars]
    edges = ppage.edges
    if max_rulings is not None and len(edges) > max_rulings:
        problems.append(
            Problem(
                f"{len(edges)} ruling edges, over the limit of {max_rulings} ({LIMIT_ENV['max_rulings']}): "
                "no table looked for, the page is read as running text",
                number,
            )
        )
        return page, [], _text_lines(glyphs, number)
    found = ppage.find_tables()
    strategy: Strategy = "lines"
    if not found and not edges and _aligned_rows(glyphs) >= 3:
        found = ppage.find_tables(_TEXT_SETTINGS)
        strategy = "text"
    grids = [g for g in (_Grid.of(t) for t in found) if g is not None]
    rest: list[_Glyph] = []
    for glyph in glyphs:
        for grid in grids:
            if grid.take(glyph):
                break
        else:
            rest.append(glyph)
    parts = []
    for grid in grids:
        part = grid.part(number, strategy)
        if strategy == "text":
            trimmed, released = _trim(grid, part)
            if trimmed is None or not _looks_tabular(trimmed.table):
                rest.extend(grid.glyphs())
                continue
            rest.extend(released)
            part = trimmed
        parts.append(part)
    return page, parts, _text_lines(rest, number)


def _text_lines(glyphs: Sequence[_Glyph], page: int) -> list[TextLine]:
    return [TextLine(page, n, text, box) for n, (text, box) in enumerate(_group(glyphs), start=1)]


def _trim(grid: _Grid, part: _Part) -> tuple[_Part | None, list[_Glyph]]:
    """A table found by text alignment without its blank rows and without the rows of a single
    cell around it (a title or a unit line above, a note below: running text)."""
    rows = part.table.rows
    filled = [sum(1 for c in r.cells if c) for r in rows]
    multi = [i for i, n in enumerate(filled) if n >= 2]
    if not multi:
        return None, []
    keep = [i for i in range(multi[0], multi[-1] + 1) if filled[i]]
    kept_rows = set(keep)
    released = [g for (r, _), gs in grid.content.items() if r not in kept_rows for g in gs]
    kept = tuple(evolve(rows[i], index=k) for k, i in enumerate(keep))
    x0, _, x1, _ = part.table.bbox or (0.0, 0.0, 0.0, 0.0)
    bbox = (
        x0,
        kept[0].bbox[1] if kept[0].bbox else 0.0,
        x1,
        kept[-1].bbox[3] if kept[-1].bbox else 0.0,
    )
    table = evolve(part.table, rows=kept, bbox=bbox, parts=((part.table.page, bbox),))
    return _Part(table, part.xs), released


def _looks_tabular(table: ExtractedTable) -> bool:
    """Whether a table found by text alignment is a table of figures rather than prose."""
    numeric_rows = 0
    for row in table.rows:
        filled = [c for c in row.cells if c]
        if len(filled) >= 2 and any(_NUMBER.match(c) for c in row.cells[1:] if c):
            numeric_rows += 1
    return table.width >= 2 and numeric_rows >= 3 and numeric_rows * 2 >= len(table.rows)


def _positions(values: Iterable[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > _TOL:
            out.append(v)
    return out


class _Grid:
    """A table's cell grid while characters are dealt into its cells (mutable, local)."""

    def __init__(self, cells: Sequence[tuple[float, float, float, float]]) -> None:
        self.xs = _positions(c[0] for c in cells)
        self.tops = _positions(c[1] for c in cells)
        self.right = max(c[2] for c in cells)
        self.bottom = max(c[3] for c in cells)
        rows, cols = len(self.tops), len(self.xs)
        # owner[r][c]: the top-left (row, column) of the cell covering (r, c)
        self.owner: list[list[tuple[int, int] | None]] = [[None] * cols for _ in range(rows)]
        self.spans: list[Span] = []
        for x0, top, x1, bot in sorted(cells, key=lambda c: (c[1], c[0])):
            r, c = _nearest(self.tops, top), _nearest(self.xs, x0)
            ncols = sum(1 for x in self.xs if x0 - _TOL <= x < x1 - _TOL) or 1
            nrows = sum(1 for y in self.tops if top - _TOL <= y < bot - _TOL) or 1
            for i in range(r, min(r + nrows, rows)):
                for j in range(c, min(c + ncols, cols)):
                    if self.owner[i][j] is None:
                        self.owner[i][j] = (r, c)
            if ncols > 1 or nrows > 1:
                self.spans.append(Span(r, c, nrows, ncols))
        self.content: dict[tuple[int, int], list[_Glyph]] = {}

    @classmethod
    def of(cls, found: _PlumberTable) -> _Grid | None:
        cells = list(found.cells)
        if not cells:
            return None
        grid = cls(cells)
        if len(grid.xs) < 2 and len(grid.tops) < 2:
            return None  # one framed box: running text in a frame, not a table
        return grid

    def take(self, glyph: _Glyph) -> bool:
        """Deal ``glyph`` into the cell under its centre; ``False`` if it is outside the table."""
        cx = (glyph.x0 + glyph.x1) / 2
        if not (self.xs[0] <= cx <= self.right and self.tops[0] <= glyph.mid <= self.bottom):
            return False
        r = bisect_right(self.tops, glyph.mid) - 1
        c = bisect_right(self.xs, cx) - 1
        owner = self.owner[r][c] or (r, c)
        self.content.setdefault(owner, []).append(glyph)
        return True

    def glyphs(self) -> list[_Glyph]:
        return [g for gs in self.content.values() for g in gs]

    def part(self, page: int, strategy: Strategy) -> _Part:
        width = len(self.xs)
        grid = [[""] * width for _ in self.tops]
        indents: list[list[float | None]] = [[None] * width for _ in self.tops]
        for (r, c), glyphs in self.content.items():
            grid[r][c] = _cell_text(glyphs)
            if grid[r][c]:
                # from the first inked glyph: indentation is often printed as leading blanks
                left = min(g.x0 for g in glyphs if g.text.strip())
                indents[r][c] = round(max(0.0, left - self.xs[c]), 1)
        edges = [*self.tops[1:], self.bottom]
        rows = tuple(
            TableRow(
                tuple(grid[i]),
                page,
                i,
                (self.xs[0], top, self.right, edges[i]),
                indents=tuple(indents[i]),
            )
            for i, top in enumerate(self.tops)
        )
        bbox = (self.xs[0], self.tops[0], self.right, self.bottom)
        table = ExtractedTable(
            rows=rows,
            page=page,
            strategy=strategy,
            spans=tuple(self.spans),
            bbox=bbox,
            parts=((page, bbox),),
            header_rows=_header_rows(self.spans),
        )
        return _Part(table, (*self.xs, self.right))


def _nearest(positions: Sequence[float], value: float) -> int:
    i = bisect_left(positions, value - _TOL)
    return min(i, len(positions) - 1)


def _header_rows(spans: Iterable[Span]) -> int:
    """The rows of a merged header: spans starting in row 0, and spans starting inside them."""
    end = 0
    for span in sorted(spans, key=lambda s: s.row):
        if span.row == 0 or span.row < end:
            end = max(end, span.row + span.rows)
    return end


def _cell_text(glyphs: Sequence[_Glyph]) -> str:
    return clean_cell("\n".join(text for text, _ in _group(glyphs)))


def _bands(glyphs: Sequence[_Glyph]) -> list[list[_Glyph]]:
    """Glyphs grouped into printed lines by baseline, each ordered by x."""
    bands: list[tuple[float, float, list[_Glyph]]] = []
    for g in sorted(glyphs, key=lambda g: (g.base, g.x0)):
        if bands:
            base, size, members = bands[-1]
            if abs(g.base - base) <= 0.3 * max(size, g.size):
                members.append(g)
                continue
        bands.append((g.base, g.size, [g]))
    for _, _, members in bands:
        members.sort(key=lambda g: g.x0)
    return [members for _, _, members in bands]


def _aligned_rows(glyphs: Sequence[_Glyph]) -> int:
    """How many printed lines have a number after a wide gap (> 1.5 em): rows of figures.

    A cheap test run before pdfplumber's text strategy, which is slow on pages of prose.
    """
    count = 0
    for members in _bands(glyphs):
        for prev, g in itertools.pairwise(members):
            if g.x0 - prev.x1 > 1.5 * max(g.size, prev.size, 4.0) and g.text.isdigit():
                count += 1
                break
    return count


def _group(glyphs: Sequence[_Glyph]) -> list[tuple[str, BBox]]:
    """Group glyphs into printed lines by baseline, order each by x, put a space at gaps."""
    out: list[tuple[str, BBox]] = []
    for members in _bands(glyphs):
        pieces: list[str] = []
        last: _Glyph | None = None
        for g in members:
            if last is not None:
                if g.text == last.text and abs(g.x0 - last.x0) < _TOL:
                    continue  # the same glyph printed twice (fake bold)
                if g.x0 - last.x1 > 0.25 * max(g.size, last.size, 4.0):
                    pieces.append(" ")
            pieces.append(g.text)
            last = g
        text = clean_line("".join(pieces))
        if text:
            box = (
                min(g.x0 for g in members),
                min(g.top for g in members),
                max(g.x1 for g in members),
                max(g.bottom for g in members),
            )
            out.append((text, box))
    return out


def _mark_furniture(
    lines: list[TextLine], pages: Sequence[Page], parts: Sequence[_Part]
) -> list[TextLine]:
    """Mark running headers, footers and page numbers (页眉页脚).

    Furniture is a line in the top or bottom margin band that is a page number or is printed
    identically on many pages, or a page number printed as the first or last line of its page
    with no table above or below it (footers sit higher than the band on some pages).
    """
    heights = {p.number: p.height or 0.0 for p in pages}
    tops: dict[int, float] = {}
    bottoms: dict[int, float] = {}
    for part in parts:
        if part.table.bbox is not None:
            page = part.table.page
            tops[page] = min(tops.get(page, part.table.bbox[1]), part.table.bbox[1])
            bottoms[page] = max(bottoms.get(page, 0.0), part.table.bbox[3])
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for line in lines:
        first.setdefault(line.page, line.line)
        last[line.page] = line.line

    def in_margin(line: TextLine) -> bool:
        h = heights.get(line.page) or 0.0
        if not h or line.bbox is None:
            return False
        return line.bbox[3] <= _MARGIN * h or line.bbox[1] >= (1 - _MARGIN) * h

    def at_edge(line: TextLine) -> bool:
        if line.bbox is None:
            return False
        if line.line == last[line.page]:
            return line.bbox[1] >= bottoms.get(line.page, 0.0)
        if line.line == first[line.page]:
            return line.bbox[3] <= tops.get(line.page, line.bbox[3])
        return False

    counts = Counter(text for _, text in {(ln.page, ln.text) for ln in lines if in_margin(ln)})
    threshold = max(3, int(0.4 * len(pages) + 0.999))
    out = []
    for line in lines:
        number = _PAGE_NUMBER.match(line.text) is not None
        if (in_margin(line) and (number or counts[line.text] >= threshold)) or (
            number and at_edge(line)
        ):
            line = evolve(line, furniture=True)
        out.append(line)
    return out


def _join(parts: list[_Part], lines: list[TextLine]) -> tuple[list[ExtractedTable], list[TextLine]]:
    """Join each table to its continuation on the next page, dropping its repeated header.

    ``B`` continues ``A`` when ``B`` is the first table on the page after ``A``'s last page,
    ``A`` is the last table there, nothing but furniture follows ``A`` or precedes ``B`` —
    except a repeat of the lines printed just above ``A`` (the title printed again) — and
    both have the same columns (same count, positions within 2% of the page width).  When
    the title is printed again, the header must be too.
    """
    by_page: dict[int, list[TextLine]] = {}
    for line in lines:
        if not line.furniture:
            by_page.setdefault(line.page, [])
            by_page[line.page].append(line)
    dropped: set[tuple[int, int]] = set()
    joined: list[tuple[ExtractedTable, tuple[float, ...]]] = []
    first_on: dict[int, int] = {}
    last_on: dict[int, int] = {}
    for n, part in enumerate(parts):
        first_on.setdefault(part.table.page, n)
        last_on[part.table.page] = n
    for n, part in enumerate(parts):
        b = part.table
        if joined:
            a, xs = joined[-1]
            last_page = a.rows[-1].page if a.rows else a.page
            repeated = _continues(a, xs, last_page, part, n, first_on, last_on, parts, by_page)
            # A title printed again over a table whose header is not printed again is a new
            # copy of a form (绩效目标表 one per project), not a continuation.
            if repeated is not None and not (repeated and repeated_rows(a, b) == 0):
                joined[-1] = (_merge(a, b, repeated), xs)
                dropped.update((ln.page, ln.line) for ln in repeated)
                continue
        joined.append((b, part.xs))
    kept = [ln for ln in lines if (ln.page, ln.line) not in dropped]
    return [t for t, _ in joined], kept


def _continues(
    a: ExtractedTable,
    xs: tuple[float, ...],
    last_page: int,
    part: _Part,
    n: int,
    first_on: dict[int, int],
    last_on: dict[int, int],
    parts: list[_Part],
    by_page: dict[int, list[TextLine]],
) -> tuple[TextLine, ...] | None:
    """The title lines repeated above ``part`` if it continues ``a``, else ``None``."""
    b = part.table
    if b.page != last_page + 1 or first_on.get(b.page) != n:
        return None
    if parts[last_on[last_page]].table.bbox != a.parts[-1][1]:
        return None  # a is not the last table on its last page
    if b.width != a.width or len(part.xs) != len(xs) or a.bbox is None or b.bbox is None:
        return None
    span = max(xs[-1] - xs[0], 1.0)
    if any(abs(p - q) > 0.02 * span + 2 for p, q in zip(part.xs, xs, strict=True)):
        return None
    a_bottom = a.parts[-1][1][3] if a.parts[-1][1] is not None else 0.0
    if any(ln.bbox is not None and ln.bbox[1] >= a_bottom for ln in by_page.get(last_page, [])):
        return None  # a note or a new section follows the first part
    above_b = [
        ln for ln in by_page.get(b.page, []) if ln.bbox is not None and ln.bbox[3] <= b.bbox[1]
    ]
    if not above_b:
        return ()
    above_a = [
        ln for ln in by_page.get(a.page, []) if ln.bbox is not None and ln.bbox[3] <= a.bbox[1]
    ]
    if len(above_b) <= len(above_a) and [ln.text for ln in above_a[-len(above_b) :]] == [
        ln.text for ln in above_b
    ]:
        return tuple(above_b)
    return None


def _merge(a: ExtractedTable, b: ExtractedTable, repeated: tuple[TextLine, ...]) -> ExtractedTable:
    k = repeated_rows(a, b)
    offset = len(a.rows) - k
    spans = a.spans + tuple(evolve(s, row=s.row + offset) for s in b.spans if s.row >= k)
    return evolve(
        a,
        rows=a.rows + b.rows[k:],
        spans=spans,
        parts=a.parts + b.parts,
        header_rows=a.header_rows or k,
        dropped_rows=a.dropped_rows + k,
        dropped_lines=a.dropped_lines + repeated,
    )
