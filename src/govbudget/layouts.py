"""How published tables are recognised: a view of the family specs for the recogniser.

The recogniser (:mod:`govbudget.recognize`) reads tables through :class:`TableLayout`, computed
from the :class:`~govbudget.spec.TableSpec` declarations of both families (部门决算 ``final`` and
部门预算 ``budget``): the title word sets (:attr:`TableSpec.title_words`), the header word sets
of the columns (:attr:`ColumnSpec.words`, with the columns places print beyond the template),
and the label variants of the fixed rows (:attr:`RowSpec.labels`, with the rows places print
that are no row of the table).  Nothing is declared here: a new layout seen in a real report
is a new alias in the family module.

Matching is on folded text (:func:`govbudget.spec.fold`): full-width forms folded (NFKC),
spaces, quotes, brackets and colons removed, so ``“三公”经费`` and ``"三公"经费`` and
``三 公 经 费`` are one text.
"""

from __future__ import annotations

import functools

import attrs

from govbudget.spec import TableSpec, family, fold, normalise_label

__all__ = ["ColumnLayout", "TableLayout", "layouts", "match_header", "match_title"]

#: The families in the order a title of no stated family is tried (决算 first).
_FAMILIES = ("final", "budget")


@attrs.frozen
class ColumnLayout:
    """A column: its ``key`` and the header words that name it.  Each alias is a tuple of words
    that must all appear in the column's header path (the header cells above it, top-down)."""

    key: str
    aliases: tuple[tuple[str, ...], ...]
    side: str = ""
    #: words that must NOT be in the header path (e.g. 基本支出 vs 基本支出合计 of another panel)
    exclude: tuple[str, ...] = ()


@attrs.frozen
class TableLayout:
    """A table as the recogniser sees it: its family, its spec, and from the spec: ``id``,
    official ``title``, the title word sets (any set whose words all appear, none of
    ``exclude``), its ``shape``, the catalog scheme of its subject rows, its columns and the
    label variants of its fixed rows."""

    family: str
    spec: TableSpec
    id: str
    title: str
    title_words: tuple[tuple[str, ...], ...]
    shape: str
    scheme: str
    columns: tuple[ColumnLayout, ...]
    #: The fixed rows told by label: (key, folded label variants, side).
    rows: tuple[tuple[str, tuple[str, ...], str], ...]
    exclude: tuple[str, ...]
    optional: bool
    #: The key prefix of rows that are neither subjects nor fixed rows (收入总表's rows by unit
    #: ``unit:``, 项目支出表's projects ``project:``); ``label:`` when the layout says nothing.
    group: str
    #: Word sets that recognise the table by its header when no title is printed above it.
    header_words: tuple[tuple[str, ...], ...]


def _words(sets: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(fold(w) for w in s.split("+")) for s in sets)


def _layout(family_id: str, t: TableSpec) -> TableLayout:
    columns = tuple(ColumnLayout(c.key, _words(c.words), c.side, tuple(fold(w) for w in c.exclude))
                    for c in (*t.columns, *t.extra_columns) if c.words)
    named = [r for r in (*t.rows, *t.foreign_rows) if not r.is_blank]
    # Rows are told by label where a table has several fixed rows; a subject table's one 合计
    # is told by the total words, and a one-row table's row is its one data row, whatever
    # its label (several labelled rows there are not guessed into it: reading.py).
    rows = tuple((r.key, tuple(dict.fromkeys(fold(normalise_label(v)) for v in (r.label, *r.labels))), r.side)
                 for r in named) if len(named) > 1 else ()
    scheme = "economic" if t.subjects is not None and t.subjects.scheme.name.startswith("ECONOMIC") else "functional"
    return TableLayout(family_id, t, t.id, t.title, _words(t.title_words), t.shape, scheme, columns, rows,
                       tuple(fold(w) for w in t.title_exclude), t.optional, t.row_group, _words(t.header_words))


@functools.cache
def layouts() -> tuple[TableLayout, ...]:
    """Every table layout, in matching order (each family's :attr:`FamilySpec.recognised`)."""
    return tuple(_layout(fid, t) for fid in _FAMILIES for t in family(fid).recognised)


def match_title(text: str, family: str | None = None) -> TableLayout | None:
    """The layout whose title words a printed title contains (``None`` when none does).

    ``family`` is taken from the title itself when it names 决算 or 预算, else the given one."""
    t = fold(text)
    if not t.endswith(("表", "情况", "明细")) and "表" not in t[-8:]:
        return None
    fam = "final" if "决算" in t else "budget" if "预算" in t else family
    for lay in layouts():
        if fam and lay.family != fam:
            continue
        if any(w in t for w in lay.exclude):
            continue
        if any(all(w in t for w in words) for words in lay.title_words):
            return lay
    return None


def match_header(text: str, family: str | None = None) -> TableLayout | None:
    """The layout a grid's header names when no title is printed above it (``None`` if none)."""
    t = fold(text)
    for lay in layouts():
        if family and lay.family != family:
            continue
        if any(all(w in t for w in words) for words in lay.header_words):
            return lay
    return None
