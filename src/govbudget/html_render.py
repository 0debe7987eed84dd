"""The disclosure as one self-contained web page (``--format html``).

The page needs nothing but itself: the styles are inline, the charts are inline SVG
(:mod:`govbudget.svg`), there is no script and no link to any other resource.  It shows the
tables in the published layout (:mod:`govbudget.layout`: merged headers, 行次, 栏次, 万元
with two decimals, a zero as a blank, the note and statement under each table), the charts
(spending by 类, 基本 against 项目, year-on-year changes, 三公 against budget) and the
情况说明.  For ``check`` each finding is marked on its cell (or its sentence of the text)
in the colour of its severity, with a numbered marker that links to the finding's
explanation in the list at the top, and the explanation as the cell's tooltip.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from html import escape

from govbudget import svg
from govbudget.classification import Level
from govbudget.layout import Grid, grid
from govbudget.money import format_amount
from govbudget.narrative import Narrative
from govbudget.published import Finding
from govbudget.render import shown
from govbudget.spec import family
from govbudget.tables import Table

__all__ = ["charts", "page"]

_STYLE = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC","WenQuanYi Micro Hei",sans-serif;
margin:24px auto;max-width:1200px;color:#111;line-height:1.5;padding:0 12px}
h1{font-size:22px;text-align:center}h2{font-size:18px;border-bottom:2px solid #2f6db5;padding-bottom:4px}
h3{font-size:16px;text-align:center;margin:28px 0 4px}
.meta{display:flex;justify-content:space-between;font-size:13px;margin:4px 0}
table.gb{border-collapse:collapse;width:100%;font-size:12px;margin-bottom:4px}
table.gb th,table.gb td{border:1px solid #444;padding:2px 5px}
table.gb th{background:#f2f2f2;font-weight:bold;text-align:center}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.line{text-align:center;color:#555}
.note,.statement{font-size:12px;color:#333;margin:2px 0}
.finding-error{background:#ffc7ce !important;outline:2px solid #c00}
.finding-warning{background:#ffeb9c !important;outline:2px solid #b80}
.finding-info{background:#ddebf7 !important}
sup.mark a{color:#c00;font-size:10px;text-decoration:none;margin-left:2px}
ol.findings li{margin-bottom:6px;font-size:13px}ol.findings .sev{font-weight:bold;text-transform:uppercase}
.charts svg{display:block;margin:12px 0}
.narrative p{text-indent:2em;margin:6px 0}
mark{padding:0 1px}
@media print{.charts{break-inside:avoid}table.gb{break-inside:auto}thead{display:table-header-group}}
"""


def _cell_id(table_id: str, row: int, col: int) -> str:
    return f"t{table_id}-r{row}-c{col}"


def _table_html(department: str, fiscal_year: int | None, table: Table, g: Grid,
                marks: Mapping[tuple[int, int], list[tuple[int, Finding]]]) -> str:
    out = [f'<section class="table" id="t{table.id}">', f"<h3>{escape(table.title)}</h3>",
           f'<div class="meta"><span>部门：{escape(department)}</span>'
           f"<span>{fiscal_year or ''}年度</span><span>{table.label}　金额单位：{table.spec.unit.value}</span></div>",
           f'<table class="gb" data-table="{table.id}">', "<thead>"]
    for r in range(g.header_rows):
        cells = sorted((h for h in g.heads if h.row == r), key=lambda h: h.col)
        row = "".join(
            f"<th{f' rowspan={h.rowspan}' if h.rowspan > 1 else ''}{f' colspan={h.colspan}' if h.colspan > 1 else ''}>"
            f"{escape(h.text)}</th>" for h in cells)
        out.append(f"<tr>{row}</tr>")
    out.append("</thead><tbody>")
    for i, line in enumerate(g.body):
        tds = []
        for j, c in enumerate(line):
            if c.covered:
                continue
            attrs = f' id="{_cell_id(table.id, i, j)}"' + (f" colspan={c.colspan}" if c.colspan > 1 else "")
            classes = []
            text = escape(c.text)
            if c.numeric:
                classes.append("num")
                attrs += f' data-row="{escape(c.row_key or "")}" data-col="{escape(c.column_key or "")}"'
                # Only an exact zero is blank; a tiny amount prints 0.00.
                text = format_amount(shown(table, c.value)) if c.value is not None and c.value != 0 else ""
            elif c.text.isdigit() and len(c.text) <= 2:
                classes.append("line")
            found = marks.get((i, j), [])
            if found:
                worst = min(found, key=lambda nf: ("error", "warning", "info").index(nf[1].severity.value))[1]
                classes.append(f"finding finding-{worst.severity.value}")
                tip = "\n".join(f"[{n}] {f.rule}: {f.message_zh}" for n, f in found)
                attrs += f' title="{escape(tip)}" data-findings="{" ".join(str(n) for n, _ in found)}"'
                text += "".join(f'<sup class="mark"><a href="#finding-{n}">[{n}]</a></sup>' for n, _ in found)
            cls = f' class="{" ".join(classes)}"' if classes else ""
            tds.append(f"<td{cls}{attrs}>{text}</td>")
        out.append(f"<tr>{''.join(tds)}</tr>")
    out.append("</tbody></table>")
    out.append(f'<p class="note">{escape(table.note)}</p>')
    if table.statement:
        out.append(f'<p class="statement">{escape(table.statement)}</p>')
    out.append("</section>")
    return "\n".join(out)


def _value(t: Table | None, row: str, col: str) -> Decimal | None:
    if t is None or t.get_row(row) is None or t.is_missing(row, col):  # a missing fact: no bar, never 0
        return None
    return shown(t, t.cell(row, col))


def charts(tables: Mapping[str, Table], narrative: Narrative | None) -> list[str]:
    """The four charts the page shows (inline SVG), from what the tables and text state."""
    out = []
    final = family("final")  # the charts are of the 决算 tables: their headers name the bars
    t03 = tables.get("03")
    if t03 is not None:
        classes = [(f"{r.code} {r.label}", shown(t03, t03.cell(r.key, "total")))
                   for r in t03.rows if r.level is Level.CLASS and r.code]
        out.append(svg.bars("by-class", "支出结构（按功能分类类级，万元）", sorted(classes, key=lambda kv: -kv[1])))
        parts = [(final.table("03").column(k).title, _value(t03, "total", k) or Decimal(0)) for k in ("basic", "project")]
        out.append(svg.split("basic-project", "基本支出与项目支出（万元）", parts))
    figures = narrative.figures if narrative is not None else {}
    changes = []
    for label, now_key, change_key in (("收入支出总计", "total.amount", "total.change"),
                                       ("财政拨款收入支出总计", "fiscal.total", "fiscal.change"),
                                       ("一般公共预算财政拨款支出", "gpb.total", "gpb.change")):
        now, change = figures.get(now_key), figures.get(change_key)
        if now is not None:
            prior = now.value - change.value if change is not None else None
            changes.append((label, prior, now.value))
    out.append(svg.pairs("year-on-year", "与上年相比（万元）", changes, ("上年", "本年")))
    t09 = tables.get("09")
    if t09 is not None:
        # Each item's header as 公开09 prints it (预算数·因公出国（境）费 → 因公出国（境）费), and the two groups.
        spec09 = final.table("09")
        budget_col, actual_col = (spec09.column(f"{g}_abroad") for g in ("budget", "actual"))
        items = [(spec09.column(f"budget_{k}").title.split("·")[-1], _value(t09, "three_public", f"budget_{k}"),
                  _value(t09, "three_public", f"actual_{k}"))
                 for k in ("abroad", "vehicle_purchase", "vehicle_operation", "reception")]
        out.append(svg.pairs("three-public", "“三公”经费：预算与决算（万元）", items, (budget_col.group, actual_col.group)))
    return out


def _narrative_html(n: Narrative, marks: Mapping[str, list[tuple[int, Finding]]]) -> str:
    out = ['<section class="narrative" id="narrative">', "<h2>第三部分 情况说明</h2>"]
    for s in n.walk():
        level = "h3" if "（" not in s.id else "h4"
        out.append(f'<{level} id="s-{escape(s.id)}" style="text-align:left">{escape(s.heading)}</{level}>')
        for p in s.paragraphs:
            parts = []
            for sentence in p.sentences:
                found = [nf for f in sentence.figures for nf in marks.get(f.key, [])]
                text = escape(sentence.text)
                if found:
                    worst = found[0][1]
                    tip = "\n".join(f"[{k}] {f.rule}: {f.message_zh}" for k, f in found)
                    refs = "".join(f'<sup class="mark"><a href="#finding-{k}">[{k}]</a></sup>' for k, _ in found)
                    text = (f'<mark class="finding finding-{worst.severity.value}" title="{escape(tip)}">'
                            f"{text}</mark>{refs}")
                parts.append(text)
            out.append(f"<p>{''.join(parts)}</p>")
    out.append("</section>")
    return "\n".join(out)


#: What a family's disclosure is called in headings.
FAMILY_NAMES = {"final": "部门决算", "budget": "部门预算"}


def page(department: str, fiscal_year: int | None, tables: Iterable[Table], *,
         narrative: Narrative | None = None, findings: Sequence[Finding] | None = None,
         source: str = "", family: str = "final") -> str:
    """The whole page: heading, findings (for ``check``), charts, tables, 情况说明.
    ``family`` names the disclosure in the headings (``final`` 部门决算, ``budget`` 部门预算)."""
    kind = FAMILY_NAMES.get(family, FAMILY_NAMES["final"])
    tables = list(tables)
    by_id = {t.id: t for t in tables}
    grids = {t.id: grid(t) for t in tables}
    cell_marks: dict[str, dict[tuple[int, int], list[tuple[int, Finding]]]] = {t.id: {} for t in tables}
    text_marks: dict[str, list[tuple[int, Finding]]] = {}
    where: dict[int, str] = {}
    for n, f in enumerate(findings or (), 1):
        loc = f.location
        if loc.table in grids:
            at = grids[loc.table].find(loc.row, loc.column) if loc.row else None
            if at is not None:
                cell_marks[loc.table].setdefault(at, []).append((n, f))
                where[n] = _cell_id(loc.table, *at)
            else:  # a finding about the whole table (e.g. its statement), or a cell not shown
                where[n] = f"t{loc.table}"
        elif loc.key and narrative is not None and loc.key in narrative.figures:
            text_marks.setdefault(loc.key, []).append((n, f))
            section = narrative.section_of(loc.key)
            if section:
                where[n] = f"s-{section}"
        elif loc.section and narrative is not None and any(s.id == loc.section for s in narrative.walk()):
            where[n] = f"s-{loc.section}"
    year = f"{fiscal_year} 年度" if fiscal_year else ""
    title = f"{department} {year}{kind}" if not findings else f"审核：{department} {year}{kind}"
    body = [f"<h1>{escape(title)}</h1>"]
    if source:
        body.append(f'<p class="meta">来源：{escape(source)}</p>')
    if findings is not None:
        counts = {s: sum(1 for f in findings if f.severity.value == s) for s in ("error", "warning", "info")}
        body.append(f'<section id="findings"><h2>审核结果：{counts["error"]} 个错误，{counts["warning"]} 个警告，'
                    f'{counts["info"]} 条提示</h2><ol class="findings">')
        for n, f in enumerate(findings, 1):
            link = f' <a href="#{where[n]}">定位</a>' if n in where else ""
            vals = f"（列示 {escape(f.stated)}，应为 {escape(f.expected or '')}）" if f.stated is not None else ""
            body.append(f'<li id="finding-{n}" class="finding-{f.severity.value}" data-rule="{escape(f.rule)}">'
                        f'<span class="sev">{f.severity.value}</span> {escape(f.rule)} · {escape(str(f.location))}'
                        f"{vals}{link}<br>{escape(f.message_zh)}</li>")
        body.append("</ol></section>")
    figures = charts(by_id, narrative)
    if tables or narrative is not None:
        body.append('<section class="charts" id="charts"><h2>图表</h2>' + "\n".join(figures) + "</section>")
    if tables:
        body.append(f"<h2>第二部分 {kind}表</h2>")
        for t in tables:
            body.append(_table_html(department, fiscal_year, t, grids[t.id], cell_marks[t.id]))
    if narrative is not None:
        body.append(_narrative_html(narrative, text_marks))
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")
