#!/usr/bin/env python3
"""Regenerate the generated parts of ``docs/`` from the package itself.

Each generated block sits between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->`` markers.
``--check`` fails when a committed document is out of date (the tests run it).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import govbudget as gb  # noqa: E402
from govbudget.classification import Level, Scheme  # noqa: E402


def coverage_table() -> str:
    lines = [
        "| scheme | edition | 类 | 款 | 项 | total | confirmed | compiled (high / medium / low) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for scheme in Scheme:
        for edition in gb.EDITIONS:
            cat = gb.catalog(scheme, edition)
            levels = Counter(s.level for s in cat)
            confirmed = sum(1 for s in cat if s.provenance.confirmed)
            conf = Counter(s.provenance.confidence for s in cat if not s.provenance.confirmed)
            lines.append(
                f"| {scheme.value} ({scheme.chinese}) | {edition} | {levels[Level.CLASS]} | "
                f"{levels[Level.SECTION]} | {levels[Level.ITEM] or '–'} | {len(cat)} | {confirmed} | "
                f"{conf['high']} / {conf['medium']} / {conf['low']} |"
            )
    return "\n".join(lines)


GENERATORS: dict[str, tuple[str, Callable[[], str]]] = {
    "coverage": ("docs/classification.md", coverage_table),
}


def render(text: str, name: str, block: str) -> str:
    pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"gen_docs: markers for {name!r} missing")
    return pattern.sub(lambda m: m.group(1) + block + "\n" + m.group(2), text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    stale = []
    for name, (rel, gen) in GENERATORS.items():
        path = ROOT / rel
        if not path.exists():
            continue
        try:
            block = gen()
        except ImportError:
            continue
        old = path.read_text(encoding="utf-8")
        new = render(old, name, block)
        if new != old:
            if args.check:
                stale.append(rel)
            else:
                path.write_text(new, encoding="utf-8")
    if stale:
        print(f"gen_docs: out of date: {', '.join(stale)} (run scripts/gen_docs.py)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
