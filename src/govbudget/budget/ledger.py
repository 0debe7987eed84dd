"""The budget ledger (部门预算的源数据): one department's budget year, as facts, in 元.

A :class:`BudgetLedger` holds

* :class:`Allocation` — 预算安排: 功能分类 项 × 部门预算经济分类 款 × :class:`~govbudget.ledger.Nature`
  (基本/项目/…) × :class:`BudgetSource` (资金来源) × amount, for one unit, optionally for a
  named project (项目) and optionally funded by the prior year's carry-over (上年结转);
* :class:`PriorYearBudget` — the figures the text compares with (上年预算数 or 上年执行数):
  totals, 一般公共预算 by 项, “三公”经费, 机关运行经费;
* the facts no table derives: 机关运行经费 and 政府采购 (when the document prints them).

Income is not stated: a budget balances, so each source's income (收入预算) is the sum of
the allocations it funds.  “三公”经费 are not stated either: they are the 财政拨款 allocations
under their 经济分类 款 (30212 因公出国（境）费用, 31013/30913 公务用车购置, 30231 公务用车运行维护费,
30217 公务接待费).
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Sequence
from decimal import Decimal

import attrs

from govbudget.errors import LedgerError
from govbudget.ledger import (
    BudgetUnit,
    FunctionAmount,
    LineChecker,
    Nature,
    ProcurementFacts,
    ThreePublicAmounts,
    _amount,
    _nonnegative,
    _text,
    _year,
)
from govbudget.money import ZERO, in_wide_context, to_decimal

__all__ = [
    "Allocation",
    "BudgetLedger",
    "BudgetSource",
    "PriorYearBudget",
    "consolidate",
    "validate",
]


def _optional(value: object) -> Decimal | None:
    return None if value is None else to_decimal(value)


class BudgetSource(enum.Enum):
    """资金来源 of a budget allocation, in the order of the 收支总表's income rows."""

    GENERAL_PUBLIC_BUDGET = "一般公共预算拨款"
    GOVERNMENT_FUND = "政府性基金预算拨款"
    STATE_CAPITAL = "国有资本经营预算拨款"
    SPECIAL_ACCOUNT = "财政专户管理资金"
    BUSINESS = "事业收入"
    OPERATING = "事业单位经营收入"
    SUPERIOR_SUBSIDY = "上级补助收入"
    AFFILIATES = "附属单位上缴收入"
    OTHER = "其他收入"

    __hash__ = object.__hash__  # identity hash, as for IncomeSource

    @property
    def is_fiscal(self) -> bool:
        """True for the three 财政拨款 sources."""
        return self in FISCAL


FISCAL = (BudgetSource.GENERAL_PUBLIC_BUDGET, BudgetSource.GOVERNMENT_FUND, BudgetSource.STATE_CAPITAL)
#: 单位资金: the unit's own income (事业收入 … 其他收入).
UNIT_FUNDS = (BudgetSource.BUSINESS, BudgetSource.OPERATING, BudgetSource.SUPERIOR_SUBSIDY,
              BudgetSource.AFFILIATES, BudgetSource.OTHER)

@attrs.frozen
class Allocation:
    """One budget fact (预算安排): ``amount`` 元 under 功能分类 项 ``function`` and 经济分类 款
    ``economic``, as ``nature``, funded by ``source``, in ``unit``; ``project`` names the 项目
    of a 项目支出; ``carried_over`` marks spending of the prior year's carry-over (上年结转)
    rather than of this year's income."""

    function: str
    economic: str
    nature: Nature
    source: BudgetSource
    amount: Decimal = attrs.field(converter=_amount, validator=_nonnegative)
    unit: str = ""
    project: str = ""
    carried_over: bool = False


@attrs.frozen
class PriorYearBudget:
    """The prior year's figures the text compares with (与上年相比).

    ``basis`` is what they are: 上年预算数 (most places) or 上年执行数 (e.g. Huzhou).  A total
    is stated only where its detail is not known: ``general_public`` must equal the sum of
    ``general_public_by_function`` when both are given.
    """

    basis: str = "上年预算数"
    total: Decimal | None = attrs.field(default=None, converter=_optional)
    fiscal_total: Decimal | None = attrs.field(default=None, converter=_optional)
    general_public: Decimal | None = attrs.field(default=None, converter=_optional)
    general_public_by_function: tuple[FunctionAmount, ...] = ()
    three_public: ThreePublicAmounts | None = None
    office_operating: Decimal | None = attrs.field(default=None, converter=_optional)

    @property
    @in_wide_context
    def general_public_total(self) -> Decimal | None:
        """一般公共预算 of the prior year: Σ by 项 when known, else the stated total."""
        if self.general_public_by_function:
            return sum((fa.amount for fa in self.general_public_by_function), ZERO)
        return self.general_public


@attrs.frozen
class BudgetLedger:
    """All the source facts of one department's budget (部门预算) for one year.  The metadata
    is typed as a 决算 ledger's: the department is text, the year and edition in 2000–2100."""

    department: str = attrs.field(validator=_text)
    fiscal_year: int = attrs.field(validator=_year)
    edition: int = attrs.field(validator=_year)
    units: tuple[BudgetUnit, ...] = ()
    allocations: tuple[Allocation, ...] = ()
    prior: PriorYearBudget = PriorYearBudget()
    #: 机关运行经费 (行政经费) as the document states it: its scope differs between places
    #: (some count only 公用经费 of 行政单位, Guangzhou counts more), so it is a fact, not derived.
    office_operating: Decimal | None = attrs.field(default=None, converter=_optional)
    procurement: ProcurementFacts | None = None
    #: The reasons (主要原因) the text gives, by figure key (``total``, ``three_public`` …).
    reasons: tuple[tuple[str, str], ...] = ()

    def reason(self, key: str) -> str | None:
        """The stated reason for a figure, by key."""
        return next((text for k, text in self.reasons if k == key), None)

    @property
    @in_wide_context
    def three_public(self) -> ThreePublicAmounts:
        """“三公”经费 budget: the 一般公共预算 allocations under the 三公 经济分类 款."""
        # The family module declares which 款 (and builds its labels from BudgetSource).
        from govbudget.families.budget import THREE_PUBLIC_ECONOMIC

        sums = dict.fromkeys((k for k, _ in THREE_PUBLIC_ECONOMIC), ZERO)
        for a in self.allocations:
            if a.source is BudgetSource.GENERAL_PUBLIC_BUDGET:
                for key, codes in THREE_PUBLIC_ECONOMIC:
                    if a.economic in codes:
                        sums[key] += a.amount
        return ThreePublicAmounts(**sums)


def iter_problems(ledger: BudgetLedger) -> Iterator[str]:
    """Every problem of ``ledger`` as a message naming the fact at fault; empty when valid."""
    checker = LineChecker(ledger.edition)
    unit_ids = {u.id for u in ledger.units}
    for i, a in enumerate(ledger.allocations):
        where = f"allocations[{i}]"
        if not isinstance(a.source, BudgetSource):
            yield f"{where} (source): {a.source!r} is not a BudgetSource"
            continue
        if not isinstance(a.nature, Nature):
            yield f"{where} (nature): {a.nature!r} is not a Nature"
            continue
        for check, code, what in ((checker.function, a.function, "function"),
                                  (checker.economic, a.economic, "economic")):
            try:
                check(code, f"{where} ({what})")
            except LedgerError as exc:
                yield str(exc)
        if a.source.is_fiscal and a.nature not in (Nature.BASIC, Nature.PROJECT):
            yield f"{where}: {a.source.value} can fund only 基本支出 or 项目支出, not {a.nature.value}"
        if a.project and a.nature is not Nature.PROJECT:
            yield f"{where}: project {a.project!r} on a {a.nature.value} allocation (only 项目支出 has projects)"
        if unit_ids and a.unit not in unit_ids:
            yield f"{where}: unit {a.unit!r} is not one of the ledger's units {sorted(unit_ids)}"
    prior = ledger.prior
    for i, fa in enumerate(prior.general_public_by_function):
        try:
            checker.function(fa.function, f"prior.general_public_by_function[{i}]")
        except LedgerError as exc:
            yield str(exc)
    if prior.general_public_by_function and prior.general_public is not None:
        by_function = prior.general_public_total
        if by_function != prior.general_public:
            yield (f"prior: 一般公共预算 by 项 adds to {by_function}, but general_public states "
                   f"{prior.general_public}")
    if ledger.procurement is not None:
        p = ledger.procurement
        if p.to_sme > p.total or p.to_small_micro > p.to_sme:
            yield "procurement: 授予中小企业 exceeds the total, or 小微企业 exceeds 中小企业"


def validate(ledger: BudgetLedger) -> BudgetLedger:
    """Return ``ledger`` if valid, else raise :class:`LedgerError` listing every problem."""
    problems = list(iter_problems(ledger))
    if problems:
        shown = problems[:20]
        more = f"\n… and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise LedgerError(f"budget ledger of {ledger.department} {ledger.fiscal_year}:\n  "
                          + "\n  ".join(shown) + more)
    return ledger


def _add_optional(values: Sequence[Decimal | None]) -> Decimal | None:
    """The sum when every value is known, else ``None`` (an unknown part is not zero)."""
    if any(v is None for v in values):
        return None
    return sum((v for v in values if v is not None), ZERO)


@in_wide_context
def consolidate(ledgers: Sequence[BudgetLedger], department: str | None = None) -> BudgetLedger:
    """One department's budget as the sum of its units' budgets (汇总): allocations are
    concatenated, stated facts added (a fact unknown for one unit is unknown for the sum)."""
    from govbudget.families.budget import THREE_PUBLIC_ECONOMIC

    if not ledgers:
        raise LedgerError("nothing to consolidate")
    first = ledgers[0]
    for other in ledgers[1:]:
        if (other.fiscal_year, other.edition) != (first.fiscal_year, first.edition):
            raise LedgerError(
                f"cannot consolidate {other.department} {other.fiscal_year} (edition {other.edition}) "
                f"with {first.department} {first.fiscal_year} (edition {first.edition})")
    units: dict[str, BudgetUnit] = {}
    for lg in ledgers:
        for u in lg.units:
            units.setdefault(u.id, u)
    priors = [lg.prior for lg in ledgers]
    # The 项 detail of the sum is known only when every unit's is.
    by_function: dict[str, Decimal] = {}
    if all(p.general_public_by_function for p in priors):
        for p in priors:
            for fa in p.general_public_by_function:
                by_function[fa.function] = by_function.get(fa.function, ZERO) + fa.amount
    tps = [p.three_public for p in priors]
    three_public = None if any(t is None for t in tps) else ThreePublicAmounts(
        *(sum((getattr(t, k) for t in tps), ZERO) for k, _ in THREE_PUBLIC_ECONOMIC))
    prior = PriorYearBudget(
        basis=first.prior.basis,
        total=_add_optional([p.total for p in priors]),
        fiscal_total=_add_optional([p.fiscal_total for p in priors]),
        general_public=(None if by_function else _add_optional([p.general_public_total for p in priors])),
        general_public_by_function=tuple(FunctionAmount(k, v) for k, v in sorted(by_function.items())),
        three_public=three_public,
        office_operating=_add_optional([p.office_operating for p in priors]),
    )
    procurements = [lg.procurement for lg in ledgers]
    procurement = None if any(p is None for p in procurements) else ProcurementFacts(
        *(sum((getattr(p, k) for p in procurements), ZERO)
          for k in ("goods", "works", "services", "to_sme", "to_small_micro")))
    return attrs.evolve(
        first,
        department=department or first.department,
        units=tuple(units.values()),
        allocations=tuple(a for lg in ledgers for a in lg.allocations),
        prior=prior,
        office_operating=_add_optional([lg.office_operating for lg in ledgers]),
        procurement=procurement,
    )
