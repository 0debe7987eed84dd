#!/usr/bin/env python3
"""End to end from the file: a ledger CSV (or JSON) on disk → the derived disclosure.

    uv run --group bench --extra duckdb python benchmarks/e2e.py                  # 10^5, 10^6 (+ JSON), 10^7
    uv run --group bench --extra duckdb python benchmarks/e2e.py --sizes 1000000 --runs 3
    uv run --group bench --extra duckdb python benchmarks/e2e.py --smoke          # CI: agreement only

Every variant runs in a fresh process (its peak memory is that process's VmHWM) and is
timed there from opening the file to holding the result; the variants run in turn within
each run, and a ratio is the median of the per-run ratios (this VM drifts by ±30 %):

* ``govbudget checked`` — ``io.derive_csv_checked``: every row parsed into a line object and
  checked (what ``derive_csv`` did before the fast path);
* ``govbudget core`` — ``io.derive_csv(engine="core")``: the canonical-row fast path;
* ``govbudget duckdb`` — ``io.derive_csv(engine="duckdb")`` (the ``govbudget[duckdb]`` extra);
* ``duckdb SQL`` — the grouping written by hand in DuckDB SQL (DECIMAL(18, 2) sums);
* ``polars`` — lazy CSV scan, amounts as int64 fen, group-by;
* ``pandas`` — ``read_csv`` with categorical keys, amounts as int64 fen, group-by;
* ``csv loop`` — ``csv.reader`` into a dict of ``Decimal`` (the plain-loop floor).

The competitors compute the leaf sums the tables are built from (per 来源 × 性质 × 功能 项
and the 一般公共预算 基本支出 per 经济 款), not the roll-ups: govbudget's time includes its
roll-up and every check.  Every leaf cell of 公开02/03/05/06/07/08 computed from each
competitor's sums is compared with the disclosure's; the govbudget engines' disclosures must
hold the checked one's values, compared as text (exponents too).  Nothing asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from bench import synthetic_rows  # the same synthetic ledgers as bench.py

GPB, GF, SC = "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"
BASIC, PROJECT = "基本支出", "项目支出"
HEADER = "kind,unit,source,function,economic,nature,amount"
HEAD_LINES = 3  # the '# key: value' lines before the header

Leaves = tuple[dict[tuple[str, str, str, str], Decimal], dict[str, Decimal]]


# -- the files -------------------------------------------------------------------------------
def write_csv(path: Path, n: int, uniform: bool) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("# department: 基准部门\n# fiscal_year: 2023\n# edition: 2024\n" + HEADER + "\n")
        for kind, s, fn, e, nat, fen in synthetic_rows(n, uniform=uniform):
            f.write(f"{kind},,{s},{fn},{e},{nat},{fen // 100}.{fen % 100:02d}\n")


def write_json(path: Path, n: int, uniform: bool) -> None:
    income, expenditure = [], []
    for kind, s, fn, e, nat, fen in synthetic_rows(n, uniform=uniform):
        amount = f"{fen // 100}.{fen % 100:02d}"
        if kind == "income":
            income.append({"source": s, "function": fn, "amount": amount})
        else:
            expenditure.append({"function": fn, "economic": e, "nature": nat, "source": s, "amount": amount})
    path.write_text(json.dumps({"department": "基准部门", "fiscal_year": 2023, "edition": 2024,
                                "income": income, "expenditure": expenditure}, ensure_ascii=False),
                    encoding="utf-8")


# -- the variants (each runs in its own process) ----------------------------------------------
def v_checked(path: str) -> Any:
    from govbudget.io import derive_csv_checked

    return derive_csv_checked(path)


def v_core(path: str) -> Any:
    from govbudget.io import derive_csv

    return derive_csv(path, engine="core")


def v_govbudget_duckdb(path: str) -> Any:
    from govbudget.io import derive_csv

    return derive_csv(path, engine="duckdb")


def v_json(path: str) -> Any:
    from govbudget.io import load_ledger
    from govbudget.tables import derive

    return derive(load_ledger(path))


def v_duckdb_sql(path: str) -> Leaves:
    import duckdb

    rows = duckdb.sql(f"""
        SELECT grouping(economic) = 1 AS by_function, source, coalesce(nature, ''), function, economic,
               sum(CAST(amount AS DECIMAL(18, 2))) AS total,
               sum(CAST(amount AS DECIMAL(18, 2))) FILTER (WHERE source = '{GPB}' AND nature = '{BASIC}') AS gpb_basic
        FROM read_csv('{path}', skip={HEAD_LINES}, header = true, all_varchar = true)
        GROUP BY GROUPING SETS ((source, nature, function), (economic))""").fetchall()
    leaves = {(s, n, f, ""): t for by_f, s, n, f, _, t, _ in rows if by_f}
    eco = {e: g for by_f, _, _, _, e, _, g in rows if not by_f and e is not None and g is not None}
    return leaves, eco


def v_polars(path: str) -> Leaves:
    import polars as pl

    lf = pl.scan_csv(path, skip_rows=HEAD_LINES, schema={c: pl.String for c in HEADER.split(",")})
    lf = lf.with_columns(fen=pl.col("amount").str.replace(".", "", literal=True).cast(pl.Int64),
                         nature=pl.col("nature").fill_null(""))
    by_f, by_e = pl.collect_all([
        lf.group_by("source", "nature", "function").agg(pl.col("fen").sum()),
        lf.filter((pl.col("source") == GPB) & (pl.col("nature") == BASIC)).group_by("economic").agg(pl.col("fen").sum()),
    ])
    return ({(s, n, f, ""): Decimal(v).scaleb(-2) for s, n, f, v in by_f.iter_rows()},
            {e: Decimal(v).scaleb(-2) for e, v in by_e.iter_rows()})


def v_pandas(path: str) -> Leaves:
    import pandas as pd

    df = pd.read_csv(path, skiprows=HEAD_LINES, dtype=str, keep_default_na=False)
    for key in ("source", "function", "economic", "nature"):
        df[key] = df[key].astype("category")
    df["fen"] = df["amount"].str.replace(".", "", regex=False).astype("int64")
    by_f = df.groupby(["source", "nature", "function"], observed=True, sort=False)["fen"].sum()
    basic = df[(df["source"] == GPB) & (df["nature"] == BASIC)]
    by_e = basic.groupby("economic", observed=True, sort=False)["fen"].sum()
    return ({(s, n, f, ""): Decimal(int(v)).scaleb(-2) for (s, n, f), v in by_f.items()},
            {e: Decimal(int(v)).scaleb(-2) for e, v in by_e.items()})


def v_csv_loop(path: str) -> Leaves:
    import csv

    leaves: dict[tuple[str, str, str, str], Decimal] = {}
    eco: dict[str, Decimal] = {}
    with open(path, encoding="utf-8", newline="") as f:
        for _ in range(HEAD_LINES + 1):
            next(f)
        for _, _, source, function, economic, nature, amount in csv.reader(f):
            value = Decimal(amount)
            key = (source, nature, function, "")
            leaves[key] = leaves.get(key, 0) + value
            if source == GPB and nature == BASIC:
                eco[economic] = eco.get(economic, 0) + value
    return leaves, eco


VARIANTS = {"govbudget checked": v_checked, "govbudget core": v_core, "govbudget duckdb": v_govbudget_duckdb,
            "duckdb SQL": v_duckdb_sql, "polars": v_polars, "pandas": v_pandas, "csv loop": v_csv_loop}


PRELOAD = {"govbudget duckdb": ("duckdb",), "duckdb SQL": ("duckdb",), "polars": ("polars",), "pandas": ("pandas",)}


def child(name: str, path: str, out: str) -> None:
    fn = v_json if name == "govbudget json" else VARIANTS[name]
    # Imports are not timed (see bench.py for the import of govbudget): only the work.
    for module in (*PRELOAD.get(name, ()), "govbudget.io", "govbudget.tables"):
        __import__(module)
    t = time.perf_counter()
    result = fn(path)
    dt = time.perf_counter() - t
    with open("/proc/self/status") as status:
        hwm = next(int(x.split()[1]) for x in status if x.startswith("VmHWM"))
    if not isinstance(result, tuple):  # a Disclosure: every value as text, and its leaf cells
        result = ("disclosure", [(t.id, r.key, tuple(map(str, r.values))) for t in result.tables.values()
                                 for r in t.rows], disclosure_cells(result))
    with open(out, "wb") as f:
        pickle.dump(result, f)
    print(dt, hwm / 1024)


def run(name: str, path: Path, tmp: Path) -> tuple[float, float, Any]:
    out = tmp / "result.pickle"
    proc = subprocess.run([sys.executable, __file__, "--child", name, str(path), str(out)],
                          capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(f"{name} on {path} failed:\n{proc.stderr}")
    dt, mb = map(float, proc.stdout.split())
    with out.open("rb") as f:
        return dt, mb, pickle.load(f)


# -- agreement -------------------------------------------------------------------------------
T02 = {GPB: "fiscal", GF: "fiscal", SC: "fiscal", "上级补助收入": "superior_subsidy", "事业收入": "business",
       "经营收入": "operating", "附属单位上缴收入": "affiliates", "其他收入": "other"}
T03 = {BASIC: "basic", PROJECT: "project", "上缴上级支出": "remit_to_superior", "经营支出": "operating",
       "对附属单位补助支出": "subsidy_to_affiliates"}


def leaf_cells(leaves: Leaves) -> dict[tuple[str, str, str], Decimal]:
    """The leaf cells of 公开02/03/05/06/07/08 from a competitor's sums (nonzero only)."""
    cells: dict[tuple[str, str, str], Decimal] = {}

    def add(key: tuple[str, str, str], v: Decimal) -> None:
        cells[key] = cells.get(key, Decimal(0)) + v

    by_function, by_economic = leaves
    for (source, nature, function, _), v in by_function.items():
        if not nature:  # income
            add(("02", function, T02[source]), v)
            if source == GF:
                add(("07", function, "income"), v)
            continue
        add(("03", function, T03[nature]), v)
        for table, fund in (("05", GPB), ("07", GF), ("08", SC)):
            if source == fund:
                add((table, function, T03[nature]), v)
    for economic, v in by_economic.items():
        add(("06", economic, "amount"), v)
    return {k: v for k, v in cells.items() if v}


def disclosure_cells(d: Any) -> dict[tuple[str, str, str], Decimal]:
    """The same cells read from a derived disclosure (nonzero only)."""
    cells = {}
    for table, columns, width in (("02", set(T02.values()), 7), ("03", set(T03.values()), 7),
                                  ("05", {"basic", "project"}, 7), ("07", {"income", "basic", "project"}, 7),
                                  ("08", {"basic", "project"}, 7), ("06", {"amount"}, 5)):
        t = d.table(table)
        for row in t.rows:
            if row.code and len(row.code) == width:
                for c in columns:
                    v = t.cell(row.key, c)
                    if v:
                        cells[(table, row.key, c)] = v
    return cells


# -- the run -------------------------------------------------------------------------------------
def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    p.add_argument("--sizes", default="100000,1000000,10000000")
    p.add_argument("--json-sizes", default="100000,1000000", help="sizes also timed from a ledger JSON")
    p.add_argument("--uniform-sizes", default="100000,1000000", help="sizes also run with uniform data")
    p.add_argument("--runs", type=int, default=0, help="runs per size (default: 3, 2 at 10^6+, 1 at 10^7+)")
    p.add_argument("--smoke", action="store_true", help="10^4 lines, one run, agreement only (CI)")
    p.add_argument("--variants", default=",".join(VARIANTS))
    a = p.parse_args()
    if a.child:
        child(*a.child)
        return 0
    installed = [v for v in a.variants.split(",") if v]
    for name, module in (("govbudget duckdb", "duckdb"), ("duckdb SQL", "duckdb"), ("polars", "polars"),
                         ("pandas", "pandas")):
        try:
            __import__(module)
        except ImportError:
            if name in installed:
                installed.remove(name)
                print(f"({name}: {module} not installed, skipped)")
    sizes = [10_000] if a.smoke else [int(x) for x in a.sizes.split(",") if x]
    plans = [(n, False) for n in sizes]
    if not a.smoke:
        plans += [(int(x), True) for x in a.uniform_sizes.split(",") if x]
    json_sizes = {10_000} if a.smoke else {int(x) for x in a.json_sizes.split(",") if x}
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; times in a fresh process, from the file\n")
    print("| lines | data | variant | time | ÷ checked | ÷ core | peak memory | agreement |")
    print("| ---: | --- | --- | ---: | ---: | ---: | ---: | --- |")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for n, uniform in plans:
            runs = 1 if a.smoke else a.runs or (3 if n < 10**6 else 2 if n < 10**7 else 1)
            path = tmp / f"ledger-{n}.csv"
            write_csv(path, n, uniform)
            names = list(installed)
            jpath = None
            if n in json_sizes and not uniform:
                jpath = tmp / f"ledger-{n}.json"
                write_json(jpath, n, uniform)
                names.append("govbudget json")
            times: dict[str, list[float]] = {k: [] for k in names}
            mem: dict[str, float] = {}
            results: dict[str, Any] = {}
            for _ in range(runs):
                for name in names:
                    dt, mb, res = run(name, jpath if name == "govbudget json" else path, tmp)
                    times[name].append(dt)
                    mem[name] = max(mem.get(name, 0.0), mb)
                    results[name] = res
            reference = results.get("govbudget checked") or results["govbudget core"]
            expected = reference[2]
            for name in names:
                res = results[name]
                if name.startswith("govbudget"):
                    agree = res[1] == reference[1]  # every value, to its last digit and exponent
                    note = "disclosure == checked" if agree else "DIFFERENT"
                else:
                    agree = leaf_cells(res) == expected
                    note = f"{len(expected):,} cells equal" if agree else "DIFFERENT"
                assert agree, (name, n)

                def ratio(base: str, name: str = name, times: dict[str, list[float]] = times) -> str:
                    if base not in times:
                        return "–"
                    return f"{statistics.median(x / y for x, y in zip(times[name], times[base], strict=True)):.2f}"

                of = jpath if name == "govbudget json" and jpath else path
                size = f"{of.stat().st_size / 1e6:,.0f} MB {'JSON' if of is jpath else 'CSV'}"
                print(f"| {n:,} | {'uniform' if uniform else 'skewed'}, {size} | {name} | "
                      f"{statistics.median(times[name]):.2f} s | {ratio('govbudget checked')} | "
                      f"{ratio('govbudget core')} | {mem[name]:.0f} MB | {note} |", flush=True)
            path.unlink()
            if jpath:
                jpath.unlink()
    if a.smoke:
        print("smoke: every engine and competitor agrees exactly")
    return 0


if __name__ == "__main__":
    sys.exit(main())
