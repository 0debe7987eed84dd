"""The reporting commands of the CLI (report, check, narrative)."""

from __future__ import annotations

from typing import Any


def register(sub: Any) -> None:
    """Add the reporting sub-commands to the ``govbudget`` parser."""
