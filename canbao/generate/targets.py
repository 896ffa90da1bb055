"""The target breakdown a county sends down: towns, villages and schools with their targets."""

from __future__ import annotations

import pandas as pd

from canbao.generate.units import UnitTree
from canbao.policy.model import Campaign
from canbao.policy.targets import split_total

__all__ = ["unit_targets"]


def _level(name: str, kind: str) -> str:
    if kind == "town":
        return "街道" if name.endswith("街道") else "乡" if name.endswith("乡") else "镇"
    return "社区" if name.endswith("社区") else "村"


def unit_targets(c: Campaign, units: UnitTree, people: pd.DataFrame, scale: float) -> pd.DataFrame:
    """Rows (unit_code, unit_name, level, parent_code, target) for every town, village and school.

    config: towns keep their (scaled) targets, split over villages by population; split_total: the
    scaled total split over villages; last_year_*: last year's insured of each unit. Schools: their
    students (last year's for the last-year methods). Towns carry the sum of their villages.
    """
    v, method = units.villages, c.units.target_method
    last_year = people[people["renewal"]].groupby("unit").size()
    students = people[people["school"].notna()].groupby("school").size()
    if method == "config":
        village = {}
        for town in units.towns.itertuples():
            mine = v[v["town_code"] == town.code]
            weights = dict(zip(mine["code"], mine["population"], strict=True))
            village |= split_total(int(town.population), weights)
    elif method == "split_total":
        total = round((c.units.target_total or 0) * scale)
        village = split_total(total, dict(zip(v["code"], v["population"].clip(lower=1), strict=True)))
    else:
        village = {code: int(last_year.get(code, 0)) for code in v["code"]}
    school_source = last_year if method.startswith("last_year") else students
    villages = pd.DataFrame({"unit_code": v["code"], "unit_name": v["name"],
                             "level": [_level(n, "village") for n in v["name"]],
                             "parent_code": v["town_code"],
                             "target": v["code"].map(village).astype("int64")})
    town_sum = villages.groupby("parent_code")["target"].sum()
    t = units.towns
    towns = pd.DataFrame({"unit_code": t["code"], "unit_name": t["name"],
                          "level": [_level(n, "town") for n in t["name"]], "parent_code": units.county_code,
                          "target": t["code"].map(town_sum).fillna(0).astype("int64")})
    s = units.schools
    schools = pd.DataFrame({"unit_code": s["code"], "unit_name": s["name"], "level": "学校",
                            "parent_code": s["parent"],
                            "target": s["code"].map(school_source).fillna(0).astype("int64")})
    return pd.concat([towns, villages, schools], ignore_index=True)
