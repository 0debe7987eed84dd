"""Recognising disclosure tables in extracted pages: grids of cells → tables with keyed rows
and columns, whatever the layout (识别公开表).

The input is layout-neutral (:class:`Page`: text lines and cell grids with positions, as any
extractor gives them); what is recognised comes from the family specs, seen through
:mod:`govbudget.layouts` (data: title words, header words, row label variants):

* a table by its title (words of the title, in any order and numbering) or, for a grid
  without a title, as the continuation of the table before it (its repeated header dropped);
* the unit per table (万元 / 元), from the lines around its title;
* columns by their header text (the header cells above each column, merged cells followed),
  never by position; 行次 and 栏次 are optional;
* two-sided 总表 printed side by side (two label columns) or in blocks;
* a row's subject code in one cell, split over 类/款/项 cells, joined to its name
  (``[2010301]行政运行``, ``2010301-行政运行``) or absent (then the name is resolved in the
  catalog under the row above it, and an ambiguous name is said to be);
* blanks printed '', '-', '—' (an exact zero) or ``0.00`` (a printed zero).

Every numeric cell is either placed in a recognised table or reported (``reader.cell`` with
page and grid row); :class:`Recognition` counts both so that the corpus report can say how
much of a document was read.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

import attrs

from govbudget.classification import Level, Scheme, catalog
from govbudget.errors import GovBudgetError
from govbudget.extract.model import UNPLACED, Document, is_unplaced
from govbudget.layouts import TableLayout, layouts, match_header, match_title
from govbudget.money import Unit
from govbudget.published import Finding, Location, Severity
from govbudget.spec import family, normalise
from govbudget.spec import fold as norm

__all__ = ["Grid", "Page", "Recognition", "RecognizedRow", "RecognizedTable", "TextLine", "parse_amount",
           "recognize"]


# -- the layout-neutral input ---------------------------------------------------------------------------
@attrs.frozen
class TextLine:
    """A line of running text: page, line number on the page, text, vertical position."""

    page: int
    no: int
    text: str
    top: float = 0.0


@attrs.frozen
class Grid:
    """A table grid on a page: rows of cells (``None`` for a cell covered by a merged one);
    ``row_pages`` and ``row_lines`` say where each row was printed (a grid joined across pages
    by the extractor has rows on several pages), when known."""

    page: int
    rows: tuple[tuple[str | None, ...], ...]
    top: float = 0.0
    bottom: float = 0.0
    row_pages: tuple[int, ...] = ()
    row_lines: tuple[int, ...] = ()

    def where(self, i: int) -> tuple[int, int]:
        """Page and row number (1-based) of row ``i``."""
        page = self.row_pages[i] if i < len(self.row_pages) else self.page
        line = self.row_lines[i] if i < len(self.row_lines) else i + 1
        return page, line


@attrs.frozen
class Page:
    """One page: its number, the running text outside the grids, and the grids, top-down."""

    number: int
    lines: tuple[TextLine, ...]
    grids: tuple[Grid, ...] = ()


# -- the result -----------------------------------------------------------------------------------------
@attrs.frozen
class RecognizedRow:
    """A row placed in a table: key (code, fixed-row key or normalised label), printed label,
    subject code and level, side, values by column key, and where it was (page, grid row)."""

    key: str
    label: str
    code: str | None
    level: Level | None
    side: str
    values: tuple[tuple[str, Decimal], ...]
    page: int
    line: int
    number: int | None = None  # 行次 where printed
    #: Columns whose cell is printed but cannot be read as an amount: not read, never a blank.
    unreadable: tuple[str, ...] = ()

    def value(self, column: str) -> Decimal | None:
        return next((v for k, v in self.values if k == column), None)


@attrs.frozen
class RecognizedColumn:
    """A column as recognised: its key, the header text it was recognised by, its side, and
    whether the layout declares it (an undeclared column is kept under its header text)."""

    key: str
    header: str
    side: str = ""
    declared: bool = True


@attrs.frozen
class RecognizedTable:
    """A recognised table: its layout, the title as printed, unit, columns, rows, pages."""

    layout: TableLayout
    title: str
    unit: Unit
    columns: tuple[RecognizedColumn, ...]
    rows: tuple[RecognizedRow, ...]
    pages: tuple[int, ...]
    statement: str | None = None
    #: Lines of rows printed with figures that could not be placed (no label, a label not
    #: recognised): the table is not read whole, so no sum over its rows is checked.
    unplaced_rows: tuple[int, ...] = ()

    @property
    def id(self) -> str:
        return self.layout.id


@attrs.frozen
class Recognition:
    """What was recognised in a document: the family (``final`` / ``budget`` / ``None``), the
    tables, the grids that are no recognised table, reader findings, and the counts of
    numeric cells seen and placed."""

    family: str | None
    tables: tuple[RecognizedTable, ...]
    findings: tuple[Finding, ...]
    numeric_cells: int
    placed_cells: int
    printed_tables: int
    text_lines: tuple[TextLine, ...]


# -- numbers --------------------------------------------------------------------------------------------
_AMOUNT_RE = re.compile(r"^[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
BLANKS = frozenset({"", "-", "—", "——", "--", "/", "－", "―"})


def parse_amount(cell: str | None) -> Decimal | None:
    """A printed amount as stated (``1,234.50`` → ``Decimal('1234.50')``); a blank ('', '-',
    '—') is an exact ``Decimal(0)``; ``None`` when the cell is no amount."""
    if cell is None:
        return Decimal(0)
    text = re.sub(r"\s", "", unicodedata.normalize("NFKC", cell)).replace("−", "-")
    if text in BLANKS:
        return Decimal(0)
    if text.startswith("(") and text.endswith(")"):  # (1,234.00) is a negative in some exports
        text = "-" + text[1:-1]
    if not _AMOUNT_RE.match(text):
        return None
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None


def _is_amount(cell: str | None) -> bool:
    """A printed number (not a blank)."""
    if cell is None:
        return False
    if is_unplaced(cell):
        return True
    t = re.sub(r"\s", "", unicodedata.normalize("NFKC", cell))
    return t not in BLANKS and parse_amount(t) is not None


def _is_money(cell: str | None) -> bool:
    """A number that looks like money (decimals or separators), not a 行次/栏次 or a code;
    figures the extractor placed in no column are money too (printed, not read)."""
    if is_unplaced(cell):
        return True
    if not _is_amount(cell):
        return False
    t = unicodedata.normalize("NFKC", cell or "").strip()
    return "." in t or "," in t


# -- codes and labels -----------------------------------------------------------------------------------
_JOINED = re.compile(r"^[\[【〔(（]?(\d{3}(?:\s?\d{2}){0,2})[\]】〕)）]?\s*[-—－、.．:：]?\s*(\D.*)?$")
_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+|\d{1,2})[、.．]|^[(（][一二三四五六七八九十\d]+[)）]")
_TOTAL_LABELS = ("合计", "总计", "小计")
#: A note or statement printed under a table (注：本表反映… / 说明：…本表无数据).
_NOTE = re.compile(r"^(?:注|说明)\s*[:：]")
_SPACE = re.compile(r"\s+")
_CODE_HEAD = ("编码", "代码", "科目编码", "科目代码")


def _strip_ordinal(label: str) -> str:
    # Before norm() drops the brackets of （一）.
    t = re.sub(r"\s", "", unicodedata.normalize("NFKC", label))
    t = re.sub(r"^(?:[(（][一二三四五六七八九十\d]+[)）]|(?:[一二三四五六七八九十]+|\d{1,2})[、.．])+", "", t)
    return _ORDINAL.sub("", norm(t))


def _catalog_name(label: str) -> str:
    """A printed name as the catalog matches names: brackets and quotes kept (the catalog's
    ``政府办公厅（室）`` is no ``政府办公厅室``, its ``“两房”建设`` no ``两房建设``), spaces and a
    leading ordinal dropped."""
    t = _SPACE.sub("", unicodedata.normalize("NFKC", label))
    t = t.replace("【", "(").replace("】", ")").replace("〔", "(").replace("〕", ")")
    return re.sub(r"^(?:\([一二三四五六七八九十\d]+\)|(?:[一二三四五六七八九十]+|\d{1,2})[、.．])+", "", t)


def _name_matches(full: str, printed: str) -> bool:
    """The catalog's name ``full`` printed as ``printed`` (or cut short), whatever quotes a
    place prints (“两房”建设, "两房"建设, 两房建设)."""
    shown = normalise(_catalog_name(printed))
    return bool(shown) and normalise(full).startswith(shown)


def _cell(text: str | None) -> str:
    return "" if text is None else unicodedata.normalize("NFKC", text).replace("\n", "").strip()


@attrs.define
class _Part:
    """A table being assembled from one or more grids."""

    layout: TableLayout
    title: str
    unit: Unit
    grids: list[Grid]
    statement: str | None = None


@attrs.define
class _State:
    source: str
    edition: int
    year: int | None = None
    findings: list[Finding] = attrs.field(factory=list)
    numeric: int = 0
    placed: int = 0

    def note(self, rule: str, severity: Severity, page: int | None, line: int | None, zh: str, en: str,
             table: str | None = None, stated: str | None = None) -> None:
        where = f"第{page}页" + (f"第{line}行" if line else "") if page else ""
        where_en = f"page {page}" + (f", row {line}" if line else "") if page else ""
        self.findings.append(Finding(rule, severity, Location(table=table, line=line),
                                     f"{where}：{zh}" if where else zh, f"{where_en}: {en}" if where_en else en, stated))


def _unit_in(texts: Iterable[str]) -> Unit | None:
    for t in texts:
        m = re.search(r"单位[：:]\s*(万元|元|亿元)", unicodedata.normalize("NFKC", t).replace(" ", ""))
        if m:
            return {"万元": Unit.WAN, "元": Unit.YUAN, "亿元": Unit.YI}[m.group(1)]
    return None


def _title_in(texts: Sequence[str], family: str | None) -> tuple[TableLayout, str] | None:
    """The last title among the lines (a title can wrap over two lines)."""
    found = None
    for i, t in enumerate(texts):
        if re.search(r"单位[：:]|部门[：:]", t):
            continue  # the unit line under a title (单位：万元) is no part of it
        for cand in (t, texts[i - 1] + t if i else t):
            if _NOTE.match(unicodedata.normalize("NFKC", cand).strip()):
                continue  # a note or statement names its table, it is no title (…故本表无数据)
            c = norm(cand)
            if len(c) > 60 or not c:
                continue
            if re.search(r"第[一二三四五六七八九十]部分|目录|说明$", c) and not c.endswith("表"):
                continue
            lay = match_title(c, family)
            if lay is not None:
                found = (lay, c)
                break
    return found


def document_family(pages: Sequence[Page]) -> str | None:
    """决算 (``final``) or 预算 (``budget``), by what the first pages say of themselves
    (部门决算 / 单位预算 / 决算表 …; the fund names 一般公共预算 … say nothing)."""
    text = "".join(norm(ln.text) for p in pages[:4] for ln in p.lines[:60])
    text += "".join(norm(c or "") for p in pages[:4] for g in p.grids for r in g.rows[:3] for c in r)
    pattern = r"(?:部门|单位|年度?)(决算|预算)|(决算|预算)(?:表|公开|情况说明|总表)"
    votes = [a or b for a, b in re.findall(pattern, text)]
    final, budget = votes.count("决算"), votes.count("预算")
    if not final and not budget:
        return None
    return "final" if final >= budget else "budget"


def pages_of(doc: Document) -> list[Page]:
    """The recogniser's pages from an extracted document: a merged cell's covered cells
    become ``None`` (so header paths follow the merge), rows keep the page they were printed on."""
    out: list[Page] = []
    numbers = [p.number for p in doc.pages] or sorted({ln.page for ln in doc.lines} | {t.page for t in doc.tables})
    for number in numbers:
        lines = tuple(TextLine(ln.page, ln.line, ln.text, ln.bbox[1] if ln.bbox else float(ln.line))
                      for ln in doc.page_lines(number) if not ln.furniture)
        grids = []
        for t in doc.page_tables(number):
            covered = {(r, c) for sp in t.spans for r in range(sp.row, sp.row + sp.rows)
                       for c in range(sp.column, sp.column + sp.columns) if (r, c) != (sp.row, sp.column)}
            rows = tuple(tuple(None if (ri, ci) in covered else c for ci, c in enumerate(row.cells))
                         for ri, row in enumerate(t.rows))
            first = t.rows[0] if t.rows else None
            if t.bbox is not None:
                top, bottom = t.bbox[1], t.bbox[3]
            else:
                top = float(first.line or 0) if first else 0.0
                bottom = float(t.rows[-1].line or 0) if t.rows else top
            grids.append(Grid(number, rows, top, bottom, tuple(r.page for r in t.rows),
                              tuple((r.line or r.index + 1) for r in t.rows)))
        out.append(Page(number, lines, tuple(grids)))
    return out


def recognize(pages: Sequence[Page], *, source: str = "", edition: int = 2024,
              year: int | None = None) -> Recognition:
    """Recognise the disclosure tables in a document's pages (see the module docstring).
    ``year`` is the document's year: a column headed with another year (2025年预算数 in a 2026
    budget) or 上年 is the prior year's, kept under its header, never taken for this year's."""
    st = _State(source, edition, year)
    family = document_family(pages)
    if family is None:
        titles = [match_title(ln.text) for p in pages for ln in p.lines]
        fams = [t.family for t in titles if t is not None]
        family = max(set(fams), key=fams.count) if fams else None
    parts: list[_Part] = []
    unrecognised: list[Grid] = []
    current: _Part | None = None
    last_unit = Unit.WAN
    previous_tail: list[TextLine] = []
    for page in pages:
        prev_bottom = -1.0
        for gi, grid in enumerate(page.grids):
            below_next = page.grids[gi + 1].top if gi + 1 < len(page.grids) else float("inf")
            tail = [ln for ln in page.lines if grid.bottom < ln.top < below_next]
            if tail and norm(tail[0].text) in _TOTAL_LABELS:
                # A 合计 row whose cells are all blank, left out of the grid by the extractor.
                width = max((len(r) for r in grid.rows), default=1)
                grid = attrs.evolve(grid, rows=(*grid.rows, (tail[0].text.strip(), *([""] * (width - 1)))),
                                    row_pages=(*grid.row_pages, page.number) if grid.row_pages else (),
                                    row_lines=(*grid.row_lines, tail[0].no) if grid.row_lines else ())
            above = [ln.text for ln in page.lines if prev_bottom <= ln.top < grid.top] if grid.top else \
                [ln.text for ln in page.lines]
            closing = [ln.text for ln in previous_tail] + above if gi == 0 else above
            if any(_NOTE.match(unicodedata.normalize("NFKC", t).strip()) for t in closing):
                # A note or statement under a table (注：本表反映… / 说明：…本表无数据) ends it:
                # a grid after it continues no table.
                current = None
            # A title printed inside the grid (first rows with one non-empty cell).
            inner = [next(c for c in r if c) for r in grid.rows[:3] if sum(1 for c in r if c) == 1]
            got = _title_in([*above, *inner], family)
            unit = _unit_in([*above, *inner, *(_cell(c) for r in grid.rows[:2] for c in r)])
            prev_bottom = grid.bottom
            if got is not None and current is not None and got[0] is current.layout and _continues(current, grid):
                # The title repeated on each page of a table that breaks across pages.
                current.grids.append(grid)
            elif got is not None:
                lay, title = got
                if family is None:
                    family = lay.family
                last_unit = unit or last_unit
                current = _Part(lay, title, unit or last_unit, [grid])
                parts.append(current)
            elif current is not None and _continues(current, grid):
                current.grids.append(grid)
            elif (by_header := match_header(" ".join(_cell(c) for r in grid.rows[:2] for c in r), family)) is not None:
                # No title above it: recognised by its header's content.
                current = _Part(by_header, by_header.title, unit or last_unit, [grid])
                parts.append(current)
            else:
                current = None
                unrecognised.append(grid)
            if current is not None and current.grids[-1] is grid:
                # The statement under an empty table (本表无数据 …): between it and the next grid.
                below = page.grids[gi + 1].top if gi + 1 < len(page.grids) else float("inf")
                for ln in page.lines:
                    c = norm(ln.text)
                    if grid.bottom <= ln.top < below and len(c) < 120 and \
                            any(w in c for w in ("无数据", "空表", "没有", "不涉及", "无此项")):
                        current.statement = ln.text.strip()
        # The lines under the page's last grid (a note there ends its table too).
        last = page.grids[-1].bottom if page.grids else float("inf")
        previous_tail = [ln for ln in page.lines if ln.top > last] if page.grids else previous_tail + list(page.lines)
    tables = [_assemble(st, p) for p in parts]
    for g in unrecognised:
        n = sum(1 for r in g.rows for c in r if _is_money(c))
        st.numeric += n
        if n:
            st.note("reader.table", Severity.WARNING, g.page, None,
                    f"未识别的表格（{n} 个数字未读取；首行“{' '.join(_cell(c) for c in g.rows[0] if c)[:40]}”）。",
                    f"a table that is no recognised disclosure table ({n} figures not read; first row "
                    f"{' '.join(_cell(c) for c in g.rows[0] if c)[:40]!r}).")
    # Lines of running text made only of figures (a one-column table the extractor left as
    # text): their figures are reported, never dropped silently.
    for p in pages:
        for ln in p.lines:
            cells = ln.text.split()
            if cells and all(_is_money(c) for c in cells):
                st.numeric += len(cells)
                st.note("reader.line", Severity.WARNING, p.number, ln.no,
                        f"正文中的数字“{ln.text.strip()[:40]}”不在任何表格中，未读取。",
                        f"figures {ln.text.strip()[:40]!r} stand in no table; not read.", stated=ln.text.strip())
    text_lines = tuple(ln for p in pages for ln in p.lines)
    printed = len(parts) + sum(1 for g in unrecognised if any(_is_money(c) for r in g.rows for c in r))
    return Recognition(family, tuple(tables), tuple(st.findings), st.numeric, st.placed, printed, text_lines)


def _continues(part: _Part, grid: Grid) -> bool:
    """A grid without a title continues the table before it when it is on the next page and
    has as many columns (its repeated header is dropped when assembled)."""
    last = part.grids[-1]
    width = max((len(r) for r in last.rows), default=0)
    return grid.page in (last.page, last.page + 1) and max((len(r) for r in grid.rows), default=0) == width


# -- assembling one table ---------------------------------------------------------------------------------
def _header_rows(rows: Sequence[tuple[str | None, ...]]) -> int:
    """How many leading rows are header (no money amount in them; 栏次 rows count as header)."""
    for i, r in enumerate(rows):
        if any(_is_money(c) for c in r):
            return i
        # A data row whose amounts are all blank: its first cell is a total, a code or a
        # numbered label (一、…).
        # (the first cell filled: a 合计 printed in the name column after blank code cells)
        at = next((j for j, c in enumerate(r) if _cell(c)), 0)
        first = _cell(r[at]) if r else ""
        words = sum(1 for c in r[at + 1:] if _cell(c) and parse_amount(c) is None)
        # (a header row may start with 合计 too — 三公's 合计 | 因公出国 … — but has more words)
        if i and first and (re.match(r"^\[?\d{3}(?:\D|$)", first) or (words <= 1 and (
                norm(first) in _TOTAL_LABELS or re.match(r"^[一二三四五六七八九十]+[、.．]", first)))):
            return i
    return len(rows)


def _paths(header: Sequence[tuple[str | None, ...]], width: int) -> list[str]:
    """Each column's header path: the header cells above it, merged cells followed
    (a ``None`` under a cell is a vertical merge; a ``None`` beside one a horizontal one)."""
    paths: list[list[str]] = [[] for _ in range(width)]
    grid = [list(r) + [None] * (width - len(r)) for r in header]
    for ri, r in enumerate(grid):
        for j in range(width):
            c = r[j]
            if c is None:
                vertical = ri > 0 and (grid[ri - 1][j] is not None or _vmerged(grid, ri - 1, j))
                if not vertical and j > 0 and r[j - 1] is not None:
                    c = r[j - 1]
                    r[j] = c  # a span over several columns passes on
                else:
                    continue
            t = norm(c or "")
            if t and (not paths[j] or paths[j][-1] != t):
                paths[j].append(t)
    return ["/".join(p) for p in paths]


def _vmerged(grid: list[list[str | None]], ri: int, j: int) -> bool:
    return ri > 0 and grid[ri][j] is None and grid[ri - 1][j] is not None


_SUBTOTAL = ("小计", "合计", "计")


def _match_column(lay: TableLayout, path: str, side: str) -> str | None:
    """The column key a header path names (see :func:`_match_column_own`)."""
    got = _match_column_own(lay, path, side)
    return got[0] if got else None


def _match_column_own(lay: TableLayout, path: str, side: str) -> tuple[str, bool, int] | None:
    """The column key a header path names, whether the column's own (lowest) header cell
    names it (else only a group header above it does), and the strength of the match (the
    length of the alias's words, more for the own cell's); the own cell's alias wins.  A 小计
    under a group header is that group's total (基本支出/小计 is 基本支出)."""
    parts = path.split("/")
    if len(parts) > 1 and parts[-1] in _SUBTOTAL:
        # 基本支出/小计 is 基本支出; but 预算数/合计 (三公) is the 预算数 total, found on the full path
        got = _match_column_own(lay, "/".join(p for p in parts if p not in _SUBTOTAL), side)
        if got is not None:
            return got
    last = parts[-1]
    best: tuple[int, str, bool] | None = None
    for col in lay.columns:
        if col.side and side and col.side != side:
            continue
        if any(w in path for w in col.exclude):
            continue
        for alias in col.aliases:
            if all(w in path for w in alias):
                own = all(w in last for w in alias)
                score = sum(len(w) for w in alias) + (100 if own else 0)
                if best is None or score > best[0]:
                    best = (score, col.key, own)
    return (best[1], best[2], best[0]) if best else None


_PRIOR = re.compile(r"上年(?:预算|执行|决算)|上年数")


@attrs.frozen
class _Side:
    name: str
    label_cols: tuple[int, ...]
    code_cols: tuple[int, ...]
    number_col: int | None
    value_cols: tuple[tuple[int, str, str, bool], ...]  # index, key, header, declared


def _layout_columns(st: _State, part: _Part, header: Sequence[tuple[str | None, ...]],
                    data: Sequence[tuple[str | None, ...]], width: int, side: str = "") -> list[_Side]:
    """The columns under ``header``: label, code, 行次 and value columns (by their header
    path), in one side or two; ``side`` names the side of a one-sided header (a block)."""
    lay = part.layout
    paths = _paths(header, width)
    money = [sum(1 for r in data if j < len(r) and _is_money(r[j])) for j in range(width)]
    # (a blank mark, ``-`` or ``—``, is an exact zero of a value column, not text)
    texty = [sum(1 for r in data if j < len(r) and _cell(r[j]) and parse_amount(r[j]) is None) for j in range(width)]
    codes = [sum(1 for r in data if j < len(r) and re.fullmatch(r"\d{3}(?:\d{2}){0,2}", _cell(r[j]))) for j in range(width)]
    kinds: list[str] = []
    for j in range(width):
        # The 栏次 row (栏次, 1, 2, …) is no part of a column's name.
        parts = [q for q in paths[j].split("/") if q and q != "栏次" and not q.isdigit()]
        p = "/".join(parts)
        paths[j] = p
        last = parts[-1] if parts else ""
        if "行次" in last:
            kinds.append("number")
        elif any(w in last for w in _CODE_HEAD) or last in ("类", "款", "项") \
                or (codes[j] and codes[j] >= money[j] and not texty[j] and codes[j] * 2 >= sum(
                    1 for r in data if j < len(r) and _cell(r[j]))):
            kinds.append("code")
        elif money[j] or (not texty[j] and _match_column(lay, p, "") is not None
                          and (j > 0 or lay.shape == "single_row")):
            kinds.append("value")
        elif texty[j] or j == 0:
            kinds.append("label")
        else:
            kinds.append("empty")
    # Two-sided tables: a second label column after a value column starts the other side.
    groups: list[list[int]] = [[]]
    seen_value = False
    for j, k in enumerate(kinds):
        if k in ("label", "code") and seen_value and (lay.shape == "panels" or (lay.shape == "two_sided" and len(groups) == 1)):
            groups.append([])
            seen_value = False
        if k == "value":
            seen_value = True
        groups[-1].append(j)
    sides: list[_Side] = []
    for gi, cols in enumerate(groups):
        name = ("income", "expenditure")[gi] if lay.shape == "two_sided" and len(groups) == 2 else side
        if len(groups) == 2:
            text = paths[cols[0]]
            if "支出" in text.split("/")[0] and gi == 0:
                name = "expenditure"
        values: list[tuple[int, str, str, bool]] = []
        owns: dict[int, tuple[bool, int]] = {}
        for j in cols:
            if kinds[j] != "value":
                continue
            years = [int(y) for y in re.findall(r"(20\d{2})年", paths[j])]
            prior = bool(_PRIOR.search(paths[j])) or bool(st.year and years and st.year not in years)
            got = None if prior else _match_column_own(lay, paths[j], name)
            key = got[0] if got else None
            if got:
                owns[j] = got[1:]
            if key is None:
                key = paths[j] or f"col{j + 1}"
                st.note("reader.column", Severity.INFO, part.grids[0].page, None,
                        f"{part.title}：栏目“{paths[j]}”不在该表的声明中，按表头文字保存。",
                        f"{part.title}: column {paths[j]!r} is not declared for this table; kept under its header.",
                        lay.id, stated=paths[j])
                values.append((j, key, paths[j], False))
            else:
                values.append((j, key, paths[j], True))
        # Columns recognised as one key: the one whose own header cell names it; when only a
        # group header does (基本支出 over 人员经费 | 公用经费, no 小计), the group's figure is
        # not printed and none of them takes the key.  The others keep their header text.
        # Among own cells the one named in more words wins, the first on a tie: 三公's
        # 公务用车购置及运行费/小计 is the vehicles' figure, 当年预算/小计 beside it (its bare 小计
        # an alias of vehicles) the 当年预算 group's.
        by_key: dict[str, list[int]] = {}
        for i, (_j, key, _hdr, dec) in enumerate(values):
            if dec:
                by_key.setdefault(key, []).append(i)
        for idx in by_key.values():
            if len(idx) < 2:
                continue
            own = [i for i in idx if owns.get(values[i][0], (False, 0))[0]]
            keep = max(own, key=lambda i: owns[values[i][0]][1]) if own else None
            for i in idx:
                if i != keep:
                    j, _, hdr, _ = values[i]
                    values[i] = (j, hdr or f"col{j + 1}", hdr, False)
        sides.append(_Side(name, tuple(j for j in cols if kinds[j] == "label"),
                           tuple(j for j in cols if kinds[j] == "code"),
                           next((j for j in cols if kinds[j] == "number"), None), tuple(values)))
    return sides


def _block_heading(row: tuple[str | None, ...]) -> bool:
    """A row of a 总表 printed in blocks that heads a block (收入 / 支出 / 项目 | 行次 | 金额 …):
    words only, the first naming a side or 项目."""
    return not any(_is_money(c) for c in row) and norm("".join(_cell(c) for c in row)).startswith(("收入", "支出", "项目"))


def _is_caption(row: tuple[str | None, ...]) -> bool:
    """A grid row that is a title, unit or department line: in a wider row, each filled cell
    names the table, a unit or the department (预算单位：长春市信访局 | … | 单位：万元 is one
    line, its two cells both captions)."""
    filled = [_cell(c) for c in row if _cell(c)]
    if len(row) < 2 or not filled or len(filled) >= len(row):
        return False
    return all(re.search(r"单位[：:]|部门[：:]", c) or match_title(norm(c)) is not None for c in filled)


def _assemble(st: _State, part: _Part) -> RecognizedTable:
    lay = part.layout
    first = part.grids[0]
    width = max(len(r) for g in part.grids for r in g.rows)
    nh = _header_rows(first.rows)
    # A title, unit or department line printed in the grid's first rows names the table; it
    # is no column's header (收入支出决算总表 over the 收入 side is no 支出), and a line of two
    # cells left in the header would pass its span on as a header (预算单位 over every column
    # of 三公, stopping 当年预算's span beneath it).
    lead = 0
    while lead < nh and _is_caption(first.rows[lead]):
        lead += 1
    header = first.rows[lead:nh]
    rows: list[tuple[int, int, tuple[str | None, ...]]] = [(*first.where(i), r) for i, r in enumerate(first.rows[nh:], nh)]
    head_norm = [tuple(norm(_cell(c)) for c in r) for r in header]
    for g in part.grids[1:]:
        k = _header_rows(g.rows)
        # The repeated header of a continued table is dropped (and only a header): where the
        # first rows repeat the table's header, those rows; rows after them whose figures are
        # all blank are data (上级补助收入 | | 结转下年 | of a 总表 broken after its 8th row).
        repeated = next((i for i, r in enumerate(g.rows[:k]) if tuple(norm(_cell(c)) for c in r) not in head_norm), k)
        k = repeated or k
        rows.extend((*g.where(i), r) for i, r in enumerate(g.rows[k:], k))
        for _i, r in enumerate(g.rows[:k]):
            if tuple(norm(_cell(c)) for c in r) not in head_norm and any(_cell(c) for c in r):
                head_norm.append(tuple(norm(_cell(c)) for c in r))
    # (a 总表 printed in blocks has the 支出 block's heading rows among its rows: no data)
    data = [r for _, _, r in rows if not (lay.shape == "two_sided" and _block_heading(r))]
    # The 支出 block's own header (项目 | 合计 | 一般公共预算 | … of 财政拨款收支总表 in blocks): the
    # columns above it are the 收入 block's, those below it are named by it.
    split = next((i for i, (_, _, r) in enumerate(rows) if lay.shape == "two_sided" and _block_heading(r)
                  and sum(1 for c in r if _cell(c)) > 1 and norm(_cell(r[0])).startswith("项目")
                  and any(norm(_cell(x[0])).startswith("支出") for _, _, x in rows[:i])), None)
    block: list[_Side] = []
    if split is not None:
        data = [r for _, _, r in rows[:split] if not _block_heading(r)]
    sides = _layout_columns(st, part, header, data, width)
    if split is not None and len(sides) == 1:
        block = _layout_columns(st, part, [rows[split][2]], [r for _, _, r in rows[split + 1:]], width,
                                side="expenditure")
    every = [*sides, *block]
    out: list[RecognizedRow] = []
    unplaced_rows: list[int] = []
    # The subject above a row, per side (each panel of 公开06 is a hierarchy of its own).
    side_parents: dict[int, dict[str, str]] = {}
    used: set[tuple[str, str]] = set()
    active = 0
    scheme = Scheme.ECONOMIC_DEPARTMENT if lay.scheme == "economic" else Scheme.FUNCTIONAL
    for idx, (page, line, r) in enumerate(rows):
        cells = list(r) + [None] * (width - len(r))
        if not any(_cell(c) for c in cells):
            continue
        texts = [_cell(c) for c in cells]
        # Blocks layout of a 总表: a row naming 支出 (or 项目 again) switches to the other side.
        if lay.shape == "two_sided" and len(sides) == 1 and not any(_is_money(c) for c in cells):
            joined = norm("".join(texts))
            if joined.startswith("支出") or (joined.startswith("项目") and active == 0 and out):
                active = 1
            if _block_heading(r):
                if idx == split and block:
                    sides = block
                continue
            # (else a row whose figures are all blank: read, its blanks are exact zeros)
        pending: int | None = None
        for side_no, side in enumerate(sides):
            side_name = side.name or (("income", "expenditure")[active] if lay.shape == "two_sided" else "")
            values = [(key, cells[j], j) for j, key, _, _ in side.value_cols]
            nums = [(key, c, j) for key, c, j in values if _is_amount(c)]
            st.numeric += len(nums)
            label = " ".join(texts[j] for j in side.label_cols if texts[j])
            code_txt = "".join(texts[j] for j in side.code_cols)
            if not label and not code_txt and lay.shape == "single_row" and nums:
                label = "row"
            if not label and not code_txt and lay.shape == "other" and nums:
                # A table of words and figures names a figure anywhere in its row (补助区县 | 12,700.00)
                label = " ".join(t for t in texts if t and parse_amount(t) is None)
            if not label and not code_txt and nums and pending is not None:
                # A footer label spanning panels (公用经费合计 over 公用经费's two panels): its
                # figure is printed under the last panel.
                prev = out[pending]
                out[pending] = attrs.evolve(prev, values=tuple((k, v) for k, v in
                                                               ((k, parse_amount(c)) for k, c, _ in values)
                                                               if v is not None))
                st.placed += len(nums)
                pending = None
                continue
            if any(is_unplaced(cells[j]) for j in (*side.label_cols, *side.code_cols)):
                # The extractor could not tell this row's columns: a row printed, not placed.
                if side is sides[0]:
                    unplaced_rows.append(line)
                    st.note("reader.row", Severity.WARNING, page, line,
                            f"{part.title}：行“{_cell(cells[0])[: -len(UNPLACED)]}”栏位不明，未读取；本表各行之和未检查。",
                            f"{part.title}: the columns of row {_cell(cells[0])[: -len(UNPLACED)]!r} are not known; "
                            f"not read, and no sum over the table's rows is checked.", lay.id)
                break
            if not label and not code_txt:
                if nums:
                    unplaced_rows.append(line)
                    st.note("reader.cell", Severity.WARNING, page, line,
                            f"{part.title}：无项目名称的金额 {[c for _, c, _ in nums]} 未读取。",
                            f"{part.title}: amounts without a label {[c for _, c, _ in nums]} were not read.", lay.id)
                continue
            got = _identify(st, lay, scheme, side_name, label, code_txt, side.code_cols, texts,
                            side_parents.setdefault(side_no, {}), page, line, used)
            if got is None:
                if nums:
                    unplaced_rows.append(line)
                    st.note("reader.row", Severity.WARNING, page, line,
                            f"{part.title}：无法识别的行“{label or code_txt}”，其 {len(nums)} 个数字未读取。",
                            f"{part.title}: row {label or code_txt!r} not recognised; its {len(nums)} figures not read.",
                            lay.id, stated=label or code_txt)
                continue
            key, code, level, shown = got
            if code is None:
                used.add((side_name, key))
            parsed: list[tuple[str, Decimal]] = []
            unreadable: list[str] = []
            unplaced = 0
            for col, c, _ in values:
                v = parse_amount(c)
                if v is None and lay.shape == "other":
                    continue  # a word in a table of words and figures (绩效目标表's 指标, 100%): no figure
                if v is None and is_unplaced(c):
                    unplaced += 1
                    if unplaced == 1:  # one finding per row: the figures and the columns they may be in
                        figures = _cell(c)[: -len(UNPLACED)]
                        st.note("reader.cell", Severity.WARNING, page, line,
                                f"{part.title}：行“{shown}”的数字 {figures} 栏位不明，未读取。",
                                f"{part.title}: row {shown!r}: figures {figures} are in no known column; not read.",
                                lay.id, stated=figures)
                    unreadable.append(col)
                    continue
                if v is None:
                    st.note("reader.cell", Severity.WARNING, page, line,
                            f"{part.title}：行“{shown}”栏“{col}”无法读取的金额“{_cell(c)}”。",
                            f"{part.title}: row {shown!r} column {col!r}: cannot read the amount {_cell(c)!r}.",
                            lay.id, stated=_cell(c))
                    unreadable.append(col)
                    continue
                parsed.append((col, v))
            st.placed += len(nums) - unplaced
            number = texts[side.number_col] if side.number_col is not None else ""
            out.append(RecognizedRow(key, shown, code, level, side_name, tuple(parsed), page, line,
                                     int(number) if number.isdigit() else None, tuple(unreadable)))
            pending = len(out) - 1 if lay.shape == "panels" and code is None and not nums else None
    columns = tuple(RecognizedColumn(key, hdr, s.name, dec) for s in every for _, key, hdr, dec in s.value_cols)
    return RecognizedTable(lay, part.title, part.unit, columns, tuple(out),
                           tuple(dict.fromkeys(g.page for g in part.grids)), part.statement, tuple(unplaced_rows))


def _fixed_key(lay: TableLayout, label: str, side: str, used: set[tuple[str, str]] | None = None) -> str | None:
    """The fixed row a label names: the first of the layout's rows with that label not yet
    placed on this side (公开04's fund rows come twice: 本年收入, then 年初结转和结余)."""
    t = _strip_ordinal(label)
    t = re.sub(r"^其中[：:]?", "", t)
    found: list[tuple[int, str]] = []
    for i, (key, variants, row_side) in enumerate(lay.rows):
        if used is not None and (side, key) in used:
            continue
        if side and row_side and row_side != side:
            continue  # a row of the other side of a 总表 (as the spec declares it)
        if t in variants:
            found.append((i, key))
    if len(found) < 2 or used is None:
        return found[0][1] if found else None
    # A label naming a row and a sub-row of a heading (the fund rows, then again under
    # 上年结转 / 年初结转和结余): the sub-row once its heading is placed, else the row; so that
    # a fund row not recognised above the heading does not pass its key to the one below it.
    parents = _parents(lay)
    headings = {parents[k] for _, k in found if k in parents}
    under = any((side, h) in used for h in headings)
    return next((k for _, k in found if (k in parents) == under), found[0][1])


def _parents(lay: TableLayout) -> dict[str, str]:
    """The sub-rows of the layout's table in its family spec, with the heading row of each."""
    try:
        table = family(lay.family).table(lay.id)
    except GovBudgetError:  # a table only the reader knows (绩效目标表 …)
        return {}
    return {r.key: r.parent for r in table.rows if r.parent}


def _identify(st: _State, lay: TableLayout, scheme: Scheme, side: str, label: str, code_txt: str,
              code_cols: tuple[int, ...], texts: list[str], parents: dict[str, str], page: int,
              line: int, used: set[tuple[str, str]]) -> tuple[str, str | None, Level | None, str] | None:
    """The key, code and level of a row, and its label as shown."""
    if lay.shape == "other":
        # A table of words and figures (绩效目标表): rows are named by their text; a number in
        # it (a 项目 number, 60000 元) is no subject code.
        shown = f"{code_txt} {label}".strip()
        bare = _strip_ordinal(shown)
        return (f"{lay.group}{bare}", None, None, shown) if bare else None
    cat = catalog(scheme, st.edition)
    name = label
    code = ""
    if code_txt and not re.fullmatch(r"[\d\s]+", code_txt):
        # Words in a code column (合计, 人员经费合计 in a 06 footer, a code joined to its name):
        # the row's label, where a joined code is found below.
        label = name = f"{code_txt} {label}".strip()
        code_cols = ()
    if code_cols:
        parts = [re.sub(r"\s", "", texts[j]) for j in code_cols]
        if len(parts) >= 2 and all(re.fullmatch(r"\d{0,3}", p) for p in parts):
            # Split over 类/款/项: a part left blank repeats the row above's.
            cls, sec, item = ([*parts, "", ""])[:3]
            if cls and not sec and not item:
                code = cls
            elif sec and not cls:
                code = (parents.get("class", "") + sec + item) if len(sec) == 2 else ""
                if item and len(sec) == 2 and not parents.get("class"):
                    code = ""
            else:
                code = cls + sec + item
            if item and not cls and not sec:
                code = parents.get("section", "") + item
        else:
            code = "".join(parts)
    if not code:
        m = _JOINED.match(normalise(label) if label else "")
        if m and label:
            code = m.group(1).replace(" ", "")
            name = m.group(2) or ""
    n = norm(name)
    if code and re.fullmatch(r"\d{3}|\d{5}|\d{7}", code):
        subject = cat.get(code)
        if subject is None:
            # A table of one scheme printing the other's codes (经济分类 in a 功能分类 table's layout).
            other = catalog(Scheme.FUNCTIONAL if scheme is not Scheme.FUNCTIONAL else Scheme.ECONOMIC_DEPARTMENT,
                            st.edition)
            if other.get(code) is not None:
                cat, subject = other, other.get(code)
        level = {3: Level.CLASS, 5: Level.SECTION, 7: Level.ITEM}[len(code)]
        if subject is None and lay.group == "unit:" and name:
            # In a table by unit (收入总表), a code no subject has is the 部门代码 (无锡's 305).
            return f"unit:{code}", None, None, f"{code} {name}"
        if subject is None:
            st.note("reader.code", Severity.WARNING, page, line, f"{lay.title}：科目代码 {code} 不在{cat.label}中。",
                    f"{lay.title}: code {code} is not in {cat.label}.", lay.id, stated=code)
        elif n and not _name_matches(subject.name, name):
            st.note("reader.name", Severity.INFO, page, line,
                    f"{lay.title}：科目 {code} 的名称应为“{subject.name}”，表中为“{name}”。",
                    f"{lay.title}: subject {code} is {subject.name!r} in the catalog, {name!r} in the table.",
                    lay.id, stated=name)
        if subject is not None:
            _remember(parents, code)
        return code, code, level, name or (subject.name if subject else code)
    if code and re.fullmatch(r"\d{6,}", code):
        # A unit's code (单位编码, 6 digits and more) before its name: a row by unit.
        return f"unit:{code}", None, None, f"{code} {name}".strip()
    if code:
        st.note("reader.code", Severity.WARNING, page, line, f"{lay.title}：“{code}”不是科目代码。",
                f"{lay.title}: {code!r} is not a subject code.", lay.id, stated=code)
    if n in _TOTAL_LABELS or _strip_ordinal(name) in _TOTAL_LABELS:
        if lay.shape == "two_sided":
            fixed = _fixed_key(lay, name, side, used)
            if fixed:
                return fixed, None, None, name
        return "total", None, None, name
    fixed = _fixed_key(lay, name, side, used) if lay.rows else None
    if fixed:
        return fixed, None, None, name
    bare = _strip_ordinal(name)
    if not bare:
        return None
    if lay.shape == "two_sided" and side == "income":
        return f"{lay.group}{bare}", None, None, name
    # No code: the name in the catalog, under the row above it where that row is a subject.
    level_hint = Level.CLASS if lay.shape == "two_sided" else None
    hits = _by_name(cat, _catalog_name(name), parents, level_hint)
    if len(hits) > 1 and len(hits[0].code) == 3 and parents.get("class") and \
            all(h.code.startswith(hits[0].code) for h in hits):
        # A 类 and its own 款 of one name (399 其他支出 / 39999 其他支出), not under the row
        # above, in a table that prints its 类 rows: the 款 would be printed under its 类, so
        # the row is the 类 itself.
        hits = hits[:1]
    if len(hits) == 1:
        s = hits[0]
        st.note("reader.name-resolved", Severity.INFO, page, line,
                f"{lay.title}：无代码的“{name}”按名称识别为 {s.code}。",
                f"{lay.title}: {name!r} has no code; resolved by name to {s.code}.", lay.id)
        _remember(parents, s.code)
        return s.code, s.code, s.level, name
    if len(hits) > 1:
        st.note("reader.name", Severity.WARNING, page, line,
                f"{lay.title}：“{name}”有 {len(hits)} 个同名科目（{'、'.join(h.code for h in hits[:5])}），无法确定。",
                f"{lay.title}: {name!r} names {len(hits)} subjects ({', '.join(h.code for h in hits[:5])}); ambiguous.",
                lay.id, stated=name)
        return f"{lay.group}{bare}", None, None, name
    return f"{lay.group}{bare}", None, None, name


def _by_name(cat: object, name: str, parents: dict[str, str], level: Level | None) -> list:  # type: ignore[type-arg]
    from govbudget.classification import Catalog

    assert isinstance(cat, Catalog)
    tries = (name, name + "支出") if level is Level.CLASS else (name,)
    for q in tries:
        # Under the row above (its 款, else its 类), then anywhere; a level not placed yet
        # is no parent (a 款 under a 类 is not looked for in the whole catalog first).
        for parent in (*(p for p in (parents.get("section"), parents.get("class")) if p), None):
            if parent is not None and cat.get(parent) is None:
                continue
            hits = [s for s in cat.resolve_name(q, parent) if level is None or s.level is level]
            if hits:
                return hits
    return []


def _remember(parents: dict[str, str], code: str) -> None:
    if len(code) == 3:
        parents["class"] = code
        parents.pop("section", None)
    elif len(code) == 5:
        parents["class"] = code[:3]
        parents["section"] = code


def layout(table_id: str) -> TableLayout:
    """The layout of a table id."""
    return next(lay for lay in layouts() if lay.id == table_id)
