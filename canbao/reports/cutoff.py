"""When a report's figures stand: the earlier of the moment it is made and the end of the day reported on."""

from __future__ import annotations

from datetime import date, datetime

from canbao.clock import SHANGHAI
from canbao.state import known_by

__all__ = ["cutoff_text", "report_cutoff"]


def report_cutoff(as_of: date, now: datetime) -> datetime:
    """The cut for a report as of `as_of` made at `now`: the earlier of `now` and the end of `as_of` — on the day
    itself the moment it is made (an import a minute before counts), for a past day what was known by its end
    (whenever the report is made), for a day still to come what is known now."""
    return min(now.astimezone(SHANGHAI), known_by(as_of))


def cutoff_text(as_of: date, cutoff: datetime) -> str:
    """E.g. `2020年11月9日24时` (the end of `as_of`), `2020年11月9日9时` or `2020年11月9日3时18分`."""
    if cutoff == known_by(as_of):
        return f"{as_of.year}年{as_of.month}月{as_of.day}日24时"
    m = cutoff.astimezone(SHANGHAI)
    return f"{m.year}年{m.month}月{m.day}日{m.hour}时" + (f"{m.minute}分" if m.minute else "")
