"""Reading a published 部门预算 from its text into the checker's tables and figures.

The reader follows the declarations of :mod:`govbudget.families.budget`: a table is found by
its title or a title alias (the year, the ``表N`` number and spaces ignored), its rows by
their subject code or their label variants, its columns by the declared order or one of the
printed orders.  Figures are kept exactly as printed (万元).  What cannot be placed — a
line with numbers under no known row, a table printed under a title not declared — is a
reader finding naming the line; nothing is dropped silently, and a table not read is absent
(its rules are not applied), never zero.

Scope: layouts whose text extraction keeps one table row per line (广州 and similar); the
``reader`` module generalises recognition to any layout.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from decimal import Decimal

import attrs

from govbudget.classification import EDITIONS, Level, Scheme, catalog, edition_for_year
from govbudget.errors import FormatError, GovBudgetError
from govbudget.families.budget import layout
from govbudget.money import Unit
from govbudget.published import Finding, Location, Published, Severity
from govbudget.spec import TableSpec, family, normalise, normalise_label
from govbudget.tables import Row, Table
from govbudget.text import Narrative
from govbudget.textread import read_narrative

__all__ = ["read_budget_text"]

_NUMBER = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+\.\d+|(?<![\d\w])-?\d+(?![\d\w.])")
_AMOUNT = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d{2}(?!\d)")
_CODE = re.compile(r"^\[?(\d{3}(?:\d{2}){0,2})\]?\s*")
_PAGE_FOOTER = re.compile(r"^(?:-\s*\d+\s*-|=+PAGE \d+|第\s*\d+\s*页)$")
_TABLE_NUMBER = re.compile(r"^(预算)?表\s*\d+$")
_ORDINAL = re.compile(r"^[（(]?[一二三四五六七八九十]+[、）)]|^\d+[.、]|^其中[:：]")


def _norm(text: str) -> str:
    """A printed title for matching: :func:`~govbudget.spec.normalise`, without a year prefix."""
    return re.sub(r"^20\d{2}年(度)?", "", normalise(text))


def _label(text: str) -> str:
    """A row label normalised (:func:`~govbudget.spec.normalise`), without its ordinal (一、 （二） 1. 其中：)."""
    t = normalise(text)
    while True:
        stripped = _ORDINAL.sub("", t)
        if stripped == t:
            return t
        t = stripped


@attrs.frozen
class _Line:
    number: int
    text: str


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.findings: list[Finding] = []
        self.lines: dict[tuple[str, str], int] = {}

    def note(self, line: int | None, zh: str, en: str, severity: Severity = Severity.WARNING,
             table: str | None = None) -> None:
        loc = Location(table, line=line, table_label=family("budget").table(table).label if table else None)
        self.findings.append(Finding("budget.reader", severity, loc, zh, en))


def _titles() -> dict[str, tuple[str, str | None]]:
    """The titles under which a place prints one column of a table (layout notes) → (table
    id, column key)."""
    return {normalise_label(title): (t.id, column) for t in family("budget").tables
            for title, column in layout(t.id).part_titles}


def _match_title(text: str, parts: dict[str, tuple[str, str | None]]) -> tuple[str, str | None] | None:
    """The table (and the one column, for a part table) a printed title names: the year, the
    表N / 预算表N number and a 市级部门/部门/单位 prefix are not part of the title."""
    t = re.sub(r"^表\d+|^预算表\d+|^[一二三四五六七八九十]+、", "", _norm(text))
    t = re.sub(r"[（(]预算表\d+[）)]$", "", t)
    fam = family("budget")
    for candidate in (t, re.sub(r"^(市级)?(部门|单位)", "", t)):
        hit = parts.get(normalise_label(candidate))
        if hit is not None:
            return hit
        found = fam.match_title(candidate)
        if found is not None:
            return found.id, None
    return None


def _numbers(text: str) -> tuple[str, list[Decimal]]:
    """The text before the first amount, and the amounts of the line (as printed)."""
    found = list(_AMOUNT.finditer(text))
    if not found:
        return text, []
    head = text[: found[0].start()]
    return head.strip(), [Decimal(m.group().replace(",", "")) for m in found]


def _regions(lines: Sequence[_Line]) -> Iterator[tuple[str, str | None, _Line, list[_Line]]]:
    """(table id, printed column, title line, body lines) for every declared table title
    found before the 情况说明."""
    titles = _titles()
    current: tuple[str, str | None, _Line] | None = None
    body: list[_Line] = []
    tables_seen = False  # the table of contents names the 情况说明 before any table
    for ln in lines:
        if tables_seen and "情况说明" in ln.text and "第三部分" in ln.text:
            break
        tables_seen = tables_seen or bool(current and _AMOUNT.search(ln.text))
        hit = _match_title(ln.text, titles) if len(ln.text) < 60 else None
        if hit is None and _TABLE_NUMBER.match(ln.text.strip()):
            # "表11": a table starts; if its title is not declared, it is not read (and it
            # must not run into the table before it).
            if current is not None:
                yield (*current[:2], current[2], body)
            current, body = ("", None, ln), []
            continue
        if hit is None and current is not None and current[0] == "" and not body and ln.text.strip():
            yield ("", None, ln, [])
            current, body = None, []
            continue
        if hit is not None and (current is None or hit != current[:2] or body):
            if current is not None:
                yield (*current[:2], current[2], body)
            current, body = (hit[0], hit[1], ln), []
            continue
        if current is not None:
            body.append(ln)
    if current is not None:
        yield (*current[:2], current[2], body)


def _unit(body: Sequence[_Line]) -> Unit:
    for ln in body[:3]:
        m = re.search(r"单位[:：]\s*(万元|元)", ln.text)
        if m:
            return Unit.WAN if m.group(1) == "万元" else Unit.YUAN
    return Unit.WAN


def _columns_of(spec: TableSpec, count: int, side: str = "") -> list[str] | None:
    """The column keys of a row printing ``count`` amounts: the declared order, a printed
    order of that length, or the leading declared columns."""
    declared = [c.key for c in spec.columns if c.side == side]
    if count == len(declared):
        return declared
    for order in layout(spec.id).printed_columns:
        if len(order) == count:
            return list(order)
    # Fewer amounts than columns: blank cells, or columns not printed — which is not known
    # here, so the row is not read (never given to the wrong columns).
    return None


def _values(spec: TableSpec, keys: Sequence[str], numbers: Sequence[Decimal], side: str = "") -> tuple[Decimal, ...]:
    declared = [c.key for c in spec.columns if c.side == side]
    out = dict.fromkeys(declared, Decimal(0))
    for key, value in zip(keys, numbers, strict=True):
        if key:
            out[key] = out[key] + value if out.get(key) else value
    return tuple(out[k] for k in declared)


class _Budget:
    """The tables being read (rows by table) and the columns each printed."""

    def __init__(self, r: _Reader, edition: int) -> None:
        self.r = r
        self.edition = edition
        self.rows: dict[str, dict[str, Row]] = {}
        #: The units named by the 收入总表 (their rows in the 项目支出表 are subtotals).
        self.units: set[str] = set()
        #: (side, column key) of the columns each table printed.
        self.printed: dict[str, set[tuple[str, str]]] = {}

    def saw(self, tid: str, side: str, keys: Sequence[str]) -> None:
        self.printed.setdefault(tid, set()).update((side, k) for k in keys if k)

    def put(self, tid: str, row: Row, line: int) -> None:
        rows = self.rows.setdefault(tid, {})
        prev = rows.get(row.key)
        if prev is not None:
            # The same row printed twice (a part table adds its column): nonzero values win.
            row = attrs.evolve(prev, values=tuple(b if b else a for a, b in zip(prev.values, row.values, strict=True)))
        rows[row.key] = row
        self.r.lines.setdefault((tid, row.key), line)

    def subject(self, spec: TableSpec, code: str) -> tuple[str, Level] | None:
        assert spec.subjects is not None
        subject = catalog(spec.subjects.scheme, self.edition).get(code)
        if subject is None:
            return None
        return subject.name, subject.level


def _header_keys(spec: TableSpec, body: Sequence[_Line]) -> list[str]:
    """The columns the header names, in printed order (the lines before the first amount)."""
    keys: list[str] = []
    for ln in body:
        if _AMOUNT.search(ln.text):
            break
        for token in ln.text.split():
            found = spec.match_column(token, "")
            if found is not None and found.key not in keys:
                keys.append(found.key)
    return keys


def _read_subject_table(b: _Budget, spec: TableSpec, column: str | None, body: Sequence[_Line]) -> None:
    header = _header_keys(spec, body)
    for ln in body:
        head, numbers = _numbers(ln.text)
        if not numbers:
            continue
        m = _CODE.match(head)
        if column and len(numbers) == 1:
            keys: list[str] | None = [column]
        elif len(header) == len(numbers) and len(numbers) != len(spec.columns):
            keys = header
        else:
            keys = _columns_of(spec, len(numbers))
        if keys is None:
            b.r.note(ln.number, f"{len(numbers)} 个数字，与本表的栏目不符，未读取：{ln.text.strip()}",
                     f"{len(numbers)} figures do not fit the table's columns; line not read", table=spec.id)
            continue
        values = _values(spec, keys, numbers)
        b.saw(spec.id, "", keys)
        if m:
            code = m.group(1)
            found = b.subject(spec, code)
            if found is None:
                b.r.note(ln.number, f"科目编码 {code} 不在 {b.edition} 年版科目中，未读取。",
                         f"code {code} is not in the {b.edition} catalog; line not read", table=spec.id)
                continue
            name, level = found
            b.put(spec.id, Row(code, name, values, code=code, level=level), ln.number)
        elif spec.match_row(head, "") is not None:
            row = spec.match_row(head, "")
            assert row is not None
            b.put(spec.id, Row(row.key, row.label, values), ln.number)
        else:
            b.r.note(ln.number, f"无法归入本表任何一行，未读取：{ln.text.strip()}",
                     "the line fits no row of the table; not read", table=spec.id)


def _fixed_row(spec: TableSpec, label: str, side: str) -> str | None:
    found = spec.match_row(_label(label), side)
    return found.key if found is not None else None


def _class_code(b: _Budget, label: str) -> str | None:
    lab = _label(label)
    for s in catalog(Scheme.FUNCTIONAL, b.edition):
        if s.level is Level.CLASS and _label(s.name) == lab:
            return s.code
    return None


_PAIR = re.compile(r"(\D*?)\s*(-?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d{2})")


def _read_two_sided(b: _Budget, spec: TableSpec, body: Sequence[_Line]) -> None:
    for ln in body:
        pairs = [(m.group(1).strip(), Decimal(m.group(2).replace(",", ""))) for m in _PAIR.finditer(ln.text)]
        if not pairs:
            continue
        # A pair without a label continues the previous label's columns (财政拨款收支总表's 合计 / 三本预算).
        groups: list[tuple[str, list[Decimal]]] = []
        for label, value in pairs:
            if label or not groups:
                groups.append((label, [value]))
            else:
                groups[-1][1].append(value)
        for i, (label, values) in enumerate(groups):
            income_key = _fixed_row(spec, label, "income")
            side = "income" if income_key is not None and (i == 0 or len(groups) == 1) else "expenditure"
            key = income_key if side == "income" else _fixed_row(spec, label, "expenditure")
            code = None
            if key is None:
                code = _class_code(b, label)
                key = code
            if key is None:
                foreign = any(x.matches(_label(label)) for x in spec.foreign_rows)
                b.r.note(ln.number, f"“{label}”不是本表的行，未读取。" if foreign else f"无法识别的行“{label}”，未读取。",
                         f"{label!r} is no row of the declared table; not read" if foreign
                         else f"unknown row {label!r}; not read",
                         Severity.INFO if foreign and not any(values) else Severity.WARNING, table=spec.id)
                continue
            cols = [c.key for c in spec.columns if c.side == side]
            vals = tuple(values[: len(cols)]) + (Decimal(0),) * max(0, len(cols) - len(values))
            b.saw(spec.id, side, cols[: len(values)])
            name = label if code is None else catalog(Scheme.FUNCTIONAL, b.edition)[code].name
            b.put(spec.id, Row(key, name, vals, code=code, level=Level.CLASS if code else None, side=side), ln.number)


def _read_transposed(b: _Budget, body: Sequence[_Line]) -> None:
    """Rows that are another table's columns (广州 表8: 行政经费 and the “三公” items as rows);
    the first amount is the 合计 column."""
    targets = [(t.id, _label(lab), key) for t in family("budget").tables for lab, key in layout(t.id).transposed]
    found: dict[str, dict[str, Decimal]] = {}
    lines: dict[str, int] = {}
    for ln in body:
        head, numbers = _numbers(ln.text)
        if not numbers:
            continue
        lab = _label(head)
        hit = next(((tid, key) for tid, label, key in targets if lab == label), None)
        if hit is None:
            b.r.note(ln.number, f"无法识别的行“{head}”，未读取。", f"unknown row {head!r}; not read", table="07")
            continue
        found.setdefault(hit[0], {})[hit[1]] = numbers[0]
        lines.setdefault(hit[0], ln.number)
    for tid, cells in found.items():
        spec = family("budget").table(tid)
        b.saw(tid, "", list(cells))
        row = spec.rows[0]
        b.put(tid, Row(row.key, row.label, tuple(cells.get(c.key, Decimal(0)) for c in spec.columns)), lines[tid])
        # (the columns not printed are dropped when the table is built: not read, not zero)


def _read_projects(b: _Budget, spec: TableSpec, body: Sequence[_Line]) -> None:
    for ln in body:
        head, numbers = _numbers(ln.text)
        if not numbers:
            continue  # a project name or 绩效目标 text wrapped over lines
        keys = _columns_of(spec, len(numbers))
        if keys is None:
            b.r.note(ln.number, "项目行的数字与栏目不符，未读取。", "project row does not fit the columns", table=spec.id)
            continue
        values = _values(spec, keys, numbers)
        b.saw(spec.id, "", keys)
        # A project whose name is wrapped away from its figures is kept under its line number.
        name = head or f"（第{ln.number}行的项目）"
        if _label(name) in ("合计", "总计"):
            b.put(spec.id, Row("total", "合计", values), ln.number)
        elif _label(name) in b.units:
            b.put(spec.id, Row(f"unit:{name}", name, values), ln.number)
        else:
            # Two projects may share a name (in two units): each line is its own row.
            key = f"project:{name}"
            if key in b.rows.get(spec.id, {}):
                key = f"{key}@{ln.number}"
            b.put(spec.id, Row(key, name, values), ln.number)


def _tables(b: _Budget, lines: Sequence[_Line]) -> dict[str, Table]:
    units: dict[str, Unit] = {}
    for tid, column, title, body in _regions(lines):
        if not tid:
            if not _TABLE_NUMBER.match(title.text.strip()):
                b.r.note(title.number, f"表“{title.text.strip()}”不是已声明的部门预算表，未读取。",
                         f"table {title.text.strip()!r} is not a declared budget table; not read", Severity.INFO)
            continue
        spec = family("budget").table(tid)
        units.setdefault(tid, _unit(body))
        if spec.two_sided:
            _read_two_sided(b, spec, body)
        elif layout(tid).transposed:
            _read_transposed(b, body)
        elif tid == "11":
            _read_projects(b, spec, body)
        elif spec.subjects is not None:
            _read_subject_table(b, spec, column, body)
        elif tid == "02":
            _read_units(b, spec, body)
        else:
            _read_fixed(b, spec, body)
        del title
    out: dict[str, Table] = {}
    for spec in family("budget").tables:
        tid = spec.id
        rows = b.rows.get(tid)
        if rows:
            # Only the columns the report printed: a column not printed is not read, not zero.
            printed = b.printed.get(tid, set())
            keep = [i for i, c in enumerate(spec.columns) if (c.side, c.key) in printed]
            cols = tuple(spec.columns[i] for i in keep)
            by_side = {side: [i for i, c in enumerate(c for c in spec.columns if c.side == side)
                              if (side, c.key) in printed] for side in {c.side for c in spec.columns}}
            kept_rows = tuple(attrs.evolve(r, values=tuple(r.values[i] for i in by_side[r.side]))
                              for r in rows.values())
            out[tid] = Table(spec, cols, kept_rows, units.get(tid, Unit.WAN))
    return out


def _read_fixed(b: _Budget, spec: TableSpec, body: Sequence[_Line]) -> None:
    """A table of fixed rows (政府采购预算表): each row by its label, columns in order."""
    for ln in body:
        head, numbers = _numbers(ln.text)
        row = spec.match_row(_label(head), "") if numbers else None
        keys = _columns_of(spec, len(numbers))
        if not numbers:
            continue
        if row is None or keys is None:
            b.r.note(ln.number, f"无法归入本表任何一行，未读取：{ln.text.strip()}",
                     "the line fits no row of the table; not read", table=spec.id)
            continue
        b.saw(spec.id, "", keys)
        b.put(spec.id, Row(row.key, row.label, _values(spec, keys, numbers)), ln.number)


def _read_units(b: _Budget, spec: TableSpec, body: Sequence[_Line]) -> None:
    for ln in body:
        head, numbers = _numbers(ln.text)
        if not numbers:
            continue
        keys = _columns_of(spec, len(numbers))
        if keys is None:
            b.r.note(ln.number, "数字与栏目不符，未读取。", "figures do not fit the columns", table=spec.id)
            continue
        values = _values(spec, keys, numbers)
        b.saw(spec.id, "", keys)
        if _label(head) in ("合计", "总计"):
            b.put(spec.id, Row("total", "合计", values), ln.number)
        else:
            b.units.add(_label(head))
            b.put(spec.id, Row(f"unit:{head}", head, values), ln.number)


# -- the 情况说明 -------------------------------------------------------------------------------------------
def _narrative(r: _Reader, lines: Sequence[_Line], department: str, year: int, edition: int) -> Narrative | None:
    """The 情况说明 from its part heading (the last one: the first is in the table of contents),
    read by the one grammar of both families (:mod:`govbudget.textread`)."""
    starts = [i for i, ln in enumerate(lines) if "情况说明" in ln.text and "第三部分" in ln.text]
    start = starts[-1] if starts else None
    if start is None:
        return None
    # Page footers ("- 22 -") break sentences across pages: they are not part of the text.
    body = [(ln.number, ln.text) for ln in lines[start + 1:] if not _PAGE_FOOTER.match(ln.text.strip())]
    narrative, findings = read_narrative(body, family="budget", department=department, year=year, edition=edition,
                                         source=r.source)
    r.findings.extend(findings)
    return narrative


def read_budget_text(text: str, *, source: str = "text", edition: int | None = None) -> Published:
    """Read a published budget's text (its tables and 情况说明) as stated."""
    if not isinstance(text, str):
        raise FormatError(f"{source}: expected text, got {type(text).__name__}")
    lines = [_Line(i + 1, t) for i, t in enumerate(text.replace("\f", "\n").splitlines())]
    head = re.sub(r"\s+", "", unicodedata.normalize("NFKC", "".join(ln.text for ln in lines[:8])))
    m = re.search(r"(20\d{2})年(?:度)?(.{2,40}?)部门预算", head)
    year = int(m.group(1)) if m else None
    department = m.group(2) if m else ""
    if edition is None:
        try:
            edition = edition_for_year(year) if year else max(EDITIONS)
        except GovBudgetError:
            edition = max(EDITIONS)
    r = _Reader(source)
    b = _Budget(r, edition)
    tables = _tables(b, lines)
    if not tables:
        raise FormatError(f"{source}: no 部门预算 table found; is this a budget disclosure?")
    narrative = _narrative(r, lines, department, year or 0, edition)
    if narrative is None:
        r.note(None, "未找到情况说明；文字规则未检查。", "no explanatory text found; the text rules were not applied.")
    return Published(department, year, edition, tables, narrative, {}, False, source, dict(r.lines), tuple(r.findings),
                     family="budget")


_ = _NUMBER
