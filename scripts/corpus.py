#!/usr/bin/env python3
"""The corpus report: read every document of ``../shared/corpus`` and say how much was read.

Usage::

    uv run --extra pdf python scripts/corpus.py [CORPUS] [--only SUBSTRING ...] [--output FILE]

(``--output docs/corpus-report.txt`` keeps the last run in the repository.)

Per document, one line: the family recognised (决算 ``final`` / 预算 ``budget``, or ``refused``
when the document is no disclosure); the tables recognised against the tables it prints; the
money figures placed in a recognised table against those printed in its table grids; the
figures read from its 情况说明 ("text"); the
reader findings (cells, rows, tables not placed); the errors, warnings and infos of the
check; the seconds taken (extraction, recognition and checking).  A summary line comes last,
with the targets of issue #12 and the seconds per PDF read (median, 90th percentile, max: the
figures to set beside another checker's seconds per report), wall and CPU (the CPU seconds of
this process move less with the other load of a shared machine).

The figures are the reader's own counts (:class:`govbudget.published.Coverage`): "printed"
counts every grid of the document that holds money figures (after the extractor's joining of
tables across pages), "figures" every cell of those grids that reads as an amount with
decimals or thousands separators.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"


def _row(path: Path, corpus: Path) -> tuple[str, dict[str, object]]:
    from govbudget.errors import GovBudgetError
    from govbudget.extract import extract
    from govbudget.readers import read
    from govbudget.reading import NotADisclosureError, published_from_pages
    from govbudget.recognize import pages_of
    from govbudget.rules import check

    name = str(path.relative_to(corpus))
    t0 = time.perf_counter()
    c0 = time.process_time()
    extracted = 0.0
    try:
        if path.suffix.lower() in (".pdf", ".html", ".htm", ".xlsx"):
            doc = extract(path)
            extracted = time.perf_counter() - t0
            published = published_from_pages(pages_of(doc), source=str(path))
        else:
            published = read(path)
        report = check(published)
    except NotADisclosureError as exc:
        secs = time.perf_counter() - t0
        return f"{name:40} refused  (not a disclosure) {secs:6.2f}s  {str(exc).split(':', 1)[-1][:60].strip()}", {
            "refused": True, "secs": secs}
    except GovBudgetError as exc:
        secs = time.perf_counter() - t0
        return f"{name:40} unreadable {exc}", {"unreadable": True, "secs": secs}
    except Exception as exc:  # the report must show a crash, not stop at it
        secs = time.perf_counter() - t0
        return f"{name:40} CRASH {type(exc).__name__}: {exc}", {"crash": True, "secs": secs}
    secs = time.perf_counter() - t0
    cpu = time.process_time() - c0
    cov = published.coverage
    printed = cov.tables_printed if cov else len(published.tables)
    found = cov.tables_recognised if cov else len(published.tables)
    cells = cov.numeric_cells if cov else 0
    placed = cov.cells_placed if cov else 0
    reader = [f for f in report.findings if f.rule.startswith("reader.") and f.severity.value != "info"]
    rules = [f for f in report.findings if not f.rule.startswith("reader.")]
    e = sum(1 for f in rules if f.severity.value == "error")
    w = sum(1 for f in rules if f.severity.value == "warning")
    i = sum(1 for f in rules if f.severity.value == "info")
    pct = f"{100 * placed / cells:5.1f}%" if cells else "  -  "
    text = len(published.narrative.figures) if published.narrative is not None else 0
    line = (f"{name:40} {published.family or '?':7} tables {found:2}/{printed:<2} figures {placed:5}/{cells:<5} {pct} "
            f"text {text:3} reader {len(reader):3}  E {e:3} W {w:3} I {i:4}  {secs:6.2f}s (extract {extracted:5.2f}s)")
    return line, {"family": published.family, "printed": printed, "found": found, "cells": cells, "placed": placed,
                  "text": text,
                  "reader": len(reader), "errors": e, "warnings": w, "infos": i, "secs": secs, "cpu": cpu,
                  "extract": extracted,
                  "expected_refusal": "not-a-disclosure" in name}


def _quantile(ordered: list[float], q: float) -> float:
    """The ``q``-quantile of sorted values by nearest rank (the median of an even count is
    the mean of the middle two)."""
    if q == 0.5 and len(ordered) % 2 == 0:
        return (ordered[len(ordered) // 2 - 1] + ordered[len(ordered) // 2]) / 2
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    parser.add_argument("--only", action="append", default=[], help="only documents whose path contains this")
    parser.add_argument("--output", "-o", help="also write the report to this file")
    args = parser.parse_args(argv)
    corpus = Path(args.corpus)
    paths = sorted(p for p in corpus.rglob("*") if p.suffix.lower() in (".pdf", ".html", ".htm", ".xlsx"))
    if args.only:
        paths = [p for p in paths if any(s in str(p) for s in args.only)]
    if not paths:
        print(f"no document under {corpus}", file=sys.stderr)
        return 2
    lines: list[str] = []
    stats: list[dict[str, object]] = []
    for p in paths:
        line, st = _row(p, corpus)
        print(line, flush=True)
        lines.append(line)
        stats.append(st)
    read = [s for s in stats if "family" in s]
    refused_ok = sum(1 for s, p in zip(stats, paths, strict=False) if s.get("refused") and "not-a-disclosure" in str(p))
    refused_bad = sum(1 for s, p in zip(stats, paths, strict=False) if s.get("refused") and "not-a-disclosure" not in str(p))
    should_refuse = sum(1 for p in paths if "not-a-disclosure" in str(p))
    accepted_bad = sum(1 for s in read if s["expected_refusal"])
    printed = sum(int(s["printed"]) for s in read)  # type: ignore[call-overload]
    found = sum(int(s["found"]) for s in read)  # type: ignore[call-overload]
    cells = sum(int(s["cells"]) for s in read)  # type: ignore[call-overload]
    placed = sum(int(s["placed"]) for s in read)  # type: ignore[call-overload]
    errors = sum(int(s["errors"]) for s in read)  # type: ignore[call-overload]
    text_figures = sum(int(s["text"]) for s in read)  # type: ignore[call-overload]
    crashes = sum(1 for s in stats if s.get("crash"))
    unreadable = sum(1 for s in stats if s.get("unreadable"))
    secs = sum(float(s["secs"]) for s in stats)  # type: ignore[arg-type]
    extract_secs = sum(float(s.get("extract", 0.0)) for s in read)  # type: ignore[arg-type]
    read_secs = sum(float(s["secs"]) for s in read)  # type: ignore[arg-type]
    families = {f: sum(1 for s in read if s["family"] == f) for f in ("final", "budget", None)}
    pdfs = [s for s, p in zip(stats, paths, strict=True) if "family" in s and p.suffix.lower() == ".pdf"]
    per_pdf = sorted(float(s["secs"]) for s in pdfs)  # type: ignore[arg-type]
    cpu_pdf = sorted(float(s["cpu"]) for s in pdfs)  # type: ignore[arg-type]
    summary = (
        f"SUMMARY {len(paths)} documents: read {len(read)} (final {families['final']}, budget {families['budget']}, "
        f"family unknown {families[None]}); refused {refused_ok}/{should_refuse} non-disclosures"
        f"{f', {refused_bad} other documents refused' if refused_bad else ''}"
        f"{f', {accepted_bad} non-disclosures read' if accepted_bad else ''}; unreadable {unreadable}; "
        f"crashes {crashes}; tables {found}/{printed} ({100 * found / max(printed, 1):.1f}%); "
        f"figures {placed}/{cells} ({100 * placed / max(cells, 1):.2f}%); text figures {text_figures}; "
        f"errors {errors} ({errors / max(len(read), 1):.2f} per document read); {secs:.1f}s "
        f"(documents read: {read_secs:.1f}s, of which extraction {extract_secs:.1f}s)"
        + (f"; per PDF read: median {_quantile(per_pdf, 0.5):.2f}s, p90 {_quantile(per_pdf, 0.9):.2f}s, "
           f"max {per_pdf[-1]:.2f}s (CPU median {_quantile(cpu_pdf, 0.5):.2f}s, p90 {_quantile(cpu_pdf, 0.9):.2f}s, "
           f"max {cpu_pdf[-1]:.2f}s)" if per_pdf else "")
    )
    print(summary)
    lines.append(summary)
    if args.output:
        Path(args.output).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
