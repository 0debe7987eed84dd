"""The SVG charts: lengths in proportion to the figures, nothing stated drawn as not stated."""

from __future__ import annotations

import re
from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from govbudget import svg

from .strategies import fen_amounts


def _bars(text: str) -> list[tuple[str, str, D]]:
    """(label, value, width) of each bar."""
    return [(m["label"], m["value"], D(m["width"])) for m in re.finditer(
        r'<rect class="bar" x="[\d.]+" y="\d+" width="(?P<width>[\d.]+)"[^>]*data-label="(?P<label>[^"]*)" '
        r'data-value="(?P<value>[^"]*)"', text)]


def test_the_longest_bar_spans_the_plot_and_others_in_proportion() -> None:
    text = svg.bars("k", "t", [("a", D("3000.00")), ("b", D("780.27")), ("c", D("0"))])
    bars = _bars(text)
    assert [b[0] for b in bars] == ["a", "b"]  # a zero draws no bar
    span = svg.WIDTH - svg.LABEL - 110
    assert bars[0][2] == D(span)
    assert bars[1][2] == (D("780.27") * span / D("3000.00")).quantize(D("0.1"))  # 99.6 px


def test_split_shares_are_the_rounded_percentages() -> None:
    text = svg.split("k", "t", [("基本支出", D("590.51")), ("项目支出", D("3291.33"))])
    assert 'data-share="15.21"' in text and 'data-share="84.79"' in text


def test_pairs_say_not_stated_rather_than_zero() -> None:
    text = svg.pairs("k", "t", [("x", None, D("10.00"))], ("上年", "本年"))
    assert "上年：未填报" in text and len(_bars(text)) == 1
    assert "均为 0" in svg.pairs("k", "t", [("x", D(0), D(0))], ("预算数", "决算数"))
    assert "无数据" in svg.pairs("k", "t", [("x", None, None)], ("a", "b"))


def test_pairs_show_the_signed_change() -> None:
    text = svg.pairs("k", "t", [("总计", D("5976.53"), D("3881.84"))], ("上年", "本年"))
    assert 'data-change="-2094.69"' in text and "-2,094.69（-35.05%）" in text


@given(st.lists(fen_amounts(1, 10**12), min_size=1, max_size=8))
def test_no_bar_is_longer_than_the_plot_and_order_is_kept(values) -> None:
    text = svg.bars("k", "t", [(f"i{i}", v) for i, v in enumerate(values)])
    bars = _bars(text)
    span = D(svg.WIDTH - svg.LABEL - 110)
    assert all(D(0) <= w <= span for _, _, w in bars)
    for (_, _, wa), a in zip(bars, values, strict=True):
        for (_, _, wb), b in zip(bars, values, strict=True):
            if a < b:
                assert wa <= wb
