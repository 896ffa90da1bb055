"""The report's per-level tables: counts plus rates, change, pace flag, forecast and rank, and a totals row."""

from __future__ import annotations

from bisect import bisect_right
from decimal import Decimal
from fractions import Fraction

import pandas as pd

from canbao.reports.forecast import final_rate
from canbao.reports.weekly import WeeklyReport, rate
from canbao.state.figures import pct

__all__ = ["MIN_COHORT", "RATE_COLUMNS", "forecasts", "level_table", "pct", "totals_row"]

RATE_COLUMNS = ("rate", "rate_last_week", "tier2_share", "special_rate", "pace", "forecast")
MIN_COHORT = 20  # registrations a unit needs before its own paid share is trusted
_PLACES = Decimal("0.000001")  # forecasts kept to 0.0001 percentage points
_SUMMED = ("target", "registered", "paid", "exempt", "enrolled", "enrolled_last_week", "tier2",
           "students", "special_target", "special_enrolled", "cohort_registered", "cohort_enrolled")


def _share(done: int, of: int) -> Decimal | None:
    return Decimal(int(done)) / Decimal(int(of)) if of >= MIN_COHORT else None


def forecasts(report: WeeklyReport, method: str = "pipeline") -> dict[str, Fraction | None]:
    """Each unit's forecast rate at the period end from its weekly trajectory (`canbao.reports.forecast`)."""
    units = report.units.set_index("code")
    county = report.county
    overall = _share(county["cohort_enrolled"], county["cohort_registered"]) or Decimal(1)
    dates = list(report.series.columns)
    out: dict[str, Fraction | None] = {}
    for code, u in units.iterrows():
        target = u["target"]
        if pd.isna(target) or int(target) <= 0 or code not in report.series.index:
            out[code] = None
            continue
        whole = Decimal(int(target))
        enrolled = [(d, Decimal(int(n)) / whole) for d, n in zip(dates, report.series.loc[code])]
        registered = [(d, Decimal(int(n)) / whole) for d, n in zip(dates, report.registered_series.loc[code])]
        share = _share(u["cohort_enrolled"], u["cohort_registered"]) or overall
        guess = final_rate(enrolled, registered, share, report.period_start, report.period_end, method)
        out[code] = None if guess is None else Fraction(guess.quantize(_PLACES))
    return out


def _with_rates(frame: pd.DataFrame, report: WeeklyReport, guesses: dict[str, Fraction | None]) -> pd.DataFrame:
    out = frame.copy()
    out["change"] = out["enrolled"] - out["enrolled_last_week"]
    rows = out.to_dict("records")
    out["rate"] = [rate(r["enrolled"], r["target"]) for r in rows]
    out["rate_last_week"] = [rate(r["enrolled_last_week"], r["target"]) for r in rows]
    out["tier2_share"] = [rate(r["tier2"], r["enrolled"]) if len(report.tiers) > 1 else None for r in rows]
    out["special_rate"] = [rate(r["special_enrolled"], r["special_target"]) for r in rows]
    out["pace"] = report.pace()
    out["below_pace"] = [r is not None and r < report.pace() for r in out["rate"]]
    out["forecast"] = [guesses.get(c) for c in out["code"]]
    return out


def level_table(report: WeeklyReport, level: str, guesses: dict[str, Fraction | None] | None = None) -> pd.DataFrame:
    """One level's units with rates, change since last week, pace flag, forecast and rank (1 = highest rate)."""
    guesses = forecasts(report) if guesses is None else guesses
    names = dict(zip(report.units["code"], report.units["name"]))
    out = _with_rates(report.level(level), report, guesses)
    out["parent_name"] = out["parent_code"].map(names)
    ordered = sorted(r for r in out["rate"] if r is not None)
    out["rank"] = [None if r is None else 1 + len(ordered) - bisect_right(ordered, r) for r in out["rate"]]
    out["rank"] = out["rank"].astype("Int64")
    return out


def totals_row(table: pd.DataFrame, report: WeeklyReport, label: str = "合计") -> pd.Series:
    """The sum of a level table's counts with rates recomputed from the sums (no forecast, no rank)."""
    sums = {c: int(table[c].fillna(0).sum()) for c in _SUMMED}
    if table["target"].isna().all():
        sums["target"] = None
    frame = pd.DataFrame([{"code": "", "name": label, "level": "", "parent_code": None, **sums}])
    row = _with_rates(frame, report, {}).iloc[0]
    row["rank"] = pd.NA
    row["parent_name"] = ""
    return row
