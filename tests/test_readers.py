"""Readers of published disclosures (text, CSV, JSON) and the ``check`` command."""

from __future__ import annotations

import json
from decimal import Decimal as D

import pytest

from govbudget.cli import main
from govbudget.errors import FormatError
from govbudget.io import example_ledger, example_published_text, ledger_to_json
from govbudget.published import Severity
from govbudget.readers import read, read_csv, read_json, read_text
from govbudget.render import render
from govbudget.rules import check
from govbudget.tables import derive

SEED = example_published_text()


@pytest.fixture(scope="module")
def derived():
    return derive(example_ledger())


def _without(text: str, start: str, end: str) -> str:
    """The seed with the lines from the one equal to ``start`` up to ``end`` removed."""
    lines = text.splitlines()
    i = lines.index(start)
    j = lines.index(end, i + 1)
    return "\n".join(lines[:i] + lines[j:])


def _rules(published, severity=None):
    return {f.rule for f in check(published).findings if severity is None or f.severity is severity}


# -- text -------------------------------------------------------------------------------------------------
def test_seed_tables_read_as_printed():
    p = read_text(SEED)
    assert p.department == "三门峡市政务服务和大数据管理局" and p.fiscal_year == 2023 and p.edition == 2024
    assert p.tables["05"].cell("2010301", "project") == D("60.70")
    assert p.tables["01"].cell("206", "amount") == D("3000.00")
    assert p.tables["04"].cell("expenditure_grand_total", "general_public_budget") == D("3881.84")
    assert p.tables["06"].cell("30239", "amount") == D("24.08")
    assert p.tables["06"].cell("personnel_total", "amount") == D("541.23") and p.tables["06"].cell("public_total", "amount") == D("49.28")
    # a truncated name (其他政府办公厅（室）及相关机构事务支) is accepted for its code
    assert p.tables["02"].get_row("2010399").label.endswith("事务支")
    assert p.lines[("05", "2010301")] == 312
    assert set(p.statements) == {"07", "08", "09"}
    # the thirteen sections once each, in order (the table of contents is not read as text)
    top = [s.id for s in p.narrative.sections if "（" not in s.id]
    assert top == ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三"]


def test_blank_is_an_exact_zero_and_printed_zero_an_interval():
    p = read_text(SEED)
    blank = p.cell("03", "2069999", "basic")
    assert blank.value == 0 and blank.half_width == 0
    printed = p.cell("03", "2069999", "project")
    assert printed.value == D("3000.00") and printed.half_width == D("0.005")


def test_unknown_code_and_wrong_name_are_findings():
    text = SEED.replace("2080501\t行政单位离退休\t1.19\t1.19\t\t\t\t\t", "2080598\t行政单位离退休\t1.19\t1.19\t\t\t\t\t")
    text = text.replace("2101101\t行政单位医疗\t27.66\t27.66\t\t\t\t\t", "2101101\t事业单位医疗\t27.66\t27.66\t\t\t\t\t")
    findings = {(f.rule, f.stated) for f in read_text(text).reader_findings}
    assert ("reader.code", "2080598") in findings
    assert ("reader.name", "事业单位医疗") in findings


def test_row_without_code_is_resolved_by_name():
    text = SEED.replace("2080505\t机关事业单位基本养老保险缴费支出\t40.45\t40.45\t\t",
                        "\t机关事业单位基本养老保险缴费支出\t40.45\t40.45\t\t", 1)
    p = read_text(text)
    assert p.tables["02"].cell("2080505", "total") == D("40.45")
    assert [f.severity for f in p.reader_findings if f.rule == "reader.name-resolved"] == [Severity.INFO]


def test_unreadable_amount_is_an_error_naming_the_line():
    row = "2010301\t行政运行\t551.64\t490.94\t60.70"
    line = next(i for i, t in enumerate(SEED.splitlines(), 1) if t.startswith(row))  # 公开03 (again in 05)
    text = SEED.replace(row, row.replace("490.94", "49O.94"), 1)
    (f,) = [f for f in read_text(text).reader_findings if f.rule == "reader.cell"]
    assert f.severity is Severity.ERROR and f.stated == "49O.94" and f.location.line == line == 225


def test_missing_table_is_reported_and_its_rules_skipped():
    text = _without(SEED, "支出决算表", "财政拨款收入支出决算总表")
    p = read_text(text)
    assert "03" not in p.tables
    assert [f.location.table for f in p.reader_findings if f.rule == "reader.table"] == ["03"]
    rules = _rules(p)
    assert "final.x.t01-t03" not in rules and "final.t03.hierarchy" not in rules
    assert len(check(p).errors) == 3  # the seed's three, all in the text


def test_table_split_across_pages_with_a_repeated_header():
    header = "项目\t\t本年支出合计\t基本支出\t项目支出\t上缴上级支出\t经营支出\t对附属单位补助支出"
    text = SEED.replace("\n210\t卫生健康支出\t27.66\t27.66\t\t\t\t",
                        f"\n\n— 7 —\n\n{header}\n210\t卫生健康支出\t27.66\t27.66\t\t\t\t", 1)
    p = read_text(text)
    assert p.tables["03"].cell("2101101", "basic") == D("27.66")
    assert not [f for f in p.reader_findings if f.severity is not Severity.INFO]


def test_unit_in_yuan():
    text = SEED.replace("公开 08 表\n\n部门：三门峡市政务服务和大数据管理局\n\n2023 年度\n\n金额单位：万元",
                        "公开 08 表\n\n部门：三门峡市政务服务和大数据管理局\n\n2023 年度\n\n金额单位：元")
    text = text.replace("栏次\t\t1\t2\t3\n合计\t\t\t\t", "栏次\t\t1\t2\t3\n合计\t\t100\t100\t")
    p = read_text(text)
    q = p.cell("08", "total", "total")
    assert q.value == D("0.0100") and q.half_width == D("0.00005")  # 100 元 ± 0.5 元, in 万元
    assert "final.x.t04-t08" in _rules(p, Severity.ERROR)  # 公开04 has no 国有资本经营 spending


def test_unplaced_text_figure_is_reported():
    text = SEED.replace("主要原因是政府购买服务项目支出减少。\n\n二、", "主要原因是政府购买服务项目支出减少 12.00 万元。\n\n二、", 1)
    notes = [f for f in read_text(text).reader_findings if f.rule == "reader.text"]
    assert [(f.severity, f.stated, f.location.section) for f in notes] == [(Severity.INFO, "12.00万元", "一")]


def test_text_without_any_table_or_section_is_refused():
    with pytest.raises(FormatError, match="no 公开 table"):
        read_text("hello\nworld")
    with pytest.raises(FormatError):
        read_text(b"bytes")  # type: ignore[arg-type]


# -- CSV ----------------------------------------------------------------------------------------------------
def test_cell_csv_round_trip_is_exact(derived):
    p = read_csv(render(derived, "csv"), source="final.x.csv")
    assert p.exact
    assert p.tables["05"].cell("2010301", "total") == D("5516445.00")
    assert check(p).findings == ()


def test_cell_csv_printed_only_is_checked_with_intervals(derived):
    rows = render(derived, "csv").lstrip("\ufeff").splitlines()
    header = rows[0].split(",")
    i = header.index("exact_yuan")
    printed = "\n".join(",".join(c for k, c in enumerate(r.split(",")) if k != i) for r in rows)
    p = read_csv(printed)
    assert not p.exact and p.tables["05"].cell("2010301", "total") == D("551.64")
    report = check(p)
    assert not report.errors and {f.rule for f in report.infos} >= {"final.t06.class-sum"}


def test_csv_errors_name_the_line(derived):
    text = render(derived, "csv").lstrip("\ufeff")
    lines = text.splitlines()
    with pytest.raises(FormatError, match=r"x\.csv:3: .* fields"):
        read_csv("\n".join([lines[0], lines[1], lines[2][:20]]), source="final.x.csv")
    bad = lines[1].rsplit(",", 2)
    with pytest.raises(FormatError, match=r"x\.csv:2: exact_yuan: 'abc'"):
        read_csv("\n".join([lines[0], f"{bad[0]},{bad[1]},abc"]), source="final.x.csv")
    wrong_table = lines[1].replace("01,", "10,", 1)
    with pytest.raises(FormatError, match="not 01"):
        read_csv("\n".join([lines[0], wrong_table]), source="final.x.csv")


def test_one_table_per_file_csv():
    lines = SEED.splitlines()
    start = lines.index("一般公共预算财政拨款支出决算表")
    end = lines.index("一般公共预算财政拨款基本支出决算明细表")
    csv_text = "\n".join(",".join(f'"{c}"' if "," in c else c for c in line.split("\t")) for line in lines[start:end])
    p = read_csv(csv_text, source="final.t05.csv")
    assert set(p.tables) == {"05"}
    assert p.tables["05"].cell("2130599", "basic") == D("1.98")
    assert not check(p).errors


# -- JSON ---------------------------------------------------------------------------------------------------
def test_json_disclosure_and_ledger(derived):
    p = read_json(render(derived, "json"))
    assert p.exact and check(p).findings == ()
    from_ledger = read_json(ledger_to_json(example_ledger()), source="ledger.json")
    assert from_ledger.narrative is not None
    assert [f.rule for f in check(from_ledger).findings] == ["final.text.change-agreement"]
    with pytest.raises(FormatError, match="line 1"):
        read_json("{")
    with pytest.raises(FormatError, match="neither"):
        read_json('{"a": 1}')


def test_read_by_suffix_and_encodings(tmp_path, derived):
    (tmp_path / "r.txt").write_bytes(SEED.encode("gb18030"))
    assert read(tmp_path / "r.txt").tables["05"].cell("total", "total") == D("3881.84")
    (tmp_path / "d.json").write_text(render(derived, "json"), encoding="utf-8")
    assert read(tmp_path / "d.json").exact
    with pytest.raises(FormatError, match=r"missing\.txt"):
        read(tmp_path / "missing.txt")


# -- the check command ------------------------------------------------------------------------------------
def test_check_cli_exit_codes(tmp_path, capsys):
    seed = tmp_path / "seed.txt"
    seed.write_text(SEED, encoding="utf-8")
    ledger = tmp_path / "ledger.json"
    ledger.write_text(ledger_to_json(example_ledger()), encoding="utf-8")
    assert main(["check", str(seed)]) == 1
    out = capsys.readouterr().out
    assert "final.text.budget-total" in out and out.rstrip().endswith("3 errors, 13 warnings, 10 info")
    assert main(["check", str(ledger)]) == 0
    assert main(["check", str(seed), str(tmp_path / "nope.txt")]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert main(["check", "--example", str(ledger), "--summary-only"]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and lines[0].endswith("3 errors, 13 warnings, 10 info")
    assert main(["check", str(seed), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["reports"][0]["counts"]["error"] == 3
    assert main(["check", str(seed), "--level", "error"]) == 1
    assert "warning" not in capsys.readouterr().out.split("\n")[0]
    assert main(["check"]) == 2


def test_rules_cli(capsys):
    assert main(["rules", "-v"]) == 0
    out = capsys.readouterr().out
    assert "final.t05.row-natures" in out and "05[r].小计 = 基本支出 + 项目支出" in out


def test_top_level_api(tmp_path):
    import govbudget as gb

    path = tmp_path / "seed.txt"
    path.write_text(SEED, encoding="utf-8")
    report = gb.check(gb.read(path))
    assert len(report.errors) == 3 and not report.ok
    assert gb.check(gb.derive(gb.example_ledger())).findings == ()
    with pytest.raises(AttributeError):
        gb.no_such_name  # noqa: B018


def test_text_variants_seen_in_other_reports():
    # a share without its % sign, a change “比上年减少”, an amount with one decimal
    text = SEED.replace("占 15.21%；", "占 15.21；").replace(
        "与上年度相比，收、支总计各减少 2094.69 万元，下降 35.05%。", "收、支总计比上年减少 2094.69 万元，下降 35.05%。"
    ).replace("项目支出 3291.33 万元", "项目支出 3291.3 万元")
    p = read_text(text)
    figures = p.narrative.figures
    assert figures["expenditure.basic.share"].value == D("15.21")
    assert figures["total.change"].value == D("-2094.69") and figures["total.change_rate"].value == D("35.05")
    project = p.figure("expenditure.project.amount")
    assert project.value == D("3291.3") and project.half_width == D("0.05")  # one decimal: ±0.05
    assert len(check(p).errors) == 3  # still only the seed's three


def test_rows_and_lines_that_fit_nowhere_are_reported():
    row = "2010301\t行政运行\t551.64\t490.94\t60.70"
    lines = SEED.splitlines()
    at = next(i for i, t in enumerate(lines) if t.startswith(row) and not t.endswith("\t"))  # 公开05
    lines[at + 1: at + 1] = ["小计？\t\t12.00\t\t", "12.34 56.78"]
    found = {(f.rule, f.severity, f.location.table) for f in read_text("\n".join(lines)).reader_findings}
    assert ("reader.row", Severity.WARNING, "05") in found  # a tabbed row with no code or known label
    assert ("reader.line", Severity.WARNING, "05") in found  # figures on a line with no cells


def test_check_summary_only_for_one_file(capsys):
    assert main(["check", "--example", "--summary-only"]) == 1
    assert capsys.readouterr().out.strip().splitlines() == [
        "example: 三门峡市政务服务和大数据管理局 2023 (published): 3 errors, 13 warnings, 10 info"]


def test_full_width_amounts_in_cells():
    text = SEED.replace("2010301\t行政运行\t551.64\t551.64\t", "2010301\t行政运行\t５５１．６４\t551.64\t", 1)
    p = read_text(text)
    assert p.tables["02"].cell("2010301", "total") == D("551.64")
    assert not [f for f in p.reader_findings if f.rule == "reader.cell"]


def test_swapped_cells_in_table06_are_reported_not_fatal():
    # Found by the fuzzer: an amount in the code column and a code in the amount column.
    text = SEED.replace("30306\t救济费\t\t30226\t劳务费\t0.10", "0.10\t救济费\t\t30226\t劳务费\t30306", 1)
    found = {(f.rule, f.stated) for f in read_text(text).reader_findings}
    assert ("reader.code", "0.10") in found


# -- a ledger CSV is read like a ledger JSON: derived, checked exactly ------------------------------
def _cells(p):
    return {(tid, r.side, r.key, c.key): v for tid, t in p.tables.items() for r in t.rows if r.values
            for c, v in zip(t.columns_of(r), r.values, strict=True)}


def test_ledger_csv_of_either_family_reads_as_its_json(tmp_path):
    from govbudget.budget.io import (
        budget_ledger_from_csv,
        budget_ledger_to_csv,
        budget_ledger_to_json,
        example_budget_ledger,
    )
    from govbudget.io import ledger_to_csv

    # The budget CSV holds the allocations only (the prior year and the stated facts need the
    # JSON form, budget/io.py's doc): its JSON twin is the ledger as the CSV holds it.
    budget_csv = budget_ledger_to_csv(example_budget_ledger())
    for name, csv_text, json_text in (
        ("final", ledger_to_csv(example_ledger()), ledger_to_json(example_ledger())),
        ("budget", budget_csv, budget_ledger_to_json(budget_ledger_from_csv(budget_csv))),
    ):
        (tmp_path / f"{name}.csv").write_text(csv_text, encoding="utf-8")
        (tmp_path / f"{name}.json").write_text(json_text, encoding="utf-8")
        from_csv, from_json = read(tmp_path / f"{name}.csv"), read(tmp_path / f"{name}.json")
        assert from_csv.family == from_json.family == name
        assert _cells(from_csv) == _cells(from_json) and _cells(from_csv)
        assert list(from_csv.reader_findings) == list(from_json.reader_findings)
        assert [str(f) for f in check(from_csv).findings] == [str(f) for f in check(from_json).findings]
    # Figures worked out by hand from the printed report (examples/guangzhou-xinfang-2026-budget/
    # README.md): 总计 3,944.08 万元; the 三门峡 seed's 收入总计 3,881.84 万元.
    assert D("39440760.00") in _cells(read(tmp_path / "budget.csv")).values()
    assert D("3881.84") in {round(v / 10000, 2) for v in _cells(read(tmp_path / "final.csv")).values()}


def test_ledger_csv_with_a_bad_amount_names_its_line(tmp_path, capsys):
    from govbudget.budget.io import budget_ledger_to_csv, example_budget_ledger

    text = budget_ledger_to_csv(example_budget_ledger()).splitlines()
    fields = text[4].split(",")
    fields[-1] = "12.3.4"
    text[4] = ",".join(fields)
    (tmp_path / "b.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    assert main(["check", str(tmp_path / "b.csv")]) == 2
    err = capsys.readouterr().err
    assert "b.csv:5: field amount" in err and "Traceback" not in err
