"""The fast CSV path and the DuckDB engine give the full check's result, and its errors.

The reference is :func:`govbudget.io.derive_csv_checked` (every row parsed and checked in
full); generated files mix canonical rows with every kind of row the fast paths must hand
over: padded fields, quotes (one spanning two lines), English enum names, amounts with
thousands separators or a leading point, comments and blank lines mid-file, balance rows,
and at most one bad row.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govbudget.engines import choose_engine, derive_csv_with, duckdb_available
from govbudget.errors import GovBudgetError
from govbudget.fastcsv import derive_csv_fast
from govbudget.io import derive_csv_checked
from govbudget.ledger import IncomeSource, Nature

from .strategies import ECONOMICS, FUNCTIONS

HEAD = "# department: 测试部门\n# fiscal_year: 2023\n# edition: 2024\nkind,unit,source,function,economic,nature,amount\n"
FISCAL = {s.value for s in (IncomeSource.GENERAL_PUBLIC_BUDGET, IncomeSource.GOVERNMENT_FUND,
                            IncomeSource.STATE_CAPITAL)}
ENGINES = ["core", "duckdb"] if duckdb_available() else ["core"]


def outcome(fn, path: Path) -> object:  # type: ignore[no-untyped-def]
    """The disclosure with every value as text (so that exponents count: ``1.50`` is not
    ``1.5``), or the error's type and message."""
    try:
        d = fn(path)
    except GovBudgetError as exc:
        return (type(exc).__name__, str(exc))
    return d, [(t.id, r.key, tuple(map(str, r.values))) for t in d.tables.values() for r in t.rows]


@st.composite
def canonical_rows(draw: st.DrawFn) -> list[str]:
    fen = draw(st.integers(0, 10**12))
    amount = draw(st.sampled_from([f"{fen // 100}.{fen % 100:02d}", str(fen), f"{fen}.5", f"{fen // 1000}.{fen % 1000:03d}"]))
    function = draw(st.one_of(st.sampled_from(FUNCTIONS[:4]), st.sampled_from(FUNCTIONS)))
    source = draw(st.sampled_from([s.value for s in IncomeSource]))
    if draw(st.booleans()):
        return ["income", "", source, function, "", "", amount]
    natures = ["基本支出", "项目支出"] if source in FISCAL else [n.value for n in Nature]
    return ["expenditure", draw(st.sampled_from(["", "jg"])), source, function,
            draw(st.sampled_from(ECONOMICS[:6] + ECONOMICS[-2:])), draw(st.sampled_from(natures)), amount]


def non_canonical(draw: st.DrawFn, row: list[str]) -> str:
    """The same fact written as the full check reads it but the fast path does not."""
    how = draw(st.sampled_from(["pad", "quote", "multiline", "english", "thousands", "point", "plus"]))
    row = list(row)
    if how == "pad":
        i = draw(st.integers(0, 6))
        row[i] = f" {row[i]} "
    elif how == "quote":
        row[3] = f'"{row[3]}"'
    elif how == "multiline":
        row[1] = '"本级\n单位"'
    elif how == "english":
        row[2] = IncomeSource(row[2]).name.lower()
    elif how == "thousands" and "." in row[6] and len(row[6].split(".")[0]) > 3:
        whole, frac = row[6].split(".")
        row[6] = f'"{int(whole):,}.{frac}"'
    elif how == "point" and row[6].startswith("0."):
        row[6] = row[6][1:]
    elif how == "plus":
        row[6] = "+" + row[6]
    return ",".join(row) + "\n"


BAD_ROWS = [
    "expenditure,,一般公共预算财政拨款,2010301,30101,上缴上级支出,5.00\n",
    "expenditure,,一般公共预算财政拨款,9999999,30101,基本支出,5.00\n",
    "expenditure,,一般公共预算财政拨款,2010301,30198,基本支出,5.00\n",
    "income,,一般公共预算财政拨款,201,,,5.00\n",
    "income,,预算外收入,2010301,,,5.00\n",
    "income,,其他收入,2010301,,,-5.00\n",
    "income,,其他收入,2010301,,,5e3\n",
    "income,,其他收入,2010301,,,5.\n",
    "income,,其他收入,2010301,,,\n",
    "income,,其他收入,2010301,,,1" + "0" * 25 + "\n",
    "income,,其他收入,2010301,,\n",
    "refund,,其他收入,2010301,,,5\n",
    ",,其他收入,2010301,,,5\n",
    "opening_fiscal,,预算外收入,,,,5\n",
    "opening_government_fund,,,9999999,,,5\n",
]


def _extra_rows() -> list[str]:
    """Unit and fact rows, where the CSV format has them (``io.ledger_to_csv`` writes them)."""
    from govbudget.io import example_ledger, ledger_to_csv

    kinds = {line.split(",", 1)[0] for line in ledger_to_csv(example_ledger()).splitlines()}
    rows = []
    if "unit" in kinds:
        rows.append("unit,jg,本级,,,,测试单位\n")
    if any(k.startswith("three_public.") for k in kinds):
        rows += ["three_public.budget.abroad,,,,,,12.50\n", "three_public.actual.reception,,,,,,3\n"]
    if any(k.startswith("narrative.") for k in kinds):
        rows.append("narrative.reasons,,total,,,,政府购买服务项目支出减少\n")
    return rows


EXTRA_ROWS = _extra_rows()


@st.composite
def ledger_csvs(draw: st.DrawFn) -> str:
    out = [HEAD]
    for _ in range(draw(st.integers(0, 40))):
        row = draw(canonical_rows())
        kind = draw(st.sampled_from(["canonical"] * 6 + ["other", "comment", "blank"]))
        if kind == "canonical":
            out.append(",".join(row) + "\n")
        elif kind == "other":
            out.append(non_canonical(draw, row))
        elif kind == "comment":
            out.append("# a comment, with commas\n")
        else:
            out.append("\n")
    for line in draw(st.lists(st.sampled_from([
        "opening_total,,,,,,100.00\n", "opening_fiscal,,一般公共预算财政拨款,,,,40.5\n",
        "opening_fiscal,,政府性基金预算财政拨款,,,,7\n", f"opening_government_fund,,,{FUNCTIONS[0]},,,7\n",
        "use_of_non_fiscal_balance,,,,,,1.25\n", "balance_distribution,,,,,,0\n",
        *EXTRA_ROWS]), max_size=4, unique=True)):  # a fact given twice is a bad row
        out.insert(draw(st.integers(1, len(out))), line)
    if draw(st.booleans()):
        out.insert(draw(st.integers(1, len(out))), draw(st.sampled_from(BAD_ROWS)))
    return "".join(out)


@given(text=ledger_csvs())
def test_fast_path_is_the_full_check(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    path = tmp_path_factory.mktemp("csv") / "ledger.csv"
    path.write_text(text, encoding="utf-8", newline="")
    expected = outcome(derive_csv_checked, path)
    assert outcome(derive_csv_fast, path) == expected
    if duckdb_available():
        assert outcome(lambda p: derive_csv_with(p, "duckdb"), path) == expected


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "ledger.csv"
    path.write_text(HEAD + body, encoding="utf-8")
    return path


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("bad", BAD_ROWS)
def test_a_bad_row_is_named_alike_on_every_path(tmp_path: Path, engine: str, bad: str) -> None:
    good = "expenditure,,一般公共预算财政拨款,2010301,30101,基本支出,5.00\n" * 3
    path = _write(tmp_path, good + bad + good)
    with pytest.raises(GovBudgetError) as slow:
        derive_csv_checked(path)
    # 4 header lines, then the fourth row (an opening balance by 项 is named by its index)
    assert ("opening_government_fund[0]" if bad.startswith("opening_government_fund") else "ledger.csv:8") in str(slow.value)
    with pytest.raises(GovBudgetError) as fast:
        derive_csv_with(path, engine)
    assert (type(fast.value), str(fast.value)) == (type(slow.value), str(slow.value))


@pytest.mark.parametrize("engine", ENGINES)
def test_sums_by_hand(tmp_path: Path, engine: str) -> None:
    # Worked by hand: 2010301 gets 1.10 + 2 (一般公共预算 基本, 款 30101) and 0.005 项目;
    # a 财政拨款 income of 3.105 balances it.
    path = _write(tmp_path, "expenditure,,一般公共预算财政拨款,2010301,30101,基本支出,1.10\n"
                            "expenditure,,一般公共预算财政拨款,2010301,30101,基本支出,2\n"
                            "expenditure,,一般公共预算财政拨款,2010301,30201,项目支出,0.005\n"
                            "income,,一般公共预算财政拨款,2010301,,,3.105\n")
    d = derive_csv_with(path, engine)
    assert d.table("05").cell("2010301", "basic") == Decimal("3.10")
    assert str(d.table("05").cell("2010301", "total")) == "3.105"
    assert d.table("06").cell("30101", "amount") == Decimal("3.10")
    assert d.table("06").cell("30201", "amount") == 0  # 项目支出: not in 公开06
    assert d.table("01").cell("income_total", "amount") == Decimal("3.105")
    assert d.table("01").cell("expenditure_total", "amount") == Decimal("3.105")


def test_engine_choice(tmp_path: Path) -> None:
    path = _write(tmp_path, "")
    assert choose_engine(path, "core") == "core"
    assert choose_engine(path, "auto") == "core"  # a small file
    with pytest.raises(GovBudgetError, match="unknown engine"):
        choose_engine(path, "spark")
    with pytest.raises(GovBudgetError, match="Parquet ledger is read by the DuckDB engine"):
        choose_engine(tmp_path / "ledger.parquet", "core")


@pytest.mark.skipif(not duckdb_available(), reason="the duckdb extra is not installed")
@pytest.mark.parametrize("amount_type", ["VARCHAR", "DECIMAL(18, 2)"])
def test_parquet_ledger_equals_csv(tmp_path: Path, amount_type: str) -> None:
    import duckdb

    body = ("expenditure,,一般公共预算财政拨款,2010301,30101,基本支出,1.10\n"
            "expenditure,,事业收入,2010302,30201,经营支出,7.25\n"
            "income,,一般公共预算财政拨款,2010301,,,3\n"
            "opening_total,,,,,,10\n")
    csv_path = _write(tmp_path, body)
    pq = tmp_path / "ledger.parquet"
    rows = list(csv.reader(io.StringIO(body)))
    con = duckdb.connect()
    con.execute("CREATE TABLE t (kind VARCHAR, unit VARCHAR, source VARCHAR, function VARCHAR, "
                f"economic VARCHAR, nature VARCHAR, amount {amount_type})")
    con.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?)", [[v or None for v in r] for r in rows])
    con.execute(f"COPY t TO '{pq}' (FORMAT parquet, KV_METADATA {{department: '测试部门', "
                "fiscal_year: '2023', edition: '2024'})")
    con.close()
    from govbudget.engines.duckdb import derive_file

    got, expected = derive_file(pq), derive_csv_checked(csv_path)
    assert got == expected
    if amount_type == "VARCHAR":  # the exponents too (a DECIMAL column has its own scale)
        assert [str(r.values) for r in got.table("03").rows] == [str(r.values) for r in expected.table("03").rows]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("fmt", ["text", "markdown", "csv", "json"])
def test_report_streams_a_csv_ledger_with_the_loaded_result(tmp_path: Path, engine: str, fmt: str) -> None:
    from govbudget.cli import main
    from govbudget.io import example_ledger, ledger_to_csv, load_ledger
    from govbudget.narrative import build, to_markdown
    from govbudget.render import render
    from govbudget.tables import derive

    path = tmp_path / "seed.csv"
    path.write_text(ledger_to_csv(example_ledger()), encoding="utf-8")
    ledger = load_ledger(path)
    expected = render(derive(ledger), fmt, None)
    if fmt == "markdown":
        expected = expected.rstrip("\n") + "\n\n" + to_markdown(build(ledger, derive(ledger)))
    out = io.StringIO()
    assert main(["report", str(path), "--format", fmt, "--engine", engine], out) == 0
    assert out.getvalue() == expected.lstrip("\ufeff")


def test_check_jobs_gives_the_serial_output(tmp_path: Path) -> None:
    from govbudget.cli import main
    from govbudget.io import example_published_text

    seed = tmp_path / "seed.txt"
    seed.write_text(example_published_text(), encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    args = ["check", "--example", str(seed), str(broken), str(seed)]
    serial, parallel = io.StringIO(), io.StringIO()
    assert main(args, serial) == main([*args, "--jobs", "2"], parallel) == 2  # broken.json is unreadable
    assert serial.getvalue() == parallel.getvalue()
    assert serial.getvalue().count("\n") >= 3  # a summary per readable file


@pytest.mark.parametrize("bad", ["", "income,,其他收入,9999999,,,1\n"])
def test_a_file_mostly_not_canonical_goes_to_the_full_check_whole(tmp_path: Path, bad: str) -> None:
    # 600 padded rows: more than _GIVE_UP_AFTER, and more than one in eight, so the fast path
    # hands the rest of the file over in one piece (after a canonical start).
    canonical = "expenditure,,一般公共预算财政拨款,2010301,30101,基本支出,1.01\n" * 50
    padded = "expenditure,, 一般公共预算财政拨款 ,2010302,30102,基本支出, 2.5\n" * 600
    path = _write(tmp_path, canonical + padded + bad + canonical)
    expected = outcome(derive_csv_checked, path)
    assert outcome(derive_csv_fast, path) == expected
    if not bad:
        d = derive_csv_fast(path)
        assert d.table("05").cell("2010302", "basic") == Decimal("1500.0")  # 600 × 2.5
        assert d.table("05").cell("2010301", "basic") == Decimal("101.00")  # 100 × 1.01
    else:
        assert isinstance(expected, tuple)
        assert "ledger.csv:655" in str(expected[1])  # 4 + 50 + 600, then the bad row


@pytest.mark.parametrize("engine", ENGINES)
def test_bytes_that_are_not_utf8_are_named_alike(tmp_path: Path, engine: str) -> None:
    path = tmp_path / "ledger.csv"
    row = "expenditure,,一般公共预算财政拨款,2010301,30101,基本支出,1.01\n".encode()
    path.write_bytes(HEAD.encode() + row * 300 + b"income,,\xff\xfe,2010301,,,1\n" + row)
    with pytest.raises(GovBudgetError) as slow:
        derive_csv_checked(path)
    assert "not UTF-8" in str(slow.value)
    with pytest.raises(GovBudgetError) as fast:
        derive_csv_with(path, engine)
    assert str(fast.value) == str(slow.value)


@pytest.mark.skipif(not duckdb_available(), reason="the duckdb extra is not installed")
@pytest.mark.parametrize(("row", "message"), [
    (["income", None, "其他收入", "9999999", None, None, "1"], "ledger.parquet:3 (function): code 9999999"),
    (["income", None, "其他收入", "2010301", None, None, "-1"], "ledger.parquet:3"),
    (["expenditure", None, "一般公共预算财政拨款", "2010301", "30101", "经营支出", "1"], "ledger.parquet:3: 一般公共预算财政拨款 can fund only"),
])
def test_a_bad_parquet_row_is_named_by_its_number(tmp_path: Path, row: list[str | None], message: str) -> None:
    import duckdb

    from govbudget.engines.duckdb import derive_file

    good = ["expenditure", None, "一般公共预算财政拨款", "2010301", "30101", "基本支出", "1.10"]
    pq = tmp_path / "ledger.parquet"
    con = duckdb.connect()
    con.execute("CREATE TABLE t (kind VARCHAR, unit VARCHAR, source VARCHAR, function VARCHAR, "
                "economic VARCHAR, nature VARCHAR, amount VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?)", [good, good, row, good])
    con.execute(f"COPY t TO '{pq}' (FORMAT parquet, KV_METADATA {{department: '测试部门', "
                "fiscal_year: '2023', edition: '2024'})")
    con.close()
    with pytest.raises(GovBudgetError, match=message.replace("(", r"\(").replace(")", r"\)")):
        derive_file(pq)
