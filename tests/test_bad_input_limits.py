"""Issue #13, "unbounded resources": size limits with a clear message, bounded lines in the
streamed CSV, linear-time 情况说明 patterns, and the CLI streaming a CSV ledger."""

from __future__ import annotations

import contextlib
import io
import pickle
import signal

import pytest

from govbudget.cli import main
from govbudget.errors import ArgumentError, GovBudgetError, LimitError
from govbudget.extract import Limits as ExtractLimits
from govbudget.extract import extract
from govbudget.extract.model import resolve_limits
from govbudget.io import (
    Limits,
    derive_csv,
    example_ledger,
    example_published_text,
    ledger_to_csv,
    load_json,
    load_ledger,
    read_bytes,
)
from govbudget.readers import read, read_text
from govbudget.render import render
from govbudget.rules import check
from govbudget.tables import derive


def _cli(*argv):
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        status = main(list(argv), out=out)
    return status, out.getvalue(), err.getvalue()


@contextlib.contextmanager
def hang_guard(seconds):
    """Turn a hang into a failure: a generous bound, far above the expected time (no timing is
    asserted; on today's main the 100,000-digit line takes minutes)."""
    def fail(*_):
        raise AssertionError(f"still running after {seconds} s: not linear in its input")

    old = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def test_dev_zero_stops_at_the_size_limit(monkeypatch):
    monkeypatch.setenv("GOVBUDGET_MAX_BYTES", str(1 << 20))
    with hang_guard(60), pytest.raises(LimitError, match=r"/dev/zero: larger than the limit of 1.0 MiB"):
        read("/dev/zero")
    with hang_guard(60):
        status, _, err = _cli("check", "/dev/zero")
    assert status == 2 and "GOVBUDGET_MAX_BYTES" in err


def test_size_limit_is_configurable(tmp_path, monkeypatch):
    p = tmp_path / "r.txt"
    p.write_bytes(b"x" * 2000)
    assert len(read_bytes(p)) == 2000
    with pytest.raises(LimitError, match="larger than the limit of 1000 bytes"):
        read_bytes(p, limits=Limits(max_bytes=1000))
    monkeypatch.setenv("GOVBUDGET_MAX_BYTES", "1000")
    with pytest.raises(LimitError):
        read_bytes(p)
    monkeypatch.setenv("GOVBUDGET_MAX_BYTES", "lots")
    with pytest.raises(ArgumentError, match="GOVBUDGET_MAX_BYTES='lots' is not a number"):
        read_bytes(p)
    status, _, err = _cli("check", str(p))
    assert status == 2 and "GOVBUDGET_MAX_BYTES" in err


@pytest.mark.parametrize(("env", "value", "call", "limit"), [
    ("GOVBUDGET_MAX_LINE", "10", lambda p: derive_csv(p), "max_line"),
    ("GOVBUDGET_MAX_JSON_DEPTH", "2", lambda p: load_json('{"a": [[1]]}', source=str(p)), "max_json_depth"),
    ("GOVBUDGET_MAX_INT_DIGITS", "3", lambda p: load_json('{"a": 12345}', source=str(p)), "max_int_digits"),
    ("GOVBUDGET_MAX_BYTES", "1000", lambda p: extract(p), "max_bytes"),
    ("GOVBUDGET_MAX_BYTES", "1000", lambda p: load_ledger(p), "max_bytes"),
])
def test_every_limit_is_a_limit_error_naming_the_limit_its_variable_and_the_place(
        tmp_path, monkeypatch, env, value, call, limit):
    p = tmp_path / "l.csv"
    p.write_text(ledger_to_csv(example_ledger()), encoding="utf-8")
    call(p)  # within the default bounds
    monkeypatch.setenv(env, value)
    with pytest.raises(LimitError) as info:
        call(p)
    err = info.value
    assert (err.limit, err.env) == (limit, env)
    assert str(p) in err.place and str(p) in str(err) and env in str(err) and limit in str(err)
    assert pickle.loads(pickle.dumps(err)).args == err.args  # check --jobs sends it between processes


def test_extraction_limits_read_from_the_environment(tmp_path, monkeypatch):
    p = tmp_path / "r.txt"
    p.write_text("第一页\f第二页\f第三页", encoding="utf-8")
    assert Limits().max_bytes > 1000 and ExtractLimits().max_pages == 2000
    monkeypatch.setenv("GOVBUDGET_MAX_PAGES", "1")
    monkeypatch.setenv("GOVBUDGET_MAX_SECONDS", "2.5")
    assert resolve_limits(None) == ExtractLimits(max_pages=1, seconds=2.5)
    assert resolve_limits(ExtractLimits()) == ExtractLimits()  # given limits are kept
    monkeypatch.setenv("GOVBUDGET_MAX_PAGES", "-1")
    with pytest.raises(ArgumentError, match="GOVBUDGET_MAX_PAGES"):
        extract(p)


def test_a_streamed_csv_line_is_bounded(tmp_path):
    p = tmp_path / "l.csv"
    p.write_text(ledger_to_csv(example_ledger()) + "income," + "9" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(LimitError, match=r"l\.csv:\d+: line longer than 1000"):
        derive_csv(p, limits=Limits(max_line=1000))
    with hang_guard(60), pytest.raises(GovBudgetError):
        derive_csv("/dev/zero", limits=Limits(max_line=1 << 16))


def test_nul_bytes_and_broken_quotes_in_a_csv_ledger(tmp_path):
    base = ledger_to_csv(example_ledger())
    for junk in ("income,\0,\n", 'income,"unterminated\n'):
        p = tmp_path / "j.csv"
        p.write_text(base + junk, encoding="utf-8")
        with pytest.raises(GovBudgetError, match=r"j\.csv"):
            derive_csv(p)


@pytest.mark.parametrize("section", ["一、收入支出决算总体情况说明", "五、一般公共预算财政拨款支出决算情况说明",
                                     "十三、预算绩效情况说明"])
def test_a_100000_digit_line_in_the_text_is_read_in_linear_time(section):
    text = example_published_text()
    at = text.rindex(section) + len(section)
    junk = text[:at] + "\n" + "9" * 100_000 + "\n" + text[at:]
    with hang_guard(60):
        published = read_text(junk)
    # the figures of the section are still read, as in the clean text
    clean = read_text(text)
    assert published.narrative is not None and clean.narrative is not None
    assert set(published.narrative.figures) == set(clean.narrative.figures)


def test_report_streams_a_csv_ledger(tmp_path, monkeypatch):
    p = tmp_path / "big.csv"
    p.write_text(ledger_to_csv(example_ledger()), encoding="utf-8")

    def whole(*_a, **_k):
        raise AssertionError("a CSV ledger must be streamed (io.derive_csv), not loaded whole")

    monkeypatch.setattr("govbudget.io.load_ledger", whole)
    status, out, _ = _cli("report", str(p), "--format", "text")
    assert status == 0
    assert out == render(derive(example_ledger()), "text")


def _naive_resolve(cat, printed, parent=None):
    from govbudget.classification import _fold

    query = _fold(printed)
    pool = cat.children(parent) if parent else tuple(cat)
    exact = tuple(s for s in pool if _fold(s.name) == query)
    return exact or tuple(s for s in pool if query and _fold(s.name).startswith(query))


def test_resolve_name_by_bisection_agrees_with_a_scan():
    from hypothesis import given
    from hypothesis import strategies as st

    from govbudget.classification import catalog

    fc = catalog("functional", 2024)
    names = [s.name for s in fc]

    @given(st.sampled_from(names), st.integers(0, 12), st.sampled_from([None, "201", "20103", "208"]),
           st.sampled_from(["", " ", "（", "x"]))
    def agree(name, cut, parent, tail):
        printed = name[: max(1, len(name) - cut)] + tail
        assert fc.resolve_name(printed, parent) == _naive_resolve(fc, printed, parent)

    agree()


def test_a_long_text_of_class_lines_is_read_in_linear_time():
    from govbudget.narrative import build, to_text

    text = to_text(build(example_ledger()))
    at = text.index("五、") + 30
    junk = text[:at] + ("（类）支出1万元" * 12_500) + text[at:]  # 100,000 characters
    with hang_guard(60):
        read_text(junk)


@pytest.mark.parametrize("cell", ["9" * 100_000, "²", "１２"])
def test_a_huge_or_exotic_number_in_a_table_line(cell):
    # Found by the thorough fuzz run: int() of a 100,000-digit 栏次 raised ValueError.
    text = example_published_text()
    line = "2080505\t机关事业单位基本养老保险缴费支出\t40.45\t40.45"
    assert line in text
    junk = text.replace(line, f"{cell}\t{cell}\t{cell}\t{cell}\t{cell}\t{cell}\n{line}", 1)
    with hang_guard(60):
        report = check(read_text(junk))
    assert report.findings  # read, with the junk line reported rather than fatal

