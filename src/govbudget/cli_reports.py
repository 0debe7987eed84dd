"""The reporting commands of the CLI: ``report``, ``narrative``, ``check`` and ``rules``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from govbudget import cli_documents

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2


def _load(path: str | None, example: str | None = None) -> Any:
    """The ledger of a command: a file (a 部门预算 ledger when its JSON has ``allocations``),
    else the embedded example of ``--example`` (``final`` by default)."""
    if path is None:
        if example == "budget":
            from govbudget.budget.io import example_budget_ledger

            return example_budget_ledger()
        from govbudget.io import example_ledger

        return example_ledger()
    if _is_budget_file(path):
        from govbudget.budget.io import load_budget_ledger

        return load_budget_ledger(path)
    from govbudget.io import load_ledger

    return load_ledger(path)


def _is_budget_file(path: str) -> bool:
    """A 部门预算 ledger: JSON with ``allocations``, or CSV with the budget header."""
    if not path.lower().endswith((".json", ".csv")):
        return False
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError:
        return False  # the ledger loader reports the unreadable file
    if path.lower().endswith(".json"):
        return b'"allocations"' in head
    return b"carried_over" in head


def _is_budget(ledger: Any) -> bool:
    from govbudget.budget.ledger import BudgetLedger

    return isinstance(ledger, BudgetLedger)


def _write(args: argparse.Namespace, text: str, out: TextIO) -> None:
    if args.output:
        # CSV keeps its BOM for Excel; every format is written as UTF-8.
        Path(args.output).write_text(text, encoding="utf-8", newline="")
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        out.write(text.lstrip("\ufeff") if out is not sys.stdout or args.format != "csv" else text)


def cmd_report(args: argparse.Namespace, out: TextIO) -> int:
    from govbudget.narrative import build, to_markdown
    from govbudget.render import render

    ledger = _load(args.ledger, args.example)
    if _is_budget(ledger):
        from govbudget.budget import narrative as budget_narrative
        from govbudget.budget.tables import derive as derive_budget

        bd = derive_budget(ledger)
        if args.format in cli_documents.FORMATS:
            tables = [bd.table(t) for t in args.table] if args.table else bd.tables.values()
            cli_documents.write_document(args, out, bd.department, bd.fiscal_year, tables, family=bd.family)
            return EXIT_OK
        text = render(bd, args.format, args.table or None)
        if args.format == "markdown" and not args.table:
            text = text.rstrip("\n") + "\n\n" + budget_narrative.to_markdown(
                budget_narrative.build(ledger, bd, balance_shares=args.balance_shares))
        _write(args, text, out)
        return EXIT_OK
    disclosure = cli_documents.derive(ledger, args.quiet)
    if args.format in cli_documents.FORMATS:
        narrative = None if args.table else build(ledger, disclosure, balance_shares=args.balance_shares)
        tables = [disclosure.table(t) for t in args.table] if args.table else disclosure.tables.values()
        cli_documents.write_document(args, out, disclosure.department, disclosure.fiscal_year, tables,
                                     narrative=narrative, family=disclosure.family)
        return EXIT_OK
    text = render(disclosure, args.format, args.table or None)
    if args.format == "markdown" and not args.table:
        # The Markdown report is the whole document: the tables, then 第三部分 情况说明.
        text = text.rstrip("\n") + "\n\n" + to_markdown(build(ledger, disclosure, balance_shares=args.balance_shares))
    _write(args, text, out)
    return EXIT_OK


def cmd_narrative(args: argparse.Namespace, out: TextIO) -> int:
    from govbudget.narrative import build, to_json, to_markdown, to_text

    ledger = _load(args.ledger, args.example)
    if _is_budget(ledger):
        from govbudget.budget import narrative as budget_narrative

        n = budget_narrative.build(ledger, balance_shares=args.balance_shares)
        family = "budget"
        text_of = {"text": budget_narrative.to_text, "markdown": budget_narrative.to_markdown, "json": to_json}
    else:
        n = build(ledger, cli_documents.derive(ledger, args.quiet), balance_shares=args.balance_shares)
        family = "final"
        text_of = {"text": to_text, "markdown": to_markdown, "json": to_json}
    if args.format in cli_documents.FORMATS:
        cli_documents.write_document(args, out, n.department, n.fiscal_year, (), narrative=n, family=family)
        return EXIT_OK
    text = text_of[args.format](n)
    _write(args, text, out)
    if n.adjustments and args.format == "text":
        moved = "; ".join(f"{a.key} {a.rounded}% → {a.shown}%" for a in n.adjustments)
        print(f"舍位平衡 moved: {moved}", file=sys.stderr)
    return EXIT_OK


def cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    from govbudget.errors import GovBudgetError
    from govbudget.progress import Progress
    from govbudget.readers import read, read_text
    from govbudget.rules import Report, check

    targets: list[str] = list(args.files)
    example = args.example
    if example is not None and example not in EXAMPLES:
        # `check --example FILE`: the value is a file to check beside the default example.
        targets.insert(0, example)
        example = "final"
    if example:
        targets.insert(0, f"<example:{example}>")
    if not targets:
        print("govbudget check: give FILE(s) or --example", file=sys.stderr)
        return EXIT_UNREADABLE
    if args.format in cli_documents.FORMATS:
        cli_documents.check_output(args)
        if len(targets) != 1:
            print(f"govbudget check: --format {args.format} shows one document; give one FILE", file=sys.stderr)
            return EXIT_UNREADABLE
    reports: list[Report] = []
    checked: list[Any] = []
    status = EXIT_OK
    progress = Progress(len(targets), "check", quiet=args.quiet or len(targets) < 2)
    for target in targets:
        progress.step(target)
        published: Any = None  # what the document shows (the budget example is checked by its own reader)
        try:
            if target == "<example:budget>":
                from govbudget.budget.io import EXAMPLE_NAME, example_budget_published_text
                from govbudget.budget.reader import read_budget_text
                from govbudget.budget.rules import check_budget

                report = check_budget(read_budget_text(example_budget_published_text(),
                                                       source=f"example: {EXAMPLE_NAME} (published)"))
            elif target == "<example:final>":
                from govbudget.io import example_published_text

                published = read_text(example_published_text(), source="example: 三门峡市政务服务和大数据管理局 2023 (published)")
                report = check(published)
            else:
                published = read(target)
                report = check(published)
        except GovBudgetError as exc:
            progress.interrupt()
            print(f"{target}: cannot read: {exc}", file=sys.stderr)
            status = EXIT_UNREADABLE
            continue
        reports.append(report)
        checked.append(published)
        if report.errors and status == EXIT_OK:
            status = EXIT_ERRORS
    progress.done()
    if args.format in cli_documents.FORMATS and reports:
        p = checked[0]
        if p is None:
            print(f"govbudget check: --format {args.format} is not available for this document", file=sys.stderr)
            return EXIT_UNREADABLE
        cli_documents.write_document(args, out, p.department, p.fiscal_year, p.tables.values(),
                                     narrative=p.narrative, findings=reports[0].findings, source=p.source,
                                     family=p.family)
        return status
    if args.output:  # --output holds what would be printed (text or json)
        import io

        sink = io.StringIO()
        _check_output(args, reports, sink)
        _write(args, sink.getvalue(), out)
    else:
        _check_output(args, reports, out)
    return status


def _check_output(args: argparse.Namespace, reports: list[Any], out: TextIO) -> None:
    from govbudget.rules import to_json

    if args.format == "json":
        out.write(to_json(reports))
        return
    levels = {"error": ("error",), "warning": ("error", "warning"), "info": ("error", "warning", "info")}[args.level]
    for report in reports:
        shown = [f for f in report.findings if f.severity.value in levels]
        if not args.summary_only:
            for f in shown:
                print(f, file=out)
        print(report.summary(), file=out)


def cmd_rules(args: argparse.Namespace, out: TextIO) -> int:
    from govbudget.rules import family_rules

    for r in family_rules(args.family):
        print(f"{r.id:28} {r.severity.value:7} {r.title_zh}", file=out)
        if args.verbose:
            print(f"{'':28} {r.title_en}\n{'':28} {r.equation}", file=out)
    return EXIT_OK


EXAMPLES = ("final", "budget")


def _ledger_args(p: argparse.ArgumentParser, formats: list[str], balance_help: str) -> None:
    """The arguments of the commands that start from a ledger (report, narrative)."""
    p.add_argument("ledger", nargs="?",
                   help="ledger file (.json, .csv or .xlsx workbook; a 部门预算 ledger is recognised)")
    p.add_argument("--example", choices=EXAMPLES, default="final",
                   help="without LEDGER: the embedded example, final (三门峡 2023 部门决算, default) or "
                   "budget (广州市信访局 2026 部门预算)")
    p.add_argument("--format", choices=formats, default="text")
    p.add_argument("--balance-shares", action="store_true", help=balance_help)
    p.add_argument("--output", "-o", help="write to this file instead of standard output")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar for a large ledger")


def register(sub: Any) -> None:
    """Add the reporting sub-commands to the ``govbudget`` parser."""
    p = sub.add_parser(
        "report",
        help="derive and render the nine 公开 tables (default: the embedded example)",
        description="Derive the nine 部门决算公开 tables from a ledger (.json or .csv) and render "
        "them. Without LEDGER, the embedded example (三门峡市政务服务和大数据管理局 2023). "
        "--format markdown adds 第三部分 情况说明 after the tables.",
    )
    _ledger_args(p, ["text", "markdown", "csv", "json", *cli_documents.FORMATS],
                 "with markdown: shares in the text add up to exactly 100.00%% (舍位平衡)")
    p.add_argument("--table", action="append", metavar="NN", help="only this table (repeatable)")
    p.set_defaults(func=cmd_report)

    n = sub.add_parser(
        "narrative",
        help="generate the explanatory text (第三部分 情况说明) from a ledger",
        description="Generate the thirteen sections of 情况说明 from a ledger, every figure "
        "computed from exact 元 amounts. Without LEDGER, the embedded example.",
    )
    _ledger_args(n, ["text", "markdown", "json", *cli_documents.FORMATS],
                 "make the shares of each breakdown add up to exactly 100.00%% (舍位平衡) and report which moved")
    n.set_defaults(func=cmd_narrative)

    c = sub.add_parser(
        "check",
        help="check published disclosures (text, CSV or JSON) against the consistency rules",
        description="Read each FILE (a report's plain text, a CSV, a disclosure or ledger JSON), "
        "apply the rules and print the findings: rule id, severity, location, stated and "
        "expected values, message. Exit 0 when no file has an error, 1 when some has, 2 when "
        "a file cannot be read.",
    )
    c.add_argument("files", nargs="*", metavar="FILE")
    c.add_argument("--example", nargs="?", const="final", default=None, metavar="{final,budget}",
                   help="also check a shipped published report: final (三门峡 2023 部门决算, the default) "
                   "or budget (广州市信访局 2026 部门预算, read from its text)")
    c.add_argument("--format", choices=["text", "json", *cli_documents.FORMATS], default="text",
                   help="xlsx/html: one document, each finding marked on its cell (xlsx needs --output)")
    c.add_argument("--output", "-o", help="write to this file instead of standard output")
    c.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    c.add_argument("--level", choices=["error", "warning", "info"], default="info",
                   help="lowest severity to print (text format; default: info)")
    c.add_argument("--summary-only", action="store_true", help="one line per file (for batches)")
    c.set_defaults(func=cmd_check)

    r = sub.add_parser("rules", help="list the consistency rules", description="List the rule catalogue.")
    r.add_argument("--verbose", "-v", action="store_true", help="with English titles and equations")
    r.add_argument("--family", choices=EXAMPLES, default="final",
                   help="the rules of this disclosure family: final (部门决算, default) or budget (部门预算)")
    r.set_defaults(func=cmd_rules)


__all__ = ["register"]
