#!/usr/bin/env python3
"""Rebuild the embedded budget example: 广州市信访局 2026 年部门预算 (corpus guangzhou-13.pdf).

Writes ``ledger.json`` beside this file and ``src/govbudget/examples/guangzhou-xinfang-2026-budget.json``
(the copy shipped in the package).  README.md here says how each amount was chosen.

    uv run python examples/guangzhou-xinfang-2026-budget/build_ledger.py
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from govbudget.budget.io import dump_budget_ledger
from govbudget.budget.ledger import (
    Allocation,
    BudgetLedger,
    BudgetSource,
    PriorYearBudget,
    validate,
)
from govbudget.ledger import BudgetUnit, Nature, ProcurementFacts, ThreePublicAmounts

HERE = Path(__file__).resolve().parent
PACKAGE_COPY = HERE.parent.parent / "src" / "govbudget" / "examples" / "guangzhou-xinfang-2026-budget.json"

GPB = BudgetSource.GENERAL_PUBLIC_BUDGET
BASIC, PROJECT = Nature.BASIC, Nature.PROJECT
UNIT = "gzxf"


def yuan(wan: str, tail: int = 0) -> Decimal:
    """A printed 万元 figure in 元, moved by ``tail`` 元 inside its rounding interval (±50 元)."""
    assert -50 <= tail < 50
    return Decimal(wan) * 10000 + tail


# 基本支出, 项 × 款.  Only the margins are printed (表3/表5 by 项, 表6 by 款); the cross is a
# plausible assignment (see README).  The tails make every printed figure round back: the 208
# items print 123.54 + 199.06 + 96.76 = 419.36 while 208 prints 419.35, and 行政运行 prints
# 1,831.41 while the 款 left for it print 1,831.40.
BASIC_LINES: tuple[tuple[str, str, Decimal], ...] = (
    ("2014001", "30101", yuan("374.86", 20)),
    ("2014001", "30102", yuan("349.87", 20)),
    ("2014001", "30103", yuan("481.02", 20)),
    ("2014001", "30110", yuan("1.50")),
    ("2014001", "30112", yuan("3.50")),
    ("2014001", "30199", yuan("120.80")),
    ("2014001", "30302", yuan("224.30")),
    ("2014001", "30399", yuan("0.54")),
    *(("2014001", code, yuan(wan)) for code, wan in (
        ("30201", "25.00"), ("30202", "2.50"), ("30204", "0.10"), ("30205", "2.50"), ("30206", "4.50"),
        ("30207", "32.00"), ("30209", "32.10"), ("30211", "2.00"), ("30213", "10.00"), ("30215", "2.00"),
        ("30216", "1.00"), ("30217", "2.30"), ("30226", "2.00"), ("30227", "36.00"), ("30228", "28.00"),
        ("30231", "2.50"), ("30239", "65.19"), ("30299", "22.52"), ("31002", "2.80"))),
    ("2080501", "30302", yuan("123.54", -34)),
    ("2080505", "30108", yuan("199.06", -33)),
    ("2080506", "30109", yuan("96.76", -33)),
    ("2100799", "30309", yuan("3.96")),
    ("2100799", "30399", yuan("0.01")),
    ("2210201", "30113", yuan("210.99")),
    ("2210203", "30102", yuan("739.06")),
)

# 项目支出: 表12 lists the nine projects, 表3/表5 the 项 (信访业务 397.28 = 云客服 252.28 +
# 来访接待厅 145.00 exactly; the other six make 其他信访事务支出 314.02), 表7 the 款.
PROJECTS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("物业管理费", "2014099", (("30209", "99.00"),)),
    ("市人民来访接待厅专项经费", "2014004", (
        ("30206", "42.00"), ("30205", "3.00"), ("30213", "54.46"), ("30201", "9.02"), ("30207", "1.00"),
        ("30204", "1.00"), ("31003", "0.30"), ("30214", "2.00"), ("30226", "2.24"), ("30227", "29.98"))),
    ("机构运行辅助经费", "2014001", (("30226", "28.00"),)),
    ("社工服务外包项目", "2014099", (("30227", "45.00"),)),
    ("云客服服务外包项目", "2014004", (("30227", "252.28"),)),
    ("信访工作专项经费", "2014099", (
        ("30211", "26.00"), ("30215", "2.00"), ("30216", "2.72"), ("30239", "4.00"), ("30299", "6.36"),
        ("30227", "49.92"), ("31007", "9.00"))),
    ("广州市信访局2025-2026年信息化运维项目", "2014099", (("30227", "40.41"),)),
    ("信访宣传经费", "2014099", (("30202", "3.50"), ("30299", "1.50"))),
    ("广州市信访局2026-2027年信息化运维项目", "2014099", (("30227", "24.61"),)),
)


def build() -> BudgetLedger:
    allocations = [Allocation(f, e, BASIC, GPB, amount, UNIT) for f, e, amount in BASIC_LINES]
    for name, function, items in PROJECTS:
        allocations += [Allocation(function, e, PROJECT, GPB, yuan(wan), UNIT, project=name) for e, wan in items]
    return validate(BudgetLedger(
        department="广州市信访局",
        fiscal_year=2026,
        edition=2026,
        units=(BudgetUnit(UNIT, "广州市信访局"),),
        allocations=tuple(allocations),
        prior=PriorYearBudget(
            basis="上年预算数",
            # 收入/支出预算 3,944.08 "比上年增加286.07万元，增长7.8%": the prior year is 3,658.01.
            total=yuan("3658.01", -40),
            # “三公”经费 4.8 "比上年减少1万元，下降17.2%"; 公务用车 2.5 "比上年减少1万元，下降28.6%".
            three_public=ThreePublicAmounts(vehicle_operation=yuan("3.50"), reception=yuan("2.30")),
            # 机关运行经费 444.39 "比上年减少23.32万元，下降5%".
            office_operating=yuan("467.71"),
        ),
        office_operating=yuan("444.39"),
        procurement=ProcurementFacts(goods=yuan("20.95"), works=yuan("18.00"), services=yuan("586.70")),
        reasons=(
            ("total", "一是基本支出因人员增加及政策性调整，基本支出预算相应增加；二是项目支出增加信息化运维项目经费等"),
            ("three_public", "根据公务用车运行维护费定额标准，调整公车运行维护经费"),
            ("office_operating", "落实“过紧日子”，2026年减少差旅费支出预算"),
        ),
    ))


def main() -> None:
    ledger = build()
    for path in (HERE / "ledger.json", PACKAGE_COPY):
        dump_budget_ledger(ledger, path)
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
