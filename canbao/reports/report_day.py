"""Which days a campaign can be reported on: its window, through the closing weekly report."""

from __future__ import annotations

from datetime import date, timedelta

from canbao.errors import InputError
from canbao.policy.model import Campaign

__all__ = ["report_window", "require_report_day"]


def report_window(c: Campaign) -> tuple[date, date]:
    """The campaign's window (`campaign.window_start`..`window_end`), stretched to a week after weekly reporting."""
    weekly_end = c.reporting.weekly_end or c.campaign.window_end
    return c.campaign.window_start, max(c.campaign.window_end, weekly_end + timedelta(days=7))


def require_report_day(c: Campaign, day: date) -> None:
    """Raise InputError, naming the window, when `day` lies outside it."""
    start, end = report_window(c)
    if not start <= day <= end:
        raise InputError(f"{c.campaign.locality}{c.campaign.insurance_year}年度参保活动的报表日期须在 "
                         f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d} 之间，所填日期 {day:%Y-%m-%d} 不在活动期内："
                         "请改填“截至日期”后重新运行。")
