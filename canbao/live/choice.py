"""How many weeks to move a past campaign so that today falls in its registration, a deadline approaching."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from canbao.deadlines.occurrences import current_dues
from canbao.deadlines.states import classify
from canbao.live.config import move_config
from canbao.policy.deadlines import work_calendar
from canbao.policy.model import Campaign
from canbao.policy.shift import weeks_until

__all__ = ["live_weeks", "registration_period", "shifts_in_registration"]


def registration_period(c: Campaign) -> tuple[date, date]:
    """The registration-and-payment phase (the campaign window when the config has none)."""
    found = [(p.start, p.end) for p in c.phases if p.code == "registration_payment"]
    return found[0] if found else (c.campaign.window_start, c.campaign.window_end)


def shifts_in_registration(c: Campaign, today: date) -> list[int]:
    """Every whole-week shift that puts `today` inside the registration period, earliest point of it first."""
    start, end = registration_period(c)
    latest = weeks_until(start, today)  # start moved to today or the 6 days after
    if start + timedelta(weeks=latest) > today:
        latest -= 1
    earliest = weeks_until(end, today)  # end moved to today or later
    return list(range(latest, earliest - 1, -1))


def _approaching(moved: Campaign, today: date) -> bool:
    cal = work_calendar(moved)
    return any(classify(False, due.on, today, due.warn_working_days, cal)[0] == "approaching"
               for due in current_dues(moved, today))


def live_weeks(raw: dict[str, Any], source: Campaign, today: date) -> int:
    """The shift putting `today` as early in registration as possible while a deadline is approaching (within
    its warning's working days, nothing handed in yet), so the first deadline watch has something to say;
    without such a shift, the one putting today at registration's first week."""
    candidates = shifts_in_registration(source, today)
    if not candidates:
        raise ValueError(f"{source.id}: its registration period is empty")
    for weeks in candidates:
        moved = Campaign.model_validate(move_config(raw, source, weeks))
        if _approaching(moved, today):
            return weeks
    return candidates[0]
