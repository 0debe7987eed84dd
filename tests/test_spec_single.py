"""Each table's title, columns and fixed rows are written once in ``src/`` (issue #11).

The family modules (``govbudget/families/``) declare every table's official title, the titles
real reports print instead, the column headers and the fixed-row labels with their variants.
No other module may restate one of them as a string literal: it takes it from the spec.  This
test scans every string literal (docstrings aside) of ``src/govbudget`` outside ``families/``
and fails listing ``file:line`` for each that is one of those texts (compared after
:func:`govbudget.spec.normalise_label`, so ``一、事业收入`` and ``事业收入`` are one text).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from govbudget.spec import family, family_ids, normalise_label

SRC = Path(__file__).resolve().parent.parent / "src" / "govbudget"

#: Generic words that are a fixed row's or a column's label in some table but name no table
#: part by themselves, allowed anywhere: the total words the recogniser tells a total row from
#: a subject by (合计 / 总计 / 小计), and the family words a document says what it is by and
#: the text names its figures by (预算 / 决算, 预算数 / 决算数).
GENERIC = frozenset({"合计", "总计", "小计", "预算", "决算", "预算数", "决算数"})

#: Where a restated text is allowed, by module and top-level name, and why.  Each entry is a
#: known exception, not a place to add new ones.
ALLOWED: dict[tuple[str, str], str] = {
    # The owners: the ledger's persisted names of its income sources and natures (their values
    # are a file format); families/final.py builds 公开01's income rows, 公开02/03's columns and
    # 公开04's funds from them.
    ("govbudget/ledger.py", "IncomeSource"): "owner of the source names",
    ("govbudget/ledger.py", "Nature"): "owner of the nature names",
    # The budget ledger's persisted source names; families/budget.py builds 预算01/04's fund,
    # 财政专户 and 单位资金 rows and 预算02/11's columns from them.
    ("govbudget/budget/ledger.py", "BudgetSource"): "owner of the budget source names",
    # The 情况说明 vocabulary: section topics and the heading words that identify them
    # (三公经费, 机关运行经费, 基本支出 … as a section's subject, not a table's column).
    ("govbudget/text.py", "SectionTopic"): "section topics",
    ("govbudget/text.py", "_TOPIC_PATTERNS"): "section heading words",
    ("govbudget/text.py", "THREE_PUBLIC_ITEMS"): "the text's names of the 三公 items",
    # The 情况说明 grammar of both families (textread.py): regular expressions of the running
    # text's own wording, with variants tables never print (因公出国（境）经费, 拟采购货物 …).
    ("govbudget/textread.py", "_TP"): "the 情况说明 grammar",
    ("govbudget/textread.py", "_final_patterns"): "the 情况说明 grammar",
    ("govbudget/textread.py", "_INCOME_SOURCES"): "the 情况说明 grammar",
    ("govbudget/textread.py", "_NATURES"): "the 情况说明 grammar",
    ("govbudget/textread.py", "_THREE_PUBLIC"): "the 情况说明 grammar",
    ("govbudget/textread.py", "_budget_vocabulary"): "the 情况说明 grammar",
    # The 决算 vocabulary of the words around a figure (人员经费, 公务接待费, 机关运行经费 … as the
    # running text names a subject before its amount, with the text's own variants).
    ("govbudget/textread.py", "_final_vocabulary"): "the 情况说明 grammar",
    # The ledger's completeness messages name the ledger's parts (三公, 机关运行经费).
    ("govbudget/validate.py", "_missing"): "names of the ledger's parts",
    ("govbudget/validate.py", "_budget_missing"): "names of the budget ledger's parts",
    ("govbudget/validate.py", "_budget_prior"): "names of the budget ledger's parts",
    # The fill-in workbook is its own declared form (workbook.FINAL_SPEC: its sheets' Chinese
    # headers are the ledger's fields, declared once there).
    ("govbudget/workbook.py", "*"): "the fill-in workbook's own headers",
}


def _vocabulary() -> dict[str, str]:
    """Every declared text (normalised) → where it is declared (for the failure message)."""
    out: dict[str, str] = {}
    for fid in family_ids():
        fam = family(fid)
        for t in fam.recognised:
            where = f"{fid} {t.label} {t.title}"
            for text in (t.title, *t.aliases):
                out.setdefault(normalise_label(text), f"{where}: title")
            for c in (*t.columns, *t.extra_columns):
                for text in (c.title, c.title.split("·")[-1], *c.headers):
                    out.setdefault(normalise_label(text), f"{where}: column {c.key}")
            for r in (*t.rows, *t.foreign_rows):
                for text in (r.label, *r.labels):
                    if text:
                        out.setdefault(normalise_label(text), f"{where}: row {r.key}")
            for p in t.panels:
                out.setdefault(normalise_label(p.title), f"{where}: panel {p.key}")
    for generic in GENERIC:
        out.pop(generic, None)
    out.pop("", None)
    return out


def _literals(tree: ast.Module) -> Iterator[tuple[str, ast.Constant]]:
    """The string constants of a module with the top-level name they stand under (a function,
    class or assigned name), docstrings left out."""
    docstrings: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                docstrings.add(id(body[0].value))
        # A bare string statement is a comment-like docstring (an attribute's doc).
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            docstrings.add(id(node.value))
    for top in tree.body:
        if isinstance(top, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            name = top.name
        elif isinstance(top, (ast.Assign, ast.AnnAssign)):
            targets = top.targets if isinstance(top, ast.Assign) else [top.target]
            name = next((t.id for t in targets if isinstance(t, ast.Name)), "")
        else:
            name = ""
        for node in ast.walk(top):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                yield name, node


def _hits(root: Path) -> list[str]:
    vocabulary = _vocabulary()
    found = []
    for path in sorted(root.rglob("*.py")):
        if "families" in path.relative_to(root).parts:
            continue
        module = str(path.relative_to(root.parent))
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for name, node in _literals(tree):
            if (module, name) in ALLOWED or (module, "*") in ALLOWED:
                continue
            # A word set ("三公+决算") is split the way declarations write them; a formula
            # ("货物 + 工程 + 服务") is prose.
            words = node.value.split("+") if " " not in node.value else []
            for text in {node.value, *words}:
                where = vocabulary.get(normalise_label(text))
                if where is not None:
                    found.append((str(path.relative_to(root.parent)), node.lineno, f"{text!r} ({where})"))
    return [f"{file}:{line}: {what}" for file, line, what in sorted(set(found))]


def test_no_table_text_outside_the_family_modules() -> None:
    hits = _hits(SRC)
    assert not hits, "table titles, column headers or row labels restated outside families/:\n" + "\n".join(hits)


def test_the_scan_finds_a_restated_label(tmp_path: Path) -> None:
    """The scan itself can fail: a module restating a row label, a title and a header is caught,
    a docstring naming them is not."""
    pkg = tmp_path / "govbudget"
    (pkg / "families").mkdir(parents=True)
    (pkg / "families" / "x.py").write_text('LABEL = "上级补助收入"\n', encoding="utf-8")
    (pkg / "bad.py").write_text(
        '"""上级补助收入 in a docstring is fine."""\n'
        'A = {"一、上级补助收入": 1}\n'
        'B = "财政拨款“三公”经费支出决算表"\n'
        'C = "公务用车购置费+运行"\n'
        'D = "合计"\n', encoding="utf-8")
    hits = _hits(pkg)
    assert [h.split(":")[1] for h in hits] == ["2", "3", "4"], hits


def test_the_allowed_places_exist() -> None:
    """Every allowed (module, name) is still there: an entry outliving its code is dropped."""
    for module, name in ALLOWED:
        tree = ast.parse((SRC.parent / module).read_text(encoding="utf-8"))
        names = {n for n, _ in _literals(tree)}
        assert name == "*" or name in names, (module, name)
