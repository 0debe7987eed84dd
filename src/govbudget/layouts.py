"""How published tables are recognised, as data: title words, header words of columns, label
variants of fixed rows, for both families (部门决算 ``final`` and 部门预算 ``budget``).

The recogniser (:mod:`govbudget.recognize`) reads only this data; a new layout seen in a real
report is a new alias here, not new code.  The ids of the 决算 tables are those of the checker
(``"01"`` … ``"09"``); the budget tables use the ids of the budget family (``"01"`` … ``"13"``) and named ids for the
tables only some places print (``basic-by-unit``, ``performance``, ``fiscal-expenditure``).
When the family specs (:mod:`govbudget.spec`) carry the same aliases this module becomes a view
of them.

Matching is on normalised text (:func:`norm`): full-width forms folded (NFKC), spaces, quotes
and brackets removed, so ``“三公”经费`` and ``"三公"经费`` and ``三 公 经 费`` are one text.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import attrs

__all__ = ["ColumnLayout", "TableLayout", "layouts", "match_title", "norm"]


def norm(text: str) -> str:
    """Text folded for matching: NFKC, no whitespace, quotes or brackets, 〔〕 and （） alike."""
    t = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s“”\"'‘’「」『』()（）\[\]【】〔〕<>《》:：]", "", t)


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
    """A table as reports print it: ``id``, official ``title``, the title word sets that
    recognise it (any set whose words all appear, none of ``exclude``), its ``shape``
    (``subjects`` rows by 功能/经济分类 code, ``two_sided`` 总表, ``single_row``), the catalog
    scheme of its subject rows, its columns and the label variants of its fixed rows."""

    family: str
    id: str
    title: str
    title_words: tuple[tuple[str, ...], ...]
    shape: str = "subjects"
    scheme: str = "functional"
    columns: tuple[ColumnLayout, ...] = ()
    rows: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = ()
    optional: bool = False
    #: The key prefix of rows that are neither subjects nor fixed rows (收入总表's rows by unit
    #: ``unit:``, 项目支出表's projects ``project:``); ``label:`` when the layout says nothing.
    group: str = "label:"
    #: Word sets that recognise the table by its header when no title is printed above it.
    header_words: tuple[tuple[str, ...], ...] = ()


def _c(key: str, *aliases: str, side: str = "", exclude: tuple[str, ...] = ()) -> ColumnLayout:
    return ColumnLayout(key, tuple(tuple(a.split("+")) for a in aliases), side, exclude)


def _t(family: str, tid: str, title: str, words: tuple[str, ...], **kw: object) -> TableLayout:
    return TableLayout(family, tid, title, tuple(tuple(w.split("+")) for w in words), **kw)  # type: ignore[arg-type]


_FINAL_T01_ROWS = (
    ("general_public_budget", ("一般公共预算财政拨款收入", "一般公共预算财政拨款")),
    ("government_fund", ("政府性基金预算财政拨款收入", "政府性基金预算财政拨款")),
    ("state_capital", ("国有资本经营预算财政拨款收入", "国有资本经营预算财政拨款")),
    ("superior_subsidy", ("上级补助收入",)),
    ("business", ("事业收入",)),
    ("operating", ("经营收入",)),
    ("affiliates", ("附属单位上缴收入",)),
    ("other", ("其他收入",)),
    ("income_total", ("本年收入合计",)),
    ("use_of_non_fiscal_balance", ("使用非财政拨款结余和专用结余", "使用非财政拨款结余含专用结余", "使用非财政拨款结余",
                                   "使用专用结余")),
    ("opening_balance", ("年初结转和结余",)),
    ("income_grand_total", ("总计", "收入总计")),
    ("expenditure_total", ("本年支出合计",)),
    ("balance_distribution", ("结余分配",)),
    ("closing_balance", ("年末结转和结余",)),
    ("expenditure_grand_total", ("总计", "支出总计")),
)
_FINAL_T04_ROWS = (
    ("general_public_budget", ("一般公共预算财政拨款", "一般公共预算财政拨款收入")),
    ("government_fund", ("政府性基金预算财政拨款", "政府性基金预算财政拨款收入")),
    ("state_capital", ("国有资本经营预算财政拨款", "国有资本经营预算财政拨款收入")),
    ("income_total", ("本年收入合计",)),
    ("opening_fiscal", ("年初财政拨款结转和结余",)),
    # the fund rows again, under 年初财政拨款结转和结余 (the first unused key is taken)
    ("opening_general_public_budget", ("一般公共预算财政拨款", "一般公共预算财政拨款收入")),
    ("opening_government_fund", ("政府性基金预算财政拨款", "政府性基金预算财政拨款收入")),
    ("opening_state_capital", ("国有资本经营预算财政拨款", "国有资本经营预算财政拨款收入")),
    ("income_grand_total", ("总计", "收入总计")),
    ("expenditure_total", ("本年支出合计",)),
    ("closing_fiscal", ("年末财政拨款结转和结余",)),
    ("expenditure_grand_total", ("总计", "支出总计")),
)
_BUDGET_T01_ROWS = (
    ("fiscal", ("财政拨款收入", "预算拨款", "财政拨款")),
    ("general_public_budget", ("一般公共预算拨款收入", "一般公共预算收入", "一般公共预算", "一般公共预算拨款",
                               "一般公共预算财政拨款", "一般公共预算资金")),
    ("government_fund", ("政府性基金预算拨款收入", "政府性基金预算收入", "政府性基金预算", "政府性基金预算拨款",
                         "政府性基金预算财政拨款", "政府性基金")),
    ("state_capital", ("国有资本经营预算拨款收入", "国有资本经营预算收入", "国有资本经营预算", "国有资本经营预算拨款",
                       "国有资本经营预算财政拨款")),
    ("special_account", ("财政专户拨款", "财政专户管理资金收入", "财政专户管理资金", "财政专户拨款收入")),
    ("business", ("事业收入", "事业收入不含教育收费")),
    ("operating", ("事业单位经营收入", "经营收入")),
    ("superior_subsidy", ("上级补助收入",)),
    ("affiliates", ("附属单位上缴收入",)),
    ("other", ("其他收入", "其他资金收入")),
    ("unit_funds", ("单位资金",)),
    ("income_total", ("本年收入合计", "收入合计", "本年收入")),
    ("use_of_non_fiscal_balance", ("使用非财政拨款结余", "用事业基金弥补收支差额")),
    ("carryover", ("上年结转结余", "上年结转", "上年结转和结余", "年初结转和结余", "上年结余", "上年财政拨款结转")),
    ("income_grand_total", ("收入总计", "总计")),
    ("subsidy_to_affiliates", ("对附属单位补助支出",)),
    ("remit_to_superior", ("上缴上级支出",)),
    ("expenditure_total", ("本年支出合计", "支出合计", "本年支出")),
    ("carry_forward", ("结转结余下年", "结转下年", "年末结转和结余", "结转下年支出")),
    ("expenditure_grand_total", ("支出总计", "总计")),
)



def _budget_rows(table_id: str, extra: dict[str, tuple[str, ...]] | None = None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A budget 总表's rows: those of 收支总表 with the label variants the family spec declares
    for the table (the spec is where they are written), its sub-rows of 上年结转 by fund after
    上年结转 (预算04表: the fund rows printed again, the first unused key is taken), and
    ``extra`` variants."""
    from govbudget.spec import family

    spec = family("budget").table(table_id)
    out: list[tuple[str, tuple[str, ...]]] = []
    for key, variants in _BUDGET_T01_ROWS:
        declared = next((r.labels for r in spec.rows if r.key == key), ())
        out.append((key, (*variants, *(v for v in (*declared, *(extra or {}).get(key, ())) if v not in variants))))
        if key == "carryover":
            out += [(r.key, r.labels) for r in spec.rows if r.parent == "carryover"]
    return tuple(out)


_AMOUNT = ("预算数", "预算", "金额", "决算数", "合计", "小计", "本年预算", "预算金额")


@functools.cache
def layouts() -> tuple[TableLayout, ...]:
    """Every table layout, in matching order (the more specific titles first)."""
    F, B = "final", "budget"
    final = (
        _t(F, "09", "财政拨款“三公”经费支出决算表", ("三公+决算",), shape="single_row", columns=(
            *(_c(f"{side}_{k}", *(f"{w}+{a}" for a in als), exclude=ex)
              for side, w in (("budget", "预算"), ("actual", "决算"))
              for k, als, ex in (("total", ("合计",), ("公务用车",)), ("abroad", ("因公出国",), ()),
                                 ("vehicle_purchase", ("公务用车购置费", "购置费"), ("运行",)),
                                 ("vehicle_operation", ("公务用车运行维护费", "运行维护费", "运行费"), ("购置费",)),
                                 ("vehicles", ("小计", "公务用车购置及运行"), ()),
                                 ("reception", ("公务接待",), ()))),)),
        _t(F, "04", "财政拨款收入支出决算总表", ("财政拨款收入支出+决算", "财政拨款收支+决算"), shape="two_sided",
           exclude=("政府性基金", "国有资本经营"),
           rows=_FINAL_T04_ROWS, columns=(
               _c("amount", *_AMOUNT, side="income"),
               _c("general_public_budget", "一般公共预算", side="expenditure"),
               _c("government_fund", "政府性基金", side="expenditure"),
               _c("state_capital", "国有资本经营", side="expenditure"),
               _c("total", "合计", "小计", "决算数", "金额", side="expenditure"))),
        _t(F, "01", "收入支出决算总表", ("收入支出决算总表", "收支决算总表"), shape="two_sided",
           rows=_FINAL_T01_ROWS, columns=(_c("amount", *_AMOUNT, side="income"),
                                          _c("amount", *_AMOUNT, side="expenditure"))),
        _t(F, "06", "一般公共预算财政拨款基本支出决算明细表", ("一般公共预算+基本支出+决算",), shape="panels",
           scheme="economic", columns=(_c("amount", "决算数", "金额", "合计"),),
           rows=(("personnel_total", ("人员经费合计", "人员经费")), ("public_total", ("公用经费合计", "公用经费")))),
        _t(F, "05", "一般公共预算财政拨款支出决算表", ("一般公共预算+支出+决算",), columns=(
            _c("basic", "基本支出"), _c("project", "项目支出"), _c("total", "合计", "小计", "决算数"))),
        _t(F, "07", "政府性基金预算财政拨款收入支出决算表", ("政府性基金+决算",), columns=(
            _c("opening", "年初结转"), _c("income", "本年收入"), _c("basic", "基本支出"), _c("project", "项目支出"),
            _c("expenditure", "本年支出"), _c("closing", "年末结转"))),
        _t(F, "08", "国有资本经营预算财政拨款支出决算表", ("国有资本经营+决算",), columns=(
            _c("opening", "年初结转"), _c("income", "本年收入"), _c("basic", "基本支出"), _c("project", "项目支出"),
            _c("total", "本年支出", "合计", "小计"), _c("closing", "年末结转"))),
        _t(F, "02", "收入决算表", ("收入决算表",), columns=(
            _c("fiscal", "财政拨款"), _c("superior_subsidy", "上级补助"), _c("business", "事业收入"),
            _c("operating", "经营收入"), _c("affiliates", "附属单位"), _c("other", "其他收入"),
            _c("total", "本年收入合计", "合计"))),
        _t(F, "03", "支出决算表", ("支出决算表",), columns=(
            _c("basic", "基本支出"), _c("project", "项目支出"), _c("remit_to_superior", "上缴上级"),
            _c("operating", "经营支出"), _c("subsidy_to_affiliates", "对附属单位补助"),
            _c("total", "本年支出合计", "合计"))),
    )
    budget_exp = (_c("basic", "基本支出"), _c("project", "项目支出"), _c("operating", "经营支出"),
                  _c("remit_to_superior", "上缴上级"), _c("subsidy_to_affiliates", "对附属单位补助"),
                  _c("total", "合计", "小计", "总计", "预算数", "金额", "本年预算", "一般公共预算支出",
                     "政府性基金预算支出", "国有资本经营预算支出"))
    budget = (
        _t(B, "07", "一般公共预算“三公”经费支出表", ("三公",), shape="single_row", columns=(
            _c("office", "机关运行经费"),
            _c("abroad", "因公出国"), _c("reception", "公务接待"),
            _c("vehicle_purchase", "公务用车购置费", "购置费", "购置", exclude=("运行",)),
            _c("vehicle_operation", "公务用车运行维护费", "运行维护费", "运行费", exclude=("购置",)),
            _c("vehicles", "小计", "公务用车购置及运行"),
            _c("total", "合计", "总计", "三公"))),
        _t(B, "04", "财政拨款收支总表", ("财政拨款收支", "财政拨款收入支出"), shape="two_sided",
           exclude=("政府性基金", "国有资本经营"),
           # 收入合计 / 支出合计 after 本年收入 / 本年支出 are the totals (重庆).
           rows=_budget_rows("04", {"income_grand_total": ("收入合计",), "expenditure_grand_total": ("支出合计",)}),
           columns=(
               _c("amount", *_AMOUNT, side="income"),
               _c("general_public_budget", "一般公共预算", side="expenditure"),
               _c("government_fund", "政府性基金", side="expenditure"),
               _c("state_capital", "国有资本经营", side="expenditure"),
               _c("total", *_AMOUNT, "总计", side="expenditure"))),  # 总计: 重庆
        _t(B, "fiscal-expenditure", "财政拨款支出表", ("财政拨款支出表", "财政拨款支出预算表"), optional=True, columns=budget_exp),
        _t(B, "01", "收支总表", ("收支总", "收支预算总表", "收入支出预算总表", "财务收支预算总表", "收支总体情况"),
           shape="two_sided", rows=_budget_rows("01"), exclude=("财政拨款",), columns=(
               _c("amount", *_AMOUNT, side="income"),
               _c("amount", *_AMOUNT, side="expenditure"))),
        _t(B, "12", "机关运行经费预算表", ("机关运行经费",), optional=True, shape="single_row", columns=(
            _c("amount", "合计", "机关运行经费", "预算数", "金额"),)),
        _t(B, "06", "一般公共预算基本支出表", ("一般公共预算+基本支出",), scheme="economic", columns=(
            _c("personnel", "人员经费"), _c("public", "公用经费"), _c("total", "合计", "小计", "预算数", "金额", "预算"))),
        _t(B, "10", "一般公共预算项目支出表（经济分类）", ("一般公共预算+项目支出+经济分类",), scheme="economic",
           optional=True, columns=(_c("total", "合计", "小计", "预算数", "金额"),)),
        _t(B, "10", "一般公共预算支出表（经济分类）", ("一般公共预算+经济分类",), scheme="economic", optional=True,
           columns=(_c("personnel", "人员经费"), _c("public", "公用经费"), _c("basic", "基本支出"),
                    _c("project", "项目支出"), _c("total", "合计", "小计", "预算数", "金额"))),
        _t(B, "05", "一般公共预算支出表", ("一般公共预算+支出",), columns=budget_exp),
        _t(B, "08", "政府性基金预算支出表", ("政府性基金",), columns=budget_exp),
        _t(B, "09", "国有资本经营预算支出表", ("国有资本经营",), columns=budget_exp),
        _t(B, "11", "项目支出表", ("项目支出",), optional=True, group="project:", columns=(
            _c("general_public_budget", "一般公共预算"), _c("government_fund", "政府性基金"),
            _c("state_capital", "国有资本经营"), _c("special_account", "财政专户"), _c("unit_funds", "单位资金"),
            _c("total", "合计", "总计", "小计", "金额", "预算数"))),
        _t(B, "13", "政府采购预算表", ("政府采购",), optional=True, shape="single_row", columns=(
            _c("amount", "合计", "小计", "预算数", "金额", "政府采购预算", "预算"),),
           rows=(("goods", ("货物", "货物类")), ("works", ("工程", "工程类")), ("services", ("服务", "服务类")),
                 ("total", ("合计", "总计")))),
        _t(B, "basic-by-unit", "基本支出预算表", ("基本支出",), scheme="economic", optional=True, columns=(
            _c("personnel", "人员经费"), _c("public", "公用经费"), _c("total", "合计", "小计", "预算数", "金额"))),
        _t(B, "02", "收入总表", ("收入总", "收入预算", "收入总体情况", "收入情况表"), columns=(
            _c("general_public_budget", "一般公共预算"), _c("government_fund", "政府性基金"),
            _c("state_capital", "国有资本经营"), _c("special_account", "财政专户"), _c("fiscal", "财政拨款"),
            _c("business", "事业收入"), _c("operating", "经营收入"), _c("superior_subsidy", "上级补助"),
            _c("affiliates", "附属单位"), _c("carryover", "上年结转"), _c("other", "其他收入"),
            _c("total", "合计", "总计", "本年收入")), group="unit:"),
        _t(B, "03", "支出总表", ("支出总", "支出预算", "支出总体情况", "支出情况表"), columns=budget_exp),
        _t(B, "performance", "绩效目标表", ("绩效",), optional=True, shape="other",
           header_words=(("项目", "绩效目标"), ("绩效指标",))),
    )
    return final + budget


def match_title(text: str, family: str | None = None) -> TableLayout | None:
    """The layout whose title words a printed title contains (``None`` when none does).

    ``family`` is taken from the title itself when it names 决算 or 预算, else the given one."""
    t = norm(text)
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
    t = norm(text)
    for lay in layouts():
        if family and lay.family != family:
            continue
        if any(all(w in t for w in words) for words in lay.header_words):
            return lay
    return None
