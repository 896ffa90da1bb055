"""The simulation's calendar: which flow runs on which day, from the config and the deliveries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from canbao.cleanup.lists import period_end
from canbao.mobilization.duties import DUTY_KINDS
from canbao.policy.model import Campaign
from canbao.settlement.transfers import due_date
from canbao.simulate.deliveries import Delivery

__all__ = ["ACTIONS", "TIMES", "Step", "plan", "start_day"]

# Same-day order and the simulated time of each action: files first, then what reads them.
TIMES = {"exemptions": "07:00", "intake": "07:30", "mobilization": "08:00", "weekly_report": "08:30",
         "deadline_watch": "08:45", "cleanup": "09:00", "settlement": "14:00", "confirmations": "15:00",
         "duties": "16:00"}
ACTIONS = tuple(TIMES)

@dataclass(frozen=True)
class Step:
    """One flow run of the simulation: day, action, and the delivery folder where it takes files from."""

    day: date
    action: str
    folder: Path | None = None

    @property
    def moment(self) -> str:
        """The simulated clock (CANBAO_CLOCK) while the step runs, e.g. `2019-11-18T09:00:00`."""
        return f"{self.day.isoformat()}T{TIMES[self.action]}:00"


def start_day(c: Campaign) -> date:
    """The day the campaign opens: its mobilization phase's start, else the window's."""
    phase = next((p for p in c.phases if p.code == "mobilization"), None)
    return phase.start if phase else c.campaign.window_start


def _mondays(start: date, end: date) -> list[date]:
    first = start + timedelta(days=(7 - start.weekday()) % 7)
    return [first + timedelta(weeks=k) for k in range((end - first).days // 7 + 1)] if first <= end else []


def plan(c: Campaign, deliveries: list[Delivery], weeks: int = 1) -> list[Step]:
    """Every step in order: deliveries, mobilization and duties, weekly reports with deadline checks,
    cleanup after the period and after the last late payment; settlement when its phase starts (else after
    the period: transfers requested) and after the last late payment (amounts brought up to date); the
    bank's receipts the next day; a final settlement and deadline check the day after the last transfer is due.
    `weeks` > 1 reports every that many weeks (a coarser clock for quick runs)."""
    start = start_day(c)
    steps = [Step(start, "mobilization")]
    for d in deliveries:
        if "exemption" in d.sources:
            steps.append(Step(d.day, "exemptions", d.folder))
        if d.sources - {"exemption"}:
            steps.append(Step(d.day, "intake", d.folder))
    duties = {d.date for d in c.deadlines if d.kind in DUTY_KINDS and d.date is not None}
    steps += [Step(max(start, day - timedelta(days=1)), "duties") for day in sorted(duties)]
    r = c.reporting
    if r.weekly_start and r.weekly_end:
        for monday in _mondays(r.weekly_start, r.weekly_end)[::weeks]:
            steps += [Step(monday, "weekly_report"), Step(monday, "deadline_watch")]
    last = max((d.day for d in deliveries), default=start)
    end_of_period = period_end(c)
    steps += [Step(day, "cleanup") for day in sorted({end_of_period + timedelta(days=1), last + timedelta(days=1)})]
    phase = next((p for p in c.phases if p.code == "settlement"), None)
    first = phase.start if phase else end_of_period + timedelta(days=1)
    settle = max(first, last + timedelta(days=1))
    dues = [due_date(c, t) for t in (c.settlement.transfers if c.settlement else [])]
    final = max([settle + timedelta(days=2), *(d + timedelta(days=1) for d in dues)])
    steps += [Step(day, "settlement") for day in sorted({first, settle})]
    steps += [Step(settle + timedelta(days=1), "confirmations"), Step(final, "settlement"),
              Step(final, "deadline_watch")]
    return sorted(steps, key=lambda s: (s.day, ACTIONS.index(s.action)))
