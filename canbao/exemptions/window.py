"""When the handoff runs: daily during the window the config gives (or its deadlines imply)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from canbao.policy.deadlines import deadline_calendar
from canbao.policy.model import Campaign

__all__ = ["approval_timeout_seconds", "handoff_deployment", "handoff_rrule", "handoff_window", "run_time"]

LIST_KINDS = ("exemption_list", "exemption_entry")


def handoff_window(c: Campaign) -> tuple[date, date]:
    """First and last day of the daily run: `exemption_handoff.start/end`, else from the first phase's start
    to the later of the registration period's end and the last exemption-list deadline."""
    h = c.exemption_handoff
    start = h.start if h and h.start else min(p.start for p in c.phases)
    ends = [p.end for p in c.phases if p.code == "registration_payment"]
    ends += [d.last_day for d in deadline_calendar(c) if d.kind in LIST_KINDS]
    end = h.end if h and h.end else max(ends or [p.end for p in c.phases])
    return start, end


def run_time(c: Campaign) -> time:
    """The time of day the daily run starts (08:30 unless the config says otherwise)."""
    return time.fromisoformat(c.exemption_handoff.run_time if c.exemption_handoff else "08:30")


def approval_timeout_seconds(c: Campaign) -> int:
    """How long a list waits for the coordinator's decision (72 hours unless the config says otherwise)."""
    return (c.exemption_handoff.approval_timeout_hours if c.exemption_handoff else 72) * 3600


def handoff_rrule(c: Campaign) -> str:
    """E.g. `DTSTART:20190901T083000\\nRRULE:FREQ=DAILY;UNTIL=20191225T083000` (local time)."""
    start, end = handoff_window(c)
    at = run_time(c)
    first, last = datetime.combine(start, at), datetime.combine(end, at)
    return f"DTSTART:{first:%Y%m%dT%H%M%S}\nRRULE:FREQ=DAILY;UNTIL={last:%Y%m%dT%H%M%S}"


def handoff_deployment(c: Campaign, inbox: str | None = None) -> dict[str, Any]:
    """The prefect.yaml entry of a campaign's exemption handoff: daily in the window, also runnable on demand."""
    start, end = handoff_window(c)
    return {
        "name": f"exemption-handoff-{c.id}",
        "description": f"免缴对象名单汇总、审核与交接：{c.campaign.locality}，每日{run_time(c):%H:%M}"
                       f"（{start:%Y-%m-%d}至{end:%Y-%m-%d}）",
        "entrypoint": "flows/exemption_handoff.py:exemption_handoff",
        "tags": ["canbao", "exemption-handoff", c.id], "work_pool": {"name": "canbao"},
        "parameters": {"campaign": c.id, "inbox": inbox or f"demo/{c.id}/inbox"},
        "schedules": [{"rrule": handoff_rrule(c), "timezone": c.campaign.timezone, "active": True,
                       "slug": f"{c.id}-exemption-handoff"}],
    }
