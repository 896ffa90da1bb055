"""The generated unit tree: the config's towns, generated villages, and schools."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from canbao.generate.names import place_names
from canbao.policy.model import Campaign
from canbao.policy.targets import split_total

__all__ = ["UnitTree", "build_units", "short_locality"]


@dataclass(frozen=True)
class UnitTree:
    """Towns (code, name, population), villages (code, name, town_code, town_name, population, groups)
    and schools (code, name, parent, kind: primary/secondary/college)."""

    county_code: str
    county_name: str
    towns: pd.DataFrame
    villages: pd.DataFrame
    schools: pd.DataFrame


def short_locality(c: Campaign) -> str:
    """The locality as it heads school names: the part in brackets where there is one (如城街道)."""
    inner = re.search(r"（(.+?)）", c.campaign.locality)
    return inner.group(1) if inner else c.campaign.locality


def _towns(c: Campaign, population: int, rng: np.random.Generator) -> pd.DataFrame:
    towns = [u for u in c.units.items if u.level == "town"]
    if not towns:
        names = place_names(rng, int(rng.integers(6, 13)), 0.0)
        towns_df = pd.DataFrame({"code": [f"{c.campaign.area_code}{i + 1:02d}" for i in range(len(names))],
                                 "name": [n.removesuffix("村") + "镇" for n in names]})
        weights = rng.uniform(0.5, 1.5, len(towns_df))
    else:
        towns_df = pd.DataFrame({"code": [t.code for t in towns], "name": [t.name for t in towns]})
        given = [t.target for t in towns]
        known = all(g is not None for g in given)
        weights = np.array(given, float) if known else rng.uniform(0.5, 1.5, len(towns))
    split = split_total(population, dict(zip(towns_df["code"], weights.tolist(), strict=True)))
    return towns_df.assign(population=towns_df["code"].map(split).astype("int64"))


def _villages(c: Campaign, towns: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    configured = [u for u in c.units.items if u.level == "village"]
    frames = []
    for town in towns.itertuples():
        own = [u for u in configured if u.parent == town.code]
        if own:
            codes, names = [u.code for u in own], [u.name for u in own]
        else:
            n = int(max(1, min(town.population // 500, rng.integers(8, 31))))
            names = place_names(rng, n, 0.7 if town.name.endswith("街道") else 0.08)
            codes = [f"{town.code}{i + 1:03d}" for i in range(n)]
        weights = rng.lognormal(0.0, 0.45, len(codes))
        pops = split_total(int(town.population), dict(zip(codes, weights.tolist(), strict=True)))
        frames.append(pd.DataFrame({"code": codes, "name": names, "town_code": town.code,
                                    "town_name": town.name, "population": [pops[k] for k in codes],
                                    "groups": rng.integers(3, 13, len(codes))}))
    return pd.concat(frames, ignore_index=True)


def _schools(c: Campaign, towns: pd.DataFrame, taken: set[str]) -> pd.DataFrame:
    configured = [u for u in c.units.items if u.level == "school"]
    rows = [(u.code, u.name, u.parent or towns["code"].iat[0],
             "college" if re.search("大学|学院", u.name) else "secondary") for u in configured]
    short, seat = short_locality(c), towns["code"].iat[0]
    wanted = [("实验小学", "primary"), ("第一中学", "secondary"), ("第二中学", "secondary"),
              ("职业中学", "secondary")]
    has_college = any(k.code == "college_student" for k in c.contribution.categories)
    if has_college and not any(r[3] == "college" for r in rows):
        wanted.append(("职业技术学院", "college"))
    number = 90
    for suffix, kind in wanted:
        while f"{c.campaign.area_code}{number:02d}" in taken:
            number += 1
        rows.append((f"{c.campaign.area_code}{number:02d}", short + suffix, seat, kind))
        number += 1
    return pd.DataFrame(rows, columns=["code", "name", "parent", "kind"])


def build_units(c: Campaign, population: int, rng: np.random.Generator) -> UnitTree:
    """Towns sized in proportion to their targets (or at random), 8–30 villages each, and schools."""
    towns = _towns(c, population, rng)
    villages = _villages(c, towns, rng)
    taken = {u.code for u in c.units.items} | set(towns["code"]) | set(villages["code"])
    county = next((u for u in c.units.items if u.level == "county"), None)
    return UnitTree(c.campaign.area_code, county.name if county else c.campaign.locality, towns, villages,
                    _schools(c, towns, taken))
