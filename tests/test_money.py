"""Money helpers: exact units, ROUND_HALF_UP display, percent, rounding balance."""

from __future__ import annotations

import decimal
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govbudget.errors import AmountError
from govbudget.money import (
    Unit,
    balance_rounding,
    balance_shares,
    convert,
    display,
    format_amount,
    parse_amount,
    percent,
    round_half_up,
    to_decimal,
)

from .strategies import fen_amounts


def test_units_convert_exactly():
    assert convert(D("38818432"), Unit.YUAN, Unit.WAN) == D("3881.8432")
    assert convert(D("3881.8432"), Unit.WAN, Unit.YUAN) == D("38818432")
    assert convert(D("1"), Unit.YI, Unit.WAN) == D("10000")
    assert Unit.parse("万 元") is Unit.WAN


def test_display_rounds_half_up_by_hand():
    assert display(D("5516432")) == D("551.64")
    assert display(D("244350")) == D("24.44")  # exactly half: up
    assert display(D("-244350")) == D("-24.44")  # half away from zero
    assert display(D("244349.99")) == D("24.43")
    assert format_amount(D("3881.84")) == "3,881.84"
    assert format_amount(D("3881.84"), thousands=False) == "3881.84"


def test_display_never_touches_global_context():
    ctx = decimal.getcontext()
    saved = (ctx.prec, ctx.rounding)
    ctx.prec, ctx.rounding = 3, decimal.ROUND_DOWN
    try:
        assert display(D("38818432")) == D("3881.84")
        assert percent(D("2"), D("3")) == D("66.67")
        assert (ctx.prec, ctx.rounding) == (3, decimal.ROUND_DOWN)
    finally:
        ctx.prec, ctx.rounding = saved


def test_percent_by_hand_from_seed():
    # seed 三、支出决算: 590.51 / 3881.84 = 15.21%, 3291.33 / 3881.84 = 84.79%
    assert percent(D("590.51"), D("3881.84")) == D("15.21")
    assert percent(D("3291.33"), D("3881.84")) == D("84.79")
    # seed 五(二): 住房保障 28.28 / 3881.84 = 0.7285…% → 0.73 (the seed printed 0.74)
    assert percent(D("28.28"), D("3881.84")) == D("0.73")
    assert percent(D("1"), D("0")) is None
    assert percent(D("0"), D("0")) is None


@pytest.mark.parametrize(
    "bad", [1.5, float("nan"), True, D("NaN"), D("Infinity"), "1.2.3", "abc", "1,23", None, [1]]
)
def test_bad_amounts_rejected(bad):
    with pytest.raises(AmountError):
        to_decimal(bad, where="cell X")


def test_float_error_names_place_and_remedy():
    with pytest.raises(AmountError, match=r"ledger line 3: float 0\.1 refused"):
        to_decimal(0.1, where="ledger line 3")


def test_parse_amount_forms():
    assert parse_amount("3,881.84") == D("3881.84")
    assert parse_amount("-152.16") == D("-152.16")
    assert parse_amount("１２.５") == D("12.5")
    assert parse_amount(".5") == D("0.5")


@given(fen_amounts())
def test_display_matches_round_half_up_definition(amount):
    # independent definition: add half a unit away from zero, then truncate
    shown = display(amount)
    exact_wan_x100 = amount / D(100)  # amount 元 → 万元 × 100 = amount / 100 (exact)
    sign = 1 if exact_wan_x100 >= 0 else -1
    expected = D(int(abs(exact_wan_x100) + D("0.5")) * sign) / D(100)
    assert shown == expected


@given(fen_amounts(0, 10**12), fen_amounts(1, 10**12))
def test_percent_matches_definition(part, whole):
    p = percent(part, whole)
    with decimal.localcontext(decimal.Context(prec=60)):
        exact = part * 10000 / whole  # percent × 100
        expected = D(int(exact + D("0.5"))) / 100
    assert p == expected


@given(st.lists(fen_amounts(-(10**9), 10**9), min_size=1, max_size=30))
def test_rounding_balance_adds_up_and_moves_at_most_one_unit(parts_yuan):
    parts = [p / 10000 for p in parts_yuan]  # exact 万元
    result = balance_rounding(parts)
    assert sum(result.parts) == result.total == round_half_up(sum(parts))
    unit = D("0.01")
    for i, (shown, exact) in enumerate(zip(result.parts, parts, strict=True)):
        assert abs(shown - exact) < unit  # a floor or a ceiling of the exact value
        assert abs(shown - result.rounded[i]) <= unit
        assert (i in result.moved) == (shown != result.rounded[i])


def test_rounding_balance_on_seed_shares():
    # 五(二) shares of the six 类: computed 20.10 + 77.28 + 1.07 + 0.71 + 0.10 + 0.73 = 99.99
    amounts = [D(x) for x in ("780.27", "3000.00", "41.64", "27.66", "3.98", "28.28")]
    total = sum(amounts)
    result = balance_shares(amounts, total)
    assert sum(result.rounded) == D("99.99")
    assert result.parts == (D("20.10"), D("77.29"), D("1.07"), D("0.71"), D("0.10"), D("0.73"))
    assert result.moved == (1,)  # 科学技术 has the largest remainder (77.2829…)


def test_rounding_balance_refuses_inconsistent_total():
    with pytest.raises(AmountError):
        balance_rounding([D(1), D(2)], D(4))


@given(st.lists(fen_amounts(0, 10**10), min_size=1, max_size=12).filter(lambda xs: sum(xs) > 0))
def test_balanced_shares_add_to_100(amounts):
    result = balance_shares(amounts, sum(amounts))
    assert sum(result.parts) == D("100.00") == result.total
    assert all(abs(p - r) <= D("0.01") for p, r in zip(result.parts, result.rounded, strict=True))
