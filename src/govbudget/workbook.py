"""The fill-in workbook (填报工作簿): a ledger typed in Excel, read back exactly.

:func:`write_template` writes the workbook a finance clerk fills in (``govbudget init``): one
sheet per kind of fact (收入, 支出, 结转结余, 三公, 机关运行经费, 政府采购, 资产, 绩效, 年初预算,
上年数, …), Chinese column headers over the 一体化 field names (``EXP_FUNC_CODE``,
``DEP_BGT_ECO_CODE``, …), drop-down lists of the valid codes of the chosen catalog edition
(a hidden 代码 sheet, subject names shown beside the codes), amount cells as 元 with two
decimals, and an instructions sheet.  :func:`write_ledger` writes a filled one (``init
--example``); :func:`read_workbook` reads one back into the family's ledger (a
:class:`~govbudget.ledger.Ledger` for the 部门决算, a
:class:`~govbudget.budget.ledger.BudgetLedger` for the 部门预算; :func:`workbook_family`
tells them apart by their sheets).  Sheets are streamed (openpyxl read-only), with a
progress bar for a large workbook on a terminal.

A field the ledger does not hold because it derives from another (政府预算经济分类 from
部门预算经济分类, through the shipped mapping) may still be typed: it is checked against
the derivation, naming the cell and the expected codes, and dropped.

The layout is declared, not coded: a :class:`WorkbookSpec` lists the sheets of a family's
ledger; each sheet is a :class:`ListSheet` (one fact per row, a column per field) or a
:class:`RecordSheet` (one field per row: 项目 | 字段 | 值), and every field names its path
in the ledger's plain (JSON) form.  Reading builds that plain form and structures it with
the same converter as the JSON ledger, so a workbook and a JSON file are read alike.

**The one place a float is seen.**  Excel stores every number as a binary double, and
openpyxl hands numeric cells over as ``float``.  Such a cell is turned into a ``Decimal``
through its shortest round-trip text (``repr``), which is what Excel displays, and is then
refused unless it is a whole number of 分 (two decimals) with at most 15 significant digits
(beyond that a double no longer holds every 分).  Numbers stored as text are parsed as text.
A formula is refused unless the file carries its cached value (Excel saves one; a file
written by a script may not).  Every error names the sheet and the cell (``支出!C12``).
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

import attrs

from govbudget.budget.ledger import BudgetLedger, BudgetSource
from govbudget.budget.ledger import validate as validate_budget
from govbudget.classification import Level, Scheme, catalog, economic_mapping
from govbudget.convert import structure, unstructure
from govbudget.errors import FormatError, GovBudgetError
from govbudget.ledger import VEHICLE_CATEGORIES, IncomeSource, Ledger, Nature, validate
from govbudget.money import to_decimal

__all__ = [
    "BUDGET_SPEC",
    "FAMILIES",
    "FINAL_SPEC",
    "Field",
    "ListSheet",
    "RecordSheet",
    "WorkbookSpec",
    "derive_spec",
    "is_ledger_workbook",
    "read_workbook",
    "spec_for",
    "workbook_family",
    "write_ledger",
    "write_template",
]

#: The Excel number format of amounts in 元 (two decimals, thousands separators).
YUAN_FORMAT = "#,##0.00"
#: Kinds of field: how a cell is read and written.  ``flag`` is 是/否 (blank: 否);
#: ``government`` a 政府预算经济分类 款, checked against the 部门预算经济分类 it derives from.
KINDS = ("text", "amount", "int", "flag", "function", "economic", "government", "choice")
#: How a ``flag`` cell may be typed (a TRUE/FALSE cell is read too).
FLAG_TRUE, FLAG_FALSE = ("是", "true", "1", "y", "yes"), ("否", "false", "0", "n", "no")
#: Rows of drop-down validation and name look-ups prepared in a blank template.
TEMPLATE_ROWS = 500
FILLED_SPARE_ROWS = 20
CODE_SHEET = "代码"
INSTRUCTIONS = "填表说明"
#: A double holds every 分 of an amount up to 15 significant digits.
FLOAT_DIGITS = 15
_FEN = Decimal("0.01")


@attrs.frozen
class Field:
    """One field of a sheet: ``key`` its path in the plain ledger (a string key of a record,
    or ``@name`` for the pair ``[name, value]`` of a list of pairs, or an int index in a
    pair), ``title`` the Chinese header, ``name`` the 一体化 field name, ``kind`` how the
    cell is read (see :data:`KINDS`); a ``choice`` field takes one of ``choices`` (a
    drop-down list)."""

    key: tuple[str | int, ...]
    title: str
    name: str
    kind: str = "text"
    width: int = 14
    choices: tuple[str, ...] = ()
    #: For a field the ledger does not hold because it derives from another (政府预算经济分类
    #: from 部门预算经济分类): the key of that field.  Such a cell may be left blank or the
    #: column left out; a value typed there is checked against the derivation, then dropped.
    derived_from: str = ""

    def __attrs_post_init__(self) -> None:
        if self.kind not in KINDS:
            raise GovBudgetError(f"field {self.name}: unknown kind {self.kind!r}")
        if (self.kind == "choice") != bool(self.choices):
            raise GovBudgetError(f"field {self.name}: choices go with kind 'choice'")
        if (self.kind == "government") != bool(self.derived_from):
            raise GovBudgetError(f"field {self.name}: a government code is derived from an economic one")

    @property
    def options(self) -> tuple[str, ...]:
        """The values of a drop-down list of choices (是/否 for a flag)."""
        return self.choices or ((FLAG_TRUE[0], FLAG_FALSE[0]) if self.kind == "flag" else ())

    @property
    def list_key(self) -> str | None:
        """The drop-down list the field uses (``None`` for a typed field)."""
        if self.kind in _NAMED_KINDS:
            return self.kind
        return "choice:" + "|".join(self.options) if self.options else None


@attrs.frozen
class ListSheet:
    """A sheet of one fact per row (收入, 支出, …): header row 1 (Chinese), row 2 (field
    names), data from row 3; ``path`` is where the list sits in the plain ledger.  A
    ``pairs`` list holds ``[a, b]`` items (keys 0 and 1) instead of records."""

    name: str
    path: tuple[str, ...]
    fields: tuple[Field, ...]
    pairs: bool = False
    note: str = ""


@attrs.frozen
class RecordSheet:
    """A sheet of one field per row: 项目 | 字段 | 值 (三公, 政府采购, …); each field's
    ``key`` is its full path in the plain ledger.  A blank value leaves the field at its
    default (zero, or *not stated* where the ledger allows it)."""

    name: str
    fields: tuple[Field, ...]
    note: str = ""


Sheet = ListSheet | RecordSheet


@attrs.frozen
class WorkbookSpec:
    """The workbook of one disclosure family: its ledger type, sheets and validation."""

    family: str
    title: str
    ledger_type: type[Any]
    sheets: tuple[Sheet, ...]
    validate: Callable[[Any], Any]
    instructions: tuple[str, ...] = ()


# --- the 部门决算 (final) family ---------------------------------------------------------

def _f(key: str | int, title: str, name: str, kind: str = "text", width: int = 14,
       choices: tuple[str, ...] = ()) -> Field:
    return Field((key,), title, name, kind, width, choices)


_SOURCES = tuple(m.value for m in IncomeSource)
_NATURES = tuple(m.value for m in Nature)
_UNIT_KINDS = ("本级", "所属单位")


def _r(path: str, title: str, name: str, kind: str = "amount") -> Field:
    return Field(tuple(path.split(".")), title, name, kind, 18)


# The fields both families' workbooks have, declared once: their Chinese headers and
# 一体化 field names are the same in a 部门决算 and a 部门预算 workbook.
_UNIT = _f("unit", "单位编码", "AGENCY_CODE")
_FUNCTION = _f("function", "支出功能分类科目", "EXP_FUNC_CODE", "function", 12)
_ECONOMIC = _f("economic", "部门预算经济分类科目", "DEP_BGT_ECO_CODE", "economic", 12)
#: 政府预算经济分类: not a fact of either ledger (no table of either family is laid out by
#: it); it derives from the 部门预算经济分类 through the shipped mapping
#: (:func:`govbudget.classification.economic_mapping`), so a code typed here is checked.
_GOVERNMENT = Field(("government",), "政府预算经济分类科目", "GOV_BGT_ECO_CODE", "government", 12,
                    derived_from="economic")
_NATURE = _f("nature", "支出性质", "EXP_NATURE", "choice", 18, _NATURES)
_AMOUNT = _f("amount", "金额（元）", "AMT", "amount", 18)


def _fund_source(values: tuple[str, ...]) -> Field:
    return _f("source", "资金来源", "FUND_SOURCE", "choice", 24, values)


def _units_sheet(note: str) -> ListSheet:
    return ListSheet("单位", ("units",), (
        _f("id", "单位编码", "AGENCY_CODE", width=16), _f("name", "单位名称", "AGENCY_NAME", width=36),
        _f("kind", "单位类型", "AGENCY_TYPE", "choice", 12, _UNIT_KINDS),
    ), note=note)


def _identity(year_title: str) -> tuple[Field, ...]:
    """部门名称, the year, 科目版本: the 基本信息 of either family."""
    return (_r("department", "部门名称", "DEPT_NAME", "text"), _r("fiscal_year", year_title, "FISCAL_YEAR", "int"),
            _r("edition", "科目版本（年）", "SUBJECT_EDITION", "int"))


_EDITION_NOTE = "科目版本决定代码表（下拉列表）所用的《政府收支分类科目》年度。"
_PROCUREMENT = (("goods", "政府采购货物支出（元）", "PROC_GOODS"), ("works", "政府采购工程支出（元）", "PROC_WORKS"),
                ("services", "政府采购服务支出（元）", "PROC_SERVICES"),
                ("to_sme", "授予中小企业合同金额（元）", "PROC_SME"),
                ("to_small_micro", "其中授予小微企业合同金额（元）", "PROC_SMALL_MICRO"))


def _procurement(prefix: str) -> tuple[Field, ...]:
    return tuple(_r(f"{prefix}.{key}", title, name) for key, title, name in _PROCUREMENT)


_OFFICE = ("机关运行经费（元）", "OFFICE_EXP")
_PRIOR_OFFICE = ("上年机关运行经费（元）", "PRIOR_OFFICE_EXP")
_PRIOR_TOTAL = ("上年收入（支出）总计（元）", "PRIOR_TOTAL")
_PRIOR_FISCAL_TOTAL = ("上年财政拨款收入（支出）总计（元）", "PRIOR_FISCAL_TOTAL")
_NOT_STATED = "空白表示未填报（情况说明不作比较）。"
_REASONS = (_f(0, "事项", "REASON_KEY", width=20), _f(1, "主要原因", "REASON_TEXT", width=60))


_THREE_ITEMS = (("abroad", "因公出国（境）费", "ABROAD"), ("vehicle_purchase", "公务用车购置费", "CAR_PURCHASE"),
                ("vehicle_operation", "公务用车运行维护费", "CAR_OPERATION"), ("reception", "公务接待费", "RECEPTION"))
_THREE_KINDS = (("budget", "预算数", "BGT"), ("actual", "决算数", "ACT"), ("prior_actual", "上年决算数", "PRIOR_ACT"))

FINAL_SHEETS: tuple[Sheet, ...] = (
    RecordSheet("基本信息", _identity("决算年度"), _EDITION_NOTE),
    _units_sheet("收入、支出行的单位编码须在此列出（不列单位时不检查）。"),
    ListSheet("收入", ("income",), (
        _UNIT, _f("source", "收入来源", "INCOME_SOURCE", "choice", 24, _SOURCES), _FUNCTION, _AMOUNT,
    )),
    ListSheet("支出", ("expenditure",), (
        _UNIT, _FUNCTION, _ECONOMIC, _GOVERNMENT, _NATURE, _fund_source(_SOURCES), _AMOUNT,
    ), note="政府预算经济分类可不填（由部门预算经济分类推算）；填写时须与对应关系一致。"),
    RecordSheet("结转结余", (
        _r("balances.opening_total", "年初结转和结余（全部资金）", "BEGIN_BAL_TOTAL"),
        *(Field(("balances", "opening_fiscal", f"@{s.value}"), f"年初财政拨款结转和结余：{s.value}",
                f"BEGIN_BAL_{n}", "amount", 18)
          for s, n in ((IncomeSource.GENERAL_PUBLIC_BUDGET, "GPB"), (IncomeSource.GOVERNMENT_FUND, "GOVFUND"),
                       (IncomeSource.STATE_CAPITAL, "SOE"))),
        _r("balances.use_of_non_fiscal_balance", "使用非财政拨款结余和专用结余", "USE_NONFIS_BAL"),
        _r("balances.balance_distribution", "结余分配", "BAL_DISTRIBUTION"),
    ), "年末结转和结余由本表与收入、支出推算，不需填写。"),
    ListSheet("政府性基金年初结转", ("balances", "opening_government_fund"), (
        _FUNCTION,
        _f("amount", "年初结转和结余（元）", "BEGIN_BAL_AMT", "amount", 18),
    ), note="按项列出政府性基金预算财政拨款的年初结转和结余（合计须等于结转结余表中的政府性基金数）。"),
    RecordSheet("三公", (
        *(Field(("three_public", k, item), f"{kt}：{it}", f"{kn}_{iname}", "amount", 18)
          for k, kt, kn in _THREE_KINDS for item, it, iname in _THREE_ITEMS),
        _r("three_public.groups_abroad", "因公出国（境）团组数", "ABROAD_GROUPS", "int"),
        _r("three_public.people_abroad", "因公出国（境）人次", "ABROAD_PEOPLE", "int"),
        _r("three_public.vehicles_purchased", "公务用车购置数（辆）", "CAR_PURCHASED", "int"),
        _r("three_public.vehicles_held", "公务用车保有量（辆）", "CAR_HELD", "int"),
        _r("three_public.foreign_reception", "外宾接待支出（元）", "FOREIGN_RECEPTION"),
        _r("three_public.foreign_reception_groups", "外事接待批次", "FOREIGN_RECEPTION_GROUPS", "int"),
        _r("three_public.foreign_reception_people", "外事接待人次", "FOREIGN_RECEPTION_PEOPLE", "int"),
        _r("three_public.domestic_reception_groups", "国内公务接待批次", "DOMESTIC_RECEPTION_GROUPS", "int"),
        _r("three_public.domestic_reception_people", "国内公务接待人次", "DOMESTIC_RECEPTION_PEOPLE", "int"),
    ), "财政拨款“三公”经费，金额单位：元。上年决算数全部空白表示未填报。"),
    RecordSheet("机关运行经费", (
        _r("narrative.office_operating_expenses", *_OFFICE),
        _r("narrative.prior_office_operating_expenses", *_PRIOR_OFFICE),
    ), _NOT_STATED),
    RecordSheet("政府采购", _procurement("narrative.procurement")),
    RecordSheet("资产", (
        *(Field(("narrative", "assets", "vehicles", f"@{c}"), f"车辆：{c}", f"CAR_{i + 1:02d}", "int", 18)
          for i, c in enumerate(VEHICLE_CATEGORIES)),
        _r("narrative.assets.large_equipment", "单位价值100万元以上设备（台、套）", "LARGE_EQUIPMENT", "int"),
    ), "国有资产占用情况（截至年末）。"),
    RecordSheet("绩效", (
        _r("narrative.performance.projects_with_targets", "设定绩效目标的项目数", "PERF_TARGET_PROJECTS", "int"),
        _r("narrative.performance.projects_self_evaluated", "开展绩效自评的项目数", "PERF_SELF_EVAL_PROJECTS", "int"),
        *(Field(("narrative", "performance", "self_evaluation_ratings", f"@{r}"), f"自评等级为“{r}”的项目数",
                f"PERF_RATING_{n}", "int", 18) for r, n in (("优", "A"), ("良", "B"), ("中", "C"), ("差", "D"))),
        _r("narrative.performance.department_rating", "部门整体支出绩效自评等级", "PERF_DEPT_RATING", "text"),
        _r("narrative.performance.key_evaluations", "重点绩效评价项目数", "PERF_KEY_EVALS", "int"),
        _r("narrative.performance.key_evaluation_score", "重点绩效评价得分", "PERF_KEY_SCORE"),
        _r("narrative.performance.key_evaluation_rating", "重点绩效评价等级", "PERF_KEY_RATING", "text"),
    )),
    ListSheet("年初预算", ("narrative", "initial_budget"), (
        _FUNCTION,
        _f("amount", "年初预算数（元）", "BGT_AMT", "amount", 18),
        _f("reason", "决算数与预算数差异的主要原因", "DIFF_REASON", width=48),
    ), note="一般公共预算财政拨款的年初预算，按项。"),
    RecordSheet("上年数", (
        _r("narrative.prior_year.total", *_PRIOR_TOTAL),
        _r("narrative.prior_year.fiscal_total", *_PRIOR_FISCAL_TOTAL),
        _r("narrative.prior_year.general_public_expenditure", "上年一般公共预算财政拨款支出（元）", "PRIOR_GPB_EXP"),
    ), _NOT_STATED),
    ListSheet("原因说明", ("narrative", "reasons"), _REASONS, pairs=True, note="事项：total（收支总计）、fiscal（财政拨款）、general_public（一般公共预算）、"
       "office_operating（机关运行经费）、three_public、three_public.abroad 等。"),
)

FINAL_INSTRUCTIONS = (
    "本工作簿由 govbudget 生成，用于填报部门决算的源数据（账），公开01–09表及情况说明均由此推算。",
    "1. 先填“基本信息”；科目版本决定各表下拉列表中的科目代码。",
    "2. “收入”“支出”每行一笔：第1行为中文表头，第2行为一体化字段名，请勿修改；从第3行起填写。",
    "3. 科目代码从下拉列表选择或直接输入（7位功能分类项、5位经济分类款），右侧名称列自动显示科目名称，仅供核对，不读取。",
    "4. 金额单位为元，保留两位小数（到分）；可输入数字，也可输入文本数字。超过两位小数的数字会被拒绝并指出单元格。",
    "5. 公式单元格须已在 Excel 中计算并保存（读取其缓存值）；合并单元格按左上角的值处理（金额列不可跨行合并）。",
    "6. 空白单元格表示 0 或“未填报”（情况说明中不比较）；0 表示确为零。",
    "7. 填好后运行：govbudget report 本文件.xlsx --format xlsx -o 决算公开表.xlsx；"
    "govbudget narrative 本文件.xlsx；govbudget report 本文件.xlsx --format html -o 决算公开.html。",
)

FINAL_SPEC = WorkbookSpec("final", "部门决算填报", Ledger, FINAL_SHEETS, validate, FINAL_INSTRUCTIONS)


# --- the 部门预算 (budget) family ---------------------------------------------------------

_BUDGET_SOURCES = tuple(m.value for m in BudgetSource)

BUDGET_SHEETS: tuple[Sheet, ...] = (
    RecordSheet("基本信息", _identity("预算年度"), _EDITION_NOTE),
    _units_sheet("支出行的单位编码须在此列出（不列单位时不检查）。"),
    ListSheet("支出", ("allocations",), (
        _UNIT, _FUNCTION, _ECONOMIC, _GOVERNMENT, _NATURE, _fund_source(_BUDGET_SOURCES),
        _f("project", "项目名称", "PRO_NAME", width=36),
        _f("carried_over", "上年结转", "IS_CARRY_OVER", "flag", 10),
        _AMOUNT,
    ), note="每行一笔预算安排。收入预算由各资金来源的安排合计推算，不需填写；“三公”经费由经济分类"
       "30212、31013/30913、30231、30217 推算。项目名称只用于项目支出；上年结转填“是”表示使用上年结转资金。"
       "政府预算经济分类可不填（由部门预算经济分类推算）；填写时须与对应关系一致。"),
    RecordSheet("机关运行经费", (_r("office_operating", *_OFFICE),), _NOT_STATED),
    RecordSheet("政府采购", _procurement("procurement"), "全部空白表示未填报政府采购预算。"),
    RecordSheet("上年数", (
        _r("prior.basis", "比较口径（上年预算数 / 上年执行数）", "PRIOR_BASIS", "text"),
        _r("prior.total", *_PRIOR_TOTAL),
        _r("prior.fiscal_total", *_PRIOR_FISCAL_TOTAL),
        _r("prior.general_public", "上年一般公共预算拨款支出（元）", "PRIOR_GPB_EXP"),
        *(_r(f"prior.three_public.{item}", f"上年“三公”经费：{title}", f"PRIOR_{name}")
          for item, title, name in _THREE_ITEMS),
        _r("prior.office_operating", *_PRIOR_OFFICE),
    ), "比较口径空白为“上年预算数”；金额空白表示未填报（情况说明不作比较）。"
       "已在“上年一般公共预算”表按项填写时，一般公共预算合计可不填（填写时须等于各项之和）。"),
    ListSheet("上年一般公共预算", ("prior", "general_public_by_function"), (
        _FUNCTION, _f("amount", "上年一般公共预算拨款（元）", "PRIOR_GPB_AMT", "amount", 18),
    ), note="上年一般公共预算拨款支出，按项（情况说明按项比较时填写）。"),
    ListSheet("原因说明", ("reasons",), _REASONS, pairs=True,
              note="事项：total（收支总计）、three_public（“三公”经费）、office_operating（机关运行经费）等。"),
)

BUDGET_INSTRUCTIONS = (
    "本工作簿由 govbudget 生成，用于填报部门预算的源数据（账），预算公开各表及情况说明均由此推算。",
    "1. 先填“基本信息”；科目版本决定各表下拉列表中的科目代码。",
    "2. “支出”每行一笔预算安排：第1行为中文表头，第2行为一体化字段名，请勿修改；从第3行起填写。",
    "3. 科目代码从下拉列表选择或直接输入（7位功能分类项、5位部门经济分类款），右侧名称列自动显示科目名称，仅供核对，不读取。",
    "4. 政府预算经济分类（GOV_BGT_ECO_CODE）可不填：由部门预算经济分类按对应关系推算；填写时须为对应的代码之一，否则指出单元格。",
    "5. 金额单位为元，保留两位小数（到分）；可输入数字，也可输入文本数字。超过两位小数的数字会被拒绝并指出单元格。",
    "6. 公式单元格须已在 Excel 中计算并保存（读取其缓存值）；合并单元格按左上角的值处理（金额列不可跨行合并）。",
    "7. 空白单元格表示 0 或“未填报”（情况说明中不比较）；0 表示确为零。",
    "8. 填好后运行：govbudget report 本文件.xlsx --format xlsx -o 预算公开表.xlsx；"
    "govbudget narrative 本文件.xlsx；govbudget report 本文件.xlsx --format html -o 预算公开.html。",
)

BUDGET_SPEC = WorkbookSpec("budget", "部门预算填报", BudgetLedger, BUDGET_SHEETS, validate_budget,
                           BUDGET_INSTRUCTIONS)

def _sheet_name(text: str) -> str:
    # Excel: at most 31 characters, none of []:*?/\
    return re.sub(r"[\[\]:*?/\\]", "_", text)[:31]


def _scalar(hint: Any, name: str, codes: Mapping[str, str]) -> tuple[str, tuple[str, ...]] | None:
    """(kind, choices) of a scalar type; ``None`` for a structure."""
    import enum
    import types
    import typing

    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and len(args) == 1:
        hint = args[0]
    if hint is Decimal:
        return "amount", ()
    if hint is bool:
        return "flag", ()
    if hint is int:
        return "int", ()
    if hint is str:
        return codes.get(name, "text"), ()
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return "choice", tuple(str(m.value) for m in hint)
    return None


def derive_spec(family: str, title: str, ledger_type: type[Any], validate: Callable[[Any], Any], *,
                titles: Mapping[str, str] | None = None, codes: Mapping[str, str] | None = None,
                instructions: Sequence[str] = ()) -> WorkbookSpec:
    """A workbook declared from the fields of a family's (attrs) ledger type: its plain
    fields on a 基本信息 sheet, each structure field (and the structures in it) on a record
    sheet, each tuple of records or of pairs on a list sheet.  ``titles`` gives the Chinese
    header of a field or the name of a sheet by dotted path (the path itself otherwise);
    ``codes`` the fields holding catalog codes (``function`` 功能分类 项, ``economic`` 经济分类
    款 by default).  A family's own declaration (like :data:`FINAL_SPEC`) can then refine it."""
    import typing

    names = dict(titles or {})
    code_fields = dict(codes or {"function": "function", "economic": "economic"})
    sheets: list[Sheet] = []

    def fields_of(cls: type[Any]) -> list[tuple[str, Any]]:
        hints = typing.get_type_hints(cls)
        return [(a.name, hints[a.name]) for a in attrs.fields(cls)]

    def item_fields(item: Any, path: str) -> tuple[tuple[Field, ...], bool]:
        if typing.get_origin(item) is tuple:  # a pair
            kinds = [_scalar(t, f"{path}.{i}", code_fields) for i, t in enumerate(typing.get_args(item))]
            if any(k is None for k in kinds):
                raise GovBudgetError(f"{path}: pairs of structures cannot be a sheet")
            return tuple(Field((i,), names.get(f"{path}.{i}", f"{path}.{i}"), f"{path.split('.')[-1]}_{i}".upper(),
                               k[0], 16, k[1]) for i, k in enumerate(kinds) if k), True
        out = []
        for name, hint in fields_of(item):
            kind = _scalar(hint, name, code_fields)
            if kind is None:
                raise GovBudgetError(f"{path}.{name}: a structure inside a list cannot be a column")
            out.append(Field((name,), names.get(f"{path}.{name}", name), name.upper(), kind[0], 16, kind[1]))
        return tuple(out), False

    def walk(cls: type[Any], prefix: tuple[str, ...], rows: list[Field]) -> None:
        for name, hint in fields_of(cls):
            path = (*prefix, name)
            dotted = ".".join(path)
            kind = _scalar(hint, name, code_fields)
            if kind is not None:
                rows.append(Field(path, names.get(dotted, dotted), "_".join(path).upper(), kind[0], 18, kind[1]))
                continue
            args = [a for a in typing.get_args(hint) if a is not type(None)]
            inner = args[0] if len(args) == 1 and not attrs.has(hint) else hint
            if attrs.has(inner):
                if prefix:
                    walk(inner, path, rows)
                else:
                    own: list[Field] = []
                    at = len(sheets)  # the record sheet goes before the list sheets inside it
                    walk(inner, path, own)
                    if own:
                        sheets.insert(at, RecordSheet(_sheet_name(names.get(dotted, dotted)), tuple(own)))
                continue
            if typing.get_origin(inner) is tuple and typing.get_args(inner)[1:] == (Ellipsis,):
                columns, pairs = item_fields(typing.get_args(inner)[0], dotted)
                sheets.append(ListSheet(_sheet_name(names.get(dotted, dotted)), path, columns, pairs))
                continue
            raise GovBudgetError(f"{dotted}: type {hint!r} has no workbook form")

    top: list[Field] = []
    walk(ledger_type, (), top)
    sheets.insert(0, RecordSheet(names.get("", "基本信息"), tuple(top)))
    return WorkbookSpec(family, title, ledger_type, tuple(sheets), validate, tuple(instructions))


#: The families with a declared workbook.  A family adds its :class:`WorkbookSpec` here.
FAMILIES: Mapping[str, WorkbookSpec] = {"final": FINAL_SPEC, "budget": BUDGET_SPEC}


def spec_for(family: str) -> WorkbookSpec:
    """The workbook declaration of a disclosure family (``final``, ``budget``)."""
    spec = FAMILIES.get(family)
    if spec is None:
        raise GovBudgetError(
            f"no fill-in workbook is declared for family {family!r} yet; available: {', '.join(FAMILIES)}"
        )
    return spec


# --- writing ------------------------------------------------------------------------------

def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - the extra is installed with the dev group
        raise GovBudgetError(
            "Excel workbooks need openpyxl: pip install 'govbudget[excel]'"
        ) from None
    return openpyxl


def _choices(kind: str, edition: int) -> list[tuple[str, str]]:
    """The codes (code, name) of a kind of code field, from the edition's catalog."""
    if kind == "function":
        return [(s.code, s.name) for s in catalog(Scheme.FUNCTIONAL, edition) if s.level is Level.ITEM]
    if kind == "economic":
        return [(s.code, s.name) for s in catalog(Scheme.ECONOMIC_DEPARTMENT, edition)
                if s.level is Level.SECTION]
    if kind == "government":
        return [(s.code, s.name) for s in catalog(Scheme.ECONOMIC_GOVERNMENT, edition)
                if s.level is Level.SECTION]
    return []


#: The code fields, each with its drop-down list and a name column beside it.
_NAMED_KINDS = ("function", "economic", "government")


class _Styles:
    def __init__(self, openpyxl: Any) -> None:
        st = openpyxl.styles
        self.bold = st.Font(bold=True)
        self.grey = st.Font(color="808080", size=9)
        self.head_fill = st.PatternFill("solid", fgColor="DDEBF7")
        self.name_fill = st.PatternFill("solid", fgColor="F2F2F2")
        self.center = st.Alignment(horizontal="center", vertical="center", wrap_text=True)


def _col(openpyxl: Any, i: int) -> str:
    return str(openpyxl.utils.get_column_letter(i))


def _write_code_sheet(openpyxl: Any, wb: Any, edition: int, spec: WorkbookSpec) -> dict[str, str]:
    """The hidden 代码 sheet: the edition's codes with their names, then each list of
    choices the spec's fields use; returns the validation range of each list."""
    ws = wb.create_sheet(CODE_SHEET)
    ranges: dict[str, str] = {}
    lists: dict[str, list[tuple[str, str]]] = {k: _choices(k, edition) for k in _NAMED_KINDS}
    for sheet in spec.sheets:
        for f in sheet.fields:
            if f.options:
                lists.setdefault(str(f.list_key), [(v, "") for v in f.options])
    for j, (kind, values) in enumerate(lists.items()):
        c = 2 * j + 1
        ws.cell(1, c, kind if kind in _NAMED_KINDS else "选项")
        ws.cell(1, c + 1, "名称")
        for i, (value, name) in enumerate(values, 2):
            ws.cell(i, c, value).number_format = "@"
            ws.cell(i, c + 1, name)
        letter, name_letter = _col(openpyxl, c), _col(openpyxl, c + 1)
        ranges[kind] = f"{CODE_SHEET}!${letter}$2:${letter}${len(values) + 1}"
        ranges[kind + ":lookup"] = f"{CODE_SHEET}!${letter}$2:${name_letter}${len(values) + 1}"
    ws.sheet_state = "hidden"
    return ranges


def _shown_name(f: Field) -> str:
    """The field name of the column showing a code's subject name (EXP_FUNC_CODE → EXP_FUNC_NAME)."""
    return f.name[:-5] + "_NAME" if f.name.endswith("_CODE") else f.name + "_NAME"


def _layout(sheet: ListSheet) -> list[tuple[Field | None, Field | None]]:
    """Columns of a list sheet: (input field, None) or (None, the field whose name it shows)."""
    cols: list[tuple[Field | None, Field | None]] = []
    for f in sheet.fields:
        cols.append((f, None))
        if f.kind in _NAMED_KINDS:
            cols.append((None, f))
    return cols


def _get(data: Any, key: tuple[str | int, ...]) -> Any:
    for k in key:
        if data is None:
            return None
        if isinstance(k, str) and k.startswith("@"):
            data = next((v for n, v in data if n == k[1:]), None)
        elif isinstance(k, int):
            data = data[k]
        else:
            data = data.get(k)
    return data


def _cell_value(kind: str, value: Any) -> Any:
    """The cell value written for a plain-ledger value (amounts as numbers)."""
    if value is None:
        return None
    if kind == "flag":
        return FLAG_TRUE[0] if value else None  # blank is 否, as a clerk leaves it
    if kind == "amount":
        d = Decimal(value)
        if d != d.quantize(_FEN) or len(d.normalize().as_tuple().digits) > FLOAT_DIGITS:
            # More than a double holds exactly (below 分, or too many digits): kept as text.
            return str(d)
        # A number cell, as a clerk would type it: whole 分 within 15 digits, so the double
        # Excel stores reads back (by repr) to exactly this value.
        return int(d) if d == d.to_integral_value() else float(d)
    return value


def _names(kind: str, edition: int) -> dict[str, str]:
    return dict(_choices(kind, edition))


def _write_list(openpyxl: Any, wb: Any, sheet: ListSheet, items: Sequence[Any] | None, edition: int,
                ranges: Mapping[str, str], styles: _Styles) -> None:
    ws = wb.create_sheet(sheet.name)
    cols = _layout(sheet)
    for j, (f, shown_for) in enumerate(cols, 1):
        letter = _col(openpyxl, j)
        if f is not None:
            ws.cell(1, j, f.title)
            ws.cell(2, j, f.name)
            ws.column_dimensions[letter].width = f.width
        else:
            assert shown_for is not None
            ws.cell(1, j, "科目名称（自动）")
            ws.cell(2, j, _shown_name(shown_for))
            ws.column_dimensions[letter].width = 30
        for r in (1, 2):
            ws.cell(r, j).font = styles.bold if r == 1 else styles.grey
            ws.cell(r, j).fill = styles.head_fill
            ws.cell(r, j).alignment = styles.center
    ws.freeze_panes = "A3"
    ws.print_title_rows = "1:2"
    # A blank template prepares TEMPLATE_ROWS rows; a filled one a few beyond its facts.
    last = 2 + (len(items) + FILLED_SPARE_ROWS if items else TEMPLATE_ROWS)
    dv_class = openpyxl.worksheet.datavalidation.DataValidation
    name_tables = {k: _names(k, edition) for k in _NAMED_KINDS}
    for j, (f, shown_for) in enumerate(cols, 1):
        letter = _col(openpyxl, j)
        if f is not None and f.list_key is not None:
            dv = dv_class(type="list", formula1=f"={ranges[f.list_key]}", allow_blank=True,
                          showErrorMessage=True, errorTitle="无效代码",
                          error=f"{f.title}：请从下拉列表中选择")
            dv.add(f"{letter}3:{letter}{last}")
            ws.add_data_validation(dv)
        if f is not None and f.kind == "amount":
            for r in range(3, last + 1):
                ws.cell(r, j).number_format = YUAN_FORMAT
        if f is not None and f.kind in _NAMED_KINDS:
            for r in range(3, last + 1):
                ws.cell(r, j).number_format = "@"  # codes are text: 2010301, never 2.01E+06
        if shown_for is not None and not items:
            code_letter = _col(openpyxl, j - 1)
            lookup = ranges[shown_for.kind + ":lookup"]
            for r in range(3, last + 1):
                c = ws.cell(r, j, f'=IF({code_letter}{r}="","",IFERROR(VLOOKUP({code_letter}{r},{lookup},2,FALSE),"无此科目"))')
                c.fill = styles.name_fill
    for i, item in enumerate(items or (), 3):
        for j, (f, shown_for) in enumerate(cols, 1):
            if f is not None:
                ws.cell(i, j, _cell_value(f.kind, _get(item, f.key)))
            else:
                assert shown_for is not None
                code = _get(item, shown_for.key)
                name = None if code is None else name_tables[shown_for.kind].get(code, "无此科目")
                ws.cell(i, j, name).fill = styles.name_fill
    if sheet.note:
        ws.cell(1, len(cols) + 2, sheet.note).font = styles.grey


def _write_record(openpyxl: Any, wb: Any, sheet: RecordSheet, data: Any, styles: _Styles) -> None:
    ws = wb.create_sheet(sheet.name)
    for j, title in enumerate(("项目", "字段", "值"), 1):
        c = ws.cell(1, j, title)
        c.font, c.fill, c.alignment = styles.bold, styles.head_fill, styles.center
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 28
    ws.column_dimensions["C"].width = 20
    for i, f in enumerate(sheet.fields, 2):
        ws.cell(i, 1, f.title)
        ws.cell(i, 2, f.name).font = styles.grey
        c = ws.cell(i, 3, _cell_value(f.kind, _get(data, f.key)) if data is not None else None)
        if f.kind == "amount":
            c.number_format = YUAN_FORMAT
    ws.freeze_panes = "A2"
    if sheet.note:
        ws.cell(len(sheet.fields) + 3, 1, sheet.note).font = styles.grey


def _build(spec: WorkbookSpec, data: Any, edition: int) -> Any:
    openpyxl = _openpyxl()
    wb = openpyxl.Workbook()
    styles = _Styles(openpyxl)
    ws = wb.active
    ws.title = INSTRUCTIONS
    ws.column_dimensions["A"].width = 120
    ws.cell(1, 1, spec.title).font = openpyxl.styles.Font(bold=True, size=14)
    for i, line in enumerate(spec.instructions, 3):
        ws.cell(i, 1, line).alignment = openpyxl.styles.Alignment(wrap_text=True)
    row = len(spec.instructions) + 4
    ws.cell(row, 1, "工作表：").font = styles.bold
    for i, sheet in enumerate(spec.sheets, row + 1):
        ws.cell(i, 1, f"{sheet.name}{'：' + sheet.note if sheet.note else ''}")
    ranges = _write_code_sheet(openpyxl, wb, edition, spec)
    for sheet in spec.sheets:
        if isinstance(sheet, ListSheet):
            _write_list(openpyxl, wb, sheet, _get(data, sheet.path) if data is not None else None,
                        edition, ranges, styles)
        else:
            _write_record(openpyxl, wb, sheet, data, styles)
    # The hidden code sheet goes last so that sheet order follows the instructions.
    wb.move_sheet(CODE_SHEET, offset=len(wb.sheetnames))
    return wb


def save_workbook(wb: Any, path: str | Path, *, overwrite: bool = False) -> None:
    """Save through a temporary file in the same directory, then rename (never a half-written
    file; an existing file is kept unless ``overwrite``)."""
    p = Path(path)
    if p.exists() and not p.is_file():
        # A device or pipe (/dev/stdout, a FIFO) is written in place, never replaced.
        if p.is_dir():
            raise FormatError(f"{p}: is a directory")
        import io as _io

        buffer = _io.BytesIO()  # the zip is built in memory, then written in one go
        wb.save(buffer)
        try:
            with p.open("wb") as f:
                f.write(buffer.getvalue())
        except OSError as exc:
            raise FormatError(f"{p}: cannot write ({exc.strerror or exc})") from None
        return
    if p.exists() and not overwrite:
        raise FormatError(f"{p}: exists; choose another name or pass --force")
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent or ".")
    os.close(fd)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; the result is an ordinary file
        wb.save(tmp)
        os.replace(tmp, p)
    except OSError as exc:
        raise FormatError(f"{p}: cannot write ({exc.strerror or exc})") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_template(path: str | Path, *, family: str = "final", edition: int | None = None,
                   fiscal_year: int | None = None, overwrite: bool = False,
                   spec: WorkbookSpec | None = None) -> None:
    """Write the blank fill-in workbook of ``family`` (``govbudget init``)."""
    from govbudget.classification import DEFAULT_EDITION, edition_for_year

    spec = spec or spec_for(family)
    ed = edition or (edition_for_year(fiscal_year) if fiscal_year else DEFAULT_EDITION)
    catalog(Scheme.FUNCTIONAL, ed)  # an unknown edition fails here, before any file is made
    data = {"department": None, "fiscal_year": fiscal_year, "edition": ed}
    wb = _build(spec, data, ed)
    save_workbook(wb, path, overwrite=overwrite)


def write_ledger(ledger: Any, path: str | Path, *, family: str | None = None, overwrite: bool = False,
                 spec: WorkbookSpec | None = None) -> None:
    """Write ``ledger`` as a filled workbook (``govbudget init --example``), in the workbook
    of its family (the one whose ledger type it is, unless ``family`` or ``spec`` says)."""
    if spec is None and family is None:
        family = next((f for f, sp in FAMILIES.items() if isinstance(ledger, sp.ledger_type)), "final")
    spec = spec or spec_for(family or "final")
    save_workbook(_build(spec, unstructure(ledger), ledger.edition), path, overwrite=overwrite)


# --- reading ------------------------------------------------------------------------------

#: Workbooks of at least this many rows show a progress bar while they are read (on a TTY).
READ_PROGRESS_ROWS = 10_000
#: Rows between two redraws of the bar.
READ_PROGRESS_STEP = 1024
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?"')


class _Sheet:
    """One sheet as streamed from the file (openpyxl read-only): the values by (row, column),
    the cells holding a formula, and the merged ranges."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.values: dict[tuple[int, int], Any] = {}
        self.formulas: set[tuple[int, int]] = set()
        self.merged: list[tuple[int, int, int, int]] = []  # min_row, min_col, max_row, max_col
        self.max_row = 0
        self.max_column = 0


def _stream(ws: Any, sheet: _Sheet, progress: Any, *, formulas: bool = True) -> None:
    """Read ``ws`` (a read-only sheet) row by row into ``sheet``, advancing ``progress``."""
    ws.reset_dimensions()  # a stated dimension may be wrong; never drop a cell beyond it
    pending = 0
    for row in ws.iter_rows():
        for cell in row:
            value = cell.value
            if value is None:
                continue
            at = (cell.row, cell.column)
            sheet.values[at] = value
            if formulas and cell.data_type == "f":
                sheet.formulas.add(at)
            sheet.max_row = max(sheet.max_row, at[0])
            sheet.max_column = max(sheet.max_column, at[1])
        pending += 1
        if pending == READ_PROGRESS_STEP:
            progress.advance(pending, sheet.title)
            pending = 0
    progress.advance(pending, sheet.title)


def _sheet_parts(raw: bytes) -> dict[str, str]:
    """The zip member of each sheet, by sheet name (from the workbook's relationships)."""
    import io as _io
    import posixpath
    import zipfile
    from xml.etree import ElementTree

    rel_ns = "{http://schemas.openxmlformats.org/package/2006/relationships}"
    doc_ns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    with zipfile.ZipFile(_io.BytesIO(raw)) as z:
        root = ElementTree.fromstring(z.read("_rels/.rels"))
        book = next(r.get("Target", "") for r in root.iter(f"{rel_ns}Relationship")
                    if r.get("Type", "").endswith("/officeDocument")).lstrip("/")
        folder, name = posixpath.split(book)
        rels = ElementTree.fromstring(z.read(posixpath.join(folder, "_rels", name + ".rels")))
        targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{rel_ns}Relationship")}
        parts = {}
        for sh in ElementTree.fromstring(z.read(book)).iter():
            if sh.tag.endswith("}sheet") and sh.get(f"{doc_ns}id") in targets:
                target = targets[sh.get(f"{doc_ns}id")]
                parts[str(sh.get("name"))] = (target.lstrip("/") if target.startswith("/")
                                              else posixpath.normpath(posixpath.join(folder, target)))
        return parts


def _merged_ranges(raw: bytes, part: str) -> list[tuple[int, int, int, int]]:
    """The merged ranges of one sheet, found in its XML (they follow the cell data; read-only
    openpyxl does not report them), scanned in chunks so a large sheet is never held whole."""
    import io as _io
    import zipfile

    from openpyxl.utils import column_index_from_string

    found: set[tuple[int, int, int, int]] = set()
    with zipfile.ZipFile(_io.BytesIO(raw)) as z, z.open(part) as f:
        tail = b""
        while chunk := f.read(1 << 20):
            text = tail + chunk
            for m in _MERGE.finditer(text):
                c1, r1, c2, r2 = m.group(1), m.group(2), m.group(3) or m.group(1), m.group(4) or m.group(2)
                found.add((int(r1), column_index_from_string(c1.decode()),
                           int(r2), column_index_from_string(c2.decode())))
            tail = text[-64:]  # a tag cut by the chunk's end is found whole in the next round
    return sorted(found)


class _Cells:
    """Cells of one sheet, with merged ranges resolved and formulas checked.

    ``sheet`` is the sheet as stored (formulas as text); ``cached`` streams, on the first
    formula met, the same sheet with the values Excel saved for its formulas."""

    def __init__(self, source: str, sheet: _Sheet, cached: Callable[[], _Sheet]) -> None:
        self.source = source
        self.sheet = sheet
        self._cached = cached
        self.merged: dict[tuple[int, int], tuple[int, int, bool]] = {}
        for min_row, min_col, max_row, max_col in sheet.merged:
            for r in range(min_row, max_row + 1):
                for c in range(min_col, max_col + 1):
                    self.merged[(r, c)] = (min_row, min_col, max_row > min_row)

    def ref(self, row: int, col: int) -> str:
        from openpyxl.utils import get_column_letter

        return f"{self.sheet.title}!{get_column_letter(col)}{row}"

    def column_ref(self, col: int) -> str:
        """``支出!B``: the sheet and column letter (a row number completes it)."""
        from openpyxl.utils import get_column_letter

        return f"{self.sheet.title}!{get_column_letter(col)}"

    def stored(self, row: int, col: int) -> Any:
        """The value as stored (a formula as its text), merged ranges not resolved."""
        return self.sheet.values.get((row, col))

    def raw(self, row: int, col: int, kind: str = "text") -> Any:
        r, c = row, col
        if (row, col) in self.merged:
            r, c, multi_row = self.merged[(row, col)]
            if multi_row and kind == "amount" and (r, c) != (row, col):
                raise FormatError(
                    f"{self.source}: {self.ref(row, col)}: an amount cell merged over several rows "
                    f"({self.ref(r, c)}); unmerge it and give each row its amount"
                )
        value = self.sheet.values.get((r, c))
        if (r, c) in self.sheet.formulas:
            formula = value
            value = self._cached().values.get((r, c))
            if value is None:
                text = getattr(formula, "text", formula)
                raise FormatError(
                    f"{self.source}: {self.ref(row, col)}: formula {str(text)[:40]} has no saved value; "
                    "open and save the file in Excel (or type the value)"
                )
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
        return value

    @property
    def max_row(self) -> int:
        return self.sheet.max_row

    @property
    def max_column(self) -> int:
        return self.sheet.max_column


def _float_decimal(value: float, where: str) -> Decimal:
    # The one float of govbudget: Excel's double, read through its shortest repr (what
    # Excel shows), then held to whole 分 and to the digits a double keeps exactly.
    text = repr(value)
    if text in ("nan", "inf", "-inf"):
        raise FormatError(f"{where}: {text} is not an amount")
    d = Decimal(text)
    if len(d.normalize().as_tuple().digits) > FLOAT_DIGITS:
        raise FormatError(f"{where}: number {text} has more than {FLOAT_DIGITS} significant digits, "
                          "more than Excel keeps exactly; type it as text")
    if d != d.quantize(_FEN):
        raise FormatError(f"{where}: number {text} is not a whole number of 分 (two decimals); "
                          "round it to the 分")
    return d


def _read_cell(cells: _Cells, row: int, col: int, f: Field) -> Any:
    value = cells.raw(row, col, f.kind)
    if value is None:
        return None
    where = f"{cells.source}: {cells.ref(row, col)} ({f.title})"
    if f.kind == "flag":
        if isinstance(value, bool):
            return value
        text = str(value).lower()
        if text in FLAG_TRUE + FLAG_FALSE:
            return text in FLAG_TRUE
        raise FormatError(f"{where}: {value!r} is not 是 or 否")
    if isinstance(value, bool):
        raise FormatError(f"{where}: TRUE/FALSE is not a value here")
    if f.kind == "amount":
        if isinstance(value, float):
            d = _float_decimal(value, where)
        elif isinstance(value, int | str):
            try:
                d = to_decimal(value, where=where)
            except GovBudgetError as exc:
                raise FormatError(str(exc)) from None
        else:
            raise FormatError(f"{where}: {type(value).__name__} {value!r} is not an amount")
        if d < 0:
            raise FormatError(f"{where}: negative amount {value} is not allowed here")
        # Canonical 元.分: a number cell keeps no trailing zeros, so an amount to the 分 is
        # read with exactly two decimals; finer text amounts are kept exactly as typed.
        return str(d.quantize(_FEN) if d == d.quantize(_FEN) else d)
    if f.kind == "int":
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) and re.fullmatch(r"[+-]?\d+", value):
            value = int(value)
        if not isinstance(value, int):
            raise FormatError(f"{where}: {value!r} is not a whole number")
        return value
    # text, codes, enums: a number typed in a code column is its digits
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        raise FormatError(f"{where}: {type(value).__name__} {value!r} is not text")
    if f.choices and value not in f.choices:
        raise FormatError(f"{where}: {value!r} is not one of {' / '.join(f.choices)}")
    if f.kind in _NAMED_KINDS:
        value = value.replace(" ", "")
    return value


def _set(data: dict[str, Any], key: tuple[str | int, ...], value: Any) -> None:
    """Put ``value`` at ``key`` in the plain ledger; ``@name`` appends the pair
    ``[name, value]`` to the list of pairs before it."""
    node: Any = data
    for k in key[:-2]:
        node = node.setdefault(k, {})
    head, last = key[-2] if len(key) > 1 else None, key[-1]
    if isinstance(last, str) and last.startswith("@"):
        node.setdefault(head, []).append([last[1:], value])
        return
    if head is not None:
        node = node.setdefault(head, {})
    node[last] = value


def _read_record(cells: _Cells, sheet: RecordSheet, data: dict[str, Any],
                 places: dict[str, str]) -> None:
    by_name = {f.name: f for f in sheet.fields}
    seen: set[str] = set()
    for row in range(2, cells.max_row + 1):
        name = cells.raw(row, 2)
        value_present = cells.raw(row, 3) is not None
        if name is None:
            if value_present:
                raise FormatError(f"{cells.source}: {cells.ref(row, 3)}: a value without a field name in "
                                  f"{cells.ref(row, 2)}")
            continue
        f = by_name.get(str(name))
        if f is None:
            raise FormatError(f"{cells.source}: {cells.ref(row, 2)}: unknown field {name!r} on sheet "
                              f"{sheet.name} (known: {', '.join(by_name)})")
        if f.name in seen:
            raise FormatError(f"{cells.source}: {cells.ref(row, 2)}: field {name} given twice")
        seen.add(f.name)
        value = _read_cell(cells, row, 3, f)
        if value is None:
            continue
        places[".".join(str(k) for k in f.key if not str(k).startswith("@"))] = cells.ref(row, 3)
        _set(data, f.key, value)


@attrs.frozen
class _Derived:
    """A derived value the clerk typed (``value`` at ``ref``), and the value it derives from."""

    field: Field
    ref: str
    value: str
    base: str | None
    base_ref: str


def government_codes(economic: str) -> tuple[tuple[str, str], ...]:
    """The 政府预算经济分类 款 a 部门预算经济分类 款 maps to, with the 口径 (机关 / 事业单位) of
    each, from the shipped mapping (:func:`~govbudget.classification.economic_mapping`)."""
    return tuple((m.government_code, "事业单位" if m.for_institutions else "机关")
                 for m in economic_mapping(economic))


def _derivation_problems(derived: Sequence[_Derived], source: str) -> list[str]:
    """Each typed derived value that does not follow from its base, as a message naming the
    cell and the expected code(s)."""
    problems = []
    for d in derived:
        where = f"{source}: {d.ref} ({d.field.title})"
        if d.base is None:
            problems.append(f"{where}: {d.value} is given without the 部门预算经济分类 it derives from")
            continue
        expected = government_codes(d.base)
        if not expected:
            problems.append(f"{where}: the shipped mapping gives no 政府预算经济分类 for 部门预算经济分类 "
                            f"{d.base} ({d.base_ref}), so {d.value} cannot be checked; leave the cell blank")
        elif d.value not in {code for code, _ in expected}:
            shown = " or ".join(f"{code} ({basis})" for code, basis in expected)
            problems.append(f"{where}: {d.value} does not follow from 部门预算经济分类 {d.base} ({d.base_ref}); "
                            f"expected {shown}")
    return problems


def _read_list(cells: _Cells, sheet: ListSheet, data: dict[str, Any], rows_of: dict[str, list[int]],
               columns_of: dict[tuple[str, str], str], derived: list[_Derived]) -> None:
    by_name = {f.name: f for f in sheet.fields}
    shown = {_shown_name(f) for f in sheet.fields if f.kind in _NAMED_KINDS}
    col_of: dict[int, Field] = {}
    for c in range(1, cells.max_column + 1):
        name = cells.raw(2, c)
        if name is None:
            # A column without a field name holds nothing to read; data there would be lost.
            stray = next((r for r in range(3, cells.max_row + 1) if cells.stored(r, c) not in (None, "")), None)
            if stray is not None:
                raise FormatError(f"{cells.source}: {cells.ref(stray, c)}: a value in a column without a "
                                  f"field name (row 2); sheet {sheet.name} reads {', '.join(by_name)}")
            continue
        if str(name) in shown:
            continue
        f = by_name.get(str(name))
        if f is None:
            raise FormatError(f"{cells.source}: {cells.ref(2, c)}: unknown column {name!r} on sheet "
                              f"{sheet.name} (row 2 holds the field names: {', '.join(by_name)})")
        if f in col_of.values():
            raise FormatError(f"{cells.source}: {cells.ref(2, c)}: column {name} given twice")
        col_of[c] = f
    # A derived field (政府预算经济分类) may be left out: the library derives it.
    missing = [f.name for f in sheet.fields if f not in col_of.values() and not f.derived_from]
    if missing:
        raise FormatError(f"{cells.source}: sheet {sheet.name}: row 2 lacks the column(s) {', '.join(missing)}")
    items: list[Any] = []
    rows: list[int] = []
    for row in range(3, cells.max_row + 1):
        values = {c: _read_cell(cells, row, c, f) for c, f in col_of.items()}
        if all(v is None for v in values.values()):
            continue
        for c, f in col_of.items():
            if f.derived_from and values[c] is not None:
                # Checked once the ledger is valid (its codes known), then dropped.
                base = next((b for b, g in col_of.items() if g.key == (f.derived_from,)), None)
                derived.append(_Derived(f, cells.ref(row, c), values[c],
                                        None if base is None else values[base],
                                        "" if base is None else cells.ref(row, base)))
        if sheet.pairs:
            item: Any = [values[c] for c in sorted(col_of, key=lambda c: col_of[c].key[0])]
        else:
            item = {str(f.key[0]): v for c, f in col_of.items()
                    if (v := values[c]) is not None and not f.derived_from}
        items.append(item)
        rows.append(row)
    label = ".".join(sheet.path)
    rows_of[label] = rows
    for c, f in col_of.items():
        columns_of[(label, str(f.key[0]))] = cells.column_ref(c)
    if items:
        node: Any = data
        for k in sheet.path[:-1]:
            node = node.setdefault(k, {})
        node[sheet.path[-1]] = items


_LIST_PATH = re.compile(r"\$?\.?((?:[a-z_]+\.)*[a-z_]+)\[(\d+)\](?:\.([a-z_]+)| \(([a-z_]+)\))?")
_NESTED = re.compile(r"([a-z_]+): (.*?) @ \$\.([a-z_.]+)")
_RECORD_PATH = re.compile(r"\$?\.?((?:[a-z_]+\.)*[a-z_]+)(?=:)")


def _where(message: str, rows_of: Mapping[str, Sequence[int]], columns_of: Mapping[tuple[str, str], str],
           places: Mapping[str, str]) -> str:
    """Rewrite ledger paths in a message (``expenditure[3] (function)``, ``$.balances.x``) as
    the cells they came from (``支出!B7``)."""

    def sub_list(m: re.Match[str]) -> str:
        label, index, field = m.group(1), int(m.group(2)), m.group(3) or m.group(4)
        rows = rows_of.get(label)
        if rows is None or index >= len(rows):
            return m.group(0)
        col = columns_of.get((label, field or "")) or next(
            (v for (lab, _), v in columns_of.items() if lab == label), None)
        return f"{col}{rows[index]}" if col else m.group(0)

    def sub_record(m: re.Match[str]) -> str:
        path = m.group(1)
        if path in places:
            return places[path]
        # A rule over a whole record (procurement: 中小企业 ≤ total): the cells filled in it.
        refs = [ref for key, ref in places.items() if key.startswith(path + ".")]
        if not refs:
            return m.group(0)
        return ", ".join(refs[:4]) + (" …" if len(refs) > 4 else "")

    def sub_nested(m: re.Match[str]) -> str:  # cattrs: "field: problem @ $.path.to.record"
        ref = places.get(f"{m.group(3)}.{m.group(1)}")
        return f"{ref}: {m.group(2)}" if ref else m.group(0)

    message = _NESTED.sub(sub_nested, message)
    return _RECORD_PATH.sub(sub_record, _LIST_PATH.sub(sub_list, message))



def _unreadable(source: str, exc: BaseException) -> FormatError:
    return FormatError(f"{source}: not an Excel .xlsx workbook ({type(exc).__name__}: {exc})"[:400])


def read_workbook(path: str | Path, *, family: str | None = None, spec: WorkbookSpec | None = None,
                  progress: bool = False, stream: TextIO | None = None) -> Any:
    """Read a filled workbook into a validated ledger (of ``family``; by default the family
    whose sheets the workbook has, see :func:`workbook_family`); every error names the sheet
    and cell.

    The sheets are streamed (openpyxl read-only), so a large workbook is read row by row.
    With ``progress``, a bar is drawn on ``stream`` (standard error) while a workbook of
    :data:`READ_PROGRESS_ROWS` rows or more is read, if that is a terminal."""
    openpyxl = _openpyxl()
    p = Path(path)
    source = str(p)
    from govbudget.io import read_bytes
    from govbudget.progress import Progress

    raw = read_bytes(p)
    import io as _io

    try:
        stored = openpyxl.load_workbook(_io.BytesIO(raw), read_only=True, data_only=False)
        parts = _sheet_parts(raw)
    # openpyxl raises whatever its parts raise on a broken file (a bad zip, a corrupt deflate
    # stream, an XML error, a style index out of range …): all mean "unreadable".
    except Exception as exc:
        raise _unreadable(source, exc) from None
    try:
        if spec is None:
            found = _family_of(set(stored.sheetnames))
            if family is not None and found is not None and found != family:
                raise FormatError(f"{source}: a {FAMILIES[found].title} workbook (family {found}), "
                                  f"not {spec_for(family).title} (family {family})")
            # Neither family's sheets all there: read as 部门决算, which names what is missing.
            spec = spec_for(family or found or "final")
        known = {s.name for s in spec.sheets} | {INSTRUCTIONS, CODE_SHEET}
        to_read = [n for n in stored.sheetnames if n != INSTRUCTIONS and n != CODE_SHEET]
        # The bar's length: the rows each sheet states (an estimate; a wrong one only misdraws).
        total = sum(int(getattr(stored[n], "max_row", 0) or 0) for n in to_read)
        bar = Progress(total, "read", quiet=not progress or total < READ_PROGRESS_ROWS, stream=stream)
        sheets: dict[str, _Sheet] = {}
        for name in to_read:
            sheet = _Sheet(name)
            if not hasattr(stored[name], "iter_rows"):
                continue  # a chart sheet: no cells, nothing to read
            _stream(stored[name], sheet, bar)
            if name not in known and sheet.values:
                raise FormatError(
                    f"{source}: sheet {name!r} is not part of the {spec.title} workbook; its data would be "
                    f"ignored (sheets: {', '.join(s.name for s in spec.sheets)})"
                )
            if name in parts:
                sheet.merged = _merged_ranges(raw, parts[name])
            sheets[name] = sheet
        bar.done()
    except GovBudgetError:
        raise
    except Exception as exc:  # a corrupt part met while streaming the sheets (read-only is lazy)
        raise _unreadable(source, exc) from None
    finally:
        with contextlib.suppress(Exception):
            stored.close()
    saved: dict[str, _Sheet] = {}

    def cached(name: str) -> _Sheet:
        # The values Excel saved for formulas: a second streaming of the sheet, made only when needed.
        if name not in saved:
            try:
                values = openpyxl.load_workbook(_io.BytesIO(raw), read_only=True, data_only=True)
            except Exception as exc:
                raise _unreadable(source, exc) from None
            try:
                saved[name] = _Sheet(name)
                _stream(values[name], saved[name], Progress(0, quiet=True), formulas=False)
            except GovBudgetError:
                raise
            except Exception as exc:
                raise _unreadable(source, exc) from None
            finally:
                with contextlib.suppress(Exception):
                    values.close()
        return saved[name]

    data: dict[str, Any] = {}
    rows_of: dict[str, list[int]] = {}
    columns_of: dict[tuple[str, str], str] = {}
    places: dict[str, str] = {}
    derived: list[_Derived] = []
    for sheet_spec in spec.sheets:
        if sheet_spec.name not in sheets:
            continue
        name = sheet_spec.name
        cells = _Cells(source, sheets[name], lambda name=name: cached(name))  # type: ignore[misc]
        if isinstance(sheet_spec, ListSheet):
            _read_list(cells, sheet_spec, data, rows_of, columns_of, derived)
        else:
            _read_record(cells, sheet_spec, data, places)
    for key in ("department", "fiscal_year", "edition"):
        if key not in data:
            raise FormatError(f"{source}: 基本信息: {key} is not filled in")

    def located(exc: GovBudgetError) -> FormatError:
        text = _where(str(exc), rows_of, columns_of, places)
        return FormatError(text if text.startswith(source) else f"{source}: {text}")

    try:
        ledger = spec.validate(structure(data, spec.ledger_type, source=source))
    except GovBudgetError as exc:
        raise located(exc) from None
    problems = _derivation_problems(derived, source)
    if problems:
        raise FormatError("\n  ".join(problems))
    return ledger


def workbook_family(path: str | Path) -> str | None:
    """The family of a govbudget fill-in workbook (``final``, ``budget``), or ``None`` for any
    other file (a published disclosure saved as Excel, not a workbook at all).

    A family's workbook has every sheet of its :class:`WorkbookSpec`.  The two families share
    sheet names (基本信息, 单位, 支出 …), so where several families' sheets are all there, the
    one that accounts for more of the workbook's sheets is meant (a 部门决算 workbook also holds
    收入, 结转结余, … which the 部门预算 one has not)."""
    openpyxl = _openpyxl()

    try:
        wb = openpyxl.load_workbook(str(path), read_only=True)
    except Exception:  # openpyxl raises many types for a broken file (see read_workbook)
        return None  # not a readable workbook: the document reader says what it is
    try:
        names = set(wb.sheetnames)
    finally:
        with contextlib.suppress(Exception):
            wb.close()
    return _family_of(names)


def _family_of(names: set[str]) -> str | None:
    fits = [(len({s.name for s in spec.sheets} & names), family) for family, spec in FAMILIES.items()
            if {s.name for s in spec.sheets} <= names]
    return max(fits)[1] if fits else None


def is_ledger_workbook(path: str | Path) -> bool:
    """Whether ``path`` is a govbudget fill-in workbook (a ledger of some family) rather than a
    published disclosure saved as Excel (see :func:`workbook_family`)."""
    return workbook_family(path) is not None
