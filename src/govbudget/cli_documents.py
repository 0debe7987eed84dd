"""The CLI's documents for people: ``init`` (the fill-in workbook) and the ``xlsx`` and
``html`` formats of ``report``, ``narrative`` and ``check``; the progress bar of a large
derivation.  Kept apart from :mod:`govbudget.cli_reports`, which calls in with one line per
command."""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TextIO

from govbudget.errors import GovBudgetError

__all__ = ["FORMATS", "derive", "register", "write_document"]

#: The formats written here (the others are rendered as text by :mod:`govbudget.render`).
FORMATS = ("xlsx", "html")
#: Ledgers of at least this many lines show a progress bar while they are derived (on a TTY).
PROGRESS_LINES = 200_000
#: Lines between two redraws of the bar.
PROGRESS_STEP = 4096


def check_output(args: argparse.Namespace) -> None:
    """A workbook is binary: ``--format xlsx`` needs ``--output``; and no input is ever
    overwritten by an output."""
    if args.format == "xlsx" and not args.output:
        raise GovBudgetError("--format xlsx writes a workbook: give --output FILE.xlsx")
    if args.output:
        from govbudget.safeio import check_output_path

        inputs = [getattr(args, "ledger", None), *getattr(args, "files", ())]
        check_output_path(args.output, [i for i in inputs if i and not i.startswith("<example:")])


def derive(ledger: Any, quiet: bool = False) -> Any:
    """The disclosure of ``ledger``, with a progress bar for a large one (TTY, not quiet)."""
    from govbudget.progress import Progress
    from govbudget.tables import derive as derive_all
    from govbudget.tables import derive_stream

    total = len(ledger.income) + len(ledger.expenditure)
    progress = Progress(total, "derive", quiet=quiet or total < PROGRESS_LINES)
    if not progress.enabled:
        return derive_all(ledger)

    def counted() -> Iterator[Any]:
        # The ledger was validated when loaded; the stream only adds the bar's count.
        lines = itertools.chain(ledger.income, ledger.expenditure)
        while chunk := list(itertools.islice(lines, PROGRESS_STEP)):
            yield from chunk
            progress.advance(len(chunk))

    try:
        return derive_stream(ledger.department, ledger.fiscal_year, ledger.edition, counted(),
                             ledger.balances, ledger.three_public)
    finally:
        progress.done()


def write_document(args: argparse.Namespace, out: TextIO, department: str, fiscal_year: int | None,
                   tables: Iterable[Any], *, narrative: Any = None, findings: Sequence[Any] | None = None,
                   source: str = "", family: str = "final") -> None:
    """Write the tables (and text, and findings) as ``args.format``: a workbook to
    ``args.output``, or a page to ``args.output`` or ``out``."""
    check_output(args)
    if args.format == "xlsx":
        from govbudget.xlsx_render import write_xlsx

        write_xlsx(args.output, department, fiscal_year, tables, narrative=narrative, findings=findings)
        print(f"wrote {args.output}", file=sys.stderr)
        return
    from govbudget.html_render import page

    text = page(department, fiscal_year, tables, narrative=narrative, findings=findings, source=source,
                family=family)
    if args.output:
        from govbudget.safeio import atomic_write_text

        inputs = [i for i in (getattr(args, "ledger", None), *getattr(args, "files", ())) if i]
        atomic_write_text(args.output, text, inputs=inputs)
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        out.write(text)


def cmd_init(args: argparse.Namespace, out: TextIO) -> int:
    from govbudget import workbook

    if args.example:
        if args.family == "budget":
            from govbudget.budget.io import example_budget_ledger

            example: Any = example_budget_ledger()
        else:
            from govbudget.io import example_ledger

            example = example_ledger()
        workbook.write_ledger(example, args.output, family=args.family, overwrite=args.force)
    else:
        workbook.write_template(args.output, family=args.family, edition=args.edition,
                                fiscal_year=args.year, overwrite=args.force)
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


def register(sub: Any) -> None:
    """Add ``init`` to the ``govbudget`` parser."""
    i = sub.add_parser(
        "init",
        help="write a fill-in workbook (.xlsx) for a ledger",
        description="Write the Excel workbook a finance clerk fills in: a sheet per kind of fact, "
        "Chinese headers over the 一体化 field names, drop-down lists of the edition's codes. "
        "--example writes the family's embedded example, filled in (三门峡 2023 部门决算; "
        "广州市信访局 2026 部门预算). Read it back with "
        "`govbudget report FILE.xlsx`.",
    )
    i.add_argument("--output", "-o", required=True, help="the workbook to write (.xlsx)")
    i.add_argument("--family", choices=["final", "budget"], default="final",
                   help="final 部门决算 (default) or budget 部门预算")
    i.add_argument("--example", action="store_true", help="the embedded example as a filled workbook")
    i.add_argument("--edition", type=int, default=None, help="catalog edition of the drop-down codes")
    i.add_argument("--year", type=int, default=None, help="fiscal year (default edition follows it)")
    i.add_argument("--force", action="store_true", help="overwrite an existing file")
    i.set_defaults(func=cmd_init)
