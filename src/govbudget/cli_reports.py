"""The reporting commands of the CLI: ``report``, ``narrative``, ``validate``, ``check`` and
``rules``."""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from govbudget import cli_documents

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2


def _load(path: str | None, example: str | None = None, quiet: bool = True) -> Any:
    """The ledger of a command: a file (a 部门预算 ledger when its JSON has ``allocations``,
    or its workbook the 部门预算 sheets), else the embedded example of ``--example`` (``final``
    by default).  A large workbook is read with a progress bar (on a TTY, unless ``quiet``)."""
    if path is None:
        if example == "budget":
            from govbudget.budget.io import example_budget_ledger

            return example_budget_ledger()
        from govbudget.io import example_ledger

        return example_ledger()
    if path.lower().endswith((".xlsx", ".xlsm")):
        from govbudget.workbook import read_workbook

        return read_workbook(path, family="budget" if _is_budget_file(path) else "final", progress=not quiet)
    if _is_budget_file(path):
        from govbudget.budget.io import load_budget_ledger

        return load_budget_ledger(path)
    from govbudget.io import load_ledger

    return load_ledger(path)


def _is_budget_file(path: str) -> bool:
    """A 部门预算 ledger: JSON with ``allocations``, CSV with the budget header, or a fill-in
    workbook with the 部门预算 sheets."""
    if path.lower().endswith((".xlsx", ".xlsm")):
        from govbudget.workbook import workbook_family

        return workbook_family(path) == "budget"
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


def _check_output(args: argparse.Namespace) -> None:
    """Refuse a bad ``-o`` before any work: a missing directory, a directory, or an input."""
    if args.output:
        from govbudget.safeio import check_output_path

        check_output_path(args.output, [args.ledger] if args.ledger else [])


def _write(args: argparse.Namespace, text: str, out: TextIO) -> None:
    if args.output:
        from govbudget.safeio import atomic_write_text

        # CSV keeps its BOM for Excel; every format is written as UTF-8, atomically, and
        # never over an input.
        atomic_write_text(args.output, text, inputs=[args.ledger] if args.ledger else [])
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        out.write(text.lstrip("\ufeff") if out is not sys.stdout or args.format != "csv" else text)


def _table_ids(requested: list[str] | None) -> list[str] | None:
    """The ``--table`` ids, canonical (``5`` → ``05``) and each once, in the order given."""
    if not requested:
        return None
    from govbudget.errors import FormatError

    ids: list[str] = []
    for t in requested:
        digits = "".join(ch for ch in t if ch.isdigit())
        if not digits or len(digits) > 2:
            raise FormatError(f"--table {t!r}: a table id such as 05")
        canonical = digits.zfill(2)  # the table itself is looked up (and refused) by render
        if canonical not in ids:
            ids.append(canonical)
    return ids


def cmd_report(args: argparse.Namespace, out: TextIO) -> int:
    from govbudget.render import render

    _check_output(args)
    tables = _table_ids(args.table)
    whole_document = args.format == "markdown" and not tables
    document = args.format in cli_documents.FORMATS  # a workbook or a page, with the 情况说明
    suffix = args.ledger.lower().rsplit(".", 1)[-1] if args.ledger else ""
    if suffix == "parquet" and (whole_document or document):
        from govbudget.errors import FormatError

        raise FormatError(f"{args.ledger}: the narrative (第三部分) of a Parquet ledger is not "
                          "supported; give --table NN or another --format")
    if (suffix in ("csv", "parquet") and not whole_document and not document
            and not _is_budget_file(args.ledger)):
        # A CSV (or Parquet) ledger is streamed: memory is bounded by the subjects, not the
        # file size; --engine picks the standard library or DuckDB.
        from govbudget.io import derive_csv

        _write(args, render(derive_csv(args.ledger, engine=args.engine), args.format, tables), out)
        return EXIT_OK
    ledger = _load(args.ledger, args.example, args.quiet)
    if _is_budget(ledger):
        from govbudget.budget import narrative as budget_narrative
        from govbudget.budget.tables import derive as derive_budget

        bd = derive_budget(ledger)
        if document:
            cli_documents.write_document(args, out, bd.department, bd.fiscal_year,
                                         [bd.table(t) for t in tables] if tables else bd.tables.values(),
                                         family=bd.family)
            return EXIT_OK
        text = render(bd, args.format, tables)
        if whole_document:
            text = text.rstrip("\n") + "\n\n" + budget_narrative.to_markdown(
                budget_narrative.build(ledger, bd, balance_shares=args.balance_shares))
        _write(args, text, out)
        return EXIT_OK
    from govbudget.narrative import build, to_markdown

    disclosure = cli_documents.derive(ledger, args.quiet)  # with a progress bar for a large ledger
    if document:
        narrative = None if tables else build(ledger, disclosure, balance_shares=args.balance_shares)
        cli_documents.write_document(args, out, disclosure.department, disclosure.fiscal_year,
                                     [disclosure.table(t) for t in tables] if tables else disclosure.tables.values(),
                                     narrative=narrative, family=disclosure.family)
        return EXIT_OK
    text = render(disclosure, args.format, tables)
    if whole_document:
        # The Markdown report is the whole document: the tables, then 第三部分 情况说明.
        text = text.rstrip("\n") + "\n\n" + to_markdown(build(ledger, disclosure, balance_shares=args.balance_shares))
    _write(args, text, out)
    return EXIT_OK


def cmd_validate(args: argparse.Namespace, out: TextIO) -> int:
    from govbudget.validate import budget_ledger_findings, ledger_findings

    ledger = _load(args.ledger, args.example)
    findings = budget_ledger_findings(ledger) if _is_budget(ledger) else ledger_findings(ledger)
    levels = _LEVELS[args.level]
    shown = [f for f in findings if f.severity.value in levels]
    for f in shown:
        print(f, file=out)
    errors = sum(f.severity.value == "error" for f in findings)
    warnings = sum(f.severity.value == "warning" for f in findings)
    name = args.ledger or f"<example:{args.example}>"
    print(f"{name}: {errors} errors, {warnings} warnings", file=out)
    return EXIT_ERRORS if errors else EXIT_OK


_LEVELS = {"error": ("error",), "warning": ("error", "warning"), "info": ("error", "warning", "info")}


def cmd_narrative(args: argparse.Namespace, out: TextIO) -> int:
    from govbudget.narrative import build, to_json, to_markdown, to_text

    _check_output(args)
    ledger = _load(args.ledger, args.example, args.quiet)
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
    _write(args, text_of[args.format](n), out)
    if n.adjustments and args.format == "text":
        moved = "; ".join(f"{a.key} {a.rounded}% → {a.shown}%" for a in n.adjustments)
        print(f"舍位平衡 moved: {moved}", file=sys.stderr)
    return EXIT_OK


def _status(published: Any) -> str:
    """``read`` when every figure was placed and no line was left over, else ``partly read``."""
    cov = published.coverage
    left = any(f.rule.startswith("reader.") and f.severity.value != "info" for f in published.reader_findings)
    if left or (cov is not None and cov.cells_placed < cov.numeric_cells):
        return "partly read"
    return "read"


def cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    from govbudget.errors import GovBudgetError
    from govbudget.progress import Progress
    from govbudget.reading import combine
    from govbudget.rules import check

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
    elif args.output:
        _check_output_of_check(args, targets)
    if args.jobs > 1 and len(targets) > 1 and not args.as_one and args.format not in cli_documents.FORMATS:
        return _check_in_parallel(args, targets, out)
    batch = _Batch()
    read_ok: list[Any] = []
    progress = Progress(len(targets), "check", quiet=args.quiet or len(targets) < 2)
    for target in targets:
        progress.step(target)
        entry, published, message, problem = _read_one(target)
        if published is None:
            progress.interrupt()
        batch.add(target, entry, None, message, problem)
        if published is not None:
            read_ok.append(published)
    if args.as_one and read_ok:
        # One disclosure published as several documents (附件1 tables + 附件2 情况说明).
        read_ok = [combine(read_ok)]
    checked: list[Any] = []
    for published in read_ok:
        try:
            report = check(published)
        except GovBudgetError as exc:
            batch.add(published.source, None, None, f"{published.source}: cannot check: {exc}", "unchecked")
            continue
        batch.add(published.source, None, report, "", "")
        checked.append(published)
    progress.done()
    if args.format in cli_documents.FORMATS:
        if batch.reports:
            p = checked[0]
            cli_documents.write_document(args, out, p.department, p.fiscal_year, p.tables.values(),
                                         narrative=p.narrative, findings=batch.reports[0].findings,
                                         source=p.source, family=p.family)
        return batch.status
    return _emit(args, batch, targets, out)


class _Batch:
    """What ``check`` learns of its inputs, in order: their JSON ``inputs`` entries, the
    reports, the unreadable files and the exit status."""

    def __init__(self) -> None:
        self.inputs: list[dict[str, Any]] = []
        self.reports: list[Any] = []
        self.unreadable: list[tuple[str, str]] = []
        self.status = EXIT_OK

    def add(self, target: str, entry: dict[str, Any] | None, report: Any, message: str, problem: str) -> None:
        if entry is not None:
            self.inputs.append(entry)
        if message:
            print(message, file=sys.stderr)
        if problem:
            self.status = EXIT_UNREADABLE
            if problem == "unreadable" and entry is not None:
                self.unreadable.append((target, entry["message"]))
        if report is not None:
            self.reports.append(report)
            if report.errors and self.status == EXIT_OK:
                self.status = EXIT_ERRORS


def _emit(args: argparse.Namespace, batch: _Batch, targets: list[str], out: TextIO) -> int:
    """Print (or write to ``--output``) the findings as text or JSON; the exit status."""
    from govbudget.rules import to_json

    levels = _LEVELS[args.level]
    if args.format == "json":
        text = _check_json(to_json(batch.reports), levels, args.summary_only, batch.unreadable, batch.inputs)
    else:
        lines: list[str] = []
        for report in batch.reports:
            if not args.summary_only:
                lines += [str(f) for f in report.findings if f.severity.value in levels]
            lines.append(report.summary())
        text = "".join(f"{line}\n" for line in lines)
    if args.output:  # --output holds what would be printed (text or json)
        from govbudget.safeio import atomic_write_text

        atomic_write_text(args.output, text, inputs=[t for t in targets if not t.startswith("<example:")])
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        out.write(text)
    return batch.status


def _check_output_of_check(args: argparse.Namespace, targets: list[str]) -> None:
    """Refuse a bad ``check -o`` before any reading: a missing directory, a directory, or an input."""
    from govbudget.safeio import check_output_path

    check_output_path(args.output, [t for t in targets if not t.startswith("<example:")])


def _read_one(target: str) -> tuple[dict[str, Any], Any, str, str]:
    """Read one input as ``check`` does: (its entry of the JSON ``inputs``, the Published or
    None, the message for standard error, and ``"unreadable"``, ``"not a disclosure"`` or ``""``)."""
    from govbudget.errors import GovBudgetError
    from govbudget.readers import read, read_text
    from govbudget.reading import NotADisclosureError

    entry: dict[str, Any] = {"file": target}
    try:
        if target == "<example:budget>":
            from govbudget.budget.io import EXAMPLE_NAME, example_budget_published_text
            from govbudget.budget.reader import read_budget_text

            published = read_budget_text(example_budget_published_text(),
                                         source=f"example: {EXAMPLE_NAME} (published)")
        elif target == "<example:final>":
            from govbudget.io import example_published_text

            published = read_text(example_published_text(), source="example: 三门峡市政务服务和大数据管理局 2023 (published)")
        else:
            published = read(target)
    except NotADisclosureError as exc:
        entry.update(status="not a disclosure", message=str(exc))
        return entry, None, f"govbudget check: {exc}", "not a disclosure"
    except GovBudgetError as exc:
        entry.update(status="unreadable", message=str(exc))
        return entry, None, f"{target}: cannot read: {exc}", "unreadable"
    entry.update(status=_status(published), family=published.family)
    if published.coverage is not None:
        c = published.coverage
        entry.update(tables_printed=c.tables_printed, tables_recognised=c.tables_recognised,
                     figures=c.numeric_cells, figures_placed=c.cells_placed)
    return entry, published, "", ""


def check_one(target: str) -> tuple[dict[str, Any], Any, str, str]:
    """Read and check one input as ``check`` does (a top-level function, so that worker
    processes can run it): (its entry of the JSON ``inputs``, the report or None, the message
    for standard error, and ``"unreadable"``, ``"not a disclosure"``, ``"unchecked"`` or ``""``)."""
    from govbudget.errors import GovBudgetError
    from govbudget.rules import check

    entry, published, message, problem = _read_one(target)
    if published is None:
        return entry, None, message, problem
    try:
        return entry, check(published), "", ""
    except GovBudgetError as exc:
        return entry, None, f"{published.source}: cannot check: {exc}", "unchecked"


def _check_in_parallel(args: argparse.Namespace, targets: list[str], out: TextIO) -> int:
    """``check --jobs N``: each input read and checked in a worker process; the output is
    the serial one (inputs in order)."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=min(args.jobs, len(targets))) as pool:
        # Chunks amortise the hand-over between processes for batches of small files.
        results = list(pool.map(check_one, targets, chunksize=max(1, len(targets) // (4 * args.jobs))))
    batch = _Batch()
    for target, (entry, report, message, problem) in zip(targets, results, strict=True):
        batch.add(target, entry, report, message, problem)
    return _emit(args, batch, targets, out)


def _jobs(text: str) -> int:
    """``--jobs``: a count of processes; 0 is one per core."""
    import os

    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--jobs: {text!r} is not a number") from None
    if n < 0:
        raise argparse.ArgumentTypeError("--jobs: must be 0 (one per core) or more")
    return n or (os.cpu_count() or 1)


def _check_json(text: str, levels: tuple[str, ...], summary_only: bool,
                unreadable: list[tuple[str, str]], inputs: list[dict[str, Any]]) -> str:
    """The check JSON as --level and --summary-only ask (counts stay whole), with every input
    and its status (``"inputs"``) and the files that could not be read (``"unreadable"``:
    source and message)."""
    import json

    data = json.loads(text)
    for report in data["reports"]:
        if summary_only:
            del report["findings"]
        else:
            report["findings"] = [f for f in report["findings"] if f["severity"] in levels]
    data["inputs"] = inputs
    data["unreadable"] = [{"source": source, "error": message} for source, message in unreadable]
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


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
    p.add_argument("--quiet", "-q", action="store_true",
                   help="no progress bar for a large ledger or workbook")


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
    p.add_argument("--engine", choices=["auto", "core", "duckdb"], default="auto",
                   help="how a .csv/.parquet ledger is read: core (standard library), duckdb "
                   "(the govbudget[duckdb] extra), auto (DuckDB for large files when installed)")
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
        help="check published disclosures (PDF, HTML, XLSX, text, CSV or JSON) against the consistency rules",
        description="Read each FILE (a published PDF, HTML page or XLSX workbook — tables recognised in any "
        "layout —, a report's plain text, a CSV, a disclosure or ledger JSON), "
        "apply the rules and print the findings: rule id, severity, location, stated and "
        "expected values, message. Exit 0 when no file has an error, 1 when some has, 2 when "
        "a file cannot be read or is no disclosure. --format json lists every input with its status "
        "(read / partly read / not a disclosure / unreadable).",
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
                   help="lowest severity to print (default: info)")
    c.add_argument("--summary-only", action="store_true", help="one line per file (for batches)")
    c.add_argument("--as-one", action="store_true",
                   help="the FILEs are parts of one disclosure (e.g. tables and 情况说明 published apart): "
                        "read them together and check them as one")
    c.add_argument("--jobs", "-j", type=_jobs, default=1, metavar="N",
                   help="read and check the files in N parallel processes (0: one per core; "
                   "default 1; not with --as-one)")
    c.set_defaults(func=cmd_check)

    v = sub.add_parser(
        "validate",
        help="check a ledger for impossible, duplicated or missing facts",
        description="Load a ledger (.json, .csv or .xlsx, 部门决算 or 部门预算; without LEDGER, the "
        "embedded example of --example) and report "
        "what cannot be right (a negative 年末结转和结余, spending without income, a fact stated "
        "twice, contradicting counts, junk metadata) or is missing (三公, 政府采购, 国有资产, 上年数). "
        "Exit 0 when there is no error, 1 when there is one, 2 when the ledger cannot be read.",
    )
    v.add_argument("ledger", nargs="?", help="ledger file (.json, .csv or .xlsx; a 部门预算 ledger is recognised)")
    v.add_argument("--example", choices=EXAMPLES, default="final",
                   help="without LEDGER: the embedded example, final (部门决算, default) or budget (部门预算)")
    v.add_argument("--level", choices=["error", "warning", "info"], default="info",
                   help="lowest severity to print (default: info)")
    v.set_defaults(func=cmd_validate)

    r = sub.add_parser("rules", help="list the consistency rules", description="List the rule catalogue.")
    r.add_argument("--verbose", "-v", action="store_true", help="with English titles and equations")
    r.add_argument("--family", choices=EXAMPLES, default="final",
                   help="the rules of this disclosure family: final (部门决算, default) or budget (部门预算)")
    r.set_defaults(func=cmd_rules)


__all__ = ["register"]
