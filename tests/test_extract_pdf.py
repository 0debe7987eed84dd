"""PDF extraction: real corpus pages (facts read off the printed page), hand-built PDFs, hostile input.

The corpus facts were typed from the rendered pages, not from the extractor's output:
重庆市商务委员会 2026 部门预算 (chongqing-02.pdf) 表二 2026年部门收入总体情况表 on pages 9–11,
and 表四 on page 15; 湖州市交通运输局 (huzhou-01.pdf) 表01 on pages 21–23 with its title printed
again on each page; 广州市人民政府办公厅 (guangzhou-02.pdf) 表1, ruled with curves, on pages 5–6;
无锡市交通运输局 (wuxi-01.pdf) 公开03表 on pages 16–17, continued without a header; and
佛山市轨道交通局 2019 部门决算 (foshan-2019.pdf) 表1 on pages 5–7.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govbudget.errors import ExtractError, GovBudgetError, LimitError
from govbudget.extract import Document, ExtractedTable, Limits, extract
from tests.pdfmaker import Rule, Sheet, Text, grid_rules, make_pdf

pytest.importorskip("pdfplumber")

from govbudget.extract import pdf as pdf_module

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def corpus(name: str) -> Path:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"corpus file {path} not found")
    return path


@pytest.fixture(scope="module")
def chongqing() -> Document:
    # the pages the tests look at (1–16): fewer pages keep the suite fast
    return extract(corpus("budget-2026/chongqing-02.pdf"), limits=Limits(max_pages=16))


@pytest.fixture(scope="module")
def huzhou() -> Document:
    return extract(corpus("budget-2026/huzhou-01.pdf"), limits=Limits(max_pages=24))


def _table_starting(doc: Document, page: int, index: int = 0) -> ExtractedTable:
    return doc.page_tables(page)[index]


# --- real corpus pages --------------------------------------------------------------------


def test_chongqing_income_table_header_and_total_row(chongqing: Document) -> None:
    table = _table_starting(chongqing, 9)
    assert table.strategy == "lines"
    assert table.width == 12
    # printed header: 科目 (over 科目编码 | 科目名称), 总计 (two rows high), ten source columns
    assert table.cell(0, 0) == "科目"
    assert table.cell(1, 0) == "科目编码"
    assert table.cell(1, 1) == "科目名称"
    assert table.cell(0, 2) == "总计"
    assert table.rows[0].cells[3:] == (
        "一般公共预算拨款收入",
        "政府性基金预算拨款收入",
        "国有资本经营预算拨款收入",
        "财政专户管理资金收入",
        "事业收入",
        "上级补助收入",
        "附属单位上缴收入",
        "事业单位经营收入",
        "其他收入",
    )
    span = table.span_at(0, 1)
    assert span is not None and (span.row, span.column, span.rows, span.columns) == (0, 0, 1, 2)
    span = table.span_at(1, 2)
    assert span is not None and (span.row, span.column, span.rows, span.columns) == (0, 2, 2, 1)
    assert table.header_rows == 2
    # 合计 row as printed: blanks stay blank, numbers verbatim with separators
    assert table.rows[2].cells == (
        "合计",
        "",
        "174,900.64",
        "101,833.84",
        "41,534.73",
        "",
        "22,070.82",
        "2,461.25",
        "",
        "",
        "6,282.98",
        "717.01",
    )
    assert table.rows[3].cells[:4] == ("201", "一般公共服务支出", "23,103.76", "16,604.23")


def test_chongqing_income_table_is_joined_over_three_pages(chongqing: Document) -> None:
    table = _table_starting(chongqing, 9)
    assert table.pages == (9, 10, 11)
    # the two header rows printed again on pages 10 and 11 are dropped, once each
    assert table.dropped_rows == 4
    assert [r.cells[0] for r in table.rows].count("科目编码") == 1
    # page 10 begins with 2080501 行政单位离退休 96.66 96.66
    first_on_10 = next(r for r in table.rows if r.page == 10)
    assert first_on_10.cells[:4] == ("2080501", "行政单位离退休", "96.66", "96.66")
    assert first_on_10.index == 2  # after the two repeated header rows printed on page 10
    # a name wrapped over two lines inside its cell is joined
    wrapped = next(r for r in table.rows if r.cells[0] == "2080505")
    assert wrapped.cells[1] == "机关事业单位基本养老保险缴费支出"
    assert wrapped.cells[2:4] == ("3,720.78", "3,217.76")
    assert wrapped.cells[6] == "345.01"
    assert wrapped.cells[10] == "158.01"
    # the pages 10 and 11 start no table of their own
    assert chongqing.page_tables(10) == () and chongqing.page_tables(11) == ()


def test_chongqing_title_lines_read_in_order_despite_shifted_glyph_boxes(
    chongqing: Document,
) -> None:
    # The year and the punctuation are set in a font whose glyph boxes sit lower than the
    # line: grouping by baseline keeps them on their printed line.
    assert [ln.text for ln in chongqing.page_lines(9)][:3] == [
        "表二",
        "2026年部门收入总体情况表",
        "单位名称:重庆市商务委员会 单位:万元",
    ]
    assert chongqing.page_lines(1)[1].text == "一、单位基本情况"


def test_chongqing_figures_stay_in_their_printed_row(chongqing: Document) -> None:
    # 表四 财政拨款收支总体情况表 (page 15): the figures' glyph boxes sit lower than their
    # baseline; placed by box centre (pdfplumber's extract_tables) each lands one row down.
    table = _table_starting(chongqing, 15)
    rows = {r.cells[2]: r.cells for r in table.rows}
    assert rows["一、本年支出"][3:6] == ("143,368.57", "101,833.84", "41,534.73")
    assert rows["(一)一般公共服务支出"][:5] == (
        "(一)一般公共预算资金",
        "99,320.55",
        "(一)一般公共服务支出",
        "16,604.23",
        "16,604.23",
    )
    assert rows["(二)教育支出"][:4] == ("(二)政府性基金预算资金", "", "(二)教育支出", "32,588.24")
    assert rows["(五)资源勘探工业信息等支出"][3:6] == ("41,772.73", "238.00", "41,534.73")


def test_page_numbers_are_furniture(chongqing: Document) -> None:
    footer = chongqing.page_lines(9)[-1]
    assert footer.text == "— 9 —" and footer.furniture
    assert not chongqing.page_lines(9)[0].furniture


def test_flow_puts_the_title_before_its_table(chongqing: Document) -> None:
    items = [i for i in chongqing.flow() if getattr(i, "page", None) == 9]
    texts = [i.text if not isinstance(i, ExtractedTable) else "<table>" for i in items]
    assert texts[:4] == [
        "表二",
        "2026年部门收入总体情况表",
        "单位名称:重庆市商务委员会 单位:万元",
        "<table>",
    ]


def test_huzhou_repeated_title_is_dropped_at_the_join(huzhou: Document) -> None:
    table = _table_starting(huzhou, 21)
    assert table.pages == (21, 22, 23)
    assert table.rows[0].cells == ("收入", "", "支出", "")
    assert table.rows[1].cells == ("项目", "预算数", "项目", "预算数")
    # page 22 as printed: after the header, 公务员医疗补助 793.52 on the expenditure side
    first_on_22 = next(r for r in table.rows if r.page == 22)
    assert first_on_22.cells == ("", "", "公务员医疗补助", "793.52")
    assert ("", "", "交通运输支出", "113743.52") in table.grid
    # the title block (表01 / 2026年市级部门收支预算总表 / 606-湖州市交通运输局 单位：万元) is
    # printed again above pages 22 and 23: kept with the table, not in the running text
    assert [ln.text for ln in table.dropped_lines][:3] == [
        "表01",
        "2026年市级部门收支预算总表",
        "606-湖州市交通运输局 单位：万元",
    ]
    assert {ln.page for ln in table.dropped_lines} == {22, 23}
    assert huzhou.page_lines(22) == () or all(ln.furniture for ln in huzhou.page_lines(22))


def test_huzhou_names_without_codes_keep_their_indentation(huzhou: Document) -> None:
    table = _table_starting(huzhou, 21)
    rows = [r for r in table.rows if r.page == 22]
    at = next(i for i, r in enumerate(rows) if r.cells[2] == "交通运输支出")
    # 交通运输支出 (类) > 公路水路运输 (款) > 行政运行 (项), printed on consecutive rows, indented
    lei, kuan, xiang = rows[at : at + 3]
    assert (lei.cells[2], kuan.cells[2], xiang.cells[2]) == (
        "交通运输支出",
        "公路水路运输",
        "行政运行",
    )
    assert lei.indents[2] is not None and kuan.indents[2] is not None
    assert xiang.indents[2] is not None
    assert lei.indents[2] < kuan.indents[2] < xiang.indents[2]


def test_guangzhou_curve_ruled_table_joined_with_its_header_dropped() -> None:
    # 广州 draws its rulings as curves; 表1 收支总体情况表 runs from page 5 onto page 6, whose
    # two header rows (收入 | 支出 / 项目 预算 项目 预算) are printed again.
    doc = extract(corpus("budget-2026/guangzhou-02.pdf"), limits=Limits(max_pages=7))
    table = _table_starting(doc, 5)
    assert table.strategy == "lines" and table.pages == (5, 6)
    assert table.dropped_rows == 2
    assert table.rows[2].cells == ("一、预算拨款", "16,410.71", "一、一般公共服务支出", "8,812.33")
    on_6 = [r.cells for r in table.rows if r.page == 6]
    assert on_6[0] == ("", "", "二十三、其他支出", "0.00")
    assert on_6[-3:] == [
        ("本年收入合计", "16,410.71", "本年支出合计", "16,410.71"),
        ("上年结转结余", "0.00", "结转结余下年", "0.00"),
        ("收入总计", "16,410.71", "支出总计", "16,410.71"),
    ]
    assert [ln.text for ln in doc.page_lines(6)] == [
        "注：财政拨款收支情况包括一般公共预算、政府性基金预算、国有资本经营预算拨款收支情况。",
        "本套报表金额单位转换时可能存在尾数误差。",
        "- 4 -",
    ]
    assert doc.page_lines(6)[-1].furniture


def test_wuxi_continuation_without_header_and_running_header() -> None:
    doc = extract(corpus("budget-2026/wuxi-01.pdf"), limits=Limits(max_pages=18))
    table = _table_starting(doc, 16)  # 公开03表 支出总表
    assert table.pages == (16, 17) and table.dropped_rows == 0
    assert table.rows[0].cells[:5] == ("科目编码", "科目名称", "合计", "基本支出", "项目支出")
    on_17 = [r for r in table.rows if r.page == 17]
    assert on_17[0].index == 0
    assert on_17[0].cells[:5] == ("214", "交通运输支出", "103,827.76", "2,103.06", "101,724.70")
    assert on_17[-1].cells[:5] == (
        "2239999",
        "其他国有资本经营预算支出",
        "32,640.00",
        "",
        "32,640.00",
    )
    header = "无锡市交通运输局（本级）2026年度单位预算公开"
    assert [(ln.text, ln.furniture) for ln in doc.page_lines(17)] == [
        (header, True),
        ("- 16 -", True),
    ]
    assert [ln.text for ln in doc.page_lines(16) if not ln.furniture] == [
        "公开03表",
        "支出总表",
        "单位：无锡市交通运输局（本级） 单位：万元",
    ]


def test_foshan_final_table_1_over_three_pages() -> None:
    doc = extract(corpus("final/foshan-2019.pdf"))
    assert doc.status == "read"
    table = _table_starting(doc, 5)
    assert table.pages == (5, 6, 7)
    header = next(r for r in table.rows if "行次" in r.cells)
    assert header.cells == ("项目", "行次", "决算数", "项目", "行次", "决算数")


def test_every_non_disclosure_is_extracted_without_error() -> None:
    # Refusing them is the reader's job; extraction must read them like any PDF.
    for n in range(1, 7):
        doc = extract(corpus(f"not-a-disclosure/doc-0{n}.pdf"), limits=Limits(max_pages=3))
        assert doc.status in ("read", "partly read")
        assert doc.lines or doc.tables


# --- hand-built PDFs -------------------------------------------------------------------------


def _ruled_table(title: str, header: list[str], body: list[list[str]], top: float) -> Sheet:
    xs = [50.0, 200.0, 300.0, 400.0][: len(header) + 1]
    ys = [top + 20.0 * i for i in range(len(body) + 2)]
    texts = [Text(50, top - 30, title)]
    for j, h in enumerate(header):
        texts.append(Text(xs[j] + 4, ys[0] + 5, h))
    for i, row in enumerate(body, start=1):
        for j, cell in enumerate(row):
            texts.append(Text(xs[j] + 4, ys[i] + 5, cell))
    return Sheet(texts=texts, rules=grid_rules(xs, ys))


def test_handmade_ruled_table_and_text_lines() -> None:
    sheet = _ruled_table(
        "Table 1 Totals", ["Item", "2026", "2025"], [["Total", "1,234.56", "-"]], 200
    )
    doc = extract(make_pdf([sheet]), name="made.pdf")
    assert doc.source == "made.pdf" and doc.kind == "pdf" and doc.status == "read"
    (table,) = doc.tables
    assert table.grid == (("Item", "2026", "2025"), ("Total", "1,234.56", "-"))
    assert table.bbox == pytest.approx((50.0, 200.0, 400.0, 240.0))
    assert [ln.text for ln in doc.lines] == ["Table 1 Totals"]
    assert doc.lines[0].page == 1 and doc.lines[0].line == 1


def test_handmade_merged_header_is_a_span() -> None:
    # Item spans two rows, Amount spans two columns: the rulings are left out where merged.
    xs, ys = [50.0, 200.0, 300.0, 400.0], [100.0, 120.0, 140.0, 160.0]
    rules = [Rule(x, ys[0], x, ys[-1]) for x in (50.0, 200.0, 400.0)]
    rules.append(Rule(300.0, 120.0, 300.0, 160.0))  # no split under "Amount"
    rules += [Rule(50.0, y, 400.0, y) for y in (100.0, 140.0, 160.0)]
    rules.append(Rule(200.0, 120.0, 400.0, 120.0))  # no split in "Item"
    texts = [
        Text(54, 105, "Item"),
        Text(204, 105, "Amount"),
        Text(204, 125, "Now"),
        Text(304, 125, "Before"),
        Text(54, 145, "Total"),
        Text(204, 145, "10.00"),
        Text(304, 145, "9.00"),
    ]
    doc = extract(make_pdf([Sheet(texts=texts, rules=rules)]))
    (table,) = doc.tables
    assert table.grid == (
        ("Item", "Amount", ""),
        ("", "Now", "Before"),
        ("Total", "10.00", "9.00"),
    )
    assert [(s.row, s.column, s.rows, s.columns) for s in table.spans] == [
        (0, 0, 2, 1),
        (0, 1, 1, 2),
    ]
    assert table.header_rows == 2
    del xs


def test_handmade_table_continuing_on_next_page_with_repeated_header() -> None:
    first = _ruled_table(
        "Table 2 Spending", ["Code", "Name", "Amount"], [["201", "A", "1.00"]], 200
    )
    second = _ruled_table(
        "Table 2 Spending", ["Code", "Name", "Amount"], [["205", "B", "2.00"]], 200
    )
    doc = extract(make_pdf([first, second]))
    (table,) = doc.tables
    assert table.pages == (1, 2)
    assert table.grid == (("Code", "Name", "Amount"), ("201", "A", "1.00"), ("205", "B", "2.00"))
    assert table.dropped_rows == 1
    assert [ln.text for ln in table.dropped_lines] == ["Table 2 Spending"]
    assert [ln.text for ln in doc.lines] == ["Table 2 Spending"]
    assert [(r.page, r.index) for r in table.rows] == [(1, 0), (1, 1), (2, 1)]


def test_handmade_new_title_on_next_page_starts_a_new_table() -> None:
    first = _ruled_table(
        "Table 2 Spending", ["Code", "Name", "Amount"], [["201", "A", "1.00"]], 200
    )
    second = _ruled_table("Table 3 Basic", ["Code", "Name", "Amount"], [["301", "C", "3.00"]], 200)
    doc = extract(make_pdf([first, second]))
    assert [t.pages for t in doc.tables] == [(1,), (2,)]


def test_handmade_same_title_without_repeated_header_is_a_new_form() -> None:
    # one 绩效目标表 per project: the title repeats on every page, the table does not continue
    first = _ruled_table("Targets", ["Project", "A", "1.00"], [["Goal", "x", "2.00"]], 200)
    second = _ruled_table("Targets", ["Project", "B", "3.00"], [["Goal", "y", "4.00"]], 200)
    doc = extract(make_pdf([first, second]))
    assert [t.pages for t in doc.tables] == [(1,), (2,)]
    assert [ln.text for ln in doc.lines] == ["Targets", "Targets"]


def test_handmade_note_under_first_part_stops_the_join() -> None:
    first = _ruled_table(
        "Table 2 Spending", ["Code", "Name", "Amount"], [["201", "A", "1.00"]], 200
    )
    first = Sheet(texts=[*first.texts, Text(50, 300, "Note: in 10k yuan")], rules=first.rules)
    second = _ruled_table("", ["Code", "Name", "Amount"], [["205", "B", "2.00"]], 100)
    second = Sheet(texts=[t for t in second.texts if t.text], rules=second.rules)
    doc = extract(make_pdf([first, second]))
    assert len(doc.tables) == 2


def test_page_without_rulings_falls_back_to_text_alignment() -> None:
    rows = [
        ("Item", "Budget", "Actual"),
        ("Total", "30.00", "28.00"),
        ("A", "10.00", "9.00"),
        ("B", "20.00", "19.00"),
    ]
    texts = [Text(50, 100, "Table without rulings")]
    for i, row in enumerate(rows):
        for x, cell in zip((50, 250, 400), row, strict=True):
            texts.append(Text(x, 140 + 20 * i, cell))
    doc = extract(make_pdf([Sheet(texts=texts)]))
    (table,) = doc.tables
    assert table.strategy == "text"
    body = [tuple(c for c in r.cells if c) for r in table.rows]
    for row in rows[1:]:
        assert row in body


def test_prose_without_rulings_is_not_cut_into_a_table() -> None:
    words = [
        "The",
        "department",
        "spent",
        "12.00",
        "on",
        "this",
        "and",
        "13.00",
        "on",
        "that",
        "in",
        "the",
        "year",
    ]
    texts = [Text(50, 100 + 14 * i, " ".join(words[i:] + words[:i])) for i in range(12)]
    doc = extract(make_pdf([Sheet(texts=texts)]))
    assert doc.tables == ()
    assert len(doc.lines) == 12


def test_page_without_text_layer_is_reported_not_raised() -> None:
    scan = Sheet(rules=[Rule(10, 10, 500, 800)])  # drawn, no text: what a scan looks like
    doc = extract(make_pdf([scan, scan]))
    assert doc.status == "no text layer"
    assert [p.chars for p in doc.pages] == [0, 0]
    assert "no text layer (scanned?)" in str(doc.problems[0])
    mixed = extract(make_pdf([_ruled_table("T", ["a", "b"], [["c", "1"]], 200), scan]))
    assert mixed.status == "partly read"
    assert [p.page for p in mixed.problems] == [2]


def test_page_limit_and_time_limit_are_reported() -> None:
    sheets = [Sheet(texts=[Text(50, 100, f"page {n}")]) for n in range(1, 4)]
    data = make_pdf(sheets)
    doc = extract(data, limits=Limits(max_pages=2))
    assert len(doc.pages) == 2 and doc.status == "partly read"
    assert "pages 3–3 not read" in doc.problems[0].message
    doc = extract(data, limits=Limits(seconds=0))
    assert len(doc.pages) <= 1
    assert "time limit" in doc.problems[0].message


def test_a_page_with_too_many_rulings_is_read_as_text() -> None:
    sheet = _ruled_table("Table 1 Totals", ["Item", "2026"], [["Total", "1.00"]], 200)
    data = make_pdf([sheet])
    assert len(extract(data).tables) == 1
    doc = extract(data, limits=Limits(max_rulings=4))  # the grid draws 7 rulings
    assert doc.tables == ()
    assert "ruling edges, over the limit of 4" in doc.problems[0].message
    assert [ln.text for ln in doc.lines] == ["Table 1 Totals", "Item 2026", "Total 1.00"]


def test_size_limit_refuses_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "big.pdf"
    path.write_bytes(make_pdf([Sheet(texts=[Text(50, 100, "x")])]))
    with pytest.raises(LimitError, match=r"big\.pdf: is \d+ bytes, over the limit of 100 bytes \(limit max_bytes.*GOVBUDGET_MAX_BYTES"):
        extract(path, limits=Limits(max_bytes=100))


def test_a_failing_page_is_a_problem_naming_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    real = pdf_module._page

    def flaky(ppage: object, number: int, *args: object) -> object:
        if number == 2:
            raise ValueError("broken content stream")
        return real(ppage, number, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(pdf_module, "_page", flaky)
    sheets = [Sheet(texts=[Text(50, 100, f"page {n}")]) for n in range(1, 4)]
    doc = extract(make_pdf(sheets), name="flaky.pdf")
    assert doc.status == "partly read"
    assert [p.page for p in doc.problems] == [2]
    assert "broken content stream" in doc.problems[0].message
    assert [ln.text for ln in doc.lines] == ["page 1", "page 3"]
    one = make_pdf(sheets[1:2])
    monkeypatch.setattr(pdf_module, "_page", lambda p, n, *args: flaky(p, 2))
    with pytest.raises(ExtractError, match=r"one\.pdf, page 1: .*broken content stream"):
        extract(one, name="one.pdf")


# --- hostile input ---------------------------------------------------------------------------


def test_truncated_pdf_names_the_file(tmp_path: Path) -> None:
    data = corpus("budget-2026/guangzhou-02.pdf").read_bytes()
    path = tmp_path / "half.pdf"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ExtractError, match=r"half\.pdf: is not a readable PDF") as info:
        extract(path)
    assert info.value.source == str(path)


def test_encrypted_pdf_is_refused_with_a_clear_message() -> None:
    data = make_pdf([Sheet(texts=[Text(50, 100, "secret")])], encrypt=True)
    with pytest.raises(ExtractError, match="encrypted"):
        extract(data, name="locked.pdf")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"%PDF-1.4\n", "not a readable PDF"),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n", "not a readable PDF"),
        (b"hello, not a pdf", "no %PDF- header"),
    ],
)
def test_broken_bytes_as_pdf(data: bytes, message: str) -> None:
    with pytest.raises(ExtractError, match=message):
        extract(data, name="x.pdf", kind="pdf")


@given(st.binary(max_size=2000))
def test_random_bytes_after_a_pdf_header_never_crash(junk: bytes) -> None:
    try:
        doc = extract(b"%PDF-1.4\n" + junk, name="junk.pdf")
    except GovBudgetError as exc:
        assert "junk.pdf" in str(exc)
    else:
        assert isinstance(doc, Document)


def test_random_cut_of_a_real_pdf_never_crashes() -> None:
    data = make_pdf([_ruled_table("T", ["a", "b"], [["c", "1"]], 200)] * 2)
    for cut in range(0, len(data), max(1, len(data) // 40)):
        try:
            extract(data[:cut], name="cut.pdf", kind="pdf")
        except GovBudgetError as exc:
            assert "cut.pdf" in str(exc)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ExtractError, match=r"nope\.pdf: cannot be"):
        extract(tmp_path / "nope.pdf")


def test_extract_never_writes_to_its_input(tmp_path: Path) -> None:
    path = tmp_path / "in.pdf"
    data = make_pdf([_ruled_table("T", ["a", "b"], [["c", "1"]], 200)])
    path.write_bytes(data)
    before = os.stat(path).st_mtime_ns
    extract(path)
    assert path.read_bytes() == data and os.stat(path).st_mtime_ns == before
