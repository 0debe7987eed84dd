"""The `check` command's reading path: several inputs, --as-one, statuses in JSON, exit 2 for
a document that is no disclosure (with a message saying so)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from govbudget.cli import main
from govbudget.io import example_published_text


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), out=out), out.getvalue()


@pytest.fixture
def seed_parts(tmp_path: Path) -> tuple[Path, Path, Path]:
    """The seed report, and its tables and its 情况说明 published as two documents."""
    lines = example_published_text().splitlines(keepends=True)
    cut = max(i for i, ln in enumerate(lines) if ln.strip() == "第三部分")
    whole, tables, text = tmp_path / "whole.txt", tmp_path / "附件1.txt", tmp_path / "附件2.txt"
    whole.write_text("".join(lines), encoding="utf-8")
    tables.write_text("".join(lines[:cut]), encoding="utf-8")
    text.write_text("".join(lines[cut:]), encoding="utf-8")
    return whole, tables, text


def test_as_one_reads_tables_and_text_published_apart(seed_parts: tuple[Path, Path, Path]) -> None:
    whole, tables, text = seed_parts
    status, out = run("check", str(whole), "--summary-only")
    assert status == 1 and out.strip().endswith("3 errors, 13 warnings, 10 info")
    # apart, the text-against-table rules cannot run (no table in the text, no text in the tables)
    status, out = run("check", str(tables), "--summary-only")
    assert "0 errors" in out
    # as one: the same findings as the whole report
    status, out = run("check", str(tables), str(text), "--as-one", "--summary-only")
    assert status == 1
    assert out.strip().endswith("3 errors, 13 warnings, 10 info")


def test_json_lists_every_input_with_its_status(seed_parts: tuple[Path, Path, Path], tmp_path: Path) -> None:
    whole, _, _ = seed_parts
    notice = tmp_path / "notice.txt"
    notice.write_text("关于印发某某规划的通知\n各区人民政府：\n现将规划印发给你们，请认真贯彻落实。\n", encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    status, out = run("check", str(whole), str(notice), str(broken), "--format", "json")
    assert status == 2
    inputs = {Path(i["file"]).name: i for i in json.loads(out)["inputs"]}
    assert inputs["whole.txt"]["status"] in ("read", "partly read")
    assert inputs["notice.txt"]["status"] == "not a disclosure"
    assert "不是部门预算或部门决算公开文件" in inputs["notice.txt"]["message"]
    assert inputs["broken.json"]["status"] == "unreadable"
    assert len(json.loads(out)["reports"]) == 1


def test_a_non_disclosure_exits_2_saying_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notice = tmp_path / "notice.txt"
    notice.write_text("2026年1—2月国民经济主要指标\n指标  单位  数值\n工业增加值  亿元  6.8\n社会消费品零售总额  亿元  1170.94\n",
                      encoding="utf-8")
    status, _ = run("check", str(notice))
    assert status == 2
    err = capsys.readouterr().err
    assert "not a budget or final-accounts disclosure" in err and "Traceback" not in err


def test_a_corpus_pdf_that_is_no_disclosure_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("pdfplumber")
    path = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "not-a-disclosure" / "doc-03.pdf"
    if not path.exists():
        pytest.skip(f"{path} not found")
    status, _ = run("check", str(path))
    assert status == 2 and "不是部门预算或部门决算公开文件" in capsys.readouterr().err
