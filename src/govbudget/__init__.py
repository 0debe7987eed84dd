"""govbudget: the Chinese government budget classification (政府收支分类科目) and the
department final-accounts disclosure (部门决算公开), with every figure computed, not typed.

Main entry points:

* :func:`catalog` — subject catalogs (功能分类, 经济分类 部门/政府, 收入分类) by edition;
* :mod:`govbudget.money` — exact ``Decimal`` money, units, ROUND_HALF_UP display, shares;
* :func:`derive` — the nine 公开 tables from one :class:`Ledger`;
* :func:`check` — the consistency rules applied to a disclosure, published or derived;
* :func:`read` — a published disclosure read from a report's text, a CSV or a JSON file;
* :mod:`govbudget.narrative` — the explanatory text (情况说明) generated from a ledger
  (``build(ledger)``; the name is the module's, so it is not a function here).
"""

from __future__ import annotations

from typing import Any

from govbudget.classification import (
    DEFAULT_EDITION,
    EDITIONS,
    Catalog,
    Level,
    Scheme,
    Subject,
    catalog,
    crosswalk,
    economic_mapping,
    edition_for_year,
    is_valid_code,
    normalize_code,
)
from govbudget.errors import (
    AmountError,
    FormatError,
    GovBudgetError,
    InvalidCodeError,
    LedgerError,
    UnknownEditionError,
    UnknownSubjectError,
)
from govbudget.money import Unit, display, percent, to_decimal

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_EDITION",
    "EDITIONS",
    "AmountError",
    "Catalog",
    "FormatError",
    "GovBudgetError",
    "InvalidCodeError",
    "LedgerError",
    "Level",
    "Scheme",
    "Subject",
    "Unit",
    "UnknownEditionError",
    "UnknownSubjectError",
    "catalog",
    "crosswalk",
    "display",
    "economic_mapping",
    "edition_for_year",
    "is_valid_code",
    "normalize_code",
    "percent",
    "to_decimal",
]


def __getattr__(name: str) -> Any:
    # Heavier modules (tables, rules, narrative, cattrs) load on first use, which keeps
    # ``import govbudget`` plus a first lookup fast.
    lazy = {
        "Ledger": "govbudget.ledger",
        "derive": "govbudget.tables",
        "Disclosure": "govbudget.tables",
        "check": "govbudget.rules",
        "load_ledger": "govbudget.io",
        "read": "govbudget.readers",
        "example_ledger": "govbudget.io",
    }
    if name in lazy:
        import importlib

        return getattr(importlib.import_module(lazy[name]), name)
    raise AttributeError(f"module 'govbudget' has no attribute {name!r}")
