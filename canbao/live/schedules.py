"""The live demo's schedules: the moved campaign's own rules, moved on by the weeks a pinned clock lags."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from canbao.exemptions.window import handoff_rrule
from canbao.policy.model import Campaign
from canbao.policy.shift import shift_rrule
from canbao.reports.schedules import posting_rrule, weekly_rrule

__all__ = ["RELEASE", "RELEASE_TIME", "clock_lag_weeks", "live_schedules", "release_rrule"]

RELEASE = "live-release/live-release"
RELEASE_TIME = time(0, 5)  # Beijing time: a day's rows are in before any run of that day looks at the inbox
RELEASE_MARGIN = timedelta(days=31)  # cash is deposited some days after it is collected, near the window's end


def clock_lag_weeks(flows_now: datetime, wall_now: datetime) -> int:
    """Whole weeks (rounded) from the flows' clock to the real one: 0 unless `CANBAO_CLOCK` pins a past day.

    Prefect's scheduler runs on real time, so schedules move on by these weeks to fall in its horizon while the
    flows, on the pinned clock, see the campaign's calendar around the pinned day."""
    return round((wall_now - flows_now) / timedelta(weeks=1))


def release_rrule(c: Campaign) -> str:
    """Daily at RELEASE_TIME from the campaign window's first day to a month after its last (local time)."""
    first = datetime.combine(c.campaign.window_start, RELEASE_TIME)
    last = datetime.combine(c.campaign.window_end, RELEASE_TIME) + RELEASE_MARGIN
    return f"DTSTART:{first:%Y%m%dT%H%M%S}\nRRULE:FREQ=DAILY;UNTIL={last:%Y%m%dT%H%M%S}"


def live_schedules(c: Campaign, lag_weeks: int = 0) -> dict[str, str]:
    """RFC 5545 rule per deployment (`flow/deployment`) of campaign `c`: weekly report, exemption handoff, the
    daily release of held-back rows and, when it posts monthly, the roster posting (the moved month ends)."""
    rules = {f"weekly-report/weekly-report-{c.id}": shift_rrule(weekly_rrule(c), lag_weeks),
             f"exemption-handoff/exemption-handoff-{c.id}": shift_rrule(handoff_rrule(c), lag_weeks),
             RELEASE: shift_rrule(release_rrule(c), lag_weeks)}
    if c.reporting.monthly_posting:
        # BYMONTHDAY=-1 keeps it on month ends between its moved bounds
        rules[f"roster-posting/roster-posting-{c.id}"] = shift_rrule(posting_rrule(c), lag_weeks)
    return rules

