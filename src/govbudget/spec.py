"""Disclosure families as declared data (公开表式): the one place a table's layout is defined.

A *family* (:class:`FamilySpec`: 部门决算, 部门预算) is a list of table specs in printed
order.  A *table spec* (:class:`TableSpec`) declares everything a disclosure table is as a
form, independently of any department's money:

- its id (``"05"`` → 公开05表), official title, and the titles real reports print instead;
- its columns (:class:`ColumnSpec`: key, title, 栏次, the header texts seen for it, side);
- its fixed rows (:class:`RowSpec`: key, label, label variants, side, whether printed before
  or after the subject rows) — their 行次 follow from the layout (:meth:`TableSpec.lines`);
- its subject rows (:class:`SubjectRows`: which catalog scheme and levels, whether every
  subject of the edition is printed or only those with money, the subjects the layout omits);
- its panels (:class:`PanelSpec`: 公开06's 人员经费 / 公用经费 and the 经济分类 类 each covers);
- the identities that hold by construction (:attr:`ColumnSpec.sum_of`, :attr:`RowSpec.sum_of`,
  :class:`Identity`, with :class:`Definition` for the other definitions real layouts use), from
  which the checker generates its rules.

Derivation, rendering, reading and checking follow the spec: nothing in them restates a
title, a column or a fixed row (``tests/test_spec_single.py`` enforces it).  The text readers
find tables by :meth:`FamilySpec.match_title` and rows and columns by
:meth:`TableSpec.match_row` / :meth:`TableSpec.match_column`; the recogniser of printed grids
(:mod:`govbudget.recognize`, through the view :mod:`govbudget.layouts`) by the word sets
declared here too (:attr:`TableSpec.title_words`, :attr:`ColumnSpec.words`, the columns and
rows places print beyond the template, the tables read but not derived in
:attr:`FamilySpec.recognition`).  Families are found by id (:func:`family`) and built once,
lazily (each is a module ``govbudget.families.<id>`` with a ``spec()`` function).

Every declaration that yields a rule may carry ``ref``: the id of the rule in the reference
(``../shared/spec/disclosure-tables.md`` §3, e.g. ``I01``), shown in ``docs/rules.md``.

Printed text is matched after :func:`normalise`: full-width forms folded (NFKC), spaces and
quotes dropped, brackets unified; labels also lose a leading ordinal (``一、``, ``（一）``);
the recogniser's word sets after :func:`fold` (brackets and colons dropped too).
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
import re
import unicodedata
from collections.abc import Iterator, Mapping

import attrs

from govbudget.classification import Level, Scheme, edition_for_year
from govbudget.errors import GovBudgetError
from govbudget.money import Unit

__all__ = [
    "SUBJECTS",
    "CellRef",
    "ColumnSpec",
    "Definition",
    "FamilySpec",
    "Identity",
    "PanelSpec",
    "RowSpec",
    "SubjectLink",
    "SubjectRows",
    "TableSpec",
    "family",
    "family_ids",
    "fold",
    "normalise",
    "normalise_label",
    "terms",
]

#: In :attr:`RowSpec.sum_of`: every top-level subject row of the row's side (or panel).
SUBJECTS = "@subjects"

_SPACES = re.compile(r"\s+")
_QUOTES = str.maketrans("", "", "“”‘’\"'「」『』*")
_PRINTED_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)")
_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|\([一二三四五六七八九十]+\)|\d+[、.．](?!\d))")


def normalise(text: str) -> str:
    """Printed text reduced for matching: NFKC (full-width → ASCII forms, so （） → ()),
    no whitespace, no quotes (“”""), brackets unified to ASCII ``()``."""
    folded = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    folded = folded.replace("【", "(").replace("】", ")").replace("〔", "(").replace("〕", ")")
    # Composed again: dropping a space can leave a combining mark next to a letter.
    return unicodedata.normalize("NFKC", _SPACES.sub("", folded))


def normalise_label(text: str) -> str:
    """A row label reduced for matching: :func:`normalise`, then a leading ordinal
    (``一、``, ``(一)``, ``1.``) removed."""
    return _ORDINAL.sub("", normalise(text), count=1)


_FOLD = str.maketrans("", "", "()[]<>《》:")


def fold(text: str) -> str:
    """Printed text as the recogniser matches words in it: :func:`normalise`, then brackets
    and colons dropped too (``(含专用结余)`` → ``含专用结余``, ``单位：`` → ``单位``), so a
    word set declared in the spec (:attr:`ColumnSpec.words`, :attr:`TableSpec.title_words`)
    is found whatever brackets a place prints around it."""
    return normalise(text).translate(_FOLD)


def terms(keys: tuple[str, ...]) -> Iterator[tuple[int, str]]:
    """``("a", "-b")`` → ``(1, "a"), (-1, "b")``: the signed terms of a declared sum."""
    for key in keys:
        yield (-1, key[1:]) if key.startswith("-") else (1, key)


def _variants(primary: str, variants: tuple[str, ...]) -> frozenset[str]:
    return frozenset(normalise_label(t) for t in (primary, *variants) if t)


@attrs.frozen
class ColumnSpec:
    """A column (栏): ``key`` (stable identifier), ``title`` as the template prints it,
    ``number`` (栏次), the other header texts seen for it in real reports, the ``side`` of a
    two-sided table (``income`` / ``expenditure``; ``""`` otherwise), the header ``group``
    it is printed under (公开09's 预算数 / 决算数), and ``sum_of``: the columns whose sum it
    is in every row (``"-key"`` subtracts), from which the row-sum rule is generated.

    For recognising a printed grid (:mod:`govbudget.recognize`), ``words``: the word sets that
    name the column in its header path (the header cells above it, top-down), each written
    ``"词+词"`` (every word must appear, after :func:`fold`); the longest set found wins.
    ``exclude``: words that must not be in the path (公务用车购置费 vs 运行维护费)."""

    key: str
    title: str
    number: int | None = None
    headers: tuple[str, ...] = ()
    side: str = ""
    group: str = ""
    sum_of: tuple[str, ...] = ()
    rule: str = ""
    ref: str = ""
    words: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    @property
    def word_sets(self) -> tuple[tuple[str, ...], ...]:
        """:attr:`words` split into their words."""
        return tuple(tuple(w.split("+")) for w in self.words)

    @functools.cached_property
    def _texts(self) -> frozenset[str]:
        short = self.title.split("·")[-1]
        return _variants(self.title, (short, *self.headers))

    def matches(self, header: str) -> bool:
        """Whether ``header`` (as printed) names this column."""
        return normalise_label(header) in self._texts


@attrs.frozen
class RowSpec:
    """A fixed row (行): ``key``, ``label`` as the template prints it (with its ordinal),
    other labels seen, the ``side`` (or panel), where it is printed (``place``: ``"head"``
    before the subject rows, ``"foot"`` after them), the row it is a sub-row of
    (``parent``; 公开04's three 年初 sub-rows), and ``sum_of``: the rows whose sum it is in
    every column of its side (``"-key"`` subtracts; :data:`SUBJECTS` = the side's 类 rows).
    A row with an empty label is a printed blank row (行次 but no values).  The rule
    generated from ``sum_of`` is named ``rule`` (default: the key, ``_`` → ``-``)."""

    key: str
    label: str
    labels: tuple[str, ...] = ()
    side: str = ""
    place: str = "foot"
    parent: str | None = None
    sum_of: tuple[str, ...] = ()
    rule: str = ""
    ref: str = ""

    @property
    def is_blank(self) -> bool:
        """A printed blank row (行次 only)."""
        return not self.label

    @property
    def bare_label(self) -> str:
        """The label without its ordinal, otherwise as printed (``二、财政专户管理资金收入`` →
        ``财政专户管理资金收入``): how a text names the row."""
        return _PRINTED_ORDINAL.sub("", self.label, count=1)

    @functools.cached_property
    def _texts(self) -> frozenset[str]:
        return _variants(self.label, self.labels)

    def matches(self, label: str) -> bool:
        """Whether ``label`` (as printed, ordinal or not) names this row."""
        return not self.is_blank and normalise_label(label) in self._texts


@attrs.frozen
class PanelSpec:
    """A panel of a table printed in parts side by side (公开06's 人员经费 | 公用经费):
    ``key`` (the rows' side), ``title``, the 经济分类 ``classes`` it covers in printed order,
    ``others``: whether any other 类 with money goes in this panel, and ``break_before``:
    the 类 that start a new printed column group within the panel (the seed prints 302
    alone, then 307/310/399 beside it)."""

    key: str
    title: str
    classes: tuple[str, ...]
    others: bool = False
    break_before: tuple[str, ...] = ()


@attrs.frozen
class SubjectRows:
    """Where a table's subject rows come from: the catalog ``scheme`` and ``levels``
    (in the edition of the ledger or report), the ``side`` they are printed on, whether
    every subject of those levels in the edition is printed (``fixed``: 公开01/04's 类 rows,
    公开06's 款) or only those with money, the subjects the layout omits even when fixed
    (``omit``: printed only if they carry money), ``ordinal``: labels printed as
    ``一、一般公共服务支出``, and ``rule``: the name of the rule 类 = Σ 款 (= Σ 项)
    generated for them."""

    scheme: Scheme
    levels: tuple[Level, ...]
    side: str = ""
    fixed: bool = False
    omit: tuple[str, ...] = ()
    ordinal: bool = False
    rule: str = "hierarchy"
    ref: str = ""


@attrs.frozen
class CellRef:
    """A cell named through the spec: table id, row key, column key, and the sign it enters
    a sum with.  Build it with :meth:`FamilySpec.cell` (which checks that it exists)."""

    table: str
    row: str
    column: str
    sign: int = 1

    def __neg__(self) -> CellRef:
        return attrs.evolve(self, sign=-self.sign)

    def __str__(self) -> str:
        return f"{'−' if self.sign < 0 else ''}公开{self.table}表[{self.row}, {self.column}]"


@attrs.frozen
class Definition:
    """One definition (口径) of an identity's right-hand side: its ``name`` as findings say it
    (``本年``, ``本年+上年结转``) and the signed cells it sums."""

    name: str
    right: tuple[CellRef, ...]


@attrs.frozen
class Identity:
    """A declared identity between cells: ``left`` = Σ ``right`` (signed).  Declared in a
    table spec (both sides of a 总表) or a family spec (totals across tables); the checker
    generates one rule per identity, with this ``id`` (namespaced by family and table).

    Where real layouts define the left-hand figure in more than one way (重庆's 收支总表 prints
    a fund's 拨款收入 with its 上年结转 in it, the template without), ``alternatives`` lists the
    other definitions and ``name`` names the one of ``right``: the identity holds if it holds
    under any of them, and a finding names each definition tried and its value."""

    id: str
    title: str
    left: CellRef
    right: tuple[CellRef, ...]
    ref: str = ""
    name: str = ""
    alternatives: tuple[Definition, ...] = ()

    @property
    def definitions(self) -> tuple[Definition, ...]:
        """Every definition of the right-hand side: ``right`` first, then the alternatives."""
        return (Definition(self.name, self.right), *self.alternatives)


@attrs.frozen
class SubjectLink:
    """For every subject row of ``left_table`` at ``level``: its ``left_column`` equals the
    same subject's ``right_column`` in ``right_table`` (e.g. 公开01 类 = 公开03 类 本年支出合计)."""

    id: str
    title: str
    left_table: str
    left_column: str
    right_table: str
    right_column: str
    level: Level = Level.CLASS
    ref: str = ""


@attrs.frozen
class TableSpec:
    """One disclosure table as a form (see the module docstring)."""

    id: str
    title: str
    columns: tuple[ColumnSpec, ...]
    rows: tuple[RowSpec, ...] = ()
    aliases: tuple[str, ...] = ()
    note: str = ""
    empty_statement: str | None = None
    unit: Unit = Unit.WAN
    two_sided: bool = False
    numbered: bool = False
    subjects: SubjectRows | None = None
    panels: tuple[PanelSpec, ...] = ()
    identities: tuple[Identity, ...] = ()
    optional: bool = False
    #: How the family names its tables: ``公开05表`` (部门决算), ``预算05表`` (部门预算).
    label_prefix: str = "公开"
    #: For recognising printed tables (:mod:`govbudget.recognize`): word sets (``"词+词"``)
    #: that name the table in a printed title, in any order and numbering (after :func:`fold`),
    #: and words that rule a title out (财政拨款收支总表 is no 收支总表).
    title_words: tuple[str, ...] = ()
    title_exclude: tuple[str, ...] = ()
    #: Word sets that recognise the table by its header when no title is printed above it.
    header_words: tuple[str, ...] = ()
    #: The key prefix of printed rows that are neither subjects nor fixed rows (rows by unit
    #: ``unit:``, by project ``project:``; ``label:`` when the table has none).
    row_group: str = "label:"
    #: Columns and rows places print in this table beyond the template (read and kept, never
    #: derived): 三公 printed with 机关运行经费, 广州 listing 上缴上级支出 among the 类 of a 总表.
    extra_columns: tuple[ColumnSpec, ...] = ()
    foreign_rows: tuple[RowSpec, ...] = ()

    @property
    def shape(self) -> str:
        """How the recogniser reads the table's rows: ``two_sided`` (a 总表), ``panels``,
        ``subjects`` (rows by subject code, unit or project), ``single_row`` (fixed rows
        only), ``other`` (no column declared: recognised so that it is accounted for)."""
        if self.two_sided:
            return "two_sided"
        if self.panels:
            return "panels"
        if self.subjects is not None or self.row_group != "label:":
            return "subjects"
        return "single_row" if self.columns else "other"

    @property
    def label(self) -> str:
        """``公开05表`` for table 05."""
        return f"{self.label_prefix}{self.id}表"

    @functools.cached_property
    def _titles(self) -> frozenset[str]:
        return _variants(self.title, self.aliases)

    def matches_title(self, text: str) -> bool:
        """Whether ``text`` (a printed title, with or without an ordinal) names this table."""
        return normalise_label(text) in self._titles

    @property
    def sides(self) -> tuple[str, ...]:
        """The sides in printed order: ``("income", "expenditure")`` for a 总表, the panel
        keys for a paneled table, ``("",)`` otherwise."""
        if self.panels:
            return tuple(p.key for p in self.panels)
        seen = tuple(dict.fromkeys(c.side for c in self.columns))
        return seen if self.two_sided else ("",)

    def columns_for(self, side: str = "") -> tuple[ColumnSpec, ...]:
        """The columns of one side (all columns of a one-sided or paneled table)."""
        found = self._columns_by_side.get(side)
        if found is None:
            found = tuple(c for c in self.columns if not c.side)
        return found

    @functools.cached_property
    def _columns_by_side(self) -> Mapping[str, tuple[ColumnSpec, ...]]:
        # Asked for once per derived row: computed once per spec.
        return {side: tuple(c for c in self.columns if c.side == side)
                for side in dict.fromkeys(c.side for c in self.columns)}

    def column(self, key: str, side: str | None = None) -> ColumnSpec:
        """The column with this key (on ``side`` when given); an error naming the table."""
        for c in self.columns if side is None else self.columns_for(side):
            if c.key == key:
                return c
        raise GovBudgetError(f"{self.label}: no column {key!r}" + (f" on side {side!r}" if side else ""))

    def column_sums(self, side: str = "") -> tuple[tuple[str, tuple[tuple[int, str], ...]], ...]:
        """The declared column sums of one side as ``(key, signed terms)``, each after the
        columns it sums (the order derivation computes them in)."""
        return self._column_sums[side if self.two_sided else ""]

    @functools.cached_property
    def _column_sums(self) -> Mapping[str, tuple[tuple[str, tuple[tuple[int, str], ...]], ...]]:
        out = {}
        for side in (self.sides if self.two_sided else ("",)):
            columns = self.columns_for(side)
            pending = [c for c in columns if c.sum_of]
            done = {c.key for c in columns} - {c.key for c in pending}
            plan: list[tuple[str, tuple[tuple[int, str], ...]]] = []
            while pending:
                ready = [c for c in pending if all(k in done for _, k in terms(c.sum_of))]
                if not ready:
                    raise GovBudgetError(f"{self.label}: columns {[c.key for c in pending]} sum columns "
                                         "the side lacks, or each other")
                for c in ready:
                    plan.append((c.key, tuple(terms(c.sum_of))))
                    done.add(c.key)
                    pending.remove(c)
            out[side] = tuple(plan)
        return out

    def has_column(self, key: str) -> bool:
        """Whether some side has a column ``key``."""
        return any(c.key == key for c in self.columns)

    def row(self, key: str) -> RowSpec:
        """The fixed row with this key; an error naming the table."""
        found = self.fixed_row(key)
        if found is None:
            raise GovBudgetError(f"{self.label}: no fixed row {key!r}")
        return found

    def fixed_row(self, key: str) -> RowSpec | None:
        """The fixed row with this key, or ``None`` (a subject row, or no such row)."""
        return self._rows_by_key.get(key)

    @functools.cached_property
    def _rows_by_key(self) -> Mapping[str, RowSpec]:
        # The first row of a key, as a scan finds it; asked for by every derived sum row.
        return {r.key: r for r in reversed(self.rows)}

    def rows_for(self, side: str = "", place: str | None = None) -> tuple[RowSpec, ...]:
        """The fixed rows of one side, in printed order (of one ``place`` when given)."""
        found = self._rows_by_place.get((side, place))
        if found is None:
            found = tuple(r for r in self.rows if r.side == side and (place is None or r.place == place))
        return found

    @functools.cached_property
    def _rows_by_place(self) -> Mapping[tuple[str, str | None], tuple[RowSpec, ...]]:
        # Asked for per side and place by every derivation: computed once per spec.
        sides = dict.fromkeys(r.side for r in self.rows)
        return {(side, place): tuple(r for r in self.rows if r.side == side and (place is None or r.place == place))
                for side in sides for place in ("head", "foot", None)}

    def match_row(self, label: str, side: str | None = None, parent: str | None = None) -> RowSpec | None:
        """The fixed row a printed label names (on ``side``, under ``parent`` when given)."""
        for r in self.rows:
            if (side is None or r.side == side) and r.parent == parent and r.matches(label):
                return r
        return None

    def match_column(self, header: str, side: str | None = None) -> ColumnSpec | None:
        """The column a printed header names (on ``side`` when given)."""
        for c in self.columns if side is None else self.columns_for(side):
            if c.matches(header):
                return c
        return None

    def panel_of(self, class_code: str) -> PanelSpec | None:
        """The panel a 类 is printed in: the panel listing it, else the ``others`` panel."""
        for p in self.panels:
            if class_code in p.classes:
                return p
        return next((p for p in self.panels if p.others), None)

    def lines(self, subject_count: int) -> dict[tuple[str, str], int]:
        """The 行次 of every fixed row (by ``(side, key)``) and of the ``n``-th subject row
        (``(side, "#n")``) when ``subject_count`` subject rows are printed.

        Sides are numbered one after the other.  Before its foot rows each side is padded
        with blank numbered rows (``(side, "pad#n")``) to the longest side's head and subject
        rows, so that the sides' foot rows face each other (the seed's 1–31 | 32–62)."""
        if not self.numbered:
            return {}
        # Asked for by every derivation, with the edition's (nearly constant) subject count.
        found = self._lines_memo.get(subject_count)
        if found is None:
            found = self._lines_memo[subject_count] = self._lines(subject_count)
        return dict(found)

    @functools.cached_property
    def _lines_memo(self) -> dict[int, dict[tuple[str, str], int]]:
        return {}

    def _lines(self, subject_count: int) -> dict[tuple[str, str], int]:
        subject_side = self.subjects.side if self.subjects else None
        body = {side: len(self.rows_for(side, "head")) + (subject_count if side == subject_side else 0)
                for side in self.sides}
        longest = max(body.values(), default=0)
        out: dict[tuple[str, str], int] = {}
        line = 1
        for side in self.sides:
            for r in self.rows_for(side, "head"):
                out[(side, r.key)] = line
                line += 1
            if side == subject_side:
                for n in range(subject_count):
                    out[(side, f"#{n}")] = line
                    line += 1
            for n in range(longest - body[side]):
                out[(side, f"pad#{n}")] = line
                line += 1
            for r in self.rows_for(side, "foot"):
                out[(side, r.key)] = line
                line += 1
        return out


@attrs.frozen
class FamilySpec:
    """A disclosure family: ``id`` (``"final"``, ``"budget"``), ``name`` (部门决算), its
    tables in printed order, the ``template_year`` whose central format it declares, and
    the identities and subject links across tables."""

    id: str
    name: str
    tables: tuple[TableSpec, ...]
    template_year: int
    identities: tuple[Identity, ...] = ()
    links: tuple[SubjectLink, ...] = ()
    #: The tables a printed title is matched against, in the order tried (the more specific
    #: titles first), with tables places print that the family does not derive (read so that
    #: their figures are accounted for); :attr:`tables` when empty.
    recognition: tuple[TableSpec, ...] = ()

    @property
    def recognised(self) -> tuple[TableSpec, ...]:
        """The tables recognised in printed documents, in matching order."""
        return self.recognition or self.tables

    @property
    def template_edition(self) -> int:
        """The catalog edition of the template year."""
        return edition_for_year(self.template_year)

    @functools.cached_property
    def _by_id(self) -> Mapping[str, TableSpec]:
        return {t.id: t for t in self.tables}

    @property
    def table_ids(self) -> tuple[str, ...]:
        """Table ids in printed order."""
        return tuple(t.id for t in self.tables)

    def table(self, table_id: str) -> TableSpec:
        """A table spec by id (``"05"``, ``"5"`` or ``"公开05表"``)."""
        digits = "".join(ch for ch in str(table_id) if ch.isdigit())
        key = digits.zfill(2) if digits else str(table_id)
        found = self._by_id.get(key)
        if found is None:
            raise GovBudgetError(f"{self.name}: no table {table_id!r}; tables are {', '.join(self.table_ids)}")
        return found

    def match_title(self, text: str) -> TableSpec | None:
        """The table a printed title names (official title or an alias), or ``None``."""
        return next((t for t in self.tables if t.matches_title(text)), None)

    def cell(self, table_id: str, row: str, column: str) -> CellRef:
        """A cell named through the spec, checked to exist: the table, its column, and a
        fixed row (a subject code is accepted for a table with subject rows)."""
        t = self.table(table_id)
        if any(r.key == row for r in t.rows):
            side = t.row(row).side
        elif t.subjects is not None and row.isdigit():
            side = t.subjects.side
        else:
            raise GovBudgetError(f"{t.label}: no row {row!r}")
        t.column(column, side if t.two_sided else None)
        return CellRef(t.id, row, column)


def family_ids() -> tuple[str, ...]:
    """The ids of the families shipped (one module each in :mod:`govbudget.families`)."""
    import govbudget.families as pkg

    return tuple(sorted(m.name for m in pkgutil.iter_modules(pkg.__path__) if not m.name.startswith("_")))


@functools.cache
def family(family_id: str = "final") -> FamilySpec:
    """The family spec ``family_id`` (``"final"`` 部门决算, ``"budget"`` 部门预算), built once."""
    if family_id not in family_ids():
        raise GovBudgetError(f"no disclosure family {family_id!r}; families are {', '.join(family_ids())}")
    module = importlib.import_module(f"govbudget.families.{family_id}")
    built = module.spec()
    if not isinstance(built, FamilySpec) or built.id != family_id:
        raise GovBudgetError(f"govbudget.families.{family_id}.spec() does not declare family {family_id!r}")
    return built
