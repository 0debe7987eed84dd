"""The 部门预算 family (部门预算公开表): the tables a department's budget disclosure prints.

Declared from the 2026 budgets of seven cities in the corpus (长春, 重庆, 广州, 湖州, 泉州,
无锡, 珠海; see ``docs/budget.md``).  Every place prints the nine standard tables under its own
titles, in its own order and numbering; what differs between places is here: title aliases,
header texts and label variants in the specs (:mod:`govbudget.spec`), the optional tables some
places add, and in :func:`layouts` the printed column orders, the tables printed in parts and
the rows a place prints that the standard tables do not carry.  This module is the one place
any of them is written.

Table ids follow the standard (central) order: 01 收支总表, 02 收入总表, 03 支出总表,
04 财政拨款收支总表, 05 一般公共预算支出表, 06 一般公共预算基本支出表, 07 “三公”经费支出表,
08 政府性基金预算支出表, 09 国有资本经营预算支出表; optional: 10 一般公共预算支出经济分类表,
11 项目支出表, 12 机关运行经费预算表, 13 政府采购预算表.
"""

from __future__ import annotations

import functools

import attrs

from govbudget.budget.ledger import FISCAL, UNIT_FUNDS, BudgetSource
from govbudget.classification import Level, Scheme
from govbudget.spec import (
    SUBJECTS,
    CellRef,
    ColumnSpec,
    Definition,
    FamilySpec,
    Identity,
    RowSpec,
    SubjectLink,
    SubjectRows,
    TableSpec,
)

__all__ = ["THREE_PUBLIC_ECONOMIC", "Layout", "layout", "layouts", "spec"]

_NOTE = "本表金额转换为万元时，因四舍五入可能存在尾差。"

#: The three 财政拨款 funds (key, column title, other headers seen): the budget ledger's
#: :data:`~govbudget.budget.ledger.FISCAL` sources name them (一般公共预算拨款 → column
#: 一般公共预算, row 一般公共预算拨款收入); the keys are the members' names.
_FUNDS = tuple((s.name.lower(), s.value.removesuffix("拨款"), (s.value, s.value + "收入")) for s in FISCAL)
_FUND_KEYS = tuple(k for k, _, _ in _FUNDS)
#: The other labels of the funds' income rows of 预算01/04表, and the recogniser's header word of each.
_FUND_LABELS = {
    "general_public_budget": ("一般公共预算收入", "一般公共预算财政拨款", "一般公共预算资金"),
    "government_fund": ("政府性基金预算收入", "政府性基金预算财政拨款", "政府性基金"),
    "state_capital": ("国有资本经营预算收入", "国有资本经营预算财政拨款"),
}


def _fund_labels(key: str, title: str, headers: tuple[str, ...]) -> tuple[str, ...]:
    """The labels a fund's income row of 预算01/04表 is printed with (…拨款, …拨款收入, …资金 …)."""
    return tuple(dict.fromkeys((*headers, *_FUND_LABELS[key], title, f"{title}资金")))


_FUND_WORDS = {"general_public_budget": "一般公共预算", "government_fund": "政府性基金", "state_capital": "国有资本经营"}
#: The header words of a one-amount column (预算数, 金额 …) for the recogniser.
_AMOUNT_WORDS = ("预算数", "预算", "金额", "决算数", "合计", "小计", "本年预算", "预算金额")
#: The header words of a 总计 column of the expenditure tables.
_TOTAL_WORDS = ("合计", "小计", "总计", "预算数", "金额", "本年预算", "一般公共预算支出", "政府性基金预算支出",
                "国有资本经营预算支出")
#: 单位资金: the unit's own income sources (key, label), as the budget ledger names them.
_UNIT_FUNDS = tuple((s.name.lower(), s.value) for s in UNIT_FUNDS)
#: 财政专户管理资金 (key, column title).
_SPECIAL = (BudgetSource.SPECIAL_ACCOUNT.name.lower(), BudgetSource.SPECIAL_ACCOUNT.value)
#: 预算04表's 上年结转 rows by fund.
_CARRYOVER_KEYS = tuple(f"carryover_{k}" for k in _FUND_KEYS)
_UNIT_KEYS = tuple(k for k, _ in _UNIT_FUNDS)
#: The natures of 支出总表 (key, title, headers, the recogniser's header word).
_NATURES = (
    ("basic", "基本支出", (), "基本支出"), ("project", "项目支出", (), "项目支出"),
    ("operating", "事业单位经营支出", ("经营支出",), "经营支出"),
    ("remit_to_superior", "上缴上级支出", (), "上缴上级"), ("subsidy_to_affiliates", "对附属单位补助支出", (), "对附属单位补助"),
)

#: The 经济分类 款 whose 一般公共预算 allocations are the “三公”经费, by item of 预算07表.
THREE_PUBLIC_ECONOMIC: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("abroad", ("30212",)),
    ("vehicle_purchase", ("31013", "30913")),
    ("vehicle_operation", ("30231",)),
    ("reception", ("30217",)),
)

_CLASSES = SubjectRows(Scheme.FUNCTIONAL, (Level.CLASS,), side="expenditure")
_FUNCTIONAL = SubjectRows(Scheme.FUNCTIONAL, (Level.CLASS, Level.SECTION, Level.ITEM))
_ECONOMIC = SubjectRows(Scheme.ECONOMIC_DEPARTMENT, (Level.CLASS, Level.SECTION))


def _total(*labels: str) -> RowSpec:
    """The 合计 row printed first: Σ 类 in every column."""
    return RowSpec("total", "合计", labels=("总计", "总计：", *labels), place="head", sum_of=(SUBJECTS,),
                   rule="hierarchy")


def _table(id: str, title: str, aliases: tuple[str, ...], **kw: object) -> TableSpec:
    return TableSpec(id, title, aliases=aliases, label_prefix="预算", **kw)  # type: ignore[arg-type]


def _natures_columns(total_headers: tuple[str, ...] = ()) -> tuple[ColumnSpec, ...]:
    return (
        ColumnSpec("total", "合计", 1, headers=("小计", "合计", "本年预算", "一般公共预算支出", *total_headers),
                   sum_of=("basic", "project"), rule="row-natures", words=_TOTAL_WORDS),
        ColumnSpec("basic", "基本支出", 2, headers=("其中：基本支出",), words=("基本支出",)),
        ColumnSpec("project", "项目支出", 3, words=("项目支出",)),
    )


def _other_natures() -> tuple[ColumnSpec, ...]:
    """The natures beyond 基本/项目支出, as some places print them in a fund's table too."""
    return tuple(ColumnSpec(k, t, headers=h, words=(w,)) for k, t, h, w in _NATURES[2:])


def _t01() -> TableSpec:
    return _table(
        "01", "收支总表",
        ("收支总体情况表", "部门收支总体情况表", "单位收支总体情况表", "收支预算总表", "部门收支预算总表",
         "市级部门收支预算总表", "部门财务收支预算总表", "部门收支总表"),
        title_words=("收支总", "收支预算总表", "收入支出预算总表", "财务收支预算总表", "收支总体情况"),
        title_exclude=("财政拨款",),
        note="注：本表反映部门本年度的总收支情况。" + _NOTE,
        two_sided=True, subjects=_CLASSES,
        columns=(ColumnSpec("amount", "预算数", 1, headers=("预算", "本年预算"), side="income", words=_AMOUNT_WORDS),
                 ColumnSpec("amount", "预算数", 2, headers=("预算", "本年预算"), side="expenditure",
                            words=_AMOUNT_WORDS)),
        rows=(
            RowSpec("fiscal", "一、财政拨款收入", labels=("预算拨款", "财政拨款"), side="income", place="head",
                    sum_of=_FUND_KEYS),
            *(RowSpec(k, f"{t}拨款收入", labels=_fund_labels(k, t, h), side="income", place="head")
              for k, t, h in _FUNDS),
            RowSpec(_SPECIAL[0], f"二、{_SPECIAL[1]}收入", labels=("财政专户拨款", _SPECIAL[1], "财政专户拨款收入"),
                    side="income", place="head"),
            RowSpec("unit_funds", "三、单位资金收入", labels=("单位资金",), side="income", place="head",
                    sum_of=_UNIT_KEYS),
            *(RowSpec(k, t, labels=_UNIT_LABELS.get(k, ()), side="income", place="head") for k, t in _UNIT_FUNDS),
            RowSpec("income_total", "本年收入合计", labels=("本年收入", "收入合计"), side="income",
                    sum_of=("fiscal", "special_account", "unit_funds")),
            *_carryover("上年结转结余", "上年结转"),
            RowSpec("income_grand_total", "收入总计", labels=("总计",), side="income",
                    sum_of=("income_total", "carryover")),
            RowSpec("expenditure_total", "本年支出合计", labels=("本年支出", "支出合计"), side="expenditure",
                    sum_of=(SUBJECTS,)),
            *_carry_forward(),
        ),
        # 广州 lists 对附属单位补助支出 and 上缴上级支出 among the 类 of its 总表; some places print the
        # 决算 form's 使用非财政拨款结余.
        foreign_rows=(
            RowSpec("use_of_non_fiscal_balance", "使用非财政拨款结余", labels=("用事业基金弥补收支差额",), side="income"),
            RowSpec("subsidy_to_affiliates", "对附属单位补助支出", side="expenditure"),
            RowSpec("remit_to_superior", "上缴上级支出", side="expenditure"),
        ),
        identities=(Identity("balance", "预算01表 收入总计 = 支出总计", CellRef("01", "income_grand_total", "amount"),
                             (CellRef("01", "expenditure_grand_total", "amount"),)),),
    )


#: Other labels of the 单位资金 rows of 预算01表.
_UNIT_LABELS = {"operating": ("经营收入",), "business": ("事业收入（不含教育收费）",), "other": ("其他资金收入",)}


def _carryover(label: str, *labels: str, sum_of: tuple[str, ...] = ()) -> tuple[RowSpec, ...]:
    """The 上年结转 row of a 总表 (its label and the others seen; ``sum_of`` its sub-rows, if any)."""
    seen = ("上年结转结余", "上年结转", "上年结转和结余", "年初结转和结余", "上年结余", "上年财政拨款结转")
    return (RowSpec("carryover", label, labels=tuple(dict.fromkeys(x for x in (*labels, *seen) if x != label)),
                    side="income", sum_of=sum_of),)


def _carry_forward(*grand_total_labels: str) -> tuple[RowSpec, ...]:
    """The 结转下年 and 支出总计 rows of a 总表 (``grand_total_labels``: other labels of 支出总计)."""
    return (RowSpec("carry_forward", "结转下年", labels=("结转结余下年", "结转下年支出", "年末结转和结余"), side="expenditure"),
            RowSpec("expenditure_grand_total", "支出总计", labels=("总计", *grand_total_labels), side="expenditure",
                    sum_of=("expenditure_total", "carry_forward")))


def _t02() -> TableSpec:
    parts = (*_FUND_KEYS, "special_account", *_UNIT_KEYS, "carryover")
    return _table(
        "02", "收入总表",
        ("收入总体情况表", "部门收入总体情况表", "单位收入总体情况表", "收入预算总表", "部门收入预算总表",
         "市级部门收入预算总表", "部门收入总表"),
        title_words=("收入总", "收入预算", "收入总体情况", "收入情况表"), row_group="unit:",
        note="注：本表反映部门本年度各单位的收入预算。" + _NOTE,
        columns=(
            ColumnSpec("total", "合计", 1, headers=("总计",), sum_of=parts, rule="row-sources",
                       words=("合计", "总计", "本年收入")),
            *(ColumnSpec(k, t, 2 + i, headers=h, words=(_FUND_WORDS[k],)) for i, (k, t, h) in enumerate(_FUNDS)),
            ColumnSpec(*_SPECIAL, 5, headers=("财政专户拨款",), words=("财政专户",)),
            *(ColumnSpec(k, t, 6 + i, headers=("经营收入",) if k == "operating" else (), words=(_UNIT_WORDS[k],))
              for i, (k, t) in enumerate(_UNIT_FUNDS)),
            ColumnSpec("carryover", "上年结转结余", 11, headers=("上年结转",), words=("上年结转",)),
        ),
        extra_columns=(ColumnSpec("fiscal", "财政拨款", words=("财政拨款",)),),
        # One row per unit follows (单位名称); 合计 is their sum.
        rows=(RowSpec("total", "合计", labels=("总计",), place="head"),),
    )


#: The recogniser's header word of each 单位资金 column.
_UNIT_WORDS = {"business": "事业收入", "operating": "经营收入", "superior_subsidy": "上级补助", "affiliates": "附属单位",
               "other": "其他收入"}


def _t03() -> TableSpec:
    return _table(
        "03", "支出总表",
        ("支出总体情况表", "本年支出总体情况表", "部门支出总体情况表", "单位支出总体情况表", "支出预算总表",
         "部门支出预算总表", "市级部门支出预算总表", "部门支出总表"),
        title_words=("支出总", "支出预算", "支出总体情况", "支出情况表"),
        note="注：本表反映部门本年度各项支出预算。" + _NOTE,
        subjects=_FUNCTIONAL,
        columns=(ColumnSpec("total", "合计", 1, headers=("总计",), sum_of=tuple(k for k, *_ in _NATURES),
                            rule="row-natures", words=_TOTAL_WORDS),
                 *(ColumnSpec(k, t, 2 + i, headers=h, words=(w,)) for i, (k, t, h, w) in enumerate(_NATURES))),
        rows=(_total(),),
    )


def _t04() -> TableSpec:
    return _table(
        "04", "财政拨款收支总表",
        ("财政拨款收支总体情况表", "财政拨款收支预算总表", "部门财政拨款收支预算总表",
         "市级部门财政拨款收支预算总表", "部门财政拨款收支总表"),
        title_words=("财政拨款收支", "财政拨款收入支出"), title_exclude=("政府性基金", "国有资本经营"),
        note="注：本表反映部门本年度一般公共预算、政府性基金预算和国有资本经营预算财政拨款的总收支情况。" + _NOTE,
        two_sided=True, subjects=_CLASSES,
        columns=(
            ColumnSpec("amount", "预算数", 1, headers=("预算", "本年预算"), side="income", words=_AMOUNT_WORDS),
            ColumnSpec("total", "合计", 2, headers=("预算", "本年预算", "总计"), side="expenditure", sum_of=_FUND_KEYS,
                       rule="row-funds", words=(*_AMOUNT_WORDS, "总计")),  # 总计: 重庆
            *(ColumnSpec(k, t, 3 + i, headers=h, side="expenditure", words=(_FUND_WORDS[k],))
              for i, (k, t, h) in enumerate(_FUNDS)),
        ),
        rows=(
            *(RowSpec(k, f"{o}、{t}拨款", labels=_fund_labels(k, t, h), side="income", place="head")
              for o, (k, t, h) in zip("一二三", _FUNDS, strict=True)),
            RowSpec("income_total", "本年收入合计", labels=("本年收入", "收入合计"), side="income", sum_of=_FUND_KEYS),
            *_carryover("上年结转", "上年结转结余", "上年财政拨款结转", sum_of=_CARRYOVER_KEYS),
            # 上年结转 by fund, printed under it as the fund rows again (重庆, 湖州): a fund's
            # 上年结转 is what 预算01表 adds to its 拨款收入 where it prints them together.
            *(RowSpec(f"carryover_{k}", f"（{o}）{t}拨款", labels=_fund_labels(k, t, h), side="income",
                      parent="carryover")
              for o, (k, t, h) in zip("一二三", _FUNDS, strict=True)),
            # 收入合计 / 支出合计 after 本年收入 / 本年支出 are the totals (重庆).
            RowSpec("income_grand_total", "收入总计", labels=("总计", "收入合计"), side="income",
                    sum_of=("income_total", "carryover")),
            RowSpec("expenditure_total", "本年支出合计", labels=("本年支出", "支出合计"), side="expenditure",
                    sum_of=(SUBJECTS,)),
            *_carry_forward("支出合计"),
        ),
        identities=(Identity("balance", "预算04表 收入总计 = 支出总计", CellRef("04", "income_grand_total", "amount"),
                             (CellRef("04", "expenditure_grand_total", "total"),)),),
    )


def _t05() -> TableSpec:
    return _table(
        "05", "一般公共预算支出表",
        ("本年一般公共预算支出表", "一般公共预算支出情况表", "一般公共预算支出情况表（按功能分类科目）",
         "一般公共预算拨款支出预算表", "部门一般公共预算支出功能分类预算表", "市级部门一般公共预算支出表"),
        title_words=("一般公共预算+支出",),
        note="注：本表反映部门本年度一般公共预算财政拨款支出预算。" + _NOTE,
        subjects=_FUNCTIONAL, columns=_natures_columns(), rows=(_total(),), extra_columns=_other_natures(),
    )


def _t06() -> TableSpec:
    return _table(
        "06", "一般公共预算基本支出表",
        ("本年一般公共预算基本支出表", "一般公共预算基本支出情况表", "一般公共预算基本支出情况表（按经济分类科目）",
         "一般公共预算基本支出经济分类情况表", "部门一般公共预算基本支出部门预算经济分类预算表",
         "市级部门一般公共预算基本支出表"),
        title_words=("一般公共预算+基本支出",),
        note="注：本表反映部门本年度一般公共预算财政拨款基本支出预算（按部门预算支出经济分类）。" + _NOTE,
        subjects=_ECONOMIC,
        columns=(ColumnSpec("total", "合计", 1, headers=("预算", "小计", "预算数"), sum_of=("personnel", "public"),
                            rule="row-split", words=("合计", "小计", "预算数", "金额", "预算")),
                 ColumnSpec("personnel", "人员经费", 2, words=("人员经费",)),
                 ColumnSpec("public", "公用经费", 3, words=("公用经费",))),
        rows=(_total(),),
    )


#: 预算07表's items (key, title, headers, parts).
_THREE_PUBLIC = (
    ("total", "“三公”经费合计", ("合计", "“三公”经费"), ("abroad", "vehicles", "reception")),
    ("abroad", "因公出国（境）费", ("因公出国（境）支出", "因公出国（境）费用"), ()),
    ("vehicles", "公务用车购置及运行维护费", ("公务用车购置及运行费", "公务用车购置及运行维护支出", "小计"),
     ("vehicle_purchase", "vehicle_operation")),
    ("vehicle_purchase", "公务用车购置费", ("购置费",), ()),
    ("vehicle_operation", "公务用车运行维护费", ("运行费", "运行维护费"), ()),
    ("reception", "公务接待费", ("公务接待费支出",), ()),
)
#: The recogniser's header words of each item, and the words that rule one out.
_THREE_PUBLIC_WORDS = {
    "total": (("合计", "总计", "三公"), ()), "abroad": (("因公出国",), ()), "reception": (("公务接待",), ()),
    "vehicle_purchase": (("公务用车购置费", "购置费", "购置"), ("运行",)),
    "vehicle_operation": (("公务用车运行维护费", "运行维护费", "运行费"), ("购置",)),
    "vehicles": (("小计", "公务用车购置及运行"), ()),
}


def _t07() -> TableSpec:
    return _table(
        "07", "一般公共预算“三公”经费支出表",
        ("本年一般公共预算“三公”经费支出表", "财政拨款“三公”经费支出情况表", "一般公共预算“三公”经费支出预算表",
         "财政拨款安排的行政经费及“三公”经费预算表", "一般公共预算“三公”经费、会议费、培训费支出表",
         "部门“三公”经费和机关运行经费预算表", "市级部门一般公共预算“三公”经费支出表"),
        title_words=("三公",),
        note="注：本表反映部门本年度一般公共预算财政拨款安排的“三公”经费预算。" + _NOTE,
        empty_statement="说明：本部门本年度没有一般公共预算财政拨款安排的“三公”经费，故本表无数据。",
        columns=tuple(ColumnSpec(k, t, i + 1, headers=h, sum_of=parts, rule="totals" if parts else "",
                                 words=_THREE_PUBLIC_WORDS[k][0], exclude=_THREE_PUBLIC_WORDS[k][1])
                      for i, (k, t, h, parts) in enumerate(_THREE_PUBLIC)),
        # Printed with 机关运行经费 (部门“三公”经费和机关运行经费预算表).
        extra_columns=(ColumnSpec("office", "机关运行经费", words=("机关运行经费",)),),
        rows=(RowSpec("three_public", "“三公”经费预算数", labels=("“三公”经费",), place="head"),),
    )


def _fund_table(id: str, title: str, aliases: tuple[str, ...], what: str, words: str) -> TableSpec:
    return _table(id, title, aliases, note=f"注：本表反映部门本年度{what}支出预算。",
                  empty_statement=f"说明：本部门本年度没有{what}安排的支出，故本表无数据。",
                  subjects=_FUNCTIONAL, columns=_natures_columns(), rows=(_total(),), title_words=(words,),
                  extra_columns=_other_natures())


def _t10() -> TableSpec:
    return _table(
        "10", "一般公共预算支出经济分类表",
        ("一般公共预算支出经济分类情况表", "一般公共预算支出表（按经济分类科目）"),
        title_words=("一般公共预算+经济分类",),
        note="注：本表反映部门本年度一般公共预算财政拨款支出预算（按部门预算支出经济分类）。" + _NOTE,
        subjects=_ECONOMIC, optional=True,
        columns=(attrs.evolve(_natures_columns()[0], words=("合计", "小计", "预算数", "金额")), *_natures_columns()[1:]),
        rows=(_total(),),
        extra_columns=(ColumnSpec("personnel", "人员经费", words=("人员经费",)),
                       ColumnSpec("public", "公用经费", words=("公用经费",))),
    )


def _t11() -> TableSpec:
    return _table(
        "11", "项目支出表",
        ("项目支出预算表", "市级部门项目支出预算表", "部门预算项目支出及其他支出预算表"),
        note="注：本表反映部门本年度各项目的支出预算。" + _NOTE, optional=True,
        title_words=("项目支出",), row_group="project:",
        columns=(ColumnSpec("total", "合计", 1, headers=("总计",),
                            sum_of=(*_FUND_KEYS, "special_account", "unit_funds"), rule="row-sources",
                            words=("合计", "总计", "小计", "金额", "预算数")),
                 *(ColumnSpec(k, t, 2 + i, headers=h, words=(_FUND_WORDS[k],)) for i, (k, t, h) in enumerate(_FUNDS)),
                 ColumnSpec(*_SPECIAL, 5, headers=("财政专户拨款",), words=("财政专户",)),
                 ColumnSpec("unit_funds", "单位资金", 6, headers=("其他资金",), words=("单位资金",))),
        # One row per project follows; 合计 is their sum.
        rows=(RowSpec("total", "合计", labels=("总计",), place="head"),),
    )


def _t12() -> TableSpec:
    return _table(
        "12", "机关运行经费预算表", ("一般公共预算机关运行经费支出预算表", "机关运行经费支出预算表"),
        note="注：机关运行经费为保障机构正常运转的公用经费，其口径以本部门说明为准。", optional=True,
        title_words=("机关运行经费",),
        columns=(ColumnSpec("amount", "机关运行经费", 1, headers=("机关运行经费支出", "行政经费"),
                            words=("合计", "机关运行经费", "预算数", "金额")),),
        rows=(RowSpec("office_operating", "机关运行经费", labels=("行政经费", "行政经费（机关运行经费）"), place="head"),),
    )


def _t13() -> TableSpec:
    return _table(
        "13", "政府采购预算表", ("政府采购预算明细表", "政府采购支出表"),
        note="注：本表反映部门本年度政府采购预算。" + _NOTE, optional=True, title_words=("政府采购",),
        # A table by 资金来源 (无锡) prints 总计 beside 一般公共预算资金 …: the amount is the 总计.
        columns=(ColumnSpec("amount", "政府采购预算", 1, headers=("合计", "预算"),
                            words=("总计", "合计", "小计", "预算数", "金额", "政府采购预算", "预算"),
                            exclude=("一般公共预算", "政府性基金", "国有资本经营", "财政专户", "单位资金")),),
        rows=(RowSpec("goods", "货物类", labels=("货物", "货物类采购"), place="head"),
              RowSpec("works", "工程类", labels=("工程", "工程类采购"), place="head"),
              RowSpec("services", "服务类", labels=("服务", "服务类采购"), place="head"),
              RowSpec("total", "合计", labels=("总计",), sum_of=("goods", "works", "services"))),
    )


def _read_only() -> dict[str, TableSpec]:
    """Tables some places print that the family does not derive: recognised so that their
    figures are read and accounted for, never checked (by a name, not a number)."""
    natures = (*_natures_columns(), *_other_natures())
    natures = (natures[1], natures[2], *natures[3:], natures[0])
    return {
        "fiscal-expenditure": _table("fiscal-expenditure", "财政拨款支出表", (), optional=True, subjects=_FUNCTIONAL,
                                     title_words=("财政拨款支出表", "财政拨款支出预算表"), columns=natures),
        # 一般公共预算项目支出 by 经济分类: read as 预算10表 (its 合计 column).
        "10-project": _table("10", "一般公共预算项目支出表（经济分类）", (), optional=True, subjects=_ECONOMIC,
                             title_words=("一般公共预算+项目支出+经济分类",),
                             columns=(ColumnSpec("total", "合计", words=("合计", "小计", "预算数", "金额")),)),
        "basic-by-unit": _table("basic-by-unit", "基本支出预算表", (), optional=True, subjects=_ECONOMIC,
                                title_words=("基本支出",),
                                columns=(ColumnSpec("personnel", "人员经费", words=("人员经费",)),
                                         ColumnSpec("public", "公用经费", words=("公用经费",)),
                                         ColumnSpec("total", "合计", words=("合计", "小计", "预算数", "金额")))),
        "performance": _table("performance", "绩效目标表", (), optional=True, columns=(), title_words=("绩效",),
                              header_words=("项目+绩效目标", "绩效指标")),
    }


def _cross_table() -> tuple[Identity, ...]:
    c = CellRef
    return (
        # 预算01表 prints a fund's 拨款收入 for this year (the template, 广州 …) or with its
        # 上年结转 in it (重庆: 一般公共预算资金 18,417.70 = 表四 17,552.65 + 上年结转 865.06).
        *(Identity("x.t01-t04-funds", "预算01表 与 预算04表 三本预算拨款收入一致（本年，或含上年结转）",
                   c("01", k, "amount"), (c("04", k, "amount"),), name="本年",
                   alternatives=(Definition("本年+上年结转", (c("04", k, "amount"), c("04", f"carryover_{k}", "amount"))),))
          for k in _FUND_KEYS),
        Identity("x.t01-t02", "预算01表 收入总计 = 预算02表 合计", c("01", "income_grand_total", "amount"),
                 (c("02", "total", "total"),)),
        Identity("x.t01-t03", "预算01表 本年支出合计 = 预算03表 合计", c("01", "expenditure_total", "amount"),
                 (c("03", "total", "total"),)),
        Identity("x.t04-t05", "预算04表 一般公共预算支出 = 预算05表 合计",
                 c("04", "expenditure_total", "general_public_budget"), (c("05", "total", "total"),)),
        Identity("x.t04-t08", "预算04表 政府性基金支出 = 预算08表 合计",
                 c("04", "expenditure_total", "government_fund"), (c("08", "total", "total"),)),
        Identity("x.t04-t09", "预算04表 国有资本经营支出 = 预算09表 合计",
                 c("04", "expenditure_total", "state_capital"), (c("09", "total", "total"),)),
        Identity("x.t05-t06", "预算05表 基本支出 = 预算06表 合计", c("05", "total", "basic"), (c("06", "total", "total"),)),
        *(Identity("x.t05-t10", "预算05表 合计 = 预算10表 合计（每一栏）", c("05", "total", k), (c("10", "total", k),))
          for k in ("total", "basic", "project")),
        Identity("x.t03-t11", "预算03表 项目支出 = 预算11表 合计", c("03", "total", "project"), (c("11", "total", "total"),)),
    )


def spec() -> FamilySpec:
    """The 部门预算 family (built once by :func:`govbudget.spec.family`)."""
    t01, t04 = _t01(), _t04()
    # The two 总表 are printed alike: a place may print 收支总表's rows in 财政拨款收支总表 too.
    t04 = attrs.evolve(t04, foreign_rows=(*(r for r in t01.rows if not any(x.key == r.key for x in t04.rows)),
                                          *t01.foreign_rows))
    t02, t03, t05, t06, t07, t10, t11, t12, t13 = _t02(), _t03(), _t05(), _t06(), _t07(), _t10(), _t11(), _t12(), _t13()
    t08 = _fund_table("08", "政府性基金预算支出表",
                      ("本年政府性基金预算支出表", "政府性基金预算支出情况表", "政府性基金预算拨款支出预算表",
                       "部门政府性基金预算支出功能分类预算表", "市级部门政府性基金预算支出表"),
                      "政府性基金预算财政拨款", "政府性基金")
    t09 = _fund_table("09", "国有资本经营预算支出表",
                      ("本年国有资本经营预算支出明细表", "国有资本经营预算支出情况表", "国有资本经营预算拨款支出预算表",
                       "国有资本经营预算支出预算表", "部门国有资本经营预算支出功能分类预算表",
                       "市级部门国有资本经营预算支出表"),
                      "国有资本经营预算财政拨款", "国有资本经营")
    other = _read_only()
    return FamilySpec(
        "budget", "部门预算",
        tables=(t01, t02, t03, t04, t05, t06, t07, t08, t09, t10, t11, t12, t13),
        template_year=2026,
        # Titles are tried the more specific first (a 一般公共预算基本支出表 is a 基本支出 table too).
        recognition=(t07, t04, other["fiscal-expenditure"], t01, t12, t06, other["10-project"], t10, t05, t08, t09,
                     t11, t13, other["basic-by-unit"], t02, t03, other["performance"]),
        identities=_cross_table(),
        links=(
            SubjectLink("x.t01-t03", "预算01表 各类支出 = 预算03表 同类 合计", "01", "amount", "03", "total"),
            SubjectLink("x.t04-t05", "预算04表 各类 一般公共预算 = 预算05表 同类 合计",
                        "04", "general_public_budget", "05", "total"),
            SubjectLink("x.t06-t10", "预算06表 各款 = 预算10表 同款 基本支出", "06", "total", "10", "basic",
                        level=Level.SECTION),
        ),
    )


# -- what differs between places' printed layouts (for reading) -----------------------------------------
@attrs.frozen
class Layout:
    """How places print one table beyond its spec.

    ``printed_columns``: column orders real reports print, by column key — a key printed twice
    is summed (广州 splits 财政专户 into 教育收费 and 其他专户收入拨款), ``""`` is a derivable
    column left unread.  ``part_titles``: titles under which a place prints one column of the
    table as a table of its own (广州's 项目支出 by 经济分类), with that column's key.
    ``transposed``: labels of rows that are this table's columns printed as rows (广州 表8
    prints the “三公” items and 行政经费 down the page), with the column key.  The rows a place
    prints that are no row of the table are the spec's :attr:`TableSpec.foreign_rows`."""

    printed_columns: tuple[tuple[str, ...], ...] = ()
    part_titles: tuple[tuple[str, str], ...] = ()
    transposed: tuple[tuple[str, str], ...] = ()


@functools.cache
def layouts() -> dict[str, Layout]:
    """The layout notes by table id."""
    return {
        "02": Layout(printed_columns=(
            ("total", "general_public_budget", "government_fund", "state_capital", "special_account",
             "special_account", "business", "operating", "superior_subsidy", "other", "affiliates", "carryover"),)),
        "07": Layout(transposed=tuple((h, k) for k, t, hs, _ in _THREE_PUBLIC for h in (t, *hs) if h not in ("合计", "小计"))),
        "10": Layout(part_titles=(("一般公共预算项目支出情况表（按经济分类科目）", "project"),
                                  ("一般公共预算项目支出情况表", "project"))),
        # 广州: 总计, 财政拨款合计 (derivable, not read), the three funds, 财政专户拨款, 其他资金.
        "11": Layout(printed_columns=(("total", "", *_FUND_KEYS, "special_account", "unit_funds"),)),
        "12": Layout(transposed=(("行政经费", "amount"), ("机关运行经费", "amount"))),
    }



def layout(table_id: str) -> Layout:
    """The layout notes of one table (empty when places print it as declared)."""
    return layouts().get(table_id, Layout())
