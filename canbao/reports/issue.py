"""The bulletin's issue number (第N期) from the weekly schedule, and its style from the campaign config."""

from __future__ import annotations

from datetime import date

from canbao.policy.model import Campaign, Thresholds
from canbao.reports.bulletin_style import BulletinStyle, Marks
from canbao.reports.ledger_frames import bulletin_groups
from canbao.reports.schedules import weekly_runs

__all__ = ["bulletin_style", "first_issue", "issue_number"]


def first_issue(c: Campaign) -> date:
    """The day of issue 1: `reporting.bulletin.first_issue`, else the first weekly report day of the schedule."""
    return c.reporting.bulletin.first_issue or weekly_runs(c)[0].date()


def issue_number(c: Campaign, as_of: date) -> int | None:
    """第N期 of the bulletin as of a day: one issue per scheduled week, counted from the first issue.

    Fixed by the calendar, not by what was issued before: re-running a week gives the same number and a skipped
    week does not shift later ones; a report on another weekday carries the number of its week's issue (the last
    scheduled day on or before it). None before the first issue.
    """
    first = first_issue(c)
    if as_of < first:
        return None
    return c.reporting.bulletin.first_number + (as_of - first).days // 7


def _marks(t: Thresholds | None) -> Marks | None:
    return None if t is None else (t.good, t.warning)


def bulletin_style(c: Campaign, as_of: date) -> BulletinStyle:
    """The bulletin's number, office, thresholds, sections and decimals for a report as of `as_of`."""
    b, r = c.reporting.bulletin, c.reporting
    units = _marks(b.units) or (r.good_threshold, r.warning_threshold)
    office = b.office or (c.campaign.issuers[0] if c.campaign.issuers else "")
    return BulletinStyle(issue_number(c, as_of), office, units, _marks(b.special_groups) or units,
                         {g: (t.good, t.warning) for g, t in b.group_thresholds.items()},
                         tuple(bulletin_groups(c)), b.decimals)
