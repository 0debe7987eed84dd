"""Generated documentation stays in step with the package."""

from __future__ import annotations

from scripts import gen_docs


def test_generated_docs_are_current():
    assert gen_docs.main(["--check"]) == 0
