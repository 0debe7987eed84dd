"""pandas interop (the ``pandas`` extra): tables as DataFrames, a ledger from a DataFrame.

* :func:`table_frame` (also ``Table.to_frame()``) — one row per table row: ``key``, ``code``,
  ``level``, ``label``, ``line`` (行次), ``side``, then one column per table column key.
  Amounts stay exact: ``Decimal`` objects (``object`` dtype), in the table's own unit (元
  for a derived table).  With ``fen=True`` they are whole 分 as ``Int64`` (nullable int64);
  a padding row (no values) holds ``<NA>``, never 0.
* :func:`disclosure_frames` (also ``Disclosure.to_frames()``) — every table by id.
* :func:`ledger_from_frame` — the rows of a ledger CSV (``kind, unit, source, function,
  economic, nature, amount``) as a DataFrame; amounts as ``Decimal``, strings or ints
  (``fen=True``: integer 分 — for money only: a count such as 车辆数 or a text such as 等级
  in the same column is taken as it is).  A float column is refused: a float cannot hold
  money exactly.
  Rows are read by the same parser as the CSV ledger; errors name the DataFrame row.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from govbudget.errors import FormatError, GovBudgetError
from govbudget.money import Unit, convert

if TYPE_CHECKING:
    from govbudget.ledger import Ledger
    from govbudget.tables import Disclosure, Table

__all__ = ["disclosure_frames", "ledger_from_frame", "table_frame"]

_META = ("key", "code", "level", "label", "line", "side")


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:  # pragma: no cover - installed with the dev group
        raise GovBudgetError("DataFrames need pandas: pip install 'govbudget[pandas]'") from None
    return pandas


def _fen(value: Decimal, unit: Unit, where: str) -> int:
    yuan = convert(value, unit, Unit.YUAN)
    fen = yuan.scaleb(2)
    if fen != fen.to_integral_value():
        raise FormatError(f"{where}: {value} is not a whole number of 分")
    return int(fen)


def table_frame(table: Table, *, fen: bool = False) -> Any:
    """The table as a DataFrame (see the module doc); ``fen=True`` for ``Int64`` 分."""
    pd = _pandas()
    keys: list[str] = []
    for c in table.columns:
        if c.key not in keys:
            keys.append(c.key)
    records: list[dict[str, Any]] = []
    for r in table.rows:
        rec: dict[str, Any] = {"key": r.key, "code": r.code, "level": r.level.value if r.level else None,
                               "label": r.label, "line": r.line, "side": r.side}
        side = r.side if r.side in ("income", "expenditure") else ""
        for c, v in zip(table.columns_for(side), r.values, strict=False):
            if table.is_missing(r.key, c.key):  # a fact not stated: <NA>, never 0
                rec[c.key] = None
            else:
                rec[c.key] = _fen(v, table.unit, f"{table.label} {r.key} {c.key}") if fen else v
        records.append(rec)
    frame = pd.DataFrame.from_records(records, columns=[*_META, *keys])
    frame["line"] = frame["line"].astype("Int64")
    for k in keys:
        # object dtype keeps each Decimal as it is; Int64 keeps a missing cell missing.
        frame[k] = frame[k].astype("Int64") if fen else frame[k].astype(object).where(frame[k].notna(), None)
    frame.attrs.update({"table": table.id, "title": table.title, "unit": "分" if fen else table.unit.value})
    return frame


def disclosure_frames(d: Disclosure, *, fen: bool = False) -> dict[str, Any]:
    """Every table of the disclosure as a DataFrame, by table id."""
    return {tid: table_frame(t, fen=fen) for tid, t in d.tables.items()}


@functools.lru_cache(maxsize=256)  # per row kind: a frame has few, and many rows
def _is_money(kind: str) -> bool:
    """Whether the ``amount`` of a ledger-CSV row of ``kind`` is money (元): the field it fills
    in the ledger is a ``Decimal`` (an income or expenditure line, a balance, a fact such as
    ``three_public.budget.abroad``), not a count (``int``) or a text (``str``).  Read from the
    ledger's own types, so a new fact needs nothing here."""
    import types
    import typing

    import attrs

    from govbudget.io import _BALANCE_KINDS
    from govbudget.ledger import Ledger

    if kind in ("income", "expenditure") or kind in _BALANCE_KINDS:
        return True
    hint: Any = Ledger
    for part in kind.split("."):
        if not attrs.has(hint):
            return False
        hints = typing.get_type_hints(hint)
        if part not in hints:
            return False  # not a fact path: the CSV parser names the row
        hint = hints[part]
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if typing.get_origin(hint) in (typing.Union, types.UnionType) and len(args) == 1:
            hint = args[0]
        if typing.get_origin(hint) is tuple and typing.get_args(hint)[1:] == (Ellipsis,):
            hint = typing.get_args(hint)[0]  # a list fact: the row is one entry
            if typing.get_origin(hint) is tuple:  # a pair (name, value): the row's value
                hint = typing.get_args(hint)[-1]
    if attrs.has(hint):  # an entry with an amount (年初预算 by 项)
        hint = typing.get_type_hints(hint).get("amount")
    return hint is Decimal


def _amount_text(value: Any, fen: bool, where: str) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        raise FormatError(f"{where}: a boolean is not an amount")
    if isinstance(value, float):
        raise FormatError(f"{where}: float {value!r} refused; give Decimal, str or int amounts "
                          "(a float cannot hold money exactly), or fen=True with integer 分")
    if fen:
        if not isinstance(value, int) and not (hasattr(value, "dtype") and value.dtype.kind in "iu"):
            raise FormatError(f"{where}: fen=True needs integer 分, not {type(value).__name__} {value!r}")
        return str(Decimal(int(value)).scaleb(-2))
    if hasattr(value, "dtype") and value.dtype.kind in "iu":  # numpy integer
        return str(int(value))
    return str(value)


def ledger_from_frame(frame: Any, *, department: str, fiscal_year: int, edition: int,
                      fen: bool = False, source: str = "DataFrame") -> Ledger:
    """A validated ledger from a DataFrame of ledger-CSV rows (see the module doc)."""
    from govbudget.io import CSV_COLUMNS as _COLUMNS
    from govbudget.io import _ledger_from_csv

    missing = [c for c in _COLUMNS if c not in frame.columns]
    extra = [c for c in frame.columns if c not in _COLUMNS]
    if missing or extra:
        raise FormatError(f"{source}: columns missing {missing} / unknown {extra}; expected {', '.join(_COLUMNS)}")
    if frame["amount"].dtype.kind == "f":
        raise FormatError(f"{source}: column amount is float ({frame['amount'].dtype}); floats cannot hold "
                          "money exactly: use Decimal objects, strings, or fen=True with integer 分")
    index = list(frame.index)

    def lines() -> Iterator[str]:
        yield f"# department: {department}\n# fiscal_year: {fiscal_year}\n# edition: {edition}\n"
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(_COLUMNS)
        for label, row in zip(index, frame.itertuples(index=False), strict=True):
            values = dict(zip(frame.columns, row, strict=True))
            money_fen = fen and _is_money(str(values["kind"]))
            w.writerow([_amount_text(values[c], money_fen, f"{source} row {label!r}: amount") if c == "amount"
                        else "" if values[c] is None or (isinstance(values[c], float) and values[c] != values[c])
                        else str(values[c]) for c in _COLUMNS])
        yield buf.getvalue()

    text = "".join(lines())
    try:
        return _ledger_from_csv(text, source)
    except GovBudgetError as exc:
        # CSV line n is DataFrame row n - 5 (three header comments, the header, 1-based).
        message = re.sub(rf"{re.escape(source)}:(\d+)",
                         lambda m: f"{source} row {index[int(m.group(1)) - 5]!r}", str(exc))
        # The ledger names its lines income[i] / expenditure[i]: the i-th row of that kind.
        of_kind = {k: [label for label, kind in zip(index, frame["kind"], strict=True) if kind == k]
                   for k in ("income", "expenditure")}
        message = re.sub(r"\b(income|expenditure)\[(\d+)\]",
                         lambda m: f"{source} row {of_kind[m.group(1)][int(m.group(2))]!r}", message)
        raise FormatError(message) from None

