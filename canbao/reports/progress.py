"""The weekly report's numbers: the campaign's state (`canbao.state`) counted per unit and rolled up the tree."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from canbao.policy.assumptions import assumption_footnote
from canbao.policy.model import Campaign
from canbao.reports.issue import bulletin_style
from canbao.reports.ledger_frames import followed_groups, special_groups
from canbao.reports.weekly import COHORT_DAYS, COUNT_COLUMNS, WeeklyReport, period_of, reporting_dates
from canbao.state import CampaignState, Facts, campaign_state, figures_of, known_by
from canbao.state.trajectory import trajectory
from canbao.state.units import county_code, rollup, subtree_pairs, unit_targets

__all__ = ["build_report", "rollup", "subtree_pairs", "unit_targets"]


def _special(state: CampaignState, c: Campaign, facts: Facts) -> pd.DataFrame:
    """Members in effect of the followed groups: id_number, group, unit_code (enrollment unit, else last year's, else
    county)."""
    sp = state.exemptions[state.exemptions["exemption"].isin(followed_groups(c))]
    ids = sp["id_number"]
    people = state.people.drop_duplicates("id_number", keep="last").set_index("id_number")["unit_code"]
    prior = facts.prior.drop_duplicates("id_number", keep="last").set_index("id_number")["unit_code"]
    unit = ids.map(people) if len(people) else pd.Series(None, index=ids.index, dtype="object")
    last_year = ids.map(prior) if len(prior) else pd.Series(None, index=ids.index, dtype="object")
    unit = unit.where(unit.notna() & (unit != ""), last_year)
    unit = unit.where(unit.notna() & (unit != ""), county_code(facts.units))
    return pd.DataFrame({"id_number": ids.to_numpy(), "group": sp["exemption"].to_numpy(),
                         "unit_code": unit.astype("object").to_numpy()})


def _series(c: Campaign, facts: Facts, dates: list[date],
            now: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Enrolled and registered per unit subtree at each reporting date (the last one's figures are `now`), and
    enrolled a week before the last: each date's own figures, the earlier ones from one state pass."""
    as_of = dates[-1]
    week_before = date.fromordinal(as_of.toordinal() - 7)
    past = trajectory(c, facts, sorted({*dates[:-1], week_before}))
    enrolled = pd.concat([past.enrolled[dates[:-1]], now["enrolled"].rename(as_of)], axis=1)
    registered = pd.concat([past.registered[dates[:-1]], now["registered"].rename(as_of)], axis=1)
    return enrolled, registered, past.enrolled[week_before]


def build_report(facts: Facts, c: Campaign, as_of: date, cutoff: datetime | None = None) -> WeeklyReport:
    """The weekly report's numbers as of `as_of`, counting what was known by `cutoff` (default: the day's end)."""
    units = facts.units
    codes = units["code"]
    pairs = subtree_pairs(units)
    level_of = dict(zip(units["code"], units["level"]))
    cutoff = cutoff or known_by(as_of)
    now = campaign_state(c, facts, as_of, cutoff)
    people = now.people
    enrolled = people["enrolled"].to_numpy()
    cohort = (people["registered_at"] <= pd.Timestamp(as_of) - pd.Timedelta(days=COHORT_DAYS)).to_numpy()
    student = (people["channel"] == "school").to_numpy() | (people["unit_code"].map(level_of) == "school").to_numpy()
    direct = pd.DataFrame({
        "unit_code": people["unit_code"].to_numpy(),
        "tier2": enrolled & (people["tier"].to_numpy() == 2) if len(c.contribution.tiers) > 1 else False,
        "students": enrolled & student, "cohort_enrolled": enrolled & cohort,
        "cohort_registered": cohort}).groupby("unit_code").sum()
    sp = _special(now, c, facts)
    member_enrolled = sp["id_number"].isin(people["id_number"][enrolled]).astype("int64")
    special = sp["group"].isin(special_groups(c)).astype("int64")  # only these count in the 100% special goal
    sp = sp.assign(target=1, enrolled=member_enrolled, special_target=special,
                   special_enrolled=member_enrolled * special)
    direct = direct.join(sp.groupby("unit_code")[["special_target", "special_enrolled"]].sum(), how="outer")
    totals = rollup(direct.fillna(0).astype("int64"), pairs, codes)
    fig = figures_of(now).units.set_index("code")
    start, end = period_of(c)
    series, registered_series, last_week = _series(c, facts, reporting_dates(start, as_of), fig)
    table = units[["code", "name", "level", "parent_code"]].reset_index(drop=True)
    table["target"] = pd.array(fig.loc[codes, "target"].tolist(), dtype="Int64")
    table["target_basis"] = fig.loc[codes, "basis"].to_numpy()
    table["registered"] = fig.loc[codes, "registered"].to_numpy()
    table["paid"] = fig.loc[codes, "paid"].to_numpy()
    table["exempt"] = fig.loc[codes, "covered"].to_numpy()
    table["enrolled"] = fig.loc[codes, "enrolled"].to_numpy()
    table["enrolled_last_week"] = last_week.loc[codes].to_numpy()
    for column in COUNT_COLUMNS[6:]:
        table[column] = totals[column].to_numpy()
    by_group = sp.groupby(["group", "unit_code"])[["target", "enrolled"]].sum()
    groups = pd.concat({g: rollup(f.droplevel(0), pairs, codes) for g, f in by_group.groupby(level=0)},
                       names=["group", "code"]).reset_index() if len(by_group) else pd.DataFrame(
        columns=["group", "code", "target", "enrolled"])
    r = c.reporting
    return WeeklyReport(c.id, c.campaign.locality, c.campaign.insurance_year, as_of, cutoff, start, end,
                        r.goal_rate, r.special_group_goal, r.good_threshold, r.warning_threshold,
                        dict(c.contribution.tiers), followed_groups(c), table, groups, series, registered_series,
                        assumption_footnote(c), bulletin_style(c, as_of))
