"""Forecast of each unit's participation rate at the period end, from its weekly trajectory.

Method (pipeline): registrations come first and payment follows, so the final rate is forecast as
registrations expected by the end × the share of registrations that end up paid.
- Registrations by the end: the damped trend of the cumulative registered rate. Its weekly
  increments are taken to shrink geometrically, r = (last two increments) / (two before them); with r
  in [0, 1) the remaining n weeks add d·r·(1 − rⁿ)/(1 − r), d the last increment. With fewer than four
  weekly points, or a trajectory still speeding up (r ≥ 1), the linear trend: the mean increment of
  the last two weeks per remaining week (one point: the average pace since the period start).
- Share paid: of the people registered at least COHORT_DAYS ago, how many are enrolled now (the
  unit's own share from 20 such people on, else the whole campaign's, else 1).
The forecast never falls below today's rate; once the period is over it is today's rate. Decimal
arithmetic makes it the same on every machine.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal, localcontext
from itertools import pairwise

__all__ = ["MAX_RATIO", "METHODS", "Point", "damped", "final_rate", "linear"]

Point = tuple[date, Decimal]  # (reporting date, cumulative rate at its end)
MAX_RATIO = Decimal("0.95")  # the slowest decay the damped trend assumes
METHODS = ("pipeline", "damped", "linear")  # the first is the report's; the others are measured beside it


def _weeks(a: date, b: date) -> Decimal:
    return Decimal((b - a).days) / 7


def linear(points: Sequence[Point], start: date, end: date) -> Decimal:
    """The linear trend: the recent weekly increment carried on to `end`."""
    day, last = points[-1]
    if len(points) == 1:
        elapsed = (day - start).days + 1
        return last if elapsed <= 0 else last * ((end - start).days + 1) / elapsed
    recent = points[-3:]
    step = (recent[-1][1] - recent[0][1]) / _weeks(recent[0][0], recent[-1][0])
    return last + step * _weeks(day, end)


def damped(points: Sequence[Point], start: date, end: date) -> Decimal:
    """The damped trend: weekly increments shrinking by a constant ratio (linear when that fails)."""
    if len(points) < 4:
        return linear(points, start, end)
    values = [v for _, v in points[-4:]]
    inc = [b - a for a, b in pairwise(values)]
    older, newer = inc[0] + inc[1], inc[1] + inc[2]
    if older <= 0 or newer < 0 or newer >= older:
        return linear(points, start, end)
    ratio = min(newer / older, MAX_RATIO)
    n = _weeks(points[-1][0], end)
    with localcontext() as ctx:
        ctx.prec = 28
        return values[-1] + inc[2] * ratio * (1 - ratio ** n) / (1 - ratio)


def final_rate(enrolled: Sequence[Point], registered: Sequence[Point], paid_share: Decimal, start: date,
               end: date, method: str = "pipeline") -> Decimal | None:
    """The rate expected at `end` by `method` (see the module text); None without points."""
    if not enrolled:
        return None
    today = enrolled[-1][1]
    if enrolled[-1][0] >= end:
        return today
    if method == "pipeline":
        guess = damped(registered, start, end) * paid_share
    else:
        guess = (damped if method == "damped" else linear)(enrolled, start, end)
    return max(guess, today)
