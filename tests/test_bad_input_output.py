"""Issue #13, "data loss" and the unwritable outputs: never write over an input, write
atomically, and report a missing directory, a directory or a full disk clearly (exit 2)."""

from __future__ import annotations

import contextlib
import errno
import io
import os

import pytest

from govbudget.cli import main
from govbudget.errors import OutputError
from govbudget.io import dump_ledger, example_ledger, ledger_to_json
from govbudget.safeio import atomic_write_text


def _cli(*argv):
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        status = main(list(argv), out=io.StringIO())
    return status, err.getvalue()


@pytest.fixture
def good(tmp_path):
    p = tmp_path / "good.json"
    p.write_text(ledger_to_json(example_ledger()), encoding="utf-8")
    return p


@pytest.mark.parametrize("command", ["report", "narrative"])
def test_output_over_the_input_is_refused(tmp_path, good, command):
    before = good.read_bytes()
    for target in (str(good), str(tmp_path / "." / "good.json")):
        status, err = _cli(command, str(good), "-o", target)
        assert status == 2 and "refusing to overwrite" in err
        assert good.read_bytes() == before


def test_output_over_the_input_through_a_link_is_refused(tmp_path, good):
    link = tmp_path / "link.json"
    link.symlink_to(good)
    before = good.read_bytes()
    assert _cli("report", str(good), "-o", str(link))[0] == 2
    assert good.read_bytes() == before


def test_output_into_a_missing_directory_or_onto_a_directory(tmp_path, good):
    status, err = _cli("report", str(good), "-o", str(tmp_path / "no" / "such" / "r.txt"))
    assert status == 2 and "does not exist" in err
    status, err = _cli("report", str(good), "-o", str(tmp_path))
    assert status == 2 and "is a directory" in err
    assert "Traceback" not in err


def test_a_full_disk_is_reported_and_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "report.txt"
    target.write_text("old", encoding="utf-8")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("govbudget.safeio.os.fsync", full)
    with pytest.raises(OutputError, match="no space left"):
        atomic_write_text(target, "new report")
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.txt"]  # no temporary file left
    status, err = _cli("report", "-o", str(target))
    assert status == 2 and "磁盘已满" in err


def test_writing_to_dev_full_is_a_clear_error():
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    # A device is written in place, never replaced by a renamed temporary file.
    status, err = _cli("report", "-o", "/dev/full")
    assert status == 2 and "磁盘已满" in err
    assert not os.path.isfile("/dev/full")


def test_atomic_write_replaces_and_keeps_permissions(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    atomic_write_text(target, "新的")
    assert target.read_text(encoding="utf-8") == "新的"
    assert target.stat().st_mode & 0o777 == 0o640
    dump_ledger(example_ledger(), tmp_path / "l.json")
    assert (tmp_path / "l.json").read_text(encoding="utf-8") == ledger_to_json(example_ledger())
