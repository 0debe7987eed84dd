"""The progress bar: drawn on a terminal only, quiet otherwise, erased at the end."""

from __future__ import annotations

import io

from govbudget.cli import main
from govbudget.progress import BAR, Progress


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_bar_on_a_tty_is_drawn_and_erased() -> None:
    out = Tty()
    p = Progress(4, "check", stream=out)
    p.step("a.pdf")
    p.step("b.pdf")
    assert p.line() == f"check [{'█' * (BAR // 2)}{'·' * (BAR // 2)}] 2/4 "
    p.done()
    text = out.getvalue()
    assert "1/4 a.pdf" in text and "2/4 b.pdf" in text and text.endswith("\r\x1b[2K")


def test_quiet_or_not_a_tty_writes_nothing() -> None:
    for p, out in ((Progress(3, stream=(s := Tty()), quiet=True), s), (Progress(3, stream=(t := io.StringIO())), t)):
        p.step("x")
        p.done()
        assert out.getvalue() == ""


def test_check_of_many_files_keeps_stdout_clean(tmp_path, capsys) -> None:
    from govbudget.io import example_published_text

    copy = tmp_path / "seed.txt"
    copy.write_text(example_published_text(), encoding="utf-8")
    # Under pytest stderr is not a TTY: no bar, only the two summaries.
    assert main(["check", "--example", str(copy), "--summary-only"]) == 1
    captured = capsys.readouterr()
    assert "█" not in captured.err + captured.out
    assert len(captured.out.splitlines()) == 2


def test_large_ledger_shows_a_bar_and_derives_the_same(monkeypatch, capsys) -> None:
    import sys

    from govbudget import cli_documents

    monkeypatch.setattr(cli_documents, "PROGRESS_LINES", 1)
    monkeypatch.setattr(cli_documents, "PROGRESS_STEP", 10)
    tty = Tty()
    monkeypatch.setattr(sys, "stderr", tty)
    assert main(["report", "--table", "05"]) == 0
    with_bar = capsys.readouterr().out
    # 8 income + 34 expenditure lines in the example, counted ten at a time.
    assert "derive [" in tty.getvalue() and tty.getvalue().endswith("\r\x1b[2K")
    assert "42/42" in tty.getvalue() and "10/42" in tty.getvalue()
    monkeypatch.setattr(sys, "stderr", Tty())
    assert main(["report", "--table", "05", "--quiet"]) == 0
    assert capsys.readouterr().out == with_bar
    assert sys.stderr.getvalue() == ""


def test_check_output_file_holds_the_report(tmp_path, capsys) -> None:
    # --output is honoured for text and json too (never silently ignored).
    path = tmp_path / "report.txt"
    assert main(["check", "--example", "-o", str(path)]) == 1
    assert capsys.readouterr().out == ""
    assert path.read_text(encoding="utf-8").rstrip().endswith("3 errors, 13 warnings, 10 info")
