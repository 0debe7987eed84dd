"""Subject catalogs of the government revenue and expenditure classification (政府收支分类科目).

Four schemes are shipped, each in several editions (years):

* :attr:`Scheme.FUNCTIONAL` — 支出功能分类科目: 类 (3 digits) → 款 (5) → 项 (7);
* :attr:`Scheme.ECONOMIC_DEPARTMENT` — 部门预算支出经济分类科目: 类 (3, e.g. 301) → 款 (5);
* :attr:`Scheme.ECONOMIC_GOVERNMENT` — 政府预算支出经济分类科目: 类 (3, e.g. 501) → 款 (5);
* :attr:`Scheme.REVENUE` — 收入分类科目: 类 → 款 → 项.

Look-ups follow python-stdnum / pycountry::

    >>> from govbudget import catalog
    >>> fc = catalog("functional", 2024)
    >>> fc["2010301"].name
    '行政运行'
    >>> [s.name for s in fc.ancestors("2010301")]
    ['一般公共服务支出', '政府办公厅（室）及相关机构事务']

Catalogs are immutable, loaded lazily from the package's own data files on first use and
cached (thread-safe).  Every subject carries its :class:`Provenance`: *confirmed* (printed by
published documents, listed by id) or *compiled* (from knowledge of the MOF edition, with a
confidence).  A code absent from a catalog is *unknown to this catalog*, not necessarily
invalid: the collected data are not a complete official edition.
"""

from __future__ import annotations

import bisect
import enum
import itertools
import os
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from functools import cached_property

import attrs

from govbudget.errors import InvalidCodeError, UnknownEditionError, UnknownSubjectError

__all__ = [
    "DEFAULT_EDITION",
    "EDITIONS",
    "Catalog",
    "CrosswalkEntry",
    "Document",
    "EconomicMapping",
    "Level",
    "Provenance",
    "Relation",
    "Scheme",
    "Subject",
    "catalog",
    "compose",
    "crosswalk",
    "documents",
    "economic_mapping",
    "edition_for_year",
    "invert",
    "is_valid_code",
    "normalize_code",
]

#: Editions shipped, oldest first.  The 2026 edition is 2024 plus what 2026 documents print.
EDITIONS: tuple[int, ...] = (2024, 2026)
#: The edition used when none is given: the newest.
DEFAULT_EDITION: int = EDITIONS[-1]


class Scheme(enum.Enum):
    """A classification scheme (科目体系)."""

    FUNCTIONAL = "functional"
    ECONOMIC_DEPARTMENT = "economic-department"
    ECONOMIC_GOVERNMENT = "economic-government"
    REVENUE = "revenue"

    @property
    def chinese(self) -> str:
        """The scheme's Chinese name."""
        return _SCHEME_CHINESE[self]

    @property
    def max_level(self) -> Level:
        """The deepest level of the scheme (项 for functional and revenue, 款 for economic)."""
        return Level.SECTION if self.value.startswith("economic") else Level.ITEM

    @classmethod
    def parse(cls, value: Scheme | str) -> Scheme:
        """Accept a :class:`Scheme`, its value (``economic-department``) or name."""
        if isinstance(value, Scheme):
            return value
        if isinstance(value, str):
            key = value.strip().lower().replace("_", "-")
            for scheme in cls:
                if key in (scheme.value, scheme.name.lower().replace("_", "-")):
                    return scheme
        choices = ", ".join(s.value for s in cls)
        raise UnknownEditionError(f"unknown scheme {value!r}; choose one of {choices}")


_SCHEME_CHINESE = {
    Scheme.FUNCTIONAL: "支出功能分类科目",
    Scheme.ECONOMIC_DEPARTMENT: "部门预算支出经济分类科目",
    Scheme.ECONOMIC_GOVERNMENT: "政府预算支出经济分类科目",
    Scheme.REVENUE: "收入分类科目",
}
_SCHEME_FILE = {
    Scheme.FUNCTIONAL: "functional",
    Scheme.ECONOMIC_DEPARTMENT: "economic_department",
    Scheme.ECONOMIC_GOVERNMENT: "economic_government",
    Scheme.REVENUE: "revenue",
}


class Level(enum.Enum):
    """Level of a subject: 类 (class, 3 digits), 款 (section, 5), 项 (item, 7)."""

    CLASS = "类"
    SECTION = "款"
    ITEM = "项"

    @property
    def digits(self) -> int:
        """Number of digits of a code at this level."""
        return {"类": 3, "款": 5, "项": 7}[self.value]

    @classmethod
    def of_code(cls, code: str) -> Level:
        """The level implied by the length of a canonical code."""
        try:
            return {3: cls.CLASS, 5: cls.SECTION, 7: cls.ITEM}[len(code)]
        except KeyError:
            raise InvalidCodeError(
                f"code {code!r} has {len(code)} digits; expected 3, 5 or 7"
            ) from None


class Status(enum.Enum):
    """Evidence behind a subject: printed by documents, or compiled."""

    CONFIRMED = "confirmed"
    COMPILED = "compiled"


@attrs.frozen
class Provenance:
    """Where a subject comes from.

    ``status`` is ``confirmed`` when at least one published document prints the code with
    this name (``confirmed_by`` lists the document ids, see :func:`documents`), ``compiled``
    otherwise; ``confidence`` (high / medium / low) is the compiler's estimate; ``note`` keeps
    the curation remark, if any.
    """

    status: Status
    confirmed_by: tuple[str, ...] = ()
    confidence: str | None = None
    note: str | None = None

    @property
    def confirmed(self) -> bool:
        """True when a published document prints this subject."""
        return self.status is Status.CONFIRMED


@attrs.frozen
class Subject:
    """One subject (科目): a code and its name in one scheme and edition.

    ``parent`` is the code of the enclosing subject (the code minus its last two digits),
    ``None`` for a 类.  ``budget`` names the budget a functional or revenue subject belongs
    to (一般公共预算, 政府性基金预算, …) where the data say so.
    """

    scheme: Scheme
    edition: int
    code: str
    name: str
    level: Level
    parent: str | None
    provenance: Provenance = attrs.field(repr=False)
    budget: str | None = attrs.field(default=None, repr=False)

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


def _fold(text: str) -> str:
    """Fold a name for matching: NFKC (full/half-width), no spaces, lower case."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(text.split()).casefold()


_SEPARATORS = {" ", "-", ".", "\u3000", "\u00a0", "_", "/"}


def normalize_code(code: object) -> str:
    """Return the canonical form of a subject code, or raise :class:`InvalidCodeError`.

    Lenient input: full-width digits (``２０１０３０１``), spaces, hyphens, dots or slashes
    between digit groups (``201 03 01``, ``201-03-01``, ``201.03.01``).  Only ASCII or
    full-width digits are accepted (other scripts' digits such as ``٢٠١`` are refused), and
    the result must have 3, 5 or 7 digits.  Integers and floats are refused: a code is text
    (``2010301`` as a number would lose leading structure, and ``1e3`` is not a code).
    """
    if isinstance(code, bytes):
        raise InvalidCodeError(f"code must be text, not bytes: {code!r}")
    if not isinstance(code, str):
        raise InvalidCodeError(
            f"code must be a string such as '2010301', not {type(code).__name__} {code!r}"
        )
    if len(code) > 64:
        raise InvalidCodeError(f"code too long ({len(code)} characters): {code[:20]!r}…")
    digits = []
    for ch in code.strip():
        if ch in _SEPARATORS:
            continue
        if "0" <= ch <= "9":
            digits.append(ch)
        elif "０" <= ch <= "９":
            digits.append(chr(ord(ch) - 0xFEE0))
        else:
            raise InvalidCodeError(f"code {code!r}: character {ch!r} is not a digit")
    canonical = "".join(digits)
    if not canonical:
        raise InvalidCodeError(f"code {code!r} is empty")
    if len(canonical) not in (3, 5, 7):
        raise InvalidCodeError(
            f"code {code!r} has {len(canonical)} digits; a subject code has 3 (类), "
            "5 (款) or 7 (项) digits"
        )
    return canonical


def is_valid_code(code: object) -> bool:
    """True when :func:`normalize_code` accepts ``code``; never raises."""
    try:
        normalize_code(code)
    except InvalidCodeError:
        return False
    return True


@attrs.frozen
class SearchHit:
    """A search result: the subject and how it matched (exact, prefix, substring, code)."""

    subject: Subject
    match: str


_MATCH_RANK = {"code": 0, "exact": 1, "prefix": 2, "substring": 3}
# Suffixes added in narratives, e.g. 一般公共服务支出（类）: stripped before matching.
_LEVEL_MARKERS = ("(类)", "(款)", "(项)")


class Catalog:
    """An immutable catalog of one scheme and edition (e.g. 支出功能分类科目, 2024).

    Supports ``len``, iteration in code order, ``code in catalog`` (lenient codes accepted),
    ``catalog[code]`` (raises :class:`UnknownSubjectError` with suggestions) and
    :meth:`get` (returns ``None`` for an unknown code).
    """

    __slots__ = ("__dict__", "_by_code", "edition", "scheme")

    def __init__(self, scheme: Scheme, edition: int, subjects: tuple[Subject, ...]) -> None:
        self.scheme = scheme
        self.edition = edition
        self._by_code: dict[str, Subject] = {s.code: s for s in subjects}

    @cached_property
    def _children(self) -> dict[str | None, tuple[str, ...]]:
        # Built on first use, not at load: loading is on the path of the first lookup.
        children: dict[str | None, list[str]] = {}
        for s in self._by_code.values():
            children.setdefault(s.parent, []).append(s.code)
        return {k: tuple(sorted(v)) for k, v in children.items()}

    def __repr__(self) -> str:
        return f"<Catalog {self.scheme.value} {self.edition}: {len(self)} subjects>"

    def __len__(self) -> int:
        return len(self._by_code)

    def __iter__(self) -> Iterator[Subject]:
        return iter(sorted(self._by_code.values(), key=lambda s: s.code))

    def __contains__(self, code: object) -> bool:
        try:
            return normalize_code(code) in self._by_code
        except InvalidCodeError:
            return False

    def __getitem__(self, code: str) -> Subject:
        # A canonical code (the common case) is a key as it is; only others are normalised.
        found = self._by_code.get(code) if type(code) is str else None
        if found is not None:
            return found
        canonical = normalize_code(code)
        try:
            return self._by_code[canonical]
        except KeyError:
            raise UnknownSubjectError(canonical, self.label, self.suggest(canonical)) from None

    @property
    def label(self) -> str:
        """Human label, e.g. ``支出功能分类科目 (functional, 2024 edition)``."""
        return f"{self.scheme.chinese} ({self.scheme.value}, {self.edition} edition)"

    def get(self, code: str) -> Subject | None:
        """The subject with this code, or ``None`` if the catalog does not list it.

        A malformed code raises :class:`InvalidCodeError` (it could never be listed).
        """
        found = self._by_code.get(code) if type(code) is str else None
        return found if found is not None else self._by_code.get(normalize_code(code))

    def suggest(self, code: str, limit: int = 5) -> tuple[str, ...]:
        """Codes close to ``code``: same-length codes one or two digits away, best first."""
        import difflib  # only when a code is not found: kept off the import path

        pool = [c for c in self._by_code if len(c) == len(code)]
        close = difflib.get_close_matches(code, pool, n=limit * 2, cutoff=0.7)
        # Siblings (same parent) first: a typo in the last digits is the common slip.
        ranked = sorted(enumerate(close), key=lambda ic: (ic[1][:-2] != code[:-2], ic[0]))
        return tuple(f"{c} {self._by_code[c].name}" for _, c in ranked[:limit])

    # -- tree navigation ---------------------------------------------------------------
    def parent(self, code: str) -> Subject | None:
        """The enclosing subject (款 of a 项, 类 of a 款), ``None`` for a 类."""
        subject = self[code]
        return self._by_code[subject.parent] if subject.parent else None

    def children(self, code: str | None = None) -> tuple[Subject, ...]:
        """Direct children of ``code`` in code order; with no code, the 类."""
        key = None if code is None else self[code].code
        return tuple(self._by_code[c] for c in self._children.get(key, ()))

    def descendants(self, code: str) -> tuple[Subject, ...]:
        """All subjects below ``code`` (depth first, code order)."""
        out: list[Subject] = []
        for child in self.children(code):
            out.append(child)
            out.extend(self.descendants(child.code))
        return tuple(out)

    def ancestors(self, code: str) -> tuple[Subject, ...]:
        """The enclosing subjects from the 类 down, excluding ``code`` itself."""
        chain: list[Subject] = []
        subject = self[code]
        while subject.parent:
            subject = self._by_code[subject.parent]
            chain.append(subject)
        return tuple(reversed(chain))

    def path(self, code: str) -> tuple[str, ...]:
        """Names from the 类 down to ``code`` inclusive."""
        return (*(s.name for s in self.ancestors(code)), self[code].name)

    def tree(
        self, root: str | None = None, depth: int | None = None
    ) -> Iterator[tuple[int, Subject]]:
        """Walk the tree depth first, yielding ``(depth, subject)``.

        With ``root`` the walk starts at that subject (depth 0); without, at every 类.
        ``depth`` limits how many levels below the start are shown (0: the start only).
        """
        starts = (self[root],) if root is not None else self.children(None)

        def walk(subject: Subject, level: int) -> Iterator[tuple[int, Subject]]:
            yield level, subject
            if depth is None or level < depth:
                for child in self.children(subject.code):
                    yield from walk(child, level + 1)

        for start in starts:
            yield from walk(start, 0)

    # -- search --------------------------------------------------------------------------
    @cached_property
    def _folded(self) -> tuple[tuple[str, Subject], ...]:
        return tuple((_fold(s.name), s) for s in self)

    def search(self, text: str, limit: int | None = None) -> tuple[SearchHit, ...]:
        """Find subjects by name or code, ranked exact > prefix > substring, then by code.

        Names are compared after folding full/half-width forms and spaces, and a trailing
        level marker (``（类）``) is ignored.  A name cut short as printed in a narrow table
        column (``其他政府办公厅（室）及相关机构事务支``) is a prefix of the full name and
        is found.  A query made of digits matches codes by prefix.
        """
        if not isinstance(text, str):
            raise InvalidCodeError(f"search text must be a string, not {type(text).__name__}")
        query = _fold(text)
        for marker in _LEVEL_MARKERS:
            if query.endswith(marker):
                query = query[: -len(marker)]
        if not query:
            return ()
        hits: list[SearchHit] = []
        if is_valid_code(text) or (query.isdigit() and query.isascii()):
            prefix = normalize_code(text) if is_valid_code(text) else query
            hits.extend(SearchHit(s, "code") for s in self if s.code.startswith(prefix))
        for folded, subject in self._folded:
            if folded == query:
                hits.append(SearchHit(subject, "exact"))
            elif folded.startswith(query):
                hits.append(SearchHit(subject, "prefix"))
            elif query in folded:
                hits.append(SearchHit(subject, "substring"))
        hits.sort(key=lambda h: (_MATCH_RANK[h.match], h.subject.code))
        return tuple(hits[:limit] if limit is not None else hits)

    @cached_property
    def _names(self) -> tuple[dict[str, str], list[str], list[str]]:
        # Each name folded once, sorted, so that a look-up is a bisection, not a scan of the
        # catalog (a reader resolves many printed names: a long junk text took seconds).
        folded = {s.code: name for name, s in self._folded}
        pairs = sorted((name, code) for code, name in folded.items())
        return folded, [n for n, _ in pairs], [c for _, c in pairs]

    def resolve_name(self, printed: str, parent: str | None = None) -> tuple[Subject, ...]:
        """Subjects whose name equals ``printed`` or starts with it (a truncated print),
        optionally restricted to the children of ``parent``; in code order."""
        query = _fold(printed)
        if not query:
            return ()
        folded, names, codes = self._names
        # Every name starting with the query sorts between query and query + U+10FFFF.
        starting = codes[bisect.bisect_left(names, query):bisect.bisect_left(names, query + "\U0010ffff")]
        if parent:
            allowed = {s.code for s in self.children(parent)}
            starting = [c for c in starting if c in allowed]
        exact = sorted(c for c in starting if folded[c] == query)
        return tuple(self._by_code[c] for c in (exact or sorted(starting)))

    def name_matches(self, code: str, printed: str) -> bool:
        """True if ``printed`` is this subject's name, or the name cut short as printed."""
        subject = self.get(code)
        if subject is None:
            return False
        full, shown = _fold(subject.name), _fold(printed)
        return bool(shown) and full.startswith(shown)


# -- loading ---------------------------------------------------------------------------------
_DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
_LOCK = threading.Lock()
_CACHE: dict[object, object] = {}


def _data_lines(filename: str) -> Iterator[list[str]]:
    """Rows of a package data file (header comments skipped, first row = column names)."""
    # A plain file read: importlib.resources would add ~9 ms (tempfile, zipfile, …) to the
    # cold import; the package data always sits next to this module in a wheel install.
    with open(os.path.join(_DATA_DIR, filename), encoding="utf-8") as f:
        text = f.read()
    for line in text.splitlines():
        if line and not line.startswith("#"):
            yield line.split("\t")


def _cached(key: object, build: object) -> object:
    # Double-checked: the common path takes no lock; the first load happens once.
    try:
        return _CACHE[key]
    except KeyError:
        pass
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = build()  # type: ignore[operator]
        return _CACHE[key]


def _resolve_edition(edition: int | str | None) -> int:
    if edition is None:
        return DEFAULT_EDITION
    if isinstance(edition, bool) or not isinstance(edition, (int, str)):
        raise UnknownEditionError(f"edition must be a year such as 2024, not {edition!r}")
    try:
        year = int(edition)
    except ValueError:
        raise UnknownEditionError(f"edition {edition!r} is not a year") from None
    if year not in EDITIONS:
        shipped = ", ".join(map(str, EDITIONS))
        raise UnknownEditionError(
            f"no {year} edition shipped (editions: {shipped}); "
            f"use edition_for_year({year}) to pick the edition in force"
        )
    return year


def edition_for_year(year: int) -> int:
    """The shipped edition to use for a fiscal year: the newest edition not after ``year``,
    or the oldest shipped one for earlier years (the 2023 seed prints the 2024 codes)."""
    if isinstance(year, bool) or not isinstance(year, int):
        raise UnknownEditionError(f"year must be an int such as 2023, not {year!r}")
    candidates = [e for e in EDITIONS if e <= year]
    return candidates[-1] if candidates else EDITIONS[0]


def _load_catalog(scheme: Scheme, edition: int) -> Catalog:
    rows = _data_lines(f"{_SCHEME_FILE[scheme]}_{edition}.tsv")
    header = next(rows)
    # Column positions and enum members looked up once, not per row: loading is on the
    # path of the first lookup, which the benchmarks time.
    at = {name: i for i, name in enumerate(header)}
    i_code, i_name, i_level, i_parent = at["code"], at["name"], at["level"], at["parent"]
    i_status, i_by, i_conf, i_note, i_budget = (at["status"], at["confirmed_by"], at["confidence"],
                                                 at["note"], at["budget"])
    statuses = {s.value: s for s in Status}
    levels = {lv.value: lv for lv in Level}
    provenances: dict[tuple[str, ...], Provenance] = {}
    subjects = []
    for values in rows:
        if len(values) != len(header):
            raise ValueError(f"{_SCHEME_FILE[scheme]}_{edition}.tsv: row {values[:1]} has "
                             f"{len(values)} fields, expected {len(header)}")
        # Rows share few distinct provenances (611 of 1,665 in the 2024 功能分类): one object each.
        key = (values[i_status], values[i_by], values[i_conf], values[i_note])
        provenance = provenances.get(key)
        if provenance is None:
            by = values[i_by]
            provenance = provenances[key] = Provenance(
                statuses[values[i_status]], tuple(d for d in by.split(";") if d) if by else (),
                values[i_conf] or None, values[i_note] or None)
        subjects.append(Subject(scheme, edition, values[i_code], values[i_name], levels[values[i_level]],
                                values[i_parent] or None, provenance, values[i_budget] or None))
    return Catalog(scheme, edition, tuple(subjects))


def catalog(scheme: Scheme | str = Scheme.FUNCTIONAL, edition: int | str | None = None) -> Catalog:
    """The catalog of ``scheme`` in ``edition`` (default :data:`DEFAULT_EDITION`), cached."""
    resolved_scheme = Scheme.parse(scheme)
    year = _resolve_edition(edition)
    result = _cached(
        ("catalog", resolved_scheme, year), lambda: _load_catalog(resolved_scheme, year)
    )
    assert isinstance(result, Catalog)
    return result


# -- economic mapping, crosswalk, documents ------------------------------------------------
@attrs.frozen
class EconomicMapping:
    """One 部门预算经济分类 → 政府预算经济分类 correspondence (e.g. 30101 → 50101).

    A 部门 code may have two targets: the 机关（行政单位）口径 and the 事业单位口径 (see
    ``note``).  ``status``/``confidence`` give the evidence, as for subjects.
    """

    department_code: str
    government_code: str
    status: Status
    confidence: str | None
    note: str | None

    @property
    def for_institutions(self) -> bool:
        """True for the 事业单位口径 target (as opposed to the 机关 one)."""
        return bool(self.note and self.note.startswith("事业单位"))


def _load_mapping() -> tuple[EconomicMapping, ...]:
    rows = _data_lines("economic_mapping.tsv")
    header = next(rows)
    out = []
    for values in rows:
        r = dict(zip(header, values, strict=True))
        out.append(
            EconomicMapping(
                r["department_code"],
                r["government_code"],
                Status(r["status"]),
                r["compiled_confidence"] or None,
                r["note"] or None,
            )
        )
    return tuple(out)


def economic_mapping(
    department_code: str | None = None, government_code: str | None = None
) -> tuple[EconomicMapping, ...]:
    """The 部门 ↔ 政府 economic classification mapping, optionally filtered by either side.

    >>> [m.government_code for m in economic_mapping("30101")]
    ['50101', '50501']
    """
    rows = _cached("mapping", _load_mapping)
    assert isinstance(rows, tuple)
    dep = normalize_code(department_code) if department_code is not None else None
    gov = normalize_code(government_code) if government_code is not None else None
    return tuple(
        m
        for m in rows
        if (dep is None or m.department_code == dep) and (gov is None or m.government_code == gov)
    )


class Relation(enum.Enum):
    """How a code relates across two editions."""

    SAME = "same"
    RENAMED = "renamed"
    SPLIT = "split"
    MERGED = "merged"
    NEW = "new"
    WITHDRAWN = "withdrawn"


_REVERSED = {
    Relation.NEW: Relation.WITHDRAWN,
    Relation.WITHDRAWN: Relation.NEW,
    Relation.SPLIT: Relation.MERGED,
    Relation.MERGED: Relation.SPLIT,
}


@attrs.frozen
class CrosswalkEntry:
    """One row of an edition crosswalk: ``old_code`` (``None`` for a new code) in the older
    edition relates to ``new_code`` (``None`` when withdrawn) in the newer one."""

    scheme: Scheme
    from_edition: int
    to_edition: int
    from_code: str | None
    to_code: str | None
    relation: Relation
    from_name: str | None
    to_name: str | None


def _crosswalk_pairs() -> tuple[tuple[int, int], ...]:
    """The edition pairs with a shipped crosswalk file (``crosswalk_2024_2026.tsv``)."""
    pairs = []
    for name in sorted(os.listdir(_DATA_DIR)):
        m = re.fullmatch(r"crosswalk_(\d{4})_(\d{4})\.tsv", name)
        if m:
            pairs.append((int(m.group(1)), int(m.group(2))))
    return tuple(pairs)


def _load_crosswalk(a: int, b: int) -> tuple[CrosswalkEntry, ...]:
    rows = _data_lines(f"crosswalk_{a}_{b}.tsv")
    header = next(rows)
    out = []
    for values in rows:
        r = dict(zip(header, values, strict=True))
        out.append(
            CrosswalkEntry(
                Scheme.parse(r["scheme"]),
                a,
                b,
                r[f"code_{a}"] or None,
                r[f"code_{b}"] or None,
                Relation(r["relation"]),
                r[f"name_{a}"] or None,
                r[f"name_{b}"] or None,
            )
        )
    return tuple(out)


def invert(entries: Iterable[CrosswalkEntry]) -> tuple[CrosswalkEntry, ...]:
    """The crosswalk read the other way (new ↔ withdrawn, split ↔ merged)."""
    return tuple(
        CrosswalkEntry(e.scheme, e.to_edition, e.from_edition, e.to_code, e.from_code,
                       _REVERSED.get(e.relation, e.relation), e.to_name, e.from_name)
        for e in entries
    )


def compose(first: Sequence[CrosswalkEntry], second: Sequence[CrosswalkEntry]) -> tuple[CrosswalkEntry, ...]:
    """The crosswalk A → C from A → B and B → C (one scheme).

    A code of A follows each of its B codes into C; a code withdrawn on the way is withdrawn,
    a code new on the way is new.  The relation of each resulting pair is read from the
    composed links: a code that goes to several is ``split``, several that come to one are
    ``merged``, one to one is ``same`` when code and name are kept and ``renamed`` otherwise.
    A code of B that ``second`` does not place is an error (the data would be incomplete).
    """
    if not first or not second:
        raise UnknownEditionError("cannot compose an empty crosswalk")
    a, c = first[0].from_edition, second[0].to_edition
    by_from: dict[str, list[CrosswalkEntry]] = {}
    for e in second:
        if e.from_code is not None:
            by_from.setdefault(e.from_code, []).append(e)
    links: list[tuple[str | None, str | None, str | None, str | None]] = []
    for e in first:
        if e.to_code is None:
            links.append((e.from_code, None, e.from_name, None))
            continue
        following = by_from.get(e.to_code)
        if following is None:
            raise UnknownEditionError(
                f"crosswalk {e.to_edition}→{second[0].to_edition} does not place {e.scheme.value} "
                f"{e.to_code}; cannot compose {a}→{c}")
        links += [(e.from_code, f.to_code, e.from_name, f.to_name) for f in following]
    links += [(None, f.to_code, None, f.to_name) for f in second if f.from_code is None]
    # A code new in B and withdrawn before C never met A or C.
    links = [x for x in dict.fromkeys(links) if x[0] is not None or x[1] is not None]
    out_degree: dict[str, int] = {}
    in_degree: dict[str, int] = {}
    for old, new, _, _ in links:
        if old is not None and new is not None:
            out_degree[old] = out_degree.get(old, 0) + 1
            in_degree[new] = in_degree.get(new, 0) + 1
    scheme = first[0].scheme
    result = []
    for old, new, old_name, new_name in links:
        if old is None:
            relation = Relation.NEW
        elif new is None:
            relation = Relation.WITHDRAWN
        elif out_degree[old] > 1:
            relation = Relation.SPLIT
        elif in_degree[new] > 1:
            relation = Relation.MERGED
        elif old == new and old_name == new_name:
            relation = Relation.SAME
        else:
            relation = Relation.RENAMED
        result.append(CrosswalkEntry(scheme, a, c, old, new, relation, old_name, new_name))
    return tuple(result)


def _shipped_pairs() -> tuple[tuple[int, int], ...]:
    pairs = _cached("crosswalk-pairs", _crosswalk_pairs)
    assert isinstance(pairs, tuple)
    return pairs


def _step(scheme: Scheme, a: int, b: int) -> tuple[CrosswalkEntry, ...]:
    """The shipped crosswalk between two editions, either way round, for one scheme."""
    for x, y in ((a, b), (b, a)):
        if (x, y) in _shipped_pairs():
            rows = _cached(("crosswalk", x, y), lambda x=x, y=y: _load_crosswalk(x, y))
            assert isinstance(rows, tuple)
            own = tuple(e for e in rows if e.scheme is scheme)
            return own if (x, y) == (a, b) else invert(own)
    raise UnknownEditionError(f"no crosswalk between editions {a} and {b} is shipped")


def crosswalk(
    scheme: Scheme | str,
    from_edition: int | str,
    to_edition: int | str,
    *,
    changes_only: bool = False,
) -> tuple[CrosswalkEntry, ...]:
    """Relations of every code of ``scheme`` from one edition to another (either direction).

    Any two shipped editions are related: through the crosswalk between them when one is
    shipped, else composed (:func:`compose`) over the editions in between, each crosswalk read
    forwards or inverted (:func:`invert`).  With ``changes_only`` the ``same`` rows are left
    out, which gives the edition differences (renamed / new / withdrawn / split / merged).
    """
    resolved = Scheme.parse(scheme)
    a, b = _resolve_edition(from_edition), _resolve_edition(to_edition)
    if a == b:
        out: tuple[CrosswalkEntry, ...] = tuple(
            CrosswalkEntry(resolved, a, b, s.code, s.code, Relation.SAME, s.name, s.name)
            for s in catalog(resolved, a)
        )
    elif {(a, b), (b, a)} & set(_shipped_pairs()):
        out = _step(resolved, a, b)
    else:
        lo, hi = min(a, b), max(a, b)
        route = [e for e in EDITIONS if lo <= e <= hi]
        if a > b:
            route.reverse()
        out = _step(resolved, route[0], route[1])
        for x, y in itertools.pairwise(route[1:]):
            out = compose(out, _step(resolved, x, y))
    return tuple(e for e in out if not (changes_only and e.relation is Relation.SAME))


@attrs.frozen
class Document:
    """A published document cited as evidence in ``Provenance.confirmed_by``."""

    doc_id: str
    title: str
    year: int | None
    where: str


def _load_documents() -> dict[str, Document]:
    rows = _data_lines("documents.tsv")
    header = next(rows)
    out = {}
    for values in rows:
        r = dict(zip(header, values, strict=True))
        year = int(r["year"]) if r["year"].isdigit() else None
        out[r["doc_id"]] = Document(r["doc_id"], r["title"], year, r["where"])
    return out


def documents() -> dict[str, Document]:
    """The documents cited as evidence, by id (a copy; the cache stays untouched)."""
    docs = _cached("documents", _load_documents)
    assert isinstance(docs, dict)
    return dict(docs)
