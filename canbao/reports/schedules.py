"""When reports run: RFC 5545 rules from each campaign's reporting window, and the prefect.yaml entries."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from typing import Any

from canbao.policy.model import Campaign
from canbao.reports.weekly import period_of

__all__ = ["POSTING_TIME", "deployments", "posting_rrule", "weekly_rrule", "weekly_runs"]

_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_NAMES = "一二三四五六日"
POSTING_TIME = time(18, 0)  # month-end postings: as of the last day of the month


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


def weekly_runs(c: Campaign) -> tuple[datetime, datetime]:
    """The first and last weekly run: the reporting weekday from the window's start to the first one after it."""
    r = c.reporting
    start, end = r.weekly_start or period_of(c)[0], r.weekly_end or period_of(c)[1]
    at = time.fromisoformat(r.weekly_time)
    first = start + timedelta(days=(r.weekly_weekday - start.weekday()) % 7)
    last = end + timedelta(days=(r.weekly_weekday - end.weekday()) % 7 or 7)  # the closing report
    return datetime.combine(first, at), datetime.combine(last, at)


def weekly_rrule(c: Campaign) -> str:
    """E.g. `DTSTART:20201102T090000\\nRRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20201221T090000` (local time)."""
    first, last = weekly_runs(c)
    return f"DTSTART:{_stamp(first)}\nRRULE:FREQ=WEEKLY;BYDAY={_DAYS[c.reporting.weekly_weekday]};UNTIL={_stamp(last)}"


def posting_rrule(c: Campaign) -> str:
    """The last day of every month of the registration period, at 18:00, through the month it ends in."""
    start, end = period_of(c)
    first = date(start.year, start.month, calendar.monthrange(start.year, start.month)[1])
    last = date(end.year, end.month, calendar.monthrange(end.year, end.month)[1])
    return (f"DTSTART:{_stamp(datetime.combine(first, POSTING_TIME))}\nRRULE:FREQ=MONTHLY;BYMONTHDAY=-1;"
            f"UNTIL={_stamp(datetime.combine(last, POSTING_TIME))}")


def deployments(campaigns: list[Campaign]) -> list[dict[str, Any]]:
    """The weekly-report deployment of every campaign and the roster posting of those that post monthly."""
    out = []
    for c in campaigns:
        first, last = weekly_runs(c)
        out.append({
            "name": f"weekly-report-{c.id}",
            "description": f"参保情况周报与进度通报：{c.campaign.locality}，每周{_NAMES[c.reporting.weekly_weekday]}"
                           f"{c.reporting.weekly_time}（{first:%Y-%m-%d}至{last:%Y-%m-%d}）",
            "entrypoint": "flows/weekly_report.py:weekly_report",
            "tags": ["canbao", "weekly-report", c.id], "work_pool": {"name": "canbao"},
            "parameters": {"campaign": c.id},
            "schedules": [{"rrule": weekly_rrule(c), "timezone": c.campaign.timezone, "active": True,
                           "slug": f"{c.id}-weekly"}]})
    for c in campaigns:
        if c.reporting.monthly_posting:
            out.append({
                "name": f"roster-posting-{c.id}",
                "description": f"每月公示参保缴费名单：{c.campaign.locality}，"
                               f"集中参保期内每月最后一天{POSTING_TIME:%H:%M}",
                "entrypoint": "flows/roster_posting.py:roster_posting",
                "tags": ["canbao", "roster-posting", c.id], "work_pool": {"name": "canbao"},
                "parameters": {"campaign": c.id},
                "schedules": [{"rrule": posting_rrule(c), "timezone": c.campaign.timezone, "active": True,
                               "slug": f"{c.id}-posting"}]})
    return out
