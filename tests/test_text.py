"""The text model: section topics recognised from headings, whatever their number."""

from __future__ import annotations

import re

import pytest

from govbudget.io import example_ledger, example_published_text
from govbudget.narrative import build
from govbudget.readers import read_text
from govbudget.rules import check
from govbudget.text import KEY_PREFIXES, SectionTopic, subsection_topic, topic_of, topic_of_key

T = SectionTopic

# Headings as printed: the central 决算 format (the seed), Shanghai's 2024 决算 template
# (../shared/spec/disclosure-tables.md §4.1 and corpus/final/shanghai-template-2024.pdf), and
# 2026 部门预算 of six cities in ../shared/corpus/budget-2026 (read with pdfplumber).
HEADINGS = [
    # central 决算 (seed)
    ("一、收入支出决算总体情况说明", T.OVERVIEW),
    ("二、收入决算情况说明", T.INCOME),
    ("三、支出决算情况说明", T.EXPENDITURE),
    ("四、财政拨款收入支出决算总体情况说明", T.FISCAL_OVERVIEW),
    ("五、一般公共预算财政拨款支出决算情况说明", T.GENERAL_PUBLIC),
    ("六、一般公共预算财政拨款基本支出决算情况说明", T.BASIC),
    ("七、政府性基金预算财政拨款支出决算情况说明", T.GOVERNMENT_FUND),
    ("八、国有资本经营预算财政拨款支出决算情况说明", T.STATE_CAPITAL),
    ("九、财政拨款“三公”经费支出决算情况说明", T.THREE_PUBLIC),
    ("十、机关运行经费支出情况说明", T.OFFICE_OPERATING),
    ("十一、政府采购支出情况说明", T.PROCUREMENT),
    ("十二、国有资产占用情况说明", T.ASSETS),
    ("十三、预算绩效情况说明", T.PERFORMANCE),
    # Shanghai 决算: 三公 at 七, 政府性基金 at 八, 国有资本经营 at 九
    ("七、财政拨款“三公”经费支出决算情况说明", T.THREE_PUBLIC),
    ("八、政府性基金预算财政拨款收入支出决算情况说明", T.GOVERNMENT_FUND),
    ("九、国有资本经营预算财政拨款收入支出决算情况说明", T.STATE_CAPITAL),
    ("十、预算绩效管理情况", T.PERFORMANCE),
    ("十一、其他重要事项的情况说明", T.OTHER),
    # 长春 2026 预算 (changchun-01)
    ("一、收支总表情况说明", T.OVERVIEW),
    ("二、收入总表情况说明", T.INCOME),
    ("三、支出总表情况说明", T.EXPENDITURE),
    ("四、财政拨款收支总表情况说明", T.FISCAL_OVERVIEW),
    ("五、一般公共预算支出情况说明", T.GENERAL_PUBLIC),
    ("六、一般公共预算基本支出情况说明", T.BASIC),
    ("七、一般公共预算“三公”经费支出情况说明", T.THREE_PUBLIC),
    ("八、项目支出情况说明", T.PROJECT),
    ("九、机关运行经费安排使用情况说明", T.OFFICE_OPERATING),
    ("十、政府采购情况说明", T.PROCUREMENT),
    ("十一、国有资产占用使用情况说明", T.ASSETS),
    ("十二、项目支出绩效目标情况说明", T.PERFORMANCE),
    # 重庆 (chongqing-01)
    ("二、部门收支总体情况", T.OVERVIEW),
    ("三、财政拨款情况说明", T.FISCAL_OVERVIEW),
    ("四、“三公”经费情况说明", T.THREE_PUBLIC),
    ("五、其他重要事项的情况说明", T.OTHER),
    # 泉州 (quanzhou-01)
    ("一、预算收支总体情况", T.OVERVIEW),
    ("二、一般公共预算拨款支出情况", T.GENERAL_PUBLIC),
    ("三、政府性基金预算拨款支出情况", T.GOVERNMENT_FUND),
    ("四、国有资本经营预算拨款支出情况", T.STATE_CAPITAL),
    ("五、一般公共预算拨款基本支出情况", T.BASIC),
    ("六、一般公共预算“三公”经费支出情况", T.THREE_PUBLIC),
    ("七、预算绩效目标情况", T.PERFORMANCE),
    ("八、其他重要事项说明", T.OTHER),
    # 无锡 (wuxi-01)
    ("一、收支预算总体情况说明", T.OVERVIEW),
    ("二、收入预算情况说明", T.INCOME),
    ("三、支出预算情况说明", T.EXPENDITURE),
    ("四、财政拨款收支预算总体情况说明", T.FISCAL_OVERVIEW),
    ("五、财政拨款支出预算情况说明", T.FISCAL_EXPENDITURE),
    ("六、财政拨款基本支出预算情况说明", T.FISCAL_BASIC),
    ("七、一般公共预算支出预算情况说明", T.GENERAL_PUBLIC),
    ("八、一般公共预算基本支出预算情况说明", T.BASIC),
    ("九、一般公共预算“三公”经费、会议费、培训费支出预算情况说明", T.THREE_PUBLIC),
    ("十、政府性基金预算支出预算情况说明", T.GOVERNMENT_FUND),
    # 广州 (guangzhou-02), 无锡 (wuxi-06)
    ("一、部门预算收支增减变化情况", T.OVERVIEW),
    ("二、“三公”经费安排情况", T.THREE_PUBLIC),
    ("三、机关运行经费安排情况", T.OFFICE_OPERATING),
    ("四、政府采购情况", T.PROCUREMENT),
    ("五、国有资产占有使用情况", T.ASSETS),
    ("七、重点项目预算绩效目标情况", T.PERFORMANCE),
    ("十二、一般公共预算机关运行经费支出预算情况说明", T.OFFICE_OPERATING),
    ("十三、政府采购支出预算情况说明", T.PROCUREMENT),
    ("十五、预算绩效目标设置情况说明", T.PERFORMANCE),
    # not sections of the 情况说明, or sub-headings that name no topic
    ("二、部门机构设置及预算单位构成情况", None),
    ("第四部分 名词解释", None),
    ("一、单位基本情况", None),
    ("一、主要职能", None),
    ("（一）总体情况", None),
    ("（三）具体情况", None),
]


@pytest.mark.parametrize(("heading", "topic"), HEADINGS)
def test_topic_of_heading(heading, topic):
    assert topic_of(heading) is topic


@pytest.mark.parametrize(("heading", "topic"), HEADINGS)
def test_topic_does_not_depend_on_the_number(heading, topic):
    body = re.sub(r"^[一二三四五六七八九十]+、", "", heading)
    for number in ("一、", "十三、", "（二）", " 7．", ""):
        assert topic_of(number + body) is topic


def test_subsection_topics():
    # Shanghai's 十一 groups three topics; the sub-sections of a topic keep it.
    assert subsection_topic(T.OTHER, "（一）机关运行经费支出") is T.OFFICE_OPERATING
    assert subsection_topic(T.OTHER, "（二）政府采购支出") is T.PROCUREMENT
    assert subsection_topic(T.OTHER, "（三）国有资产占有使用") is T.ASSETS
    assert subsection_topic(T.OTHER, "（四）其他") is T.OTHER
    assert subsection_topic(T.BASIC, "（一）工资福利支出") is T.BASIC
    assert subsection_topic(T.GENERAL_PUBLIC, "（二）结构情况") is T.GENERAL_PUBLIC


def test_figure_keys_are_keyed_by_topic():
    assert topic_of_key("three_public.detail.vehicles.rate") is T.THREE_PUBLIC
    assert topic_of_key("gpb_budget.2010301.budget") is T.GENERAL_PUBLIC
    assert topic_of_key("basic.personnel.items") is T.BASIC
    assert topic_of_key("nonsense.key") is None
    prefixes = [p for ps in KEY_PREFIXES.values() for p in ps]
    assert len(prefixes) == len(set(prefixes))


def test_generated_sections_have_their_topic_and_their_keys():
    n = build(example_ledger())
    assert all(s.topic is not None for s in n.walk())
    assert [s.topic for s in n.sections] == [
        T.OVERVIEW, T.INCOME, T.EXPENDITURE, T.FISCAL_OVERVIEW, T.GENERAL_PUBLIC, T.BASIC,
        T.GOVERNMENT_FUND, T.STATE_CAPITAL, T.THREE_PUBLIC, T.OFFICE_OPERATING, T.PROCUREMENT,
        T.ASSETS, T.PERFORMANCE]
    # Every figure sits in a section about the topic its key belongs to.
    for section, sentence in n.sentences():
        for f in sentence.figures:
            assert topic_of_key(f.key) is section.topic, f.key
    assert n.section_about(T.THREE_PUBLIC).id == "九"


def _shanghai_order(text: str) -> str:
    """The seed's 第三部分 with the Shanghai numbering: 三公 七, 政府性基金 八, 国有资本经营 九."""
    head, sep, part3 = text.rpartition("第三部分\n")
    assert sep, "the seed has a 第三部分"
    renumbered = {"七、政府性基金": "八、政府性基金", "八、国有资本经营": "九、国有资本经营",
                  "九、财政拨款“三公”": "七、财政拨款“三公”"}
    out = re.sub("|".join(map(re.escape, renumbered)), lambda m: renumbered[m.group(0)], part3)
    assert out.count("七、财政拨款“三公”") == 1
    return head + sep + out


def test_renumbered_three_public_section_still_yields_every_figure():
    seed = read_text(example_published_text(), source="seed")
    moved = read_text(_shanghai_order(example_published_text()), source="seed")
    tp = {k: f.value for k, f in seed.narrative.figures.items() if k.startswith("three_public.")}
    tp_moved = {k: f.value for k, f in moved.narrative.figures.items() if k.startswith("three_public.")}
    assert len(tp) == 33  # counted in the seed: 3 + 9 + 9 + 12 (counts and sub-amounts)
    assert tp_moved == tp
    assert {k: f.value for k, f in moved.narrative.figures.items()} == {
        k: f.value for k, f in seed.narrative.figures.items()}
    assert moved.narrative.section_of("three_public.actual") == "七（一）"
    assert moved.narrative.section_about(T.THREE_PUBLIC).id == "七"
    # The check finds the same: 3 errors, 13 warnings, 10 info (no finding lost with the section).
    a, b = check(seed), check(moved)
    assert b.summary() == a.summary() == "seed: 3 errors, 13 warnings, 10 info"
    assert sorted(f.rule for f in b.findings) == sorted(f.rule for f in a.findings)


def test_read_figures_sit_in_sections_of_their_topic():
    p = read_text(example_published_text(), source="seed")
    assert len(p.narrative.figures) == 121
    for section, sentence in p.narrative.sentences():
        for f in sentence.figures:
            assert topic_of_key(f.key) is section.topic, (section.id, f.key)


def test_shanghai_layout_groups_three_topics_under_other():
    # Shanghai's 2024 template: 十 预算绩效管理情况, 十一 其他重要事项 with（一）机关运行经费,
    # （二）政府采购 and（三）国有资产 as sub-sections.
    text = _shanghai_order(example_published_text())
    replaced = {"十、机关运行经费支出情况说明": "十一、其他重要事项的情况说明\n\n（一）机关运行经费支出",
                "十一、政府采购支出情况说明": "（二）政府采购支出情况",
                "十二、国有资产占用情况说明": "（三）国有资产占有使用情况",
                "十三、预算绩效情况说明": "十、预算绩效管理情况"}
    head, sep, part3 = text.rpartition("第三部分\n")
    for old, new in replaced.items():
        assert part3.count(old) == 1
        part3 = part3.replace(old, new)
    seed = read_text(example_published_text(), source="seed")
    moved = read_text(head + sep + part3, source="seed")
    assert {k: f.value for k, f in moved.narrative.figures.items()} == {
        k: f.value for k, f in seed.narrative.figures.items()}
    assert moved.narrative.section_of("office.amount") == "十一（一）"
    assert moved.narrative.section_of("assets.vehicles") == "十一（三）"
    assert moved.narrative.section_of("performance.projects_with_targets") == "十（一）"


def test_budget_sections_have_their_topic():
    from govbudget.budget.io import example_budget_ledger
    from govbudget.budget.narrative import build as build_budget

    n = build_budget(example_budget_ledger())
    assert [s.topic for s in n.sections] == [
        T.OVERVIEW, T.INCOME, T.EXPENDITURE, T.FISCAL_OVERVIEW, T.GENERAL_PUBLIC, T.BASIC,
        T.THREE_PUBLIC, T.OFFICE_OPERATING, T.PROCUREMENT, T.GOVERNMENT_FUND]
    for section, sentence in n.sentences():
        for f in sentence.figures:
            # 政府性基金和国有资本经营 is one section in the budget text
            allowed = {section.topic} | ({T.STATE_CAPITAL} if section.topic is T.GOVERNMENT_FUND else set())
            assert topic_of_key(f.key) in allowed, (section.id, f.key)
