"""Real published PDFs of ../shared/corpus read into the checker's tables: each figure below was
read by hand off the PDF page named in the comment."""

from __future__ import annotations

import functools
from decimal import Decimal
from pathlib import Path

import pytest

from govbudget.published import Published
from govbudget.readers import read
from govbudget.reading import NotADisclosureError

pytest.importorskip("pdfplumber")

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


@functools.cache
def _read(name: str) -> Published:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"corpus document {path} not found")
    return read(path)


def _cell(p: Published, table: str, row: str, column: str) -> Decimal:
    return p.tables[table].cell(row, column)


def test_guangzhou_budget_tables_by_title_and_header() -> None:
    p = _read("budget-2026/guangzhou-02.pdf")  # 广州市人民政府办公厅 2026年部门预算
    assert p.family == "budget" and p.fiscal_year == 2026 and p.department == "广州市人民政府办公厅"
    # p.8 表3 本年支出总体情况表: codes in their own cells
    assert _cell(p, "03", "total", "total") == Decimal("16410.71")
    assert _cell(p, "03", "total", "basic") == Decimal("14913.65")
    assert _cell(p, "03", "2010301", "total") == Decimal("6853.85")
    assert _cell(p, "03", "2010301", "project") == Decimal("0.00")
    # p.12 表5 一般公共预算支出情况表: codes joined to names ([2010350]事业运行), header 小计/其中：基本支出
    assert _cell(p, "05", "2010350", "total") == Decimal("552.77")
    assert _cell(p, "05", "2010350", "basic") == Decimal("487.62")
    assert _cell(p, "05", "2010350", "project") == Decimal("65.15")
    # p.5 表1 收支总体情况表: two-sided, 类 rows without codes resolved by name
    t01 = p.tables["01"]
    income = {r.key: r.values for r in t01.rows if r.side == "income"}
    expenditure = {r.key: r.values for r in t01.rows if r.side == "expenditure"}
    assert income["fiscal"] == (Decimal("16410.71"),)  # 一、预算拨款
    assert expenditure["201"] == (Decimal("8812.33"),)  # 一、一般公共服务支出
    assert expenditure["221"] == (Decimal("4735.85"),)  # 十九、住房保障支出
    assert p.coverage is not None and p.coverage.cells_placed == p.coverage.numeric_cells


def test_foshan_final_accounts_with_row_numbers_and_tables_over_pages() -> None:
    p = _read("final/foshan-2019.pdf")  # 佛山市轨道交通局 2019年部门决算
    assert p.family == "final" and p.fiscal_year == 2019
    # p.5 表1 收入支出决算总表 (行次 and 栏次 printed; continued on pp.6–7 with the title repeated)
    assert _cell(p, "01", "general_public_budget", "amount") == Decimal("1668.14")
    assert _cell(p, "01", "other", "amount") == Decimal("0.01")
    assert _cell(p, "01", "208", "amount") == Decimal("76.23")
    # p.8 表2 收入决算表: 功能分类科目编码 / 科目名称 / 栏次 header; 2019 name of 20805
    assert _cell(p, "02", "2080505", "total") == Decimal("53.45")
    assert _cell(p, "02", "20805", "fiscal") == Decimal("76.23")
    assert _cell(p, "02", "2140101", "fiscal") == Decimal("609.29")
    assert _cell(p, "02", "2140101", "total") == Decimal("609.30")
    # p.9: the table continues; 221 住房保障支出 is read from the second page
    assert _cell(p, "02", "2210201", "total") == Decimal("60.87")
    # p.19 表6: panels side by side (人员经费 | 公用经费)
    assert _cell(p, "06", "31002", "amount") == Decimal("2.54")
    # p.21 表9 三公: 预算数 | 决算数 groups, each with 合计 and the items; the header row starts with 合计
    assert _cell(p, "09", "three_public", "actual_total") == Decimal("0.16")
    assert _cell(p, "09", "three_public", "actual_reception") == Decimal("0.16")
    assert _cell(p, "09", "three_public", "budget_total") == Decimal("0.00")
    assert not any(u[0] == "09" for u in p.unread)
    # the 2019 layout has no 国有资本经营预算财政拨款收入 row nor column: not read, never zero
    assert ("01", "state_capital", "*") in p.unread and ("04", "*", "state_capital") in p.unread
    # p.26 四（一）: the 情况说明 section is read by what its heading is about (机关运行经费), not
    # by its number (四 here, 十 in the central layout)
    assert p.narrative is not None
    assert p.narrative.figures["office.amount"].value == Decimal("97.19")


def test_changchun_wrapped_figures_and_title_inside_the_grid() -> None:
    p = _read("budget-2026/changchun-01.pdf")  # 长春市信访局 2026年度部门预算
    # p.10 本年一般公共预算支出表（预算表5）: "1682.7\n6" wrapped in its cell; 总计： in the code column
    assert _cell(p, "05", "total", "total") == Decimal("1682.76")
    assert _cell(p, "05", "2014001", "total") == Decimal("903.85")


def test_changchun_three_public_under_a_department_line_in_the_grid() -> None:
    """p.12 本年一般公共预算“三公”经费支出表（预算表7）: the grid's second row is 预算单位：长春市信访局
    | … | 单位：万元 (a caption, no header), and 当年预算 spans 小计 | 因公出国（境）费 | 公务用车购置及
    运行费 | 公务接待费; its 小计 (7.61) is no vehicles' figure, 公务用车购置及运行费's 小计 (6.75) is."""
    p = _read("budget-2026/changchun-01.pdf")
    printed = {"total": "7.61", "abroad": "0.00", "vehicles": "6.75", "vehicle_purchase": "0.00",
               "vehicle_operation": "6.75", "reception": "0.86"}
    assert {k: _cell(p, "07", "three_public", k) for k in printed} == {k: Decimal(v) for k, v in printed.items()}
    from govbudget.rules import check

    # (the figures as printed agree: 0.00 + 6.75 + 0.86 = 7.61, 0.00 + 6.75 = 6.75; and with
    # the 情况说明's 公务用车购置及运行费 6.75)
    assert [f.rule for f in check(p).errors if "t07" in f.rule or "three_public" in str(f.location)] == []


@pytest.mark.parametrize("name", ["doc-02.pdf", "doc-03.pdf", "doc-04.pdf", "doc-05.pdf"])
def test_non_disclosures_are_refused(name: str) -> None:
    path = CORPUS / "not-a-disclosure" / name
    if not path.exists():
        pytest.skip(f"{path} not found")
    with pytest.raises(NotADisclosureError, match="not a budget or final-accounts disclosure"):
        read(path)


def test_the_budget_example_source_pdf_reads_as_the_example_derives() -> None:
    """广州市信访局 2026 (guangzhou-13) is the document the budget example was rebuilt from: its
    tables read from the PDF agree with the example ledger's derived and rounded tables, and
    what the PDF does not print is unread (never a zero to compare)."""
    from govbudget.budget.io import example_budget_ledger
    from govbudget.budget.tables import derive as derive_budget
    from govbudget.published import from_disclosure

    p = _read("budget-2026/guangzhou-13.pdf")
    want = from_disclosure(derive_budget(example_budget_ledger()), rounded=True)
    for tid in ("03", "05", "08"):
        got_t, want_t = p.tables[tid], want.tables[tid]
        for r in want_t.rows:
            for c, v in zip(want_t.columns_of(r), r.values, strict=True):
                q = p.cell(tid, r.key, c.key)
                assert q is not None and q.read and q.value == v, (tid, r.key, c.key, q, v)
        assert {r.key for r in got_t.rows} >= {r.key for r in want_t.rows if any(r.values)}
    # 表1 prints 一、预算拨款 but no 一般公共预算拨款收入 row: not read, not zero
    assert p.cell("01", "fiscal", "amount").value == Decimal("3944.08")  # type: ignore[union-attr]
    assert not p.cell("01", "general_public_budget", "amount").read  # type: ignore[union-attr]
    # 表7 prints 三公 with its items as rows (行政经费, 三公经费, …): not guessed into the one row
    assert not p.cell("07", "three_public", "total").read  # type: ignore[union-attr]


def test_wuxi_procurement_by_source_reads_its_total_column() -> None:
    """无锡 prints 公开13表 (政府采购支出表) by 资金来源: 一般公共预算资金, 政府性基金, then 总计.
    The table's amount is the 总计 column, not the first fund's (wuxi-10 p.26:
    合计 1,572.85 = 802.85 + 770.00; the 情况说明 states the same 1,572.85 and 服务 1,216.59)."""
    from govbudget.rules import check

    p = _read("budget-2026/wuxi-10.pdf")  # 无锡市应急管理局 2026年部门预算
    assert _cell(p, "13", "total", "amount") == Decimal("1572.85")
    assert _cell(p, "13", "goods", "amount") == Decimal("356.26")
    assert _cell(p, "13", "services", "amount") == Decimal("1216.59")
    errors = [f for f in check(p).findings if f.severity.value == "error" and "13" in f.message_en]
    assert errors == []
    assert _cell(_read("budget-2026/wuxi-11.pdf"), "13", "total", "amount") == Decimal("14549.77")
