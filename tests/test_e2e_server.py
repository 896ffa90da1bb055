"""End to end on a real Prefect server brought up by scripts/up.sh: API auth, a run through the worker, the
scheduler's upcoming runs in Asia/Shanghai, and a missed deadline reaching a local robot two ways."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import httpx
import pytest
import yaml
from prefect_stack import AUTH, ROOT, SIGN_SECRET, Stack, shared_stack

from canbao.ledger.bulk import upsert
from canbao.ledger.engine import make_engine
from canbao.ledger.migrate import upgrade
from canbao.ledger.queries import record_import
from canbao.ledger.schema import Campaign as CampaignRow
from canbao.ledger.schema_alerts import Alert
from canbao.notify import dingtalk_sign
from canbao.policy.shift import rrule_into_horizon

pytestmark = [pytest.mark.prefect_server, pytest.mark.slow]
SHANGHAI = ZoneInfo("Asia/Shanghai")
DECLARED = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))["deployments"]


@pytest.fixture(scope="module")
def stack(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Stack:
    return shared_stack(request, tmp_path_factory)


def wait_until(check, timeout: float = 90, every: float = 1.0, what: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(every)
    raise AssertionError(f"gave up after {timeout}s {what}")


def test_api_is_protected_and_every_deployment_is_there(stack: Stack) -> None:
    api = f"{stack.ui_url}/api"
    assert httpx.get(f"{api}/health").json() is True  # probes stay open
    assert httpx.post(f"{api}/deployments/filter", json={}).status_code == 401
    assert httpx.post(f"{api}/deployments/filter", json={}, auth=("canbao", "wrong")).status_code == 401
    names = {d["name"] for d in stack.call("POST", "/deployments/filter", {})}
    automations = {a["name"] for a in stack.call("POST", "/automations/filter", {})}
    assert names == {d["name"] for d in DECLARED}
    assert automations == {"canbao-flow-run-failed", "canbao-deadline-missed", "canbao-weekly-report-overdue"}
    assert (stack.work / "state/automations.yaml").read_text(encoding="utf-8").count("@") == 0  # UUIDs written


def test_a_run_started_through_the_api_completes_on_the_worker(stack: Stack) -> None:
    inbox = stack.fresh_inbox("inbox-api")
    run_id = stack.start_run("registration-payment/registration-payment",
                             {"campaign": "kaijiang-2020", "inbox": str(inbox)})
    run = stack.wait_run(run_id)
    assert run["state"]["type"] == "COMPLETED", run["state"]
    assert not any((inbox / "roster").glob("*.xlsx"))  # taken in and moved to processed/
    keys = {a["key"] for a in stack.call("POST", "/artifacts/filter", {"flow_runs": {"id": {"any_": [run_id]}}})}
    assert "kaijiang-2020-intake-progress" in keys


def test_scheduler_creates_upcoming_runs_at_shanghai_times(stack: Stack) -> None:
    """The daily watch as declared; the campaigns' past windows moved forward by whole weeks (weekday and hour
    kept) with the shifting the live demo uses, starting an hour from now so the scheduler cannot miss it."""
    scheduled = [d for d in DECLARED if d.get("schedules")]
    assert {d["schedules"][0]["timezone"] for d in scheduled} == {"Asia/Shanghai"}
    added: list[str] = []
    soon = datetime.now(SHANGHAI).replace(tzinfo=None) + timedelta(hours=1)
    for d in scheduled:
        s = d["schedules"][0]
        deployment = stack.deployment_id(f"{d['entrypoint'].split(':')[1].replace('_', '-')}/{d['name']}")
        live = [x["schedule"].get("rrule") for x in stack.call("GET", f"/deployments/{deployment}/schedules")]
        if "rrule" in s and live == [s["rrule"]]:  # as declared (past): move it; the live county's are moved
            body = [{"schedule": {"rrule": rrule_into_horizon(s["rrule"], soon), "timezone": s["timezone"]},
                     "active": True}]
            added += [f"/deployments/{deployment}/schedules/{x['id']}"
                      for x in stack.call("POST", f"/deployments/{deployment}/schedules", body)]

    def upcoming(d: dict) -> list[datetime]:
        flow = d["entrypoint"].split(":")[1].replace("_", "-")
        runs = stack.runs_of(f"{flow}/{d['name']}", state={"type": {"any_": ["SCHEDULED"]}})
        assert all(r["auto_scheduled"] and r["created_by"]["type"] == "SCHEDULE" for r in runs)  # the service's
        return [datetime.fromisoformat(r["expected_start_time"]).astimezone(SHANGHAI) for r in runs]

    for d in scheduled:
        times = wait_until(lambda d=d: upcoming(d), timeout=60, what=d["name"])
        assert times[0] > datetime.now(UTC)
        if d["name"] == "deadline-watch" or d["name"].startswith("exemption-handoff"):  # daily at 08:30
            assert len(times) >= 3, (d["name"], times)  # the scheduler's minimum: every window is longer
            assert all((t.hour, t.minute) == (8, 30) for t in times), (d["name"], times)
            assert all((b - a) == timedelta(days=1) for a, b in pairwise(times))
        elif d["name"].startswith("weekly-report"):
            assert all((t.weekday(), t.hour, t.minute) == (0, 9, 0) for t in times), (d["name"], times)
        else:  # monthly posting on each month's last day at 18:00
            assert all(((t + timedelta(days=1)).day, t.hour) == (1, 18) for t in times), (d["name"], times)
    for path in added:  # leave the deployments as declared (the UI test's screenshots show them)
        stack.call("DELETE", path)


def _seed_haimen(ledger_url: str) -> None:
    """Haimen's ledger with six of the seven agencies' lists in: only civil affairs is missing."""
    upgrade(ledger_url)
    engine = make_engine(ledger_url)
    at = datetime(2019, 11, 28, tzinfo=UTC)
    with engine.begin() as conn:
        upsert(conn, CampaignRow, [{"id": "haimen-2020", "locality": "海门市", "insurance_year": 2020,
                                    "config_sha256": "c" * 64, "opened_at": at}], ["id"])
        for i, agency in enumerate(["trade_union", "veterans_affairs", "disabled_federation", "organization",
                                    "poverty_office", "health_commission"]):
            record_import(conn, campaign_id="haimen-2020", source="exemption", file_name=f"{agency}/名单.xlsx",
                          sha256=f"{i:064d}", rows_total=1, rows_accepted=1, rows_rejected=0, imported_at=at)
    engine.dispose()


def _posts(stack: Stack, text: str) -> list[dict]:
    return [r for r in stack.receiver.received if text in r["body"]["text"]["content"]]


def test_missed_deadline_reaches_the_robots_via_the_watch_and_via_the_automation(stack: Stack) -> None:
    _seed_haimen(stack.ledger_url)
    run = stack.wait_run(stack.start_run("deadline-watch/deadline-watch", {"campaigns": ["haimen-2020"]}))
    assert run["state"]["type"] == "COMPLETED", run["state"]
    civil = _posts(stack, "民政局报送免缴对象名单已于2019-11-30到期，逾期1个工作日")
    assert sorted(p["path"] for p in civil) == ["/coordinator/robot/send", "/leaders/robot/send"]
    assert len(_posts(stack, "【参保逾期】海门市")) == 2  # the six lists that came in raise nothing
    signed = next(p for p in civil if p["path"].startswith("/leaders"))
    assert signed["query"]["sign"] == dingtalk_sign(SIGN_SECRET, int(signed["query"]["timestamp"]))
    # The watch's own event also starts the notify deployment (second line), which finds it sent today.
    first = wait_until(lambda: [r for r in stack.runs_of("notify/notify") if r["state"]["type"] == "COMPLETED"],
                       timeout=120)
    assert len(first) == 1 and len(_posts(stack, "【参保逾期】海门市")) == 2
    # A missed deadline reported by the event alone goes out through the automation.
    payload = {"campaign": "haimen-2020", "owner": "civil_affairs", "deadline": "exemption_entry",
               "due_on": "2019-11-30", "day": "2019-12-02", "state": "missed",
               "subject": "【参保逾期】海门市：免缴对象参保登记（测试事件）",
               "body": "责任单位：各区镇\n台账情况：测试"}
    event = {"id": str(uuid.uuid4()), "occurred": datetime.now(UTC).isoformat(), "event": "canbao.deadline.missed",
             "resource": {"prefect.resource.id": "canbao.campaign.haimen-2020"},
             "related": [{"prefect.resource.id": "canbao.agency.civil_affairs", "prefect.resource.role": "owner"}],
             "payload": payload}
    stack.call("POST", "/events", [event])
    posts = wait_until(lambda: len(p := _posts(stack, "测试事件")) == 2 and p, timeout=120)
    assert {p["path"] for p in posts} == {"/coordinator/robot/send", "/leaders/robot/send"}
    engine = make_engine(stack.ledger_url)
    with engine.connect() as conn:
        rows = conn.execute(Alert.__table__.select().where(Alert.deadline == "exemption_entry")).all()
    engine.dispose()
    assert {r.target for r in rows} == {"coordinator", "leaders"} and {r.day for r in rows} == {date(2019, 12, 2)}


def test_a_failed_run_is_reported_by_the_failure_automation(stack: Stack) -> None:
    run = stack.wait_run(stack.start_run("notify/notify", {
        "campaign": "haimen-2020", "owner": "towns", "subject": "s", "body": "b", "channels": ["no-such-channel"]}))
    assert run["state"]["type"] == "FAILED"
    posts = wait_until(lambda: [r for r in stack.receiver.received
                                if "【参保流程失败】notify" in r["body"]["text"]["content"]], timeout=60)
    assert posts[0]["path"] == "/coordinator/robot/send" and posts[0]["query"] == {"access_token": "e2e-token"}
    assert AUTH[1] not in str(stack.receiver.received)
