"""Derivation engines: how a ledger file becomes the nine tables.

* ``core`` — the standard library (:mod:`govbudget.fastcsv`), always available;
* ``duckdb`` — :mod:`govbudget.engines.duckdb`, with the ``govbudget[duckdb]`` extra: CSV and
  Parquet ledgers grouped by DuckDB with exact DECIMAL sums.

Every engine yields the same :class:`~govbudget.tables.Disclosure`; for a file that is not
canonical, or bad, the DuckDB engine hands over to the core path, so errors and their
locations are the core path's own.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING

from govbudget.errors import GovBudgetError

if TYPE_CHECKING:
    from govbudget.io import Limits
    from govbudget.tables import Disclosure

__all__ = ["AUTO_DUCKDB_BYTES", "ENGINES", "choose_engine", "derive_csv_with", "duckdb_available"]

ENGINES = ("auto", "core", "duckdb")

#: ``auto`` picks DuckDB (when installed) for files of at least this size: below it, DuckDB's
#: start-up (≈ 0.1–0.2 s to import and connect) outweighs what it saves.
AUTO_DUCKDB_BYTES = 8 * 1024 * 1024


def duckdb_available() -> bool:
    """True when the ``duckdb`` package is installed (the ``govbudget[duckdb]`` extra)."""
    return importlib.util.find_spec("duckdb") is not None


def choose_engine(path: str | Path, engine: str = "auto") -> str:
    """The engine that ``engine`` names for ``path``: ``core`` or ``duckdb``."""
    if engine not in ENGINES:
        raise GovBudgetError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    p = Path(path)
    if p.suffix.lower() == ".parquet":
        if engine == "core" or not duckdb_available():
            raise GovBudgetError(f"{p}: a Parquet ledger is read by the DuckDB engine: "
                                 "pip install 'govbudget[duckdb]' (and --engine auto or duckdb)")
        return "duckdb"
    if engine == "duckdb":
        if not duckdb_available():
            raise GovBudgetError("engine duckdb needs the duckdb package: pip install 'govbudget[duckdb]'")
        return "duckdb"
    if engine == "core":
        return "core"
    try:
        large = p.stat().st_size >= AUTO_DUCKDB_BYTES
    except OSError:
        large = False  # the core path reports the file that cannot be read
    return "duckdb" if large and duckdb_available() else "core"


def derive_csv_with(path: str | Path, engine: str = "auto", limits: Limits | None = None) -> Disclosure:
    """The nine tables from a ledger CSV (or, with DuckDB, Parquet) file, by ``engine``
    (``limits``: the bounds of :func:`govbudget.io.derive_csv`)."""
    if choose_engine(path, engine) == "duckdb":
        from govbudget.engines.duckdb import derive_file

        return derive_file(path, limits=limits)
    from govbudget.fastcsv import derive_csv_fast

    return derive_csv_fast(path, limits=limits)
