"""The working-day calendar of a campaign moved by whole weeks: the source years' holidays, carried along."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

from canbao.policy.calendar import WorkCalendar

__all__ = ["moved_overrides"]


@lru_cache(maxsize=8192)  # chinese-calendar scans its whole table on every call
def _source_workday(source: WorkCalendar, d: date) -> bool:
    return source.is_workday(d)


@lru_cache(maxsize=8192)
def _default_workday(d: date) -> bool:
    """What a WorkCalendar says of `d` before overrides: the official schedule, or Monday to Friday past its data."""
    try:
        return bool(chinese_calendar.is_workday(d))
    except NotImplementedError:
        return d.weekday() < 5


def moved_overrides(source: WorkCalendar, weeks: int, years: range) -> tuple[list[date], list[date]]:
    """Holidays and workdays to list in a config moved by `weeks` so that, over every day of `years`, each day
    works exactly when the source day `weeks` earlier did (weekday kept, so the holiday pattern moves with it).

    Every year in `years` gets its days listed (a year the holiday data lacks would otherwise raise), and a
    real holiday of a covered year that the source day worked is listed as a workday: the moved campaign
    counts the same working days between any two of its dates as the source did."""
    holidays: list[date] = []
    workdays: list[date] = []
    day, last = date(years.start, 1, 1), date(years.stop - 1, 12, 31)
    while day <= last:
        works = _source_workday(source, day - timedelta(weeks=weeks))
        if works != _default_workday(day):
            (workdays if works else holidays).append(day)
        day += timedelta(days=1)
    return holidays, workdays
