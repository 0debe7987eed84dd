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

    conv.register_structure_hook(Decimal, structure_decimal)
    conv.register_unstructure_hook(Decimal, str)
    conv.register_unstructure_hook_factory(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), lambda _: lambda e: e.value
    )
    return conv


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
