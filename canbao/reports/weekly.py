"""The weekly progress report as data: what every output (workbook, chart, bulletin, artifact) is drawn from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

import pandas as pd

from canbao.policy.model import Campaign
from canbao.reports.bulletin_style import BulletinStyle
from canbao.reports.cutoff import cutoff_text
from canbao.state.figures import rate

__all__ = ["COHORT_DAYS", "COUNT_COLUMNS", "WeeklyReport", "period_of", "rate", "reporting_dates"]

# Integer columns of `WeeklyReport.units`, each a count of persons in the unit's subtree.
COUNT_COLUMNS = ("target", "registered", "paid", "exempt", "enrolled", "enrolled_last_week", "tier2", "students",
                 "special_target", "special_enrolled", "cohort_registered", "cohort_enrolled")
COHORT_DAYS = 21  # registrations at least this old show how many registrations end up paid


def period_of(c: Campaign) -> tuple[date, date]:
    """The registration-and-payment phase: the period pace and forecast run over (else the reporting window)."""
    phase = next((p for p in c.phases if p.code == "registration_payment"), None)
    if phase is not None:
        return phase.start, phase.end
    start, end = c.reporting.weekly_start, c.reporting.weekly_end
    if start is None or end is None:
        raise ValueError(f"{c.id}: no registration_payment phase and no weekly reporting window")
    return start, end


def reporting_dates(start: date, as_of: date) -> list[date]:
    """Weekly points of the trajectory: as_of, as_of − 7 days, … back to the period start, ascending."""
    days = [as_of]
    while (days[-1] - start).days >= 7:
        days.append(date.fromordinal(days[-1].toordinal() - 7))
    return sorted(days)


@dataclass(frozen=True)
class WeeklyReport:
    """One campaign's progress as of a day: per-unit counts, special groups and the weekly trajectory.

    `units`: code, name, level, parent_code, target_basis (what the target is: `canbao.state.DENOMINATORS`) and
    COUNT_COLUMNS from the campaign's state (`exempt`: subsidy-covered; target may be NA; cohort_*: people registered
    COHORT_DAYS or more before as_of, and how many of them are enrolled). `groups`: group, code, target,
    enrolled. `series` / `registered_series`: enrolled / registered per unit code (rows) at each
    reporting date (columns, ascending).
    """

    campaign_id: str
    locality: str
    insurance_year: int
    as_of: date
    cutoff: datetime  # the moment the figures stand at (`canbao.reports.cutoff.report_cutoff`)
    period_start: date
    period_end: date
    goal_rate: Decimal
    special_goal: Decimal
    good_threshold: Decimal
    warning_threshold: Decimal
    tiers: dict[int, str]
    group_names: dict[str, str]
    units: pd.DataFrame = field(repr=False)
    groups: pd.DataFrame = field(repr=False)
    series: pd.DataFrame = field(repr=False)
    registered_series: pd.DataFrame = field(repr=False)
    footnote: str = ""  # the assumed values the figures rest on (canbao.policy.assumptions), '' if none
    bulletin: BulletinStyle = field(default_factory=BulletinStyle)  # number, office, thresholds, sections

    @property
    def title(self) -> str:
        """E.g. `渝中区2021年度城乡居民基本医疗保险参保情况周报表`."""
        return f"{self.locality}{self.insurance_year}年度城乡居民基本医疗保险参保情况周报表"

    @property
    def cutoff_text(self) -> str:
        """E.g. `2020年11月9日9时` or `2020年11月9日3时18分`: the moment the numbers stand at."""
        return cutoff_text(self.as_of, self.cutoff)

    def pace(self, day: date | None = None) -> Fraction:
        """The rate a unit should have reached by `day`: linear over the period, up to the goal rate."""
        day = day or self.as_of
        length = (self.period_end - self.period_start).days + 1
        elapsed = min(max((day - self.period_start).days + 1, 0), length)
        return Fraction(self.goal_rate) * Fraction(elapsed, length)

    def level(self, level: str) -> pd.DataFrame:
        """The units of one level (county, town, village, school), in code order."""
        return self.units[self.units["level"] == level].sort_values("code", kind="stable").reset_index(drop=True)

    @property
    def county(self) -> pd.Series:
        """The county row (the whole campaign)."""
        return self.level("county").iloc[0]

    @property
    def town_noun(self) -> str:
        """What the towns are called here: 街道, 乡镇 or 乡镇（街道）."""
        names = self.level("town")["name"].astype(str)
        if len(names) and names.str.endswith("街道").all():
            return "街道"
        if len(names) and ~names.str.endswith("街道").any():
            return "乡镇"
        return "乡镇（街道）"
