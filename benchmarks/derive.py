#!/usr/bin/env python3
"""First benchmark: cold import + first lookup, lookups per second, and deriving the nine
tables from N synthetic ledger lines (codes from the real catalog, skewed; amounts from
integer fen).  Prints medians over several runs.

    uv run python benchmarks/derive.py [--lines 100000] [--runs 3]

(The pandas comparison and the streamed 10^7-line memory test of issue 6 are not here yet.)
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from decimal import Decimal

import govbudget as gb
from govbudget.ledger import ExpenditureLine, IncomeLine, IncomeSource, Nature
from govbudget.tables import derive_stream


def synthetic_lines(n: int, seed: int = 1):
    rnd = random.Random(seed)
    functions = [s.code for s in gb.catalog("functional", 2024) if len(s.code) == 7]
    economics = [s.code for s in gb.catalog("economic-department", 2024) if len(s.code) == 5]
    hot = functions[:20]  # a few 项 carry most lines
    fiscal = [IncomeSource.GENERAL_PUBLIC_BUDGET, IncomeSource.GOVERNMENT_FUND, IncomeSource.STATE_CAPITAL]
    sources = list(IncomeSource)
    for i in range(n):
        f = rnd.choice(hot) if rnd.random() < 0.8 else rnd.choice(functions)
        amount = Decimal(rnd.randrange(1, 10**9)).scaleb(-2)
        if i % 4 == 0:
            yield IncomeLine(rnd.choice(sources), f, amount)
        else:
            s = rnd.choice(sources)
            natures = [Nature.BASIC, Nature.PROJECT] if s in fiscal else list(Nature)
            yield ExpenditureLine(f, rnd.choice(economics), rnd.choice(natures), s, amount)


def cold_import_ms() -> float:
    code = ("import time; t=time.perf_counter(); import govbudget as g; "
            "g.catalog('functional', 2024)['2010301']; print((time.perf_counter()-t)*1000)")
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--lines", type=int, default=100_000)
    p.add_argument("--runs", type=int, default=3)
    a = p.parse_args()
    imports = [cold_import_ms() for _ in range(max(a.runs, 3))]
    print(f"import govbudget + first lookup (cold process): median {statistics.median(imports):.1f} ms")
    cat = gb.catalog("functional", 2024)
    codes = [s.code for s in cat]
    t = time.perf_counter()
    for c in codes * 20:
        cat.get(c)
    dt = time.perf_counter() - t
    print(f"catalog.get: {len(codes) * 20 / dt:,.0f} lookups/s")
    lines = list(synthetic_lines(a.lines))
    times = []
    for _ in range(a.runs):
        t = time.perf_counter()
        derive_stream("bench", 2023, 2024, iter(lines))
        times.append(time.perf_counter() - t)
    print(f"derive nine tables from {a.lines:,} lines: median {statistics.median(times):.3f} s "
          f"({a.lines / statistics.median(times):,.0f} lines/s)")


if __name__ == "__main__":
    main()
