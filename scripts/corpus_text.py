#!/usr/bin/env python3
"""The corpus as text: every PDF of ``../shared/corpus`` as pdfplumber's ``extract_text`` gives
it (cells separated by single spaces, no ruling lines), read and checked, set beside the PDF.

Usage::

    uv run --extra pdf python scripts/corpus_text.py [CORPUS] [--only SUBSTRING ...] [--output FILE]

(``--output docs/corpus-text-report.txt`` keeps the last run in the repository.)

Text loses the cell grid, so less is read than from the PDF; what matters is that what is
read is not misread.  Per document, one line: the figures placed against those printed in the
text's tables, the tables recognised, the errors of the check of the text and of the PDF, and
the errors the text gives that the PDF does not ("new": each would be a misread turned into an
error).  A summary line comes last.  Exits non-zero only on a crash.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"


def _row(pdf: Path, corpus: Path, tmp: Path) -> tuple[str, dict[str, int]]:
    import pdfplumber

    from govbudget.readers import read
    from govbudget.reading import NotADisclosureError
    from govbudget.rules import check

    name = str(pdf.relative_to(corpus))
    t0 = time.perf_counter()
    try:
        with pdfplumber.open(pdf) as doc:
            text = "\n".join(page.extract_text() or "" for page in doc.pages)
        txt = tmp / (pdf.stem + ".txt")
        txt.write_text(text, encoding="utf-8")
        try:
            as_text = read(txt)
        except NotADisclosureError:
            return f"{name:40} refused  (not a disclosure)", {"refused": 1}
        text_errors = Counter(f.rule for f in check(as_text).errors)
        pdf_errors = Counter(f.rule for f in check(read(pdf)).errors)
    except NotADisclosureError:
        return f"{name:40} refused  (the PDF: not a disclosure)", {"refused": 1}
    except Exception as exc:  # the report must show a crash, not stop at it
        return f"{name:40} CRASH {type(exc).__name__}: {exc}", {"crash": 1}
    new = text_errors - pdf_errors
    cov = as_text.coverage
    cells, placed = (cov.numeric_cells, cov.cells_placed) if cov else (0, 0)
    printed, found = (cov.tables_printed, cov.tables_recognised) if cov else (0, 0)
    line = (f"{name:40} {as_text.family:7} tables {found:2}/{printed:<2} figures {placed:5}/{cells:<5} "
            f"E text {sum(text_errors.values()):3} pdf {sum(pdf_errors.values()):3} new {sum(new.values()):3}"
            f"{'  ' + ', '.join(sorted(new)) if new else ''}  {time.perf_counter() - t0:6.2f}s")
    return line, {"read": 1, "cells": cells, "placed": placed, "printed": printed, "found": found,
                  "new": sum(new.values()), "text_errors": sum(text_errors.values())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    parser.add_argument("--only", action="append", default=[], help="only documents whose path contains this")
    parser.add_argument("--output", "-o", help="also write the report to this file")
    args = parser.parse_args(argv)
    corpus = Path(args.corpus)
    pdfs = sorted(p for p in corpus.rglob("*.pdf") if "not-a-disclosure" not in p.parts)
    if args.only:
        pdfs = [p for p in pdfs if any(s in str(p) for s in args.only)]
    if not pdfs:
        print(f"no PDF under {corpus}", file=sys.stderr)
        return 2
    lines: list[str] = []
    total: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        for p in pdfs:
            line, st = _row(p, corpus, Path(tmp))
            print(line, flush=True)
            lines.append(line)
            total.update(st)
    summary = (f"SUMMARY {len(pdfs)} PDFs as text: read {total['read']}, refused {total['refused']}, "
               f"crashes {total['crash']}; tables {total['found']}/{total['printed']}; figures "
               f"{total['placed']}/{total['cells']} ({100 * total['placed'] / max(total['cells'], 1):.1f}%); "
               f"errors {total['text_errors']}, of which not in the PDF's check {total['new']}")
    print(summary)
    lines.append(summary)
    if args.output:
        Path(args.output).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 1 if total["crash"] else 0


if __name__ == "__main__":
    sys.exit(main())
