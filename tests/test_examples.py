"""The examples run, and the build script reproduces the shipped example ledger."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_quickstart_runs(capsys):
    runpy.run_path(str(ROOT / "examples" / "quickstart.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "2010301 行政运行" in out and "123.46" in out  # 1,234,567.89 元 → 123.46 万元


def test_build_ledger_reproduces_shipped_example():
    sys.path.insert(0, str(ROOT / "examples" / "sanmenxia-2023"))
    try:
        module = runpy.run_path(str(ROOT / "examples" / "sanmenxia-2023" / "build_ledger.py"))
    finally:
        sys.path.pop(0)
    from govbudget.io import example_ledger

    assert module["build"]() == example_ledger()


def test_check_report_example_runs(capsys):
    module = runpy.run_path(str(ROOT / "examples" / "check_report.py"))
    assert module["main"]([]) == 1
    out = capsys.readouterr().out
    assert out.count("error   final.text.") == 3 and "3 errors, 13 warnings, 10 info" in out
