"""Charts as inline SVG (图表), written by the library: no JavaScript, no network.

Three shapes cover the page's charts: :func:`bars` (one bar per item: spending by 类),
:func:`split` (one bar cut into shares: 基本支出 against 项目支出) and :func:`pairs` (two bars
per item: 上年 against 本年, 预算 against 决算).  Every value is a ``Decimal`` in 万元 as
printed; lengths are computed in ``Decimal`` too and written to 0.1 px, so no float touches
a figure or a share.  Each bar is a ``<rect class="bar">`` carrying ``data-label`` and
``data-value`` (what a test or a screen reader reads), with a ``<title>`` tooltip.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Context, Decimal
from html import escape

from govbudget.money import ZERO, exact_arithmetic, format_amount, percent

__all__ = ["bars", "pairs", "split"]

WIDTH = 720
LABEL = 230
ROW = 26
PALETTE = ("#2f6db5", "#e07b39", "#3a9d5d", "#b5443b", "#7d5ba6", "#c9a227")
_TENTH = Decimal("0.1")


def _px(value: Decimal) -> str:
    return str(value.quantize(_TENTH, rounding=ROUND_HALF_UP))


def _length(value: Decimal, top: Decimal, span: int) -> Decimal:
    if top <= 0 or value <= 0:
        return ZERO
    # Presentation only: a pixel length, rounded explicitly (ROUND_HALF_UP to 0.1 px) in a
    # local context, whatever the caller's.
    ctx = Context(prec=28, rounding=ROUND_HALF_UP)
    return ctx.divide(ctx.multiply(value, Decimal(span)), top).quantize(_TENTH, context=ctx)


def _frame(kind: str, title: str, height: int, body: list[str], legend: Sequence[tuple[str, str]] = ()) -> str:
    items = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-chart="{kind}" role="img" '
             f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" aria-label="{escape(title)}">',
             f'<text class="chart-title" x="0" y="18" font-size="15" font-weight="bold">{escape(title)}</text>']
    for k, (name, colour) in enumerate(legend):
        x = LABEL + 150 * k
        items.append(f'<rect class="legend" x="{x}" y="6" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{x + 16}" y="17" font-size="12">{escape(name)}</text>')
    return "\n".join(items + body + ["</svg>"])


def _empty(kind: str, title: str, why: str = "无数据") -> str:
    return _frame(kind, title, 60, [f'<text class="no-data" x="0" y="46" font-size="13" fill="#666">{escape(why)}</text>'])


def _bar(x: int, y: int, length: Decimal, h: int, colour: str, label: str, value: Decimal, unit: str) -> str:
    text = f"{label}：{format_amount(value)} {unit}"
    return (f'<rect class="bar" x="{x}" y="{y}" width="{_px(length)}" height="{h}" fill="{colour}" '
            f'data-label="{escape(label)}" data-value="{value}"><title>{escape(text)}</title></rect>')


def bars(kind: str, title: str, items: Sequence[tuple[str, Decimal]], unit: str = "万元") -> str:
    """One horizontal bar per item, longest first as given, with its figure at the end."""
    items = [(label, v) for label, v in items if v != 0]
    if not items:
        return _empty(kind, title)
    top = max(v for _, v in items)
    span = WIDTH - LABEL - 110
    body = []
    for i, (label, v) in enumerate(items):
        y = 32 + i * ROW
        length = _length(v, top, span)
        body.append(f'<text x="{LABEL - 8}" y="{y + 15}" font-size="12" text-anchor="end">{escape(label)}</text>')
        body.append(_bar(LABEL, y, length, ROW - 8, PALETTE[0], label, v, unit))
        body.append(f'<text class="value" x="{_px(LABEL + length + 6)}" y="{y + 15}" font-size="12">'
                    f"{format_amount(v)}</text>")
    return _frame(kind, title, 40 + len(items) * ROW, body)


def split(kind: str, title: str, parts: Sequence[tuple[str, Decimal]], unit: str = "万元") -> str:
    """One bar cut into the parts' shares (each share as :func:`govbudget.money.percent`)."""
    whole = sum((v for _, v in parts), ZERO)
    if whole <= 0:
        return _empty(kind, title)
    span = WIDTH - 20
    x = Decimal(0)
    body = []
    for i, (label, v) in enumerate(parts):
        length = _length(v, whole, span)
        share = percent(v, whole)
        colour = PALETTE[i % len(PALETTE)]
        text = f"{label}：{format_amount(v)} {unit}（{share}%）"
        body.append(f'<rect class="bar" x="{_px(x)}" y="30" width="{_px(length)}" height="30" fill="{colour}" '
                    f'data-label="{escape(label)}" data-value="{v}" data-share="{share}">'
                    f"<title>{escape(text)}</title></rect>")
        body.append(f'<text x="0" y="{80 + 16 * i}" font-size="12" fill="{colour}">{escape(text)}</text>')
        x += length
    return _frame(kind, title, 80 + 16 * len(parts), body)


def pairs(kind: str, title: str, items: Sequence[tuple[str, Decimal | None, Decimal | None]],
          legend: tuple[str, str], unit: str = "万元") -> str:
    """Two bars per item (e.g. 上年 / 本年); a figure not stated (``None``) draws no bar and
    says so, never a zero."""
    shown = [(label, a, b) for label, a, b in items if a is not None or b is not None]
    if not shown:
        return _empty(kind, title)
    if all(v == 0 for _, a, b in shown for v in (a, b) if v is not None):
        return _empty(kind, title, f"{legend[0]}与{legend[1]}均为 0")
    top = max((v for _, a, b in shown for v in (a, b) if v is not None), default=ZERO)
    span = WIDTH - LABEL - 170
    body = []
    colours = (PALETTE[1], PALETTE[0])
    for i, (label, a, b) in enumerate(shown):
        y = 32 + i * 2 * ROW
        body.append(f'<text x="{LABEL - 8}" y="{y + 22}" font-size="12" text-anchor="end">{escape(label)}</text>')
        for k, v in enumerate((a, b)):
            yy = y + k * (ROW - 6)
            if v is None:
                body.append(f'<text class="not-stated" x="{LABEL}" y="{yy + 13}" font-size="11" fill="#666">'
                            f"{escape(legend[k])}：未填报</text>")
                continue
            length = _length(v, top, span)
            body.append(_bar(LABEL, yy, length, ROW - 10, colours[k], f"{label}·{legend[k]}", v, unit))
            body.append(f'<text class="value" x="{_px(LABEL + length + 6)}" y="{yy + 13}" font-size="11">'
                        f"{format_amount(v)}</text>")
        if a is not None and b is not None:
            with exact_arithmetic():
                delta = b - a
            rate = percent(delta, a) if a else None
            change = f"{'+' if delta >= 0 else ''}{format_amount(delta)}" + (f"（{rate:+}%）" if rate is not None else "")
            body.append(f'<text class="change" x="{WIDTH - 4}" y="{y + 22}" font-size="11" text-anchor="end" '
                        f'data-change="{delta}">{escape(change)}</text>')
    return _frame(kind, title, 40 + len(shown) * 2 * ROW, body, tuple(zip(legend, colours, strict=True)))
