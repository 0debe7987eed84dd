"""Command line: ``govbudget subject|search|tree|report|check|narrative``.

Exit status: 0 found / no error, 1 not found / errors found, 2 bad usage or unreadable input
(see docs/errors.md).  No Python traceback reaches a user: every failure of the input is a
:class:`~govbudget.errors.GovBudgetError` and is printed as one line, with its location.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from govbudget import classification as cls
from govbudget.errors import GovBudgetError

EXIT_OK, EXIT_NOT_FOUND, EXIT_USAGE = 0, 1, 2


def _subject_json(subject: cls.Subject) -> dict[str, Any]:
    from govbudget.convert import unstructure

    data: dict[str, Any] = unstructure(subject)
    return data


def _dump(data: Any, out: TextIO) -> None:
    json.dump(data, out, ensure_ascii=False, indent=2)
    out.write("\n")


def _catalog_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scheme",
        default="functional",
        choices=[s.value for s in cls.Scheme],
        help="classification scheme (default: functional 支出功能分类)",
    )
    parser.add_argument(
        "--edition",
        type=int,
        default=None,
        help=f"catalog edition year (default {cls.DEFAULT_EDITION}; shipped: "
        f"{', '.join(map(str, cls.EDITIONS))})",
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def cmd_subject(args: argparse.Namespace, out: TextIO) -> int:
    catalog = cls.catalog(args.scheme, args.edition)
    subject = catalog.get(args.code)
    if subject is None:
        code = cls.normalize_code(args.code)
        suggestions = catalog.suggest(code)
        if args.json:
            _dump({"error": "unknown subject", "code": code, "suggestions": list(suggestions)}, out)
        else:
            print(f"{code}: not in {catalog.label}", file=out)
            for s in suggestions:
                print(f"  did you mean {s}?", file=out)
        return EXIT_NOT_FOUND
    if args.json:
        _dump(_subject_json(subject), out)
        return EXIT_OK
    p = subject.provenance
    print(f"{subject.code}  {subject.name}", file=out)
    print(f"  level:      {subject.level.value}", file=out)
    print(f"  path:       {' > '.join(catalog.path(subject.code))}", file=out)
    print(f"  scheme:     {catalog.label}", file=out)
    if subject.budget:
        print(f"  budget:     {subject.budget}", file=out)
    evidence = (
        f"confirmed by {len(p.confirmed_by)} document(s): {', '.join(p.confirmed_by[:5])}"
        + (" …" if len(p.confirmed_by) > 5 else "")
        if p.confirmed
        else f"compiled (confidence {p.confidence or 'unstated'}), not yet seen in a document"
    )
    print(f"  provenance: {evidence}", file=out)
    if p.note:
        print(f"  note:       {p.note}", file=out)
    return EXIT_OK


def cmd_search(args: argparse.Namespace, out: TextIO) -> int:
    catalog = cls.catalog(args.scheme, args.edition)
    hits = catalog.search(args.text, limit=args.limit)
    if args.json:
        _dump([{"match": h.match, **_subject_json(h.subject)} for h in hits], out)
    else:
        for h in hits:
            print(f"{h.subject.code:<8} {h.subject.name}  [{h.match}]", file=out)
        if not hits:
            print(f"no subject matches {args.text!r} in {catalog.label}", file=out)
    return EXIT_OK if hits else EXIT_NOT_FOUND


def cmd_tree(args: argparse.Namespace, out: TextIO) -> int:
    catalog = cls.catalog(args.scheme, args.edition)
    root: str | None = args.code
    if root is not None and catalog.get(root) is None:
        code = cls.normalize_code(root)
        print(f"{code}: not in {catalog.label}", file=out)
        for s in catalog.suggest(code):
            print(f"  did you mean {s}?", file=out)
        return EXIT_NOT_FOUND
    rows = list(catalog.tree(root, args.depth))
    if args.json:
        _dump(
            [{"depth": d, "code": s.code, "name": s.name, "level": s.level.value} for d, s in rows],
            out,
        )
    else:
        for depth, subject in rows:
            print(f"{'  ' * depth}{subject.code} {subject.name}", file=out)
    return EXIT_OK


def _positive(text: str) -> int:
    """An argparse type: an integer ≥ 1 (``--limit -1`` is refused, not taken as "all but one")."""
    n = _nonnegative(text)
    if n < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive integer")
    return n


def _nonnegative(text: str) -> int:
    """An argparse type: an integer ≥ 0."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is negative")
    return n


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="govbudget",
        description="政府收支分类科目 and 部门决算公开: subject look-up, tables, checks, narrative.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("subject", help="show one subject (科目) by code")
    p.add_argument("code")
    _catalog_args(p)
    p.set_defaults(func=cmd_subject)

    p = sub.add_parser("search", help="find subjects by name (also truncated) or code prefix")
    p.add_argument("text")
    p.add_argument("--limit", type=_positive, default=None, help="at most this many hits (≥ 1)")
    _catalog_args(p)
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("tree", help="print the subject tree (from a code, to a depth)")
    p.add_argument("code", nargs="?")
    p.add_argument("--depth", type=_nonnegative, default=None, help="levels below the root (≥ 0)")
    _catalog_args(p)
    p.set_defaults(func=cmd_tree)

    for register in _EXTRA_COMMANDS:
        register(sub)
    return parser


# Commands defined in other modules register here, so this module stays importable cheaply.
_EXTRA_COMMANDS: list[Callable[[Any], None]] = []


def _register_reporting(sub: Any) -> None:
    from govbudget import cli_reports

    cli_reports.register(sub)


_EXTRA_COMMANDS.append(_register_reporting)


def _register_documents(sub: Any) -> None:
    from govbudget import cli_documents

    cli_documents.register(sub)


_EXTRA_COMMANDS.append(_register_documents)


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Entry point of the ``govbudget`` command; returns the exit status."""
    out = out or sys.stdout
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or bad usage (2)
        return int(exc.code or 0)
    try:
        result: int = args.func(args, out)
        return result
    except GovBudgetError as exc:  # bad code, edition, file: the input is at fault
        print(f"govbudget: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # e.g. piped into `head`
        return EXIT_OK
    except (MemoryError, RecursionError) as exc:  # an input beyond what the machine can hold
        print(f"govbudget: input too large to process ({type(exc).__name__}); "
              "see the limits in docs/errors.md", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("govbudget: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
