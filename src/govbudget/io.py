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

import contextlib
import csv
import io as _io
from collections.abc import Iterable, Iterator
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govbudget.convert import dumps, loads
from govbudget.errors import FormatError, GovBudgetError, LedgerError
from govbudget.ledger import (
    Balances,
    ExpenditureLine,
    FunctionAmount,
    IncomeLine,
    IncomeSource,
    Ledger,
    Nature,
    ThreePublicExpenses,
    iter_problems,
    validate,
)
from govbudget.money import to_decimal

if TYPE_CHECKING:
    from govbudget.tables import Accumulator, Disclosure

__all__ = [
    "CSV_COLUMNS",
    "derive_csv",
    "derive_csv_checked",
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
    return dumps(ledger)


def ledger_from_json(text: str, *, source: str = "ledger JSON") -> Ledger:
    """Parse and validate a ledger from JSON text; errors name the source and the path."""
    return validate(loads(text, Ledger, source=source))


def dump_ledger(ledger: Ledger, path: str | Path) -> None:
    """Write ``ledger`` as canonical JSON."""
    Path(path).write_text(ledger_to_json(ledger), encoding="utf-8")


_ENUM_INDEX: dict[Any, dict[str, Any]] = {}


def _parse_enum(enum_cls: Any, text: str, where: str) -> Any:
    # One dict per enum (value, NAME, name), built once: this runs for every CSV line.
    index = _ENUM_INDEX.get(enum_cls)
    if index is None:
        index = {}
        for member in enum_cls:
            index.update({member.value: member, member.name: member, member.name.lower(): member})
        _ENUM_INDEX[enum_cls] = index
    member = index.get(text)
    if member is None:
        choices = " / ".join(m.value for m in enum_cls)
        raise FormatError(f"{where}: {text!r} is not one of {choices}")
    return member


_BALANCE_KINDS = ("opening_total", "opening_fiscal", "opening_government_fund",
                  "use_of_non_fiscal_balance", "balance_distribution")


def iter_csv_lines(
    text: str | Iterable[str], *, source: str = "ledger CSV", start: int = 0
) -> Iterator[tuple[str, IncomeLine | ExpenditureLine | tuple[str, str, str, Decimal]]]:
    """Stream the facts of a ledger CSV: ``(where, line)`` for income and expenditure rows,
    ``(where, (kind, source, function, amount))`` for balance rows.

    ``text`` is the whole file, or any iterable of its lines (an open file: nothing is held
    but the current line).  Header comments (``# key: value``) are skipped here; see
    :func:`load_ledger` and :func:`derive_csv`.  ``start`` is the number of physical lines
    before ``text`` in its file (locations are ``source:line`` in the whole file).
    """
    lines = text.splitlines() if isinstance(text, str) else text
    physical = start

    def body() -> Iterator[str]:
        nonlocal physical
        for ln in lines:
            physical += 1
            if not ln.startswith("#") and ln.strip():
                yield ln

    reader = csv.reader(body())
    header = next(reader, None)
    if header is None:
        raise FormatError(f"{source}: empty file (expected a header {','.join(CSV_COLUMNS)})")
    header = [h.strip() for h in header]
    missing = [c for c in CSV_COLUMNS if c not in header]
    extra = [c for c in header if c not in CSV_COLUMNS]
    if missing or extra:
        raise FormatError(
            f"{source}: header has missing columns {missing} / unknown columns {extra}; "
            f"expected {','.join(CSV_COLUMNS)}"
        )
    i_kind, i_unit, i_source, i_function, i_economic, i_nature, i_amount = (header.index(c) for c in CSV_COLUMNS)
    width = len(header)
    for row in reader:
        where = f"{source}:{physical}"
        if len(row) != width:
            raise FormatError(f"{where}: wrong number of fields (truncated or extra commas)")
        kind = row[i_kind].strip()
        try:
            amount = to_decimal(row[i_amount].strip(), where="field amount")
            if kind == "expenditure":
                yield where, ExpenditureLine(
                    row[i_function].strip(), row[i_economic].strip(),
                    _parse_enum(Nature, row[i_nature].strip(), f"{where}: field nature"),
                    _parse_enum(IncomeSource, row[i_source].strip(), f"{where}: field source"),
                    amount, row[i_unit].strip(),
                )
            elif kind == "income":
                yield where, IncomeLine(
                    _parse_enum(IncomeSource, row[i_source].strip(), f"{where}: field source"),
                    row[i_function].strip(), amount, row[i_unit].strip(),
                )
            elif kind in _BALANCE_KINDS:
                yield where, (kind, row[i_source].strip(), row[i_function].strip(), amount)
            else:
                raise FormatError(f"{where}: field kind: unknown kind {kind!r}")
        except FormatError:
            raise
        except GovBudgetError as exc:
            raise FormatError(f"{where}: {exc}") from None


def _csv_meta(lines: Iterable[str], source: str) -> tuple[str, int, int]:
    meta: dict[str, str] = {}
    for ln in lines:
        if ln.startswith("#") and ":" in ln:
            key, _, value = ln[1:].partition(":")
            meta[key.strip()] = value.strip()
        elif ln.strip() and not ln.startswith("#"):
            break
    for key in ("department", "fiscal_year", "edition"):
        if key not in meta:
            raise FormatError(f"{source}: header line '# {key}: …' missing")
    try:
        return meta["department"], int(meta["fiscal_year"]), int(meta["edition"])
    except ValueError:
        raise FormatError(f"{source}: fiscal_year and edition must be years") from None


class _BalanceRows:
    """Collects the balance rows of a ledger CSV into :class:`Balances`."""

    def __init__(self) -> None:
        self.fiscal: list[tuple[IncomeSource, Decimal]] = []
        self.fund: list[FunctionAmount] = []
        self.single: dict[str, Decimal] = {}

    def add(self, where: str, fact: tuple[str, str, str, Decimal]) -> None:
        kind, src, function, amount = fact
        if kind == "opening_fiscal":
            self.fiscal.append((_parse_enum(IncomeSource, src, f"{where}: field source"), amount))
        elif kind == "opening_government_fund":
            self.fund.append(FunctionAmount(function, amount))
        else:
            self.single[kind] = amount

    def balances(self) -> Balances:
        return Balances(
            opening_total=self.single.get("opening_total", Decimal(0)),
            opening_fiscal=tuple(self.fiscal),
            opening_government_fund=tuple(self.fund),
            use_of_non_fiscal_balance=self.single.get("use_of_non_fiscal_balance", Decimal(0)),
            balance_distribution=self.single.get("balance_distribution", Decimal(0)),
        )


def _ledger_from_csv(text: str, source: str) -> Ledger:
    department, year, edition = _csv_meta(text.splitlines(), source)
    income: list[IncomeLine] = []
    expenditure: list[ExpenditureLine] = []
    bal = _BalanceRows()
    for where, fact in iter_csv_lines(text, source=source):
        if isinstance(fact, IncomeLine):
            income.append(fact)
        elif isinstance(fact, ExpenditureLine):
            expenditure.append(fact)
        else:
            bal.add(where, fact)
    ledger = Ledger(department, year, edition, (), tuple(income), tuple(expenditure), bal.balances())
    return validate(ledger)


#: Lines handed to the accumulator at a time by :func:`derive_csv` (memory stays bounded).
_BATCH = 4096


def derive_csv(path: str | Path, *, engine: str = "auto") -> Disclosure:
    """Derive the nine tables from a ledger CSV file, streaming: memory is bounded by the
    number of distinct subjects (来源 × 性质 × 功能 项, and 经济 款), not by the number of lines.

    ``engine``: ``"core"`` (the standard library: :mod:`govbudget.fastcsv`), ``"duckdb"``
    (the ``govbudget[duckdb]`` extra: :mod:`govbudget.engines.duckdb`), or ``"auto"`` (DuckDB
    for large files when it is installed, else core).  Every engine gives the same
    :class:`Disclosure` and, for a bad file, the same error naming the same line.
    """
    from govbudget.engines import derive_csv_with

    return derive_csv_with(path, engine)


def derive_csv_checked(path: str | Path) -> Disclosure:
    """:func:`derive_csv` with every row parsed and checked in full (the reference the fast
    paths are tested against, and what they fall back to)."""
    from govbudget.tables import Accumulator

    p = Path(path)
    with csv_errors(p):
        with p.open(encoding="utf-8-sig", newline="") as f:
            department, year, edition = _csv_meta(f, str(p))
        acc = Accumulator(edition)
        bal = _BalanceRows()
        with p.open(encoding="utf-8-sig", newline="") as f:
            accumulate_csv(f, str(p), acc, bal)
    return finish_csv(p, department, year, acc, bal)


@contextlib.contextmanager
def csv_errors(p: Path) -> Iterator[None]:
    """Turn the errors of reading ``p`` into :class:`FormatError` naming it."""
    try:
        yield
    except OSError as exc:
        raise FormatError(f"{p}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise FormatError(f"{p}: not UTF-8 text (byte {exc.start})") from None


def accumulate_csv(lines: Iterable[str], source: str, acc: Accumulator, bal: _BalanceRows,
                   *, start: int = 0) -> None:
    """Check the rows of ``lines`` (a ledger CSV, from its header on, ``start`` physical
    lines into the file) in full and add them to ``acc`` (lines) and ``bal`` (balances)."""
    # Lines go to the accumulator in batches, each with the file:line of its lines (for the
    # error that names a bad one); balance rows are collected on the side.
    batch: list[IncomeLine | ExpenditureLine] = []
    places: list[str] = []
    for where, fact in iter_csv_lines(lines, source=source, start=start):
        if isinstance(fact, tuple):
            bal.add(where, fact)
            continue
        batch.append(fact)
        places.append(where)
        if len(batch) == _BATCH:
            acc.add_lines(batch, places.__getitem__)
            batch, places = [], []
    acc.add_lines(batch, places.__getitem__)


def finish_csv(p: Path, department: str, year: int, acc: Accumulator, bal: _BalanceRows) -> Disclosure:
    """The disclosure of an accumulated ledger CSV (its balance rows checked)."""
    from govbudget.tables import from_accumulator

    balances = bal.balances()
    # The checks of the ledger that are not about lines (balance codes and sums), as
    # load_ledger makes them: a streamed file is refused for what a loaded one is.
    problems = list(iter_problems(Ledger(department, year, acc.edition, balances=balances)))
    if problems:
        raise LedgerError(f"{p}: " + "; ".join(problems))
    return from_accumulator(department, year, acc, balances, ThreePublicExpenses())


def read_bytes(path: str | Path) -> bytes:
    """The bytes of a file; :class:`FormatError` naming the file when it cannot be read."""
    p = Path(path)
    try:
        return p.read_bytes()
    except OSError as exc:
        raise FormatError(f"{p}: cannot read ({exc.strerror or exc})") from None


def load_ledger(path: str | Path) -> Ledger:
    """Load a ledger from a ``.json`` or ``.csv`` file (validated against its catalog)."""
    p = Path(path)
    raw = read_bytes(p)
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
