"""pandas interop: tables as DataFrames (exact Decimal, or Int64 fen) and a ledger from one."""

from __future__ import annotations

from decimal import Decimal as D

import pandas as pd
import pytest
from hypothesis import given, settings

from govbudget.errors import FormatError
from govbudget.frames import ledger_from_frame
from govbudget.io import example_ledger, ledger_to_csv
from govbudget.tables import derive

from .strategies import ledgers


@pytest.fixture(scope="module")
def disclosure():
    return derive(example_ledger())


def test_table_frame_keeps_decimals(disclosure) -> None:
    f = disclosure.table("05").to_frame()
    assert list(f.columns) == ["key", "code", "level", "label", "line", "side", "total", "basic", "project"]
    assert f["total"].dtype == object
    total = f.set_index("key").loc["total"]
    # 公开05表 合计 in 元: 38,818,395.00 (3,881.84 万元 as published).
    assert total["total"] == D("38818395.00") and isinstance(total["total"], D)
    assert f.attrs["unit"] == "元"


def test_fen_frame_is_int64_and_padding_is_missing_not_zero(disclosure) -> None:
    f = disclosure.table("01").to_frame(fen=True)
    assert str(f["amount"].dtype) == "Int64"
    assert f.set_index("key").loc["income_total", "amount"] == 3881839500
    padding = f[f["key"].str.startswith("pad") | (f["label"] == "")]
    assert padding["amount"].isna().all()


def test_to_frames_has_every_table(disclosure) -> None:
    frames = disclosure.to_frames()
    assert list(frames) == [f"0{i}" for i in range(1, 10)]
    assert frames["06"].set_index("key").loc["personnel_total", "amount"] == disclosure.table("06").cell("personnel_total", "amount")


def _is_amount(text: str) -> bool:
    try:
        D(text)
    except ArithmeticError:
        return False
    return True


def _frame_of(ledger) -> pd.DataFrame:
    rows = [r.split(",") for r in ledger_to_csv(ledger).splitlines() if not r.startswith("#")]
    df = pd.DataFrame(rows[1:], columns=rows[0])
    # The amount rows (lines and balances), not the rows that name a unit or state a fact in text.
    df = df[[_is_amount(a) for a in df["amount"]]].reset_index(drop=True)
    df["amount"] = [D(a) for a in df["amount"]]
    return df


@settings(max_examples=20)
@given(ledgers(max_lines=10))
def test_ledger_from_frame_matches_the_csv_ledger(ledger) -> None:
    back = ledger_from_frame(_frame_of(ledger), department=ledger.department, fiscal_year=ledger.fiscal_year,
                             edition=ledger.edition)
    assert (back.income, back.expenditure, back.balances) == (ledger.income, ledger.expenditure, ledger.balances)


def test_fen_ledger_frame(disclosure) -> None:
    df = _frame_of(example_ledger())
    df = df[df["kind"].isin(["income", "expenditure"])]  # the lines: amounts only, no counts
    df["amount"] = [int(a * 100) for a in df["amount"]]
    back = ledger_from_frame(df, department="d", fiscal_year=2023, edition=2024, fen=True)
    assert derive(back).table("05").cell("total", "total") == D("38818395.00")


def test_fen_converts_only_the_amounts_never_the_counts_or_texts() -> None:
    # With fen=True the amount column is in 分: money facts are divided by 100, but a count
    # (车辆数, 车辆类别的辆数) or a text (等级) in the same column is taken as it is.
    df = _frame_of(example_ledger())
    df = df[df["kind"].isin(["income", "expenditure"])]
    df["amount"] = [int(a * 100) for a in df["amount"]]
    blank = {"unit": "", "source": "", "function": "", "economic": "", "nature": ""}
    facts = pd.DataFrame([
        {**blank, "kind": "three_public.vehicles_held", "amount": 3},
        {**blank, "kind": "narrative.assets.vehicles", "source": "其他用车", "amount": 2},
        {**blank, "kind": "narrative.performance.department_rating", "amount": "良"},
        {**blank, "kind": "narrative.prior_year.total", "amount": 5976530000},
        {**blank, "kind": "narrative.initial_budget", "function": "2010301", "amount": 639300000},
    ])
    back = ledger_from_frame(pd.concat([df, facts], ignore_index=True), department="d", fiscal_year=2023,
                             edition=2024, fen=True)
    assert back.three_public.vehicles_held == 3
    assert back.narrative.assets is not None and dict(back.narrative.assets.vehicles)["其他用车"] == 2
    assert back.narrative.performance.department_rating == "良"
    # The money beside them is divided: the seed's 上年收入总计 5,976.53 万元, 年初预算 2010301
    # 639.30 万元, 公开05表 合计 3,881.84 万元.
    assert back.narrative.prior_year.total == D("59765300.00")
    assert back.narrative.initial_budget[0].amount == D("6393000.00")
    assert derive(back).table("05").cell("total", "total") == D("38818395.00")


def test_float_amounts_are_refused() -> None:
    df = _frame_of(example_ledger())
    df["amount"] = [float(a) for a in df["amount"]]
    with pytest.raises(FormatError, match="float"):
        ledger_from_frame(df, department="d", fiscal_year=2023, edition=2024)


def test_errors_name_the_dataframe_row() -> None:
    df = _frame_of(example_ledger()).set_index(pd.RangeIndex(100, 100 + len(_frame_of(example_ledger()))))
    df.loc[103, "function"] = "2010398"
    with pytest.raises(FormatError, match=r"DataFrame row 103"):
        ledger_from_frame(df, department="d", fiscal_year=2023, edition=2024)
    df = _frame_of(example_ledger())
    assert df.loc[10, "kind"] == "expenditure"
    df.loc[10, "nature"] = "基本"
    with pytest.raises(FormatError, match=r"DataFrame row 10.*nature"):
        ledger_from_frame(df, department="d", fiscal_year=2023, edition=2024)
