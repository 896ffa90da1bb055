"""The exemption-handoff flow under Prefect: automatic approval, then the real pause/resume approval path."""

from __future__ import annotations

import contextvars
import re
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from exemption_data import CAMPAIGN, PEOPLE, civil_v1, civil_v2, disabled_v1, ids, write_list
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId, FlowRunFilterName
from prefect.events.filters import EventFilter, EventNameFilter, EventOccurredFilter
from prefect.input.run_input import keyset_from_base_key
from sqlalchemy import select

from canbao.ledger.engine import make_engine
from canbao.ledger.migrate import upgrade
from canbao.ledger.queries import snapshot
from canbao.ledger.schema import Exemption
from canbao.ledger.schema_exemptions import ExemptionList
from tests.offline_channels import offline_coordinator

pytestmark = pytest.mark.usefixtures("prefect_harness")
FULL_ID = re.compile(r"\d{17}[\dX]")


@pytest.fixture
def ledger(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    upgrade(sqlite_url)  # flows never migrate: the bring-up does
    monkeypatch.setenv("CANBAO_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("CANBAO_CLOCK", "2019-10-20T09:00:00")
    monkeypatch.setenv("CANBAO_APPROVAL_POLL_SECONDS", "1")
    return sqlite_url


def run(tmp_path: Path, **kwargs: Any) -> dict:
    from flows.exemption_handoff import exemption_handoff

    return exemption_handoff(campaign=CAMPAIGN, inbox=str(tmp_path / "inbox"), output_dir=str(tmp_path / "out"),
                             **kwargs)


def exemptions(url: str) -> dict[str, str]:
    engine = make_engine(url)
    with engine.connect() as conn:
        found = dict(conn.execute(select(Exemption.id_number, Exemption.category)).all())
    engine.dispose()
    return found


def take_snapshot(url: str) -> dict:
    engine = make_engine(url)
    with engine.connect() as conn:
        snap = snapshot(conn, CAMPAIGN)
    engine.dispose()
    return snap


def events(prefix: str, expected: int, since: datetime, timeout: float = 20) -> list:
    """Events named `prefix…` that occurred since `since` (other tests on the shared server emit them too), once
    at least `expected` of them reached the server."""
    deadline = time.monotonic() + timeout
    while True:
        with get_client(sync_client=True) as client:
            found = client.read_events(EventFilter(event=EventNameFilter(prefix=[prefix]),
                                                   occurred=EventOccurredFilter(since=since)), limit=50).events
        if len(found) >= expected or time.monotonic() > deadline:
            return found
        time.sleep(0.5)


def test_auto_approved_lists_are_consolidated_handed_off_and_rerun_changes_nothing(ledger: str,
                                                                                    tmp_path: Path) -> None:
    since = datetime.now(UTC)
    write_list(tmp_path / "inbox", "civil_affairs", civil_v1())
    write_list(tmp_path / "inbox", "disabled_federation", disabled_v1())
    first = run(tmp_path, auto_approve=True)
    assert [d["status"] for d in first["decided"]] == ["approved", "approved"]
    assert first["exemption_persons"] == 6 and first["handoff"]["batch"] == 1
    assert first["handoff"]["paid_on_behalf_fen"] == 4 * 25000 + 2 * 12500
    assert not list((tmp_path / "inbox" / "exemption").rglob("*.xlsx"))  # moved to processed/
    files = [Path(f) for f in first["handoff"]["files"]]
    assert any("公示" in f.name for f in files) and any("代缴请款明细" in f.name for f in files)
    assert any("特殊群体未参保" in f.name for f in files)  # Kaijiang: special groups at 100%
    before = take_snapshot(ledger)
    again = run(tmp_path, auto_approve=True)
    assert again["received"] == [] and again["decided"] == [] and again["handoff"]["batch"] is None
    assert take_snapshot(ledger) == before

    write_list(tmp_path / "inbox", "civil_affairs", civil_v2(), name="资助参保名单（更新）.xlsx")
    second = run(tmp_path, auto_approve=True)
    assert second["received"][0]["version"] == 2 and second["handoff"]["batch"] == 2
    assert exemptions(ledger) == dict(zip(ids("A1", "A2", "A3", "A4", "A6", "A7", "A8"), [
        "severe_disability", "tekun", "orphan", "tekun", "severe_disability", "dibao", "dibao"]))
    names = {e.event for e in events("canbao.exemption.", 8, since)}
    assert names == {"canbao.exemption.received", "canbao.exemption.approved", "canbao.exemption.handed-off"}
    handed = events("canbao.exemption.handed-off", 2, since)
    assert {r.id for e in handed for r in e.related} >= {"canbao.agency.civil_affairs", "canbao.agency.tax"}
    assert all(e.resource.id == "canbao.campaign.kaijiang-2020" for e in handed)
    assert not any(FULL_ID.search(str(e.payload)) for e in handed)


def start_in_thread(tmp_path: Path, **kwargs: Any) -> tuple[threading.Thread, dict]:
    """Run the flow in a thread (with this thread's Prefect settings) and return where its result lands."""
    box: dict = {}
    context = contextvars.copy_context()

    def target() -> None:
        try:
            box["result"] = context.run(run, tmp_path, **kwargs)
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread, box


def paused_run(since: float, thread: threading.Thread, box: dict, timeout: float = 60) -> Any:
    """The newest exemption-handoff flow run once it is Paused."""
    deadline = time.monotonic() + timeout
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline and thread.is_alive():
            runs = client.read_flow_runs(flow_run_filter=FlowRunFilter(name=FlowRunFilterName(like_="exemption")),
                                         limit=50)
            for r in runs:
                if r.state and r.state.is_paused() and r.created.timestamp() >= since - 1:
                    return r
            time.sleep(0.5)
    raise AssertionError(f"the flow never paused for approval: {box}")


def test_coordinator_approves_with_exclusions_then_rejects_through_pause_and_resume(ledger: str,
                                                                                    tmp_path: Path) -> None:
    since = datetime.now(UTC)
    write_list(tmp_path / "inbox", "civil_affairs", civil_v1())
    since = time.time()
    thread, box = start_in_thread(tmp_path, approval_timeout_hours=1)
    flow_run = paused_run(since, thread, box)
    keyset = keyset_from_base_key(f"paused-{flow_run.state.state_details.pause_key}")
    assert flow_run.state.state_details.pause_key == "review-civil-affairs-v1"
    with get_client(sync_client=True) as client:
        description = client.read_flow_run_input(flow_run.id, keyset["description"])
        schema = client.read_flow_run_input(flow_run.id, keyset["schema"])
        assert "第1版" in description and "新增 5 人" in description and not FULL_ID.search(description)
        assert "民政部门第1版：审核结果" in schema and "民政部门第1版：剔除人员" in schema
        for refused in ({"decision_civil_affairs": "随便", "reviewer": "王科长"},  # not a choice
                        {"reviewer": "王科长"},  # no decision: there is no default
                        {"decision_civil_affairs": "通过"},  # no reviewer
                        {"decision_civil_affairs": "通过", "reviewer": "  "}):  # a blank reviewer
            answer = client.resume_flow_run(flow_run.id, run_input=refused)
            assert answer.status.value == "REJECT", refused
        ok = client.resume_flow_run(flow_run.id, run_input={
            "decision_civil_affairs": "剔除部分人员后通过", "exclusions_civil_affairs": [ids("A4")[0], "8"],
            "reviewer": "王科长"})
        assert ok.status.value == "ACCEPT"
    thread.join(60)
    assert "error" not in box, box.get("error")
    assert box["result"]["decided"] == [{"agency": "civil_affairs", "version": 1,
                                         "status": "approved_with_exclusions", "excluded": 2}]
    assert exemptions(ledger) == dict(zip(ids("A1", "A2", "A3"), ["dibao", "tekun", "orphan"]))

    write_list(tmp_path / "inbox", "civil_affairs", civil_v2())
    since = time.time()
    thread, box = start_in_thread(tmp_path, approval_timeout_hours=1)
    flow_run = paused_run(since, thread, box)
    with get_client(sync_client=True) as client:
        client.resume_flow_run(flow_run.id, run_input={"decision_civil_affairs": "退回",
                                                       "reason_civil_affairs": "黄志刚已死亡，请核实",
                                                       "reviewer": "王科长"})
        state = client.read_flow_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run.id])))[0]
    thread.join(60)
    assert box["result"]["decided"][0]["status"] == "rejected", state
    assert exemptions(ledger) == dict(zip(ids("A1", "A2", "A3"), ["dibao", "tekun", "orphan"]))
    engine = make_engine(ledger)
    with engine.connect() as conn:
        reason = conn.execute(select(ExemptionList.reason).where(ExemptionList.version == 2)).scalar_one()
    engine.dispose()
    assert reason == "黄志刚已死亡，请核实" and PEOPLE["A8"][1] == "黄志刚"
    rejected = events("canbao.exemption.rejected", 1, since)
    assert rejected[0].payload["agency"] == "civil_affairs" and rejected[0].payload["version"] == 2


def test_an_unreadable_list_is_loud_then_mapped_in_config_and_taken_again(ledger: str, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 11: a list whose category column is not recognised ends the run 需处理 with the headers found, the
    config line to add, a note to the agency and a message to the coordinator; after the config maps it (a
    config given by path), the same file sent again is reported as such, then taken in with take_again."""
    import pandas as pd
    import yaml
    from annex3 import config_with

    from canbao.formats.write import write_workbook
    from canbao.notify.outbox import read_outbox

    outbox = offline_coordinator(tmp_path, monkeypatch)
    people = [PEOPLE[k] for k in ("A1", "A2")]
    frame = pd.DataFrame({"序号": ["1", "2"], "姓名": [p[1] for p in people], "身份证号": [p[0] for p in people],
                          "人员类型": ["农村低保", "特困供养人员"], "镇（街）": [p[2] for p in people],
                          "家庭住址": ["红星村3组", "红星村4组"]})

    def deliver_file() -> None:
        write_workbook(tmp_path / "inbox/exemption/civil_affairs/民政名单.xlsx", {"名单": frame},
                       "开江县资助参保对象名单", ["填报单位：开江县民政局"])

    deliver_file()
    state = run(tmp_path, auto_approve=True, return_state=True)
    first = state.result()
    assert state.is_completed() and state.name == "需处理"
    text = "\n".join(first["attention"])
    assert "缺少必需列：救助类别" in text and "人员类型" in text
    assert "exemption_handoff: {columns: {civil_affairs: {exemption: [人员类型]}}}" in text
    notice = (tmp_path / "out/免缴名单/审核/民政部门_文件未能导入.md").read_text(encoding="utf-8")
    assert "人员类型" in notice and "救助类别" in notice and "exemption_handoff" not in notice
    sent = read_outbox(outbox)
    assert len(sent) == 1 and "需处理" in sent[0]["subject"] and "人员类型" in sent[0]["body"]
    assert not FULL_ID.search(text + notice + sent[0]["body"])

    mapped = config_with(tmp_path, CAMPAIGN, extra={"exemption_handoff": {
        "columns": {"civil_affairs": {"exemption": ["人员类型"]}}}})
    assert yaml.safe_load(mapped.read_text(encoding="utf-8"))["exemption_handoff"]
    deliver_file()
    repeated = run(tmp_path, auto_approve=True, config_path=str(mapped), return_state=True)
    assert repeated.name == "需处理" and repeated.result()["repeated"] == [{"agency": "civil_affairs", "version": 1}]
    assert repeated.result()["received"] == []
    deliver_file()
    taken = run(tmp_path, auto_approve=True, config_path=str(mapped), take_again=True, return_state=True)
    result = taken.result()
    assert taken.name == "Completed" and result["received"][0]["version"] == 2
    assert exemptions(ledger) == dict(zip(ids("A1", "A2"), ["dibao", "tekun"]))
    assert result["warnings"] == ["- 警告：民政部门“民政名单.xlsx”中未使用的列：家庭住址"]


def test_one_form_decides_every_pending_list_and_the_coordinator_is_told(ledger: str, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 13: both agencies' lists in one form (a decision each, no default), the coordinator's channel told
    once with the run's link, one 待审核 artifact per list."""
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    from canbao.notify.outbox import read_outbox

    outbox = offline_coordinator(tmp_path, monkeypatch)
    write_list(tmp_path / "inbox", "civil_affairs", civil_v1())
    write_list(tmp_path / "inbox", "disabled_federation", disabled_v1())
    since = time.time()
    thread, box = start_in_thread(tmp_path, approval_timeout_hours=1)
    flow_run = paused_run(since, thread, box)
    assert flow_run.state.state_details.pause_key == "review-civil-affairs-v1-disabled-federation-v1"
    keyset = keyset_from_base_key(f"paused-{flow_run.state.state_details.pause_key}")
    sent = read_outbox(outbox)
    assert [m["subject"] for m in sent] == ["开江县免缴对象名单待审核：2份"]
    assert f"/v2/runs/flow-run/{flow_run.id}" in sent[0]["body"]
    # civil affairs: A1-A5 (A3 twice merged, the bad ID refused); the federation: A1, A2, A6
    assert "民政部门第1版：5人" in sent[0]["body"] and "残联第1版：3人" in sent[0]["body"]
    assert not FULL_ID.search(sent[0]["body"])
    with get_client(sync_client=True) as client:
        description = client.read_flow_run_input(flow_run.id, keyset["description"])
        assert "民政部门 免缴对象名单 第1版" in description and "残联 免缴对象名单 第1版" in description
        half = client.resume_flow_run(flow_run.id, run_input={"decision_civil_affairs": "通过", "reviewer": "王科长"})
        assert half.status.value == "REJECT"  # the federation's list has no decision yet
        bare = client.resume_flow_run(flow_run.id, run_input={
            "decision_civil_affairs": "通过", "decision_disabled_federation": "退回", "reviewer": "王科长"})
        assert bare.status.value == "REJECT"  # sent back without a reason: the run stays paused
        assert client.read_flow_run(flow_run.id).state.is_paused()
        ok = client.resume_flow_run(flow_run.id, run_input={
            "decision_civil_affairs": "通过", "decision_disabled_federation": "退回",
            "reason_disabled_federation": "缺残疾证号", "reviewer": "王科长"})
        assert ok.status.value == "ACCEPT"
    thread.join(60)
    assert "error" not in box, box.get("error")
    assert [(d["agency"], d["status"]) for d in box["result"]["decided"]] == [
        ("civil_affairs", "approved"), ("disabled_federation", "rejected")]
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(
            flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run.id])))
    waiting = sorted(a.key for a in artifacts if (a.description or "").startswith("免缴对象名单待审核"))
    assert waiting == ["kaijiang-2020-exemption-civil-affairs-v1", "kaijiang-2020-exemption-disabled-federation-v1"]
    assert len(read_outbox(outbox)) == 1
