"""Each deadline's state on a day: done, upcoming, approaching, missed, or unknown (past, nothing to judge by)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal

import pandas as pd
from sqlalchemy import Connection

from canbao.deadlines.cutoffs import cutoff_evidence, cutoff_people
from canbao.deadlines.evidence import evidence
from canbao.deadlines.occurrences import Due, current_dues
from canbao.policy.calendar import WorkCalendar
from canbao.policy.deadlines import work_calendar
from canbao.policy.model import Campaign

__all__ = ["STATE_LABELS", "DeadlineState", "State", "classify", "deadline_states"]

State = Literal["done", "upcoming", "approaching", "missed", "unknown"]
STATE_LABELS = {"done": "已完成", "upcoming": "未到期", "approaching": "即将到期", "missed": "已逾期",
                "unknown": "已过期（无法判断）"}


@dataclass(frozen=True)
class DeadlineState:
    """One deadline occurrence of a campaign as seen on `day`."""

    campaign: str
    locality: str
    code: str
    name: str
    kind: str
    owner: str
    owner_name: str
    due_text: str
    due_on: date
    day: date
    state: State
    working_days: int  # left before due_on (approaching/upcoming) or overdue by (missed/unknown)
    detail: str


def classify(done: bool | None, due_on: date, day: date, warn: int, cal: WorkCalendar) -> tuple[State, int]:
    """The state and its working-day count: approaching within `warn` working days, missed once past."""
    if done:
        return "done", 0
    if day > due_on:
        return ("unknown" if done is None else "missed"), cal.working_days_between(due_on, day)
    left = cal.working_days_between(day, due_on)
    return ("approaching" if left <= warn else "upcoming"), left


def _state(conn: Connection, c: Campaign, due: Due, day: date, cal: WorkCalendar,
           people: Callable[[], pd.DataFrame]) -> DeadlineState:
    # A rule cutoff is no duty: its "evidence" is how many residents the rule change will affect.
    found = cutoff_evidence(c, due, day, people) if due.entry.kind == "rule_cutoff" else evidence(conn, c, due, day)
    state, days = classify(found.done, due.on, day, due.warn_working_days, cal)
    e = due.entry
    return DeadlineState(c.id, c.campaign.locality, e.code, e.name, e.kind, e.owner, e.owner_name, e.due, due.on,
                         day, state, days, found.detail)


def deadline_states(conn: Connection, c: Campaign, day: date) -> list[DeadlineState]:
    """Every deadline occurrence that matters on `day` (see `current_dues`), in date order."""
    cal, people = work_calendar(c), cutoff_people(conn, c, day)
    return [_state(conn, c, due, day, cal, people) for due in current_dues(c, day)]
