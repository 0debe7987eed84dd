"""Layout variants of a derived disclosure written as a web page (for the reader's tests).

The corpus has 50 budgets of seven cities and one real 决算; a report from another place
prints the same tables under other titles, numbering, order, units, headers and code styles
(issue #12).  :func:`html` writes a derived :class:`~govbudget.tables.Disclosure` as an HTML
page in one :class:`Variant` — each knob one of those differences — and :func:`expected`
gives the figures that page prints, by (table, side, row, column), in the unit it prints
them in; the reader must read exactly those back (``tests/test_layout_variants.py``).
:func:`pdf` prints a page to PDF with headless chromium, so that the same variants go
through the PDF extractor (ruled cells from CSS borders, or no rules at all).

Nothing here is taken from the reader: titles, column headers and row labels are the family
specs' (the words a report prints), the Shanghai and central title sets are those of
``../shared/spec/disclosure-tables.md`` §1.2 and §6, written out here as those places print them.
"""

from __future__ import annotations

import random
import shutil
import subprocess
from collections.abc import Sequence
from decimal import Decimal
from html import escape
from pathlib import Path

import attrs

from govbudget.money import Unit, display, format_amount
from govbudget.tables import Column, Disclosure, Row, Table

__all__ = ["CHINESE_NUMERALS", "Variant", "expected", "html", "pdf", "printed_order"]

CHINESE_NUMERALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三")

#: Shanghai 2024 决算: the nine tables in its order (三公 seventh) under its titles (§1.2).
SHANGHAI_FINAL = (
    ("01", "收入支出决算总表"), ("02", "收入决算表"), ("03", "支出决算表"), ("04", "财政拨款收入支出决算总表"),
    ("05", "一般公共预算财政拨款支出决算表"), ("06", "一般公共预算财政拨款基本支出决算表"),
    ("09", "财政拨款“三公”经费支出决算表"), ("07", "政府性基金预算财政拨款收入支出决算表"),
    ("08", "国有资本经营预算财政拨款收入支出决算表"),
)
#: Shanghai district budgets 2024–2026: nine tables, in 元 but the last in 万元 (§6.1).
SHANGHAI_BUDGET = (
    ("01", "部门财务收支预算总表"), ("02", "部门收入预算总表"), ("03", "部门支出预算总表"),
    ("04", "部门财政拨款收支预算总表"), ("05", "部门一般公共预算支出功能分类预算表"),
    ("08", "部门政府性基金预算支出功能分类预算表"), ("09", "部门国有资本经营预算支出功能分类预算表"),
    ("06", "部门一般公共预算基本支出部门预算经济分类预算表"), ("07", "部门“三公”经费和机关运行经费预算表"),
)
#: The central departments' nine budget tables (§6.2), in their order.
CENTRAL_BUDGET = (
    ("01", "收支总表"), ("02", "收入总表"), ("03", "支出总表"), ("04", "财政拨款收支总表"),
    ("05", "一般公共预算支出表"), ("06", "一般公共预算基本支出表"), ("07", "一般公共预算“三公”经费支出表"),
    ("08", "政府性基金预算支出表"), ("09", "国有资本经营预算支出表"),
)
#: 三公 tables (printed in 万元 where a place prints the others in 元).
THREE_PUBLIC = {"final": "09", "budget": "07"}


@attrs.frozen
class Variant:
    """How a page prints the tables.  Every knob is one difference a report of another place shows."""

    name: str = "template"
    #: ``official`` (the family spec's titles, ids in order), ``shanghai`` (Shanghai's set,
    #: order and titles), ``central`` (the central budget set: nine tables, their titles).
    titles: str = "official"
    #: Each title prefixed with the department and year (``广州市信访局2026年部门收支总表``).
    prefixed: bool = False
    #: ``label`` (公开01表 / 预算01表 on a line of its own), ``biao-cn`` (表一 …), ``biao``
    #: (表1 …), ``fubiao`` (附表1：…), ``none`` (the title alone), ``headless`` (no title).
    numbering: str = "label"
    #: The title in the first row of the grid instead of above it.
    title_inside: bool = False
    #: ``standard`` or ``shuffled`` (by ``seed``) order of the tables.
    order: str = "standard"
    seed: int = 0
    #: ``wan`` (万元, the rounded figures), ``yuan`` (元 with two decimals), ``yuan-but-three-public``
    #: (元, the 三公 table in 万元 as Shanghai prints it).
    unit: str = "wan"
    thousands: bool = True
    #: 行次 printed (two-sided 总表); 栏次 row printed.
    line_numbers: bool = True
    column_numbers: bool = True
    #: Two-sided 总表: ``side`` (收入 | 支出 side by side) or ``blocks`` (收入 rows, then 支出 rows).
    two_sided: str = "side"
    #: Codes: ``cell`` (code | name), ``split`` (类 | 款 | 项 | name, each part printed),
    #: ``split-sparse`` (only the part a row adds), ``joined`` (``2010501-行政运行``),
    #: ``bracket`` (``[2010501]行政运行``), ``absent`` (the name only).
    codes: str = "cell"
    #: How an exact zero prints: ``""``, ``"-"``, ``"—"`` or ``"0.00"``.
    blank: str = ""
    #: ``multi`` (group heads over their columns, 项目 over 科目编码 | 科目名称) or ``flat`` (one row).
    header: str = "multi"
    #: ``standard`` or ``shuffled`` (by ``seed``) order of the value columns (groups kept together).
    columns: str = "standard"
    #: 三公 决算 table: ``groups`` (all 预算数, then all 决算数) or ``items`` (预算数 | 决算数 under each item).
    three_public: str = "groups"
    #: A table of more body rows than this is printed as two grids, its header repeated (0: never).
    break_after: int = 0
    #: Cell borders (ruling lines when printed to PDF).
    ruled: bool = True

    def unit_of(self, table: Table, family: str) -> Unit:
        if self.unit == "wan" or (self.unit == "yuan-but-three-public" and table.id == THREE_PUBLIC[family]):
            return Unit.WAN
        return Unit.YUAN


def printed_order(d: Disclosure, v: Variant) -> list[tuple[Table, str]]:
    """The tables the page prints, in order, each with its title."""
    if v.titles == "shanghai":
        chosen = SHANGHAI_FINAL if d.family == "final" else SHANGHAI_BUDGET
    elif v.titles == "central":
        chosen = CENTRAL_BUDGET
    else:
        chosen = tuple((t.id, t.title) for t in d.tables.values())
    out = [(d.tables[tid], title) for tid, title in chosen if tid in d.tables]
    if v.order == "shuffled":
        random.Random(v.seed).shuffle(out)
    return out


# -- figures -----------------------------------------------------------------------------------------
def _figure(value: Decimal, unit: Unit, v: Variant) -> Decimal:
    """A derived (exact 元) value as printed in ``unit``."""
    return value if unit is Unit.YUAN else display(value)


def _text(value: Decimal | None, unit: Unit, v: Variant) -> str:
    if value is None:
        return ""
    if value == 0:  # only an exact zero is blank; a tiny amount prints 0.00
        return v.blank
    return format_amount(_figure(value, unit, v), thousands=v.thousands)


def expected(d: Disclosure, v: Variant) -> dict[tuple[str, str, str, str], Decimal]:
    """The figures the page prints: (table, side, row key, column key) → the figure in the
    unit its table is printed in (rows listing units or projects keyed by their label)."""
    out: dict[tuple[str, str, str, str], Decimal] = {}
    for t, _ in printed_order(d, v):
        unit = v.unit_of(t, d.family)
        for r in t.rows:
            if not r.values:  # a padding row
                continue
            key = r.key if ":" not in r.key else r.key.split(":")[0] + ":" + r.label.replace(" ", "")
            for c, value in zip(t.columns_of(r), r.values, strict=True):
                if (r.key, c.key) not in t.missing:
                    out[(t.id, r.side, key, c.key)] = (
                        Decimal(0) if value == 0 else _figure(value, unit, v))
    return out


# -- headers -----------------------------------------------------------------------------------------
@attrs.frozen
class _Head:
    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


def _column_order(columns: Sequence[Column], v: Variant) -> list[Column]:
    """Value columns in printed order: a group (预算数·…) stays together."""
    groups: list[list[Column]] = []
    for c in columns:
        g = c.title.partition("·")[0] if "·" in c.title else None
        if groups and g is not None and "·" in groups[-1][0].title and groups[-1][0].title.partition("·")[0] == g:
            groups[-1].append(c)
        else:
            groups.append([c])
    if v.columns == "shuffled":
        rng = random.Random(v.seed + 1)
        rng.shuffle(groups)
        for g in groups:
            rng.shuffle(g)
    return [c for g in groups for c in g]


def _value_heads(columns: Sequence[Column], first: int, v: Variant) -> tuple[list[_Head], int]:
    """Heads of the value columns from column ``first``; and how many header rows they take."""
    if v.header == "flat":
        return [_Head(c.title.replace("·", ""), 0, first + j) for j, c in enumerate(columns)], 1
    heads: list[_Head] = []
    j = 0
    while j < len(columns):
        group, dot, _ = columns[j].title.partition("·")
        if dot:
            k = j
            while k < len(columns) and columns[k].title.partition("·")[0] == group and "·" in columns[k].title:
                heads.append(_Head(columns[k].title.partition("·")[2], 1, first + k))
                k += 1
            heads.append(_Head(group, 0, first + j, colspan=k - j))
            j = k
        else:
            heads.append(_Head(columns[j].title, 0, first + j, rowspan=2))
            j += 1
    return heads, 2


def _three_public_by_item(columns: Sequence[Column], first: int) -> tuple[list[Column], list[_Head], int]:
    """Shanghai's 三公 决算 header: each item over 预算数 | 决算数, the car items under one head."""
    items = [c.key.split("_", 1)[1] for c in columns if c.key.startswith("budget_")]
    by_key = {c.key: c for c in columns}
    order: list[Column] = []
    heads: list[_Head] = []
    at = first
    cars = ("vehicles", "vehicle_purchase", "vehicle_operation")
    for item in items:
        if item in cars[1:]:
            continue
        subs = cars if item == "vehicles" else (item,)
        if item == "vehicles":
            heads.append(_Head("公务用车购置及运行维护费", 0, at, colspan=2 * len(subs)))
        for s in subs:
            title = by_key[f"budget_{s}"].title.partition("·")[2]
            if item == "vehicles":
                title = {"vehicles": "小计", "vehicle_purchase": "购置费", "vehicle_operation": "运行维护费"}[s]
                heads.append(_Head(title, 1, at, colspan=2))
            else:
                heads.append(_Head(title, 0, at, rowspan=2, colspan=2))
            for n, prefix in enumerate(("budget", "actual")):
                heads.append(_Head(by_key[f"{prefix}_{s}"].title.partition("·")[0], 2, at + n))
                order.append(by_key[f"{prefix}_{s}"])
            at += 2
    return order, heads, 3


# -- tables ------------------------------------------------------------------------------------------
@attrs.frozen
class _Printed:
    """A table as the page prints it: header cells over ``header_rows`` rows, body rows of
    ``width`` cell texts (a merged label cell: its text and how many cells it spans)."""

    width: int
    header_rows: int
    heads: tuple[_Head, ...]
    body: tuple[tuple[str, ...], ...]


def _code_cells(row: Row, v: Variant, previous: str) -> list[str]:
    code = row.code or ""
    name = row.label
    if v.codes == "cell":
        return [code, name]
    if v.codes in ("split", "split-sparse"):
        parts = [code[:3], code[3:5], code[5:7]]
        if v.codes == "split-sparse" and code:
            # only the part this row adds (a blank part repeats the row above's)
            parts = ["", "", parts[2]] if len(code) == 7 and previous[:5] == code[:5] else \
                ["", parts[1], parts[2]] if len(code) >= 5 and previous[:3] == code[:3] else parts
        return [*parts, name]
    if v.codes == "joined":
        return [f"{code}-{name}" if code else name]
    if v.codes == "bracket":
        return [f"[{code}]{name}" if code else name]
    return [name]  # absent


def _code_heads(v: Variant, economic: bool) -> list[str]:
    what = "经济分类" if economic else "功能分类"
    if v.codes == "cell":
        return [f"{what}科目编码", "科目名称"]
    if v.codes in ("split", "split-sparse"):
        return ["类", "款", "项", "科目名称"]
    return ["科目名称" if v.codes != "absent" else "项目"]


def _numbers(n: int, first: int, row: int, v: Variant, label_cols: int) -> list[_Head]:
    heads = [_Head("栏次", row, first - label_cols, colspan=label_cols)] if label_cols else []
    return heads + [_Head(str(j + 1), row, first + j) for j in range(n)]


def _subjects(t: Table, unit: Unit, v: Variant) -> _Printed:
    cols = _column_order(t.columns, v)
    economic = t.spec.subjects is not None and t.spec.subjects.scheme.name.startswith("ECONOMIC")
    names = _code_heads(v, economic)
    lc = len(names)
    value_heads, hr = _value_heads(cols, lc, v)
    if hr == 2:
        heads = [_Head("项目", 0, 0, colspan=lc) if lc > 1 else _Head(names[0], 0, 0, rowspan=2),
                 *(_Head(n, 1, j) for j, n in enumerate(names) if lc > 1)]
    else:
        heads = [_Head(n, 0, j) for j, n in enumerate(names)]
    heads += value_heads
    if v.column_numbers:
        heads += _numbers(len(cols), lc, hr, v, lc)
        hr += 1
    body = []
    previous = ""
    rows = t.rows if not t.is_empty else tuple(r for r in t.rows if not r.code)
    for r in rows:
        if r.code or ":" in r.key:
            labels = _code_cells(attrs.evolve(r, code=r.code or ""), v, previous)
            previous = r.code or ""
        else:  # 合计: its label in the name column
            labels = [""] * (lc - 1) + [r.label]
        values = dict(zip((c.key for c in t.columns_of(r)), r.values, strict=False))
        body.append((*labels, *(_text(values.get(c.key), unit, v) for c in cols)))
    return _Printed(lc + len(cols), hr, tuple(heads), tuple(body))


def _single(t: Table, unit: Unit, v: Variant, family: str) -> _Printed:
    by_item = v.three_public == "items" and t.id == THREE_PUBLIC[family] and family == "final"
    labelled = len(t.rows) > 1
    first = 1 if labelled else 0
    if by_item:
        cols, heads, hr = _three_public_by_item(t.columns, first)
    else:
        cols = _column_order(t.columns, v)
        heads, hr = _value_heads(cols, first, v)
    if labelled:
        heads = [_Head("项目", 0, 0, rowspan=hr), *heads]
    if v.column_numbers:
        heads += _numbers(len(cols), first, hr, v, first)
        hr += 1
    body = []
    if labelled or not t.is_empty:
        for r in t.rows:
            values = dict(zip((c.key for c in t.columns_of(r)), r.values, strict=False))
            body.append(((r.label,) if labelled else ()) + tuple(_text(values.get(c.key), unit, v) for c in cols))
    return _Printed(first + len(cols), hr, tuple(heads), tuple(body))


def _side_cells(t: Table, row: Row | None, cols: Sequence[Column], unit: Unit, v: Variant) -> list[str]:
    if row is None:
        return [""] * ((2 if v.line_numbers else 1) + len(cols))
    number = [str(row.line or "")] if v.line_numbers else []
    if not row.label:  # a padding row prints nothing
        return ["", *number, *([""] * len(cols))]
    values = dict(zip((c.key for c in t.columns_of(row)), row.values, strict=False))
    return [row.label, *number, *(_text(values.get(c.key), unit, v) for c in cols)]


#: The group heads over the sides of a 总表.
_SIDES = {"income": "收入", "expenditure": "支出"}


def _two_sided(t: Table, unit: Unit, v: Variant) -> _Printed:
    sides = t.spec.sides
    cols = [_column_order(t.columns_for(s), v) for s in sides]
    by_side = [[r for r in t.rows if r.side == s] for s in sides]
    lead = 2 if v.line_numbers else 1
    if v.two_sided == "blocks":
        # one side after the other, under one header; a row naming 支出 starts the second
        width = lead + max(len(c) for c in cols)
        heads = [_Head("项目", 0, 0), *([_Head("行次", 0, 1)] if v.line_numbers else []),
                 *(_Head(c.title, 0, lead + j) for j, c in enumerate(cols[0]))]
        body: list[tuple[str, ...]] = []
        for n, (rows, side_cols) in enumerate(zip(by_side, cols, strict=True)):
            if n:
                body.append(("支出", *([""] * (width - 1))))
                if len(side_cols) > 1:
                    body.append(("项目", *(["行次"] if v.line_numbers else []), *(c.title for c in side_cols)))
            for r in rows:
                if r.label:
                    cells = _side_cells(t, r, side_cols, unit, v)
                    body.append(tuple(cells + [""] * (width - len(cells))))
        return _Printed(width, 1, tuple(heads), tuple(body))
    heads: list[_Head] = []
    at = 0
    hr = 2 if v.header == "multi" else 1
    for side, side_cols in zip(sides, cols, strict=True):
        w = lead + len(side_cols)
        if v.header == "multi":
            heads.append(_Head(_SIDES[side], 0, at, colspan=w))
        r0 = hr - 1
        heads += [_Head("项目", r0, at), *([_Head("行次", r0, at + 1)] if v.line_numbers else []),
                  *(_Head(c.title, r0, at + lead + j) for j, c in enumerate(side_cols))]
        if v.column_numbers:
            heads += [_Head("栏次", hr, at, colspan=lead), *(_Head(str(c.number or ""), hr, at + lead + j)
                                                            for j, c in enumerate(side_cols))]
        at += w
    body = []
    for i in range(max(len(rows) for rows in by_side)):
        line: list[str] = []
        for rows, side_cols in zip(by_side, cols, strict=True):
            line += _side_cells(t, rows[i] if i < len(rows) else None, side_cols, unit, v)
        body.append(tuple(line))
    return _Printed(at, hr + (1 if v.column_numbers else 0), tuple(heads), tuple(body))


def _panels(t: Table, unit: Unit, v: Variant) -> _Printed:
    groups, first_group = t.panel_groups()
    col = t.columns[0]
    names = _code_heads(v, True)
    step = len(names) + 1
    heads = []
    multi = v.header == "multi"
    for n, panel in enumerate(t.spec.panels):
        last = first_group[t.spec.panels[n + 1].key] if n + 1 < len(t.spec.panels) else len(groups)
        if multi:
            heads.append(_Head(panel.title, 0, step * first_group[panel.key],
                               colspan=step * (last - first_group[panel.key])))
    for k in range(len(groups)):
        heads += [*(_Head(nm, 1 if multi else 0, step * k + j) for j, nm in enumerate(names)),
                  _Head(col.title, 1 if multi else 0, step * k + len(names))]
    body = []
    for i in range(max(len(g) for g in groups)):
        line: list[str] = []
        previous = ""
        for g in groups:
            r = g[i] if i < len(g) else None
            if r is None:
                line += [""] * step
            else:
                line += [*_code_cells(r, v, previous), _text(r.values[0], unit, v)]
        body.append(tuple(line))
    totals = [""] * (step * len(groups))
    for n, panel in enumerate(t.spec.panels):
        last = (first_group[t.spec.panels[n + 1].key] if n + 1 < len(t.spec.panels) else len(groups)) - 1
        for r in t.rows:
            if r.side == panel.key and not r.code:
                totals[step * first_group[panel.key] + step - 2] = r.label
                totals[step * last + step - 1] = _text(r.values[0], unit, v)
    body.append(tuple(totals))
    return _Printed(step * len(groups), 2 if multi else 1, tuple(heads), tuple(body))


def _printed(t: Table, unit: Unit, v: Variant, family: str) -> _Printed:
    spec = t.spec
    if spec.two_sided:
        return _two_sided(t, unit, v)
    if spec.panels:
        return _panels(t, unit, v)
    if spec.subjects is None:
        return _single(t, unit, v, family)
    return _subjects(t, unit, v)


# -- the page ----------------------------------------------------------------------------------------
def _grid_html(p: _Printed, body: Sequence[tuple[str, ...]], title_row: str | None) -> str:
    out = ["<table>"]
    if title_row is not None:
        out.append(f"<tr><td colspan={p.width}>{escape(title_row)}</td></tr>")
    for r in range(p.header_rows):
        cells = sorted((h for h in p.heads if h.row == r), key=lambda h: h.col)
        out.append("<tr>" + "".join(
            f"<th{f' rowspan={h.rowspan}' if h.rowspan > 1 else ''}{f' colspan={h.colspan}' if h.colspan > 1 else ''}>"
            f"{escape(h.text)}</th>" for h in cells) + "</tr>")
    for line in body:
        out.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in line) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def _numbered(n: int, title: str, t: Table, v: Variant) -> tuple[str | None, str | None]:
    """(label line, title line) as the variant numbers table ``n`` (1-based, printed order)."""
    if v.numbering == "label":
        return t.label, title
    if v.numbering == "biao-cn":
        return None, f"表{CHINESE_NUMERALS[n - 1]} {title}"
    if v.numbering == "biao":
        return None, f"表{n} {title}"
    if v.numbering == "fubiao":
        return None, f"附表{n}：{title}"
    if v.numbering == "headless":
        return None, None
    return None, title


_STYLE = ("body{font-family:'WenQuanYi Micro Hei','Noto Sans CJK SC',sans-serif;font-size:11px}"
          "table{border-collapse:collapse;width:100%;margin:4px 0}"
          "td,th{padding:1px 4px}p{margin:2px 0}")
_RULED = "td,th{border:1px solid #000}"


def html(d: Disclosure, v: Variant) -> str:
    """The page: a heading naming the disclosure, then each table (label, title, unit line,
    grid, note and statement) as the variant prints it."""
    kind = "部门决算" if d.family == "final" else "部门预算"
    out = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><style>{_STYLE}{_RULED if v.ruled else ''}</style>",
           "</head><body>", f"<h1>{escape(d.department)}{d.fiscal_year}年度{kind}</h1>",
           f"<h2>第二部分 {d.fiscal_year}年度{kind}表</h2>"]
    for n, (t, title) in enumerate(printed_order(d, v), 1):
        unit = v.unit_of(t, d.family)
        if v.prefixed:
            title = f"{d.department}{d.fiscal_year}年{title}"
        label, title_line = _numbered(n, title, t, v)
        p = _printed(t, unit, v, d.family)
        if label:
            out.append(f"<p style='text-align:right'>{escape(label)}</p>")
        if title_line and not v.title_inside:
            out.append(f"<h3>{escape(title_line)}</h3>")
        out.append(f"<p>部门：{escape(d.department)}　　　单位：{unit.value}</p>")
        chunks = [p.body]
        if v.break_after and len(p.body) > v.break_after:
            chunks = [p.body[:v.break_after], p.body[v.break_after:]]
        for i, chunk in enumerate(chunks):
            out.append(_grid_html(p, chunk, title_line if v.title_inside and i == 0 else None))
        out.append(f"<p>{escape(t.note)}</p>")
        if t.statement:
            out.append(f"<p>{escape(t.statement)}</p>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def browser() -> str | None:
    """The headless browser on this machine, if any."""
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def pdf(page: str, where: Path, name: str = "variant") -> Path:
    """The page printed to PDF by headless chromium (A4 landscape would cut nothing either:
    the tables are 100% wide).  Needs :func:`browser`."""
    exe = browser()
    assert exe is not None
    src, out = where / f"{name}.html", where / f"{name}.pdf"
    src.write_text(page, encoding="utf-8")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-pdf-header-footer",
             f"--user-data-dir={where / 'profile'}", f"--print-to-pdf={out}"]
    subprocess.run([exe, *flags, src.as_uri()], capture_output=True, text=True, timeout=120, check=True)
    return out

