"""Generated residents: households, names, ages from a rural pyramid, valid IDs and phones."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd

from canbao.generate.ids import make_ids, other_areas
from canbao.generate.names import given_names, surnames
from canbao.generate.units import UnitTree
from canbao.policy.categories import age_reference_date, categories_by_age
from canbao.policy.model import Campaign

__all__ = ["AGE_BANDS", "build_people"]

# Share of people per five-year age band 0–4 … 90–95 (a rural county: many elderly, young adults away).
AGE_BANDS = np.array([5.0, 5.5, 5.5, 5.0, 4.5, 5.0, 5.5, 5.5, 7.0, 8.5, 8.5, 7.0, 6.0, 6.0, 4.5, 3.0, 2.0,
                      1.0, 0.4])
_HOUSEHOLD_SIZES = np.array([1, 2, 3, 4, 5, 6])
_HOUSEHOLD_SHARES = np.array([0.15, 0.28, 0.22, 0.18, 0.11, 0.06])
_PREFIX_TEXT = "130 131 132 133 135 136 137 138 139 150 151 152 155 157 158 159 180 181 182 183 186 188 189"
_PHONE_PREFIXES = np.array(_PREFIX_TEXT.split())
MIGRANT_SHARE = 0.04


def _ages(rng: np.random.Generator, n: int, minimum: int = 0) -> np.ndarray:
    weights = AGE_BANDS * (np.arange(len(AGE_BANDS)) * 5 + 4 >= minimum)
    band = rng.choice(len(AGE_BANDS), size=n, p=weights / weights.sum())
    return np.maximum(band * 5 + rng.integers(0, 5, n), minimum)


def _households(rng: np.random.Generator, village: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = len(village)
    ends = np.cumsum(rng.choice(_HOUSEHOLD_SIZES, size=n, p=_HOUSEHOLD_SHARES))
    raw = np.searchsorted(ends, np.arange(n), side="right")
    new = np.r_[True, (raw[1:] != raw[:-1]) | (village[1:] != village[:-1])] if n else np.zeros(0, bool)
    household = np.cumsum(new) - 1
    first = np.flatnonzero(new)
    return household, np.arange(n) - first[household]


def build_people(c: Campaign, units: UnitTree, rng: np.random.Generator, gone: int) -> pd.DataFrame:
    """Everyone in the villages (`present`) plus `gone` people on last year's list who left or died."""
    v = units.villages
    village = np.repeat(np.arange(len(v)), v["population"].to_numpy())
    weights = v["population"].to_numpy() / v["population"].sum()
    village = np.r_[village, np.sort(rng.choice(len(v), size=gone, p=weights))]
    n = len(village)
    household, position = _households(rng, village)
    head = position == 0
    ages = _ages(rng, n)
    ages[head] = _ages(rng, int(head.sum()), minimum=22)
    ref = pd.Timestamp(age_reference_date(c))
    cutoff = np.datetime64(c.campaign.window_start - timedelta(days=1), "D")
    birth = (np.datetime64(ref.date(), "D") - (ages * 365.25).astype(np.int64) - rng.integers(0, 365, n))
    birth = np.minimum(birth, cutoff - rng.integers(0, 200, n) * (birth > cutoff))
    male = rng.random(n) < 0.51
    family = surnames(rng, int(household.max(initial=-1)) + 1)[household]
    own = surnames(rng, n)
    keep = head | (rng.random(n) < 0.75)
    area = np.full(n, c.campaign.area_code, dtype=object)
    migrants = rng.random(n) < MIGRANT_SHARE
    pool = np.array(other_areas(c.campaign.area_code), dtype=object)
    area[migrants] = pool[rng.integers(0, len(pool), int(migrants.sum()))]
    household_no = household - pd.Series(household).groupby(village).transform("min").to_numpy() + 1
    phones = np.char.add(_PHONE_PREFIXES[rng.integers(0, len(_PHONE_PREFIXES), n)],
                         np.char.zfill(rng.integers(0, 10**8, n).astype(str), 8))
    people = pd.DataFrame({
        "village": v["code"].to_numpy()[village], "town": v["town_code"].to_numpy()[village],
        "group": (rng.integers(0, 1 << 30, int(household.max(initial=-1)) + 1)[household]
                  % v["groups"].to_numpy()[village] + 1),
        "household": household, "household_no": household_no, "head": head,
        "name": np.char.add(np.where(keep, family, own).astype(str), given_names(rng, male)),
        "male": male, "birth": birth.astype("datetime64[s]"), "age": ages, "area": area,
        "id_number": make_ids(area.astype(str), birth, male),
        "phone": np.where(ages >= 18, phones, ""),
        "present": np.arange(n) < len(village) - gone,
    })
    people["category"] = categories_by_age(c, people["birth"]).astype("str")
    return people
