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
