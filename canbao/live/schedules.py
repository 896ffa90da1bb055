"""The live demo's schedules: the moved campaign's own rules, moved on by the weeks a pinned clock lags."""

from __future__ import annotations

from datetime import datetime, timedelta

from canbao.exemptions.window import handoff_rrule
from canbao.policy.model import Campaign
from canbao.policy.shift import shift_rrule
from canbao.reports.schedules import posting_rrule, weekly_rrule

__all__ = ["clock_lag_weeks", "live_schedules"]


def clock_lag_weeks(flows_now: datetime, wall_now: datetime) -> int:
    """Whole weeks (rounded) from the flows' clock to the real one: 0 unless `CANBAO_CLOCK` pins a past day.

    Prefect's scheduler runs on real time, so schedules move on by these weeks to fall in its horizon while the
    flows, on the pinned clock, see the campaign's calendar around the pinned day."""
    return round((wall_now - flows_now) / timedelta(weeks=1))


def live_schedules(c: Campaign, lag_weeks: int = 0) -> dict[str, str]:
    """RFC 5545 rule per deployment (`flow/deployment`) of campaign `c`: weekly report, exemption handoff and,
    when it posts monthly, the roster posting (the month ends of the moved calendar)."""
    rules = {f"weekly-report/weekly-report-{c.id}": shift_rrule(weekly_rrule(c), lag_weeks),
             f"exemption-handoff/exemption-handoff-{c.id}": shift_rrule(handoff_rrule(c), lag_weeks)}
    if c.reporting.monthly_posting:
        # BYMONTHDAY=-1 keeps it on month ends between its moved bounds
        rules[f"roster-posting/roster-posting-{c.id}"] = shift_rrule(posting_rrule(c), lag_weeks)
    return rules

