#!/usr/bin/env python3
"""Deriving the small example (the seed's ledger, 三门峡 2023) many times: the cost of laying
the nine tables out by their spec when the ledger is small (per-derivation overhead).

    uv run python benchmarks/derive_small.py                 # median ms per derive, 5 rounds
    uv run python benchmarks/derive_small.py --rounds 9 --n 500

Prints the median of each round (the VM drifts; compare runs made side by side).  Nothing
asserts a time.
"""

from __future__ import annotations

import argparse
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--n", type=int, default=200, help="derivations per round")
    args = parser.parse_args()

    from govbudget.io import example_ledger
    from govbudget.tables import derive

    ledger = example_ledger()
    derive(ledger)  # catalogs, specs and caches loaded once, as in a long-running process
    medians = []
    for _ in range(args.rounds):
        times = []
        for _ in range(args.n):
            start = time.perf_counter()
            derive(ledger)
            times.append(time.perf_counter() - start)
        medians.append(statistics.median(times) * 1000)
    print("derive(example_ledger()) median ms per round:", " ".join(f"{m:.3f}" for m in medians))


if __name__ == "__main__":
    main()
