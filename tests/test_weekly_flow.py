"""The weekly-report and roster-posting flows under Prefect, and their schedules in prefect.yaml."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
from prefect.server.schemas.schedules import RRuleSchedule
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
from prefect.testing.utilities import prefect_test_harness
from report_data import CAMPAIGN, independent_counts, write_campaign

from canbao.ledger.engine import make_engine
from canbao.ledger.migrate import upgrade
from canbao.policy.load import available_campaigns, load_campaign
from canbao.reports.schedules import deployments

ROOT = Path(__file__).resolve().parents[1]
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def harness() -> Iterator[None]:
    """A temporary Prefect server; flow calls skip the ~1 s heartbeat wait."""
    with prefect_test_harness(), temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


@pytest.fixture
def ledger_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    upgrade(url)
    engine = make_engine(url)
    write_campaign(engine, seed=5)
    engine.dispose()
    monkeypatch.setenv("CANBAO_DATABASE_URL", url)
    monkeypatch.setenv("CANBAO_CLOCK", "2020-11-09T09:30:00")
    return url


def _artifact_keys(prefix: str) -> set[str]:
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(like_=prefix)))
    return {a.key for a in found}


def test_weekly_report_flow_writes_outputs_artifacts_and_reproduces(harness: None, ledger_env: str,
                                                                   tmp_path: Path) -> None:
    from flows.weekly_report import weekly_report

    first = weekly_report(campaign=CAMPAIGN, output_dir=str(tmp_path / "a"))
    assert first["as_of"] == "2020-11-09" and first["cutoff"] == "2020-11-09T09:30:00+08:00"
    assert first["artifact"] == "yuzhong-2021-weekly-2020-11-09"
    assert {"yuzhong-2021-weekly-2020-11-09", "yuzhong-2021-weekly-2020-11-09-units"} <= _artifact_keys(
        "yuzhong-2021-weekly-2020-11-09")
    files = {label: Path(p) for label, p in first["files"].items()}
    assert all(p.is_file() and "（内部）" in p.name for p in files.values())
    assert files["通报（文本）"].read_bytes().startswith(b"\xef\xbb\xbf")
    write_campaign(make_engine(ledger_env), seed=6, n=260)  # the ledger moves on
    again = weekly_report(campaign=CAMPAIGN, output_dir=str(tmp_path / "b"), reproduce=True)
    for label, path in files.items():
        assert Path(again["files"][label]).read_bytes() == path.read_bytes(), label
    recount = weekly_report(campaign=CAMPAIGN, output_dir=str(tmp_path / "c"))
    assert recount["enrolled"] != first["enrolled"]


def test_roster_posting_flow_writes_public_files_per_village(harness: None, ledger_env: str,
                                                            tmp_path: Path) -> None:
    from flows.roster_posting import roster_posting

    result = roster_posting(campaign=CAMPAIGN, as_of=date(2020, 10, 31), output_dir=str(tmp_path))
    posted = sorted(Path(result["output_dir"]).glob("*.xlsx"))
    assert result["villages"] == len(posted) == 4 and result["persons"] > 0
    assert all(p.name.endswith("2020年10月参保缴费名单（公示）.xlsx") for p in posted)
    assert "yuzhong-2021-posting-2020-10" in _artifact_keys("yuzhong-2021-posting")


def test_report_parameters_have_chinese_titles() -> None:
    from flows.weekly_report import weekly_report

    props = weekly_report.parameters.model_dump()["properties"]
    assert props["reproduce"]["title"] == "按快照重现" and props["snapshot"]["title"] == "快照编号"
    assert "SHA-256" in props["snapshot"]["description"] and props["campaign"]["enum"] == available_campaigns()


def test_prefect_yaml_schedules_follow_each_reporting_window() -> None:
    declared = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))["deployments"]
    campaigns = [load_campaign(n) for n in available_campaigns()]
    ours = [d for d in declared if d["entrypoint"].startswith(("flows/weekly_report.py", "flows/roster_posting.py"))]
    assert ours == deployments(campaigns)
    assert [d["name"] for d in ours if "posting" in d["name"]] == ["roster-posting-kaijiang-2020"]
    for c, d in zip(campaigns, ours):
        s = d["schedules"][0]
        dates = asyncio.run(RRuleSchedule(rrule=s["rrule"], timezone=s["timezone"]).get_dates(
            100, start=datetime(2018, 1, 1, tzinfo=UTC), end=datetime(2023, 1, 1, tzinfo=UTC)))
        local = [x.astimezone(SHANGHAI) for x in dates]
        r = c.reporting
        assert all(x.weekday() == r.weekly_weekday and x.time() == time.fromisoformat(r.weekly_time) for x in local)
        assert local[0].date() >= r.weekly_start and local[0].date() - r.weekly_start < timedelta(days=7)
        assert timedelta(0) < local[-1].date() - r.weekly_end <= timedelta(days=7)  # the closing report
        assert all(b - a == timedelta(days=7) for a, b in pairwise(local))


@pytest.mark.slow
@pytest.mark.parametrize("campaign", available_campaigns())
def test_every_campaigns_generated_data_reports_the_ledgers_own_counts(
        harness: None, campaign: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Generate the county, take it in, run the weekly report mid-period: every unit's numbers vs SQL counts."""
    from canbao.generate import generate
    from canbao.reports.snapshot import load_snapshot
    from canbao.reports.weekly import period_of
    from flows.registration_payment import registration_payment
    from flows.weekly_report import weekly_report

    c = load_campaign(campaign)
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    upgrade(url)  # flows never migrate: the bring-up does
    monkeypatch.setenv("CANBAO_DATABASE_URL", url)
    monkeypatch.setenv("CANBAO_OUTPUT_DIR", str(tmp_path / "out"))
    generate(c, 3000 / c.units.population_assumed, 7, tmp_path / "gen")
    start, end = period_of(c)
    day = start + (end - start) * 3 // 5
    # The files are in the ledger a week before the report, so last week's numbers count them too.
    monkeypatch.setenv("CANBAO_CLOCK", f"{day - timedelta(days=7):%Y-%m-%d}T06:00:00")
    registration_payment(campaign=campaign, inbox=str(tmp_path / "gen" / "inbox"))
    monkeypatch.setenv("CANBAO_CLOCK", f"{day.isoformat()}T09:30:00")
    result = weekly_report(campaign=campaign, as_of=day)
    assert all(Path(p).is_file() for p in result["files"].values())
    engine = make_engine(url)
    with engine.connect() as conn:
        report = load_snapshot(conn, campaign, day)
    assert report is not None and int(report.county["enrolled"]) == result["enrolled"] > 0
    expected = independent_counts(engine, campaign, day)
    last_week = independent_counts(engine, campaign, day - timedelta(days=7))
    engine.dispose()
    units = report.units.set_index("code")
    for code, counts in expected.items():
        for column in ("registered", "paid", "exempt", "enrolled", "special_target", "special_enrolled"):
            assert units.at[code, column] == counts[column], (code, column)
        assert units.at[code, "enrolled_last_week"] == last_week[code]["enrolled"], code
