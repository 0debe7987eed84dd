"""Hypothesis strategies shared by the tests (amounts from integer fen, real codes)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from govbudget import catalog


def fen_amounts(min_fen: int = -(10**13), max_fen: int = 10**13) -> st.SearchStrategy[Decimal]:
    """Exact amounts in 元 with two decimals, built from integer fen (no float anywhere)."""
    return st.integers(min_fen, max_fen).map(lambda n: Decimal(n).scaleb(-2))


def subjects(scheme: str = "functional", edition: int = 2024):  # type: ignore[no-untyped-def]
    return st.sampled_from(list(catalog(scheme, edition)))
