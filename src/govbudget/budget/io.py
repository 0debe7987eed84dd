"""Reading and writing budget ledgers (JSON, CSV and the fill-in workbook of
:mod:`govbudget.workbook`), and the embedded budget example.

The JSON form is the attrs structure of :class:`~govbudget.budget.ledger.BudgetLedger`:
enums by their Chinese value, amounts as strings in 元; unknown keys are rejected with their
path and floats refused, as for the 决算 ledger (:mod:`govbudget.io`).

The CSV form (for spreadsheets) holds the allocations, one per row, with the ledger's identity
in ``#`` header lines (the prior year and the stated facts need the JSON form)::

    # department: 广州市信访局
    # fiscal_year: 2026
    # edition: 2026
    unit,source,function,economic,nature,project,carried_over,amount
    gzxf,一般公共预算拨款,2014001,30101,基本支出,,,3748620.00

Every malformed row is reported with file, line and field; nothing is skipped.
"""

from __future__ import annotations

import csv
import io as _io
from importlib import resources
from pathlib import Path

from govbudget.budget.ledger import Allocation, BudgetLedger, BudgetSource, validate
from govbudget.convert import dumps, parse_json, structure
from govbudget.errors import FormatError, GovBudgetError
from govbudget.io import _csv_meta, _parse_enum, read_bytes
from govbudget.ledger import Nature
from govbudget.money import to_decimal

__all__ = [
    "BUDGET_CSV_COLUMNS",
    "budget_ledger_from_csv",
    "budget_ledger_from_json",
    "budget_ledger_to_csv",
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
    return dumps(ledger)


def budget_ledger_from_json(text: str, *, source: str = "budget ledger JSON") -> BudgetLedger:
    """Parse and validate a budget ledger; errors name the source and the path."""
    return validate(structure(parse_json(text, source=source), BudgetLedger, source=source))


BUDGET_CSV_COLUMNS = ("unit", "source", "function", "economic", "nature", "project", "carried_over", "amount")
_TRUE, _FALSE = ("1", "true", "yes", "是", "y"), ("", "0", "false", "no", "否", "n")


def budget_ledger_to_csv(ledger: BudgetLedger) -> str:
    """The allocations as CSV with the identity in ``#`` header lines (see the module doc)."""
    out = _io.StringIO()
    out.write(f"# department: {ledger.department}\n# fiscal_year: {ledger.fiscal_year}\n"
              f"# edition: {ledger.edition}\n")
    w = csv.writer(out, lineterminator="\n")
    w.writerow(BUDGET_CSV_COLUMNS)
    for a in ledger.allocations:
        w.writerow([a.unit, a.source.value, a.function, a.economic, a.nature.value, a.project,
                    "是" if a.carried_over else "", str(a.amount)])
    return out.getvalue()


def budget_ledger_from_csv(text: str, *, source: str = "budget ledger CSV") -> BudgetLedger:
    """Parse and validate a budget ledger CSV; errors name the file, line and field."""
    department, year, edition = _csv_meta(text.splitlines(), source)
    rows = [(n + 1, ln) for n, ln in enumerate(text.splitlines()) if ln.strip() and not ln.startswith("#")]
    if not rows:
        raise FormatError(f"{source}: no header (expected {','.join(BUDGET_CSV_COLUMNS)})")
    parsed = list(csv.reader(ln for _, ln in rows))
    header = [h.strip() for h in parsed[0]]
    if sorted(header) != sorted(BUDGET_CSV_COLUMNS):
        raise FormatError(f"{source}:{rows[0][0]}: header {header} is not {','.join(BUDGET_CSV_COLUMNS)}")
    index = {c: header.index(c) for c in BUDGET_CSV_COLUMNS}
    allocations = []
    for (line, _), row in zip(rows[1:], parsed[1:], strict=True):
        where = f"{source}:{line}"
        if len(row) != len(header):
            raise FormatError(f"{where}: wrong number of fields (truncated or extra commas)")
        cell = {c: row[i].strip() for c, i in index.items()}
        flag = cell["carried_over"].lower()
        if flag not in _TRUE + _FALSE:
            raise FormatError(f"{where}: field carried_over: {cell['carried_over']!r} is not 是/否")
        try:
            allocations.append(Allocation(
                cell["function"], cell["economic"],
                _parse_enum(Nature, cell["nature"], f"{where}: field nature"),
                _parse_enum(BudgetSource, cell["source"], f"{where}: field source"),
                to_decimal(cell["amount"], where="field amount"), cell["unit"], cell["project"], flag in _TRUE))
        except FormatError:
            raise
        except GovBudgetError as exc:
            raise FormatError(f"{where}: {exc}") from None
    return validate(BudgetLedger(department, year, edition, allocations=tuple(allocations)))


def load_budget_ledger(path: str | Path) -> BudgetLedger:
    """A budget ledger from a JSON or CSV file, or a fill-in workbook (``govbudget init
    --family budget``; every error names the sheet and cell)."""
    if str(path).lower().endswith((".xlsx", ".xlsm")):
        from govbudget.workbook import read_workbook

        ledger: BudgetLedger = read_workbook(path, family="budget")
        return ledger
    data = read_bytes(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    if str(path).lower().endswith(".csv"):
        return budget_ledger_from_csv(text, source=str(path))
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
