"""Alerts on approaching and missed deadlines: their message, their event, and the log that stops repeats."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, select

from canbao.deadlines.states import DeadlineState
from canbao.ledger.bulk import upsert
from canbao.ledger.schema_alerts import Alert
from canbao.notify.message import Message

__all__ = ["EVENT_TARGET", "AlertKey", "alert_event", "alert_key", "alert_message", "already_sent", "needs_alert",
           "record_alert"]

EVENT_TARGET = "event"  # the alert-log target of the Prefect event itself
_KEY = ["campaign_id", "deadline", "due_on", "state", "day", "target"]


@dataclass(frozen=True)
class AlertKey:
    """What makes an alert a repeat: the deadline occurrence, its state and the day."""

    campaign_id: str
    deadline: str
    due_on: date
    state: str
    day: date


def alert_key(s: DeadlineState) -> AlertKey:
    """The alert-log key of a deadline state."""
    return AlertKey(s.campaign, s.code, s.due_on, s.state, s.day)


def needs_alert(s: DeadlineState) -> bool:
    """Missed deadlines are alerted, and approaching ones except scheduled reports (their flow makes them)."""
    return s.state == "missed" or (s.state == "approaching" and s.kind != "report")


def alert_message(s: DeadlineState) -> Message:
    """The Chinese subject and body (aggregates only, never personal data)."""
    if s.kind == "rule_cutoff":
        when = "今天" if s.working_days == 0 else f"还剩{s.working_days}个工作日"
        subject = f"【规则变化提醒】{s.locality}：{s.name}（{s.due_on:%Y-%m-%d}，{when}）"
    elif s.state == "missed":
        subject = f"【参保逾期】{s.locality}：{s.name}已于{s.due_on:%Y-%m-%d}到期，逾期{s.working_days}个工作日"
    else:
        left = "今天到期" if s.working_days == 0 else f"还剩{s.working_days}个工作日"
        subject = f"【参保提醒】{s.locality}：{s.name}将于{s.due_on:%Y-%m-%d}到期，{left}"
    body = "\n".join([f"责任单位：{s.owner_name}", f"截止日期：{s.due_on:%Y-%m-%d}", f"应完成：{s.due_text}",
                      f"台账情况：{s.detail}", f"活动：{s.campaign}（{s.day:%Y-%m-%d}检查）"])
    return Message(subject, body)


def alert_event(s: DeadlineState) -> dict[str, Any]:
    """Keyword arguments for `prefect.events.emit_event`: name, resources, payload and a stable id."""
    message = alert_message(s)
    key = f"{s.campaign}/{s.code}/{s.due_on}/{s.state}/{s.day}"
    return {
        "event": f"canbao.deadline.{s.state}",
        "resource": {"prefect.resource.id": f"canbao.campaign.{s.campaign}", "prefect.resource.name": s.locality},
        "related": [
            {"prefect.resource.id": f"canbao.agency.{s.owner}", "prefect.resource.role": "owner",
             "prefect.resource.name": s.owner_name},
            {"prefect.resource.id": f"canbao.deadline.{s.campaign}.{s.code}", "prefect.resource.role": "deadline",
             "prefect.resource.name": s.name},
        ],
        "payload": {"campaign": s.campaign, "locality": s.locality, "deadline": s.code, "name": s.name,
                    "kind": s.kind, "owner": s.owner, "owner_name": s.owner_name, "due_on": s.due_on.isoformat(),
                    "day": s.day.isoformat(), "state": s.state, "working_days": s.working_days,
                    "detail": s.detail, "subject": message.subject, "body": message.body},
        "id": uuid.uuid5(uuid.NAMESPACE_URL, f"canbao:{key}"),
    }


def already_sent(conn: Connection, key: AlertKey, target: str) -> bool:
    """Whether this occurrence was already alerted to `target` in this state on this day."""
    t = Alert.__table__
    where = [t.c[k] == v for k, v in {**asdict(key), "target": target}.items()]
    return conn.execute(select(t.c.status).where(*where)).scalar() == "sent"


def record_alert(conn: Connection, key: AlertKey, owner: str, target: str, ok: bool, detail: str, at: datetime,
                 flow_run_id: str | None = None) -> None:
    """Log one send (or failure); a later success on the same day overwrites a failure."""
    row = {**asdict(key), "target": target, "owner": owner, "status": "sent" if ok else "failed",
           "detail": detail[:500], "sent_at": at, "flow_run_id": flow_run_id}
    upsert(conn, Alert, [row], keys=_KEY, update=["status", "detail", "sent_at", "flow_run_id"])
