"""Progress as of a day: who is registered, paid, exempt and enrolled, counted per unit and rolled up the tree."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from canbao.policy.model import Campaign
from canbao.reports.ledger_frames import ProgressInputs, special_groups
from canbao.reports.weekly import COHORT_DAYS, COUNT_COLUMNS, WeeklyReport, period_of, reporting_dates

__all__ = ["build_report", "enrolled_on", "rollup", "status_as_of", "subtree_pairs", "unit_targets"]


def status_as_of(people: pd.DataFrame, day: date) -> pd.DataFrame:
    """Per person: registered, exempt (settled by a full exemption), paid (settled by payment), enrolled."""
    cut = pd.Timestamp(day)
    registered = (people["registered_at"] <= cut).to_numpy()
    exempt = registered & (people["exempt_on"] <= cut).to_numpy()
    paid = registered & ~exempt & (people["paid_on"] <= cut).to_numpy()
    return pd.DataFrame({"registered": registered, "exempt": exempt, "paid": paid, "enrolled": exempt | paid},
                        index=people.index)


def enrolled_on(people: pd.DataFrame) -> pd.Series:
    """The day each person became enrolled: registered and settled (NaT if not yet)."""
    settled = people[["exempt_on", "paid_on"]].min(axis=1)
    return people["registered_at"].where(people["registered_at"] >= settled, settled).where(settled.notna())


def subtree_pairs(units: pd.DataFrame) -> pd.DataFrame:
    """(unit, ancestor) for every unit and each of its ancestors, itself included.

    Schools are collection units of their own: they count toward the county only, never a town.
    """
    parent = dict(zip(units["code"], units["parent_code"]))
    level = dict(zip(units["code"], units["level"]))
    rows = []
    for code in units["code"]:
        seen, node = set(), code
        while node is not None and node in parent and node not in seen:
            if node == code or level[code] != "school" or level[node] == "county":
                rows.append((code, node))
            seen.add(node)
            node = parent[node] if isinstance(parent[node], str) else None
    return pd.DataFrame(rows, columns=["unit_code", "ancestor"])


def rollup(direct: pd.DataFrame, pairs: pd.DataFrame, codes: pd.Series) -> pd.DataFrame:
    """Counts per unit (indexed by unit_code) summed over each unit's subtree, for every code."""
    merged = pairs.merge(direct, left_on="unit_code", right_index=True, how="inner")
    summed = merged.drop(columns="unit_code").groupby("ancestor").sum()
    return summed.reindex(codes).fillna(0).astype("int64")


def unit_targets(units: pd.DataFrame, prior: pd.Series) -> pd.Series:
    """Each unit's target: its own, else its children's sum, else last year's insured in its subtree.

    The county takes the sum of its towns' and schools' targets when every town has one: the breakdown
    is what units are assessed on, and it need not add up to the configured total (scaled data).
    """
    own = dict(zip(units["code"], units["target"]))
    level = dict(zip(units["code"], units["level"]))
    children: dict[str, list[str]] = {}
    for code, parent in zip(units["code"], units["parent_code"]):
        if isinstance(parent, str) and parent in own:
            children.setdefault(parent if level[code] != "school" else _root(units), []).append(code)
    found: dict[str, int | None] = {}

    def target(code: str) -> int | None:
        if code not in found:
            value = own[code]
            kids = [target(k) for k in children.get(code, [])]
            towns = [t for k, t in zip(children.get(code, []), kids) if level[k] == "town"]
            if level[code] == "county" and towns and None not in towns:
                value = sum(t for t in kids if t is not None)
            elif value is None or pd.isna(value):
                known = [t for t in kids if t is not None]
                value = sum(known) if known else (int(prior[code]) if prior.get(code, 0) > 0 else None)
            found[code] = None if value is None else int(value)
        return found[code]

    return pd.Series([target(c) for c in units["code"]], index=units["code"].to_numpy(), dtype="Int64")


def _root(units: pd.DataFrame) -> str | None:
    county = units.loc[units["level"] == "county", "code"]
    return county.iat[0] if len(county) else None


def _weekly(days: pd.Series, unit_code: pd.Series, dates: list[date], pairs: pd.DataFrame,
            codes: pd.Series) -> pd.DataFrame:
    """How many `days` fall on or before each reporting date, per unit subtree."""
    values = days.to_numpy()
    weekly = pd.DataFrame({d: values <= np.datetime64(d) for d in dates}, index=days.index)
    weekly["unit_code"] = unit_code.to_numpy()
    return rollup(weekly.groupby("unit_code").sum().astype("int64"), pairs, codes)


def build_report(inputs: ProgressInputs, c: Campaign, as_of: date, cutoff_hour: int = 24) -> WeeklyReport:
    """The weekly report's numbers as of the end of `as_of` (or `cutoff_hour` that day)."""
    units, people = inputs.units, inputs.people
    codes = units["code"]
    pairs = subtree_pairs(units)
    level_of = dict(zip(units["code"], units["level"]))
    now, before = status_as_of(people, as_of), status_as_of(people, date.fromordinal(as_of.toordinal() - 7))
    enrolled = now["enrolled"].to_numpy()
    cohort = (people["registered_at"] <= pd.Timestamp(as_of) - pd.Timedelta(days=COHORT_DAYS)).to_numpy()
    student = (people["channel"] == "school").to_numpy() | (people["unit_code"].map(level_of) == "school").to_numpy()
    direct = pd.DataFrame({
        "unit_code": people["unit_code"].to_numpy(), **{k: now[k].to_numpy() for k in now},
        "enrolled_last_week": before["enrolled"].to_numpy(),
        "tier2": enrolled & (people["tier"].to_numpy() == 2) if len(c.contribution.tiers) > 1 else False,
        "students": enrolled & student, "cohort_enrolled": enrolled & cohort,
        "cohort_registered": cohort}).groupby("unit_code").sum()
    sp = inputs.special[inputs.special["listed_on"] <= pd.Timestamp(as_of)]
    done = people["id_number"][enrolled]
    sp = sp.assign(special_target=1, special_enrolled=sp["id_number"].isin(done).astype("int64"))
    direct = direct.join(sp.groupby("unit_code")[["special_target", "special_enrolled"]].sum(), how="outer")
    totals = rollup(direct.fillna(0).astype("int64"), pairs, codes)
    prior = rollup(units.set_index("code")[["prior"]], pairs, codes)["prior"]
    table = units[["code", "name", "level", "parent_code"]].reset_index(drop=True)
    table["target"] = pd.array(unit_targets(units, prior).tolist(), dtype="Int64")
    for column in COUNT_COLUMNS[1:]:
        table[column] = totals[column].to_numpy()
    by_group = sp.rename(columns={"special_target": "target", "special_enrolled": "enrolled"})
    by_group = by_group.groupby(["group", "unit_code"])[["target", "enrolled"]].sum()
    groups = pd.concat({g: rollup(f.droplevel(0), pairs, codes) for g, f in by_group.groupby(level=0)},
                       names=["group", "code"]).reset_index() if len(by_group) else pd.DataFrame(
        columns=["group", "code", "target", "enrolled"])
    start, end = period_of(c)
    dates = reporting_dates(start, as_of)
    series = _weekly(enrolled_on(people), people["unit_code"], dates, pairs, codes)
    registered_series = _weekly(people["registered_at"], people["unit_code"], dates, pairs, codes)
    r = c.reporting
    return WeeklyReport(c.id, c.campaign.locality, c.campaign.insurance_year, as_of, cutoff_hour, start, end,
                        r.goal_rate, r.special_group_goal, r.good_threshold, r.warning_threshold,
                        dict(c.contribution.tiers), special_groups(c), table, groups, series, registered_series)
