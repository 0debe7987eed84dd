"""scripts/corpus.py, the corpus report, on a sample of ../shared/corpus (the whole corpus is
run by hand or in CI: ``uv run python scripts/corpus.py --output docs/corpus-report.txt``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from scripts.corpus import DEFAULT_CORPUS, main

pytest.importorskip("pdfplumber")


def test_corpus_report_on_a_sample(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    if not DEFAULT_CORPUS.exists():
        pytest.skip(f"corpus not found at {DEFAULT_CORPUS}")
    out = tmp_path / "report.txt"
    status = main(["--only", "foshan-2019", "--only", "doc-02", "--output", str(out)])
    assert status == 0
    lines = capsys.readouterr().out.splitlines()
    assert out.read_text(encoding="utf-8").splitlines() == lines
    foshan, refused, summary = lines
    # 佛山市轨道交通局 2019: a 决算 printing 9 tables (8 of the nine 公开 tables, and a 绩效自评
    # table that is none of them); the family is said
    assert foshan.startswith("final/foshan-2019.pdf") and " final " in foshan
    m = re.search(r"tables +(\d+)/(\d+) +figures +(\d+)/(\d+)", foshan)
    assert m and (int(m[1]), int(m[2])) == (8, 9)
    assert int(m[3]) <= int(m[4]) and int(m[3]) >= 0.99 * int(m[4])
    # its 情况说明 states 机关运行经费 97.19 万元 (p.27), read with 52 other text figures by the words
    # around them (总收入, the sources and natures, “三公” and its counts, 政府采购, the vehicles;
    # tests/test_textread_final.py lists them as printed)
    t = re.search(r" text +(\d+) ", foshan)
    assert t and int(t[1]) == 53 and "text figures 53;" in summary
    assert "refused" in refused and "not a disclosure" in refused
    assert summary.startswith("SUMMARY 2 documents: read 1 (final 1, budget 0") and "refused 1/1" in summary
    assert "crashes 0" in summary
    # the seconds per PDF read, beside the per-document line's own (one PDF read: all three are it)
    m = re.search(r"per PDF read: median ([\d.]+)s, p90 ([\d.]+)s, max ([\d.]+)s \(CPU median", summary)
    secs = re.search(r" ([\d.]+)s \(extract", foshan)
    assert m and secs and m[1] == m[2] == m[3] == secs[1]


def test_quantiles_by_nearest_rank() -> None:
    from scripts.corpus import _quantile

    ten = [float(i) for i in range(1, 11)]
    assert (_quantile(ten, 0.5), _quantile(ten, 0.9)) == (5.5, 9.0)
    assert (_quantile([1.0, 2.0, 7.0], 0.5), _quantile([1.0, 2.0, 7.0], 0.9)) == (2.0, 7.0)
