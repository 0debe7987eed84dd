"""Check a published report: read its text, apply the rules, tell tails from errors.

Run: uv run python examples/check_report.py [REPORT.txt]
Without an argument it checks the seed report shipped with govbudget (三门峡 2023).
"""

from __future__ import annotations

import sys

from govbudget.io import example_published_text
from govbudget.readers import read, read_text
from govbudget.rules import check


def main(argv: list[str]) -> int:
    published = read(argv[0]) if argv else read_text(example_published_text(), source="seed report")
    report = check(published)
    for finding in report.errors:
        print(finding)
    tails = [f for f in report.infos if f.message_en.startswith("rounding tail")]
    print(f"{len(tails)} rounding tails (尾差), e.g. {tails[0].location}: {tails[0].stated} vs {tails[0].expected}"
          if tails else "no rounding tail")
    print(report.summary())
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
