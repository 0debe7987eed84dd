"""The accumulator behind derivation: exact sums whatever the caller's decimal context, lines
read in chunks (positions still named exactly), bad sources and natures named."""

from __future__ import annotations

import decimal
from decimal import Decimal as D
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govbudget import io, tables
from govbudget.errors import AmountError, LedgerError
from govbudget.ledger import ExpenditureLine, IncomeLine, IncomeSource, Nature
from govbudget.tables import Accumulator, derive, derive_stream

from .strategies import ledgers

OTHER, GPB = IncomeSource.OTHER, IncomeSource.GENERAL_PUBLIC_BUDGET


def _income(*amounts: str | D) -> list[IncomeLine]:
    return [IncomeLine(OTHER, "2010301", a) for a in amounts]


def test_sums_do_not_depend_on_the_callers_context():
    with decimal.localcontext() as ctx:
        ctx.prec = 5  # a caller's context that would round 123456.79 to 1.2346E+5
        d = derive_stream("x", 2023, 2024, _income("123456.78", "0.01"))
        assert decimal.getcontext().prec == 5  # and the caller's context is left as it was
    assert d.table("02").cell("2010301", "other") == D("123456.79")
    assert d.table("01").cell("income_total", "amount") == D("123456.79")


def test_amounts_with_thirty_decimals_add_exactly():
    # 20 integer digits + 30 decimals: beyond the default context's 28 digits.
    d = derive_stream("x", 2023, 2024, _income("12345678901234567890", "0.000000000000000000000000000001"))
    assert d.table("02").cell("2010301", "other") == D("12345678901234567890.000000000000000000000000000001")


def test_a_sum_that_would_round_is_an_error_naming_the_line():
    lines = _income("1", D("1E-90"), D("1E+19"))  # 1E+19 + 1E-90 needs 110 digits
    with pytest.raises(AmountError, match=r"^line 3: amount 1E\+19 cannot be added exactly \(100 significant"):
        derive_stream("x", 2023, 2024, lines)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (ExpenditureLine("2010301", "30101", "基本支出", GPB, "1"),  # type: ignore[arg-type]
         r"line 1 \(nature\): '基本支出' is not a Nature; expected one of Nature\.BASIC, "),
        (ExpenditureLine("2010301", "30101", Nature.BASIC, "一般公共预算财政拨款", "1"),  # type: ignore[arg-type]
         r"line 1 \(source\): '一般公共预算财政拨款' is not a IncomeSource"),
        (IncomeLine(["unhashable"], "2010301", "1"), r"line 1 \(source\): \['unhashable'\]"),  # type: ignore[arg-type]
        (ExpenditureLine("2010301", "30101", Nature.OPERATING, GPB, "1"),
         r"line 1: 一般公共预算财政拨款 can fund only 基本支出 or 项目支出, not 经营支出"),
    ],
)
def test_a_source_or_nature_that_is_not_one_is_named(line, message):
    with pytest.raises(LedgerError, match=message):
        derive_stream("x", 2023, 2024, [line])


@given(ledgers(max_lines=12), st.integers(1, 5))
def test_chunked_streams_derive_like_the_ledger(ledger, chunk):
    # Small chunks put chunk boundaries everywhere; an iterator is read in chunks, a tuple
    # (the ledger's lines) in place.
    with mock.patch.object(tables, "_CHUNK", chunk):
        streamed = derive_stream(ledger.department, ledger.fiscal_year, ledger.edition,
                                 iter((*ledger.income, *ledger.expenditure)), ledger.balances,
                                 ledger.three_public)
    assert streamed == derive(ledger)


@given(ledgers(max_lines=12), st.integers(1, 5), st.data())
def test_a_bad_line_is_named_by_its_position_across_chunks(ledger, chunk, data):
    lines = [*ledger.income, *ledger.expenditure]
    at = data.draw(st.integers(0, len(lines)), label="position of the bad line")
    bad = ExpenditureLine("2010398", "30101", Nature.BASIC, GPB, "1")  # 2010398 is no 项
    lines.insert(at, bad)
    with mock.patch.object(tables, "_CHUNK", chunk), pytest.raises(
        LedgerError, match=rf"^line {at + 1} \(function\): code 2010398"
    ):
        derive_stream("x", 2023, ledger.edition, iter(lines))


def test_positions_count_across_calls_and_new_codes_mid_stream():
    acc = Accumulator(2024)
    acc.add_lines(_income("1", "2"))
    # a new code in the middle of a call is checked and registered, the loop resumes after it
    acc.add_lines([IncomeLine(OTHER, "2010302", "3"), *_income("4"), IncomeLine(GPB, "2010350", "5")])
    with pytest.raises(LedgerError, match=r"^line 7 \(function\): code 2010398"):
        acc.add_lines([*_income("6"), IncomeLine(OTHER, "2010398", "7")])
    # the bad line counts as read: positions go on from there
    with pytest.raises(LedgerError, match=r"^line 9 \(function\): code 2010398"):
        acc.add_lines(iter([*_income("8"), IncomeLine(OTHER, "2010398", "9")]))
    d = tables.from_accumulator("x", 2023, acc, tables.Balances(), tables.ThreePublicExpenses())
    # the good lines of the failed calls were added before the bad ones stopped them
    assert d.table("02").cell("2010301", "other") == D("21")
    assert d.table("02").cell("2010302", "other") == D("3")
    assert d.table("02").cell("2010350", "fiscal") == D("5")
    assert d.table("02").cell("total", "total") == D("29")


def test_streamed_csv_names_a_bad_line_after_the_first_batch(tmp_path):
    rows = [f"income,a,其他收入,2010301,,,{k}" for k in range(1, 8)]
    rows[5] = "income,a,其他收入,2010398,,,6"  # the 6th line, on file line 10
    p = tmp_path / "l.csv"
    p.write_text("# department: 测试\n# fiscal_year: 2023\n# edition: 2024\n"
                 "kind,unit,source,function,economic,nature,amount\n" + "\n".join(rows) + "\n", encoding="utf-8")
    with mock.patch.object(io, "_BATCH", 2), pytest.raises(LedgerError, match=r"l\.csv:10 \(function\): code 2010398"):
        io.derive_csv(p)
    rows[5] = "income,a,其他收入,2010301,,,6"
    p.write_text(p.read_text(encoding="utf-8").replace("2010398", "2010301"), encoding="utf-8")
    with mock.patch.object(io, "_BATCH", 2):
        assert io.derive_csv(p).table("02").cell("2010301", "other") == D(sum(range(1, 8)))
