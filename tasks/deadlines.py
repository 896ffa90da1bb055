"""Tasks of the deadline watch: read states from the ledger, publish them, emit each alert's event once."""

from __future__ import annotations

from datetime import date

from prefect import task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.events import emit_event

from canbao.deadlines import (
    EVENT_TARGET,
    STATE_LABELS,
    DeadlineState,
    alert_event,
    alert_key,
    already_sent,
    deadline_states,
    record_alert,
)
from canbao.policy.load import load_campaign
from tasks.runtime import clock_now, flow_run_id, ledger_engine

__all__ = ["emit_deadline_event", "publish_deadline_table", "read_deadline_states"]


@task(name="read-deadline-states", retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE, persist_result=False)
def read_deadline_states(campaign: str, day: date) -> list[DeadlineState]:
    """Every deadline occurrence that matters on `day`, with its state from the ledger."""
    with ledger_engine().connect() as conn:
        return deadline_states(conn, load_campaign(campaign), day)


@task(name="publish-deadline-table", cache_policy=NO_CACHE, persist_result=False)
def publish_deadline_table(campaign: str, day: date, states: list[DeadlineState]) -> str:
    """A table artifact `<campaign>-deadlines` of the day's deadline states, in Chinese."""
    key = f"{campaign}-deadlines"
    rows = [{"截止事项": s.name, "责任单位": s.owner_name, "截止日期": s.due_on.isoformat(),
             "状态": STATE_LABELS[s.state], "工作日": s.working_days, "台账情况": s.detail} for s in states]
    create_table_artifact(rows, key=key, description=f"{day:%Y-%m-%d} 截止事项检查：{campaign}")
    return key


@task(name="emit-deadline-event", retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE, persist_result=False)
def emit_deadline_event(state: DeadlineState) -> bool:
    """Emit `canbao.deadline.<state>` unless it was emitted for this occurrence today; True if emitted now."""
    engine, key = ledger_engine(), alert_key(state)
    with engine.connect() as conn:
        if already_sent(conn, key, EVENT_TARGET):
            return False
    event = emit_event(**alert_event(state))
    with engine.begin() as conn:
        record_alert(conn, key, state.owner, EVENT_TARGET, event is not None,
                     "emitted" if event is not None else "events are off", clock_now(), flow_run_id())
    return event is not None
