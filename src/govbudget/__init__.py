"""govbudget: the Chinese government budget classification (政府收支分类科目) and the
department final-accounts disclosure (部门决算公开), with every figure computed, not typed.

Main entry points:

* :func:`catalog` — subject catalogs (功能分类, 经济分类 部门/政府, 收入分类) by edition;
* :mod:`govbudget.money` — exact ``Decimal`` money, units, ROUND_HALF_UP display, shares;
* :func:`derive` — the nine 公开 tables from one :class:`Ledger`;
* :func:`check` — the consistency rules applied to a disclosure, published or derived;
* :func:`read` — a published disclosure read from a report's text, a CSV or a JSON file;
* :mod:`govbudget.narrative` — the explanatory text (情况说明) generated from a ledger
  (``build(ledger)``; the name is the module's, so it is not a function here), in the text
  model of :mod:`govbudget.text` (:class:`Narrative`, :class:`SectionTopic`, :func:`topic_of`).

Every name is typed for mypy with its real signature; the heavier ones (``derive``, ``check``,
``read``, ``Ledger`` …) are imported on first use, so ``import govbudget`` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    # What mypy sees: the real names and signatures.  At run time these load on first use
    # (module ``__getattr__`` below), which keeps ``import govbudget`` as fast as its core.
    from govbudget.io import example_ledger, load_ledger
    from govbudget.ledger import Ledger
    from govbudget.published import Published
    from govbudget.readers import read
    from govbudget.rules import Report, check
    from govbudget.tables import Disclosure, Table, derive
    from govbudget.text import Narrative, SectionTopic, topic_of

__version__ = "0.1.0"

#: The names loaded on first use, with the module that defines each.
_LAZY = {
    "Disclosure": "govbudget.tables",
    "Ledger": "govbudget.ledger",
    "Narrative": "govbudget.text",
    "Published": "govbudget.published",
    "Report": "govbudget.rules",
    "SectionTopic": "govbudget.text",
    "Table": "govbudget.tables",
    "check": "govbudget.rules",
    "derive": "govbudget.tables",
    "example_ledger": "govbudget.io",
    "load_ledger": "govbudget.io",
    "read": "govbudget.readers",
    "topic_of": "govbudget.text",
}

__all__ = [
    "DEFAULT_EDITION",
    "EDITIONS",
    "AmountError",
    "Catalog",
    "Disclosure",
    "FormatError",
    "GovBudgetError",
    "InvalidCodeError",
    "Ledger",
    "LedgerError",
    "Level",
    "Narrative",
    "Published",
    "Report",
    "Scheme",
    "SectionTopic",
    "Subject",
    "Table",
    "Unit",
    "UnknownEditionError",
    "UnknownSubjectError",
    "catalog",
    "check",
    "crosswalk",
    "derive",
    "display",
    "economic_mapping",
    "edition_for_year",
    "example_ledger",
    "is_valid_code",
    "load_ledger",
    "normalize_code",
    "percent",
    "read",
    "to_decimal",
    "topic_of",
]

if not TYPE_CHECKING:
    # Hidden from mypy, so that a misspelt ``gb.deriv`` is an error, not ``Any``.
    def __getattr__(name: str) -> object:
        module = _LAZY.get(name)
        if module is None:
            raise AttributeError(f"module 'govbudget' has no attribute {name!r}")
        import importlib

        return getattr(importlib.import_module(module), name)

    def __dir__() -> list[str]:
        return sorted({*globals(), *_LAZY})
