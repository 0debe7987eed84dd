"""Every JSON form in one place: the cattrs converter factory.

:func:`make_converter` builds (once per flavour, cached) the converter of every form
govbudget writes or reads:

========== ============================================ ===================================
form       type                                         schema
========== ============================================ ===================================
ledger     :class:`govbudget.ledger.Ledger`             (the structure itself)
disclosure :class:`govbudget.tables.Disclosure`         ``govbudget/disclosure/1``
narrative  :class:`govbudget.text.Narrative`            ``govbudget/narrative/1``
check      :class:`govbudget.rules.Report`              (inside ``govbudget/check/1``)
subject    :class:`govbudget.classification.Subject`    (with its derived ``path``)
========== ============================================ ===================================

The canonical JSON flavour writes amounts as strings (``"5516445.00"``), never floats, and
refuses a float on input; enums are written by value; unknown keys are refused
(``forbid_extra_keys``).  Every error comes back as one :class:`~govbudget.errors.FormatError`
naming the file and listing ``path: problem`` (``ledger.json: $.income[3].amount: …``).

The hooks of a form are looked up by its class only once that class's module is imported
(:func:`_is`), so building the converter imports nothing heavy: loading a ledger does not load
the checker.  The docs of each form are in ``docs/formats.md``.
"""

from __future__ import annotations

import enum
import functools
import json
import sys
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

import cattrs
from cattrs.errors import ForbiddenExtraKeysError
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from govbudget.errors import FormatError, GovBudgetError
from govbudget.money import to_decimal

__all__ = [
    "SCHEMAS",
    "Flavour",
    "dumps",
    "loads",
    "make_converter",
    "parse_json",
    "structure",
    "unstructure",
]

T = TypeVar("T")

#: The schema id written in each versioned form (and checked on reading).
SCHEMAS: Mapping[str, str] = {
    "disclosure": "govbudget/disclosure/1",
    "narrative": "govbudget/narrative/1",
    "check": "govbudget/check/1",
}


class _Invalid(ValueError):
    """A form's own check failed; its message says what (and is shown as is)."""


class _Placed(_Invalid):
    """A form's own check failed, its message naming the place (``公开01表 row 31 (201)``):
    reported after the source only, as the check itself reports it."""


class Flavour(enum.Enum):
    """A converter flavour.  ``JSON``: the canonical JSON of docs/formats.md."""

    JSON = "json"


def decimal_text(value: Decimal) -> str:
    """An amount as JSON text: fixed point, never an exponent (``1E+3`` → ``"1000"``)."""
    return format(value, "f")


def _is(module: str, name: str) -> Callable[[Any], bool]:
    """A predicate true for the class ``module.name``, looked up only once it is imported
    (a type that was never imported cannot be the one being converted)."""

    def predicate(t: Any) -> bool:
        mod = sys.modules.get(module)
        return mod is not None and t is getattr(mod, name, None)

    return predicate


def _is_table(t: Any) -> bool:
    mod = sys.modules.get("govbudget.tables")
    return mod is not None and isinstance(t, type) and issubclass(t, mod.Table)


def _schema(data: Any, form: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise _Invalid(f"expected a JSON object ({form}), got {type(data).__name__}")
    found = data.get("schema")
    if found != SCHEMAS[form]:
        raise _Invalid(f"schema {found!r}, expected {SCHEMAS[form]!r}")
    return {k: v for k, v in data.items() if k != "schema"}


def _str_list(value: Any, what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise _Invalid(f"{what}: expected a list of strings")
    return tuple(value)


# -- the text model (govbudget.text) ---------------------------------------------------------------
def _register_text(conv: cattrs.Converter) -> None:
    from govbudget import text

    def kind_structure(value: Any, _: Any) -> text.FigureKind:
        try:
            return text.FigureKind[str(value).upper()]
        except KeyError:
            names = ", ".join(k.name.lower() for k in text.FigureKind)
            raise _Invalid(f"unknown figure kind {value!r}; one of {names}") from None

    # Kinds by name (amount, percent …): their values (万元, %) are the units printed.
    conv.register_unstructure_hook(text.FigureKind, lambda k: k.name.lower())
    conv.register_structure_hook(text.FigureKind, kind_structure)

    lists_type = tuple[tuple[str, tuple[str, ...]], ...]

    def lists_structure(value: Any, _: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
        if not isinstance(value, dict):
            raise _Invalid("lists: expected an object of name lists")
        return tuple((str(k), _str_list(v, f"lists.{k}")) for k, v in value.items())

    # Name lists as {key: [names]}: keys are unique in a sentence.
    def lists_unstructure(value: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, list[str]]:
        out = {k: list(x) for k, x in value}
        if len(out) != len(value):  # an object cannot hold a key twice: refuse, never drop
            raise GovBudgetError(f"a sentence states a name list twice ({', '.join(k for k, _ in value)})")
        return out

    conv.register_unstructure_hook_func(lambda t: t == lists_type, lists_unstructure)
    conv.register_structure_hook_func(lambda t: t == lists_type, lists_structure)

    # A paragraph is its list of sentences (its text derives from them).
    conv.register_unstructure_hook(
        text.Paragraph, lambda p: [conv.unstructure(s, text.Sentence) for s in p.sentences])
    conv.register_structure_hook(
        text.Paragraph, lambda v, _: text.Paragraph(conv.structure(v, tuple[text.Sentence, ...])))

    # An exact figure is written without the trailing zeros of its computation (3881.8395).
    conv.register_unstructure_hook(text.Figure, make_dict_unstructure_fn(
        text.Figure, conv, exact=override(unstruct_hook=lambda d: None if d is None else decimal_text(d.normalize()))))
    base_un = make_dict_unstructure_fn(text.Narrative, conv)
    base_st = make_dict_structure_fn(text.Narrative, conv, _cattrs_forbid_extra_keys=True)
    conv.register_unstructure_hook(text.Narrative, lambda n: {"schema": SCHEMAS["narrative"], **base_un(n)})
    conv.register_structure_hook(text.Narrative, lambda v, t: base_st(_schema(v, "narrative"), t))


# -- subjects (govbudget.classification) -----------------------------------------------------------
def _register_subject(conv: cattrs.Converter) -> None:
    from govbudget.classification import Subject as subject
    from govbudget.classification import catalog

    base_st = make_dict_structure_fn(subject, conv, _cattrs_forbid_extra_keys=True)

    def unstructure_subject(s: Any) -> dict[str, Any]:
        return {
            "code": s.code, "name": s.name, "level": s.level.value, "parent": s.parent,
            "path": list(catalog(s.scheme, s.edition).path(s.code)),
            "scheme": s.scheme.value, "edition": s.edition, "budget": s.budget,
            "provenance": conv.unstructure(s.provenance),
        }

    def structure_subject(value: Any, t: Any) -> Any:
        if not isinstance(value, dict):
            raise _Invalid("expected a subject object")
        data = dict(value)
        path = data.pop("path", None)
        s = base_st(data, t)
        # The path is derived from the catalog: kept only if it agrees.
        if path is not None and list(path) != list(catalog(s.scheme, s.edition).path(s.code)):
            raise _Invalid(f"path {path!r} does not match the catalog path of {s.code}")
        return s

    conv.register_unstructure_hook(subject, unstructure_subject)
    conv.register_structure_hook(subject, structure_subject)


# -- disclosures (govbudget.tables) ----------------------------------------------------------------
def _unstructure_table(table: Any) -> dict[str, Any]:
    from govbudget.render import cell_text

    rows = []
    for r in table.rows:
        cols = table.columns_of(r) if r.values else ()  # padding rows have no cells
        pairs = list(zip(cols, r.values, strict=True))
        # A missing fact (Table.missing) is null in both: never a printed zero.
        cells = {c.title: cell_text(table, r, c.key, v) for c, v in pairs}
        rows.append({
            "key": r.key, "label": r.label, "code": r.code, "level": r.level.value if r.level else None,
            "line": r.line, "side": r.side,
            "cells": cells,
            "exact": {c.title: None if cells[c.title] is None else decimal_text(v) for c, v in pairs},
        })
    return {
        "id": table.id, "title": table.title, "label": table.label, "note": table.note,
        "statement": table.statement, "source_unit": table.unit.value,
        "columns": [{"key": c.key, "title": c.title, "number": c.number, "side": c.side}
                    for c in table.columns],
        "rows": rows,
    }


def _unstructure_disclosure(d: Any) -> dict[str, Any]:
    return {
        "schema": SCHEMAS["disclosure"], "family": d.family, "department": d.department,
        "fiscal_year": d.fiscal_year,
        "edition": d.edition, "unit": "万元",
        "tables": [_unstructure_table(t) for t in d.tables.values()],
    }


_TABLE_KEYS = frozenset({"id", "title", "label", "note", "statement", "source_unit", "columns", "rows"})
_ROW_KEYS = frozenset({"key", "label", "code", "level", "line", "side", "cells", "exact"})


def _keys(data: Any, allowed: frozenset[str], where: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise _Invalid(f"{where}: expected an object")
    extra = set(data) - allowed
    if extra:
        raise _Invalid(f"{where}: unknown key(s) {', '.join(sorted(extra))}")
    return data


def _structure_disclosure(conv: cattrs.Converter, value: Any) -> Any:
    from govbudget.classification import Level
    from govbudget.money import Unit
    from govbudget.spec import family
    from govbudget.tables import Disclosure, Row, Table
    from govbudget.validate import check_disclosure_data

    data = _keys(_schema(value, "disclosure"),
                 frozenset({"family", "department", "fiscal_year", "edition", "unit", "tables"}), "$")
    try:
        # Types, year, edition, unit 万元, no duplicate table, one exact value per column,
        # printed cells = exact (govbudget.validate), before anything is built.
        check_disclosure_data(value, "")  # the whole object: its schema key included
    except FormatError as exc:
        raise _Placed(str(exc).removeprefix(": ")) from None
    try:
        spec = family(conv.structure(data.get("family", "final"), str))
    except GovBudgetError as exc:  # an unknown family
        raise _Invalid(f"$.family: {exc}") from None
    tables_data = data.get("tables")
    if not isinstance(tables_data, list):
        raise _Invalid("$.tables: expected a list of tables")
    by_id = {t.get("id"): (i, t) for i, t in enumerate(tables_data) if isinstance(t, dict)}
    tables: dict[str, Any] = {}
    for table_spec in spec.tables:
        tid = table_spec.id
        if tid not in by_id:
            if table_spec.optional:
                continue  # an optional table this disclosure does not have
            raise _Invalid(f"$.tables: table {tid} missing")
        i, t = by_id[tid]
        where = f"$.tables[{i}] (table {tid})"
        _keys(t, _TABLE_KEYS, where)
        keys = [(c.get("key"), c.get("side")) for c in t["columns"]]
        if keys != [(c.key, c.side) for c in table_spec.columns]:
            raise _Invalid(f"{where}: columns {keys} are not those of {table_spec.label}")
        unit = Unit(t["source_unit"])
        rows = []
        missing: set[tuple[str, str]] = set()
        for j, r in enumerate(t["rows"]):
            here = f"{where}.rows[{j}] ({r.get('key') if isinstance(r, dict) else '?'})"
            _keys(r, _ROW_KEYS, here)
            titles = {c["title"]: c["key"] for c in t["columns"]}  # keys checked against the spec above
            values = []
            for c, v in r["exact"].items():
                if v is None:  # a missing fact: kept missing, zero only in the typed value
                    missing.add((r["key"], titles[c]))
                    values.append(to_decimal(0))
                else:
                    values.append(to_decimal(v, where=f"{here} [{c}]"))
            rows.append(Row(r["key"], r["label"], tuple(values), r["code"], Level(r["level"]) if r["level"] else None,
                            r["line"], r["side"]))
        # The printed cells were checked against the exact ones above (check_disclosure_data).
        table = Table(table_spec, table_spec.columns, tuple(rows), unit, frozenset(missing))
        tables[tid] = table
    return Disclosure(family=spec.id, department=conv.structure(data["department"], str),
                      fiscal_year=conv.structure(data["fiscal_year"], int),
                      edition=conv.structure(data["edition"], int), tables=tables)


# -- check reports (govbudget.rules) ---------------------------------------------------------------
_LOCATION_FIELDS = ("table", "row", "column", "label", "section", "key", "line")
_FINDING_KEYS = frozenset({"rule", "severity", "location", "stated", "expected", "message_zh", "message_en",
                           *_LOCATION_FIELDS})


def _unstructure_finding(f: Any) -> dict[str, Any]:
    loc = f.location
    return {"rule": f.rule, "severity": f.severity.value, "location": str(loc),
            **{k: getattr(loc, k) for k in _LOCATION_FIELDS},
            "stated": f.stated, "expected": f.expected, "message_zh": f.message_zh, "message_en": f.message_en}


def _structure_finding(conv: cattrs.Converter, value: Any) -> Any:
    from govbudget.published import Finding, Location, Severity

    data = _keys(value, _FINDING_KEYS, "finding")
    loc = conv.structure({k: data.get(k) for k in _LOCATION_FIELDS}, Location)
    # The location text derives from its parts: kept only if it agrees.
    if "location" in data and data["location"] != str(loc):
        raise _Invalid(f"location {data['location']!r} does not match its parts ({loc})")
    return Finding(conv.structure(data["rule"], str), conv.structure(data["severity"], Severity), loc,
                   conv.structure(data["message_zh"], str), conv.structure(data["message_en"], str),
                   _optional_str(data.get("stated")), _optional_str(data.get("expected")))


def _optional_str(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise _Invalid(f"expected a string or null, got {value!r}")
    return value


def _counts(r: Any) -> dict[str, int]:
    from govbudget.published import Severity

    return {s.value: len(r.of(s)) for s in Severity}


def _unstructure_report(r: Any) -> dict[str, Any]:
    return {"source": r.source, "ok": r.ok, "counts": _counts(r),
            "findings": [_unstructure_finding(f) for f in r.findings]}


def _structure_report(conv: cattrs.Converter, value: Any, t: Any) -> Any:
    from govbudget.published import Finding

    data = _keys(value, frozenset({"source", "ok", "counts", "findings"}), "report")
    r = t(conv.structure(data["source"], str), conv.structure(data["findings"], tuple[Finding, ...]))
    # ok and counts derive from the findings: kept only if they agree.
    if "counts" in data and data["counts"] != _counts(r):
        raise _Invalid(f"counts {data['counts']!r} do not match the findings")
    if "ok" in data and data["ok"] != r.ok:
        raise _Invalid(f"ok {data['ok']!r} does not match the findings")
    return r


# -- the factory -----------------------------------------------------------------------------------
def _form(conv: cattrs.Converter, module: str, name: str, un: Callable[[Any], Any],
          st: Callable[[Any, Any], Any]) -> None:
    """The hooks of a form whose class lives in a heavier module, found once it is imported."""
    predicate = _is(module, name)
    conv.register_unstructure_hook_factory(predicate, lambda _: un)
    conv.register_structure_hook_factory(predicate, lambda _: st)


def make_converter(flavour: Flavour | str = Flavour.JSON) -> cattrs.Converter:
    """The converter of ``flavour``, built once (cached, never mutated after)."""
    try:
        resolved = Flavour(flavour)
    except ValueError:
        raise FormatError(f"unknown converter flavour {flavour!r}; one of "
                          f"{', '.join(f.value for f in Flavour)}") from None
    return _make_converter(resolved)


@functools.cache
def _make_converter(flavour: Flavour) -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True)

    def structure_decimal(value: Any, _: type) -> Decimal:
        # JSON numbers arrive as int or float; floats are refused like everywhere else.
        return to_decimal(value)

    def structure_str(value: Any, _: type) -> str:
        # cattrs would call str(): null would become the department "None".
        if not isinstance(value, str):
            raise FormatError(f"expected text, not {_json_type(value)} {value!r}")
        return value

    def structure_int(value: Any, _: type) -> int:
        # cattrs would call int(): "2023", true and 3.7 would pass as counts or years.
        if type(value) is not int:
            raise FormatError(f"expected an integer, not {_json_type(value)} {value!r}")
        return value

    conv.register_structure_hook(Decimal, structure_decimal)
    def structure_bool(value: Any, _: type) -> bool:
        # Registered for itself: bool is an int, and the int hook would refuse true/false.
        if type(value) is not bool:
            raise FormatError(f"expected true or false, not {_json_type(value)} {value!r}")
        return value

    conv.register_structure_hook(str, structure_str)
    conv.register_structure_hook(int, structure_int)
    conv.register_structure_hook(bool, structure_bool)
    conv.register_unstructure_hook(Decimal, decimal_text)
    conv.register_unstructure_hook_factory(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), lambda _: lambda e: e.value
    )
    _register_text(conv)
    _register_subject(conv)
    _form(conv, "govbudget.tables", "Disclosure", _unstructure_disclosure,
          lambda v, _: _structure_disclosure(conv, v))
    # A table alone is written as inside a disclosure (render --table 05 --format json).
    conv.register_unstructure_hook_factory(_is_table, lambda _: _unstructure_table)
    _form(conv, "govbudget.published", "Finding", _unstructure_finding, lambda v, _: _structure_finding(conv, v))
    _form(conv, "govbudget.rules", "Report", _unstructure_report, lambda v, t: _structure_report(conv, v, t))
    return conv


def _json_type(value: Any) -> str:
    return {bool: "true/false", type(None): "null", str: "a string", int: "a number", float: "a number",
            list: "an array", dict: "an object"}.get(type(value), type(value).__name__)


def unstructure(value: object, flavour: Flavour | str = Flavour.JSON) -> Any:
    """Plain JSON-ready data (dicts, lists, strings) for a govbudget value."""
    return make_converter(flavour).unstructure(value)


def _format(exc: BaseException, type_: Any) -> str:
    if isinstance(exc, (GovBudgetError, _Invalid)):
        return str(exc)
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, ForbiddenExtraKeysError):
        return f"unknown key(s) {', '.join(sorted(exc.extra_fields))}"
    return cattrs.v.format_exception(exc, type_)


def structure(data: Any, cls: type[T], *, source: str = "input", flavour: Flavour | str = Flavour.JSON) -> T:
    """Typed value from plain data; a :class:`FormatError` names ``source`` and lists every
    problem with its path (``$.sections[2].heading``)."""
    try:
        return make_converter(flavour).structure(data, cls)
    except FormatError:
        raise
    except cattrs.BaseValidationError as exc:
        lines = cattrs.transform_error(exc, path="$", format_exception=_format)
        raise FormatError(f"{source}: " + "; ".join(lines)) from None
    except _Placed as exc:  # the same message as the check's own (validate.check_disclosure_data)
        raise FormatError(f"{source}: {exc}") from None
    except (GovBudgetError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise FormatError(f"{source}: $: {_format(exc, cls)}") from None


def parse_json(text: str, *, source: str = "input") -> Any:
    """JSON text as plain data, bounded (:func:`govbudget.io.load_json`: size, nesting depth
    and integer length checked before parsing).  A number with a fraction or an exponent, NaN
    and infinity are refused with their JSON path (amounts are strings, so that no reader turns
    them into binary floats); a syntax error names line and column."""
    from govbudget.io import load_json  # io imports this module: imported when first used

    return load_json(text, source=source)


def dumps(value: object, *, indent: int | None = 1) -> str:
    """The canonical JSON text of a govbudget value (UTF-8 names kept, one trailing newline)."""
    return json.dumps(unstructure(value), ensure_ascii=False, indent=indent) + "\n"


def loads(text: str, cls: type[T], *, source: str = "input") -> T:
    """A govbudget value from its canonical JSON text; errors name ``source`` and the path."""
    return structure(parse_json(text, source=source), cls, source=source)
