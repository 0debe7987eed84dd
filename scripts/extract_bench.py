"""Time govbudget's PDF extraction against pdfplumber's own extraction of the same files.

For every PDF under the corpus folder (default ``../shared/corpus``): the time of
``govbudget.extract.extract`` against that of pdfplumber's ``page.extract_tables()`` plus
``page.extract_text()`` on every page, best of ``--repeat`` runs each (interleaved, so both meet
the same machine load), and what was extracted.  Times are CPU seconds of this process
(``time.process_time``): on a shared machine wall-clock times swing with the other load.
One line per file, a summary line last.

    uv run --extra pdf python scripts/extract_bench.py [CORPUS] [--repeat N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def _plumber(path: Path) -> float:
    import pdfplumber

    start = time.process_time()
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_tables()
            page.extract_text()
            page.close()
    return time.process_time() - start


def _ours(path: Path) -> tuple[float, object]:
    from govbudget.extract import extract

    start = time.process_time()
    doc = extract(path)
    return time.process_time() - start, doc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default="../shared/corpus")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    files = sorted(Path(args.corpus).rglob("*.pdf"))
    # import both sides before timing: the first file must not pay for loading pdfminer
    import pdfplumber  # noqa: F401

    import govbudget.extract.pdf  # noqa: F401

    if not files:
        print(f"no PDF under {args.corpus}", file=sys.stderr)
        return 2
    total_ours = total_plumber = 0.0
    ratios: list[float] = []
    print("file\tpages\ttables\tjoined\tlines\tstatus\tours_s\tpdfplumber_s\tratio")
    for path in files:
        ours = plumber = float("inf")
        doc = None
        for run in range(args.repeat):
            # alternate which side goes first, so neither always meets a warm file cache
            if run % 2:
                plumber = min(plumber, _plumber(path))
                t, doc = _ours(path)
            else:
                t, doc = _ours(path)
                plumber = min(plumber, _plumber(path))
            ours = min(ours, t)
        total_ours += ours
        total_plumber += plumber
        ratios.append(ours / plumber)
        tables = doc.tables  # type: ignore[attr-defined]
        joined = sum(1 for t in tables if len(t.pages) > 1)
        print(
            f"{path.relative_to(args.corpus)}\t{len(doc.pages)}\t{len(tables)}\t{joined}\t"  # type: ignore[attr-defined]
            f"{len(doc.lines)}\t{doc.status}\t{ours:.2f}\t{plumber:.2f}\t{ours / plumber:.2f}",  # type: ignore[attr-defined]
            flush=True,
        )
    ratios.sort()
    median = ratios[len(ratios) // 2]
    print(
        f"TOTAL {len(files)} files: ours {total_ours:.1f} s, pdfplumber {total_plumber:.1f} s, "
        f"ratio of totals {total_ours / total_plumber:.2f}, median per file {median:.2f}, "
        f"worst {ratios[-1]:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
