"""The ledger (source facts) of one department's year, from which every table derives.

A user describes the year once, as facts, in 元 with exact ``Decimal`` amounts:

* :class:`IncomeLine` — 收入: a source (:class:`IncomeSource`) × 功能分类 项 × amount;
* :class:`ExpenditureLine` — 支出: 功能分类 项 × 部门预算经济分类 款 × :class:`Nature`
  × funding source × amount;
* :class:`Balances` — 年初结转和结余 (total, 财政拨款 by fund, 政府性基金 by 项),
  使用非财政拨款结余和专用结余, 结余分配; 年末 figures derive;
* :class:`ThreePublicExpenses` — “三公”经费 budget and actual per item, with counts;
* :class:`NarrativeFacts` — what the explanatory text needs and no table holds (prior year,
  年初预算 per 项, 机关运行经费, 政府采购, 国有资产, 绩效).

Every line names the unit (本级 or 所属单位) it belongs to; a department's disclosure is the
consolidation of its units.  :func:`validate` checks codes against the catalog of the
ledger's edition and names the line at fault.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

import attrs

from govbudget.classification import Level, Scheme, catalog, normalize_code
from govbudget.errors import InvalidCodeError, LedgerError
from govbudget.money import ZERO, in_wide_context, to_decimal

__all__ = [
    "AssetFacts",
    "Balances",
    "BudgetLine",
    "BudgetUnit",
    "ExpenditureLine",
    "IncomeLine",
    "IncomeSource",
    "Ledger",
    "NarrativeFacts",
    "Nature",
    "PerformanceFacts",
    "PriorYear",
    "ProcurementFacts",
    "ThreePublicAmounts",
    "ThreePublicExpenses",
    "validate",
]


def _amount(value: object) -> Decimal:
    return to_decimal(value)


def _nonnegative(_: object, attribute: attrs.Attribute[Decimal], value: Decimal) -> None:
    if value < 0:
        raise LedgerError(f"{attribute.name}: negative amount {value} is not allowed here")


def _amount_field() -> Decimal:
    """A non-negative amount field defaulting to zero (floats refused by the converter)."""
    field: Decimal = attrs.field(default=ZERO, converter=_amount, validator=_nonnegative)
    return field


def code(value: object) -> str:
    """A subject code (科目编码) in canonical form, as it enters a ledger: the catalog's lenient
    normalisation (full-width digits ``２０１０３０１``, spaces ``201 03 01``, dashes), so that one
    subject never gets two rows.  :class:`InvalidCodeError` when it is no code at all."""
    # Fast path: a canonical code is returned as is (this runs for every streamed line).
    if type(value) is str and len(value) in (3, 5, 7) and value.isascii() and value.isdigit():
        return value
    return normalize_code(value)


def _code_in(field: str, value: object) -> str:
    try:
        return code(value)
    except InvalidCodeError as exc:
        raise InvalidCodeError(f"{field}: {exc}") from None


_CODE_LENGTHS = frozenset((3, 5, 7))


def _function_code(value: object) -> str:
    """The converter of a 功能分类 code field: :func:`code`, its error naming the field."""
    # The fast path inline: this runs for every line of a streamed file.
    if type(value) is str and len(value) in _CODE_LENGTHS and value.isdigit() and value.isascii():
        return value
    return _code_in("function", value)


def _economic_code(value: object) -> str:
    """The converter of an 经济分类 code field: :func:`code`, its error naming the field."""
    if type(value) is str and len(value) in _CODE_LENGTHS and value.isdigit() and value.isascii():
        return value
    return _code_in("economic", value)


#: Plausible bounds of a fiscal year (会计年度): the classification exists since 2007.
YEAR_RANGE = (2000, 2100)


def _year(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if type(value) is not int:
        raise LedgerError(f"{attribute.name}: a year must be an integer such as 2023, not {type(value).__name__} {value!r}")
    lo, hi = YEAR_RANGE
    if not lo <= value <= hi:
        raise LedgerError(f"{attribute.name}: year {value} is out of range {lo}–{hi} (年度超出范围)")


def _text(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str):
        raise LedgerError(f"{attribute.name}: must be text, not {type(value).__name__} {value!r}")


def _name(obj: object, attribute: attrs.Attribute[str], value: str) -> None:
    _text(obj, attribute, value)
    if not value.strip():
        raise LedgerError(f"{attribute.name}: must not be empty (名称不能为空)")
    if len(value) > 200:
        raise LedgerError(f"{attribute.name}: {len(value)} characters is too long for a name (at most 200)")


def _optional_text(obj: object, attribute: attrs.Attribute[str | None], value: str | None) -> None:
    if value is not None and not isinstance(value, str):
        raise LedgerError(f"{attribute.name}: must be text or absent, not {type(value).__name__} {value!r}")


#: The largest count a disclosure can state (人次, 辆, 个): beyond it the figure is junk.
MAX_COUNT = 10_000_000


def _count_check(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if type(value) is not int:
        raise LedgerError(f"{attribute.name}: a count must be an integer, not {type(value).__name__} {value!r}")
    if not 0 <= value <= MAX_COUNT:
        raise LedgerError(f"{attribute.name}: count {value} is out of range 0–{MAX_COUNT} (数量超出范围)")


def _count_field() -> int:
    """A count (个, 人次, 辆, 台): a non-negative integer, zero by default."""
    field: int = attrs.field(default=0, validator=_count_check)
    return field


_Pairs = tuple[tuple[str, Any], ...]


def _check_pairs(kind: str) -> Callable[[object, attrs.Attribute[Any], _Pairs], None]:
    """Validator of a tuple of (name, value) pairs: value a count or text."""

    def check(_: object, attribute: attrs.Attribute[Any], value: _Pairs) -> None:
        for i, pair in enumerate(value):
            if not (isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], str)):
                raise LedgerError(f"{attribute.name}[{i}]: expected a (name, {kind}) pair, not {pair!r}")
            if kind == "count":
                _pair_count(attribute.name, i, pair[1])
            elif not isinstance(pair[1], str):
                raise LedgerError(f"{attribute.name}[{i}]: expected text, not {pair[1]!r}")

    return check


def _pair_count(name: str, i: int, value: object) -> None:
    if type(value) is not int or not 0 <= value <= MAX_COUNT:
        raise LedgerError(f"{name}[{i}]: count {value!r} is not an integer in 0–{MAX_COUNT}")


class IncomeSource(enum.Enum):
    """收入来源 — the eight income rows of 公开01表, in their printed order."""

    GENERAL_PUBLIC_BUDGET = "一般公共预算财政拨款"
    GOVERNMENT_FUND = "政府性基金预算财政拨款"
    STATE_CAPITAL = "国有资本经营预算财政拨款"
    SUPERIOR_SUBSIDY = "上级补助收入"
    BUSINESS = "事业收入"
    OPERATING = "经营收入"
    AFFILIATES = "附属单位上缴收入"
    OTHER = "其他收入"

    # Members are singletons compared by identity, so an identity hash is consistent with
    # equality; Enum's own __hash__ is Python code and was the hot spot of derivation.
    __hash__ = object.__hash__

    @property
    def is_fiscal(self) -> bool:
        """True for the three 财政拨款 sources (appropriations from the finance bureau)."""
        return self in FISCAL_SOURCES


FISCAL_SOURCES = (
    IncomeSource.GENERAL_PUBLIC_BUDGET,
    IncomeSource.GOVERNMENT_FUND,
    IncomeSource.STATE_CAPITAL,
)


class Nature(enum.Enum):
    """支出性质 — the expenditure columns of 公开03表, in their printed order."""

    BASIC = "基本支出"
    PROJECT = "项目支出"
    REMIT_TO_SUPERIOR = "上缴上级支出"
    OPERATING = "经营支出"
    SUBSIDY_TO_AFFILIATES = "对附属单位补助支出"

    __hash__ = object.__hash__  # identity hash, as for IncomeSource


@attrs.frozen
class BudgetUnit:
    """A budget unit consolidated in the disclosure: 本级 (the department itself) or a
    所属单位 (an affiliated unit)."""

    id: str = attrs.field(validator=_text)
    name: str = attrs.field(validator=_name)
    kind: str = attrs.field(default="本级", validator=_text)


@attrs.frozen
class IncomeLine:
    """One income fact (收入): ``amount`` 元 from ``source``, classified to 功能分类 项
    ``function``, received by ``unit``."""

    source: IncomeSource
    function: str = attrs.field(converter=_function_code)
    amount: Decimal = attrs.field(converter=_amount, validator=_nonnegative)
    unit: str = ""


@attrs.frozen
class ExpenditureLine:
    """One expenditure fact (支出): ``amount`` 元 spent under 功能分类 项 ``function`` and
    部门预算经济分类 款 ``economic``, as ``nature`` (基本/项目/…), funded by ``source``."""

    function: str = attrs.field(converter=_function_code)
    economic: str = attrs.field(converter=_economic_code)
    nature: Nature = attrs.field()
    source: IncomeSource
    amount: Decimal = attrs.field(converter=_amount, validator=_nonnegative)
    unit: str = ""


@attrs.frozen
class FunctionAmount:
    """An amount attached to a 功能分类 项 (e.g. 政府性基金 年初结转 by 项)."""

    function: str = attrs.field(converter=_function_code)
    amount: Decimal = attrs.field(converter=_amount, validator=_nonnegative)


@attrs.frozen
class Balances:
    """Carry-overs (结转和结余).  年末 figures are derived, never stated.

    ``opening_total`` is 年初结转和结余 of all funds; ``opening_fiscal`` the 年初财政拨款
    结转和结余 per fiscal source (a part of the total); ``opening_government_fund`` its
    政府性基金 part by 项 (for 公开07表; must add up to the 政府性基金 opening).
    """

    opening_total: Decimal = _amount_field()
    opening_fiscal: tuple[tuple[IncomeSource, Decimal], ...] = ()
    opening_government_fund: tuple[FunctionAmount, ...] = ()
    use_of_non_fiscal_balance: Decimal = attrs.field(
        default=ZERO, converter=_amount, validator=_nonnegative
    )
    balance_distribution: Decimal = attrs.field(
        default=ZERO, converter=_amount, validator=_nonnegative
    )

    def opening_for(self, source: IncomeSource) -> Decimal:
        """年初财政拨款结转和结余 of one fiscal source."""
        return sum((a for s, a in self.opening_fiscal if s is source), ZERO)


@attrs.frozen
class ThreePublicAmounts:
    """The four “三公”经费 items: 因公出国（境）费, 公务用车购置费, 公务用车运行维护费, 公务接待费."""

    abroad: Decimal = _amount_field()
    vehicle_purchase: Decimal = _amount_field()
    vehicle_operation: Decimal = _amount_field()
    reception: Decimal = _amount_field()

    @property
    @in_wide_context
    def vehicles(self) -> Decimal:
        """公务用车购置及运行维护费 = 购置 + 运行维护."""
        return self.vehicle_purchase + self.vehicle_operation

    @property
    @in_wide_context
    def total(self) -> Decimal:
        """“三公”经费合计 = 因公出国（境） + 公务用车 + 公务接待."""
        return self.abroad + self.vehicles + self.reception


@attrs.frozen
class ThreePublicExpenses:
    """“三公”经费 funded by 财政拨款: budget (预算数) and actual (决算数), with the counts the
    explanatory text reports."""

    budget: ThreePublicAmounts = ThreePublicAmounts()
    actual: ThreePublicAmounts = ThreePublicAmounts()
    prior_actual: ThreePublicAmounts | None = None
    groups_abroad: int = _count_field()
    people_abroad: int = _count_field()
    vehicles_purchased: int = _count_field()
    vehicles_held: int = _count_field()
    foreign_reception_groups: int = _count_field()
    foreign_reception_people: int = _count_field()
    #: 外宾接待支出: the part of the actual 公务接待费 spent on foreign guests (the rest is
    #: 国内公务接待); checked to be at most the actual 公务接待费.
    foreign_reception: Decimal = _amount_field()
    domestic_reception_groups: int = _count_field()
    domestic_reception_people: int = _count_field()


@attrs.frozen
class PriorYear:
    """Last year's figures the text compares with (与上年度相比)."""

    total: Decimal | None = attrs.field(default=None, converter=attrs.converters.optional(_amount))
    fiscal_total: Decimal | None = attrs.field(
        default=None, converter=attrs.converters.optional(_amount)
    )
    general_public_expenditure: Decimal | None = attrs.field(
        default=None, converter=attrs.converters.optional(_amount)
    )


@attrs.frozen
class BudgetLine:
    """年初预算 of one 功能分类 项 (一般公共预算财政拨款), with the reason (主要原因) the text
    gives for the difference between budget and actual."""

    function: str = attrs.field(converter=_function_code)
    amount: Decimal = attrs.field(converter=_amount, validator=_nonnegative)
    reason: str | None = attrs.field(default=None, validator=_optional_text)


@attrs.frozen
class ProcurementFacts:
    """政府采购: goods, works, services; amounts awarded to SMEs and to small/micro firms."""

    goods: Decimal = _amount_field()
    works: Decimal = _amount_field()
    services: Decimal = _amount_field()
    to_sme: Decimal = _amount_field()
    to_small_micro: Decimal = _amount_field()

    @property
    @in_wide_context
    def total(self) -> Decimal:
        """政府采购支出总额 = 货物 + 工程 + 服务."""
        return self.goods + self.works + self.services


#: The vehicle categories of 国有资产占用情况, in printed order.
VEHICLE_CATEGORIES = (
    "副部（省级）领导干部用车", "主要负责人用车", "机要通信用车", "应急保障车",
    "执法执勤用车", "特种专业技术用车", "离退休干部用车", "其他用车",
)


@attrs.frozen
class AssetFacts:
    """国有资产占用: vehicles by category (counts) and equipment of 100 万元 or more."""

    vehicles: tuple[tuple[str, int], ...] = attrs.field(
        default=tuple((c, 0) for c in VEHICLE_CATEGORIES), validator=_check_pairs("count"))
    large_equipment: int = _count_field()

    @property
    def vehicle_total(self) -> int:
        """车辆 total = Σ categories."""
        return sum(n for _, n in self.vehicles)


@attrs.frozen
class PerformanceFacts:
    """预算绩效: counts the text reports."""

    projects_with_targets: int = _count_field()
    projects_self_evaluated: int = _count_field()
    self_evaluation_ratings: tuple[tuple[str, int], ...] = attrs.field(default=(), validator=_check_pairs("count"))
    department_rating: str | None = attrs.field(default=None, validator=_optional_text)
    key_evaluations: int = _count_field()
    key_evaluation_score: Decimal | None = attrs.field(
        default=None, converter=attrs.converters.optional(_amount)
    )
    key_evaluation_rating: str | None = attrs.field(default=None, validator=_optional_text)


@attrs.frozen
class NarrativeFacts:
    """What the explanatory text needs and no table holds."""

    prior_year: PriorYear = PriorYear()
    initial_budget: tuple[BudgetLine, ...] = ()
    office_operating_expenses: Decimal | None = attrs.field(
        default=None, converter=attrs.converters.optional(_amount)
    )
    prior_office_operating_expenses: Decimal | None = attrs.field(
        default=None, converter=attrs.converters.optional(_amount)
    )
    #: ``None`` when the ledger states no 政府采购 facts: the text then says so (never 0.00).
    procurement: ProcurementFacts | None = None
    #: ``None`` when the ledger states no 国有资产 facts (车辆, 设备): never printed as 0 辆.
    assets: AssetFacts | None = None
    #: ``None`` when the ledger states no 预算绩效 facts: the text says 〔待补充〕, never “0 个项目”.
    performance: PerformanceFacts | None = None
    reasons: tuple[tuple[str, str], ...] = attrs.field(default=(), validator=_check_pairs("text"))

    def reason(self, key: str) -> str | None:
        """The user's reason (主要原因) for a figure, by key (e.g. ``total``, ``fiscal``)."""
        return next((text for k, text in self.reasons if k == key), None)


@attrs.frozen
class Ledger:
    """All the source facts of one department's final accounts (部门决算) for one year.

    ``edition`` is the catalog edition the codes refer to (see
    :func:`govbudget.edition_for_year`).
    """

    department: str = attrs.field(validator=_text)
    fiscal_year: int = attrs.field(validator=_year)
    edition: int = attrs.field(validator=_year)
    units: tuple[BudgetUnit, ...] = ()
    income: tuple[IncomeLine, ...] = ()
    expenditure: tuple[ExpenditureLine, ...] = ()
    balances: Balances = Balances()
    #: ``None`` when the ledger states no “三公”经费 facts: missing, never asserted as zero.
    three_public: ThreePublicExpenses | None = None
    narrative: NarrativeFacts = NarrativeFacts()

    def for_unit(self, unit_id: str) -> Ledger:
        """The ledger of one consolidated unit (its lines only; other facts kept)."""
        return attrs.evolve(
            self,
            units=tuple(u for u in self.units if u.id == unit_id),
            income=tuple(i for i in self.income if i.unit == unit_id),
            expenditure=tuple(e for e in self.expenditure if e.unit == unit_id),
        )


def _check_code(code: str, scheme: Scheme, level: Level, edition: int, where: str) -> str:
    try:
        subject = catalog(scheme, edition).get(code)
    except InvalidCodeError as exc:
        raise LedgerError(f"{where}: {exc}") from None
    if subject is None:
        cat = catalog(scheme, edition)
        hint = cat.suggest(code)
        more = f"; did you mean {', '.join(hint)}?" if hint else ""
        raise LedgerError(f"{where}: code {code} is not in {cat.label}{more}")
    if subject.level is not level:
        raise LedgerError(
            f"{where}: {subject.code} {subject.name} is a {subject.level.value}; "
            f"a {level.value} code is needed here"
        )
    return subject.code


def _passes(check: Callable[[str, str], None], code: str) -> bool:
    try:
        check(code, "")
    except LedgerError:
        return False
    return True


class LineChecker:
    """Validates lines one by one against a catalog edition (codes are checked once each),
    so that a stream of millions of lines costs one set look-up per line."""

    def __init__(self, edition: int) -> None:
        self.edition = edition
        #: Codes already found valid (a stream re-checks nothing: one set look-up per line).
        self.known_functions: set[str] = set()
        self.known_economics: set[str] = set()

    def is_function(self, code: str) -> bool:
        """True if ``code`` is a 功能分类 项 of the edition (remembered when it is)."""
        return code in self.known_functions or _passes(self.function, code)

    def is_economic(self, code: str) -> bool:
        """True if ``code`` is a 部门预算经济分类 款 of the edition (remembered when it is)."""
        return code in self.known_economics or _passes(self.economic, code)

    def function(self, code: str, where: str) -> None:
        """Check a 功能分类 项 code; :class:`LedgerError` naming ``where`` if it is not one."""
        if code not in self.known_functions:
            _check_code(code, Scheme.FUNCTIONAL, Level.ITEM, self.edition, where)
            self.known_functions.add(code)

    def economic(self, code: str, where: str) -> None:
        """Check a 部门预算经济分类 款 code."""
        if code not in self.known_economics:
            _check_code(code, Scheme.ECONOMIC_DEPARTMENT, Level.SECTION, self.edition, where)
            self.known_economics.add(code)

    def income(self, line: IncomeLine, where: str) -> None:
        _check_enum(line.source, IncomeSource, f"{where} (source)")
        self.function(line.function, f"{where} (function)")

    def expenditure(self, line: ExpenditureLine, where: str) -> None:
        _check_enum(line.source, IncomeSource, f"{where} (source)")
        _check_enum(line.nature, Nature, f"{where} (nature)")
        self.function(line.function, f"{where} (function)")
        self.economic(line.economic, f"{where} (economic)")
        if line.source.is_fiscal and line.nature not in (Nature.BASIC, Nature.PROJECT):
            raise LedgerError(
                f"{where}: {line.source.value} can fund only 基本支出 or 项目支出, "
                f"not {line.nature.value}"
            )


def _check_enum(value: object, kind: type[IncomeSource] | type[Nature], where: str) -> None:
    if not isinstance(value, kind):
        members = ", ".join(f"{kind.__name__}.{m.name}" for m in kind)
        raise LedgerError(f"{where}: {value!r} is not a {kind.__name__}; expected one of {members}")


def iter_problems(ledger: Ledger) -> Iterator[str]:
    """Every problem of ``ledger`` as a message naming the line; empty when valid."""
    checker = LineChecker(ledger.edition)
    unit_ids = {u.id for u in ledger.units}
    groups: list[tuple[str, Iterable[IncomeLine | ExpenditureLine]]] = [
        ("income", ledger.income),
        ("expenditure", ledger.expenditure),
    ]
    for name, lines in groups:
        for i, line in enumerate(lines):
            where = f"{name}[{i}]"
            try:
                if isinstance(line, IncomeLine):
                    checker.income(line, where)
                else:
                    checker.expenditure(line, where)
            except LedgerError as exc:
                yield str(exc)
            if unit_ids and line.unit not in unit_ids:
                yield f"{where}: unit {line.unit!r} is not one of the ledger's units {sorted(unit_ids)}"
    for i, fa in enumerate(ledger.balances.opening_government_fund):
        try:
            checker.function(fa.function, f"balances.opening_government_fund[{i}]")
        except LedgerError as exc:
            yield str(exc)
    for i, b in enumerate(ledger.narrative.initial_budget):
        try:
            checker.function(b.function, f"narrative.initial_budget[{i}]")
        except LedgerError as exc:
            yield str(exc)
    for source, _ in ledger.balances.opening_fiscal:
        if not source.is_fiscal:
            yield f"balances.opening_fiscal: {source.value} is not a 财政拨款 source"
    fund_opening = ledger.balances.opening_for(IncomeSource.GOVERNMENT_FUND)
    by_function = sum((fa.amount for fa in ledger.balances.opening_government_fund), ZERO)
    if ledger.balances.opening_government_fund and by_function != fund_opening:
        yield (
            f"balances: 政府性基金 opening by 项 adds to {by_function}, but the 政府性基金 "
            f"opening is {fund_opening}"
        )
    tp = ledger.three_public or ThreePublicExpenses()
    if tp.foreign_reception > tp.actual.reception:
        yield (
            f"three_public.foreign_reception: 外宾接待 {tp.foreign_reception} exceeds the actual "
            f"公务接待费 {tp.actual.reception}"
        )
    fiscal_opening = sum((a for _, a in ledger.balances.opening_fiscal), ZERO)
    if fiscal_opening > ledger.balances.opening_total:
        yield (
            f"balances: 年初财政拨款结转和结余 {fiscal_opening} exceeds 年初结转和结余 "
            f"{ledger.balances.opening_total}"
        )


def validate(ledger: Ledger) -> Ledger:
    """Return ``ledger`` if valid, else raise :class:`LedgerError` listing every problem."""
    problems = list(iter_problems(ledger))
    if problems:
        shown = problems[:20]
        more = f"\n… and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise LedgerError(f"ledger of {ledger.department} {ledger.fiscal_year}:\n  " + "\n  ".join(shown) + more)
    return ledger
