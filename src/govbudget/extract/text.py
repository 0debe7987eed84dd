"""Extraction of text as other tools extract it (pdftotext, copy from a web page, our own output).

One table per block: a block is a run of lines that split into two or more cells, with lines of
a single cell inside it (a ``其中：`` label row) kept as rows.  Cells are split by tabs when
the block has any; otherwise by the gutters of the block, the display columns (CJK characters
counting two) that are blank on every line of it, at least two wide — so a blank cell in a
space-aligned table stays a blank cell instead of shifting the cells after it.  A block needs
two rows of two or more cells to be a table; any other line is running text.  Blocks of the same width
separated only by blank lines (a page break in extracted text) are one table, header rows
printed again dropped.  A Markdown pipe table (lines ``| a | b |``) is a block of its own, its
alignment row (``| --- | ---: |``) dropped.

The whole text is page 1, unless it has form feeds (``\\f``, pdftotext's page break), which
start pages 2, 3, …; :attr:`TextLine.line` and :attr:`TableRow.line` are 1-based source lines.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from attrs import evolve

from govbudget.errors import ExtractError
from govbudget.extract.model import (
    Document,
    ExtractedTable,
    Limits,
    Page,
    TableRow,
    TextLine,
    over_limit,
    repeated_rows,
    resolve_limits,
)
from govbudget.extract.text_utils import clean_cell, clean_line, decode

_FIELD_GAP = re.compile(r"\t|[ \u3000]{2,}")


def extract_text(
    source: str | os.PathLike[str] | bytes,
    *,
    name: str | None = None,
    limits: Limits | None = None,
) -> Document:
    """Extract a text file (its path or bytes) into a :class:`~govbudget.extract.Document`."""
    label, data = _read(source, name, resolve_limits(limits))
    return parse_text(decode(data, label), source=label)


def _read(
    source: str | os.PathLike[str] | bytes, name: str | None, limits: Limits
) -> tuple[str, bytes]:
    if isinstance(source, bytes):
        label, data = name or "<bytes>", source
    else:
        label = name or os.fspath(source)
        try:
            size = Path(source).stat().st_size
            if limits.max_bytes is not None and size > limits.max_bytes:
                raise over_limit(label, f"is {size} bytes, over the limit of {limits.max_bytes} bytes", "max_bytes")
            data = Path(source).read_bytes()
        except OSError as exc:
            raise ExtractError(label, f"cannot be read ({exc.strerror or exc})") from exc
    if limits.max_bytes is not None and len(data) > limits.max_bytes:
        raise over_limit(label, f"is {len(data)} bytes, over the limit of {limits.max_bytes} bytes", "max_bytes")
    return label, data


def parse_text(text: str, *, source: str = "text") -> Document:
    """Extract text already decoded (see the module doc for how tables are found)."""
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    numbered: list[tuple[int, int, str]] = []  # (page, source line, text)
    page = 1
    for n, line in enumerate(raw, start=1):
        while "\f" in line:
            before, line = line.split("\f", 1)
            if before.strip():
                numbered.append((page, n, before))
            page += 1
        numbered.append((page, n, line))
    tables: list[ExtractedTable] = []
    lines: list[TextLine] = []
    text_since_table = True
    i = 0
    while i < len(numbered):
        block = _block(numbered, i)
        if block:
            table = _table(numbered[i : i + block])
            if not text_since_table and tables[-1].width == table.width:
                tables[-1] = _join(tables[-1], table)
            else:
                tables.append(table)
            text_since_table = False
            i += block
            continue
        p, n, line = numbered[i]
        cleaned = clean_line(line)
        if cleaned:
            lines.append(TextLine(p, n, cleaned))
            text_since_table = True
        i += 1
    pages = tuple(Page(k) for k in range(1, page + 1))
    return Document(source, "text", pages, tuple(tables), tuple(lines))


def _join(first: ExtractedTable, more: ExtractedTable) -> ExtractedTable:
    """A table broken by blank lines (a page break in extracted text), its repeated header
    rows dropped."""
    k = repeated_rows(first, more)
    return evolve(
        first,
        rows=first.rows + more.rows[k:],
        header_rows=first.header_rows or k,
        dropped_rows=first.dropped_rows + k,
    )


def _fields(line: str) -> list[str]:
    return [f for f in _FIELD_GAP.split(line.strip()) if f.strip()]


def _is_pipe(line: str) -> bool:
    stripped = line.strip()
    return len(stripped) >= 2 and stripped.startswith("|") and stripped.endswith("|")


def _pipe_cells(line: str) -> list[str]:
    # "| a | b |" → ["a", "b"]; "\|" is a literal bar inside a cell
    inner = line.strip()[1:-1]
    cells = re.split(r"(?<!\\)\|", inner)
    return [clean_cell(c.replace("\\|", "|")) for c in cells]


_ALIGNMENT = re.compile(r"^:?-{3,}:?$")


def _block(numbered: Sequence[tuple[int, int, str]], start: int) -> int:
    """The length of the table block starting at ``start`` (0: no table starts there)."""
    page = numbered[start][0]
    if _is_pipe(numbered[start][2]):
        j = start
        while j < len(numbered) and numbered[j][0] == page and _is_pipe(numbered[j][2]):
            j += 1
        return j - start
    multi = 0
    end = start  # one past the last line of two or more cells
    j = start
    while j < len(numbered) and numbered[j][0] == page and numbered[j][2].strip():
        count = len(_fields(numbered[j][2]))
        if count >= 2:
            multi += 1
            end = j + 1
        elif j == start:
            return 0
        j += 1
    return end - start if multi >= 2 else 0


def _width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def _columns(line: str) -> list[tuple[int, str]]:
    """The characters of ``line`` with their display column (tabs expanded to 8)."""
    out: list[tuple[int, str]] = []
    col = 0
    for ch in line:
        if ch == "\t":
            col = (col // 8 + 1) * 8
            continue
        out.append((col, ch))
        col += _width(ch)
    return out


def _table(block: Sequence[tuple[int, int, str]]) -> ExtractedTable:
    if _is_pipe(block[0][2]):
        # a Markdown pipe table: the alignment row under the header is layout, not a row
        kept = [
            (entry, cells)
            for entry in block
            for cells in [_pipe_cells(entry[2])]
            if not all(_ALIGNMENT.match(c.replace(" ", "")) for c in cells)
        ]
        block = [entry for entry, _ in kept] or list(block[:1])
        grid = [cells for _, cells in kept] or [_pipe_cells(block[0][2])]
    elif any("\t" in text for _, _, text in block):
        grid = [[clean_cell(c) for c in text.strip("\n").split("\t")] for _, _, text in block]
    else:
        grid = _by_gutters([text for _, _, text in block])
    width = max(len(r) for r in grid)
    rows = tuple(
        TableRow(tuple(cells + [""] * (width - len(cells))), page, k, line=n)
        for k, (cells, (page, n, _)) in enumerate(zip(grid, block, strict=True))
    )
    return ExtractedTable(rows=rows, page=block[0][0], strategy="block")


def _by_gutters(texts: Sequence[str]) -> list[list[str]]:
    laid = [_columns(t.rstrip()) for t in texts]
    extent = max((c + _width(ch) for row in laid for c, ch in row), default=0)
    used = [False] * extent
    for row in laid:
        for c, ch in row:
            if not ch.isspace() and ch != "\u3000":
                for k in range(c, c + _width(ch)):
                    used[k] = True
    # cut points: the middle of every run of ≥ 2 unused columns between used ones
    cuts: list[int] = []
    k = 0
    while k < extent:
        if not used[k]:
            j = k
            while j < extent and not used[j]:
                j += 1
            if j - k >= 2 and k > 0 and j < extent:
                cuts.append(j)
            k = j
        else:
            k += 1
    bounds = [0, *cuts, extent + 1]
    grid: list[list[str]] = []
    for row in laid:
        cells = ["" for _ in range(len(bounds) - 1)]
        for c, ch in row:
            for b in range(len(bounds) - 1):
                if bounds[b] <= c < bounds[b + 1]:
                    cells[b] += ch
                    break
        grid.append([clean_cell(cell) for cell in cells])
    return grid
