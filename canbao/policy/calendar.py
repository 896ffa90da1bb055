"""Chinese working days: official holidays and adjusted workdays, plus per-campaign overrides."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import chinese_calendar

from canbao.errors import CanbaoError

__all__ = ["ADJUST_RULES", "CalendarYearMissing", "WorkCalendar"]

ADJUST_RULES = ("none", "next_working_day", "previous_working_day")

_DAY = timedelta(days=1)


class CalendarYearMissing(CanbaoError, ValueError):
    """A date falls in a year chinese-calendar has no holiday data for."""

    code = "calendar_year_missing"

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"节假日数据（chinese-calendar）不含{year}年：请在活动配置的 `holidays` 下列出该年的放假日、"
            f"`workdays` 下列出调休上班日，{year}年将按周一至周五加这些调整计算工作日"
        )


def _as_date(d: date) -> date:
    # datetime (and pandas.Timestamp) subclass date but never compare equal to one.
    return d.date() if isinstance(d, datetime) else d


@dataclass(frozen=True)
class WorkCalendar:
    """Working days per the State Council holiday schedule, with config overrides on top."""

    extra_holidays: frozenset[date] = frozenset()
    extra_workdays: frozenset[date] = frozenset()
    _override_years: frozenset[int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Config loaders hand over lists; keep the dataclass hashable and membership tests cheap.
        holidays = self._dates(self.extra_holidays)
        workdays = self._dates(self.extra_workdays)
        if both := holidays & workdays:
            raise ValueError(f"dates listed as both holiday and workday: {sorted(both)}")
        object.__setattr__(self, "extra_holidays", holidays)
        object.__setattr__(self, "extra_workdays", workdays)
        object.__setattr__(self, "_override_years", frozenset(d.year for d in holidays | workdays))

    @staticmethod
    def _dates(days: Iterable[date]) -> frozenset[date]:
        return frozenset(_as_date(d) for d in days)

    def is_workday(self, d: date) -> bool:
        """Whether `d` is a working day; raises CalendarYearMissing for uncovered years without overrides."""
        d = _as_date(d)
        if d in self.extra_workdays:
            return True
        if d in self.extra_holidays:
            return False
        try:
            return chinese_calendar.is_workday(d)
        except NotImplementedError:
            if d.year in self._override_years:
                return d.weekday() < 5
            raise CalendarYearMissing(d.year) from None

    def adjust(self, d: date, rule: str) -> date:
        """`d` moved onto a working day according to one of ADJUST_RULES."""
        if rule not in ADJUST_RULES:
            raise ValueError(f"unknown adjust rule {rule!r}; expected one of {ADJUST_RULES}")
        d = _as_date(d)
        if rule == "none":
            return d
        step = _DAY if rule == "next_working_day" else -_DAY
        while not self.is_workday(d):
            d += step
        return d

    def add_working_days(self, d: date, n: int) -> date:
        """The date `n` working days after `d` (before it if `n` is negative); `d` itself does not count."""
        d = _as_date(d)
        step = _DAY if n > 0 else -_DAY
        remaining = abs(n)
        while remaining:
            d += step
            remaining -= self.is_workday(d)
        return d

    def working_days_between(self, start: date, end: date) -> int:
        """The number of working days in (start, end]; 0 when end is not after start."""
        start, end = _as_date(start), _as_date(end)
        return sum(self.is_workday(start + k * _DAY) for k in range(1, (end - start).days + 1))
