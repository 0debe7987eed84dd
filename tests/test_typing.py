"""The typed public API: mypy sees ``gb.derive``, ``gb.check``, ``gb.read`` … with their real
signatures (no ``Any`` through the lazy ``__getattr__``), and a misspelt name is an error."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

api = pytest.importorskip("mypy.api")

CHECKED = Path(__file__).parent / "typing" / "check_api.py"


def _expected() -> tuple[dict[int, str], dict[int, str]]:
    revealed, errors = {}, {}
    for no, line in enumerate(CHECKED.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("reveal_type(") and (m := re.search(r"# R: (.+)$", line)):
            revealed[no] = m.group(1).strip()
        elif not line.startswith(" ") and (m := re.search(r"# E: ([\w-]+)$", line)):
            errors[no] = m.group(1)
    return revealed, errors


def test_public_api_types():
    stdout, stderr, _ = api.run(["--strict", "--no-error-summary", "--hide-error-context",
                                 "--show-error-codes", str(CHECKED)])
    assert not stderr
    revealed, errors = _expected()
    assert len(revealed) >= 10 and len(errors) == 3
    got_revealed, got_errors = {}, {}
    for line in stdout.splitlines():
        if m := re.match(r".*check_api\.py:(\d+): note: Revealed type is \"(.*)\"$", line):
            got_revealed[int(m.group(1))] = m.group(2)
        elif m := re.match(r".*check_api\.py:(\d+): error: .*\[([\w-]+)\]$", line):
            got_errors[int(m.group(1))] = m.group(2)
    assert got_revealed == revealed
    assert got_errors == errors
