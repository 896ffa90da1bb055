"""Category by age: which contribution category a resident falls in on the reference date."""

from __future__ import annotations

from datetime import date

import pandas as pd

from canbao.policy.model import Campaign

__all__ = ["age_reference_date", "categories_by_age", "category_by_age"]


def age_reference_date(c: Campaign) -> date:
    """The date ages are counted on (the insurance year's start unless the config says otherwise)."""
    if c.contribution.age_reference == "window_start":
        return c.campaign.window_start
    return c.benefit_start.year_start


def _default(c: Campaign) -> str:
    banded = {b.category for b in c.contribution.age_bands}
    rest = [k.code for k in c.contribution.categories if k.code not in banded and k.code != "college_student"]
    return rest[0] if rest else c.contribution.categories[0].code


def category_by_age(c: Campaign, born: date) -> str:
    """The category for someone born on `born` (college students are never assigned by age)."""
    ref = age_reference_date(c)
    age = ref.year - born.year - ((ref.month, ref.day) < (born.month, born.day))
    for band in c.contribution.age_bands:
        if (band.min_age is None or age >= band.min_age) and (band.max_age is None or age <= band.max_age):
            return band.category
    return _default(c)


def categories_by_age(c: Campaign, born: pd.Series) -> pd.Series:
    """Vectorised `category_by_age` over a datetime64 series of birth dates."""
    ref = pd.Timestamp(age_reference_date(c))
    b = pd.to_datetime(born)
    age = ref.year - b.dt.year - ((b.dt.month > ref.month) | ((b.dt.month == ref.month) & (b.dt.day > ref.day)))
    out = pd.Series(_default(c), index=born.index, dtype="object")
    for band in reversed(c.contribution.age_bands):
        mask = pd.Series(True, index=born.index)
        if band.min_age is not None:
            mask &= age >= band.min_age
        if band.max_age is not None:
            mask &= age <= band.max_age
        out[mask.fillna(False)] = band.category
    return out
