"""When a deadline falls due: once (a date, or the end of a range), or weekly for a report range."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from canbao.policy.deadlines import DeadlineEntry, deadline_calendar
from canbao.policy.model import Campaign

__all__ = ["ACTIVE_MARGIN_DAYS", "Due", "current_dues", "is_active"]

# A campaign is watched from a month before its window opens (reminders) to a month after it closes.
ACTIVE_MARGIN_DAYS = 30


@dataclass(frozen=True)
class Due:
    """One dated occurrence of a deadline, with the working days of warning its config asks for."""

    entry: DeadlineEntry
    on: date
    warn_working_days: int


def is_active(c: Campaign, day: date) -> bool:
    """Whether the deadline watch looks at this campaign on `day`."""
    margin = timedelta(days=ACTIVE_MARGIN_DAYS)
    return c.campaign.window_start - margin <= day <= c.campaign.window_end + margin


def _weekly(c: Campaign, e: DeadlineEntry) -> list[date]:
    start, end = e.start or e.last_day, e.last_day
    first = start + timedelta(days=(c.reporting.weekly_weekday - start.weekday()) % 7)
    return [first + timedelta(weeks=k) for k in range((end - first).days // 7 + 1)] or [end]


def current_dues(c: Campaign, day: date) -> list[Due]:
    """Per deadline, the occurrences that matter on `day`: the last one passed and the next one to come."""
    warn = {d.code: d.warn_working_days for d in c.deadlines}
    out: list[Due] = []
    for e in deadline_calendar(c):
        dates = _weekly(c, e) if e.kind == "report" and e.start is not None else [e.last_day]
        past = [d for d in dates if d < day]
        coming = [d for d in dates if d >= day]
        picked = ([past[-1]] if past else []) + ([coming[0]] if coming else [])
        out.extend(Due(e, d, warn[e.code]) for d in picked)
    return out
