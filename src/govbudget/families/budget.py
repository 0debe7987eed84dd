"""The 部门预算 family (部门预算公开表): the tables a department's budget disclosure prints.

Declared from the 2026 budgets of seven cities in the corpus (长春, 重庆, 广州, 湖州, 泉州,
无锡, 珠海; see ``docs/budget.md``).  Every place prints the nine standard tables under its own
titles, in its own order and numbering; what differs between places is here, as title
aliases, header texts and label variants, and as the optional tables some places add.
Derivation (:mod:`govbudget.budget.tables`), rendering, reading and the budget rules
(:mod:`govbudget.budget.rules`) take titles, columns and fixed rows from these declarations.
"""

from __future__ import annotations

import functools

import attrs

__all__ = ["BUDGET_TABLE_IDS", "BudgetColumn", "BudgetRow", "BudgetTableSpec", "budget_tables", "table_spec"]


@attrs.frozen
class BudgetColumn:
    """A column: key, title as declared, 栏次, the header texts real reports print, side."""

    key: str
    title: str
    number: int | None = None
    headers: tuple[str, ...] = ()
    side: str = ""


@attrs.frozen
class BudgetRow:
    """A fixed row: key, label, the label variants real reports print, side."""

    key: str
    label: str
    variants: tuple[str, ...] = ()
    side: str = ""


@attrs.frozen
class BudgetTableSpec:
    """One budget table: id, official title, title aliases, note, empty statement, columns,
    fixed rows, subject scheme of its subject rows, and whether only some places print it."""

    id: str
    title: str
    aliases: tuple[str, ...] = ()
    columns: tuple[BudgetColumn, ...] = ()
    rows: tuple[BudgetRow, ...] = ()
    subjects: str = ""
    note: str = ""
    empty_statement: str | None = None
    optional: bool = False
    two_sided: bool = False
    #: Column orders real reports print, by column key: a key printed twice is summed (广州
    #: splits 财政专户 into 教育收费 and 其他专户收入拨款), ``""`` is a derivable column skipped.
    printed_columns: tuple[tuple[str, ...], ...] = ()
    #: Titles under which a place prints one column of this table, with that column's key
    #: (广州 prints the 项目支出 column of 经济分类 as its own table).
    part_titles: tuple[tuple[str, str], ...] = ()
    #: Rows printed with their columns as rows (广州's 行政经费及“三公”经费 table), by label.
    transposed_labels: tuple[tuple[str, str], ...] = ()

    def column(self, key: str, side: str = "") -> BudgetColumn:
        """The column with this key (of one side)."""
        return next(c for c in self.columns if c.key == key and (not side or c.side == side))

    def row(self, key: str) -> BudgetRow:
        """The fixed row with this key."""
        return next(r for r in self.rows if r.key == key)


def _cols(side: str, *items: tuple[str, str, tuple[str, ...]]) -> tuple[BudgetColumn, ...]:
    return tuple(BudgetColumn(k, t, i + 1, h, side) for i, (k, t, h) in enumerate(items))


_FUNCTIONAL_NATURES = (
    ("total", "合计", ("小计", "合计", "一般公共预算支出", "本年预算")),
    ("basic", "基本支出", ("其中：基本支出",)),
    ("project", "项目支出", ()),
)
_NOTE = "本表金额转换为万元时，因四舍五入可能存在尾差。"
_EMPTY = "说明：本部门本年度没有{what}安排的支出，故本表无数据。"


@functools.cache
def budget_tables() -> tuple[BudgetTableSpec, ...]:
    """The budget family's tables in printed order: nine standard ones, then the optional."""
    income_rows = (
        BudgetRow("fiscal", "一、财政拨款收入", ("预算拨款", "财政拨款收入", "一、预算拨款"), "income"),
        BudgetRow("general_public_budget", "一般公共预算拨款收入",
                  ("一般公共预算", "一般公共预算拨款", "一般公共预算收入"), "income"),
        BudgetRow("government_fund", "政府性基金预算拨款收入",
                  ("政府性基金预算", "政府性基金预算拨款", "政府性基金收入"), "income"),
        BudgetRow("state_capital", "国有资本经营预算拨款收入",
                  ("国有资本经营预算", "国有资本经营预算拨款", "国有资本经营预算收入"), "income"),
        BudgetRow("special_account", "二、财政专户管理资金收入", ("财政专户拨款", "财政专户管理资金"), "income"),
        BudgetRow("unit_funds", "三、单位资金收入", ("单位资金",), "income"),
        BudgetRow("business", "事业收入", (), "income"),
        BudgetRow("operating", "事业单位经营收入", ("经营收入",), "income"),
        BudgetRow("superior_subsidy", "上级补助收入", (), "income"),
        BudgetRow("affiliates", "附属单位上缴收入", (), "income"),
        BudgetRow("other", "其他收入", (), "income"),
        BudgetRow("income_total", "本年收入合计", ("本年收入", "收入合计"), "income"),
        BudgetRow("carryover", "上年结转结余", ("上年结转", "上年结转结余", "使用非财政拨款结余"), "income"),
        BudgetRow("income_grand_total", "收入总计", ("收 入 总 计",), "income"),
    )
    expenditure_tail = (
        # 广州 prints these natures among the 类 rows of its 总表 (derived tables do not).
        BudgetRow("subsidy_to_affiliates", "对附属单位补助支出", (), "expenditure"),
        BudgetRow("remit_to_superior", "上缴上级支出", (), "expenditure"),
        BudgetRow("expenditure_total", "本年支出合计", ("本年支出", "支出合计"), "expenditure"),
        BudgetRow("carry_forward", "结转下年", ("结转结余下年", "结转下年支出", "年末结转和结余"), "expenditure"),
        BudgetRow("expenditure_grand_total", "支出总计", ("支 出 总 计",), "expenditure"),
    )
    fiscal_income_rows = (
        BudgetRow("general_public_budget", "一、一般公共预算拨款", ("一般公共预算", "一般公共预算拨款收入"), "income"),
        BudgetRow("government_fund", "二、政府性基金预算拨款", ("政府性基金预算", "政府性基金预算拨款收入"), "income"),
        BudgetRow("state_capital", "三、国有资本经营预算拨款",
                  ("国有资本经营预算", "国有资本经营预算拨款收入"), "income"),
        BudgetRow("income_total", "本年收入合计", ("本年收入",), "income"),
        BudgetRow("carryover", "上年结转", ("上年结转结余", "上年财政拨款结转"), "income"),
        BudgetRow("income_grand_total", "收入总计", ("收 入 总 计",), "income"),
    )
    funds = (
        ("general_public_budget", "一般公共预算", ("一般公共预算拨款",)),
        ("government_fund", "政府性基金预算", ("政府性基金预算拨款",)),
        ("state_capital", "国有资本经营预算", ("国有资本经营预算拨款",)),
    )
    three_public_cols = _cols(
        "",
        ("total", "“三公”经费合计", ("合计", "“三公”经费")),
        ("abroad", "因公出国（境）费", ("因公出国（境）支出",)),
        ("vehicles", "公务用车购置及运行维护费", ("公务用车购置及运行费", "公务用车购置及运行维护支出")),
        ("vehicle_purchase", "公务用车购置费", ("购置费",)),
        ("vehicle_operation", "公务用车运行维护费", ("运行费", "运行维护费")),
        ("reception", "公务接待费", ("公务接待费支出",)),
    )
    return (
        BudgetTableSpec(
            "01", "收支总表",
            ("收支总体情况表", "部门收支总体情况表", "单位收支总体情况表", "收支预算总表", "部门收支预算总表",
             "市级部门收支预算总表", "部门财务收支预算总表", "部门收支总表"),
            (BudgetColumn("amount", "预算数", 1, ("预算", "本年预算", "预算数"), "income"),
             BudgetColumn("amount", "预算数", 2, ("预算", "本年预算", "预算数"), "expenditure")),
            (*income_rows, *expenditure_tail), "functional:class",
            "注：本表反映部门本年度的总收支情况。" + _NOTE, two_sided=True),
        BudgetTableSpec(
            "02", "收入总表",
            ("收入总体情况表", "部门收入总体情况表", "单位收入总体情况表", "收入预算总表", "部门收入预算总表",
             "市级部门收入预算总表", "部门收入总表"),
            _cols("",
                  ("total", "合计", ("总计",)),
                  *funds,
                  ("special_account", "财政专户管理资金", ("财政专户拨款", "教育收费", "其他专户收入拨款")),
                  ("business", "事业收入", ()),
                  ("operating", "事业单位经营收入", ("经营收入",)),
                  ("superior_subsidy", "上级补助收入", ()),
                  ("affiliates", "附属单位上缴收入", ()),
                  ("other", "其他收入", ()),
                  ("carryover", "上年结转结余", ("上年结转",))),
            (BudgetRow("total", "合计", ("总计",)),), "unit",
            "注：本表反映部门本年度各单位的收入预算。" + _NOTE,
            printed_columns=(
                # 广州: 教育收费 and 其他专户收入拨款 make 财政专户; 其他收入 before 附属单位上缴.
                ("total", "general_public_budget", "government_fund", "state_capital", "special_account",
                 "special_account", "business", "operating", "superior_subsidy", "other", "affiliates", "carryover"),
            )),
        BudgetTableSpec(
            "03", "支出总表",
            ("支出总体情况表", "本年支出总体情况表", "部门支出总体情况表", "单位支出总体情况表", "支出预算总表",
             "部门支出预算总表", "市级部门支出预算总表", "部门支出总表"),
            _cols("",
                  ("total", "合计", ("总计",)),
                  ("basic", "基本支出", ()),
                  ("project", "项目支出", ()),
                  ("operating", "事业单位经营支出", ("经营支出",)),
                  ("remit_to_superior", "上缴上级支出", ()),
                  ("subsidy_to_affiliates", "对附属单位补助支出", ())),
            (BudgetRow("total", "合计", ("总计", "总计：")),), "functional",
            "注：本表反映部门本年度各项支出预算。" + _NOTE),
        BudgetTableSpec(
            "04", "财政拨款收支总表",
            ("财政拨款收支总体情况表", "财政拨款收支预算总表", "部门财政拨款收支预算总表",
             "市级部门财政拨款收支预算总表", "部门财政拨款收支总表"),
            (BudgetColumn("amount", "预算数", 1, ("预算", "本年预算"), "income"),
             *(attrs.evolve(c, number=(c.number or 0) + 1)
               for c in _cols("expenditure", ("total", "合计", ("预算", "本年预算")), *funds))),
            (*fiscal_income_rows, *expenditure_tail), "functional:class",
            "注：本表反映部门本年度一般公共预算、政府性基金预算和国有资本经营预算财政拨款的总收支情况。" + _NOTE,
            two_sided=True),
        BudgetTableSpec(
            "05", "一般公共预算支出表",
            ("本年一般公共预算支出表", "一般公共预算支出情况表", "一般公共预算支出情况表（按功能分类科目）",
             "一般公共预算拨款支出预算表", "部门一般公共预算支出功能分类预算表", "市级部门一般公共预算支出表"),
            _cols("", *_FUNCTIONAL_NATURES),
            (BudgetRow("total", "合计", ("总计", "总计：")),), "functional",
            "注：本表反映部门本年度一般公共预算财政拨款支出预算。" + _NOTE),
        BudgetTableSpec(
            "06", "一般公共预算基本支出表",
            ("本年一般公共预算基本支出表", "一般公共预算基本支出情况表", "一般公共预算基本支出情况表（按经济分类科目）",
             "一般公共预算基本支出经济分类情况表", "部门一般公共预算基本支出部门预算经济分类预算表",
             "市级部门一般公共预算基本支出表"),
            _cols("",
                  ("total", "合计", ("预算", "小计", "预算数")),
                  ("personnel", "人员经费", ()),
                  ("public", "公用经费", ())),
            (BudgetRow("total", "合计", ("总计",)),), "economic_department",
            "注：本表反映部门本年度一般公共预算财政拨款基本支出预算（按部门预算支出经济分类）。" + _NOTE),
        BudgetTableSpec(
            "07", "一般公共预算“三公”经费支出表",
            ("本年一般公共预算“三公”经费支出表", "财政拨款“三公”经费支出情况表", "一般公共预算“三公”经费支出预算表",
             "财政拨款安排的行政经费及“三公”经费预算表", "一般公共预算“三公”经费、会议费、培训费支出表",
             "部门“三公”经费和机关运行经费预算表", "市级部门一般公共预算“三公”经费支出表"),
            three_public_cols, (BudgetRow("three_public", "“三公”经费预算数", ("“三公”经费",)),), "",
            "注：本表反映部门本年度一般公共预算财政拨款安排的“三公”经费预算。" + _NOTE,
            "说明：本部门本年度没有一般公共预算财政拨款安排的“三公”经费，故本表无数据。",
            transposed_labels=(
                ("“三公”经费", "total"), ("因公出国（境）支出", "abroad"), ("因公出国（境）费", "abroad"),
                ("公务用车购置及运行维护支出", "vehicles"), ("公务用车购置及运行维护费", "vehicles"),
                ("公务用车购置费", "vehicle_purchase"), ("公务用车运行维护费", "vehicle_operation"),
                ("公务接待费支出", "reception"), ("公务接待费", "reception"),
            )),
        BudgetTableSpec(
            "08", "政府性基金预算支出表",
            ("本年政府性基金预算支出表", "政府性基金预算支出情况表", "政府性基金预算拨款支出预算表",
             "部门政府性基金预算支出功能分类预算表", "市级部门政府性基金预算支出表"),
            _cols("", *_FUNCTIONAL_NATURES),
            (BudgetRow("total", "合计", ("总计",)),), "functional",
            "注：本表反映部门本年度政府性基金预算财政拨款支出预算。", _EMPTY.format(what="政府性基金预算财政拨款")),
        BudgetTableSpec(
            "09", "国有资本经营预算支出表",
            ("本年国有资本经营预算支出明细表", "国有资本经营预算支出情况表", "国有资本经营预算拨款支出预算表",
             "国有资本经营预算支出预算表", "部门国有资本经营预算支出功能分类预算表", "市级部门国有资本经营预算支出表"),
            _cols("", *_FUNCTIONAL_NATURES),
            (BudgetRow("total", "合计", ("总计",)),), "functional",
            "注：本表反映部门本年度国有资本经营预算财政拨款支出预算。", _EMPTY.format(what="国有资本经营预算财政拨款")),
        BudgetTableSpec(
            "10", "一般公共预算支出经济分类表",
            ("一般公共预算支出经济分类情况表", "一般公共预算项目支出情况表（按经济分类科目）",
             "一般公共预算支出表（按经济分类科目）"),
            _cols("", ("total", "合计", ("预算",)), ("basic", "基本支出", ()), ("project", "项目支出", ())),
            (BudgetRow("total", "合计", ("总计",)),), "economic_department",
            "注：本表反映部门本年度一般公共预算财政拨款支出预算（按部门预算支出经济分类）。" + _NOTE,
            optional=True,
            part_titles=(("一般公共预算项目支出情况表（按经济分类科目）", "project"),
                         ("一般公共预算项目支出情况表", "project"))),
        BudgetTableSpec(
            "11", "项目支出表",
            ("项目支出预算表", "市级部门项目支出预算表", "部门预算项目支出及其他支出预算表"),
            _cols("", ("total", "合计", ("总计",)), *funds,
                  ("special_account", "财政专户管理资金", ("财政专户拨款",)),
                  ("unit_funds", "单位资金", ("其他资金",))),
            (BudgetRow("total", "合计", ("总计",)),), "project",
            "注：本表反映部门本年度各项目的支出预算。" + _NOTE, optional=True,
            # 广州: 总计, 财政拨款合计 (derivable), the three funds, 财政专户拨款, 其他资金.
            printed_columns=(("total", "", "general_public_budget", "government_fund", "state_capital",
                              "special_account", "unit_funds"),)),
        BudgetTableSpec(
            "12", "机关运行经费预算表",
            ("一般公共预算机关运行经费支出预算表", "机关运行经费支出预算表", "行政经费"),
            _cols("", ("amount", "机关运行经费", ("机关运行经费支出", "行政经费"))),
            (BudgetRow("office_operating", "机关运行经费", ("行政经费", "行政经费（机关运行经费）")),), "",
            "注：机关运行经费指行政单位和参照公务员法管理的事业单位使用一般公共预算安排的基本支出中的公用经费。",
            optional=True, transposed_labels=(("行政经费", "amount"), ("机关运行经费", "amount"))),
        BudgetTableSpec(
            "13", "政府采购预算表",
            ("政府采购预算明细表", "政府采购支出表", "政府采购预算表"),
            _cols("", ("amount", "政府采购预算", ("合计", "预算"))),
            (BudgetRow("goods", "货物类", ("货物", "货物类采购")), BudgetRow("works", "工程类", ("工程", "工程类采购")),
             BudgetRow("services", "服务类", ("服务", "服务类采购")), BudgetRow("total", "合计", ("总计",))),
            "", "注：本表反映部门本年度政府采购预算。" + _NOTE, optional=True),
    )


BUDGET_TABLE_IDS = tuple(f"{i:02d}" for i in range(1, 14))


@functools.cache
def table_spec(table_id: str) -> BudgetTableSpec:
    """The declaration of one budget table by id (``"05"``)."""
    for t in budget_tables():
        if t.id == table_id:
            return t
    raise KeyError(table_id)
