"""--format html: one self-contained page, checked as text and in a real browser (chromium).

The browser tests run headless Debian chromium: the page's DOM (``--dump-dom``) must show
the table figures, the chart elements and the highlighted findings, and a screenshot must
show the highlight colours.  They are skipped only where chromium is absent and ``CI`` is
not set; under CI a missing chromium fails.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings

from govbudget.cli import main
from govbudget.html_render import page
from govbudget.io import example_ledger
from govbudget.narrative import build
from govbudget.tables import derive

from .strategies import full_ledgers

BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def _browser() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI"):
        pytest.fail("chromium is required in CI (.ci/run installs it: apt-get install -y chromium)")
    pytest.skip("chromium not installed (apt-get install -y chromium)")


def _run(browser: str, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp / 'profile'}"]
    return subprocess.run([browser, *flags, *args], capture_output=True, text=True, timeout=120, check=True)


class _Dom(HTMLParser):
    """Elements as (tag, attrs, text) with the text directly inside them."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str], list[str]]] = []
        self.stack: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}, []))
        if tag not in ("br", "meta", "img"):  # void elements never close
            self.stack.append(len(self.elements) - 1)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}, []))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            i = self.stack.pop()
            if self.elements[i][0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.stack:
            self.elements[self.stack[-1]][2].append(data)

    def find(self, tag: str, **attrs: str) -> list[tuple[str, dict[str, str], list[str]]]:
        out = []
        for t, a, text in self.elements:
            if t != tag:
                continue
            if all((v in a.get(k.rstrip("_"), "").split()) if k.endswith("_") else a.get(k) == v
                   for k, v in attrs.items()):
                out.append((t, a, text))
        return out


def _dom(text: str) -> _Dom:
    d = _Dom()
    d.feed(text)
    return d


def _pixels(png: bytes) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit RGB(A) PNG (what chromium writes) into rows of raw pixels."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    height = channels = 0
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        data = png[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", data[:10])
            assert depth == 8
            channels = {2: 3, 6: 4}[colour]
        elif kind == b"IDAT":
            idat += data
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b, c = prev[x], prev[x - channels] if x >= channels else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, channels, rows


def _count(png: bytes, rgb: tuple[int, int, int]) -> int:
    width, channels, rows = _pixels(png)
    n = 0
    for line in rows:
        for x in range(0, width * channels, channels):
            if tuple(line[x:x + 3]) == rgb:
                n += 1
    return n


@pytest.fixture(scope="module")
def report_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("h") / "report.html"
    assert main(["report", "--format", "html", "-o", str(path)]) == 0
    return path


@pytest.fixture(scope="module")
def check_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hc") / "check.html"
    assert main(["check", "--example", "--format", "html", "-o", str(path)]) == 1
    return path


# -- the page as written ----------------------------------------------------------------------

def test_page_is_self_contained(report_page: Path) -> None:
    text = report_page.read_text(encoding="utf-8")
    assert "<script" not in text
    # No resource is fetched: no src=, no stylesheet link, no url(); the only URL is the SVG namespace.
    assert not re.search(r"\bsrc=|<link|url\(", text)
    assert set(re.findall(r"https?://[^\"' )]+", text)) == {"http://www.w3.org/2000/svg"}


def test_page_shows_every_table_and_the_text(report_page: Path) -> None:
    dom = _dom(report_page.read_text(encoding="utf-8"))
    assert [a["data-table"] for _, a, _ in dom.find("table")] == [f"0{i}" for i in range(1, 10)]
    assert dom.find("section", id="narrative")
    # The 合计 label spans 科目代码 and 科目名称 in the 公开02/03/05表 (and the empty 07/08表).
    assert sum(1 for _, a, t in dom.find("td") if "".join(t) == "合计" and a.get("colspan") == "2") == 5
    assert any("一、收入支出决算总体情况说明" in "".join(t) for _, _, t in dom.find("h3"))


def test_charts_follow_the_tables() -> None:
    ledger = example_ledger()
    d = derive(ledger)
    dom = _dom(page(d.department, d.fiscal_year, d.tables.values(), narrative=build(ledger, d)))
    charts = [a["data-chart"] for _, a, _ in dom.find("svg")]
    assert charts == ["by-class", "basic-project", "year-on-year", "three-public"]
    bars = {a["data-label"]: a["data-value"] for _, a, _ in dom.find("rect", **{"class_": "bar"})}
    # 公开03表 类 totals (万元): 206 科学技术支出 3,000.00; 201 780.27 … as in the seed.
    assert bars["206 科学技术支出"] == "3000.00" and bars["201 一般公共服务支出"] == "780.27"
    assert bars["基本支出"] == "590.51" and bars["项目支出"] == "3291.33"
    # 上年 收支总计 5,976.53 = 3,881.84 + 2,094.69 (the text's 减少 2,094.69 万元).
    assert bars["收入支出总计·上年"] == "5976.53" and bars["收入支出总计·本年"] == "3881.84"


# -- in the browser ---------------------------------------------------------------------------

def test_report_in_chromium(report_page: Path, tmp_path: Path) -> None:
    browser = _browser()
    dom = _dom(_run(browser, tmp_path, "--dump-dom", report_page.as_uri()).stdout)
    t05 = [a for _, a, _ in dom.find("td", **{"data-row": "total", "data-col": "total"})]
    assert t05, "no 合计 cell"
    shown = {"".join(text) for _, a, text in dom.find("td") if "data-col" in a}
    assert {"3,881.84", "590.51", "3,291.33", "780.27"} <= shown
    assert len(dom.find("svg")) == 4
    assert len(dom.find("rect", **{"class_": "bar"})) >= 6 + 2 + 6
    shot = tmp_path / "report.png"
    _run(browser, tmp_path, "--window-size=1000,560", f"--screenshot={shot}", report_page.as_uri())
    # The 基本支出 bar (#2f6db5) and the 项目支出 bar (#e07b39) are drawn.
    png = shot.read_bytes()
    assert _count(png, (0x2F, 0x6D, 0xB5)) > 1500 and _count(png, (0xE0, 0x7B, 0x39)) > 1500


def test_check_in_chromium_highlights_findings(check_page: Path, tmp_path: Path) -> None:
    browser = _browser()
    dom = _dom(_run(browser, tmp_path, "--dump-dom", check_page.as_uri()).stdout)
    items = dom.find("li")
    assert sum(1 for _, a, _ in items if a.get("class") == "finding-error") == 3
    assert len([1 for _, a, _ in items if a.get("id", "").startswith("finding-")]) == 26
    # The 公开01表 本年支出合计 tail (info) sits on its cell, which shows the printed 3,881.84.
    marked = [(a, "".join(t)) for _, a, t in dom.find("td", **{"class_": "finding"})]
    assert any(a.get("data-row") == "expenditure_total" and text.startswith("3,881.84") and
               "t01.expenditure-total" in a.get("title", "") for a, text in marked)
    # The text errors are marked on their sentences, e.g. 住房保障支出 0.74% (舍位平衡).
    marks = [(a, "".join(t)) for _, a, t in dom.find("mark", **{"class_": "finding-error"})]
    assert any("0.74%" in text for _, text in marks)
    shot = tmp_path / "check.png"
    _run(browser, tmp_path, "--window-size=1000,400", f"--screenshot={shot}", check_page.as_uri())
    assert _count(shot.read_bytes(), (0xFF, 0xC7, 0xCE)) > 3000  # the error highlight is visible


def test_the_heading_names_the_family() -> None:
    d = derive(example_ledger())
    assert "<h1>三门峡市政务服务和大数据管理局 2023 年度部门决算</h1>" in page(d.department, d.fiscal_year, ())
    budget = page("广州市信访局", 2026, (), family="budget")
    assert "<h1>广州市信访局 2026 年度部门预算</h1>" in budget and "部门决算" not in budget


def test_a_finding_about_a_whole_table_links_to_the_table() -> None:
    import attrs

    from govbudget.published import from_disclosure
    from govbudget.rules import check

    d = derive(example_ledger())
    p = attrs.evolve(from_disclosure(d), statements={})
    findings = [f for f in check(p).findings if f.rule.endswith("tables.empty-statement")]
    html = page(d.department, d.fiscal_year, d.tables.values(), findings=findings)
    dom = _dom(html)
    links = [a.get("href") for _, a, text in dom.find("a") if "".join(text) == "定位"]
    assert links == ["#t07", "#t08", "#t09"]
    assert dom.find("section", id="t07")


@settings(max_examples=10, deadline=None)
@given(full_ledgers(max_lines=12))
def test_generated_pages_show_every_figure(ledger) -> None:
    from govbudget.money import display, format_amount

    d = derive(ledger)
    dom = _dom(page(d.department, d.fiscal_year, d.tables.values(), narrative=build(ledger, d)))
    cells = [(a, "".join(text)) for _, a, text in dom.find("td") if "data-col" in a]
    by_table: dict[str, int] = {}
    for a, text in cells:
        tid = a["id"].split("-")[0][1:]
        value = d.table(tid).cell(a["data-row"], a["data-col"])
        assert text == ("" if value == 0 else format_amount(display(value)))
        by_table[tid] = by_table.get(tid, 0) + 1
    assert set(by_table) >= {"01", "04"}  # the 总表 always print their rows


def test_a_table_of_several_fixed_rows_prints_their_labels() -> None:
    # 预算02表 (收入总表) lists 合计 and each unit: the labels are printed, not dropped.
    from govbudget.budget.io import example_budget_ledger
    from govbudget.budget.tables import derive as derive_budget
    from govbudget.layout import grid

    bd = derive_budget(example_budget_ledger())
    t = bd.table("02")
    g = grid(t)
    assert len(t.rows) > 1
    assert [line[0].text for line in g.body] == [r.label for r in t.rows]
    assert g.heads[0].text == "项目"
    # The single-row 公开09表 prints its figures alone, as published.
    assert grid(derive(example_ledger()).table("09")).width == 12
