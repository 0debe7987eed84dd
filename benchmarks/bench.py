#!/usr/bin/env python3
"""govbudget benchmarks, measured side by side with pandas.

    uv run --group bench python benchmarks/bench.py            # the full run (10^4 … 10^6, 10^7 streamed)
    uv run --group bench python benchmarks/bench.py --smoke    # CI: 10^4 lines, checks agreement only

What it measures (medians over ``--runs`` runs; see docs/performance.md for the figures):

1. ``import govbudget`` plus the first subject lookup, in a fresh process, with and without
   compiled bytecode;
2. catalog look-ups per second;
3. deriving the nine tables from N synthetic ledger lines (codes sampled from the real
   catalog with a realistic skew, every source and nature, amounts from integer fen), and in
   the same run the same totals (every one the tables show) computed with pandas, (a)
   groupby over ``Decimal`` objects, (b) groupby over int64 fen with categorical keys; the
   three must agree exactly, cell by cell; the variants run in turn, and the leaf
   groupings alone are timed too;
4. checking disclosures per second (the seed's published text; a derived one, printed);
5. peak memory (RSS) of deriving from N lines streamed from a CSV file, in a fresh process.

No float touches an amount anywhere: pandas (b) sums integer fen.
"""

from __future__ import annotations

import argparse
import csv
import gc
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import govbudget as gb
from govbudget.ledger import ExpenditureLine, IncomeLine, IncomeSource, Nature
from govbudget.tables import Disclosure, derive_stream

FISCAL = (IncomeSource.GENERAL_PUBLIC_BUDGET, IncomeSource.GOVERNMENT_FUND, IncomeSource.STATE_CAPITAL)
T02_COLUMN = {IncomeSource.GENERAL_PUBLIC_BUDGET: "fiscal", IncomeSource.GOVERNMENT_FUND: "fiscal",
              IncomeSource.STATE_CAPITAL: "fiscal", IncomeSource.SUPERIOR_SUBSIDY: "superior_subsidy",
              IncomeSource.BUSINESS: "business", IncomeSource.OPERATING: "operating",
              IncomeSource.AFFILIATES: "affiliates", IncomeSource.OTHER: "other"}
T03_COLUMN = {Nature.BASIC: "basic", Nature.PROJECT: "project", Nature.REMIT_TO_SUPERIOR: "remit_to_superior",
              Nature.OPERATING: "operating", Nature.SUBSIDY_TO_AFFILIATES: "subsidy_to_affiliates"}


# -- synthetic ledgers ----------------------------------------------------------------------------
def synthetic_rows(n: int, seed: int = 1, uniform: bool = False) -> Iterator[tuple[str, str, str, str, str, int]]:
    """(kind, source, function, economic, nature, fen) rows: one in four is income; codes
    sampled from the 2024 catalog with a realistic skew: 80 % of lines on 20 “hot” 项, the
    经济分类 款 by a Zipf law (weight 1/rank: 工资, 办公费 … dominate), 60 % of lines funded by
    一般公共预算, the rest spread over the other seven sources; every source and nature occurs.
    ``uniform`` draws 款 and sources uniformly instead (many more distinct keys)."""
    rnd = random.Random(seed)
    functions = [s.code for s in gb.catalog("functional", 2024) if len(s.code) == 7]
    economics = [s.code for s in gb.catalog("economic-department", 2024) if len(s.code) == 5]
    hot = rnd.sample(functions, 20)
    sources = list(IncomeSource)
    eco_weights = None if uniform else [1 / (r + 1) for r in range(len(economics))]
    src_weights = None if uniform else [0.6] + [0.4 / 7] * 7
    for i in range(n):
        f = rnd.choice(hot) if rnd.random() < 0.8 else rnd.choice(functions)
        fen = rnd.randrange(1, 10**9)
        s = rnd.choices(sources, src_weights)[0]
        if i % 4 == 0:
            yield "income", s.value, f, "", "", fen
        else:
            natures = (Nature.BASIC, Nature.PROJECT) if s in FISCAL else tuple(Nature)
            e = rnd.choices(economics, eco_weights)[0]
            yield "expenditure", s.value, f, e, rnd.choice(natures).value, fen


def to_lines(rows: list[tuple[str, str, str, str, str, int]]) -> list[IncomeLine | ExpenditureLine]:
    src = {s.value: s for s in IncomeSource}
    nat = {n.value: n for n in Nature}
    out: list[IncomeLine | ExpenditureLine] = []
    for kind, s, f, e, n, fen in rows:
        amount = Decimal(fen).scaleb(-2)
        out.append(IncomeLine(src[s], f, amount) if kind == "income" else ExpenditureLine(f, e, nat[n], src[s], amount))
    return out


def write_csv(path: Path, n: int) -> None:
    """A ledger CSV of n lines, written as generated (never held in memory)."""
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("# department: 基准部门\n# fiscal_year: 2023\n# edition: 2024\n")
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["kind", "unit", "source", "function", "economic", "nature", "amount"])
        for kind, s, fn, e, nat, fen in synthetic_rows(n):
            w.writerow([kind, "", s, fn, e, nat, f"{fen // 100}.{fen % 100:02d}"])


# -- the three ways of computing the totals ----------------------------------------------------------
def govbudget_totals(lines: list[IncomeLine | ExpenditureLine]) -> Disclosure:
    return derive_stream("基准部门", 2023, 2024, iter(lines))


def pandas_frames(rows: list[tuple[str, str, str, str, str, int]]) -> tuple[object, object, object, object]:
    """The frames an analyst would build: naive (object keys, Decimal amounts) and expert
    (categorical keys, int64 fen), for expenditure and income."""
    import pandas as pd

    exp = [r for r in rows if r[0] == "expenditure"]
    inc = [r for r in rows if r[0] == "income"]
    cols = ["kind", "source", "function", "economic", "nature", "fen"]
    e = pd.DataFrame(exp, columns=cols)
    i = pd.DataFrame(inc, columns=cols)
    naive_e = e[["source", "function", "economic", "nature"]].copy()
    naive_e["amount"] = [Decimal(v).scaleb(-2) for v in e["fen"]]
    naive_i = i[["source", "function"]].copy()
    naive_i["amount"] = [Decimal(v).scaleb(-2) for v in i["fen"]]
    expert_e = e[["source", "function", "economic", "nature"]].astype("category")
    expert_e["fen"] = e["fen"].astype("int64")
    expert_i = i[["source", "function"]].astype("category")
    expert_i["fen"] = i["fen"].astype("int64")
    return naive_e, naive_i, expert_e, expert_i


def pandas_groupings(e: object, i: object, amount: str) -> dict[str, object]:
    """The leaf totals of the tables: 公开03 (项 × 性质), 公开05 (项 × 基本/项目, GPB),
    公开06 (款, GPB 基本), 公开02 (项 × 来源)."""
    gpb = IncomeSource.GENERAL_PUBLIC_BUDGET.value
    kw = {"observed": True} if amount == "fen" else {}
    out = {
        "t03": e.groupby(["function", "nature"], sort=False, **kw)[amount].sum(),  # type: ignore[attr-defined]
        "t05": e[e["source"] == gpb].groupby(["function", "nature"], sort=False, **kw)[amount].sum(),  # type: ignore[index]
        "t06": e[(e["source"] == gpb) & (e["nature"] == Nature.BASIC.value)]  # type: ignore[index]
        .groupby("economic", sort=False, **kw)[amount].sum(),
        "t02": i.groupby(["function", "source"], sort=False, **kw)[amount].sum(),  # type: ignore[attr-defined]
    }
    return out


INCOME_ROW = {s.value: k for s, k in zip(IncomeSource, ("general_public_budget", "government_fund", "state_capital",
                                                         "superior_subsidy", "business", "operating", "affiliates",
                                                         "other"), strict=True)}


def pandas_tables(e: Any, i: Any, amount: str) -> dict[str, Any]:
    """Every total the nine tables show, as an expert would compute them with pandas: one
    grouping of the spending by (项, 性质, 来源), one of the income by (项, 来源), one of the
    一般公共预算 基本支出 by 款; then, from those small results, the columns of each table and
    the 款/类/合计 roll-ups (公开02/03/05/07/08), 公开06's 类, 公开01's income by source and
    spending by 类, 公开04's 财政拨款 spending by 类 and fund.  Each result is a frame indexed by
    the library's row keys, with its column keys."""
    import pandas as pd

    kw: dict[str, Any] = {"observed": True} if amount == "fen" else {}
    gpb, gf, sc = (s.value for s in FISCAL)
    basic, project = Nature.BASIC.value, Nature.PROJECT.value

    def as_str(series: Any) -> Any:
        index = series.index
        series.index = pd.MultiIndex.from_arrays(
            [index.get_level_values(k).astype(str) for k in range(index.nlevels)], names=index.names)
        return series

    spent = as_str(e.groupby(["function", "nature", "source"], sort=False, **kw)[amount].sum())
    received = as_str(i.groupby(["function", "source"], sort=False, **kw)[amount].sum())
    t06 = e[(e["source"] == gpb) & (e["nature"] == basic)].groupby("economic", sort=False, **kw)[amount].sum()

    def wide(series: Any, by: str, columns: dict[str, str]) -> Any:
        """项 × ``by`` sums, columns renamed (and merged) by ``columns``."""
        g = series.groupby(level=["function", by], sort=False).sum().unstack(by, fill_value=0)
        g.columns = [columns[c] for c in g.columns]
        g = g.T.groupby(level=0, sort=False).sum().T  # merges the columns mapped to one key
        return g.reindex(columns=list(dict.fromkeys(columns.values())), fill_value=0)

    def roll_up(leaves: Any, total: bool = True) -> Any:
        """Leaves plus their 款, 类 and 合计 rows; a first column ``total`` if asked."""
        if total:
            leaves.insert(0, "total", leaves.sum(axis=1))
        codes = leaves.index.to_series()
        parts = [leaves, leaves.groupby(codes.str[:5].values).sum(), leaves.groupby(codes.str[:3].values).sum(),
                 leaves.sum().to_frame("total").T]
        return pd.concat(parts)

    def fund(series: Any, source: str) -> Any:
        return series[series.index.get_level_values("source") == source]

    two = {basic: "basic", project: "project"}
    out: dict[str, Any] = {"t03": roll_up(wide(spent, "nature", {n.value: T03_COLUMN[n] for n in Nature}))}
    out["t05"] = roll_up(wide(fund(spent, gpb), "nature", two))
    out["t08"] = roll_up(wide(fund(spent, sc), "nature", two))
    gf_spent = wide(fund(spent, gf), "nature", two)
    gf_spent.insert(0, "expenditure", gf_spent.sum(axis=1))
    t07 = wide(fund(received, gf), "source", {gf: "income"}).join(gf_spent, how="outer").fillna(0)
    t07.insert(0, "opening", 0)
    t07["closing"] = t07["opening"] + t07["income"] - t07["expenditure"]
    out["t07"] = roll_up(t07, total=False)
    out["t02"] = roll_up(wide(received, "source", {s.value: T02_COLUMN[s] for s in IncomeSource}))
    t06.index = t06.index.astype(str)
    out["t06"] = pd.concat([t06, t06.groupby(t06.index.str[:3].values).sum()]).to_frame("amount")
    by_source = received.groupby(level="source", sort=False).sum()
    classes = out["t03"].loc[[c for c in out["t03"].index if len(c) == 3], ["total"]]
    t01 = pd.concat([pd.DataFrame({"amount": by_source.values}, index=[INCOME_ROW[s] for s in by_source.index]),
                     classes.rename(columns={"total": "amount"})])
    t01.loc["income_total"] = by_source.sum()
    t01.loc["expenditure_total"] = classes["total"].sum()
    out["t01"] = t01
    fiscal = spent[spent.index.get_level_values("source").isin([gpb, gf, sc])]
    fiscal = wide(fiscal, "source", {gpb: "general_public_budget", gf: "government_fund", sc: "state_capital"})
    fiscal.insert(0, "total", fiscal.sum(axis=1))
    t04 = fiscal.groupby(fiscal.index.str[:3].values).sum()
    t04.loc["expenditure_total"] = t04.sum()
    out["t04"] = t04
    return out


def agree_all(d: Disclosure, tables: dict[str, Any], fen: bool) -> int:
    """Compare every total pandas computed with the derived table's cell; the number compared."""
    compared = 0
    for table_id, frame in tables.items():
        table = d.table(table_id)
        for row, values in frame.iterrows():
            for column, v in values.items():
                # (a Decimal, or an integer: fen, or a 0 filled in by pandas)
                expected = v if isinstance(v, Decimal) else Decimal(int(v)).scaleb(-2 if fen else 0)
                got = table.cell(str(row), column)
                assert got == expected, (table_id, row, column, got, expected)
                compared += 1
    return compared


def agree(d: Disclosure, groups: dict[str, object], fen: bool) -> int:
    """Compare pandas' groups with the derived cells; return the number of cells compared."""
    def value(v: object) -> Decimal:
        return Decimal(int(v)).scaleb(-2) if fen else v  # type: ignore[return-value, call-overload]

    nat = {n.value: T03_COLUMN[n] for n in Nature}
    compared = 0
    t02: dict[tuple[str, str], Decimal] = {}
    for (function, source), v in groups["t02"].items():  # type: ignore[attr-defined]
        key = (function, T02_COLUMN[IncomeSource(source)])
        t02[key] = t02.get(key, Decimal(0)) + value(v)
    for (function, col), v in t02.items():
        assert d.table("02").cell(function, col) == v, ("t02", function, col)
        compared += 1
    for (function, nature), v in groups["t03"].items():  # type: ignore[attr-defined]
        assert d.table("03").cell(function, nat[nature]) == value(v), ("t03", function, nature)
        compared += 1
    for (function, nature), v in groups["t05"].items():  # type: ignore[attr-defined]
        assert d.table("05").cell(function, nat[nature]) == value(v), ("t05", function, nature)
        compared += 1
    for economic, v in groups["t06"].items():  # type: ignore[attr-defined]
        assert d.table("06").cell(economic, "amount") == value(v), ("t06", economic)
        compared += 1
    return compared


# -- measuring -------------------------------------------------------------------------------------------
def median_time(fn: Callable[[], object], runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def interleaved(*variants: Callable[[], object], runs: int) -> list[tuple[float, object, float]]:
    """Run the variants in turn, ``runs`` times; for each, (median time, result, median of
    the per-run ratios of the first variant's time to this one's).  Interleaving and taking
    the ratio within a run keep a machine whose speed drifts (a shared 2-core VM) from
    favouring one variant."""
    times: list[list[float]] = [[] for _ in variants]
    results: list[object] = [None] * len(variants)
    for _ in range(runs):
        for k, fn in enumerate(variants):
            t = time.perf_counter()
            results[k] = fn()
            times[k].append(time.perf_counter() - t)
    return [(statistics.median(t), r, statistics.median(a / b for a, b in zip(times[0], t, strict=True)))
            for t, r in zip(times, results, strict=True)]


def reference_ms() -> float:
    """A fixed pure-Python workload, in ms (best of 5): the same machine type can run at
    very different speeds on different days (a shared VM), and absolute figures are only
    comparable between runs with similar references."""
    import timeit

    return min(timeit.repeat("sum(range(10**6))", number=10, repeat=5)) / 10 * 1000


def cold_import_ms(runs: int, what: str = "govbudget") -> float:
    """Median time of ``import govbudget`` + the first lookup (or of ``import attrs`` alone,
    its heaviest dependency) in a fresh process, in ms."""
    first = "import govbudget as g; g.catalog('functional', 2024)['2010301']" if what == "govbudget" else "import attrs"
    code = f"import time; t=time.perf_counter(); {first}; print((time.perf_counter()-t)*1000)"
    out = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                check=True).stdout) for _ in range(runs)]
    return statistics.median(out)


def has_bytecode() -> bool:
    """True when govbudget's modules have compiled bytecode next to them."""
    cache = Path(gb.__file__).parent / "__pycache__"
    return cache.is_dir() and any(cache.glob("classification.*.pyc"))


def compile_bytecode() -> None:
    """Compile govbudget and its dependencies, as an installer does (pip compiles by default;
    uv with --compile-bytecode)."""
    import compileall

    import attr
    import attrs
    import cattrs

    for module in (gb, attr, attrs, cattrs):
        compileall.compile_dir(os.path.dirname(module.__file__ or ""), quiet=1)


def peak_rss_streamed(path: Path) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of derive_csv on ``path`` in a fresh process."""
    # VmHWM, not getrusage: on Linux ru_maxrss survives exec, so a child would report the
    # peak of the (large) benchmark process that forked it.
    code = (
        "import time; from govbudget.io import derive_csv; t = time.perf_counter(); "
        f"d = derive_csv({str(path)!r}); dt = time.perf_counter() - t; "
        "hwm = next(int(x.split()[1]) for x in open('/proc/self/status') if x.startswith('VmHWM')); "
        "print(dt, hwm / 1024)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), float(out[1])


def check_rate(runs: int) -> list[tuple[str, float]]:
    from govbudget.io import example_ledger, example_published_text
    from govbudget.narrative import build
    from govbudget.published import from_disclosure
    from govbudget.readers import read_text
    from govbudget.rules import check

    seed = example_published_text()
    ledger = example_ledger()
    d = gb.derive(ledger)
    printed = from_disclosure(d, build(ledger, d), rounded=True)
    out = []
    for label, fn in (("read + check the seed's text", lambda: check(read_text(seed))),
                      ("check a derived disclosure (printed) with its text", lambda: check(printed))):
        dt, _ = median_time(lambda fn=fn: [fn() for _ in range(20)], runs)
        out.append((label, 20 / dt))
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="10000,100000,1000000", help="in-memory line counts")
    p.add_argument("--stream", default="1000000,10000000", help="line counts streamed from a file")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--smoke", action="store_true", help="10^4 lines once; check agreement, no timing claims")
    p.add_argument("--uniform", action="store_true", help="款 and sources drawn uniformly (high key cardinality)")
    a = p.parse_args()
    sizes = [10_000] if a.smoke else [int(x) for x in a.sizes.split(",") if x]
    streamed = [10_000] if a.smoke else [int(x) for x in a.stream.split(",") if x]
    runs = 1 if a.smoke else a.runs

    if not a.smoke:
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; medians of {runs} runs")
        print(f"machine speed: sum(range(10**6)) takes {reference_ms():.1f} ms (to compare runs on other days)\n")
        if not has_bytecode():
            # As uv installs by default (no .pyc) on a machine with PYTHONDONTWRITEBYTECODE=1:
            # govbudget, attrs and cattrs are compiled from source at every start.
            print(f"import govbudget + first lookup (fresh process), no bytecode: {cold_import_ms(5):.1f} ms")
        compile_bytecode()
        print(f"import govbudget + first lookup (fresh process), bytecode compiled: {cold_import_ms(7):.1f} ms "
              f"(of which `import attrs` alone: {cold_import_ms(7, 'attrs'):.1f} ms)")
        cat = gb.catalog("functional", 2024)
        codes = [s.code for s in cat] * 20
        dt, _ = median_time(lambda: [cat.get(c) for c in codes], runs)
        print(f"catalog.get: {len(codes) / dt:,.0f} look-ups/s")
        dt, _ = median_time(lambda: [cat.search("其他政府办公厅（室）及相关机构事务支") for _ in range(100)], runs)
        print(f"catalog.search (a truncated name): {100 / dt:,.0f} searches/s")
        for label, rate in check_rate(runs):
            print(f"{label}: {rate:,.1f} per second")
        print()

    print("Derivation: govbudget derives the nine tables; pandas computes every total they show (leaf groupings,\n"
          "then 款/类/合计 roll-ups), or only the leaf groupings (last two columns).  Times are medians; ratios\n"
          "(govbudget's time ÷ pandas') are medians of per-run ratios, the variants run in turn.\n")
    print("| lines | distinct keys | govbudget | pandas, Decimal | pandas, int64 fen + categorical | "
          "govbudget ÷ Decimal | govbudget ÷ int64 | cells compared | leaves only: pandas, Decimal (ratio) | "
          "leaves only: pandas, int64 (ratio) |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for n in sizes:
        rows = list(synthetic_rows(n, uniform=a.uniform))
        keys = len({r[:5] for r in rows})
        lines = to_lines(rows)
        naive_e, naive_i, expert_e, expert_i = pandas_frames(rows)
        del rows  # only the inputs stay in memory while timing
        gc.collect()
        ours, naive, expert, naive_leaves, expert_leaves = interleaved(
            lambda lines=lines: govbudget_totals(lines),
            lambda e=naive_e, i=naive_i: pandas_tables(e, i, "amount"),
            lambda e=expert_e, i=expert_i: pandas_tables(e, i, "fen"),
            lambda e=naive_e, i=naive_i: pandas_groupings(e, i, "amount"),
            lambda e=expert_e, i=expert_i: pandas_groupings(e, i, "fen"),
            runs=runs,
        )
        d = ours[1]
        assert isinstance(d, Disclosure)
        compared = agree_all(d, naive[1], fen=False)  # type: ignore[arg-type]
        assert agree_all(d, expert[1], fen=True) == compared  # type: ignore[arg-type]
        agree(d, naive_leaves[1], fen=False)  # type: ignore[arg-type]
        agree(d, expert_leaves[1], fen=True)  # type: ignore[arg-type]
        print(f"| {n:,} | {keys:,} | {ours[0]:.3f} s | {naive[0]:.3f} s | {expert[0]:.3f} s | {naive[2]:.2f} | "
              f"{expert[2]:.2f} | {compared:,} (all equal) | {naive_leaves[0]:.3f} s ({naive_leaves[2]:.2f}) | "
              f"{expert_leaves[0]:.3f} s ({expert_leaves[2]:.2f}) |")
        del lines, naive_e, naive_i, expert_e, expert_i, ours, naive, expert, naive_leaves, expert_leaves, d
        gc.collect()

    print("\n| lines streamed from a CSV file | time | peak RSS |")
    print("| ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as tmp:
        for n in streamed:
            path = Path(tmp) / f"ledger-{n}.csv"
            write_csv(path, n)
            dt, rss = peak_rss_streamed(path)
            print(f"| {n:,} ({path.stat().st_size / 1e6:,.0f} MB) | {dt:.1f} s | {rss:.0f} MB |")
            path.unlink()
    if a.smoke:
        print("smoke: govbudget, pandas (Decimal) and pandas (int64 fen) agree exactly")
    print(f"(this process: peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
