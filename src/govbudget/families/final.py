"""The 部门决算公开 family: the nine 公开01–09表 as the seed (central format, 2023) prints them.

Titles, notes, columns, 栏次, fixed rows and panels are those of the seed
(``../shared/seeds/000_3c03cca8885159e0.txt``); the aliases are the titles and labels other
places print for the same table (Shanghai 2024 template, Foshan 2019; see
``../shared/spec/disclosure-tables.md``), and the header and label variants the text reader
has met.  This module is the one place any of them is written.
"""

from __future__ import annotations

from govbudget.classification import Level, Scheme
from govbudget.ledger import FISCAL_SOURCES, IncomeSource, Nature
from govbudget.spec import (
    SUBJECTS,
    CellRef,
    ColumnSpec,
    FamilySpec,
    Identity,
    PanelSpec,
    RowSpec,
    SubjectLink,
    SubjectRows,
    TableSpec,
)

__all__ = ["ROUNDING_NOTE", "spec"]

#: Printed under the central tables (amounts are exact 元 rounded cell by cell).
ROUNDING_NOTE = "本表金额转换为万元时，因四舍五入可能存在尾差。"

_ORDINALS = ("一", "二", "三", "四", "五", "六", "七", "八")

#: 公开01's eight income sources (key, label) in printed order; 公开02 and the 说明 use the keys.
#: The ledger's :class:`~govbudget.ledger.IncomeSource` names them (its Chinese value is the
#: label, 收入 added to the three 财政拨款); the row keys are the members' names.
_SOURCES = tuple((s.name.lower(), s.value + "收入" if s.is_fiscal else s.value) for s in IncomeSource)
#: The three 财政拨款 funds (key, label as 公开04 prints it: the source's own name).
_FUNDS = tuple((s.name.lower(), s.value) for s in FISCAL_SOURCES)
#: 公开03's natures (key, column title): the ledger's :class:`~govbudget.ledger.Nature`.
_NATURES = tuple((n.name.lower(), n.value) for n in Nature)
#: The recogniser's header word of each nature column of 公开03.
_NATURE_WORDS = {"remit_to_superior": "上缴上级", "subsidy_to_affiliates": "对附属单位补助"}
_FUND_KEYS = tuple(k for k, _ in _FUNDS)

#: The header words of a one-amount column (金额, 决算数 …) for the recogniser.
_AMOUNT_WORDS = ("预算数", "预算", "金额", "决算数", "合计", "小计", "本年预算", "预算金额")

#: 功能分类 类 the 2023 central 公开01/04 leave out (the edition's other 类 are printed).
_OMITTED_CLASSES = ("209", "227", "230", "233")
#: 部门经济分类 款 the 2023 central 公开06 leaves out (military 款 of 302, debt-issue 款 of 307).
_OMITTED_ECONOMIC = ("30219", "30220", "30221", "30222", "30223", "30703", "30704")

#: The 类 rows of 公开01/04: every 功能分类 类 of the edition but the omitted, 一、… numbered.
_CLASS_ROWS = SubjectRows(Scheme.FUNCTIONAL, (Level.CLASS,), side="expenditure", fixed=True,
                          omit=_OMITTED_CLASSES, ordinal=True)
#: The subject rows of the functional tables: 类/款/项 with money.
_FUNCTIONAL_ROWS = SubjectRows(Scheme.FUNCTIONAL, (Level.CLASS, Level.SECTION, Level.ITEM), ref="I07")


def _total_row(*labels: str) -> RowSpec:
    """The 合计 row of a functional table (printed first), = Σ 类 in every column."""
    return RowSpec("total", "合计", labels=labels, place="head", sum_of=(SUBJECTS,), rule="hierarchy", ref="I07")


def _t01() -> TableSpec:
    income = tuple(
        RowSpec(key, f"{_ORDINALS[i]}、{label}", labels=(label.removesuffix("收入"),) if key in _FUND_KEYS else (),
                side="income", place="head")
        for i, (key, label) in enumerate(_SOURCES)
    )
    return TableSpec(
        "01", "收入支出决算总表", title_words=("收入支出决算总表", "收支决算总表"),
        note="注：本表反映部门本年度的总收支和年末结转结余情况。" + ROUNDING_NOTE,
        two_sided=True, numbered=True, subjects=_CLASS_ROWS,
        columns=(
            ColumnSpec("amount", "金额", 1, headers=("决算数", "金额(决算数)"), side="income", words=_AMOUNT_WORDS),
            ColumnSpec("amount", "金额", 2, headers=("决算数", "金额(决算数)"), side="expenditure",
                       words=_AMOUNT_WORDS),
        ),
        rows=(
            *income,
            RowSpec("income_total", "本年收入合计", side="income", sum_of=tuple(k for k, _ in _SOURCES), ref="I01"),
            RowSpec("use_of_non_fiscal_balance", "使用非财政拨款结余和专用结余",
                    labels=("使用非财政拨款结余", "使用非财政拨款结余（含专用结余）", "使用专用结余"), side="income"),
            RowSpec("opening_balance", "年初结转和结余", side="income"),
            RowSpec("income_blank", "", side="income"),
            RowSpec("income_grand_total", "总计", labels=("收入总计",), side="income",
                    sum_of=("income_total", "use_of_non_fiscal_balance", "opening_balance"), ref="I03"),
            RowSpec("expenditure_total", "本年支出合计", side="expenditure", sum_of=(SUBJECTS,), ref="I02"),
            RowSpec("balance_distribution", "结余分配", side="expenditure"),
            RowSpec("closing_balance", "年末结转和结余", side="expenditure"),
            RowSpec("expenditure_blank", "", side="expenditure"),
            RowSpec("expenditure_grand_total", "总计", labels=("支出总计",), side="expenditure",
                    sum_of=("expenditure_total", "balance_distribution", "closing_balance"), ref="I04"),
        ),
        identities=(
            Identity("grand-totals", "公开01表 收入总计 = 支出总计",
                     CellRef("01", "income_grand_total", "amount"),
                     (CellRef("01", "expenditure_grand_total", "amount"),), ref="I05"),
        ),
    )


#: The recogniser's header word of a 公开02 source column, where it is not the whole title.
_SOURCE_WORDS = {"superior_subsidy": "上级补助", "affiliates": "附属单位"}


def _t02() -> TableSpec:
    return TableSpec(
        "02", "收入决算表", title_words=("收入决算表",),
        note="注：本表反映部门本年度取得的各项收入情况。" + ROUNDING_NOTE,
        subjects=_FUNCTIONAL_ROWS,
        columns=(
            ColumnSpec("total", "本年收入合计", 1, headers=("合计",),
                       sum_of=("fiscal", *(k for k, _ in _SOURCES[3:])), rule="row-sources", ref="I06",
                       words=("本年收入合计", "合计")),
            # The three 财政拨款 sources in one column; the others as 公开01 names them.
            ColumnSpec("fiscal", "财政拨款收入", 2, words=("财政拨款",)),
            *(ColumnSpec(k, label, 3 + i, words=(_SOURCE_WORDS.get(k, label),)) for i, (k, label) in enumerate(_SOURCES[3:])),
        ),
        rows=(_total_row("总计"),),
    )


def _t03() -> TableSpec:
    return TableSpec(
        "03", "支出决算表", title_words=("支出决算表",),
        note="注：本表反映部门本年度各项支出情况。" + ROUNDING_NOTE,
        subjects=_FUNCTIONAL_ROWS,
        columns=(
            ColumnSpec("total", "本年支出合计", 1, headers=("合计",), sum_of=tuple(k for k, _ in _NATURES),
                       rule="row-natures", ref="I08", words=("本年支出合计", "合计")),
            *(ColumnSpec(k, title, 2 + i, words=(_NATURE_WORDS.get(k, title),)) for i, (k, title) in enumerate(_NATURES)),
        ),
        rows=(_total_row("总计"),),
    )


def _t04() -> TableSpec:
    income = tuple(
        RowSpec(key, f"{_ORDINALS[i]}、{label}", labels=(label + "收入",), side="income", place="head")
        for i, (key, label) in enumerate(_FUNDS)
    )
    openings = tuple(
        RowSpec(f"opening_{key}", label, labels=(f"{_ORDINALS[i]}、{label}", label + "收入"), side="income",
                parent="opening_fiscal")
        for i, (key, label) in enumerate(_FUNDS)
    )
    fund_balance = tuple(
        Identity("fund-balance", "公开04表 每项资金 年末 = 年初 + 本年收入 − 本年支出",
                 CellRef("04", "closing_fiscal", key),
                 (CellRef("04", f"opening_{key}", "amount"), CellRef("04", key, "amount"),
                  CellRef("04", "expenditure_total", key, -1)), ref="I12")
        for key in _FUND_KEYS
    )
    return TableSpec(
        "04", "财政拨款收入支出决算总表",
        title_words=("财政拨款收入支出+决算", "财政拨款收支+决算"), title_exclude=("政府性基金", "国有资本经营"),
        note=("注：本表反映部门本年度一般公共预算财政拨款、政府性基金预算财政拨款和国有资本经营预算财政拨款"
              "的总收支和年末结转结余情况。" + ROUNDING_NOTE),
        two_sided=True, numbered=True, subjects=_CLASS_ROWS,
        columns=(
            ColumnSpec("amount", "金额", 1, headers=("决算数", "金额(决算数)"), side="income", words=_AMOUNT_WORDS),
            ColumnSpec("total", "合计", 2, side="expenditure", sum_of=_FUND_KEYS, rule="row-funds", ref="I10",
                       words=("合计", "小计", "决算数", "金额")),
            *(ColumnSpec(key, label, 3 + i, headers=(label.removesuffix("财政拨款"),), side="expenditure",
                         words=(word,))
              for i, ((key, label), word) in enumerate(zip(_FUNDS, ("一般公共预算", "政府性基金", "国有资本经营"),
                                                          strict=True))),
        ),
        rows=(
            *income,
            RowSpec("income_total", "本年收入合计", side="income", sum_of=_FUND_KEYS, ref="I09"),
            RowSpec("opening_fiscal", "年初财政拨款结转和结余", side="income",
                    sum_of=tuple(f"opening_{k}" for k in _FUND_KEYS), rule="opening", ref="I09"),
            *openings,
            RowSpec("income_grand_total", "总计", labels=("收入总计",), side="income",
                    sum_of=("income_total", "opening_fiscal"), ref="I09"),
            RowSpec("expenditure_total", "本年支出合计", side="expenditure", sum_of=(SUBJECTS,), ref="I10"),
            RowSpec("closing_fiscal", "年末财政拨款结转和结余", side="expenditure"),
            RowSpec("expenditure_blank", "", side="expenditure"),
            RowSpec("expenditure_blank_2", "", side="expenditure"),
            RowSpec("expenditure_blank_3", "", side="expenditure"),
            RowSpec("expenditure_grand_total", "总计", labels=("支出总计",), side="expenditure",
                    sum_of=("expenditure_total", "closing_fiscal"), ref="I10"),
        ),
        identities=(
            Identity("grand-totals", "公开04表 收入总计 = 支出总计",
                     CellRef("04", "income_grand_total", "amount"),
                     (CellRef("04", "expenditure_grand_total", "total"),), ref="I11"),
            *fund_balance,
        ),
    )


def _t05() -> TableSpec:
    return TableSpec(
        "05", "一般公共预算财政拨款支出决算表", title_words=("一般公共预算+支出+决算",),
        note="注：本表反映部门本年度一般公共预算财政拨款支出情况。" + ROUNDING_NOTE,
        subjects=_FUNCTIONAL_ROWS,
        columns=(
            ColumnSpec("total", "小计", 1, headers=("合计", "本年支出小计", "本年支出合计"),
                       sum_of=("basic", "project"), rule="row-natures", ref="I13", words=("合计", "小计", "决算数")),
            ColumnSpec("basic", "基本支出", 2, words=("基本支出",)),
            ColumnSpec("project", "项目支出", 3, words=("项目支出",)),
        ),
        rows=(_total_row("总计"),),
    )


def _t06() -> TableSpec:
    return TableSpec(
        "06", "一般公共预算财政拨款基本支出决算明细表",
        aliases=("一般公共预算财政拨款基本支出决算表",),  # Shanghai 2024, Foshan 2019
        title_words=("一般公共预算+基本支出+决算",),
        note="注：本表反映部门本年度一般公共预算财政拨款基本支出明细情况。" + ROUNDING_NOTE,
        subjects=SubjectRows(Scheme.ECONOMIC_DEPARTMENT, (Level.CLASS, Level.SECTION), fixed=True,
                             omit=_OMITTED_ECONOMIC, rule="class-sum", ref="I14"),
        panels=(
            PanelSpec("personnel", "人员经费", ("301", "303")),
            PanelSpec("public", "公用经费", ("302", "307", "310", "399"), others=True, break_before=("307",)),
        ),
        columns=(ColumnSpec("amount", "决算数", headers=("金额",), words=("决算数", "金额", "合计")),),
        rows=(
            RowSpec("personnel_total", "人员经费合计", labels=("人员经费",), side="personnel", sum_of=(SUBJECTS,),
                    rule="personnel", ref="I14"),
            RowSpec("public_total", "公用经费合计", labels=("公用经费",), side="public", sum_of=(SUBJECTS,), rule="public",
                    ref="I14"),
        ),
    )


def _t07() -> TableSpec:
    return TableSpec(
        "07", "政府性基金预算财政拨款收入支出决算表", title_words=("政府性基金+决算",),
        note="注：本表反映部门本年度政府性基金预算财政拨款收入、支出及结转和结余情况。",
        empty_statement="说明：我部门没有政府性基金收入，也没有使用政府性基金安排的支出，故本表无数据。",
        subjects=_FUNCTIONAL_ROWS,
        columns=(
            ColumnSpec("opening", "年初结转和结余", 1, words=("年初结转",)),
            ColumnSpec("income", "本年收入", 2, words=("本年收入",)),
            ColumnSpec("expenditure", "本年支出小计", 3, headers=("本年支出", "小计", "本年支出合计", "合计"),
                       sum_of=("basic", "project"), rule="row-balance", ref="I15", words=("本年支出",)),
            ColumnSpec("basic", "基本支出", 4, words=("基本支出",)),
            ColumnSpec("project", "项目支出", 5, words=("项目支出",)),
            ColumnSpec("closing", "年末结转和结余", 6, sum_of=("opening", "income", "-expenditure"),
                       rule="row-balance", ref="I15", words=("年末结转",)),
        ),
        rows=(_total_row("总计"),),
    )


def _t08() -> TableSpec:
    return TableSpec(
        "08", "国有资本经营预算财政拨款支出决算表",
        aliases=("国有资本经营预算财政拨款收入支出决算表",),  # Shanghai 2024
        title_words=("国有资本经营+决算",),
        note="注：本表反映部门本年度国有资本经营预算财政拨款支出情况。",
        empty_statement="说明：我部门没有使用国有资本经营预算安排的支出，故本表无数据。",
        subjects=_FUNCTIONAL_ROWS,
        # Foshan 2019 prints no 国有资本经营 table at all (eight tables).
        optional=True,
        columns=(
            ColumnSpec("total", "合计", 1, headers=("小计", "本年支出合计", "本年支出小计"),
                       sum_of=("basic", "project"), rule="row-natures", ref="I15", words=("本年支出", "合计", "小计")),
            ColumnSpec("basic", "基本支出", 2, words=("基本支出",)),
            ColumnSpec("project", "项目支出", 3, words=("项目支出",)),
        ),
        # Shanghai's 收入支出 form prints the balances too.
        extra_columns=(ColumnSpec("opening", "年初结转和结余", words=("年初结转",)),
                       ColumnSpec("income", "本年收入", words=("本年收入",)),
                       ColumnSpec("closing", "年末结转和结余", words=("年末结转",))),
        rows=(_total_row("总计"),),
    )


#: 公开09's six items (key, header as printed, other headers seen, the sums among them, and
#: for the recogniser the header words under 预算数 / 决算数 and the words that rule one out).
_THREE_PUBLIC = (
    ("total", "合计", (), ("abroad", "vehicles", "reception"), ("合计",), ("公务用车",)),
    ("abroad", "因公出国（境）费", ("因公出国（境）费用",), (), ("因公出国",), ()),
    ("vehicles", "公务用车购置及运行维护费小计", ("小计", "公务用车购置及运行维护费", "公务用车购置及运行费"),
     ("vehicle_purchase", "vehicle_operation"), ("小计", "公务用车购置及运行"), ()),
    ("vehicle_purchase", "公务用车购置费", (), (), ("公务用车购置费", "购置费"), ("运行",)),
    ("vehicle_operation", "公务用车运行维护费", (), (), ("公务用车运行维护费", "运行维护费", "运行费"), ("购置费",)),
    ("reception", "公务接待费", (), (), ("公务接待",), ()),
)


def _t09() -> TableSpec:
    columns = tuple(
        ColumnSpec(f"{prefix}_{key}", f"{group}·{title}", offset + i + 1, headers=headers, group=group,
                   sum_of=tuple(f"{prefix}_{p}" for p in parts), rule="totals" if parts else "",
                   ref="I16" if parts else "", words=tuple(f"{group[:2]}+{w}" for w in words), exclude=exclude)
        for prefix, group, offset in (("budget", "预算数", 0), ("actual", "决算数", 6))
        for i, (key, title, headers, parts, words, exclude) in enumerate(_THREE_PUBLIC)
    )
    return TableSpec(
        "09", "财政拨款“三公”经费支出决算表",
        aliases=("一般公共预算财政拨款“三公”经费支出决算表",),  # the title before 2022 (Foshan 2019)
        title_words=("三公+决算",),
        note=("注：本表反映部门本年度财政拨款“三公”经费支出预决算情况。其中，预算数为“三公”经费全年预算数，"
              "反映按规定程序调整后的预算数；决算数是包括当年财政拨款和以前年度结转资金安排的实际支出。"
              + ROUNDING_NOTE),
        empty_statement="说明：我部门没有三公经费预算收入，也没有三公经费支出，故本表无数据。",
        columns=columns,
        rows=(RowSpec("three_public", "“三公”经费", place="head"),),
    )


def _cross_table() -> tuple[Identity, ...]:
    c = CellRef
    sources = tuple(k for k, _ in _SOURCES[3:])
    return (
        Identity("x.t01-t02-income", "公开01表 本年收入合计 = 公开02表 合计",
                 c("01", "income_total", "amount"), (c("02", "total", "total"),), ref="X01"),
        Identity("x.t01-t02-sources", "公开01表 各来源 = 公开02表 合计行各栏",
                 c("02", "total", "fiscal"), tuple(c("01", k, "amount") for k in _FUND_KEYS), ref="X02"),
        *(Identity("x.t01-t02-sources", "公开01表 各来源 = 公开02表 合计行各栏",
                   c("01", k, "amount"), (c("02", "total", k),), ref="X02") for k in sources),
        Identity("x.t01-t03", "公开01表 支出（合计及各类）= 公开03表",
                 c("01", "expenditure_total", "amount"), (c("03", "total", "total"),), ref="X03"),
        *(Identity("x.t01-t04-fiscal-income", "公开01表 三项财政拨款收入 = 公开04表",
                   c("01", k, "amount"), (c("04", k, "amount"),), ref="X06") for k in _FUND_KEYS),
        Identity("x.t04-t05", "公开04表 一般公共预算栏 = 公开05表",
                 c("04", "expenditure_total", "general_public_budget"), (c("05", "total", "total"),), ref="X07"),
        Identity("x.t05-t06", "公开05表 基本支出 = 公开06表 人员经费 + 公用经费",
                 c("05", "total", "basic"), (c("06", "personnel_total", "amount"), c("06", "public_total", "amount")),
                 ref="X08"),
        *(Identity("x.t04-t07", "公开04表 政府性基金栏 = 公开07表 合计", left, (right,), ref="X09") for left, right in (
            (c("04", "opening_government_fund", "amount"), c("07", "total", "opening")),
            (c("04", "government_fund", "amount"), c("07", "total", "income")),
            (c("04", "expenditure_total", "government_fund"), c("07", "total", "expenditure")),
            (c("04", "closing_fiscal", "government_fund"), c("07", "total", "closing")),
        )),
        Identity("x.t04-t08", "公开04表 国有资本经营栏 = 公开08表 合计",
                 c("04", "expenditure_total", "state_capital"), (c("08", "total", "total"),), ref="X10"),
    )


def spec() -> FamilySpec:
    """The 部门决算 family (built once by :func:`govbudget.spec.family`)."""
    t01, t02, t03, t04, t05, t06, t07, t08, t09 = (_t01(), _t02(), _t03(), _t04(), _t05(), _t06(), _t07(), _t08(),
                                                   _t09())
    return FamilySpec(
        "final", "部门决算",
        tables=(t01, t02, t03, t04, t05, t06, t07, t08, t09),
        template_year=2023,
        # Titles are tried the more specific first (a 财政拨款收入支出决算总表 is a 收入支出决算总表 too).
        recognition=(t09, t04, t01, t06, t05, t07, t08, t02, t03),
        identities=_cross_table(),
        links=(
            SubjectLink("x.t01-t03", "公开01表 各类支出 = 公开03表 同类 本年支出合计", "01", "amount", "03", "total", ref="X04"),
            SubjectLink("x.t04-t05", "公开04表 各类 一般公共预算 = 公开05表 同类 小计",
                        "04", "general_public_budget", "05", "total", ref="X07"),
        ),
    )
