"""Tasks of mobilization: open the campaign and set targets, keep the calendar, record duties, write outputs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from sqlalchemy import select

from canbao.intake.campaign import open_campaign
from canbao.ledger.schema import Unit
from canbao.mobilization.calendar import load_calendar, store_calendar
from canbao.mobilization.duties import Completion, duty_states, record_completions
from canbao.mobilization.targets import prior_counts, store_targets, target_breakdown
from canbao.mobilization.workbooks import write_breakdown, write_calendar
from canbao.policy.load import load_campaign
from tasks.runtime import clock_now, flow_run_id, ledger_engine

__all__ = ["open_with_targets", "record_duties", "write_mobilization_files"]


@task(name="open-campaign-with-targets", retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE, persist_result=False)
def open_with_targets(campaign: str, scale: float) -> pd.DataFrame:
    """Open the campaign, set every unit's target, write the deadline calendar; returns the breakdown."""
    c = load_campaign(campaign)
    with ledger_engine().begin() as conn:
        open_campaign(conn, c, clock_now())
        u = Unit.__table__
        units = pd.DataFrame(conn.execute(select(u.c.code, u.c.name, u.c.level, u.c.parent_code)
                                          .where(u.c.campaign_id == c.id)).all(),
                             columns=["code", "name", "level", "parent_code"])
        breakdown = target_breakdown(c, units, prior_counts(conn, c.id), scale)
        changed = store_targets(conn, c.id, breakdown)
        calendar = store_calendar(conn, c)
    get_run_logger().info("%s：任务单位 %d 个（任务数变动 %d 个），工作日历变动 %d 条，分解方法 %s", campaign,
                          len(breakdown), changed, calendar, c.units.target_method)
    return breakdown


@task(name="record-duties", retries=1, retry_delay_seconds=5, cache_policy=NO_CACHE, persist_result=False)
def record_duties(campaign: str, completions: list[Completion], source: str) -> list[str]:
    """Record duties done; returns the codes that are not on the calendar."""
    if not completions:
        return []
    c = load_campaign(campaign)
    with ledger_engine().begin() as conn:
        unknown = record_completions(conn, c, completions, source, clock_now(), flow_run_id())
    if unknown:
        get_run_logger().warning("以下事项不在工作日历中：%s", "、".join(unknown))
    return unknown


@task(name="write-mobilization-files", cache_policy=NO_CACHE, persist_result=False)
def write_mobilization_files(campaign: str, breakdown: pd.DataFrame, scale: float, as_of: date,
                             out: str) -> dict:
    """The target breakdown and the calendar workbooks; returns file paths and each duty's state."""
    c = load_campaign(campaign)
    with ledger_engine().connect() as conn:
        calendar = load_calendar(conn, c.id)
    states = duty_states(c, calendar, as_of)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    files = {"任务分解表": str(write_breakdown(folder, c, breakdown, scale)),
             "工作日程表": str(write_calendar(folder, c, calendar, states, as_of))}
    duties = calendar.assign(state=states)[["code", "name", "kind", "owner_name", "due_on", "completed_on", "state"]]
    return {"files": files, "duties": duties.to_dict("records")}
