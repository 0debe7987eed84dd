"""Issue #13, "smaller slips": check --format json honours --summary-only and --level and lists
unreadable files; search --limit -1; --table 5 --table 05; GBK CSV ledgers; the minimal cell
CSV of docs/formats.md."""

from __future__ import annotations

import contextlib
import csv
import io
import json

import pytest

from govbudget.cli import main
from govbudget.io import example_ledger, ledger_to_csv, load_ledger
from govbudget.render import render
from govbudget.tables import derive


def _cli(*argv):
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        status = main(list(argv), out=out)
    return status, out.getvalue(), err.getvalue()


def test_check_json_honours_level_and_summary_only(tmp_path):
    missing = str(tmp_path / "missing.txt")
    status, out, _ = _cli("check", "--example", missing, "--format", "json")
    full = json.loads(out)
    assert status == 2
    assert full["unreadable"] == [{"source": missing, "error": full["unreadable"][0]["error"]}]
    assert "cannot read" in full["unreadable"][0]["error"]
    (report,) = full["reports"]
    severities = {f["severity"] for f in report["findings"]}
    assert {"error", "info"} <= severities  # the seed has both (docs/checking.md)
    _, out, _ = _cli("check", "--example", "--format", "json", "--level", "error")
    (errors_only,) = json.loads(out)["reports"]
    assert {f["severity"] for f in errors_only["findings"]} == {"error"}
    assert len(errors_only["findings"]) == report["counts"]["error"]
    assert errors_only["counts"] == report["counts"]  # counts stay whole
    _, out, _ = _cli("check", "--example", "--format", "json", "--summary-only")
    (summary,) = json.loads(out)["reports"]
    assert "findings" not in summary and summary["counts"] == report["counts"]


@pytest.mark.parametrize("limit", ["-1", "0", "x"])
def test_search_limit_must_be_positive(limit):
    status, out, err = _cli("search", "支出", "--limit", limit)
    assert status == 2 and out == "" and "--limit" in err


def test_search_limit_one_gives_one_hit():
    status, out, _ = _cli("search", "一般公共服务", "--limit", "1")
    assert status == 0 and len(out.strip().splitlines()) == 1


def test_a_table_asked_twice_is_printed_once():
    status, out, _ = _cli("report", "--table", "5", "--table", "05", "--table", "公开05表")
    assert status == 0
    assert out == render(derive(example_ledger()), "text", ["05"])
    assert _cli("report", "--table", "10")[0] == 2


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_a_csv_ledger_in_a_common_encoding(tmp_path, encoding):
    p = tmp_path / "l.csv"
    p.write_bytes(ledger_to_csv(example_ledger()).encode(encoding))
    assert load_ledger(p) == example_ledger()
    status, out, _ = _cli("report", str(p), "--table", "01")
    assert status == 0 and out == render(derive(example_ledger()), "text", ["01"])


def test_undecodable_bytes_name_file_and_line(tmp_path):
    p = tmp_path / "bad.csv"
    # \x80\x7f is neither UTF-8 nor GB18030 (0x7f is no GB18030 trail byte)
    p.write_bytes(ledger_to_csv(example_ledger()).encode() + b"income,\x80\x7f\n")
    status, _, err = _cli("report", str(p), "--format", "markdown")
    assert status == 2 and "bad.csv:" in err and "UTF-8" in err


def test_the_minimal_cell_csv_of_the_docs_checks_clean(tmp_path):
    status, out, _ = _cli("report", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))
    p = tmp_path / "min.csv"
    with p.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["table", "row_key", "column_key", "side", "value_wan"])
        for r in rows:
            w.writerow([r["table"], r["row_key"], r["column_key"], r["side"], r["value_wan"]])
    status, out, _ = _cli("check", str(p), "--level", "error")
    assert status == 0, out
    assert out.strip().endswith("0 errors, 0 warnings, 10 info")


def test_a_cell_csv_whose_printed_figure_disagrees_with_its_exact_value(tmp_path):
    status, out, _ = _cli("report", "--format", "csv")
    text = out.lstrip("\ufeff")
    lines = text.splitlines()
    i = next(n for n, ln in enumerate(lines) if ",201," in ln and ln.startswith("01,"))
    fields = next(csv.reader([lines[i]]))
    header = next(csv.reader([lines[0]]))
    fields[header.index("value_wan")] = "1.00"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(fields)
    lines[i] = buf.getvalue()
    p = tmp_path / "cells.csv"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    status, _, err = _cli("check", str(p))
    assert status == 2 and f"cells.csv:{i + 1}: value_wan '1.00' does not match" in err
