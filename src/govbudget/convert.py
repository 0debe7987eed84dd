"""All (de)serialisation in one place: the cattrs converters.

* :data:`json_converter` — canonical JSON: amounts as strings (never floats), enums by value,
  unknown keys rejected (``forbid_extra_keys``) with their path.

Use :func:`structure` to turn loaded JSON into typed values; errors come back as a single
:class:`~govbudget.errors.FormatError` whose message lists ``path: problem`` lines.
"""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Any, TypeVar

import cattrs
from cattrs.errors import ForbiddenExtraKeysError

from govbudget.errors import FormatError, GovBudgetError
from govbudget.money import to_decimal

__all__ = ["json_converter", "structure", "unstructure"]

T = TypeVar("T")


def _make_json_converter() -> cattrs.Converter:
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
    conv.register_structure_hook(str, structure_str)
    conv.register_structure_hook(int, structure_int)
    conv.register_unstructure_hook(Decimal, str)
    conv.register_unstructure_hook_factory(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), lambda _: lambda e: e.value
    )
    return conv


def _json_type(value: Any) -> str:
    return {bool: "true/false", type(None): "null", str: "a string", int: "a number", float: "a number",
            list: "an array", dict: "an object"}.get(type(value), type(value).__name__)


json_converter = _make_json_converter()


def unstructure(value: object) -> Any:
    """Plain JSON-ready data (dicts, lists, strings) for a govbudget value."""
    return json_converter.unstructure(value)


def _format(exc: BaseException, type_: Any) -> str:
    if isinstance(exc, GovBudgetError):
        return str(exc)
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, ForbiddenExtraKeysError):
        return f"unknown key(s) {', '.join(sorted(exc.extra_fields))}"
    return cattrs.v.format_exception(exc, type_)


def structure(data: Any, cls: type[T], *, source: str = "input") -> T:
    """Typed value from plain data; a :class:`FormatError` lists every problem with its path."""
    try:
        return json_converter.structure(data, cls)
    except FormatError:
        raise
    except cattrs.BaseValidationError as exc:
        lines = cattrs.transform_error(exc, path="$", format_exception=_format)
        raise FormatError(f"{source}: " + "; ".join(lines)) from None
    except (GovBudgetError, ValueError, TypeError, KeyError) as exc:
        raise FormatError(f"{source}: $: {_format(exc, cls)}") from None
