"""Reading and writing budget ledgers (JSON), and the embedded budget example.

The JSON form is the attrs structure of :class:`~govbudget.budget.ledger.BudgetLedger`:
enums by their Chinese value, amounts as strings in 元; unknown keys are rejected with their
path and floats refused, as for the 决算 ledger (:mod:`govbudget.io`).
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from govbudget.budget.ledger import BudgetLedger, validate
from govbudget.convert import structure, unstructure
from govbudget.errors import FormatError
from govbudget.io import _refuse_float, read_bytes

__all__ = [
    "budget_ledger_from_json",
    "budget_ledger_to_json",
    "dump_budget_ledger",
    "example_budget_ledger",
    "example_budget_published_text",
    "load_budget_ledger",
]

EXAMPLE = "guangzhou-xinfang-2026-budget.json"
PUBLISHED_EXAMPLE = "guangzhou-xinfang-2026-budget-published.txt"
#: How the example is named in the CLI's output.
EXAMPLE_NAME = "广州市信访局 2026 年部门预算"


def budget_ledger_to_json(ledger: BudgetLedger) -> str:
    """The canonical JSON text of a budget ledger."""
    return json.dumps(unstructure(ledger), ensure_ascii=False, indent=1) + "\n"


def budget_ledger_from_json(text: str, *, source: str = "budget ledger JSON") -> BudgetLedger:
    """Parse and validate a budget ledger; errors name the source and the path."""
    try:
        data = json.loads(text, parse_float=_refuse_float(source))
    except json.JSONDecodeError as exc:
        raise FormatError(f"{source}: line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    return validate(structure(data, BudgetLedger, source=source))


def load_budget_ledger(path: str | Path) -> BudgetLedger:
    """A budget ledger from a JSON file."""
    data = read_bytes(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    return budget_ledger_from_json(text, source=str(path))


def dump_budget_ledger(ledger: BudgetLedger, path: str | Path) -> None:
    """Write the JSON form of ``ledger`` to ``path``."""
    Path(path).write_text(budget_ledger_to_json(ledger), encoding="utf-8")


def example_budget_ledger() -> BudgetLedger:
    """The embedded budget example: 广州市信访局 2026 年部门预算, reconstructed in 元 so that
    the derived tables reproduce every figure the document prints."""
    text = resources.files("govbudget").joinpath("examples", EXAMPLE).read_text(encoding="utf-8")
    return budget_ledger_from_json(text, source=f"govbudget/examples/{EXAMPLE}")


def example_budget_published_text() -> str:
    """The example's budget document as published (the text extracted from its PDF), for
    ``govbudget check --example budget``."""
    return resources.files("govbudget").joinpath("examples", PUBLISHED_EXAMPLE).read_text(encoding="utf-8")
