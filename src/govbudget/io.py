"""Reading and writing ledgers: JSON (the full ledger) and CSV (one fact per row).

JSON is the canonical form (see ``docs/formats.md``): the attrs structure of
:class:`~govbudget.ledger.Ledger`, enums by their Chinese value, amounts as strings in 元.
Unknown keys are rejected with their path; floats are refused.

CSV holds the lines and balances, one fact per row, with the ledger's identity in ``#``
header lines (``# department: …``, ``# fiscal_year: 2023``, ``# edition: 2024``)::

    kind,unit,source,function,economic,nature,amount
    income,jg,一般公共预算财政拨款,2010301,,,5516445.00
    expenditure,jg,一般公共预算财政拨款,2010301,30101,基本支出,2699000.00
    opening_total,,,,,,0

Every malformed row is reported with file, line and field; nothing is skipped.
"""

from __future__ import annotations

import csv
import io as _io
import json
from collections.abc import Iterator
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from govbudget.convert import structure, unstructure
from govbudget.errors import FormatError, GovBudgetError
from govbudget.ledger import (
    Balances,
    ExpenditureLine,
    FunctionAmount,
    IncomeLine,
    IncomeSource,
    Ledger,
    Nature,
    validate,
)
from govbudget.money import to_decimal

__all__ = [
    "CSV_COLUMNS",
    "dump_ledger",
    "example_ledger",
    "iter_csv_lines",
    "ledger_from_json",
    "ledger_to_json",
    "load_ledger",
]

CSV_COLUMNS = ("kind", "unit", "source", "function", "economic", "nature", "amount")
EXAMPLE = "sanmenxia-2023.json"


def ledger_to_json(ledger: Ledger) -> str:
    """The canonical JSON text of a ledger (amounts as strings, UTF-8 names kept)."""
    return json.dumps(unstructure(ledger), ensure_ascii=False, indent=1) + "\n"


def ledger_from_json(text: str, *, source: str = "ledger JSON") -> Ledger:
    """Parse and validate a ledger from JSON text; errors name the source and the path."""
    try:
        data = json.loads(text, parse_float=_refuse_float(source))
    except json.JSONDecodeError as exc:
        raise FormatError(f"{source}: line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    ledger = structure(data, Ledger, source=source)
    return validate(ledger)


def _refuse_float(source: str) -> Any:
    def hook(text: str) -> Decimal:
        # A JSON number with a fraction would become a binary float in most tools; amounts
        # are written as strings so that every reader keeps them exact.
        raise FormatError(f'{source}: number {text} is not allowed; write amounts as strings ("{text}")')

    return hook


def dump_ledger(ledger: Ledger, path: str | Path) -> None:
    """Write ``ledger`` as canonical JSON."""
    Path(path).write_text(ledger_to_json(ledger), encoding="utf-8")


def _parse_enum(enum_cls: Any, text: str, where: str) -> Any:
    for member in enum_cls:
        if text in (member.value, member.name, member.name.lower()):
            return member
    choices = " / ".join(m.value for m in enum_cls)
    raise FormatError(f"{where}: {text!r} is not one of {choices}")


def iter_csv_lines(
    text: str, *, source: str = "ledger CSV"
) -> Iterator[tuple[str, IncomeLine | ExpenditureLine | tuple[str, str, str, Decimal]]]:
    """Stream the facts of a ledger CSV: ``(where, line)`` for income and expenditure rows,
    ``(where, (kind, source, function, amount))`` for balance rows.  Header comments
    (``# key: value``) are skipped here; see :func:`load_ledger`."""
    body = (ln for ln in text.splitlines() if not ln.startswith("#"))
    reader = csv.DictReader(body)
    if reader.fieldnames is None:
        raise FormatError(f"{source}: empty file (expected a header {','.join(CSV_COLUMNS)})")
    missing = [c for c in CSV_COLUMNS if c not in reader.fieldnames]
    extra = [c for c in reader.fieldnames if c not in CSV_COLUMNS]
    if missing or extra:
        raise FormatError(
            f"{source}: header has missing columns {missing} / unknown columns {extra}; "
            f"expected {','.join(CSV_COLUMNS)}"
        )
    header_lines = sum(1 for ln in text.splitlines()[:50] if ln.startswith("#"))
    for n, row in enumerate(reader, start=2 + header_lines):
        where = f"{source}:{n}"
        if None in row or any(v is None for v in row.values()):
            raise FormatError(f"{where}: wrong number of fields (truncated or extra commas)")
        kind = row["kind"].strip()
        try:
            amount = to_decimal(row["amount"].strip(), where="field amount")
            if kind == "income":
                yield where, IncomeLine(
                    _parse_enum(IncomeSource, row["source"].strip(), f"{where}: field source"),
                    row["function"].strip(), amount, row["unit"].strip(),
                )
            elif kind == "expenditure":
                yield where, ExpenditureLine(
                    row["function"].strip(), row["economic"].strip(),
                    _parse_enum(Nature, row["nature"].strip(), f"{where}: field nature"),
                    _parse_enum(IncomeSource, row["source"].strip(), f"{where}: field source"),
                    amount, row["unit"].strip(),
                )
            elif kind in ("opening_total", "opening_fiscal", "opening_government_fund",
                          "use_of_non_fiscal_balance", "balance_distribution"):
                yield where, (kind, row["source"].strip(), row["function"].strip(), amount)
            else:
                raise FormatError(f"{where}: field kind: unknown kind {kind!r}")
        except FormatError:
            raise
        except GovBudgetError as exc:
            raise FormatError(f"{where}: {exc}") from None


def _ledger_from_csv(text: str, source: str) -> Ledger:
    meta: dict[str, str] = {}
    for ln in text.splitlines():
        if ln.startswith("#") and ":" in ln:
            key, _, value = ln[1:].partition(":")
            meta[key.strip()] = value.strip()
    for key in ("department", "fiscal_year", "edition"):
        if key not in meta:
            raise FormatError(f"{source}: header line '# {key}: …' missing")
    try:
        year, edition = int(meta["fiscal_year"]), int(meta["edition"])
    except ValueError:
        raise FormatError(f"{source}: fiscal_year and edition must be years") from None
    income: list[IncomeLine] = []
    expenditure: list[ExpenditureLine] = []
    bal: dict[str, Any] = {"opening_fiscal": [], "opening_government_fund": []}
    for where, fact in iter_csv_lines(text, source=source):
        if isinstance(fact, IncomeLine):
            income.append(fact)
        elif isinstance(fact, ExpenditureLine):
            expenditure.append(fact)
        else:
            kind, src, function, amount = fact
            if kind == "opening_fiscal":
                bal[kind].append((_parse_enum(IncomeSource, src, f"{where}: field source"), amount))
            elif kind == "opening_government_fund":
                bal[kind].append(FunctionAmount(function, amount))
            else:
                bal[kind] = amount
    balances = Balances(
        opening_total=bal.get("opening_total", Decimal(0)),
        opening_fiscal=tuple(bal["opening_fiscal"]),
        opening_government_fund=tuple(bal["opening_government_fund"]),
        use_of_non_fiscal_balance=bal.get("use_of_non_fiscal_balance", Decimal(0)),
        balance_distribution=bal.get("balance_distribution", Decimal(0)),
    )
    ledger = Ledger(meta["department"], year, edition, (), tuple(income), tuple(expenditure), balances)
    return validate(ledger)


def load_ledger(path: str | Path) -> Ledger:
    """Load a ledger from a ``.json`` or ``.csv`` file (validated against its catalog)."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise FormatError(f"{p}: cannot read ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(f"{p}: not UTF-8 text (byte {exc.start})") from None
    if p.suffix.lower() == ".csv":
        return _ledger_from_csv(text, str(p))
    if p.suffix.lower() == ".json":
        return ledger_from_json(text, source=str(p))
    raise FormatError(f"{p}: unknown ledger format {p.suffix!r}; use .json or .csv")


def ledger_to_csv(ledger: Ledger) -> str:
    """The lines and balances of ``ledger`` as CSV (narrative facts are JSON-only)."""
    out = _io.StringIO()
    out.write(f"# department: {ledger.department}\n# fiscal_year: {ledger.fiscal_year}\n")
    out.write(f"# edition: {ledger.edition}\n")
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for i in ledger.income:
        w.writerow(["income", i.unit, i.source.value, i.function, "", "", str(i.amount)])
    for e in ledger.expenditure:
        w.writerow(["expenditure", e.unit, e.source.value, e.function, e.economic, e.nature.value,
                    str(e.amount)])
    b = ledger.balances
    w.writerow(["opening_total", "", "", "", "", "", str(b.opening_total)])
    for s, a in b.opening_fiscal:
        w.writerow(["opening_fiscal", "", s.value, "", "", "", str(a)])
    for fa in b.opening_government_fund:
        w.writerow(["opening_government_fund", "", "", fa.function, "", "", str(fa.amount)])
    w.writerow(["use_of_non_fiscal_balance", "", "", "", "", "", str(b.use_of_non_fiscal_balance)])
    w.writerow(["balance_distribution", "", "", "", "", "", str(b.balance_distribution)])
    return out.getvalue()


def example_ledger() -> Ledger:
    """The embedded example: 三门峡市政务服务和大数据管理局, 2023 (the seed report),
    reconstructed in 元 so that the derived tables reproduce every published figure."""
    text = resources.files("govbudget").joinpath("examples", EXAMPLE).read_text(encoding="utf-8")
    return ledger_from_json(text, source=f"govbudget/examples/{EXAMPLE}")


PUBLISHED_EXAMPLE = "sanmenxia-2023-published.txt"


def example_published_text() -> str:
    """The seed report as published (plain text extracted from the PDF), shipped unchanged
    for ``govbudget check --example``: the worked example of docs/checking.md."""
    return resources.files("govbudget").joinpath("examples", PUBLISHED_EXAMPLE).read_text(encoding="utf-8")
