"""Duties with a deadline: recording that one was done (form, file or simulation) and its state on a day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import Connection, update

from canbao.formats.amounts import parse_dates
from canbao.ledger.bulk import insert_rows
from canbao.ledger.schema import Audit
from canbao.ledger.schema_settlement import DeadlineRecord
from canbao.mobilization.calendar import load_calendar
from canbao.policy.deadlines import work_calendar
from canbao.policy.model import Campaign
from canbao.settlement.confirmations import read_table

__all__ = ["DUTY_KINDS", "STATE_LABELS", "Completion", "duty_states", "read_completions", "record_completions"]

DUTY_KINDS = ("publicity", "training", "targets")  # the pre-campaign duties mobilization tracks
STATE_LABELS = {"done": "已完成", "done_late": "逾期完成", "open": "未到期", "due_soon": "即将到期",
                "overdue": "已逾期"}
_HEADERS = {"code": ("事项编号", "编号"), "name": ("事项", "事项名称"), "done_on": ("完成日期", "完成时间"),
            "note": ("说明", "备注", "完成情况")}


@dataclass(frozen=True)
class Completion:
    """A coordinator's record that a duty was done on a day (with a note: what, evidence)."""

    code: str
    done_on: date
    note: str | None = None


def read_completions(path: Path, c: Campaign) -> list[Completion]:
    """Completions from a confirmation file (事项编号 or 事项名称, 完成日期, 说明); undated rows skipped."""
    frame = read_table(path, _HEADERS, ("done_on",))
    by_name = {d.name: d.code for d in c.deadlines}
    days, bad = parse_dates(frame["done_on"])
    out = []
    for i, row in frame.iterrows():
        code = row["code"] if pd.notna(row["code"]) else by_name.get(str(row["name"]), row["name"])
        if pd.notna(code) and not bad[i]:
            out.append(Completion(str(code), days[i].date(), None if pd.isna(row["note"]) else str(row["note"])))
    return out


def record_completions(conn: Connection, c: Campaign, completions: list[Completion], source: str,
                       now: datetime, flow_run_id: str | None) -> list[str]:
    """Store completions (the last one per duty wins; changes audited); returns codes that are no deadline."""
    calendar = load_calendar(conn, c.id).set_index("code")
    unknown = sorted({x.code for x in completions if x.code not in calendar.index})
    latest = {x.code: x for x in completions if x.code in calendar.index}
    rows, audit = [], []
    for code, x in sorted(latest.items()):
        before = calendar.loc[code]
        if (before["completed_on"], before["completion_note"]) == (x.done_on, x.note):
            continue
        rows.append({"code": code, "completed_on": x.done_on, "completion_note": x.note,
                     "completion_source": source})
        audit.append({"at": now, "flow_run_id": flow_run_id, "campaign_id": c.id, "action": "complete",
                      "table_name": "deadlines", "record_key": code,
                      "after": {"completed_on": x.done_on.isoformat(), "note": x.note, "source": source}})
    t = DeadlineRecord.__table__
    for row in rows:  # a handful of duties: plain updates of existing calendar rows
        conn.execute(update(t).where(t.c.campaign_id == c.id, t.c.code == row.pop("code")).values(**row))
    if audit:
        insert_rows(conn, Audit, audit)
    return unknown


def duty_states(c: Campaign, calendar: pd.DataFrame, as_of: date) -> pd.Series:
    """Per calendar row: done, done_late, open, due_soon (within its warning working days) or overdue."""
    cal, warn = work_calendar(c), {d.code: d.warn_working_days for d in c.deadlines}
    states = []
    for row in calendar.itertuples():
        done = row.completed_on if isinstance(row.completed_on, date) else None
        if done is not None:
            states.append("done" if done <= row.due_on else "done_late")
        elif as_of > row.due_on:
            states.append("overdue")
        elif cal.working_days_between(as_of, row.due_on) <= warn.get(row.code, 3):
            states.append("due_soon")
        else:
            states.append("open")
    return pd.Series(states, index=calendar.index, dtype="object")
