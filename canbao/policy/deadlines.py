"""The deadline calendar of a campaign, adjusted to working days where a rule says so."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from canbao.policy.calendar import WorkCalendar
from canbao.policy.model import Campaign, Deadline, RuleCutoff

__all__ = ["DeadlineEntry", "deadline_calendar", "work_calendar"]


@dataclass(frozen=True)
class DeadlineEntry:
    """One dated duty of a campaign, dates already adjusted."""

    code: str
    name: str
    kind: str
    owner: str
    owner_name: str
    due: str
    date: date | None
    start: date | None
    end: date | None
    source: str
    assumed: bool
    cutoff: RuleCutoff | None = None  # rule_cutoff: whom the rule change affects

    @property
    def last_day(self) -> date:
        """The day by which the duty must be done."""
        return self.date or self.end  # type: ignore[return-value]

    def to_json(self) -> dict[str, object]:
        """As the CLI prints it."""
        out: dict[str, object] = {"code": self.code, "name": self.name, "kind": self.kind,
                                  "owner": self.owner, "owner_name": self.owner_name, "due": self.due}
        if self.date is not None:
            out["date"] = self.date.isoformat()
        else:
            out["start"], out["end"] = self.start.isoformat(), self.end.isoformat()  # type: ignore[union-attr]
        if self.cutoff is not None:
            out["affects"] = self.cutoff.model_dump()
        return {**out, "source": self.source, "assumed": self.assumed}


def work_calendar(c: Campaign) -> WorkCalendar:
    """The campaign's working-day calendar (Chinese holidays plus config overrides)."""
    return WorkCalendar(extra_holidays=frozenset(c.holidays), extra_workdays=frozenset(c.workdays))


def _entry(d: Deadline, cal: WorkCalendar, owners: dict[str, str]) -> DeadlineEntry:
    def adj(x: date | None) -> date | None:
        return None if x is None else cal.adjust(x, d.adjust)

    return DeadlineEntry(d.code, d.name, d.kind, d.owner, owners.get(d.owner, d.owner), d.due,
                         adj(d.date), d.start, adj(d.end), d.source, d.assumed, d.cutoff)


def deadline_calendar(c: Campaign) -> list[DeadlineEntry]:
    """Every deadline of the campaign, in date order."""
    cal, owners = work_calendar(c), {a.code: a.name for a in c.agencies}
    entries = [_entry(d, cal, owners) for d in c.deadlines]
    return sorted(entries, key=lambda e: (e.start or e.date or e.last_day, e.last_day, e.code))
