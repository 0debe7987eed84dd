"""Identities of the derived tables over generated ledgers, metamorphic laws, round trips,
consolidation, a stateful test against a plain dict model, and bad input."""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal as D

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from govbudget import catalog
from govbudget.errors import FormatError, GovBudgetError, LedgerError
from govbudget.io import ledger_from_json, ledger_to_json, load_ledger
from govbudget.ledger import (
    Balances,
    ExpenditureLine,
    IncomeLine,
    IncomeSource,
    Ledger,
    Nature,
    ThreePublicAmounts,
    ThreePublicExpenses,
)
from govbudget.render import disclosure_from_json, render, to_json
from govbudget.tables import consolidate, derive, derive_stream

from .strategies import fen_amounts

FUNCTIONS = sorted(s.code for s in catalog("functional", 2024) if len(s.code) == 7)
ECONOMICS = sorted(s.code for s in catalog("economic-department", 2024) if len(s.code) == 5)
FISCAL = (IncomeSource.GENERAL_PUBLIC_BUDGET, IncomeSource.GOVERNMENT_FUND, IncomeSource.STATE_CAPITAL)
ZERO = D(0)

# realistic skew: a handful of 项 carry most lines
functions = st.one_of(st.sampled_from(FUNCTIONS[:5]), st.sampled_from(FUNCTIONS))
amounts = fen_amounts(0, 10**9)


@st.composite
def expenditure_lines(draw):
    source = draw(st.sampled_from(list(IncomeSource)))
    natures = [Nature.BASIC, Nature.PROJECT] if source in FISCAL else list(Nature)
    return ExpenditureLine(draw(functions), draw(st.sampled_from(ECONOMICS)), draw(st.sampled_from(natures)),
                           source, draw(amounts), draw(st.sampled_from(["a", "b"])))


@st.composite
def income_lines(draw):
    return IncomeLine(draw(st.sampled_from(list(IncomeSource))), draw(functions), draw(amounts),
                      draw(st.sampled_from(["a", "b"])))


@st.composite
def ledgers(draw, max_lines=25):
    inc = draw(st.lists(income_lines(), max_size=max_lines))
    exp = draw(st.lists(expenditure_lines(), max_size=max_lines))
    openings = tuple((s, draw(amounts)) for s in FISCAL if draw(st.booleans()))
    gf_opening = dict(openings).get(IncomeSource.GOVERNMENT_FUND, ZERO)
    from govbudget.ledger import FunctionAmount

    balances = Balances(
        opening_total=sum((a for _, a in openings), ZERO) + draw(amounts),
        opening_fiscal=openings,
        opening_government_fund=(FunctionAmount(draw(functions), gf_opening),) if gf_opening else (),
        use_of_non_fiscal_balance=draw(amounts),
        balance_distribution=draw(amounts),
    )
    tp = ThreePublicExpenses(
        budget=ThreePublicAmounts(draw(amounts), draw(amounts), draw(amounts), draw(amounts)),
        actual=ThreePublicAmounts(draw(amounts), draw(amounts), draw(amounts), draw(amounts)),
    )
    return Ledger("测试部门", 2023, 2024, (), tuple(inc), tuple(exp), balances, tp)


def sum_lines(lines, pred):
    return sum((ln.amount for ln in lines if pred(ln)), ZERO)


def check_identities(ledger: Ledger, d) -> None:
    """Every identity of the tables, computed independently from the ledger lines."""
    inc, exp, b = ledger.income, ledger.expenditure, ledger.balances
    t01, t02, t03, t04, t05, t06, t07, t08, t09 = d.tables
    income_total = sum_lines(inc, lambda _: True)
    exp_total = sum_lines(exp, lambda _: True)
    # 公开01: both sides, balances
    assert t01.income_total == income_total
    assert t01.expenditure_total == exp_total
    grand = income_total + b.use_of_non_fiscal_balance + b.opening_total
    assert t01.cell("income_grand_total", "amount") == grand == t01.cell("expenditure_grand_total", "amount")
    assert t01.cell("closing_balance", "amount") == grand - exp_total - b.balance_distribution
    for source, key in zip(IncomeSource, ("general_public_budget", "government_fund", "state_capital",
                                          "superior_subsidy", "business", "operating", "affiliates", "other"), strict=True):
        assert t01.cell(key, "amount") == sum_lines(inc, lambda ln, s=source: ln.source is s)
    # 公开01 = 公开02/03 totals; 类 rows of 01 = 03
    assert t02.cell("total", "total") == income_total
    assert t03.cell("total", "total") == exp_total
    for r in t01.rows:
        if r.code:
            assert r.values[0] == t03.cell(r.code, "total")
    # functional tables: 类 = Σ 款 = Σ 项, per column; rows only for nonzero subjects
    for t in (t02, t03, t05, t07, t08):
        ncol = len(t.columns)
        for r in t.rows:
            if r.code and len(r.code) < 7:
                kids = [k for k in t.rows if k.code and len(k.code) == len(r.code) + 2 and k.code.startswith(r.code)]
                assert [sum((k.values[i] for k in kids), ZERO) for i in range(ncol)] == list(r.values)
        classes = [r for r in t.rows if r.code and len(r.code) == 3]
        assert [sum((k.values[i] for k in classes), ZERO) for i in range(ncol)] == list(t.row("total").values)
    # row identities
    for r in t02.rows:
        assert r.values[0] == sum(r.values[1:], ZERO)
    for r in t03.rows:
        assert r.values[0] == sum(r.values[1:], ZERO)
        if r.code and len(r.code) == 7:
            assert r.values[0] == sum_lines(exp, lambda ln, c=r.code: ln.function == c)
    for t in (t05, t08):
        for r in t.rows:
            assert r.values[0] == r.values[1] + r.values[2]
    # 公开04: fiscal income, columns, per-fund balance, and = 公开05/07/08
    gpb = IncomeSource.GENERAL_PUBLIC_BUDGET
    assert t04.cell("income_total", "amount") == sum_lines(inc, lambda ln: ln.source in FISCAL)
    for r in t04.rows:
        if r.side == "expenditure" and r.values:
            assert r.values[0] == r.values[1] + r.values[2] + r.values[3]
    for r in t04.rows:
        if r.code:
            assert r.values[1] == t05.cell(r.code, "total")
            assert r.values[2] == t07.cell(r.code, "expenditure")
            assert r.values[3] == t08.cell(r.code, "total")
    assert t04.cell("expenditure_total", "general_public_budget") == t05.cell("total", "total")
    for i, (s, col) in enumerate(zip(FISCAL, ("general_public_budget", "government_fund", "state_capital"), strict=True)):
        spent = sum_lines(exp, lambda ln, s=s: ln.source is s)
        received = sum_lines(inc, lambda ln, s=s: ln.source is s)
        assert t04.cell("closing_fiscal", col) == b.opening_for(s) + received - spent
        assert t04.cell(f"opening_{col}", "amount") == b.opening_for(s)
        del i
    assert t04.cell("income_grand_total", "amount") == t04.cell("expenditure_grand_total", "total")
    # 公开05 基本支出 = 公开06 人员经费 + 公用经费; 人员经费 = 301 + 303
    assert t05.cell("total", "basic") == t06.personnel + t06.public
    assert t06.personnel == t06.cell("301", "amount") + t06.cell("303", "amount")
    basic_gpb = [ln for ln in exp if ln.source is gpb and ln.nature is Nature.BASIC]
    assert t06.public == sum_lines(basic_gpb, lambda ln: ln.economic[:3] not in ("301", "303"))
    # 公开07: 年末 = 年初 + 收入 − 支出, and = 公开04 政府性基金 column
    for r in t07.rows:
        assert r.values[5] == r.values[0] + r.values[1] - r.values[2]
        assert r.values[2] == r.values[3] + r.values[4]
    assert t07.cell("total", "closing") == t04.cell("closing_fiscal", "government_fund")
    # 公开09: 三公 sums
    v = t09.rows[0].values
    for base in (0, 6):
        assert v[base] == v[base + 1] + v[base + 2] + v[base + 5]
        assert v[base + 2] == v[base + 3] + v[base + 4]


@given(ledgers())
def test_identities_hold_for_generated_ledgers(ledger):
    check_identities(ledger, derive(ledger))


@given(ledgers(), st.randoms(use_true_random=False))
def test_permuting_lines_changes_nothing(ledger, rnd):
    inc, exp = list(ledger.income), list(ledger.expenditure)
    rnd.shuffle(inc)
    rnd.shuffle(exp)
    assert derive(attrs.evolve(ledger, income=tuple(inc), expenditure=tuple(exp))) == derive(ledger)


@given(ledgers(), st.lists(expenditure_lines(), max_size=3), st.lists(income_lines(), max_size=3))
def test_adding_zero_lines_changes_nothing(ledger, zexp, zinc):
    zero = [attrs.evolve(ln, amount=ZERO) for ln in zexp]
    zi = [attrs.evolve(ln, amount=ZERO) for ln in zinc]
    bigger = attrs.evolve(ledger, expenditure=ledger.expenditure + tuple(zero), income=ledger.income + tuple(zi))
    assert derive(bigger) == derive(ledger)


@given(ledgers(), st.integers(0, 100))
def test_splitting_a_line_changes_nothing(ledger, pct):
    if not ledger.expenditure:
        return
    first, rest = ledger.expenditure[0], ledger.expenditure[1:]
    part = (first.amount * pct / 100).quantize(D("0.01"))
    split = (attrs.evolve(first, amount=part), attrs.evolve(first, amount=first.amount - part))
    assert derive(attrs.evolve(ledger, expenditure=split + rest)) == derive(ledger)


@given(ledgers(max_lines=10), st.integers(2, 1000))
def test_scaling_scales_every_exact_total(ledger, k):
    def scale(x):
        return x * k

    b = ledger.balances
    scaled = attrs.evolve(
        ledger,
        income=tuple(attrs.evolve(ln, amount=scale(ln.amount)) for ln in ledger.income),
        expenditure=tuple(attrs.evolve(ln, amount=scale(ln.amount)) for ln in ledger.expenditure),
        balances=attrs.evolve(
            b, opening_total=scale(b.opening_total), opening_fiscal=tuple((s, scale(a)) for s, a in b.opening_fiscal),
            opening_government_fund=tuple(attrs.evolve(fa, amount=scale(fa.amount)) for fa in b.opening_government_fund),
            use_of_non_fiscal_balance=scale(b.use_of_non_fiscal_balance), balance_distribution=scale(b.balance_distribution)),
        three_public=ThreePublicExpenses(
            ThreePublicAmounts(*(scale(getattr(ledger.three_public.budget, f)) for f in ("abroad", "vehicle_purchase", "vehicle_operation", "reception"))),
            ThreePublicAmounts(*(scale(getattr(ledger.three_public.actual, f)) for f in ("abroad", "vehicle_purchase", "vehicle_operation", "reception")))),
    )
    a, s = derive(ledger), derive(scaled)
    for ta, ts in zip(a.tables, s.tables, strict=True):
        assert [r.key for r in ta.rows] == [r.key for r in ts.rows]
        for ra, rs in zip(ta.rows, ts.rows, strict=True):
            assert tuple(v * k for v in ra.values) == rs.values


@given(ledgers())
def test_derive_is_deterministic_and_streaming_agrees(ledger):
    d = derive(ledger)
    assert derive(ledger) == d
    stream = derive_stream(ledger.department, ledger.fiscal_year, ledger.edition,
                           iter((*ledger.income, *ledger.expenditure)), ledger.balances, ledger.three_public)
    assert stream == d


@given(ledgers())
def test_ledger_json_round_trip(ledger):
    assert ledger_from_json(ledger_to_json(ledger)) == ledger


@given(ledgers(max_lines=8))
def test_disclosure_json_round_trip(ledger):
    d = derive(ledger)
    assert disclosure_from_json(to_json(d)) == d


@given(ledgers(max_lines=10), ledgers(max_lines=10))
def test_consolidation_equals_sum_of_derived(a, b):
    assert derive(consolidate([a, b])) == derive(a) + derive(b)


def test_seed_units_consolidate_to_the_department():
    from govbudget.io import example_ledger

    ledger = example_ledger()
    parts = [ledger.for_unit(u.id) for u in ledger.units]
    assert len(parts) == 2 and all(p.expenditure for p in parts)
    assert derive(consolidate(parts)) == derive(ledger)
    assert derive(parts[0]) + derive(parts[1]) == derive(ledger)


class LedgerMachine(RuleBasedStateMachine):
    """Add, adjust and remove lines; after each step the tables agree with a dict model."""

    def __init__(self):
        super().__init__()
        self.lines: list[ExpenditureLine] = []
        self.model: dict[tuple[str, Nature], D] = defaultdict(lambda: ZERO)

    @rule(line=expenditure_lines())
    def add(self, line):
        self.lines.append(line)
        self.model[(line.function, line.nature)] += line.amount

    @rule(index=st.integers(0, 50), amount=amounts)
    def adjust(self, index, amount):
        if self.lines:
            i = index % len(self.lines)
            old = self.lines[i]
            self.model[(old.function, old.nature)] += amount - old.amount
            self.lines[i] = attrs.evolve(old, amount=amount)

    @rule(index=st.integers(0, 50))
    def remove(self, index):
        if self.lines:
            old = self.lines.pop(index % len(self.lines))
            self.model[(old.function, old.nature)] -= old.amount

    @invariant()
    def tables_match_model(self):
        ledger = Ledger("状态机", 2023, 2024, expenditure=tuple(self.lines))
        d = derive(ledger)
        natures = list(Nature)
        for (function, nature), amount in self.model.items():
            assert d.t03.cell(function, ("basic", "project", "remit_to_superior", "operating",
                                          "subsidy_to_affiliates")[natures.index(nature)]) == amount
        assert d.t03.cell("total", "total") == sum(self.model.values(), ZERO)
        check_identities(ledger, d)


TestLedgerMachine = LedgerMachine.TestCase
TestLedgerMachine.settings = settings(max_examples=25, stateful_step_count=12, deadline=None)


# -- bad input -------------------------------------------------------------------------
def test_unknown_code_names_the_line():
    ledger = Ledger("x", 2023, 2024, expenditure=(ExpenditureLine("2010398", "30101", Nature.BASIC,
                                                                  IncomeSource.OTHER, D(1)),))
    with pytest.raises(LedgerError, match=r"expenditure\[0\] \(function\): code 2010398 is not in .*did you mean 2010399"):
        derive(ledger)


def test_section_where_item_needed():
    ledger = Ledger("x", 2023, 2024, income=(IncomeLine(IncomeSource.OTHER, "20103", D(1)),))
    with pytest.raises(LedgerError, match="20103 政府办公厅（室）及相关机构事务 is a 款; a 项 code is needed"):
        derive(ledger)


def test_float_and_negative_amounts_refused():
    with pytest.raises(GovBudgetError, match="float"):
        IncomeLine(IncomeSource.OTHER, "2010301", 1.5)  # type: ignore[arg-type]
    with pytest.raises(LedgerError, match="negative"):
        ExpenditureLine("2010301", "30101", Nature.BASIC, IncomeSource.OTHER, D(-1))


def test_fiscal_money_cannot_fund_operating_expenditure():
    ledger = Ledger("x", 2023, 2024, expenditure=(ExpenditureLine("2010301", "30101", Nature.OPERATING,
                                                                  IncomeSource.GENERAL_PUBLIC_BUDGET, D(1)),))
    with pytest.raises(LedgerError, match="can fund only 基本支出 or 项目支出"):
        derive(ledger)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["expenditure"][0].pop("amount"), r"required field missing @ \$\.expenditure\[0\]\.amount"),
        (lambda d: d["expenditure"][0].update(colour="red"), r"unknown key\(s\) colour @ \$\.expenditure\[0\]"),
        (lambda d: d.update(fiscal_year="twenty"), r"fiscal_year"),
        (lambda d: d["income"][0].update(source="财政拨款"), r"\$\.income\[0\]\.source"),
        (lambda d: d["income"][0].update(amount="1,2"), r"is not an amount @ \$\.income\[0\]\.amount"),
    ],
)
def test_malformed_json_ledger_names_the_path(mutate, message):
    from govbudget.io import example_ledger

    data = json.loads(ledger_to_json(example_ledger()))
    mutate(data)
    with pytest.raises(FormatError, match=message):
        ledger_from_json(json.dumps(data, ensure_ascii=False), source="x.json")


def test_json_float_amount_refused():
    with pytest.raises(FormatError, match=r'write amounts as strings \("1.5"\)'):
        ledger_from_json('{"department": "x", "fiscal_year": 2023, "edition": 2024, "income": '
                         '[{"source": "其他收入", "function": "2010301", "amount": 1.5}]}')


def test_truncated_json_file(tmp_path):
    from govbudget.io import example_ledger

    p = tmp_path / "l.json"
    p.write_text(ledger_to_json(example_ledger())[:500], encoding="utf-8")
    with pytest.raises(FormatError, match=r"l\.json: line \d+ column \d+"):
        load_ledger(p)


CSV_OK = """# department: 测试
# fiscal_year: 2023
# edition: 2024
kind,unit,source,function,economic,nature,amount
income,a,一般公共预算财政拨款,2010301,,,100.50
expenditure,a,一般公共预算财政拨款,2010301,30101,基本支出,100.50
opening_total,,,,,,0
"""


def test_csv_ledger_loads_and_derives(tmp_path):
    p = tmp_path / "l.csv"
    p.write_text(CSV_OK, encoding="utf-8")
    d = derive(load_ledger(p))
    assert d.t05.cell("2010301", "basic") == D("100.50")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("expenditure,a,一般公共预算财政拨款,2010301,30101,基本支出,1.2.3", r"l\.csv:8: field amount: '1\.2\.3' is not an amount"),
        ("expenditure,a,一般公共预算财政拨款,2010301,30101,日常支出,1", r"l\.csv:8: field nature"),
        ("expenditure,a,一般公共预算财政拨款,2010301,30101", r"l\.csv:8: wrong number of fields"),
        ("expenditure,a,一般公共预算财政拨款,2010398,30101,基本支出,1", r"expenditure\[1\] \(function\): code 2010398"),
        ("refund,a,,,,,1", r"l\.csv:8: field kind"),
    ],
)
def test_malformed_csv_names_file_line_field(tmp_path, line, message):
    p = tmp_path / "l.csv"
    p.write_text(CSV_OK + line + "\n", encoding="utf-8")
    with pytest.raises(GovBudgetError, match=message):
        load_ledger(p)


def test_render_formats_and_csv_bom():
    from govbudget.io import example_ledger

    d = derive(example_ledger())
    csv_text = render(d, "csv")
    assert csv_text.startswith("\ufeff")
    assert "05,一般公共预算财政拨款支出决算表,total,,,合计,,,basic,基本支出,2,590.51,5905095.00" in csv_text
    md = render(d, "markdown", ["05"])
    assert "| 2010301 | 行政运行 | 551.64 | 490.94 | 60.70 |" in md
    data = json.loads(render(d, "json"))
    t06 = next(t for t in data["tables"] if t["id"] == "06")
    assert next(r for r in t06["rows"] if r["key"] == "public_total")["cells"]["决算数"] == "49.28"


def test_cli_report(tmp_path):
    import io

    from govbudget.cli import main

    out = io.StringIO()
    assert main(["report", "--table", "06"], out=out) == 0
    assert "人员经费合计" in out.getvalue() and "541.23" in out.getvalue()
    target = tmp_path / "r.csv"
    assert main(["report", "--format", "csv", "--output", str(target)]) == 0
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    assert main(["report", str(tmp_path / "missing.json")], out=io.StringIO()) == 2
