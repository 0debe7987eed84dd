#!/usr/bin/env python3
"""Extract the text of the example's budget document (corpus guangzhou-13.pdf) with pdfplumber,
one page after another (separated by form feeds), into the package data file that
``govbudget check --example budget`` reads.  Nothing is edited by hand.

    uv run --with pdfplumber python examples/guangzhou-xinfang-2026-budget/extract_text.py
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber  # type: ignore[import-not-found]

HERE = Path(__file__).resolve().parent
PDF = HERE.parent.parent.parent / "shared" / "corpus" / "budget-2026" / "guangzhou-13.pdf"
OUT = HERE.parent.parent / "src" / "govbudget" / "examples" / "guangzhou-xinfang-2026-budget-published.txt"


def main() -> None:
    with pdfplumber.open(PDF) as pdf:
        pages = [page.extract_text() or "" for page in pdf.pages]
    OUT.write_text("\f\n".join(pages) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(pages)} pages)")


if __name__ == "__main__":
    main()
