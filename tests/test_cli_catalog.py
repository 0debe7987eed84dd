"""CLI: subject, search, tree with --scheme, --edition, --json and exit statuses."""

from __future__ import annotations

import io
import json

from govbudget.cli import main


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), out=out), out.getvalue()


def test_subject_json_has_required_fields():
    code, text = run("subject", "2010301", "--json", "--edition", "2024")
    assert code == 0
    data = json.loads(text)
    assert data["code"] == "2010301" and data["name"] == "行政运行"
    assert data["level"] == "项" and data["parent"] == "20103"
    assert data["path"] == ["一般公共服务支出", "政府办公厅（室）及相关机构事务", "行政运行"]
    assert data["scheme"] == "functional" and data["edition"] == 2024
    assert data["provenance"]["status"] == "confirmed"
    assert "seed-000_3c03cca8885159e0" in data["provenance"]["confirmed_by"]


def test_subject_text_and_lenient_code():
    code, text = run("subject", "２０１ ０３ ０１")
    assert code == 0 and text.startswith("2010301  行政运行")


def test_subject_not_found_suggests():
    code, text = run("subject", "2010398")
    assert code == 1 and "did you mean 2010399" in text


def test_bad_usage_exit_2(capsys):
    assert run("subject", "20x")[0] == 2
    assert "not a digit" in capsys.readouterr().err
    assert run("subject", "201", "--edition", "1999")[0] == 2
    assert run("subject")[0] == 2
    assert run("nonsense")[0] == 2


def test_economic_schemes():
    code, text = run("subject", "30101", "--scheme", "economic-department", "--json")
    assert code == 0 and json.loads(text)["name"] == "基本工资"
    code, text = run("subject", "50101", "--scheme", "economic-government", "--json")
    assert json.loads(text)["name"] == "工资奖金津补贴"


def test_search_truncated_name():
    code, text = run("search", "其他巩固脱贫攻坚成果衔接乡村振兴支", "--edition", "2024")
    assert code == 0 and text.split()[0] == "2130599"
    assert run("search", "不存在的科目名称")[0] == 1


def test_tree_depth():
    code, text = run("tree", "221", "--depth", "1", "--edition", "2024")
    lines = text.splitlines()
    assert code == 0 and lines[0] == "221 住房保障支出"
    assert all(line.startswith("  ") for line in lines[1:]) and lines[1].strip().startswith("22101")
    assert not any(line.startswith("    ") for line in lines)
    code, text = run("tree", "--json", "--depth", "0")
    assert len(json.loads(text)) == 30
