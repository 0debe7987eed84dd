"""Crash classes found by the fuzz harness (tests/test_fuzz.py), each kept as a regression test:
the input that crashed, rebuilt by hand, now gives a GovBudgetError naming the file (exit 2
from the CLI, no traceback)."""

from __future__ import annotations

import contextlib
import io
import re
import zipfile

import pytest

from govbudget.cli import main
from govbudget.errors import FormatError, GovBudgetError
from govbudget.io import example_ledger, load_ledger
from govbudget.readers import read

openpyxl = pytest.importorskip("openpyxl")


def _cli(*argv):
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        status = main(list(argv), out=io.StringIO())
    return status, err.getvalue()


@pytest.fixture(scope="module")
def workbook_bytes(tmp_path_factory):
    from govbudget import workbook

    p = tmp_path_factory.mktemp("wb") / "ledger.xlsx"
    workbook.write_ledger(example_ledger(), p)
    return p.read_bytes()


def _rezip(data: bytes, edit) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info.filename, edit(info.filename, src.read(info)))
    return out.getvalue()


def _style_out_of_range(name: str, body: bytes) -> bytes:
    # openpyxl: IndexError (list index out of range) binding the cell's style
    if name.startswith("xl/worksheets/sheet"):
        return re.sub(rb'<c r="A1"( s="\d+")?', b'<c r="A1" s="9999"', body, count=1)
    return body


def _corrupt_deflate(data: bytes) -> bytes:
    # zlib.error (invalid stored block lengths …) inflating a member: its compressed bytes
    # overwritten, the archive's directory intact
    z = zipfile.ZipFile(io.BytesIO(data))
    info = next(i for i in z.infolist() if i.filename.startswith("xl/worksheets/sheet") and i.compress_size > 64)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    buf = bytearray(data)
    buf[start:start + 16] = b"\xff" * 16
    return bytes(buf)


def test_a_bad_style_index_does_not_touch_the_figures(tmp_path, workbook_bytes):
    """Workbooks are streamed read-only, where a cell's style is never bound: a style index out
    of range (an IndexError in openpyxl's full load) leaves the ledger exactly as written."""
    p = tmp_path / "styled.xlsx"
    p.write_bytes(_rezip(workbook_bytes, _style_out_of_range))
    assert load_ledger(p) == example_ledger()


@pytest.mark.parametrize("breakage", ["deflate"])
def test_a_corrupt_ledger_workbook_is_a_format_error(tmp_path, workbook_bytes, breakage):
    data = _corrupt_deflate(workbook_bytes)
    p = tmp_path / "broken.xlsx"
    p.write_bytes(data)
    with pytest.raises(FormatError, match=r"broken\.xlsx: not an Excel \.xlsx workbook"):
        load_ledger(p)
    with pytest.raises(GovBudgetError, match=r"broken\.xlsx"):
        read(p)  # not a ledger workbook then: read as a document, and refused as one
    for command in ("validate", "report", "check"):
        status, err = _cli(command, str(p))
        assert status == 2 and "Traceback" not in err and "broken.xlsx" in err, (command, err)
