"""The 部门预算 family: budget ledger, derived tables, 情况说明, rules and reading.

* :mod:`govbudget.budget.ledger` — :class:`BudgetLedger` (allocations by 项 × 款 × 性质 × 资金来源,
  the prior year's figures, the facts no table derives);
* :mod:`govbudget.budget.tables` — :func:`derive` → :class:`BudgetDisclosure`;
* :mod:`govbudget.budget.narrative` — the budget 情况说明, every figure computed;
* :mod:`govbudget.budget.rules` — the ``budget.*`` consistency rules;
* :mod:`govbudget.budget.reader` — a published budget's text read into tables and figures;
* :mod:`govbudget.budget.io` — JSON, and the embedded example (广州市信访局 2026).

The tables are declared in :mod:`govbudget.families.budget`.
"""
