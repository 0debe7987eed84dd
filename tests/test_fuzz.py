"""The fuzz harness (issue #13 item 9): real documents and ledgers, mutated, fed to every reader
and entry point.  The only outcomes allowed are a result or a GovBudgetError, within a time
bound (and, in the thorough run, a memory bound).

Documents: the seed report as published (shipped with the package), the example ledger as JSON
and CSV, its disclosure as JSON and cell CSV, generated ledgers (tests/strategies.py), and, for
the thorough run, text extracted from the corpus PDFs (../shared/corpus) when given.

In CI the hypothesis tests run a few hundred cases (the ``ci`` profile).  The thorough run is a
plain loop, seeded, far faster than hypothesis per case::

    uv run python -m tests.test_fuzz --cases 100000 --log /work/notes/fuzz.log [--texts DIR]

It reports the cases run, the crashes (each with a reproducer file) and the slowest cases.
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from govbudget.cli import main
from govbudget.errors import GovBudgetError
from govbudget.io import (
    derive_csv,
    example_ledger,
    example_published_text,
    ledger_from_json,
    ledger_to_csv,
    ledger_to_json,
    load_ledger,
)
from govbudget.narrative import build, to_text
from govbudget.readers import read, read_csv, read_json, read_text
from govbudget.render import disclosure_from_json, render
from govbudget.rules import check
from govbudget.tables import derive

#: Per-case bound: a linear reader does any of these documents in well under a second.
CASE_SECONDS = 30

#: Characters a mutation inserts: the ones that matter to the readers (digits, full-width
#: digits, separators, CSV and JSON syntax, units, section markers, controls).
ALPHABET = (
    "0123456789０１２３４５６７８９-.,，。、：:;；%％（）()[]{}\"'\\\n\r\t \x00\ufeff"
    "万元亿类款项一二三四五六七八九十合计总计年度增加减少增长下降占持平支出收入"
)
TOKENS = (
    "9" * 400, "-1", "1e400", "NaN", "Infinity", "1.5", "null", "true", "[]", "{}", '"x"', "２０１０３０１",
    "201 03 01", "（类）", "（款）", "（项）", "万元", "%", "一、", "（一）", "第三部分", "公开01表", "\n\n",
    "#", ",,,,,,", "expenditure", "income", "three_public.budget.abroad", "narrative.reasons",
    "[" * 80, "{" * 80, '"' * 3, "\ufffd", "𠀀", "美元", "1,234,567.89", "0.00", "-0.00",
)


# -- the documents ----------------------------------------------------------------------------
def documents() -> dict[str, str]:
    """The clean documents, by kind (the kind decides the entry points)."""
    ledger = example_ledger()
    d = derive(ledger)
    return {
        "text": example_published_text(),
        "generated_text": to_text(build(ledger)),
        "ledger_json": ledger_to_json(ledger),
        "ledger_csv": ledger_to_csv(ledger),
        "disclosure_json": render(d, "json"),
        "cell_csv": render(d, "csv").lstrip("\ufeff"),
        "report_text": render(d, "text"),
    }


# -- mutations ---------------------------------------------------------------------------------
def _span(rng: random.Random, n: int) -> tuple[int, int]:
    a = rng.randrange(n + 1)
    return a, min(n, a + rng.choice((1, 2, 5, 20, 200, 2000)))


def mutate(rng: random.Random, text: str, rounds: int | None = None) -> str:
    """A few random edits: insert characters or tokens, delete, duplicate or swap spans, flip
    a digit, truncate, swap two lines, repeat a line many times."""
    for _ in range(rounds if rounds is not None else rng.choice((1, 1, 2, 3, 5))):
        n = len(text)
        op = rng.randrange(10)
        a, b = _span(rng, n)
        if op == 0:
            text = text[:a] + "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 8))) + text[a:]
        elif op == 1:
            text = text[:a] + rng.choice(TOKENS) + text[a:]
        elif op == 2:
            text = text[:a] + text[b:]
        elif op == 3:
            text = text[:b] + text[a:b] + text[b:]
        elif op == 4 and n:
            digits = [i for i in range(a, min(n, a + 400)) if text[i].isdigit()]
            if digits:
                i = rng.choice(digits)
                text = text[:i] + rng.choice("0123456789") + text[i + 1:]
        elif op == 5:
            text = text[:a]
        elif op == 6:
            lines = text.split("\n")
            if len(lines) > 2:
                i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
                lines[i], lines[j] = lines[j], lines[i]
                text = "\n".join(lines)
        elif op == 7:
            lines = text.split("\n")
            i = rng.randrange(len(lines))
            lines[i:i + 1] = [lines[i]] * rng.choice((2, 10, 300))
            text = "\n".join(lines)
        elif op == 8:
            text = text[:a] + text[a:b].upper().replace("0", "０") + text[b:]
        elif rng.random() < 0.1:  # rarely: a huge run (the linear-time readers are checked on it)
            text = text[:a] + rng.choice(("9" * 100_000, "1." * 20_000, "（类）" * 5_000, "万元" * 10_000))[:rng.choice((1_000, 100_000))] + text[b:]
    return text


_JSON_JUNK: tuple[object, ...] = (None, True, 0, -1, 10**17, "", "x", "２０１０３０１", "1e400", "NaN", [], {}, [None],
                                  {"x": 1}, "-5", "美元", "0.005")


def mutate_json(rng: random.Random, text: str, rounds: int = 1) -> str:
    """Structural edits of a JSON document: a value at a random path replaced by junk of
    another type, a key removed or added, a list entry duplicated or dropped."""
    data = json.loads(text)
    for _ in range(rounds):
        node: object = data
        path: list[object] = []
        while isinstance(node, (dict, list)) and node and rng.random() < 0.8:
            key: object = rng.choice(list(node)) if isinstance(node, dict) else rng.randrange(len(node))
            path.append(key)
            node = node[key]  # type: ignore[index]
        if not path:
            continue
        parent: object = data
        for key in path[:-1]:
            parent = parent[key]  # type: ignore[index]
        last = path[-1]
        op = rng.randrange(4)
        if op == 0:
            parent[last] = rng.choice(_JSON_JUNK)  # type: ignore[index]
        elif op == 1:
            del parent[last]  # type: ignore[attr-defined]
        elif op == 2 and isinstance(parent, dict):
            parent[rng.choice(("extra", "schema", "unit", "id", "exact"))] = rng.choice(_JSON_JUNK)
        elif isinstance(parent, list):
            parent.insert(int(last), parent[int(last)])  # type: ignore[call-overload]
    return json.dumps(data, ensure_ascii=False)


# -- the entry points ------------------------------------------------------------------------------
def _checked(p: object) -> object:
    return check(p)  # type: ignore[arg-type]


def _ledger_all(text: str, suffix: str) -> Callable[[], object]:
    def run() -> object:
        with tempfile.TemporaryDirectory() as tmp:
            p = Path(tmp) / f"l{suffix}"
            p.write_text(text, encoding="utf-8", errors="surrogatepass")
            ledger = load_ledger(p)
            d = derive(ledger)
            to_text(build(ledger, d))
            check(ledger)
            if suffix == ".csv":
                derive_csv(p)
            return d
    return run


def _cli(text: str, suffix: str, *argv: str) -> Callable[[], object]:
    def run() -> object:
        with tempfile.TemporaryDirectory() as tmp:
            p = Path(tmp) / f"in{suffix}"
            p.write_text(text, encoding="utf-8", errors="surrogatepass")
            err = io.StringIO()
            with contextlib.redirect_stderr(err):
                status = main([argv[0], str(p), *argv[1:]], out=io.StringIO())
            if status not in (0, 1, 2):
                raise AssertionError(f"exit status {status}")
            if "Traceback" in err.getvalue():
                raise AssertionError(err.getvalue())
            return status
    return run


def entry_points(kind: str, text: str) -> Iterator[tuple[str, Callable[[], object]]]:
    """The calls a document of ``kind`` is fed to (each must give a result or a GovBudgetError)."""
    if kind in ("text", "generated_text", "report_text"):
        yield "read_text+check", lambda: _checked(read_text(text, source="fuzz"))
        yield "cli check .txt", _cli(text, ".txt", "check", "--format", "json")
    elif kind == "ledger_json":
        yield "ledger_from_json", lambda: ledger_from_json(text, source="fuzz")
        yield "load+derive+build+check .json", _ledger_all(text, ".json")
        yield "read_json+check", lambda: _checked(read_json(text, source="fuzz"))
        yield "cli report .json", _cli(text, ".json", "report", "--format", "markdown")
    elif kind == "ledger_csv":
        yield "load+derive+build+check .csv", _ledger_all(text, ".csv")
        yield "cli report .csv", _cli(text, ".csv", "report", "--format", "json")
        yield "cli validate .csv", _cli(text, ".csv", "validate")
    elif kind == "disclosure_json":
        yield "disclosure_from_json", lambda: disclosure_from_json(text, source="fuzz")
        yield "read_json+check", lambda: _checked(read_json(text, source="fuzz"))
    elif kind == "cell_csv":
        yield "read_csv+check", lambda: _checked(read_csv(text, source="fuzz"))
        yield "cli check .csv", _cli(text, ".csv", "check")
    else:
        raise ValueError(kind)


@contextlib.contextmanager
def time_bound(seconds: int) -> Iterator[None]:
    """Fail a case that runs longer than ``seconds`` (a hang, not a timing measurement)."""
    def fail(*_: object) -> None:
        raise TimeoutError(f"case still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def run_case(call: Callable[[], object]) -> BaseException | None:
    """None when ``call`` gives a result or a GovBudgetError; the foreign exception otherwise."""
    try:
        with time_bound(CASE_SECONDS):
            call()
    except GovBudgetError:
        return None
    except Exception as exc:
        return exc
    return None


# -- CI: hypothesis, bounded by the profile ------------------------------------------------------
_DOCS: dict[str, str] = {}


def _docs() -> dict[str, str]:
    if not _DOCS:  # built once per process (a test-module cache, not library state)
        _DOCS.update(documents())
    return _DOCS


KINDS = ("text", "generated_text", "report_text", "ledger_json", "ledger_csv", "disclosure_json", "cell_csv")


@given(st.sampled_from(KINDS), st.randoms(use_true_random=False))
def test_mutated_documents_give_a_result_or_a_library_error(kind, rng):
    text = mutate(rng, _docs()[kind])
    for name, call in entry_points(kind, text):
        failure = run_case(call)
        assert failure is None, f"{name} on a mutated {kind}: {type(failure).__name__}: {failure}"


@given(st.sampled_from(("ledger_json", "disclosure_json")), st.randoms(use_true_random=False), st.integers(1, 4))
def test_structurally_mutated_json_gives_a_result_or_a_library_error(kind, rng, rounds):
    text = mutate_json(rng, _docs()[kind], rounds)
    for name, call in entry_points(kind, text):
        failure = run_case(call)
        assert failure is None, f"{name} on a structurally mutated {kind}: {type(failure).__name__}: {failure}"


@given(st.sampled_from(KINDS), st.text(max_size=300))
def test_arbitrary_text_gives_a_result_or_a_library_error(kind, text):
    for name, call in entry_points(kind, text):
        failure = run_case(call)
        assert failure is None, f"{name} on {text[:80]!r}: {type(failure).__name__}: {failure}"


@given(st.binary(max_size=400), st.sampled_from((".txt", ".csv", ".json")))
def test_arbitrary_bytes_as_a_file(data, suffix):
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / f"x{suffix}"
        p.write_bytes(data)
        for call in (lambda: read(p), lambda: load_ledger(p) if suffix != ".txt" else None,
                     lambda: derive_csv(p) if suffix == ".csv" else None):
            failure = run_case(call)
            assert failure is None, f"{type(failure).__name__}: {failure}"


def test_generated_ledgers_mutated():
    from hypothesis import given as given_

    from .strategies import full_ledgers

    @given_(full_ledgers(max_lines=8), st.randoms(use_true_random=False), st.booleans())
    def inner(ledger, rng, as_csv):
        text = mutate(rng, ledger_to_csv(ledger) if as_csv else ledger_to_json(ledger))
        kind = "ledger_csv" if as_csv else "ledger_json"
        for name, call in entry_points(kind, text):
            failure = run_case(call)
            assert failure is None, f"{name} on a mutated generated {kind}: {type(failure).__name__}: {failure}"

    inner()


# -- the thorough run -------------------------------------------------------------------------------
def _corpus_texts(folder: Path | None) -> list[str]:
    if folder is None or not folder.is_dir():
        return []
    return [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]


def thorough(cases: int, log: Path, seed: int, texts: Path | None) -> int:  # pragma: no cover - by hand
    """Run ``cases`` mutated cases; log counts, crashes and the slowest; 1 if any crash."""
    import resource

    # A memory bound for the whole run: a reader that grows without bound fails here.
    limit = 4 << 30
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    rng = random.Random(seed)
    docs = documents()
    corpus = _corpus_texts(texts)
    crashes: list[tuple[int, str, str, str]] = []
    slowest: list[tuple[float, int, str]] = []
    by_kind: dict[str, int] = {}
    crash_dir = log.parent / "fuzz-crashes"
    started = time.perf_counter()
    with log.open("a", encoding="utf-8") as out:
        out.write(f"\n# thorough fuzz run: {cases} cases, seed {seed}, corpus texts {len(corpus)}, "
                  f"started {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC\n")
        out.flush()
        for n in range(1, cases + 1):
            kind = rng.choice(KINDS + (("corpus",) * 2 if corpus else ()))
            base = rng.choice(corpus) if kind == "corpus" else docs[kind]
            if kind in ("ledger_json", "disclosure_json") and rng.random() < 0.5:
                text = mutate_json(rng, base, rng.randint(1, 4))
            else:
                text = mutate(rng, base)
            run_kind = "text" if kind == "corpus" else kind
            by_kind[kind] = by_kind.get(kind, 0) + 1
            # One entry point per case, drawn (the CLI ones, which repeat the library calls
            # through a file, a quarter as often): the case count is what a run can afford.
            points = list(entry_points(run_kind, text))
            weights = [1 if name.startswith("cli") else 4 for name, _ in points]
            for name, call in rng.choices(points, weights):
                t0 = time.perf_counter()
                failure = run_case(call)
                dt = time.perf_counter() - t0
                slowest = sorted([*slowest, (dt, n, f"{kind}/{name}")], reverse=True)[:5]
                if failure is not None:
                    crash_dir.mkdir(exist_ok=True)
                    repro = crash_dir / f"case-{n}-{kind}.txt"
                    repro.write_text(text, encoding="utf-8", errors="surrogatepass")
                    crashes.append((n, f"{kind}/{name}", f"{type(failure).__name__}: {str(failure)[:200]}", str(repro)))
                    out.write(f"CRASH case {n} {kind}/{name}: {crashes[-1][2]} ({repro})\n")
                    out.flush()
            if n % 5000 == 0 or n == cases:
                elapsed = time.perf_counter() - started
                out.write(f"progress: {n} cases, {len(crashes)} crashes, {elapsed:.0f} s, "
                          f"slowest {slowest[0][0]:.2f} s ({slowest[0][2]}, case {slowest[0][1]})\n")
                out.flush()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        out.write(f"done: {cases} cases ({', '.join(f'{k} {v}' for k, v in sorted(by_kind.items()))}), "
                  f"{len(crashes)} crashes, peak RSS {peak:.0f} MB, slowest: "
                  + "; ".join(f"{dt:.2f} s {what} (case {c})" for dt, c, what in slowest) + "\n")
    return 1 if crashes else 0


if __name__ == "__main__":  # pragma: no cover - by hand
    import argparse

    parser = argparse.ArgumentParser(description="thorough fuzz run of govbudget's readers and entry points")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--log", type=Path, default=Path("fuzz.log"))
    parser.add_argument("--texts", type=Path, default=None, help="folder of .txt texts extracted from the corpus")
    args = parser.parse_args()
    sys.exit(thorough(args.cases, args.log, args.seed, args.texts))


@given(st.lists(st.sampled_from(["report", "narrative", "validate", "check", "rules", "--table", "5", "05", "10", "x",
                                 "--format", "json", "csv", "markdown", "text", "xlsx", "-o", "--level", "error",
                                 "--summary-only", "--example", "--balance-shares", "/dev/null", "/nonexistent",
                                 "/tmp", "-", "--limit", "-1"]), min_size=1, max_size=6))
def test_the_reporting_commands_never_crash(argv):
    err = io.StringIO()
    with contextlib.redirect_stderr(err), tempfile.TemporaryDirectory() as tmp:
        # "-o" targets stay inside a temporary directory (never over a real file)
        argv = [str(Path(tmp) / "out") if a == "-" else a for a in argv]
        if "-o" in argv:
            i = argv.index("-o")
            argv = [*argv[: i + 1], str(Path(tmp) / "o.txt"), *argv[i + 2:]]
        status = main(argv, out=io.StringIO())
    assert status in (0, 1, 2), status
    assert "Traceback" not in err.getvalue()
