"""The fuzz harness (issue #13 item 9): real documents and ledgers, mutated, fed to every reader
and entry point.  The only outcomes allowed are a result or a GovBudgetError, within a time
bound (and, in the thorough run, a memory bound).

Documents: the seed report as published (shipped with the package), the example ledger as JSON
and CSV, its disclosure as JSON and cell CSV, generated ledgers (tests/strategies.py), and, for
the thorough run, text extracted from the corpus PDFs (../shared/corpus) when given.

Binary forms: XLSX — the fill-in workbook ``govbudget init --example`` writes and the example's
report workbook (``report --format xlsx``), their bytes mutated, their zip members mutated, and
structurally mutated through openpyxl (wrong types in cells, merged cells, formulas without
cached values, sheets dropped, renamed or grown to thousands of rows); PDF — a small PDF made
here (tests/pdfmaker.py) and the small corpus PDFs when ../shared/corpus is there, their bytes
truncated, flipped, spliced with junk objects and huge page counts and lengths.  PDF reading is
bounded by the extraction limits (``GOVBUDGET_MAX_PAGES``, ``GOVBUDGET_MAX_SECONDS``), set low
for each case; an over-limit page count is a problem of the document, never a hang.

In CI the hypothesis tests run a few hundred cases (the ``ci`` profile).  The thorough run is a
plain loop, seeded, far faster than hypothesis per case::

    uv run python -m tests.test_fuzz --cases 100000 --log /work/notes/fuzz.log [--texts DIR]

It reports the cases run per form, the crashes (each with a reproducer file), the slowest cases
and the peak memory.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import random
import re
import signal
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govbudget.cli import main
from govbudget.errors import GovBudgetError, MissingExtraError
from govbudget.io import (
    derive_csv,
    example_ledger,
    example_published_text,
    ledger_from_json,
    ledger_to_csv,
    ledger_to_json,
    load_ledger,
)
from govbudget.narrative import build, to_text
from govbudget.readers import read, read_csv, read_json, read_text
from govbudget.render import disclosure_from_json, render
from govbudget.rules import check
from govbudget.tables import derive

#: Per-case bound: a linear reader does any of these documents in well under a second.
CASE_SECONDS = 30

#: Characters a mutation inserts: the ones that matter to the readers (digits, full-width
#: digits, separators, CSV and JSON syntax, units, section markers, controls).
ALPHABET = (
    "0123456789０１２３４５６７８９-.,，。、：:;；%％（）()[]{}\"'\\\n\r\t \x00\ufeff"
    "万元亿类款项一二三四五六七八九十合计总计年度增加减少增长下降占持平支出收入"
)
TOKENS = (
    "9" * 400, "-1", "1e400", "NaN", "Infinity", "1.5", "null", "true", "[]", "{}", '"x"', "２０１０３０１",
    "201 03 01", "（类）", "（款）", "（项）", "万元", "%", "一、", "（一）", "第三部分", "公开01表", "\n\n",
    "#", ",,,,,,", "expenditure", "income", "three_public.budget.abroad", "narrative.reasons",
    "[" * 80, "{" * 80, '"' * 3, "\ufffd", "𠀀", "美元", "1,234,567.89", "0.00", "-0.00",
)


# -- the documents ----------------------------------------------------------------------------
def documents() -> dict[str, str]:
    """The clean documents, by kind (the kind decides the entry points)."""
    ledger = example_ledger()
    d = derive(ledger)
    return {
        "text": example_published_text(),
        "generated_text": to_text(build(ledger)),
        "ledger_json": ledger_to_json(ledger),
        "ledger_csv": ledger_to_csv(ledger),
        "disclosure_json": render(d, "json"),
        "cell_csv": render(d, "csv").lstrip("\ufeff"),
        "report_text": render(d, "text"),
    }


# -- mutations ---------------------------------------------------------------------------------
def _span(rng: random.Random, n: int) -> tuple[int, int]:
    a = rng.randrange(n + 1)
    return a, min(n, a + rng.choice((1, 2, 5, 20, 200, 2000)))


def mutate(rng: random.Random, text: str, rounds: int | None = None) -> str:
    """A few random edits: insert characters or tokens, delete, duplicate or swap spans, flip
    a digit, truncate, swap two lines, repeat a line many times."""
    for _ in range(rounds if rounds is not None else rng.choice((1, 1, 2, 3, 5))):
        n = len(text)
        op = rng.randrange(10)
        a, b = _span(rng, n)
        if op == 0:
            text = text[:a] + "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 8))) + text[a:]
        elif op == 1:
            text = text[:a] + rng.choice(TOKENS) + text[a:]
        elif op == 2:
            text = text[:a] + text[b:]
        elif op == 3:
            text = text[:b] + text[a:b] + text[b:]
        elif op == 4 and n:
            digits = [i for i in range(a, min(n, a + 400)) if text[i].isdigit()]
            if digits:
                i = rng.choice(digits)
                text = text[:i] + rng.choice("0123456789") + text[i + 1:]
        elif op == 5:
            text = text[:a]
        elif op == 6:
            lines = text.split("\n")
            if len(lines) > 2:
                i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
                lines[i], lines[j] = lines[j], lines[i]
                text = "\n".join(lines)
        elif op == 7:
            lines = text.split("\n")
            i = rng.randrange(len(lines))
            lines[i:i + 1] = [lines[i]] * rng.choice((2, 10, 300))
            text = "\n".join(lines)
        elif op == 8:
            text = text[:a] + text[a:b].upper().replace("0", "０") + text[b:]
        elif rng.random() < 0.1:  # rarely: a huge run (the linear-time readers are checked on it)
            text = text[:a] + rng.choice(("9" * 100_000, "1." * 20_000, "（类）" * 5_000, "万元" * 10_000))[:rng.choice((1_000, 100_000))] + text[b:]
    return text


_JSON_JUNK: tuple[object, ...] = (None, True, 0, -1, 10**17, "", "x", "２０１０３０１", "1e400", "NaN", [], {}, [None],
                                  {"x": 1}, "-5", "美元", "0.005")


def _junk(rng: random.Random) -> object:
    # A copy: a later round may edit inside the junk it placed ([], {}, [None] …), and an edit
    # of the shared tuple's lists would change every later case (hypothesis: FlakyStrategyDefinition).
    return copy.deepcopy(rng.choice(_JSON_JUNK))


def mutate_json(rng: random.Random, text: str, rounds: int = 1) -> str:
    """Structural edits of a JSON document: a value at a random path replaced by junk of
    another type, a key removed or added, a list entry duplicated or dropped."""
    data = json.loads(text)
    for _ in range(rounds):
        node: object = data
        path: list[object] = []
        while isinstance(node, (dict, list)) and node and rng.random() < 0.8:
            key: object = rng.choice(list(node)) if isinstance(node, dict) else rng.randrange(len(node))
            path.append(key)
            node = node[key]  # type: ignore[index]
        if not path:
            continue
        parent: object = data
        for key in path[:-1]:
            parent = parent[key]  # type: ignore[index]
        last = path[-1]
        op = rng.randrange(4)
        if op == 0:
            parent[last] = _junk(rng)  # type: ignore[index]
        elif op == 1:
            del parent[last]  # type: ignore[attr-defined]
        elif op == 2 and isinstance(parent, dict):
            parent[rng.choice(("extra", "schema", "unit", "id", "exact"))] = _junk(rng)
        elif isinstance(parent, list):
            parent.insert(int(last), parent[int(last)])  # type: ignore[call-overload]
    return json.dumps(data, ensure_ascii=False)


# -- the entry points ------------------------------------------------------------------------------
def _checked(p: object) -> object:
    return check(p)  # type: ignore[arg-type]


def _ledger_all(text: str, suffix: str) -> Callable[[], object]:
    def run() -> object:
        with tempfile.TemporaryDirectory() as tmp:
            p = Path(tmp) / f"l{suffix}"
            p.write_text(text, encoding="utf-8", errors="surrogatepass")
            ledger = load_ledger(p)
            d = derive(ledger)
            to_text(build(ledger, d))
            check(ledger)
            if suffix == ".csv":
                derive_csv(p)
            return d
    return run


def _run_cli(p: Path, argv: tuple[str, ...]) -> int:
    """``govbudget argv[0] p argv[1:]``: an exit status of 0, 1 or 2 and no traceback, or an
    AssertionError (a crash, to the harness)."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        status = main([argv[0], str(p), *argv[1:]], out=io.StringIO())
    if status not in (0, 1, 2):
        raise AssertionError(f"exit status {status}")
    if "Traceback" in err.getvalue():
        raise AssertionError(err.getvalue())
    return status


def _cli(text: str, suffix: str, *argv: str) -> Callable[[], object]:
    def run() -> object:
        with tempfile.TemporaryDirectory() as tmp:
            p = Path(tmp) / f"in{suffix}"
            p.write_text(text, encoding="utf-8", errors="surrogatepass")
            return _run_cli(p, argv)
    return run


def entry_points(kind: str, text: str) -> Iterator[tuple[str, Callable[[], object]]]:
    """The calls a document of ``kind`` is fed to (each must give a result or a GovBudgetError)."""
    if kind in ("text", "generated_text", "report_text"):
        yield "read_text+check", lambda: _checked(read_text(text, source="fuzz"))
        yield "cli check .txt", _cli(text, ".txt", "check", "--format", "json")
    elif kind == "ledger_json":
        yield "ledger_from_json", lambda: ledger_from_json(text, source="fuzz")
        yield "load+derive+build+check .json", _ledger_all(text, ".json")
        yield "read_json+check", lambda: _checked(read_json(text, source="fuzz"))
        yield "cli report .json", _cli(text, ".json", "report", "--format", "markdown")
    elif kind == "ledger_csv":
        yield "load+derive+build+check .csv", _ledger_all(text, ".csv")
        yield "cli report .csv", _cli(text, ".csv", "report", "--format", "json")
        yield "cli validate .csv", _cli(text, ".csv", "validate")
    elif kind == "disclosure_json":
        yield "disclosure_from_json", lambda: disclosure_from_json(text, source="fuzz")
        yield "read_json+check", lambda: _checked(read_json(text, source="fuzz"))
    elif kind == "cell_csv":
        yield "read_csv+check", lambda: _checked(read_csv(text, source="fuzz"))
        yield "cli check .csv", _cli(text, ".csv", "check")
    else:
        raise ValueError(kind)


@contextlib.contextmanager
def time_bound(seconds: int) -> Iterator[None]:
    """Fail a case that runs longer than ``seconds`` (a hang, not a timing measurement)."""
    def fail(*_: object) -> None:
        raise TimeoutError(f"case still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def run_case(call: Callable[[], object]) -> BaseException | None:
    """None when ``call`` gives a result or a GovBudgetError; the foreign exception otherwise."""
    try:
        with time_bound(CASE_SECONDS):
            call()
    except GovBudgetError:
        return None
    except Exception as exc:
        return exc
    return None


# -- binary forms: XLSX and PDF ----------------------------------------------------------------------
#: Extraction bounds for a fuzz case: a hostile PDF that claims 10^8 pages, or whose pages are
#: slow, stops at these (a problem of the document), well inside CASE_SECONDS.
FUZZ_LIMITS = {"GOVBUDGET_MAX_PAGES": "40", "GOVBUDGET_MAX_SECONDS": "8", "GOVBUDGET_MAX_BYTES": str(8 << 20)}

#: Corpus PDFs small enough to be read many times (bytes); the thorough run takes all of these.
SMALL_PDF_BYTES = 300_000


def _xlsx_bytes(write: Callable[[Path], object]) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "w.xlsx"
        write(p)
        return p.read_bytes()


def binary_documents(corpus: Path | None = None) -> dict[str, list[bytes]]:
    """The clean binary documents by kind: ``ledger_xlsx`` (``govbudget init --example``),
    ``report_xlsx`` (the example's report workbook) and ``pdf`` (made here, and the small PDFs
    of ``corpus`` when given).  A kind whose extra is not installed is left out."""
    from tests.pdfmaker import Sheet, Text, grid_rules, make_pdf

    out: dict[str, list[bytes]] = {}
    try:
        from govbudget import workbook
        from govbudget.xlsx_render import write_xlsx

        ledger = example_ledger()
        d = derive(ledger)
        out["ledger_xlsx"] = [_xlsx_bytes(lambda p: workbook.write_ledger(ledger, p, overwrite=True))]
        out["report_xlsx"] = [_xlsx_bytes(lambda p: write_xlsx(p, d.department, d.fiscal_year, d.tables.values(),
                                                               narrative=build(ledger, d)))]
    except MissingExtraError:
        pass
    made = make_pdf([
        Sheet(texts=[Text(50, 60, "Gongkai 09"), Text(50, 100, "1.00"), Text(150, 100, "2.00")],
              rules=grid_rules([40, 140, 240], [90, 110, 130])),
        Sheet(texts=[Text(50, 60, "201 3,881.84")]),
    ])
    pdfs = [made]
    if corpus is not None and corpus.is_dir():
        pdfs += [p.read_bytes() for p in sorted(corpus.rglob("*.pdf")) if p.stat().st_size <= SMALL_PDF_BYTES]
    out["pdf"] = pdfs
    return out


_BYTE_TOKENS = (
    b"obj", b"endobj", b"stream\n", b"\nendstream", b"<<", b">>", b"%%EOF", b"trailer", b"xref\n0 1\n",
    b"/Count 99999999", b"/Length 999999999", b"/Type /Page", b"/Kids [1 0 R 1 0 R]", b"/Filter /FlateDecode",
    b"1 0 obj << /Type /Pages /Count 100000000 /Kids [] >> endobj", b"\x00" * 64, b"\xff" * 64,
    b"PK\x03\x04", b"<row r=\"1\"><c r=\"A1\" t=\"s\"><v>99999</v></c></row>", b"<v>1e400</v>", b"<v>NaN</v>",
)


def mutate_bytes(rng: random.Random, data: bytes, rounds: int | None = None) -> bytes:
    """Byte edits: truncate, flip bits, insert junk or a PDF/XML token, delete, duplicate or
    overwrite a span, and make a number huge (a /Count or /Length of 10^9)."""
    buf = bytearray(data)
    for _ in range(rounds if rounds is not None else rng.choice((1, 1, 2, 3, 5))):
        n = len(buf)
        a = rng.randrange(n + 1)
        b = min(n, a + rng.choice((1, 4, 64, 1024, 16384)))
        op = rng.randrange(8)
        if op == 0:
            del buf[rng.randrange(n + 1):]  # truncated
        elif op == 1 and n:
            for _ in range(rng.choice((1, 3, 20))):
                i = rng.randrange(len(buf))
                buf[i] ^= 1 << rng.randrange(8)
        elif op == 2:
            buf[a:a] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
        elif op == 3:
            buf[a:a] = rng.choice(_BYTE_TOKENS)
        elif op == 4:
            del buf[a:b]
        elif op == 5:
            buf[b:b] = buf[a:b] * rng.choice((1, 2, 8))
        elif op == 6:
            buf[a:b] = bytes(len(buf[a:b]))
        else:
            digits = [m.start(1) for m in re.finditer(rb"/(?:Count|Length) (\d+)", bytes(buf[:200_000]))]
            if digits:
                i = rng.choice(digits)
                j = i
                while j < len(buf) and chr(buf[j]).isdigit():
                    j += 1
                buf[i:j] = rng.choice((b"999999999", b"0", b"-1", b"1e9"))
    return bytes(buf)


def mutate_zip(rng: random.Random, data: bytes) -> bytes:
    """A workbook (a zip) with one member mutated — its XML as text or its bytes — or dropped,
    or a junk member added; the archive itself stays readable."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            members = [(i, z.read(i)) for i in z.infolist()]
    except (zipfile.BadZipFile, OSError, ValueError):
        return mutate_bytes(rng, data)
    k = rng.randrange(len(members))
    info, body = members[k]
    op = rng.randrange(4)
    if op == 0:
        text = body.decode("utf-8", "replace")
        members[k] = (info, mutate(rng, text).encode("utf-8", "surrogatepass"))
    elif op == 1:
        members[k] = (info, mutate_bytes(rng, body))
    elif op == 2:
        del members[k]
    else:
        members.append((zipfile.ZipInfo(rng.choice(("xl/junk.xml", "xl/worksheets/sheet99.xml", "[Content_Types].xml"))),
                        mutate_bytes(rng, body, 2)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        seen = set()
        for i, b in members:
            if i.filename not in seen:
                seen.add(i.filename)
                z.writestr(i.filename, b)
    return out.getvalue()


_CELL_JUNK: tuple[object, ...] = (
    1.5, 0.1 + 0.2, 1e308, -1, -0.01, 10**30, "abc", "２０１０３０１", "201 03 01", "1,234.56", "NaN", "", " ",
    True, False, "=A1*2", "=1/0", "=SUM(A1:A9)", "=#REF!", "9" * 400, "一般公共预算财政拨款", "基本支出", None,
)


def mutate_workbook(rng: random.Random, data: bytes) -> bytes:
    """Structural edits through openpyxl: cells of wrong types (floats, huge integers, dates,
    booleans, text in amounts, formulas without cached values), merged ranges, a sheet dropped,
    renamed, or grown to thousands of rows (within the limits)."""
    import datetime as dt

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data))
    for _ in range(rng.choice((1, 2, 3, 6))):
        ws = rng.choice(wb.worksheets)
        rows, cols = max(ws.max_row, 1), max(ws.max_column, 1)
        r, c = rng.randint(1, rows + 2), rng.randint(1, cols + 1)
        op = rng.randrange(7)
        if op in (0, 1):
            ws.cell(r, c).value = rng.choice((*_CELL_JUNK, dt.datetime(2023, 1, 1), dt.date(1900, 1, 1)))
        elif op == 2:
            with contextlib.suppress(ValueError, KeyError, TypeError):
                ws.merge_cells(start_row=r, start_column=c, end_row=r + rng.randint(0, 3), end_column=c + rng.randint(0, 3))
        elif op == 3 and len(wb.worksheets) > 1:
            wb.remove(ws)
        elif op == 4:
            ws.title = rng.choice(("x", "Sheet1", "收入", "支出", ws.title + "2", "三公经费"))[:31]
        elif op == 5:  # a big sheet, still far within the size limits
            for i in range(rows + 1, rows + rng.choice((200, 2000, 5000))):
                ws.cell(i, 1).value = ws.cell(rng.randint(1, rows), 1).value
                ws.cell(i, min(cols, 8)).value = rng.choice(("1.00", 1, "x", None))
        else:
            ws.insert_rows(r, rng.randint(1, 3))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@contextlib.contextmanager
def fuzz_limits() -> Iterator[None]:
    """The extraction limits of a fuzz case, through their environment variables."""
    import os

    old = {k: os.environ.get(k) for k in FUZZ_LIMITS}
    os.environ.update(FUZZ_LIMITS)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _file_call(data: bytes, suffix: str, call: Callable[[Path], object]) -> Callable[[], object]:
    def run() -> object:
        with tempfile.TemporaryDirectory() as tmp, fuzz_limits():
            p = Path(tmp) / f"in{suffix}"
            p.write_bytes(data)
            return call(p)
    return run


def _cli_file(data: bytes, suffix: str, *argv: str) -> Callable[[], object]:
    return _file_call(data, suffix, lambda p: _run_cli(p, argv))


def binary_entry_points(kind: str, data: bytes) -> Iterator[tuple[str, Callable[[], object]]]:
    """The calls a binary document of ``kind`` is fed to."""
    if kind in ("ledger_xlsx", "report_xlsx"):
        yield "read+check .xlsx", _file_call(data, ".xlsx", lambda p: check(read(p)))
        yield "load_ledger .xlsx", _file_call(data, ".xlsx", load_ledger)
        yield "cli validate .xlsx", _cli_file(data, ".xlsx", "validate")
        yield "cli report .xlsx", _cli_file(data, ".xlsx", "report", "--format", "json")
    elif kind == "pdf":
        yield "read+check .pdf", _file_call(data, ".pdf", lambda p: check(read(p)))
        yield "cli check .pdf", _cli_file(data, ".pdf", "check", "--format", "json")
    else:
        raise ValueError(kind)


def mutate_binary(rng: random.Random, kind: str, data: bytes) -> bytes:
    """A mutation fit for the kind: for a workbook, a structural (openpyxl), zip-member or byte
    edit; for a PDF, byte edits."""
    if kind == "pdf":
        return mutate_bytes(rng, data)
    op = rng.randrange(3)
    if op == 0:
        try:
            return mutate_workbook(rng, data)
        except Exception:  # openpyxl refusing its own edit (a merge over a merge …): another edit
            return mutate_zip(rng, data)
    return mutate_zip(rng, data) if op == 1 else mutate_bytes(rng, data)


_BINARY: dict[str, list[bytes]] = {}


def _binary() -> dict[str, list[bytes]]:
    if not _BINARY:  # built once per process (a test-module cache, not library state)
        _BINARY.update(binary_documents())
    return _BINARY


@settings(max_examples=12)
@given(st.sampled_from(("ledger_xlsx", "report_xlsx")), st.randoms(use_true_random=False))
def test_mutated_workbooks_give_a_result_or_a_library_error(kind, rng):
    docs = _binary().get(kind)
    if not docs:
        pytest.skip("openpyxl (the excel extra) is not installed")
    data = mutate_binary(rng, kind, rng.choice(docs))
    for name, call in binary_entry_points(kind, data):
        failure = run_case(call)
        assert failure is None, f"{name} on a mutated {kind}: {type(failure).__name__}: {failure}"


@settings(max_examples=8)
@given(st.randoms(use_true_random=False))
def test_mutated_pdfs_give_a_result_or_a_library_error(rng):
    pytest.importorskip("pdfplumber")
    data = mutate_binary(rng, "pdf", rng.choice(_binary()["pdf"]))
    for name, call in binary_entry_points("pdf", data):
        failure = run_case(call)
        assert failure is None, f"{name} on a mutated PDF: {type(failure).__name__}: {failure}"


def test_a_pdf_claiming_a_huge_page_count_is_bounded():
    # /Count 100000000 in the page tree: the page list is what the file holds, read to the limit
    pytest.importorskip("pdfplumber")
    data = _binary()["pdf"][0].replace(b"/Count 2", b"/Count 100000000")
    assert b"/Count 100000000" in data
    for name, call in binary_entry_points("pdf", data):
        failure = run_case(call)
        assert failure is None, f"{name}: {type(failure).__name__}: {failure}"


# -- CI: hypothesis, bounded by the profile ------------------------------------------------------
_DOCS: dict[str, str] = {}


def _docs() -> dict[str, str]:
    if not _DOCS:  # built once per process (a test-module cache, not library state)
        _DOCS.update(documents())
    return _DOCS


KINDS = ("text", "generated_text", "report_text", "ledger_json", "ledger_csv", "disclosure_json", "cell_csv")


@given(st.sampled_from(KINDS), st.randoms(use_true_random=False))
def test_mutated_documents_give_a_result_or_a_library_error(kind, rng):
    text = mutate(rng, _docs()[kind])
    for name, call in entry_points(kind, text):
        failure = run_case(call)
        assert failure is None, f"{name} on a mutated {kind}: {type(failure).__name__}: {failure}"


@given(st.sampled_from(("ledger_json", "disclosure_json")), st.randoms(use_true_random=False), st.integers(1, 4))
def test_structurally_mutated_json_gives_a_result_or_a_library_error(kind, rng, rounds):
    text = mutate_json(rng, _docs()[kind], rounds)
    for name, call in entry_points(kind, text):
        failure = run_case(call)
        assert failure is None, f"{name} on a structurally mutated {kind}: {type(failure).__name__}: {failure}"


@given(st.sampled_from(KINDS), st.text(max_size=300))
def test_arbitrary_text_gives_a_result_or_a_library_error(kind, text):
    for name, call in entry_points(kind, text):
        failure = run_case(call)
        assert failure is None, f"{name} on {text[:80]!r}: {type(failure).__name__}: {failure}"


@given(st.binary(max_size=400), st.sampled_from((".txt", ".csv", ".json")))
def test_arbitrary_bytes_as_a_file(data, suffix):
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / f"x{suffix}"
        p.write_bytes(data)
        for call in (lambda: read(p), lambda: load_ledger(p) if suffix != ".txt" else None,
                     lambda: derive_csv(p) if suffix == ".csv" else None):
            failure = run_case(call)
            assert failure is None, f"{type(failure).__name__}: {failure}"


def test_generated_ledgers_mutated():
    from hypothesis import given as given_

    from .strategies import full_ledgers

    @given_(full_ledgers(max_lines=8), st.randoms(use_true_random=False), st.booleans())
    def inner(ledger, rng, as_csv):
        text = mutate(rng, ledger_to_csv(ledger) if as_csv else ledger_to_json(ledger))
        kind = "ledger_csv" if as_csv else "ledger_json"
        for name, call in entry_points(kind, text):
            failure = run_case(call)
            assert failure is None, f"{name} on a mutated generated {kind}: {type(failure).__name__}: {failure}"

    inner()


# -- the thorough run -------------------------------------------------------------------------------
def _corpus_texts(folder: Path | None) -> list[str]:
    if folder is None or not folder.is_dir():
        return []
    return [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]


def thorough(cases: int, log: Path, seed: int, texts: Path | None, *, binary_share: float = 0.05,
             pdf_share: float = 0.01, corpus: Path | None = None) -> int:  # pragma: no cover - by hand
    """Run ``cases`` mutated cases; log counts per form, crashes, the slowest and the peak
    memory; 1 if any crash.  ``binary_share`` of the cases are workbooks and ``pdf_share``
    PDFs (made here, and the small PDFs of ``corpus``)."""
    import resource

    # A memory bound for the whole run: a reader that grows without bound fails here.
    limit = 4 << 30
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    rng = random.Random(seed)
    docs = documents()
    corpus_texts = _corpus_texts(texts)
    binary = binary_documents(corpus)
    crashes: list[tuple[int, str, str, str]] = []
    slowest: list[tuple[float, int, str]] = []
    by_kind: dict[str, int] = {}
    crash_kinds: dict[str, int] = {}
    crash_dir = log.parent / "fuzz-crashes"
    started = time.perf_counter()
    with log.open("a", encoding="utf-8") as out:
        out.write(f"\n# thorough fuzz run: {cases} cases, seed {seed}, corpus texts {len(corpus_texts)}, "
                  f"workbooks {sum(len(binary.get(k, [])) for k in ('ledger_xlsx', 'report_xlsx'))}, "
                  f"PDFs {len(binary.get('pdf', []))}, "
                  f"started {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC\n")
        out.flush()
        for n in range(1, cases + 1):
            draw = rng.random()
            payload: str | bytes
            if draw < pdf_share and binary.get("pdf"):
                kind = "pdf"
            elif draw < pdf_share + binary_share and binary.get("ledger_xlsx"):
                kind = rng.choice(("ledger_xlsx", "report_xlsx"))
            else:
                kind = rng.choice(KINDS + (("corpus",) * 2 if corpus_texts else ()))
            if kind in binary:
                payload = mutate_binary(rng, kind, rng.choice(binary[kind]))
                points = list(binary_entry_points(kind, payload))
            else:
                base = rng.choice(corpus_texts) if kind == "corpus" else docs[kind]
                if kind in ("ledger_json", "disclosure_json") and rng.random() < 0.5:
                    payload = mutate_json(rng, base, rng.randint(1, 4))
                else:
                    payload = mutate(rng, base)
                points = list(entry_points("text" if kind == "corpus" else kind, payload))
            by_kind[kind] = by_kind.get(kind, 0) + 1
            # One entry point per case, drawn (the CLI ones, which repeat the library calls
            # through a file, a quarter as often): the case count is what a run can afford.
            weights = [1 if name.startswith("cli") else 4 for name, _ in points]
            for name, call in rng.choices(points, weights):
                t0 = time.perf_counter()
                failure = run_case(call)
                dt = time.perf_counter() - t0
                slowest = sorted([*slowest, (dt, n, f"{kind}/{name}")], reverse=True)[:5]
                if failure is not None:
                    crash_dir.mkdir(exist_ok=True)
                    suffix = {"pdf": ".pdf", "ledger_xlsx": ".xlsx", "report_xlsx": ".xlsx"}.get(kind, ".txt")
                    repro = crash_dir / f"case-{n}-{kind}{suffix}"
                    if isinstance(payload, bytes):
                        repro.write_bytes(payload)
                    else:
                        repro.write_text(payload, encoding="utf-8", errors="surrogatepass")
                    crashes.append((n, f"{kind}/{name}", f"{type(failure).__name__}: {str(failure)[:200]}", str(repro)))
                    crash_kinds[kind] = crash_kinds.get(kind, 0) + 1
                    out.write(f"CRASH case {n} {kind}/{name}: {crashes[-1][2]} ({repro})\n")
                    out.flush()
            if n % 5000 == 0 or n == cases:
                elapsed = time.perf_counter() - started
                out.write(f"progress: {n} cases, {len(crashes)} crashes, {elapsed:.0f} s, "
                          f"slowest {slowest[0][0]:.2f} s ({slowest[0][2]}, case {slowest[0][1]})\n")
                out.flush()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        elapsed = time.perf_counter() - started
        out.write(f"done: {cases} cases in {elapsed:.0f} s ({', '.join(f'{k} {v}' for k, v in sorted(by_kind.items()))}), "
                  f"{len(crashes)} crashes ({', '.join(f'{k} {v}' for k, v in sorted(crash_kinds.items())) or 'none'}), "
                  f"peak RSS {peak:.0f} MB, slowest: "
                  + "; ".join(f"{dt:.2f} s {what} (case {c})" for dt, c, what in slowest) + "\n")
    return 1 if crashes else 0


if __name__ == "__main__":  # pragma: no cover - by hand
    import argparse

    parser = argparse.ArgumentParser(description="thorough fuzz run of govbudget's readers and entry points")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--log", type=Path, default=Path("fuzz.log"))
    parser.add_argument("--texts", type=Path, default=None, help="folder of .txt texts extracted from the corpus")
    parser.add_argument("--corpus", type=Path, default=None,
                        help="folder of corpus PDFs (../shared/corpus): its small PDFs are mutated too")
    parser.add_argument("--binary-share", type=float, default=0.05, help="share of XLSX cases (default 0.05)")
    parser.add_argument("--pdf-share", type=float, default=0.01, help="share of PDF cases (default 0.01)")
    args = parser.parse_args()
    sys.exit(thorough(args.cases, args.log, args.seed, args.texts, binary_share=args.binary_share,
                      pdf_share=args.pdf_share, corpus=args.corpus))


@given(st.lists(st.sampled_from(["report", "narrative", "validate", "check", "rules", "--table", "5", "05", "10", "x",
                                 "--format", "json", "csv", "markdown", "text", "xlsx", "-o", "--level", "error",
                                 "--summary-only", "--example", "--balance-shares", "/dev/null", "/nonexistent",
                                 "/tmp", "-", "--limit", "-1"]), min_size=1, max_size=6))
def test_the_reporting_commands_never_crash(argv):
    err = io.StringIO()
    with contextlib.redirect_stderr(err), tempfile.TemporaryDirectory() as tmp:
        # "-o" targets stay inside a temporary directory (never over a real file)
        argv = [str(Path(tmp) / "out") if a == "-" else a for a in argv]
        if "-o" in argv:
            i = argv.index("-o")
            argv = [*argv[: i + 1], str(Path(tmp) / "o.txt"), *argv[i + 2:]]
        status = main(argv, out=io.StringIO())
    assert status in (0, 1, 2), status
    assert "Traceback" not in err.getvalue()
