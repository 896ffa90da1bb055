"""Roll-up of counties into cities and a province (canbao.rollup), against hand-summed figures.

Two hand-built counties on the yuzhong-2021 rules (DOMAIN.md: individual part 280 yuan at tier 1, 655 at
tier 2): A enrolls 1 of its target 4 (25%), B enrolls 3 of its target 5 (60%). The province's rate is
(1 + 3) ÷ (4 + 5) = 44.44%, not the mean of the rates, 42.50%.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml
from sqlalchemy import Engine

from canbao.identity import make_id
from canbao.policy.load import load_campaign
from canbao.rollup import CountyFigures, county_figures, load_hierarchy, parse_hierarchy, roll_up, rollup_markdown
from canbao.rollup.hierarchy import HierarchyError
from canbao.rollup.report import write_rollup_workbook
from canbao.state import COUNTS, CampaignState, campaign_state, figures_of, make_facts
from canbao.state.figures import MONEY

AS_OF = date(2020, 11, 30)
PAID = date(2020, 11, 10)
HIERARCHY = {"rollup": {"code": "50", "name": "示范省", "level": "province", "regions": [
    {"code": "5001", "name": "甲市", "level": "city", "counties": [{"campaign": "county-a"}, {"campaign": "county-b"}]},
    {"code": "5002", "name": "乙市", "level": "city", "counties": [{"campaign": "county-c", "ledger_env": "LEDGER_C"}]},
]}}


def _state(campaign: str, code: str, target: int, people: list[tuple[int, int, int | None]]) -> CampaignState:
    """A county of one town and village; `people`: (i, tier, paid fen or None), everyone registered 10-01."""
    units = pd.DataFrame([(code, f"{campaign}县", "county", None, None), (f"{code}01", "某镇", "town", code, target),
                          (f"{code}0101", "某村", "village", f"{code}01", None)],
                         columns=["code", "name", "level", "parent_code", "target"])
    village = f"{code}0101"
    regs = pd.DataFrame([{"id_number": make_id(code, date(1980, 1, 1), i), "unit_code": village,
                          "category": "resident", "tier": tier, "channel": "service_window", "kind": "renewal",
                          "registered_at": date(2020, 10, 1), "name": f"张{i}", "birth_date": date(1980, 1, 1)}
                         for i, tier, _ in people])
    pays = pd.DataFrame([{"channel": "service_window", "external_ref": f"{campaign}-{i}", "unit_code": village,
                          "id_number": make_id(code, date(1980, 1, 1), i), "amount_fen": fen, "paid_on": PAID}
                         for i, _, fen in people if fen is not None])
    facts = make_facts(campaign, units, regs, pays, pd.DataFrame(columns=["id_number", "exemption", "agency"]))
    # Both counties follow the yuzhong-2021 rules.
    return campaign_state(load_campaign("yuzhong-2021"), facts, AS_OF)


@pytest.fixture(scope="module")
def states() -> list[CampaignState]:
    a = _state("county-a", "500103", 4, [(1, 1, 28000), (2, 1, None)])
    b = _state("county-b", "500104", 5, [(1, 1, 28000), (2, 2, 65500), (3, 1, 30000), (4, 1, 10000)])
    return [a, b]


@pytest.fixture(scope="module")
def counties(states: list[CampaignState]) -> list[CountyFigures]:
    """Each county's figures, named as its own campaign."""
    return [replace(county_figures(s), campaign=name) for s, name in zip(states, ("county-a", "county-b"))]


def test_county_figures_from_the_state(counties: list[CountyFigures]) -> None:
    a, b = counties
    assert (a.code, a.name, a.target, a.registered, a.paid, a.paid_part, a.enrolled) == \
        ("500103", "county-a县", 4, 2, 1, 0, 1)
    assert (a.resident_paid_fen, a.overpaid_fen) == (28000, 0)
    # B: 280 and 655 paid in full, 300 for 280 (20 yuan to refund), 100 of 280 (paid in part).
    assert (b.target, b.registered, b.paid, b.paid_part, b.enrolled) == (5, 4, 3, 1, 3)
    assert (b.resident_paid_fen, b.overpaid_fen) == (28000 + 65500 + 28000, 2000)
    assert CountyFigures.from_dict(b.to_dict()) == b


def test_rollup_sums_numerators_and_denominators(counties: list[CountyFigures]) -> None:
    r = roll_up(parse_hierarchy(HIERARCHY), counties, AS_OF)
    province, city = r.row("50"), r.row("5001")
    for row in (province, city):
        assert (row["target"], row["registered"], row["enrolled"], row["paid_part"]) == (9, 6, 4, 1)
        assert (row["resident_paid_fen"], row["overpaid_fen"]) == (149500, 2000)
    assert province["rate"] == Fraction(4, 9)
    assert province["rate"] != (Fraction(1, 4) + Fraction(3, 5)) / 2  # the mean of the rates: 42.5%
    assert (province["counties"], province["reported"]) == (3, 2)
    assert r.row("5002")["rate"] is None and r.row("5002")["reported"] == 0
    assert r.missing == ("county-c",)
    assert list(r.rows["code"]) == ["50", "5001", "500103", "500104", "5002", "county-c"]


def test_rollup_totals_are_the_sums_of_the_counties_figures(states: list[CampaignState],
                                                            counties: list[CountyFigures]) -> None:
    """Every region's counts and money: the sum of its counties' rows of the state's figures; the money also
    the sum of the people's fen columns, added up here by hand."""
    r = roll_up(parse_hierarchy(HIERARCHY), counties, AS_OF)
    rows = [figures_of(s).units.set_index("level").loc["county"] for s in states]
    by_hand = {k: sum(int(v) for s in states for v in s.people[k]) for k in MONEY}
    assert by_hand == {"resident_paid_fen": 149500, "overpaid_fen": 2000}
    for code in ("50", "5001"):
        region = r.row(code)
        for column in (*COUNTS, *MONEY):
            assert region[column] == sum(int(row[column]) for row in rows), (code, column)
        assert {k: region[k] for k in MONEY} == by_hand
    assert r.rows[list(MONEY)].dtypes.tolist() == ["int64", "int64"]


def test_rollup_report_in_chinese(counties: list[CountyFigures], tmp_path: Path) -> None:
    r = roll_up(parse_hierarchy(HIERARCHY), counties, AS_OF)
    text = rollup_markdown(r)
    assert "示范省城乡居民基本医疗保险参保情况汇总（截至2020年11月30日）" in text
    assert "| 示范省 | 省 | 3 | 2 | 9 | 6 | 4 | 0 | 4 | 44.44% | 0 | 1 | 1495.00 | 20.00 |" in text
    assert "未上报（台账中尚无该活动）：county-c；所在地区的合计和参保率只含已上报的县" in text
    sheet = openpyxl.load_workbook(write_rollup_workbook(tmp_path / "汇总.xlsx", r))["汇总"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, row in enumerate(values) if row[0] == "地区")
    assert values[header + 1][:10] == ["示范省", "省", 3, 2, 9, 6, 4, 0, 4, "44.44%"]
    assert Decimal(str(values[header + 1][12])) == Decimal("1495.00")


def test_a_county_without_target_leaves_its_region_without_rate(counties: list[CountyFigures]) -> None:
    a, b = counties
    no_target = CountyFigures.from_dict(b.to_dict() | {"target": None, "basis": None})
    r = roll_up(parse_hierarchy(HIERARCHY), [a, no_target], AS_OF)
    assert r.row("5001")["rate"] is None and r.row("500103")["rate"] == Fraction(1, 4)


def test_figures_must_match_the_day_and_the_hierarchy(counties: list[CountyFigures]) -> None:
    h = parse_hierarchy(HIERARCHY)
    with pytest.raises(ValueError, match="as of 2020-11-30, expected 2020-12-01"):
        roll_up(h, counties, date(2020, 12, 1))
    stray = CountyFigures.from_dict(counties[0].to_dict() | {"campaign": "elsewhere"})
    with pytest.raises(ValueError, match="not in the hierarchy: elsewhere"):
        roll_up(h, [stray], AS_OF)


@pytest.mark.parametrize(("change", "problem"), [
    ({"level": "county"}, "level must be one of province, city"),
    ({"regions": [{"code": "1", "name": "x", "level": "province", "counties": [{"campaign": "a"}]}]},
     "a province cannot sit under a province"),
    ({"counties": [{"campaign": "county-a"}]}, "campaign county-a appears 2 times"),
    ({"counties": [{"campaign": "z", "ledger_env": "postgresql://u:pw@h/db"}]}, "ledger_env must be"),
    ({"name": ""}, "missing name"),
])
def test_bad_hierarchies_are_refused_by_name(change: dict, problem: str) -> None:
    with pytest.raises(HierarchyError, match=problem):
        parse_hierarchy({"rollup": HIERARCHY["rollup"] | change})


def test_shipped_rollup_configs_load() -> None:
    from canbao.policy.load import available_campaigns

    files = sorted(Path(__file__).resolve().parents[1].joinpath("configs/rollup").glob("*.yaml"))
    assert files
    for file in files:
        h = load_hierarchy(file)
        assert {c.campaign for c in h.counties()} <= set(available_campaigns()), file


def test_rollup_flow_on_a_ledger(prefect_harness: None, ledger_engine: Engine, ledger_url: str, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The flow on test_state's yuzhong-2021 ledger (SQLite and PostgreSQL), threads; a second county, named by
    its own `ledger_env`, is not in that ledger and is reported missing.

    As of 2020-11-30 (test_state): 4 registered; the tier-1 低保 resident covered, the payer's 280 yuan applied,
    the tier-2 低保 resident's 280 of 375 yuan a part payment (not applied): 2 enrolled of the target 4."""
    from test_state import ledger

    from flows.rollup import rollup_report

    ledger(ledger_engine)
    monkeypatch.setenv("CANBAO_DATABASE_URL", ledger_url)
    monkeypatch.setenv("LEDGER_OTHER", ledger_url)
    config = tmp_path / "chongqing.yaml"
    config.write_text(yaml.safe_dump({"rollup": {"code": "50", "name": "重庆市", "level": "province", "counties": [
        {"campaign": "yuzhong-2021"}, {"campaign": "kaijiang-2020", "ledger_env": "LEDGER_OTHER"}]}},
        allow_unicode=True), encoding="utf-8")
    result = rollup_report(hierarchy=str(config), as_of=AS_OF, output_dir=str(tmp_path / "out"))
    assert {k: result[k] for k in ("counties", "reported", "missing", "target", "enrolled", "rate_pct",
                                   "resident_paid_fen")} == {
        "counties": 2, "reported": 1, "missing": ["kaijiang-2020"], "target": 4, "enrolled": 2, "rate_pct": "50.00",
        "resident_paid_fen": 28000}
    text = Path(result["files"]["汇总（markdown）"]).read_text(encoding="utf-8")
    assert "| 　　渝中区 | 县（市、区） | 1 | 1 | 4 | 4 | 1 | 1 | 2 | 50.00% | 0 | 1 | 280.00 | 0.00 |" in text


def test_task_runner_by_parameter() -> None:
    from prefect.task_runners import ThreadPoolTaskRunner
    from prefect_dask import DaskTaskRunner

    from flows.rollup import make_task_runner

    assert isinstance(make_task_runner("threads", 3), ThreadPoolTaskRunner)
    remote = make_task_runner("dask", 2, "tcp://10.0.0.5:8786")
    assert isinstance(remote, DaskTaskRunner) and remote.address == "tcp://10.0.0.5:8786"
    local = make_task_runner("dask", 2, processes=False)
    assert isinstance(local, DaskTaskRunner) and local.cluster_kwargs["processes"] is False


def test_deployments_written_from_the_rollup_config(tmp_path: Path) -> None:
    from flows.scale_out import main

    out = tmp_path / "province.yaml"
    assert main(["configs/rollup/jiangsu-2020.yaml", "--inbox-root", "/srv/canbao", "--out", str(out)]) == 0
    found = {d["name"]: d for d in yaml.safe_load(out.read_text(encoding="utf-8"))["deployments"]}
    counties = ("haimen-2020", "rucheng-2020", "wujin-2020")
    assert set(found) == {f"{kind}-{c}" for c in counties for kind in ("registration-payment", "weekly-report")} | {
        "rollup-32"}
    assert found["registration-payment-wujin-2020"]["work_pool"] == {"name": "canbao-province",
                                                                     "work_queue_name": "wujin-2020"}
    assert found["registration-payment-wujin-2020"]["parameters"] == {"campaign": "wujin-2020",
                                                                      "inbox": "/srv/canbao/wujin-2020/inbox"}
    assert found["rollup-32"]["work_pool"]["work_queue_name"] == "rollup"
    assert found["rollup-32"]["parameters"] == {"hierarchy": "configs/rollup/jiangsu-2020.yaml"}
