#!/usr/bin/env python3
"""Rebuild the embedded example ledger of 三门峡市政务服务和大数据管理局, 2023.

Writes ``ledger.json`` beside this file and ``src/govbudget/examples/sanmenxia-2023.json``
(the copy shipped in the package).  See README.md here for how each amount was chosen.

    uv run python examples/sanmenxia-2023/build_ledger.py
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from govbudget.io import dump_ledger
from govbudget.ledger import (
    AssetFacts,
    BudgetLine,
    BudgetUnit,
    ExpenditureLine,
    IncomeLine,
    IncomeSource,
    Ledger,
    NarrativeFacts,
    Nature,
    PerformanceFacts,
    PriorYear,
    ProcurementFacts,
    ThreePublicExpenses,
    validate,
)

HERE = Path(__file__).resolve().parent
PACKAGE_COPY = HERE.parent.parent / "src" / "govbudget" / "examples" / "sanmenxia-2023.json"

GPB = IncomeSource.GENERAL_PUBLIC_BUDGET
BASIC, PROJECT = Nature.BASIC, Nature.PROJECT
OFFICE, CENTRE = "bureau", "centre"

# 302 商品和服务支出: the 15 items print 49.30 万元 together while 302 prints 49.28, so every
# item is its printed value less 14 元 (Σ = 49.2790 万元, which rounds to 49.28).
PUBLIC_ITEMS_WAN = {
    "30201": "1.71", "30202": "0.06", "30205": "0.75", "30206": "1.27", "30207": "4.14",
    "30208": "0.04", "30211": "1.48", "30213": "0.22", "30216": "0.36", "30226": "0.10",
    "30227": "0.75", "30228": "5.29", "30229": "3.94", "30239": "24.08", "30299": "5.11",
}


def yuan(text: str) -> Decimal:
    return Decimal(text)


def wan(text: str) -> Decimal:
    return Decimal(text) * 10000


def basic_lines() -> list[ExpenditureLine]:
    """基本支出 (all 一般公共预算财政拨款) by 功能 项 × 经济 款, in 元."""
    cells: list[tuple[str, str, Decimal]] = [
        # 2010301 行政运行: salaries, most of 退休费, and all 公用经费
        ("2010301", "30101", wan("269.90")),
        ("2010301", "30102", wan("73.44")),
        ("2010301", "30103", wan("61.74")),
        ("2010301", "30107", wan("13.76")),
        ("2010301", "30302", yuan("228255")),
        *(("2010301", code, wan(v) - 14) for code, v in PUBLIC_ITEMS_WAN.items()),
        # 2080501 行政单位离退休: 1.19 万元 exactly (completion 1.19 / 2.50 = 47.60%)
        ("2080501", "30302", yuan("11900")),
        # 2080505 养老保险缴费: 40.451 万元 (67.19% of 60.20; 40.452 would print 67.20%)
        ("2080505", "30108", wan("39.50")),
        ("2080505", "30109", wan("0.03")),
        ("2080505", "30111", yuan("110")),
        ("2080505", "30112", wan("0.49")),
        ("2080505", "30302", yuan("4200")),
        # 2101101 行政单位医疗: 27.66 万元 exactly (86.98% of 31.80)
        ("2101101", "30110", wan("23.28")),
        ("2101101", "30111", yuan("43800")),
        # 2130599 驻村队员补贴 and 2210201 住房公积金: a little above the printed figure so that
        # the 类 rows (printing 590.50) sit under a 基本支出 total that prints 590.51
        ("2130599", "30305", yuan("19820")),
        ("2210201", "30113", yuan("282820")),
    ]
    return [ExpenditureLine(f, e, BASIC, GPB, a, OFFICE) for f, e, a in cells]


def project_lines() -> list[ExpenditureLine]:
    """项目支出 (一般公共预算财政拨款); their 经济分类 is printed nowhere, chosen plausibly."""
    return [
        ExpenditureLine("2010301", "30299", PROJECT, GPB, wan("60.70"), OFFICE),
        ExpenditureLine("2010399", "30227", PROJECT, GPB, wan("228.63"), CENTRE),  # 12345 热线
        ExpenditureLine("2069999", "30227", PROJECT, GPB, wan("3000.00"), OFFICE),  # 智慧城市服务
        ExpenditureLine("2130599", "30201", PROJECT, GPB, wan("2.00"), OFFICE),  # 驻村办公经费
    ]


def income_lines(expenditure: list[ExpenditureLine]) -> list[IncomeLine]:
    """All income is 一般公共预算财政拨款, equal by 项 to what was spent (no carry-over)."""
    by_unit_function: dict[tuple[str, str], Decimal] = {}
    for line in expenditure:
        key = (line.unit, line.function)
        by_unit_function[key] = by_unit_function.get(key, Decimal(0)) + line.amount
    return [IncomeLine(GPB, f, a, u) for (u, f), a in sorted(by_unit_function.items())]


REASON_TOTAL = "政府购买服务项目支出减少"
BUDGET = [  # 五(三): 年初预算 per 项 and the reason printed for the difference
    ("2010301", "639.30", "人员退休造成工资福利支出减少，一般性项目支出减少"),
    ("2010399", "0.00", "我单位2023年新增支出“12345政府服务热线工作经费支出”，没有纳入年初预算，造成差异"),
    ("2069999", "0.00", "我单位承担的不纳入年初预算的三门峡市县一体化新型智慧城市服务项目，因此造成决算数与预算数差异较大"),
    ("2080501", "2.50", "单位承担的退休人员补贴调整"),
    ("2080505", "60.20", "工资及社保基数调整"),
    ("2101101", "31.80", "人员变动和社保扣缴基数变化"),
    ("2130599", "0.00", "该笔资金是市驻村办拨付的驻村队员办公经费及驻村队员补贴，未纳入单位年初预算"),
    ("2210201", "52.90", "2023年公积金缴费基数计算方法与编制预算时有变化，造成差异"),
]


def build() -> Ledger:
    expenditure = basic_lines() + project_lines()
    narrative = NarrativeFacts(
        # 一: 3881.84 − 2094.69 → prior 5976.53; 五(一): −152.59 and −3.78% → prior 4034.43.
        # 四 prints −152.16 with −3.78%, which do not fit each other.  We keep its amount
        # (prior 财政拨款收支总计 4034.00: a carry-over could explain why it differs from the
        # prior GPB expenditure 4034.43), so the generated text prints −152.16 with 3.77%.
        prior_year=PriorYear(total=wan("5976.53"), fiscal_total=wan("4034.00"),
                             general_public_expenditure=wan("4034.43")),
        initial_budget=tuple(BudgetLine(f, wan(a), r) for f, a, r in BUDGET),
        # 十: 49.28 万元, 68.66 less than 2022 (117.94), −58.22%
        office_operating_expenses=wan("49.28"),
        prior_office_operating_expenses=wan("117.94"),
        # 十一/十二: the seed states 政府采购 0.00 and no vehicle or large equipment (stated
        # facts: a ledger that leaves them out gets 〔待补充〕, not zeros).
        procurement=ProcurementFacts(),
        assets=AssetFacts(),
        performance=PerformanceFacts(
            projects_with_targets=6, projects_self_evaluated=2,
            self_evaluation_ratings=(("优", 2), ("良", 0), ("中", 0), ("差", 0)),
            department_rating="优", key_evaluations=1, key_evaluation_score=Decimal("93.27"),
            key_evaluation_rating="优",
        ),
        reasons=(
            ("total", REASON_TOTAL), ("fiscal", REASON_TOTAL), ("general_public", REASON_TOTAL),
            ("office_operating", "2022年度计算时增加了部分一般性项目支出金额"),
        ),
    )
    ledger = Ledger(
        department="三门峡市政务服务和大数据管理局",
        fiscal_year=2023,
        edition=2024,
        units=(
            BudgetUnit(OFFICE, "三门峡市政务服务和大数据管理局机关本级", "本级"),
            BudgetUnit(CENTRE, "三门峡市政务服务和大数据管理中心", "所属单位"),
        ),
        income=tuple(income_lines(expenditure)),
        expenditure=tuple(expenditure),
        # 九: the seed states “三公”经费 0.00 for budget and actual (a stated fact).
        three_public=ThreePublicExpenses(),
        narrative=narrative,
    )
    return validate(ledger)


if __name__ == "__main__":
    ledger = build()
    for target in (HERE / "ledger.json", PACKAGE_COPY):
        target.parent.mkdir(parents=True, exist_ok=True)
        dump_ledger(ledger, target)
        print(f"wrote {target}")
