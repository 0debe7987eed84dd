"""Subject catalogs: counts, seed codes, tree laws, search, normalisation, editions, mapping."""

from __future__ import annotations

import csv
import json
import threading
from collections import Counter

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import govbudget as gb
from govbudget.classification import Level, Relation, Scheme, Status, documents
from govbudget.convert import make_converter

from .conftest import SHARED
from .strategies import subjects

REFERENCE = SHARED / "reference" / "catalog"


# Counts typed from the table in shared/reference/SOURCES.md ("Start here: catalog/").
@pytest.mark.parametrize(
    ("scheme", "edition", "levels", "confirmed"),
    [
        ("functional", 2024, (30, 267, 1368), (25, 159, 628)),
        ("functional", 2026, (30, 276, 1390), (25, 169, 652)),
        ("economic-department", 2024, (10, 104, 0), (10, 98, 0)),
        ("economic-department", 2026, (10, 105, 0), (10, 100, 0)),
        ("economic-government", 2024, (15, 62, 0), (5, 28, 0)),
        ("economic-government", 2026, (15, 62, 0), (5, 28, 0)),
        ("revenue", 2024, (6, 47, 51), (0, 0, 0)),
        ("revenue", 2026, (6, 47, 51), (0, 0, 0)),
    ],
)
def test_counts_per_scheme_and_level(scheme, edition, levels, confirmed):
    cat = gb.catalog(scheme, edition)
    by_level = Counter(s.level for s in cat)
    assert (by_level[Level.CLASS], by_level[Level.SECTION], by_level[Level.ITEM]) == levels
    conf = Counter(s.level for s in cat if s.provenance.confirmed)
    assert (conf[Level.CLASS], conf[Level.SECTION], conf[Level.ITEM]) == confirmed
    assert len(cat) == sum(levels)


@pytest.mark.skipif(not REFERENCE.exists(), reason="shared/reference not present")
@pytest.mark.parametrize(
    "scheme", ["functional", "economic_department", "economic_government", "revenue"]
)
@pytest.mark.parametrize("edition", [2024, 2026])
def test_package_data_agrees_with_reference_row_for_row(scheme, edition):
    with (REFERENCE / f"{scheme}_{edition}.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    cat = gb.catalog(scheme.replace("_", "-"), edition)
    assert len(rows) == len(cat)
    for row in rows:
        s = cat[row["code"]]
        assert (s.name, s.level.value, s.parent or "") == (row["name"], row["level"], row["parent"])
        assert s.provenance.status.value == row["status"]
        assert ";".join(s.provenance.confirmed_by) == row["confirmed_by"]
        assert (s.provenance.confidence or "") == row["compiled_confidence"]
        assert (s.budget or "") == row["budget"]


@pytest.mark.skipif(not REFERENCE.exists(), reason="shared/reference not present")
def test_build_script_check_passes_and_data_is_current():
    from scripts import build_data

    assert build_data.main(["--reference", str(SHARED / "reference"), "--check"]) == 0


def test_build_script_fails_loudly_on_bad_rows(tmp_path):
    from scripts import build_data

    cat = tmp_path / "catalog"
    cat.mkdir()
    header = "code,name,level,parent,budget,status,confirmed_by,compiled_confidence,note\n"
    cases = {
        "duplicate code 201": "201,一般公共服务支出,类,,,compiled,,high,\n201,x,类,,,compiled,,high,\n",
        "do not fit level": "2010,x,款,201,,compiled,,high,\n",
        "orphan code 20101": "20101,人大事务,款,201,,compiled,,high,\n",
        "empty name": "201,,类,,,compiled,,high,\n",
    }
    for expected, body in cases.items():
        src = cat / "functional_2024.csv"
        src.write_text(header + body, encoding="utf-8")
        with pytest.raises(build_data.BuildError, match=expected) as info:
            build_data.build_subjects(src, tmp_path, "functional", "2024")
        assert "functional_2024.csv:" in str(info.value)  # names the file and line


def test_every_confirming_document_is_listed():
    docs = documents()
    for scheme in Scheme:
        for s in gb.catalog(scheme, 2026):
            for doc in s.provenance.confirmed_by:
                assert doc in docs, (s.code, doc)


# Codes and names as the seed prints them in 公开02表 / 公开05表 (typed from the seed).
SEED_FUNCTIONAL = [
    ("201", "一般公共服务支出"),
    ("20103", "政府办公厅（室）及相关机构事务"),
    ("2010301", "行政运行"),
    ("2010399", "其他政府办公厅（室）及相关机构事务支"),  # truncated in 公开02表
    ("206", "科学技术支出"),
    ("20699", "其他科学技术支出"),
    ("2069999", "其他科学技术支出"),
    ("208", "社会保障和就业支出"),
    ("20805", "行政事业单位养老支出"),
    ("2080501", "行政单位离退休"),
    ("2080505", "机关事业单位基本养老保险缴费支出"),
    ("210", "卫生健康支出"),
    ("21011", "行政事业单位医疗"),
    ("2101101", "行政单位医疗"),
    ("213", "农林水支出"),
    ("21305", "巩固脱贫攻坚成果衔接乡村振兴"),
    ("2130599", "其他巩固脱贫攻坚成果衔接乡村振兴支"),  # truncated in 公开02表
    ("221", "住房保障支出"),
    ("22102", "住房改革支出"),
    ("2210201", "住房公积金"),
]

# A sample of 公开06表 code/name pairs, typed from the seed (30303 printed with ASCII brackets).
SEED_ECONOMIC = [
    ("301", "工资福利支出"),
    ("30101", "基本工资"),
    ("30108", "机关事业单位基本养老保险缴费"),
    ("30113", "住房公积金"),
    ("303", "对个人和家庭的补助"),
    ("30303", "退职(役)费"),
    ("30305", "生活补助"),
    ("302", "商品和服务支出"),
    ("30213", "维修（护）费"),
    ("30239", "其他交通费用"),
    ("30299", "其他商品和服务支出"),
    ("307", "债务利息及费用支出"),
    ("30701", "国内债务付息"),
    ("310", "资本性支出"),
    ("31013", "公务用车购置"),
    ("399", "其他支出"),
    ("39908", "对民间非营利组织和群众性自治组织补贴"),
    ("39999", "其他支出"),
]


@pytest.mark.parametrize(("code", "printed"), SEED_FUNCTIONAL)
def test_seed_functional_codes_resolve(code, printed):
    cat = gb.catalog("functional", gb.edition_for_year(2023))
    assert cat.name_matches(code, printed)
    assert code in {s.code for s in cat.resolve_name(printed)} or cat[code].name.startswith(printed)
    hits = cat.search(printed)
    assert code in [h.subject.code for h in hits]


@pytest.mark.parametrize(("code", "printed"), SEED_ECONOMIC)
def test_seed_economic_codes_resolve(code, printed):
    assert gb.catalog("economic-department", 2024).name_matches(code, printed)


def test_truncated_name_from_seed_is_found_first_by_prefix():
    hits = gb.catalog("functional", 2024).search("其他政府办公厅（室）及相关机构事务支")
    assert [(h.subject.code, h.match) for h in hits] == [("2010399", "prefix")]


def test_search_ranks_exact_before_prefix_before_substring():
    hits = gb.catalog("functional", 2024).search("住房公积金")
    ranks = [h.match for h in hits]
    assert ranks == sorted(ranks, key=["code", "exact", "prefix", "substring"].index)
    assert hits[0].subject.code == "2210201" and hits[0].match == "exact"


def test_search_strips_level_marker_and_width():
    cat = gb.catalog("functional", 2024)
    assert cat.search("一般公共服务支出（类）")[0].subject.code == "201"
    assert cat.search("政府办公厅(室)及相关机构事务")[0].subject.code == "20103"


def test_search_by_code_prefix():
    hits = gb.catalog("functional", 2024).search("20103")
    assert hits[0].subject.code == "20103"
    assert all(h.subject.code.startswith("20103") for h in hits)


def test_tree_navigation_by_hand():
    cat = gb.catalog("functional", 2024)
    assert [s.code for s in cat.ancestors("2010301")] == ["201", "20103"]
    assert cat.path("2010301") == ("一般公共服务支出", "政府办公厅（室）及相关机构事务", "行政运行")
    assert cat.parent("20103").code == "201"
    assert cat.parent("201") is None
    assert [s.code for s in cat.children("22102")][:1] == ["2210201"]
    assert [d for d, _ in cat.tree("201", depth=1)][:2] == [0, 1]
    assert max(d for d, _ in cat.tree("201", depth=1)) == 1
    assert len(cat.children()) == 30


def test_unknown_code_suggests_siblings():
    cat = gb.catalog("functional", 2024)
    with pytest.raises(gb.UnknownSubjectError) as info:
        cat["2010398"]
    assert info.value.suggestions[0].startswith("2010399")
    assert "did you mean" in str(info.value)
    assert cat.get("2010398") is None


@pytest.mark.parametrize(
    "form",
    [
        "2010301",
        "２０１０３０１",
        "201 03 01",
        "201-03-01",
        "201.03.01",
        " 2010301 ",
        "201　03　01",
    ],
)
def test_lenient_code_forms(form):
    assert gb.normalize_code(form) == "2010301"
    assert gb.catalog("functional", 2024)[form].code == "2010301"


@pytest.mark.parametrize(
    "bad", ["", "20", "2010", "201x", "٢٠١", "20103011", 2010301, 1e3, None, b"201"]
)
def test_bad_codes_rejected_with_reason(bad):
    with pytest.raises(gb.InvalidCodeError):
        gb.normalize_code(bad)
    assert gb.is_valid_code(bad) is False


def test_editions_and_year_selection():
    assert gb.EDITIONS == (2024, 2026)
    assert gb.edition_for_year(2023) == 2024
    assert gb.edition_for_year(2025) == 2024
    assert gb.edition_for_year(2026) == 2026
    assert gb.edition_for_year(2030) == 2026
    with pytest.raises(gb.UnknownEditionError, match="edition_for_year"):
        gb.catalog("functional", 2025)
    assert "2014101" in gb.catalog("functional", 2026)
    assert "2014101" not in gb.catalog("functional", 2024)


def test_crosswalk_matches_catalog_differences():
    for scheme in Scheme:
        old, new = gb.catalog(scheme, 2024), gb.catalog(scheme, 2026)
        entries = gb.crosswalk(scheme, 2024, 2026)
        for e in entries:
            if e.relation is Relation.SAME:
                assert old[e.from_code].name == new[e.to_code].name
            elif e.relation is Relation.RENAMED:
                assert old[e.from_code].name != new[e.to_code].name
            elif e.relation is Relation.NEW:
                assert e.from_code is None and e.to_code in new and e.to_code not in old
        covered_new = {e.to_code for e in entries if e.to_code}
        assert covered_new == {s.code for s in new}


def test_crosswalk_by_hand_and_reversed():
    changes = gb.crosswalk("economic-department", 2024, 2026, changes_only=True)
    assert {(e.from_code, e.to_code, e.relation) for e in changes} == {
        (None, "31206", Relation.NEW),
        ("31101", "31101", Relation.RENAMED),
    }
    back = gb.crosswalk("economic-department", 2026, 2024, changes_only=True)
    assert ("31206", None, Relation.WITHDRAWN) in {
        (e.from_code, e.to_code, e.relation) for e in back
    }


def test_economic_mapping_examples():
    assert [m.government_code for m in gb.economic_mapping("30101")] == ["50101", "50501"]
    first = gb.economic_mapping("30101")[0]
    assert first.status is Status.CONFIRMED and not first.for_institutions
    assert {m.department_code for m in gb.economic_mapping(government_code="50101")} >= {"30101"}
    dep = gb.catalog("economic-department", 2024)
    gov = gb.catalog("economic-government", 2024)
    for m in gb.economic_mapping():
        assert m.department_code in dep and m.government_code in gov
    # every 部门 款 has at least one target
    mapped = {m.department_code for m in gb.economic_mapping()}
    assert all(s.code in mapped for s in dep if s.level is Level.SECTION)


def test_catalog_load_is_thread_safe():
    from govbudget import classification

    classification._CACHE.clear()
    results: list[object] = []
    threads = [
        threading.Thread(target=lambda: results.append(gb.catalog("revenue", 2024)))
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(r) for r in results}) == 1


@given(
    subjects("functional", 2024) | subjects("economic-department", 2026) | subjects("revenue", 2024)
)
def test_subject_tree_laws(subject):
    cat = gb.catalog(subject.scheme, subject.edition)
    assert subject.level is Level.of_code(subject.code)
    if subject.parent is None:
        assert subject.level is Level.CLASS
    else:
        assert subject.parent == subject.code[:-2]
        assert subject.parent in cat
    ancestors = cat.ancestors(subject.code)
    if ancestors:
        assert ancestors[0].level is Level.CLASS
    # children partition descendants
    desc = [s.code for s in cat.descendants(subject.code)]
    assert len(desc) == len(set(desc))
    from_children = [subject.code]
    for child in cat.children(subject.code):
        from_children += [child.code] + [s.code for s in cat.descendants(child.code)]
    assert sorted(from_children[1:]) == sorted(desc)


@given(subjects("functional", 2024), st.sampled_from(["", " ", "-", ".", "　", "fullwidth"]))
def test_lenient_forms_resolve_to_same_subject(subject, sep):
    code = subject.code
    if sep == "fullwidth":
        form = "".join(chr(ord(c) + 0xFEE0) for c in code)
    else:
        form = sep.join(p for p in (code[:3], code[3:5], code[5:7]) if p)
    assert gb.normalize_code(form) == code
    assert gb.catalog("functional", 2024)[form] == subject


@given(subjects("functional", 2024) | subjects("economic-government", 2024))
def test_subject_json_round_trip(subject):
    data = make_converter().unstructure(subject)
    text = json.dumps(data, ensure_ascii=False)
    back = make_converter().structure(json.loads(text), type(subject))
    assert back == subject
    assert attrs.asdict(back) == attrs.asdict(subject)


# -- crosswalk composition: by hand over a hypothetical 2028 edition, and on the shipped data --
def _cw(a, b, *rows):
    from govbudget.classification import CrosswalkEntry

    return tuple(CrosswalkEntry(Scheme.FUNCTIONAL, a, b, f, t, Relation(r), fn, tn) for f, t, r, fn, tn in rows)


_FIRST = _cw(2024, 2026,
             ("2010301", "2010301", "same", "行政运行", "行政运行"),
             ("2010302", "2010302", "renamed", "一般行政管理事务", "一般行政管理"),
             ("2010350", "2010350", "same", "事业运行", "事业运行"),
             ("2010399", None, "withdrawn", "其他政府办公厅（室）及相关机构事务支出", None),
             (None, "2014101", "new", None, "行政运行"))
_SECOND = _cw(2026, 2028,
              ("2010301", "2010301", "same", "行政运行", "行政运行"),
              ("2010302", "2010302", "same", "一般行政管理", "一般行政管理"),
              ("2010350", "2010351", "split", "事业运行", "事业运行（甲）"),
              ("2010350", "2010352", "split", "事业运行", "事业运行（乙）"),
              ("2014101", None, "withdrawn", "行政运行", None),
              (None, "2014201", "new", None, "新设"))


def _triples(entries):
    return {(e.from_code, e.to_code, e.relation.value) for e in entries}


def test_compose_by_hand():
    from govbudget.classification import compose, invert

    composed = compose(_FIRST, _SECOND)
    assert {(e.from_edition, e.to_edition) for e in composed} == {(2024, 2028)}
    assert _triples(composed) == {
        ("2010301", "2010301", "same"),
        ("2010302", "2010302", "renamed"),  # renamed in 2026, kept in 2028
        ("2010350", "2010351", "split"),
        ("2010350", "2010352", "split"),
        ("2010399", None, "withdrawn"),
        (None, "2014201", "new"),
        # 2014101 came in 2026 and went in 2028: it relates nothing of 2024 to 2028
    }
    back = compose(invert(_SECOND), invert(_FIRST))
    assert _triples(back) == {(t, f, {"split": "merged", "new": "withdrawn", "withdrawn": "new"}.get(r, r))
                              for f, t, r in _triples(composed)}
    assert _triples(invert(composed)) == _triples(back)
    assert ("2010351", "2010350", "merged") in _triples(back)  # split one way, merged the other
    with pytest.raises(gb.UnknownEditionError, match="does not place"):
        compose(_FIRST, _SECOND[1:])


def test_crosswalk_routes_through_intermediate_editions(monkeypatch):
    from govbudget import classification as c

    steps = {(2024, 2026): _FIRST, (2026, 2028): _SECOND}
    monkeypatch.setattr(c, "EDITIONS", (2024, 2026, 2028))
    monkeypatch.setattr(c, "_step", lambda s, a, b: steps[(a, b)] if (a, b) in steps else c.invert(steps[(b, a)]))
    assert gb.crosswalk("functional", 2024, 2028) == c.compose(_FIRST, _SECOND)
    assert gb.crosswalk("functional", 2028, 2024) == c.compose(c.invert(_SECOND), c.invert(_FIRST))
    assert _triples(gb.crosswalk("functional", 2024, 2028, changes_only=True)) == _triples(
        c.compose(_FIRST, _SECOND)) - {("2010301", "2010301", "same")}


@pytest.mark.parametrize("scheme", list(Scheme))
def test_crosswalk_there_and_back_is_the_identity(scheme):
    from govbudget.classification import compose

    round_trip = compose(gb.crosswalk(scheme, 2024, 2026), gb.crosswalk(scheme, 2026, 2024))
    assert {e.relation for e in round_trip} == {Relation.SAME}
    assert all(e.from_code == e.to_code for e in round_trip)
    assert {e.from_code for e in round_trip} == {s.code for s in gb.catalog(scheme, 2024)}
