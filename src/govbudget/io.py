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

import codecs
import contextlib
import csv
import functools
import io as _io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import attrs

from govbudget.convert import dumps, structure, unstructure
from govbudget.errors import (
    AmountError,
    FormatError,
    GovBudgetError,
    InvalidCodeError,
    LimitError,
    limits_from_env,
)
from govbudget.ledger import (
    Balances,
    BudgetUnit,
    ExpenditureLine,
    FunctionAmount,
    IncomeLine,
    IncomeSource,
    Ledger,
    NarrativeFacts,
    Nature,
    ThreePublicExpenses,
    _function_code,
    validate,
)
from govbudget.money import to_decimal

if TYPE_CHECKING:
    from govbudget.tables import Accumulator, Disclosure

__all__ = [
    "CSV_COLUMNS",
    "DEFAULT_LIMITS",
    "Limits",
    "decode_text",
    "derive_csv",
    "derive_csv_checked",
    "dump_ledger",
    "example_ledger",
    "iter_csv_lines",
    "ledger_from_csv",
    "ledger_from_json",
    "ledger_to_json",
    "load_json",
    "load_ledger",
    "read_text_file",
]

CSV_COLUMNS = ("kind", "unit", "source", "function", "economic", "nature", "amount")
EXAMPLE = "sanmenxia-2023.json"


# -- bounds on untrusted input --------------------------------------------------------------------
@attrs.frozen
class Limits:
    """Bounds on an untrusted input (输入上限), checked before it is parsed.

    ``max_bytes`` bounds a file read whole (a streamed ledger CSV is bounded per line instead);
    ``max_line`` one line of a streamed file; ``max_json_depth`` the nesting of a JSON value;
    ``max_int_digits`` a JSON integer (an amount is a string; an integer is a year or a count).
    Each bound is raised (or lowered) by its environment variable (:data:`LIMIT_ENV`), read
    when no ``limits`` are given: ``GOVBUDGET_MAX_BYTES`` …
    """

    max_bytes: int = 256 * 1024 * 1024
    max_line: int = 1024 * 1024
    max_json_depth: int = 64
    max_int_digits: int = 18


#: The environment variable of each bound of :class:`Limits` (named in a :class:`LimitError`).
LIMIT_ENV: Mapping[str, str] = {
    "max_bytes": "GOVBUDGET_MAX_BYTES",
    "max_line": "GOVBUDGET_MAX_LINE",
    "max_json_depth": "GOVBUDGET_MAX_JSON_DEPTH",
    "max_int_digits": "GOVBUDGET_MAX_INT_DIGITS",
}

DEFAULT_LIMITS = Limits()


def _limits(limits: Limits | None) -> Limits:
    return limits if limits is not None else limits_from_env(DEFAULT_LIMITS, LIMIT_ENV)


def _over(place: str, what: str, limit: str) -> LimitError:
    return LimitError(place, what, limit=limit, env=LIMIT_ENV[limit])


def _mib(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MiB" if n >= 1024 * 1024 else f"{n} bytes"


def read_bytes(path: str | Path, *, limits: Limits | None = None) -> bytes:
    """The bytes of a file, at most ``limits.max_bytes`` of them (a device such as /dev/zero
    stops there); :class:`FormatError` naming the file when it cannot be read or is too big."""
    p = Path(path)
    cap = _limits(limits).max_bytes
    try:
        if p.is_dir():
            raise FormatError(f"{p}: is a directory, not a file")
        with p.open("rb") as f:
            data = f.read(cap + 1)
    except OSError as exc:
        raise FormatError(f"{p}: cannot read ({exc.strerror or exc})") from None
    if len(data) > cap:
        raise _over(str(p), f"larger than the limit of {_mib(cap)}", "max_bytes")
    return data


def decode_text(data: bytes, source: str) -> str:
    """Text from bytes in one of the common encodings: UTF-8 (with or without BOM), UTF-16
    with BOM, GB18030 (a superset of GBK, which Excel writes on Chinese Windows)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise FormatError(f"{source}: not valid UTF-16 text (byte {exc.start})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            line = data.count(b"\n", 0, utf8.start) + 1
            raise FormatError(
                f"{source}:{line}: neither UTF-8 nor GB18030/GBK text (byte {utf8.start}); "
                "save the file as UTF-8"
            ) from None


def read_text_file(path: str | Path, *, limits: Limits | None = None) -> str:
    """A text file read whole, bounded and decoded (see :func:`read_bytes`, :func:`decode_text`)."""
    return decode_text(read_bytes(path, limits=limits), str(path))


_JSON_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_JSON_BRACKET = re.compile(r"[\[\]{}]")


class _Refused:
    """A JSON number that is not allowed (a fraction, an exponent, NaN, infinity): kept as a
    marker while parsing so that the error can name its path afterwards."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


def _prescan(text: str, source: str, limits: Limits) -> None:
    # Strings are blanked first (linear: the pattern cannot backtrack), so that brackets and
    # digits inside them do not count; newlines stay, so line numbers stay right.
    bare = _JSON_STRING.sub('""', text)
    depth = 0
    for m in _JSON_BRACKET.finditer(bare):
        if m.group() in "[{":
            depth += 1
            if depth > limits.max_json_depth:
                line = bare.count("\n", 0, m.start()) + 1
                raise _over(f"{source}: line {line}",
                            f"JSON nested deeper than {limits.max_json_depth} levels", "max_json_depth")
        else:
            depth -= 1
    long_int = re.search(f"[0-9]{{{limits.max_int_digits + 1}}}", bare)
    if long_int:
        line = bare.count("\n", 0, long_int.start()) + 1
        raise _over(f"{source}: line {line}",
                    f"JSON number with more than {limits.max_int_digits} digits; "
                    'write amounts as strings ("5516445.00")', "max_int_digits")


def _find_refused(data: Any, path: str) -> tuple[str, str] | None:
    if isinstance(data, _Refused):
        return path, data.text
    if isinstance(data, dict):
        for k, v in data.items():
            found = _find_refused(v, f"{path}.{k}")
            if found:
                return found
    elif isinstance(data, list):
        for i, v in enumerate(data):
            found = _find_refused(v, f"{path}[{i}]")
            if found:
                return found
    return None


def load_json(text: str, *, source: str = "JSON", limits: Limits | None = None) -> Any:
    """Parse untrusted JSON text, bounded: size, nesting depth and integer length are checked
    before parsing; numbers with a fraction or exponent, NaN and infinity are refused with
    their JSON path (``$.expenditure[3].amount``).  Errors are :class:`FormatError`."""
    lim = _limits(limits)
    if not isinstance(text, str):
        raise FormatError(f"{source}: JSON text must be str, not {type(text).__name__}")
    if len(text) > lim.max_bytes:
        raise _over(source, f"larger than the limit of {_mib(lim.max_bytes)}", "max_bytes")
    _prescan(text, source, lim)
    try:
        data = json.loads(text, parse_float=_Refused, parse_constant=_Refused)
    except json.JSONDecodeError as exc:
        raise FormatError(f"{source}: line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except (ValueError, RecursionError) as exc:  # belt and braces: the prescan bounds both
        raise _over(source, f"JSON too deep or too large to parse ({exc})", "max_json_depth") from None
    found = _find_refused(data, "$")
    if found:
        where, number = found
        raise FormatError(
            f'{source}: {where}: number {number} is not allowed; write amounts as strings ("{number}")'
        )
    return data


def ledger_to_json(ledger: Ledger) -> str:
    """The canonical JSON text of a ledger (amounts as strings, UTF-8 names kept)."""
    return dumps(ledger)


def ledger_from_json(text: str, *, source: str = "ledger JSON", limits: Limits | None = None) -> Ledger:
    """Parse and validate a ledger from JSON text; errors name the source and the path."""
    data = load_json(text, source=source, limits=limits)
    if not isinstance(data, dict):
        raise FormatError(f"{source}: $: a ledger is a JSON object, not {_json_kind(data)}")
    ledger = structure(data, Ledger, source=source)
    return validate(ledger)


def _json_kind(data: Any) -> str:
    return {list: "an array", str: "a string", int: "a number", bool: "true/false",
            type(None): "null"}.get(type(data), type(data).__name__)


def dump_ledger(ledger: Ledger, path: str | Path) -> None:
    """Write ``ledger`` as canonical JSON (atomically: temporary file, then rename)."""
    from govbudget.safeio import atomic_write_text

    atomic_write_text(path, ledger_to_json(ledger))


@functools.cache
def _enum_index(enum_cls: Any) -> dict[str, Any]:
    # One dict per enum (value, NAME, name), built once: this runs for every CSV line.
    index: dict[str, Any] = {}
    for member in enum_cls:
        index.update({member.value: member, member.name: member, member.name.lower(): member})
    return index


def _parse_enum(enum_cls: Any, text: str, where: str) -> Any:
    member = _enum_index(enum_cls).get(text)
    if member is None:
        choices = " / ".join(m.value for m in enum_cls)
        raise FormatError(f"{where}: {text!r} is not one of {choices}")
    return member


_BALANCE_KINDS = ("opening_total", "opening_fiscal", "opening_government_fund",
                  "use_of_non_fiscal_balance", "balance_distribution")

#: Row kinds that carry a fact of the JSON ledger by its dotted path (``three_public.budget.abroad``,
#: ``narrative.procurement.goods``): every fact the JSON can hold, the CSV can too.
_FACT_PREFIXES = ("three_public.", "narrative.")

#: A fact path: two to four field names (the JSON ledger nests no deeper).
_FACT_PATH = re.compile(r"(?:three_public|narrative)(?:\.[a-z_]{1,40}){1,3}")

#: Facts that are lists of entries; the other columns of the row name the entry.
_LIST_FACTS = {
    "narrative.initial_budget": "function",  # function, amount (年初预算)
    "narrative.initial_budget.reason": "function",  # function, amount = the reason text
    "narrative.assets.vehicles": "source",  # source = 车辆类别, amount = count
    "narrative.performance.self_evaluation_ratings": "source",  # source = 优/良/中/差, amount = count
    "narrative.reasons": "source",  # source = key (total, fiscal, …), amount = text
}


def _bounded_lines(f: IO[str], source: str, max_line: int) -> Iterator[str]:
    """The lines of an open text file, each at most ``max_line`` characters: a file with no
    newline (``/dev/zero``) stops at the bound instead of filling memory."""
    line_no = 0
    while True:
        try:
            ln = f.readline(max_line + 1)
        except UnicodeDecodeError as exc:
            raise FormatError(f"{source}:{line_no + 1}: not UTF-8 text (byte {exc.start} of the line); "
                              "save the file as UTF-8 or GB18030") from None
        if not ln:
            return
        line_no += 1
        if len(ln) > max_line:
            raise _over(f"{source}:{line_no}", f"line longer than {max_line} characters (行过长)", "max_line")
        yield ln


def _field(row: list[str], i: int) -> str:
    return row[i].strip()


def iter_csv_lines(
    text: str | Iterable[str], *, source: str = "ledger CSV", start: int = 0
) -> Iterator[tuple[str, IncomeLine | ExpenditureLine | tuple[str, str, str, Any]]]:
    """Stream the facts of a ledger CSV: ``(where, line)`` for income and expenditure rows,
    ``(where, (kind, source, function, amount))`` for balance rows, and
    ``(where, (path, source, function, text))`` for fact rows (``three_public.…``,
    ``narrative.…``, value kept as text).  ``where`` is ``file:line``.

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
    try:
        yield from _csv_rows(reader, source, lambda: physical)
    except csv.Error as exc:
        raise FormatError(f"{source}:{physical}: malformed CSV ({exc})") from None


def _csv_rows(
    reader: Iterator[list[str]], source: str, physical: Callable[[], int]
) -> Iterator[tuple[str, IncomeLine | ExpenditureLine | tuple[str, str, str, Any]]]:
    header = next(reader, None)
    if header is None:
        raise FormatError(f"{source}: empty file (expected a header {','.join(CSV_COLUMNS)})")
    header = [h.strip().lstrip("\ufeff") for h in header]
    missing = [c for c in CSV_COLUMNS if c not in header]
    extra = [c for c in header if c not in CSV_COLUMNS]
    if missing or extra:
        raise FormatError(
            f"{source}:{physical()}: header has missing columns {missing} / unknown columns {extra}; "
            f"expected {','.join(CSV_COLUMNS)}"
        )
    i_kind, i_unit, i_source, i_function, i_economic, i_nature, i_amount = (header.index(c) for c in CSV_COLUMNS)
    width = len(header)
    for row in reader:
        where = f"{source}:{physical()}"
        if len(row) != width:
            raise FormatError(f"{where}: wrong number of fields ({len(row)}, expected {width}; truncated or extra commas)")
        kind = row[i_kind].strip()
        try:
            # The two line kinds first (they are nearly every row); the constructors normalise
            # the codes and parse the amount, once.
            if kind == "expenditure":
                yield where, ExpenditureLine(
                    row[i_function], row[i_economic],
                    _parse_enum(Nature, row[i_nature].strip(), f"{where}: field nature"),
                    _parse_enum(IncomeSource, row[i_source].strip(), f"{where}: field source"),
                    row[i_amount].strip(), row[i_unit].strip(),
                )
            elif kind == "income":
                yield where, IncomeLine(
                    _parse_enum(IncomeSource, row[i_source].strip(), f"{where}: field source"),
                    row[i_function], row[i_amount].strip(), row[i_unit].strip(),
                )
            elif kind in _BALANCE_KINDS:
                amount = to_decimal(row[i_amount].strip(), where="field amount")
                function = row[i_function].strip()
                if kind == "opening_government_fund":
                    function = _function_code(function)
                yield where, (kind, row[i_source].strip(), function, amount)
            elif kind.startswith(_FACT_PREFIXES):
                yield where, (kind, _field(row, i_source), _field(row, i_function), _field(row, i_amount))
            elif kind == "unit":  # a budget unit: unit = id, source = 本级/所属单位, amount = its name
                yield where, ("unit", _field(row, i_source), _field(row, i_unit), _field(row, i_amount))
            else:
                raise FormatError(
                    f"{where}: field kind: unknown kind {kind!r} (income, expenditure, unit, "
                    f"{', '.join(_BALANCE_KINDS)}, or a fact path three_public.… / narrative.…)"
                )
        except FormatError:
            raise
        except InvalidCodeError as exc:  # its message starts with the field: "function: …"
            raise FormatError(f"{where}: field {exc}") from None
        except AmountError as exc:  # the converter names it "amount: …"
            message = str(exc)
            raise FormatError(f"{where}: field {message if message.startswith('amount') else 'amount: ' + message}") from None
        except GovBudgetError as exc:
            raise FormatError(f"{where}: {exc}") from None


def _csv_meta(lines: Iterable[str], source: str) -> tuple[str, int, int]:
    meta: dict[str, str] = {}
    for n, ln in enumerate(lines, 1):
        ln = ln.lstrip("\ufeff")
        if ln.startswith("#") and ":" in ln:
            key, _, value = ln[1:].partition(":")
            key = key.strip()
            if key in meta and key in ("department", "fiscal_year", "edition"):
                raise FormatError(f"{source}:{n}: header line '# {key}: …' given twice")
            meta[key] = value.strip()
        elif ln.strip() and not ln.startswith("#"):
            break
    for key in ("department", "fiscal_year", "edition"):
        if key not in meta:
            raise FormatError(f"{source}: header line '# {key}: …' missing")
    try:
        year, edition = int(meta["fiscal_year"]), int(meta["edition"])
    except ValueError:
        raise FormatError(f"{source}: fiscal_year and edition must be years") from None
    return meta["department"], year, edition


class _SideRows:
    """Collects the balance and fact rows of a ledger CSV into :class:`Balances` and the
    “三公” and narrative facts (through the JSON converter: the same checks as a JSON ledger)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.fiscal: list[tuple[IncomeSource, Decimal]] = []
        self.fund: list[FunctionAmount] = []
        self.single: dict[str, Decimal] = {}
        self.facts: dict[str, Any] = {}
        self.lists: dict[str, list[tuple[str, str]]] = {}
        self.places: dict[str, str] = {}
        self.units: list[BudgetUnit] = []

    def add(self, where: str, fact: tuple[str, str, str, Any]) -> None:
        kind, src, function, amount = fact
        if kind.startswith(_FACT_PREFIXES):
            self._fact(where, kind, src, function, amount)
        elif kind == "unit":
            try:
                self.units.append(BudgetUnit(function, amount, src or "本级"))
            except GovBudgetError as exc:
                raise FormatError(f"{where}: unit: {exc}") from None
        elif kind == "opening_fiscal":
            self.fiscal.append((_parse_enum(IncomeSource, src, f"{where}: field source"), amount))
        elif kind == "opening_government_fund":
            try:
                self.fund.append(FunctionAmount(function, amount))
            except GovBudgetError as exc:
                raise FormatError(f"{where}: {exc}") from None
        else:
            if kind in self.single:
                raise FormatError(f"{where}: {kind} given twice (first at {self.places[kind]}); 重复的事实")
            self.single[kind] = amount
            self.places[kind] = where

    def _fact(self, where: str, path: str, src: str, function: str, value: str) -> None:
        if path in _LIST_FACTS:
            name = src if _LIST_FACTS[path] == "source" else function
            if not name:
                raise FormatError(f"{where}: {path} needs the {_LIST_FACTS[path]} column")
            self.lists.setdefault(path, []).append((name, value))
            self.places.setdefault(path, where)
            return
        if path in self.places:
            raise FormatError(f"{where}: fact {path} given twice (first at {self.places[path]}); 重复的事实")
        if not _FACT_PATH.fullmatch(path):
            # A fact path names a field of the JSON ledger: a few names, never a deep chain.
            raise FormatError(f"{where}: field kind: {path[:60]!r} is not a fact path such as three_public.budget.abroad")
        node = self.facts
        parts = path.split(".")
        for i, part in enumerate(parts[:-1]):
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise FormatError(f"{where}: fact {path} conflicts with {'.'.join(parts[:i + 1])}")
            node = child
        if isinstance(node.get(parts[-1]), dict):
            raise FormatError(f"{where}: fact {path} conflicts with its parts given before")
        node[parts[-1]] = _fact_value(value)
        self.places[path] = where

    def balances(self) -> Balances:
        try:
            return Balances(
                opening_total=self.single.get("opening_total", Decimal(0)),
                opening_fiscal=tuple(self.fiscal),
                opening_government_fund=tuple(self.fund),
                use_of_non_fiscal_balance=self.single.get("use_of_non_fiscal_balance", Decimal(0)),
                balance_distribution=self.single.get("balance_distribution", Decimal(0)),
            )
        except GovBudgetError as exc:
            raise FormatError(f"{self.source}: balances: {exc}") from None

    def facts_data(self) -> dict[str, Any]:
        """The fact rows as the JSON ledger would hold them (``three_public``, ``narrative``)."""
        data: dict[str, Any] = json.loads(json.dumps(self.facts))  # a copy: lists are added below
        narrative = data.setdefault("narrative", {}) if any(k.startswith("narrative.") for k in self.lists) else None
        if narrative is not None:
            reasons = dict(self.lists.get("narrative.initial_budget.reason", []))
            budget = self.lists.get("narrative.initial_budget")
            if budget is not None:
                narrative["initial_budget"] = [
                    {"function": f, "amount": a, **({"reason": reasons.pop(f)} if f in reasons else {})}
                    for f, a in budget
                ]
            if reasons:
                raise FormatError(f"{self.places['narrative.initial_budget.reason']}: reason for "
                                  f"{', '.join(reasons)} with no narrative.initial_budget row")
            assets = self.lists.get("narrative.assets.vehicles")
            if assets is not None:
                narrative.setdefault("assets", {})["vehicles"] = [[c, _fact_value(n)] for c, n in assets]
            ratings = self.lists.get("narrative.performance.self_evaluation_ratings")
            if ratings is not None:
                narrative.setdefault("performance", {})["self_evaluation_ratings"] = [
                    [r, _fact_value(n)] for r, n in ratings]
            if "narrative.reasons" in self.lists:
                narrative["reasons"] = [[k, t] for k, t in self.lists["narrative.reasons"]]
        return data

    def structured(self) -> tuple[ThreePublicExpenses | None, NarrativeFacts]:
        data = self.facts_data()
        try:
            tp = structure(data["three_public"], ThreePublicExpenses, source="three_public") \
                if "three_public" in data else None
            nf = structure(data.get("narrative", {}), NarrativeFacts, source="narrative")
        except FormatError as exc:
            rows = ", ".join(sorted(set(self.places.values())))
            raise FormatError(f"{self.source}: {exc} (fact rows at {rows})") from None
        return tp, nf


def _fact_value(text: str) -> Any:
    """A fact's value as the JSON ledger would hold it: a count is an integer, anything else
    (amounts, text) a string, so that the JSON converter applies the same checks."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else text


def ledger_from_csv(text: str, *, source: str = "ledger CSV") -> Ledger:
    """Parse and validate a 部门决算 ledger CSV (``# department: …`` lines, then
    :data:`CSV_COLUMNS`); errors name the file, line and field."""
    return _ledger_from_csv(text, source)


def _ledger_from_csv(text: str, source: str) -> Ledger:
    department, year, edition = _csv_meta(text.splitlines(), source)
    income: list[IncomeLine] = []
    expenditure: list[ExpenditureLine] = []
    side = _SideRows(source)
    for where, fact in iter_csv_lines(text, source=source):
        if isinstance(fact, IncomeLine):
            income.append(fact)
        elif isinstance(fact, ExpenditureLine):
            expenditure.append(fact)
        else:
            side.add(where, fact)
    tp, nf = side.structured()
    try:
        ledger = Ledger(department, year, edition, tuple(side.units), tuple(income), tuple(expenditure),
                        side.balances(), tp, nf)
    except GovBudgetError as exc:
        raise FormatError(f"{source}: header: {exc}") from None
    return validate(ledger)


#: Lines handed to the accumulator at a time by :func:`derive_csv` (memory stays bounded).
_BATCH = 4096


def _sniff_encoding(p: Path) -> str:
    """The encoding of a ledger CSV, from its first MiB: UTF-8 (BOM or not), else GB18030."""
    with p.open("rb") as f:
        head = f.read(1 << 20)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=False)  # a character cut at the end of the chunk is fine
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8-sig"


def derive_csv(path: str | Path, *, engine: str = "auto", limits: Limits | None = None) -> Disclosure:
    """Derive the nine tables from a ledger CSV file, streaming: memory is bounded by the
    number of distinct subjects (来源 × 性质 × 功能 项, and 经济 款), not by the number of lines.
    Each line is bounded by ``limits.max_line``; the encoding (UTF-8 or GB18030/GBK) is
    detected.

    ``engine``: ``"core"`` (the standard library: :mod:`govbudget.fastcsv`), ``"duckdb"``
    (the ``govbudget[duckdb]`` extra: :mod:`govbudget.engines.duckdb`), or ``"auto"`` (DuckDB
    for large files when it is installed, else core).  Every engine gives the same
    :class:`Disclosure` and, for a bad file, the same error naming the same line.
    """
    from govbudget.engines import derive_csv_with

    return derive_csv_with(path, engine, limits)


def derive_csv_checked(path: str | Path, *, limits: Limits | None = None) -> Disclosure:
    """:func:`derive_csv` with every row parsed and checked in full (the reference the fast
    paths are tested against, and what they fall back to)."""
    p = Path(path)
    with open_csv(p, limits) as (department, year, acc, side, lines):
        accumulate_csv(lines, str(p), acc, side)
    return finish_csv(p, department, year, acc, side)


@contextlib.contextmanager
def open_csv(p: Path, limits: Limits | None) -> Iterator[tuple[str, int, Accumulator, _SideRows, Iterator[str]]]:
    """Read the identity of the ledger CSV ``p`` and open it: (department, fiscal year, an
    empty accumulator of its edition, the side rows, its bounded lines from the first);
    errors of reading it become :class:`FormatError` naming the file."""
    from govbudget.tables import Accumulator

    lim = _limits(limits)
    try:
        if p.is_dir():
            raise FormatError(f"{p}: is a directory, not a file")
        encoding = _sniff_encoding(p)
        with p.open(encoding=encoding, newline="") as f:
            department, year, edition = _csv_meta(_bounded_lines(f, str(p), lim.max_line), str(p))
        try:
            acc = Accumulator(edition)
        except GovBudgetError as exc:
            raise FormatError(f"{p}: header: {exc}") from None
        with p.open(encoding=encoding, newline="") as f:
            yield department, year, acc, _SideRows(str(p)), _bounded_lines(f, str(p), lim.max_line)
    except OSError as exc:
        raise FormatError(f"{p}: cannot read ({exc.strerror})") from None


def accumulate_csv(lines: Iterable[str], source: str, acc: Accumulator, side: _SideRows,
                   *, start: int = 0) -> None:
    """Check the rows of ``lines`` (a ledger CSV, from its header on, ``start`` physical
    lines into the file) in full and add them to ``acc`` (lines) and ``side`` (the rest)."""
    # Lines go to the accumulator in batches, each with the file:line of its lines (for the
    # error that names a bad one); balance and fact rows are collected aside.
    batch: list[IncomeLine | ExpenditureLine] = []
    places: list[str] = []
    for where, fact in iter_csv_lines(lines, source=source, start=start):
        if isinstance(fact, tuple):
            side.add(where, fact)
            continue
        batch.append(fact)
        places.append(where)
        if len(batch) == _BATCH:
            acc.add_lines(batch, places.__getitem__)
            batch, places = [], []
    acc.add_lines(batch, places.__getitem__)


def finish_csv(p: Path, department: str, year: int, acc: Accumulator, side: _SideRows) -> Disclosure:
    """The disclosure of an accumulated ledger CSV (its balance and fact rows checked)."""
    from govbudget.tables import from_accumulator

    balances = side.balances()
    for i, fa in enumerate(balances.opening_government_fund):
        acc.check_function(fa.function, f"{p}: opening_government_fund[{i}]")
    tp, _ = side.structured()
    try:
        # The header is checked as a ledger's would be (department, fiscal year, edition).
        Ledger(department, year, acc.edition)
    except GovBudgetError as exc:
        raise FormatError(f"{p}: header: {exc}") from None
    return from_accumulator(department, year, acc, balances, tp)


def load_ledger(path: str | Path, *, limits: Limits | None = None) -> Ledger:
    """Load a ledger from a ``.json``, ``.csv`` or ``.xlsx`` (fill-in workbook, see
    :mod:`govbudget.workbook`) file, validated against its catalog.  A text file is bounded
    by ``limits`` and may be UTF-8 (with or without BOM) or GB18030/GBK."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from govbudget.workbook import read_workbook

        ledger: Ledger = read_workbook(p, family="final")
        return ledger
    if suffix not in (".csv", ".json"):
        raise FormatError(f"{p}: unknown ledger format {p.suffix!r}; use .json, .csv or .xlsx")
    text = read_text_file(p, limits=limits)
    if suffix == ".csv":
        return _ledger_from_csv(text, str(p))
    return ledger_from_json(text, source=str(p), limits=limits)


def _flat_facts(prefix: str, data: Any) -> Iterator[tuple[str, str]]:
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _flat_facts(f"{prefix}.{k}", v)
    elif data is not None:
        yield prefix, str(data)


def ledger_to_csv(ledger: Ledger) -> str:
    """``ledger`` as CSV: units, lines, balances, and every “三公” and narrative fact as a fact
    row: :func:`load_ledger` reads back the same ledger."""
    out = _io.StringIO()
    out.write(f"# department: {ledger.department}\n# fiscal_year: {ledger.fiscal_year}\n")
    out.write(f"# edition: {ledger.edition}\n")
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for u in ledger.units:
        w.writerow(["unit", u.id, u.kind, "", "", "", u.name])
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
    if ledger.three_public is not None:
        for path, value in _flat_facts("three_public", unstructure(ledger.three_public)):
            w.writerow([path, "", "", "", "", "", value])
    nf = unstructure(ledger.narrative)
    lists = {k: nf.pop(k) for k in ("initial_budget", "reasons")}
    assets = nf.get("assets")
    vehicles = assets.pop("vehicles") if assets else None
    performance = nf.get("performance")  # None: not stated, and no row says otherwise
    ratings = performance.pop("self_evaluation_ratings") if performance else ()
    for path, value in _flat_facts("narrative", nf):
        w.writerow([path, "", "", "", "", "", value])
    if assets is not None and not assets:  # stated, with no scalar fact: keep it stated
        w.writerow(["narrative.assets.large_equipment", "", "", "", "", "", "0"])
    for bl in lists["initial_budget"]:
        w.writerow(["narrative.initial_budget", "", "", bl["function"], "", "", bl["amount"]])
        if bl.get("reason") is not None:
            w.writerow(["narrative.initial_budget.reason", "", "", bl["function"], "", "", bl["reason"]])
    for category, n in vehicles or ():
        w.writerow(["narrative.assets.vehicles", "", category, "", "", "", n])
    for rating, n in ratings:
        w.writerow(["narrative.performance.self_evaluation_ratings", "", rating, "", "", "", n])
    for key, text in lists["reasons"]:
        w.writerow(["narrative.reasons", "", key, "", "", "", text])
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
