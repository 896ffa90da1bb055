"""A calendar moved by whole weeks, weekday and time of day kept: past campaigns replayed as if running now."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

__all__ = ["SCHEDULER_HORIZON", "rrule_into_horizon", "shift_rrule", "weeks_until"]

# Prefect's scheduler creates runs at most this far ahead (PREFECT_SERVER_SERVICES_SCHEDULER_MAX_SCHEDULED_TIME).
SCHEDULER_HORIZON = timedelta(days=100)
_STAMP = re.compile(r"\d{8}T\d{6}")
_FORMAT = "%Y%m%dT%H%M%S"


def weeks_until(first: date | datetime, moment: date | datetime) -> int:
    """Whole weeks that move `first` to the earliest same-weekday point at or after `moment` (may be negative)."""
    weeks, rest = divmod(moment - first, timedelta(weeks=1))  # type: ignore[operator]
    return int(weeks) + (1 if rest else 0)


def shift_rrule(rrule: str, weeks: int) -> str:
    """The RFC 5545 rule with every DTSTART/UNTIL stamp moved by `weeks` whole weeks."""
    def moved(match: re.Match[str]) -> str:
        return (datetime.strptime(match.group(0), _FORMAT) + timedelta(weeks=weeks)).strftime(_FORMAT)
    return _STAMP.sub(moved, rrule)


def rrule_into_horizon(rrule: str, now: datetime) -> str:
    """The rule moved by whole weeks so its DTSTART falls in the week after `now` (naive local wall time)."""
    stamps = _STAMP.findall(rrule)
    if not stamps:
        return rrule
    first = datetime.strptime(stamps[0], _FORMAT)
    weeks = weeks_until(first, now)
    if first + timedelta(weeks=weeks) == now:  # strictly after now: a run due this instant is already gone
        weeks += 1
    return shift_rrule(rrule, weeks)
