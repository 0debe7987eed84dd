"""The reporting commands of the CLI: ``report`` (and later ``check``, ``narrative``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO


def _load(path: str | None) -> Any:
    from govbudget.io import example_ledger, load_ledger

    return example_ledger() if path is None else load_ledger(path)


def cmd_report(args: argparse.Namespace, out: TextIO) -> int:
    from govbudget.render import render
    from govbudget.tables import derive

    disclosure = derive(_load(args.ledger))
    text = render(disclosure, args.format, args.table or None)
    if args.output:
        # CSV keeps its BOM for Excel; every format is written as UTF-8.
        Path(args.output).write_text(text, encoding="utf-8", newline="")
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        out.write(text.lstrip("\ufeff") if out is not sys.stdout or args.format != "csv" else text)
    return 0


def register(sub: Any) -> None:
    """Add the reporting sub-commands to the ``govbudget`` parser."""
    p = sub.add_parser(
        "report",
        help="derive and render the nine 公开 tables (default: the embedded example)",
        description="Derive the nine 部门决算公开 tables from a ledger (.json or .csv) and render "
        "them. Without LEDGER, the embedded example (三门峡市政务服务和大数据管理局 2023).",
    )
    p.add_argument("ledger", nargs="?", help="ledger file (.json or .csv)")
    p.add_argument("--format", choices=["text", "markdown", "csv", "json"], default="text")
    p.add_argument("--table", action="append", metavar="NN", help="only this table (repeatable)")
    p.add_argument("--output", "-o", help="write to this file instead of standard output")
    p.set_defaults(func=cmd_report)


__all__ = ["register"]
