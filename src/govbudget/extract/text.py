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
    # Cells by single spaces only where no line has a tab (a tabbed text says where its cells are).
    tokens = not any("\t" in line for _, _, line in numbered)
    kinds: dict[int, tuple[frozenset[str], ...]] = {}
    i = 0
    while i < len(numbered):
        block = _block(numbered, i)
        table: ExtractedTable | None = None
        if block:
            table = _table(numbered[i : i + block])
        elif tokens and (block := _token_block(numbered, i)):
            part = numbered[i : i + block]
            grid, loose = _by_tokens(part, kinds)
            for k in loose:  # fits no column uniquely: running text, its figures not placed
                lines.append(TextLine(part[k][0], part[k][1], clean_line(part[k][2])))
            kept = [(entry, cells) for k, (entry, cells) in enumerate(zip(part, grid, strict=True)) if k not in loose]
            if len(kept) >= 2:
                table = _grid_table([e for e, _ in kept], [c for _, c in kept])
            else:
                lines.extend(TextLine(e[0], e[1], clean_line(e[2])) for e, _ in kept)
        if block:
            if table is not None:
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
    return _grid_table(block, grid)


def _grid_table(block: Sequence[tuple[int, int, str]], grid: Sequence[list[str]]) -> ExtractedTable:
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


# -- text with single spaces between cells (pdfplumber's extract_text, a copy from a PDF viewer) ----
# No tab and no gutter tells the cells apart: a cell is a token.  A table row is a line of tokens
# with a bare number and no sentence punctuation; the rows of a block with the most tokens give
# each column's kind (text, integer, amount), and a shorter row (its blank cells not printed) is
# placed where the placements that fit those kinds agree.  A figure they do not agree on is in
# no column: each column it might be in gets an unreadable cell (not read, never a blank zero),
# so its row is still there, named; a row whose words cannot be placed is left as running text
# and its figures are reported as not placed.
_SENTENCE = re.compile(r"[。，；;！？：:]")
_INTEGER = re.compile(r"^-?\d+$")
_AMOUNT = re.compile(r"^[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?$")
_BLANK_MARKS = frozenset({"-", "—", "－", "--", "——", "/"})
_ONE_CJK = re.compile(r"^[\u4e00-\u9fff]$")
#: Kinds of a token: text, integer (行次, codes, whole 元), amount (decimals or separators), blank mark.
_T, _I, _A, _B = "T", "I", "A", "B"


def _tokens(line: str) -> list[str]:
    """The single-space tokens of ``line``; a letter-spaced word (``项 目``, ``栏 次``) is one."""
    out: list[str] = []
    spaced = False  # the last token was built of single characters
    for tok in clean_line(line).split(" "):
        if out and _ONE_CJK.match(tok) and (spaced or _ONE_CJK.match(out[-1])):
            out[-1] += tok
            spaced = True
        else:
            out.append(tok)
            spaced = False
    return [t for t in out if t]


def _kind(token: str) -> str:
    if token in _BLANK_MARKS:
        return _B
    if _INTEGER.match(token):
        return _I
    return _A if _AMOUNT.match(token) else _T


def _token_row(line: str) -> list[str] | None:
    """The tokens of a table row (two or more, a bare number, no sentence punctuation), else None."""
    if "\t" in line or _FIELD_GAP.search(line.strip()) or _SENTENCE.search(line):
        return None
    toks = _tokens(line)
    if len(toks) < 2 or not any(_kind(t) in (_I, _A, _B) for t in toks):
        return None
    return toks


def _token_header(line: str) -> list[str] | None:
    """The tokens of a header line inside a token block (words only, no punctuation)."""
    if "\t" in line or _SENTENCE.search(line):
        return None
    toks = _tokens(line)
    return toks if len(toks) >= 2 and all(_kind(t) is _T and len(t) <= 20 for t in toks) else None


def _token_block(numbered: Sequence[tuple[int, int, str]], start: int) -> int:
    """The length of the single-space table block starting at ``start``: header lines, then
    rows; at least two rows (0: none starts there)."""
    page = numbered[start][0]
    j = start
    while j < len(numbered) and numbered[j][0] == page and _token_header(numbered[j][2]) and j - start < 4:
        j += 1
    rows = 0
    end = start
    while j < len(numbered) and numbered[j][0] == page and (
            _token_row(numbered[j][2]) or (rows and _token_header(numbered[j][2]))):
        if _token_row(numbered[j][2]):
            rows += 1
            end = j + 1
        j += 1
    return end - start if rows >= 2 else 0


def _placements(kinds: Sequence[str], slots: Sequence[frozenset[str]], limit: int = 2) -> list[tuple[int, ...]]:
    """Order-keeping placements of tokens of ``kinds`` in columns accepting ``slots``
    (at most ``limit`` found: two are enough to know it is ambiguous)."""
    found: list[tuple[int, ...]] = []

    def walk(i: int, s: int, at: tuple[int, ...]) -> None:
        if len(found) >= limit:
            return
        if i == len(kinds):
            found.append(at)
            return
        for k in range(s, len(slots) - (len(kinds) - i) + 1):
            if kinds[i] in slots[k]:
                walk(i + 1, k + 1, (*at, k))

    walk(0, 0, ())
    return found


def _by_tokens(block: Sequence[tuple[int, int, str]],
               known: dict[int, tuple[frozenset[str], ...]]) -> tuple[list[list[str]], list[int]]:
    """The grid of a single-space block, and the indexes of its lines that fit no column
    uniquely (left as running text).  ``known``: the column kinds of the blocks read before, by
    width — a table continued on the next page, whose rows there leave a side blank (a
    header wider than every row), takes the kinds of its first part."""
    toks = [_token_row(text) or _token_header(text) or [] for _, _, text in block]
    data = [t for t in toks if any(_kind(x) is not _T for x in t)]
    width = max(len(t) for t in data)
    header = max((len(t) for t in toks if t not in data), default=0)
    frozen: tuple[frozenset[str], ...]
    if header > width and header in known:
        width, frozen = header, known[header]
    elif header > width:
        # Every row leaves cells blank and no earlier part says which: no cell has a known
        # column, so the block is running text (its figures reported as not placed).
        return [[] for _ in toks], list(range(len(toks)))
    else:
        slots: list[set[str]] = [set() for _ in range(width)]
        for t in data:
            if len(t) == width:
                for k, x in enumerate(t):
                    slots[k].add(_kind(x))
        for sl in slots:  # a blank mark ('-', '—') may stand in any number's column
            if sl & {_I, _A}:
                sl.add(_B)
        frozen = tuple(frozenset(sl) for sl in slots)
        known[width] = frozen
    grid: list[list[str]] = []
    loose: list[int] = []
    for n, t in enumerate(toks):
        if len(t) == width:
            grid.append([clean_cell(x) for x in t])
            continue
        if not any(_kind(x) is not _T for x in t):  # a header line: spread its words evenly
            step = width // len(t) if width % len(t) == 0 else 1
            if len(t) > width:
                loose.append(n)
                grid.append([])
                continue
            row = [""] * width
            for k, x in enumerate(t):
                row[min(k * step, width - 1)] = clean_cell(x)
            grid.append(row)
            continue
        fits = _placements([_kind(x) for x in t], frozen, limit=64) if len(t) < width else []
        row = _placed(t, fits, width)
        if row is None:
            loose.append(n)
            grid.append([])
        else:
            grid.append(row)
    return grid, loose


def _placed(tokens: Sequence[str], fits: Sequence[tuple[int, ...]], width: int) -> list[str] | None:
    """The cells of a row from its possible placements: a token that every placement puts in
    the same column is placed; the columns the other figures might be in get a cell naming
    them as placed nowhere (an unreadable amount: not read, never a blank); ``None`` when a
    word has no one column or too many placements were possible."""
    if not fits or len(fits) >= 64:
        return None
    row = [""] * width
    unsure: list[str] = []
    columns: set[int] = set()
    for i, x in enumerate(tokens):
        at = {f[i] for f in fits}
        if len(at) == 1:
            row[at.pop()] = clean_cell(x)
        elif _kind(x) is _T:
            return None
        else:
            unsure.append(x)
            columns |= at
    for k in sorted(columns):
        if not row[k]:
            row[k] = f"{' '.join(unsure)}（栏位不明）"
    return row
