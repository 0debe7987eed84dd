"""Type-checked by tests/test_typing.py, never run: the public API as mypy sees it.

Each ``reveal_type`` line states the type mypy must reveal (``# R: …``); each ``# E: code``
line must be a mypy error of that code.
"""

from __future__ import annotations

from typing import reveal_type

import govbudget as gb

ledger = gb.example_ledger()
reveal_type(ledger)  # R: govbudget.ledger.Ledger
reveal_type(gb.load_ledger)  # R: def (path: str | pathlib.Path, *, limits: govbudget.io.Limits | None =) -> govbudget.ledger.Ledger
reveal_type(gb.derive)  # R: def (ledger: govbudget.ledger.Ledger) -> govbudget.tables.Disclosure
reveal_type(gb.derive(ledger).table("05"))  # R: govbudget.tables.Table
reveal_type(gb.check(ledger))  # R: govbudget.rules.Report
reveal_type(gb.read)  # R: def (path: str | pathlib.Path) -> govbudget.published.Published
reveal_type(gb.read("report.txt").narrative)  # R: govbudget.text.Narrative | None
reveal_type(gb.catalog("functional", 2024)["2010301"])  # R: govbudget.classification.Subject
reveal_type(gb.topic_of("九、财政拨款“三公”经费支出决算情况说明"))  # R: govbudget.text.SectionTopic | None
reveal_type(gb.derive(ledger).tables)  # R: typing.Mapping[str, govbudget.tables.Table]
reveal_type(gb.Disclosure.table)  # R: def (self: govbudget.tables.Disclosure, table_id: str) -> govbudget.tables.Table
gb.derive("not a ledger")  # E: arg-type
gb.check(ledger, rules=3)  # E: arg-type
misspelt = gb.deriv  # E: attr-defined
