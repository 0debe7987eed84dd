"""The text renderer draws each table from the published layout (:func:`govbudget.layout.grid`):
one arrangement of a table's shape for text, Markdown, Excel and the web page."""

from __future__ import annotations

import attrs

from govbudget.budget.io import example_budget_ledger
from govbudget.budget.tables import derive as derive_budget
from govbudget.layout import grid
from govbudget.render import render, to_text


def _table_lines(text: str, title: str) -> list[str]:
    lines = text.splitlines()
    start = lines.index(title)
    end = next(i for i in range(start + 3, len(lines)) if not lines[i].strip())
    return lines[start + 3:end]


def test_an_empty_table_of_labelled_rows_prints_its_rows() -> None:
    """预算13表 with no procurement: its 货物类 / 工程类 / 服务类 / 合计 rows are the form and print
    blank (as the seed prints an empty table's rows), in the text and in the grid alike."""
    ledger = example_budget_ledger()
    assert ledger.procurement is not None
    none = {k: ledger.procurement.goods * 0 for k in ("goods", "works", "services")}
    ledger = attrs.evolve(ledger, procurement=attrs.evolve(ledger.procurement, **none))
    t13 = derive_budget(ledger).table("13")
    assert t13.is_empty
    body = _table_lines(to_text(derive_budget(ledger), [t13]), t13.title)
    # header (titles, 栏次), then one line per row, blank figures
    assert [line.split()[0] for line in body[2:]] == ["货物类", "工程类", "服务类", "合计"]
    assert all(len(line.split()) == 1 for line in body[2:])
    assert [c.text for c, *_ in grid(t13).body] == ["货物类", "工程类", "服务类", "合计"]


def test_the_text_shows_the_grids_cells() -> None:
    """Every figure cell of the grid is printed in the text at its row, in 万元 (the budget
    example's 预算07表 “三公”: one row under its grouped header)."""
    d = derive_budget(example_budget_ledger())
    t07 = d.table("07")
    g = grid(t07)
    text = render(d, "text", ["07"])
    (row,) = g.body
    figures = [f"{c.value / 10000:,.2f}" for c in row if c.value]
    printed = _table_lines(text, t07.title)[-1].split()
    assert printed == figures
