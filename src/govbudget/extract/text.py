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
    UNPLACED,
    Document,
    ExtractedTable,
    Limits,
    Page,
    TableRow,
    TextLine,
    is_unplaced,
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
    # The running text printed since the last table, and the text printed above it: a table
    # continued on the next page has its title, unit and header lines printed again there.
    since: list[int] = []  # indexes into ``lines``
    above_last: set[str] = set()
    i = 0
    while i < len(numbered):
        block = _block(numbered, i)
        table: ExtractedTable | None = None
        if block:
            table = _table(numbered[i : i + block])
        elif tokens and (block := _token_block(numbered, i)):
            part = numbered[i : i + block]
            grid, loose = _by_tokens(part, kinds)
            for k in sorted(loose):  # fits no column uniquely: running text, its figures not placed
                lines.append(TextLine(part[k][0], part[k][1], clean_line(part[k][2])))
            kept = [(entry, cells) for k, (entry, cells) in enumerate(zip(part, grid, strict=True))
                    if k not in loose and cells]
            if len(kept) >= 2:
                table = _grid_table([e for e, _ in kept], [c for _, c in kept])
            else:
                lines.extend(TextLine(e[0], e[1], clean_line(e[2])) for e, _ in kept)
        if block:
            if table is not None:
                repeated = tables and tables[-1].width == table.width and since and all(
                    lines[k].text in above_last or _PAGE_NUMBER.match(lines[k].text) for k in since)
                if tables and tables[-1].width == table.width and (not text_since_table or repeated):
                    dropped = tuple(lines[k] for k in since)
                    for k in reversed(since):
                        del lines[k]
                    tables[-1] = _join(tables[-1], table, dropped)
                else:
                    above_last = {lines[k].text for k in since}
                    tables.append(table)
                text_since_table = False
                since = []
            i += block
            continue
        p, n, line = numbered[i]
        cleaned = clean_line(line)
        if cleaned:
            since.append(len(lines))
            lines.append(TextLine(p, n, cleaned))
            text_since_table = True
        i += 1
    pages = tuple(Page(k) for k in range(1, page + 1))
    return Document(source, "text", pages, tuple(tables), tuple(lines))


#: A page number as extracted text prints it: ``15``, ``- 15 -``, ``第 15 页``.
_PAGE_NUMBER = re.compile(r"^(?:[-－—]\s*)?(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[-－—])?$")


def _join(first: ExtractedTable, more: ExtractedTable, dropped: tuple[TextLine, ...] = ()) -> ExtractedTable:
    """A table broken by blank lines or a page break (its title, unit and header lines printed
    again above the continuation: ``dropped``), its repeated header rows dropped."""
    k = repeated_rows(first, more)
    return evolve(
        first,
        rows=first.rows + more.rows[k:],
        header_rows=first.header_rows or k,
        dropped_rows=first.dropped_rows + k,
        dropped_lines=first.dropped_lines + dropped,
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
# each column's kind (text, integer, amount).  Everything else is placed by those kinds, and only
# where the placements that fit agree:
# * a row whose blank cells are not printed: a figure the placements do not agree on is in no
#   column — each column it might be in gets an unreadable cell (not read, never a blank zero);
# * a header line: its words by what they head (项目/名称 a text column, 行次 an integer column,
#   any other word a column of figures); a word with no one column is left out of the header;
# * a label wrapped over lines (``七、文化旅游体育与传媒支`` / row / ``出``): joined into the one
#   blank text column of the row whose side has figures.
# A row whose words cannot be placed is kept in the table, every cell of it :data:`UNPLACED`, so
# the reader knows the table printed a row it cannot read.  Never a guessed column.
_SENTENCE = re.compile(r"[。，；;！？：:]")
_INTEGER = re.compile(r"^-?\d+$")
_AMOUNT = re.compile(r"^[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?$")
_BLANK_MARKS = frozenset({"-", "—", "－", "--", "——", "/"})
_ONE_CJK = re.compile(r"^[\u4e00-\u9fff]$")
_TABLE_NUMBER = re.compile(r"^(?:附)?表[0-9一二三四五六七八九十]+$")
#: Header words of the label columns and of the 行次/栏次 column (any other heads figures).
_LABEL_WORDS = re.compile(r"(?:项目|科目|名称|编码|代码|分类)$")
_NUMBER_WORDS = re.compile(r"^(?:行次|栏次|序号)$")
#: Kinds of a token: text, integer (行次, codes, whole 元), amount (decimals or separators), blank mark.
_T, _I, _A, _B = "T", "I", "A", "B"
_MAX_PLACEMENTS = 64


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


_BRACKETS_ONLY = re.compile(r"^[()（）\[\]【】“”\"'‘’]+$")


def _words(line: str) -> list[str] | None:
    """The tokens of a line of words only (no figure, no punctuation), else None; brackets and
    quotes standing alone (a spaced-out ``（境）``) are no words."""
    if "\t" in line or _SENTENCE.search(line):
        return None
    toks = [t for t in _tokens(line) if not _BRACKETS_ONLY.match(t)]
    return toks if toks and all(_kind(t) is _T for t in toks) else None


def _column_numbers(line: str) -> bool:
    """The 栏次 row (``栏次 1 2 3``, ``栏次 1 栏次 2 3 4``): part of the head, no figures."""
    toks = _tokens(line)
    return bool(toks) and bool(_NUMBER_WORDS.match(toks[0])) and all(
        _NUMBER_WORDS.match(t) or _INTEGER.match(t) for t in toks)


#: A page number as pdfplumber spaces it out: ``— 2 3 —``, ``- 15 -``, ``第 3 页``.
_SPACED_PAGE_NUMBER = re.compile(r"^[-－—–]?\s*(?:第\s*)?[\d\s]{1,8}(?:页)?\s*[-－—–]?$")


def _token_row(line: str) -> list[str] | None:
    """The tokens of a table row (two or more, a bare number, no sentence punctuation), else None."""
    if "\t" in line or _FIELD_GAP.search(line.strip()) or _SENTENCE.search(line) or _column_numbers(line) \
            or _SPACED_PAGE_NUMBER.match(line.strip()):
        return None
    toks = _tokens(line)
    if len(toks) < 2 or not any(_kind(t) in (_I, _A, _B) for t in toks):
        return None
    return toks


def _head_line(line: str) -> bool:
    """A line of a table's head: words of a header (``科目编码`` alone is one, a title is longer),
    or its 栏次 row."""
    if _column_numbers(line) and not _SENTENCE.search(line):
        return True
    toks = _words(line)
    if toks is None or any(len(t) > 20 for t in toks):
        return False
    return len(toks) >= 2 or (len(toks[0]) <= 6 and not _TABLE_NUMBER.match(toks[0]))


def _fragment(line: str) -> bool:
    """A piece of a label wrapped over lines: one word, no punctuation."""
    toks = _words(line)
    return toks is not None and len(toks) == 1 and len(toks[0]) <= 30


def _token_block(numbered: Sequence[tuple[int, int, str]], start: int) -> int:
    """The length of the single-space table block starting at ``start``: its head (header lines,
    at least one of several words), then rows, with header lines printed again and wrapped label
    pieces between them; at least two rows (0: none starts there)."""
    page = numbered[start][0]
    j = start
    while j < len(numbered) and numbered[j][0] == page and _head_line(numbered[j][2]) and j - start < 6:
        j += 1
    if j > start and not any(len(_words(numbered[k][2]) or ()) >= 2 for k in range(start, j)):
        return 0  # short words alone, no header line of several cells: not a table's head
    rows = 0
    end = start
    while j < len(numbered) and numbered[j][0] == page:
        text = numbered[j][2]
        if _token_row(text):
            rows += 1
            end = j + 1
        elif not (rows and (len(_words(text) or ()) >= 2 or _column_numbers(text) or (
                _fragment(text) and j + 1 < len(numbered) and _token_row(numbered[j + 1][2])) or (
                _fragment(text) and _token_row(numbered[j - 1][2]) and len(_tokens(text)[0]) <= 4))):
            break
        j += 1
    return end - start if rows >= 2 else 0


def _placements(kinds: Sequence[frozenset[str]], slots: Sequence[frozenset[str]],
                limit: int = _MAX_PLACEMENTS) -> list[tuple[int, ...]]:
    """Order-keeping placements of tokens (each accepting the kinds ``kinds[i]``) in columns
    holding ``slots`` (at most ``limit`` found)."""
    found: list[tuple[int, ...]] = []

    def walk(i: int, s: int, at: tuple[int, ...]) -> None:
        if len(found) >= limit:
            return
        if i == len(kinds):
            found.append(at)
            return
        for k in range(s, len(slots) - (len(kinds) - i) + 1):
            if kinds[i] & slots[k]:
                walk(i + 1, k + 1, (*at, k))

    walk(0, 0, ())
    return found


def _nowhere(tokens: Sequence[str], width: int) -> list[str]:
    """A row printed whose tokens have no known column: every cell holds them, :data:`UNPLACED`."""
    return [f"{' '.join(tokens)}{UNPLACED}"] * width


def _agreed(fits: Sequence[tuple[int, ...]], n: int) -> list[set[int]]:
    return [{f[i] for f in fits} for i in range(n)]


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _by_code(tokens: Sequence[str], fits: Sequence[tuple[int, ...]], above: Sequence[str]) -> list[tuple[int, ...]]:
    """The placements that put the row's code under the code of the row above it in the same
    subject tree (30299 under 30239, not under 30399: panels printed side by side whose left
    one ended), when exactly one shares a 类 (three digits) with it; else all of them."""
    def score(fit: tuple[int, ...]) -> int:
        return max((_common_prefix(x, above[k]) for x, k in zip(tokens, fit, strict=True)
                    if _kind(x) is _I and len(x) >= 3 and k < len(above) and _kind(above[k]) is _I), default=0)
    scores = [score(f) for f in fits]
    best = max(scores, default=0)
    chosen = [f for f, sc in zip(fits, scores, strict=True) if sc == best]
    return chosen if best >= 3 and len(chosen) == 1 else list(fits)


def _row_cells(tokens: Sequence[str], slots: Sequence[frozenset[str]],
               above: Sequence[str] = ()) -> list[str] | None:
    """A data row in its columns (see the section comment); ``None`` when a word has no one
    column, or no placement fits.  ``above``: the cells of the data row above it."""
    width = len(slots)
    if len(tokens) == width:
        return [clean_cell(x) for x in tokens]
    if len(tokens) > width:
        return None
    fits = _placements([frozenset({_kind(x)}) for x in tokens], slots)
    if not fits or len(fits) >= _MAX_PLACEMENTS:
        return None
    if len(fits) > 1 and above:
        fits = _by_code(tokens, fits, above)
    row = [""] * width
    unsure: list[str] = []
    columns: set[int] = set()
    for x, at in zip(tokens, _agreed(fits, len(tokens)), strict=True):
        if len(at) == 1:
            row[next(iter(at))] = clean_cell(x)
        elif _kind(x) is _T:
            return None
        else:
            unsure.append(x)
            columns |= at
    for k in sorted(columns):
        if not row[k]:
            row[k] = f"{' '.join(unsure)}{UNPLACED}"
    return row


def _header_cells(words: Sequence[str], slots: Sequence[frozenset[str]], top: bool = False) -> list[str] | None:
    """A header line over its columns, by what each word heads; a word with no one column is
    left out (``None`` when no word is placed).  ``top``: the first line of the table, where
    two words head its two sides (收入 | 支出)."""
    width = len(slots)
    if top and len(words) == 2 and width % 2 == 0 and not any(_LABEL_WORDS.search(w) or _NUMBER_WORDS.match(w)
                                                      for w in words):
        return [clean_cell(words[0]), *[""] * (width // 2 - 1), clean_cell(words[1]), *[""] * (width // 2 - 1)]
    if len(words) > width:
        return None
    kinds = [frozenset({_I}) if _NUMBER_WORDS.match(w) else frozenset({_T, _I}) if _LABEL_WORDS.search(w)
             else frozenset({_A}) for w in words]
    fits = _placements(kinds, slots)
    if not fits or len(fits) >= _MAX_PLACEMENTS:
        return None
    row = [""] * width
    for w, at in zip(words, _agreed(fits, len(words)), strict=True):
        if len(at) == 1:
            row[next(iter(at))] = clean_cell(w)
    return row if any(row) else None


def _label_slot(cells: Sequence[str], slots: Sequence[frozenset[str]]) -> int | None:
    """The one blank text column of a row whose side (up to the next text column) has figures."""
    found = []
    for k, sl in enumerate(slots):
        if _T in sl and not cells[k]:
            nxt = next((m for m in range(k + 1, len(slots)) if _T in slots[m]), len(slots))
            if any(cells[m] and _kind(cells[m]) is _A for m in range(k + 1, nxt)):
                found.append(k)
    return found[0] if len(found) == 1 else None


def _by_tokens(block: Sequence[tuple[int, int, str]],
               known: dict[int, tuple[frozenset[str], ...]]) -> tuple[list[list[str] | None], set[int]]:
    """The rows of a single-space block's grid, line by line (``None``: a piece of a label
    joined into the row below it), and the lines left as running text (their grid row empty).
    ``known``: the column kinds of the block read before, by width — a table continued on the
    next page, whose rows there leave a side blank (a header wider than every row), takes the
    kinds of its first part."""
    rows = [_token_row(text) for _, _, text in block]
    data = [t for t in rows if t]
    width = max(len(t) for t in data)
    header = max((len(_words(text) or ()) for (_, _, text), r in zip(block, rows, strict=True) if not r), default=0)
    slots: tuple[frozenset[str], ...]
    if header > width and header in known:
        width, slots = header, known[header]
    elif header > width:
        # Every row leaves cells blank and no earlier part says which: the table is as wide as
        # its header, and no row has a known column — each is kept, placed nowhere, so the
        # reader knows the table printed rows it could not read.
        out: list[list[str] | None] = []
        left: set[int] = set()
        for n, ((_, _, text), toks) in enumerate(zip(block, rows, strict=True)):
            words = _words(text) or []
            if toks is not None:
                out.append(_nowhere(toks, header))
            elif len(words) == header:
                out.append([clean_cell(w) for w in words])
            else:
                out.append([])
                left.add(n)
        return out, left
    else:
        seen: list[set[str]] = [set() for _ in range(width)]
        for t in data:
            if len(t) == width:
                for k, x in enumerate(t):
                    seen[k].add(_kind(x))
        for sl in seen:  # a blank mark ('-', '—') may stand in any number's column
            if sl & {_I, _A}:
                sl.add(_B)
        slots = tuple(frozenset(sl) for sl in seen)
    known.clear()  # only the table just read is continued by the next block
    known[width] = slots
    grid: list[list[str] | None] = [[] for _ in block]
    loose: set[int] = set()
    above: list[str] = []
    for n, ((_, _, text), toks) in enumerate(zip(block, rows, strict=True)):
        cells = (_row_cells(toks, slots, above) if toks is not None
                 else _header_cells(_words(text) or [], slots, top=n == 0))
        if cells is None and toks is not None:
            # A row of the table whose words have no one column: kept, in no column, so the
            # reader knows the table printed a row it cannot place.
            cells = _nowhere(toks, width)
            grid[n] = cells
        elif cells is None:
            loose.add(n)
        else:
            grid[n] = cells
            if toks is not None:
                above = cells
    # Most rows fit no column: the kinds the widest rows gave are not the table's (its widest
    # row leaves a cell blank too), so no row is placed — a whole table misread is worse.
    def whole(n: int) -> bool:  # a row none of whose tokens has a column
        got = grid[n]
        return bool(got) and all(is_unplaced(c) for c in got or ())

    placed = [n for n, r in enumerate(rows) if r is not None and not whole(n)]
    unplaced = [n for n, r in enumerate(rows) if r is not None and whole(n)]
    if len(unplaced) > len(placed):
        for n in placed:
            grid[n] = _nowhere(rows[n] or (), width)
        for n, r in enumerate(rows):
            if r is None and grid[n]:  # its header lines would name columns wrongly
                grid[n] = []
                loose.add(n)
    # Labels wrapped over lines: the piece above a row (and a short one below) fill its label.
    for n, r in enumerate(rows):
        up, down = n - 1, n + 1
        if r is None or up < 0 or up not in loose or not _fragment(block[up][2]):
            continue
        row = grid[n]
        at = _label_slot(row, slots) if row else None
        if row is None or at is None:
            continue
        label = _tokens(block[up][2])[0]
        loose.discard(up)
        grid[up] = None
        if down < len(block) and down in loose and _fragment(block[down][2]) and len(block[down][2].strip()) <= 4:
            label += block[down][2].strip()
            loose.discard(down)
            grid[down] = None
        row[at] = clean_cell(label)
    return grid, loose
