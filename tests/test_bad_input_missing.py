"""Issue #13, "a missing fact is missing in every output": a ledger that states no “三公”经费
leaves 公开09's cells blank in text, Markdown, CSV, XLSX and HTML and ``null`` in JSON; the
disclosure JSON and the cell CSV read such cells back as not read, and the checker says "not
checked" of every relation with them, never comparing them with a zero.  The other optional
facts of both families (年初预算, 机关运行经费, 政府采购, 资产, 上年数) are 〔待补充〕 in the text,
never a zero.

The example states its 三公 facts as zeros (公开09 is empty and printed with its “本表无数据”
statement); without them the table has no figure at all and no such statement either (the table
is not known to be empty).
"""

from __future__ import annotations

import io
import json
import re

import attrs
import pytest

from govbudget.budget.io import example_budget_ledger
from govbudget.budget.narrative import build as build_budget
from govbudget.budget.tables import derive as derive_budget
from govbudget.errors import FormatError
from govbudget.io import example_ledger
from govbudget.narrative import build, to_text
from govbudget.published import from_disclosure
from govbudget.readers import read_csv, read_json, read_plain
from govbudget.render import disclosure_from_json, render
from govbudget.rules import check
from govbudget.tables import consolidate, derive
from govbudget.text import PLACEHOLDER
from govbudget.validate import ledger_findings

T09_RULES = {"final.t09.totals", "final.x.t06-within-t09"}


@pytest.fixture(scope="module")
def no_three_public():
    return attrs.evolve(example_ledger(), three_public=None)


@pytest.fixture(scope="module")
def disclosure(no_three_public):
    return derive(no_three_public)


def _t09_row(text: str) -> str:
    """The line of the text rendering under 公开09's 栏次 row (its data row, or blank)."""
    lines = text.splitlines()
    at = next(i for i, ln in enumerate(lines) if re.fullmatch(r"\s*1(\s+\d+){11}\s*", ln))
    return lines[at + 1]


def test_the_derived_table_is_missing_not_zero(disclosure):
    t09 = disclosure.table("09")
    assert len(t09.missing) == 12  # every cell of its one row: 6 预算数 + 6 决算数
    assert t09.is_missing("three_public", "actual_total")
    assert not t09.is_empty and t09.statement is None  # never “本表无数据”
    # the example with its facts: nothing missing
    assert derive(example_ledger()).table("09").missing == frozenset()


def test_text_and_markdown_print_blank_cells(disclosure):
    text = render(disclosure, "text", ["09"])
    assert _t09_row(text).strip() == ""
    assert "0.00" not in text and "没有" not in text
    md = render(disclosure, "markdown", ["09"])
    row = md.splitlines()[md.splitlines().index("| 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 |") + 1]
    assert row == "|" + "  |" * 12


def test_csv_leaves_both_figures_blank(disclosure):
    rows = [ln.split(",") for ln in render(disclosure, "csv").lstrip("\ufeff").splitlines()]
    header = rows[0]
    t09 = [r for r in rows[1:] if r[0] == "09"]
    assert len(t09) == 12
    assert {(r[header.index("value_wan")], r[header.index("exact_yuan")]) for r in t09} == {("", "")}


def test_json_writes_null_and_reads_back_missing(disclosure):
    text = render(disclosure, "json")
    t09 = next(t for t in json.loads(text)["tables"] if t["id"] == "09")
    (row,) = t09["rows"]
    assert set(row["cells"].values()) == {None} and set(row["exact"].values()) == {None}
    back = disclosure_from_json(text)
    assert back == disclosure and back.table("09").missing == disclosure.table("09").missing


@pytest.mark.parametrize("printed", ["0.00", "", 0])
def test_a_printed_figure_for_a_missing_fact_is_refused(disclosure, printed):
    data = json.loads(render(disclosure, "json"))
    row = next(t for t in data["tables"] if t["id"] == "09")["rows"][0]
    row["cells"]["决算数·合计"] = printed
    with pytest.raises(FormatError, match=r"公开09表 row 0 \(three_public\) \[决算数·合计\]: printed cell .* missing fact"):
        disclosure_from_json(json.dumps(data, ensure_ascii=False))


def _unchecked(report):
    return {f.rule for f in report.findings if f.severity.value == "info" and "not checked" in f.message_en}


def test_the_checker_says_not_checked_for_every_form(disclosure, no_three_public):
    forms = {
        "derived": from_disclosure(disclosure),
        "rounded": from_disclosure(disclosure, rounded=True),
        "json": read_json(render(disclosure, "json")),
        "csv": read_csv(render(disclosure, "csv")),
    }
    for name, published in forms.items():
        assert {u[0] for u in published.unread} == {"09"}, name
        report = check(published)
        assert report.errors == (), (name, report.to_text())
        assert _unchecked(report) == T09_RULES, name
        # a fact the file does not state is said so (未提供), not "not read" as from a report
        assert all(f.message_en.endswith("is not stated.") and f.message_zh.endswith("未提供。")
                   for f in report.findings if "not checked" in f.message_en), name
    # the minimal cell CSV (table,row_key,column_key,value_wan) with a blank figure: not read
    minimal = "table,row_key,column_key,value_wan\n09,three_public,actual_total,\n"
    assert read_csv(minimal).unread == frozenset({("09", "three_public", "actual_total")})
    # the ledger itself: a warning that the fact is missing, and the same "not checked"
    report = check(no_three_public)
    assert report.errors == () and _unchecked(report) >= T09_RULES
    assert "three_public" in {f.location.key for f in ledger_findings(no_three_public) if f.rule == "ledger.missing"}


def test_a_stated_zero_is_still_checked():
    # 1,000.00 元 of 30217 公务接待费 in 公开06 (an example line moved to that 款), against the
    # example's stated zero 接待费: an error; with the 三公 facts not stated: not checked
    ledger = example_ledger()
    first = ledger.expenditure[0]
    moved = attrs.evolve(first, amount=first.amount - 1000)
    reception = attrs.evolve(first, economic="30217", amount=1000)
    ledger = attrs.evolve(ledger, expenditure=(moved, reception, *ledger.expenditure[1:]))
    assert ledger.three_public.actual.reception == 0
    assert "final.x.t06-within-t09" in {f.rule for f in check(derive(ledger)).errors}
    unstated = derive(attrs.evolve(ledger, three_public=None))
    report = check(unstated)
    assert "final.x.t06-within-t09" not in {f.rule for f in report.errors}
    assert "final.x.t06-within-t09" in _unchecked(report)
    # the example states zeros: 公开09 is empty, with its statement, and every rule is checked
    stated = derive(example_ledger()).table("09")
    assert stated.is_empty and stated.statement
    assert not _unchecked(check(derive(example_ledger())))


def test_xlsx_and_html_cells_are_blank(tmp_path, disclosure):
    openpyxl = pytest.importorskip("openpyxl")
    from govbudget.html_render import page
    from govbudget.layout import grid
    from govbudget.xlsx_render import write_xlsx

    g = grid(disclosure.table("09"))
    assert [c.value for c in g.body[0]] == [None] * 12
    assert all(c.column_key for c in g.body[0])  # still the cells of the table, for findings
    path = tmp_path / "d.xlsx"
    write_xlsx(path, disclosure.department, disclosure.fiscal_year, disclosure.tables.values())
    ws = openpyxl.load_workbook(path)["公开09表"]
    numbers = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, (int, float))]
    assert numbers == []  # no figure, no zero (the 栏次 are text)
    full = openpyxl.load_workbook(tmp_path / "d.xlsx")
    assert full["公开05表"].max_row > 5  # the other tables are written
    html = page(disclosure.department, disclosure.fiscal_year, disclosure.tables.values())
    t09 = html[html.index("公开09表"):]
    t09 = t09[: t09.index("</table>")]
    assert ">0.00<" not in t09 and not re.search(r"<td[^>]*>\s*0(\.00)?\s*</td>", t09)


def test_text_read_back_is_clean(disclosure, no_three_public):
    # The text of a ledger without 三公: the section says 〔待补充〕 and the table is blank
    text = render(disclosure, "text") + "\n" + to_text(build(no_three_public, disclosure))
    assert PLACEHOLDER in text
    assert check(read_plain(text)).errors == ()


def test_consolidating_with_a_unit_without_three_public(no_three_public):
    both = consolidate([example_ledger(), no_three_public])
    assert both.three_public is None  # unknown for one unit: unknown for the sum, never a part of it
    assert derive(both).table("09").missing
    assert (derive(example_ledger()) + derive(no_three_public)).table("09").missing


def test_no_initial_budget_is_not_a_zero_budget():
    ledger = example_ledger()
    ledger = attrs.evolve(ledger, narrative=attrs.evolve(ledger.narrative, initial_budget=()))
    n = build(ledger)
    text = to_text(n)
    section = text[text.index("（三）具体情况"):text.index("六、")]
    assert "年初预算：〔待补充〕" in section and "年初预算数为 0.00" not in section and "0.00" not in section
    assert not [k for k in n.figures if k.startswith("gpb_budget.") and k.endswith((".budget", ".rate", "total"))]
    assert "narrative.initial_budget" in {f.location.key for f in ledger_findings(ledger)}
    assert check(ledger).errors == ()


@pytest.mark.parametrize("fact", ["office_operating_expenses", "procurement", "assets", "performance"])
def test_other_final_facts_are_placeholders(tmp_path, fact):
    from govbudget.io import ledger_from_json, ledger_to_csv, ledger_to_json, load_ledger

    ledger = example_ledger()
    assert getattr(ledger.narrative, fact) is not None
    ledger = attrs.evolve(ledger, narrative=attrs.evolve(ledger.narrative, **{fact: None}))
    n = build(ledger)
    prefix = {"office_operating_expenses": "office.", "procurement": "procurement.", "assets": "assets.",
              "performance": "performance."}[fact]
    assert not [k for k in n.figures if k.startswith(prefix)]
    assert PLACEHOLDER in to_text(n)
    assert f"narrative.{fact}" in {f.location.key for f in ledger_findings(ledger)}
    assert check(ledger).errors == ()
    # not stated in the JSON or CSV ledger: read back as not stated (never as zeros)
    assert ledger_from_json(ledger_to_json(ledger)) == ledger
    p = tmp_path / "l.csv"
    p.write_text(ledger_to_csv(ledger), encoding="utf-8")
    assert getattr(load_ledger(p).narrative, fact) is None


def test_a_ledger_without_performance_facts_says_so():
    ledger = example_ledger()
    ledger = attrs.evolve(ledger, narrative=attrs.evolve(ledger.narrative, performance=None))
    text = to_text(build(ledger))
    section = text[text.index("十三、预算绩效情况说明"):]
    assert PLACEHOLDER in section and "0 个项目" not in section


def test_budget_family_missing_facts():
    ledger = example_budget_ledger()
    bare = attrs.evolve(ledger, office_operating=None, procurement=None, prior=attrs.evolve(
        ledger.prior, total=None, fiscal_total=None, general_public=None, general_public_by_function=(),
        three_public=None, office_operating=None))
    d = derive_budget(bare)
    # the optional tables of facts not stated are not printed (never a table of zeros)
    assert "12" in derive_budget(ledger).tables and "13" in derive_budget(ledger).tables
    assert "12" not in d.tables and "13" not in d.tables
    titles = [d.spec.table(t).title for t in ("12", "13")]
    for fmt in ("text", "json", "csv"):
        assert all(title in render(derive_budget(ledger), fmt) for title in titles), fmt
        assert not any(title in render(d, fmt) for title in titles), fmt
    n = build_budget(bare, d)
    text = to_text(n)
    assert text.count(PLACEHOLDER) >= 3
    assert not [k for k in n.figures if k.startswith(("office", "procurement")) or ".change" in k]
    assert check(from_disclosure(d, n)).errors == ()


def test_the_cli_report_json_of_a_ledger_without_three_public(tmp_path, no_three_public):
    from govbudget.cli import main
    from govbudget.io import ledger_to_csv, ledger_to_json

    for suffix, text in ((".json", ledger_to_json(no_three_public)), (".csv", ledger_to_csv(no_three_public))):
        p = tmp_path / f"l{suffix}"
        p.write_text(text, encoding="utf-8")
        out = io.StringIO()
        assert main(["report", str(p), "--format", "json", "--table", "09"], out=out) == 0
        (row,) = json.loads(out.getvalue())["tables"][0]["rows"]
        assert set(row["cells"].values()) == {None}, suffix


def test_data_frames_hold_na_for_a_missing_fact(disclosure):
    pd = pytest.importorskip("pandas")
    for fen in (False, True):
        frame = disclosure.to_frames(fen=fen)["09"]
        assert frame["actual_total"].isna().all() and frame["budget_abroad"].isna().all(), fen
    stated = derive(example_ledger()).to_frames(fen=True)["09"]
    assert (stated["actual_total"] == 0).all() and isinstance(stated, pd.DataFrame)
