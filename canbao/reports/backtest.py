"""Measuring the forecast on a finished campaign: the report of each past week against the rate reached."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import pandas as pd

from canbao.policy.model import Campaign
from canbao.reports.forecast import METHODS
from canbao.reports.progress import build_report
from canbao.reports.table import forecasts
from canbao.reports.weekly import period_of, reporting_dates
from canbao.state import Facts

__all__ = ["backtest", "summarize"]


def backtest(inputs: Facts, c: Campaign, methods: Sequence[str] = METHODS,
             levels: Sequence[str] = ("town", "village")) -> pd.DataFrame:
    """Per unit, weekly report date and method: the forecast that report made and the rate reached at the end."""
    start, end = period_of(c)
    final = build_report(inputs, c, end).units
    final = final[final["level"].isin(levels) & final["target"].notna() & (final["target"] > 0)]
    actual = {u.code: Decimal(int(u.enrolled)) / Decimal(int(u.target)) for u in final.itertuples()}
    level = dict(zip(final["code"], final["level"]))
    rows = []
    for day in reporting_dates(start, end)[:-1]:
        report = build_report(inputs, c, day)
        for method in methods:
            for code, guess in forecasts(report, method).items():
                if code in actual and guess is not None:
                    error = (Decimal(guess.numerator) / Decimal(guess.denominator) - actual[code]) * 100
                    rows.append({"campaign": c.id, "level": level[code], "code": code, "as_of": day,
                                 "weeks_left": (end - day).days // 7, "method": method, "error_pp": error})
    return pd.DataFrame(rows)


def summarize(errors: pd.DataFrame, by: Sequence[str] = ("level", "weeks_left", "method")) -> pd.DataFrame:
    """MAE, bias and 90th-percentile absolute error in percentage points, per group."""
    e = errors.assign(pp=errors["error_pp"].astype(float))
    e["abs_pp"] = e["pp"].abs()
    out = e.groupby(list(by)).agg(units=("pp", "size"), mae_pp=("abs_pp", "mean"), bias_pp=("pp", "mean"),
                                  p90_pp=("abs_pp", lambda s: s.quantile(0.9)))
    return out.round(2).reset_index()
