"""A five-minute tour: look up subjects, build a small ledger, derive and render tables."""

from decimal import Decimal

import govbudget as gb
from govbudget.ledger import ExpenditureLine, IncomeLine, IncomeSource, Ledger, Nature
from govbudget.render import render
from govbudget.tables import derive

fc = gb.catalog("functional", 2024)
print(fc["2010301"], "←", " > ".join(fc.path("2010301")))
print([str(h.subject) for h in fc.search("住房公积金", limit=3)])

GPB = IncomeSource.GENERAL_PUBLIC_BUDGET
ledger = Ledger(
    department="示例局",
    fiscal_year=2024,
    edition=gb.edition_for_year(2024),
    income=(IncomeLine(GPB, "2010301", Decimal("1234567.89")),),
    expenditure=(
        ExpenditureLine("2010301", "30101", Nature.BASIC, GPB, Decimal("1000000.00")),
        ExpenditureLine("2010301", "30201", Nature.BASIC, GPB, Decimal("234567.89")),
    ),
)
print(render(derive(ledger), "text", ["05", "06"]))
