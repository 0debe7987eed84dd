"""Junk fed to every public entry point: a result or a GovBudgetError, never anything else."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

import govbudget as gb
from govbudget import money
from govbudget.cli import main

JUNK = [
    None,
    "",
    "２０１",
    "201 03 01",
    "٢٠١",
    1e3,
    float("nan"),
    201,
    "9" * 10_000,
    b"201",
    object(),
    "①②③",
    "2010301\x00",
    [],
    {},
    True,
    "２０１０３０１",
    "-",
    "   ",
]

CALLS = {
    "normalize_code": gb.normalize_code,
    "catalog.get": lambda x: gb.catalog("functional", 2024).get(x),
    "catalog[]": lambda x: gb.catalog("functional", 2024)[x],
    "catalog.search": lambda x: gb.catalog("functional", 2024).search(x),
    "catalog.children": lambda x: gb.catalog("functional", 2024).children(x),
    "catalog.ancestors": lambda x: gb.catalog("functional", 2024).ancestors(x),
    "catalog.path": lambda x: gb.catalog("functional", 2024).path(x),
    "catalog.tree": lambda x: list(gb.catalog("functional", 2024).tree(x, 1)),
    "catalog(scheme)": lambda x: gb.catalog(x),
    "catalog(edition)": lambda x: gb.catalog("functional", x),
    "edition_for_year": gb.edition_for_year,
    "economic_mapping": gb.economic_mapping,
    "to_decimal": money.to_decimal,
    "percent": lambda x: money.percent(x, x),
    "display": money.display,
    "parse_amount": money.parse_amount,
}


@pytest.mark.parametrize("name", sorted(CALLS))
@pytest.mark.parametrize("junk", JUNK, ids=lambda j: repr(j)[:20])
def test_junk_gives_result_or_library_error(name, junk):
    with contextlib.suppress(gb.GovBudgetError):
        CALLS[name](junk)
    # reaching here means no foreign exception escaped


@given(st.text(max_size=40) | st.binary(max_size=10) | st.integers() | st.none())
def test_random_input_to_code_functions(value):
    for name in ("normalize_code", "catalog.get", "catalog.search"):
        with contextlib.suppress(gb.GovBudgetError):
            CALLS[name](value)
    assert gb.is_valid_code(value) in (True, False)


@given(st.lists(st.text(max_size=15), max_size=4))
def test_cli_never_crashes(argv):
    for prefix in (["subject"], ["search"], ["tree"]):
        code = main([*prefix, *argv], out=__import__("io").StringIO())
        assert code in (0, 1, 2)
