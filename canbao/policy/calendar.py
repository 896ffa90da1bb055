"""Chinese working days: official holidays and adjusted workdays, plus per-campaign overrides."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import chinese_calendar

__all__ = ["ADJUST_RULES", "CalendarYearMissing", "WorkCalendar"]

ADJUST_RULES = ("none", "next_working_day", "previous_working_day")

_DAY = timedelta(days=1)


class CalendarYearMissing(ValueError):
    """A date falls in a year chinese-calendar has no holiday data for."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"chinese-calendar has no holiday data for {year}; list that year's extra non-working days "
            f"under `holidays` and extra working days under `workdays` in the campaign config, and "
            f"{year} will be treated as Monday-Friday plus those overrides"
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
