"""Who enrolls where: students at schools, village registrations, renewals, tiers and registration dates."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from canbao.generate.units import UnitTree
from canbao.policy.model import Campaign

__all__ = ["assign_enrollment", "registration_window"]

SCHOOL_SHARE = 0.6  # pupils aged 6–17 enrolled through their school rather than their village
COLLEGE_SHARE = 0.3  # people aged 18–22 enrolled through the local college, where there is one
RENEWAL_SHARE = 0.93  # of this year's registrants who were insured last year
TIER2_SHARE = 0.25


def registration_window(c: Campaign) -> tuple[date, date]:
    """The registration-and-payment phase (the campaign window where the config has none)."""
    phase = next((p for p in c.phases if p.code == "registration_payment"), None)
    return (phase.start, phase.end) if phase else (c.campaign.window_start, c.campaign.window_end)


def _schools(people: pd.DataFrame, units: UnitTree, rng: np.random.Generator) -> np.ndarray:
    s = units.schools
    school = np.full(len(people), None, dtype=object)
    age, present = people["age"].to_numpy(), people["present"].to_numpy()
    bands = ((("primary",), 6, 11, SCHOOL_SHARE), (("secondary",), 12, 17, SCHOOL_SHARE),
             (("college",), 18, 22, COLLEGE_SHARE))
    for kinds, low, high, share in bands:
        codes = s.loc[s["kind"].isin(kinds), "code"].to_numpy()
        if not len(codes) and kinds == ("primary",):
            codes = s.loc[s["kind"] == "secondary", "code"].to_numpy()
        pick = present & (age >= low) & (age <= high) & (rng.random(len(people)) < share)
        if len(codes):
            school[pick] = codes[rng.integers(0, len(codes), int(pick.sum()))]
    return school


def _dates(rng: np.random.Generator, n: int, start: date, end: date) -> np.ndarray:
    span = (end - start).days
    offsets = np.floor(rng.beta(2.0, 2.5, n) * (span + 1)).astype(np.int64).clip(0, span)
    return np.datetime64(start, "D") + offsets


def assign_enrollment(c: Campaign, people: pd.DataFrame, units: UnitTree,
                      rng: np.random.Generator) -> pd.DataFrame:
    """People with school, registered, renewal, tier, unit and registered_on (datetime64) added."""
    out = people.copy()
    n = len(out)
    out["school"] = _schools(out, units, rng)
    student = out["school"].notna().to_numpy()
    colleges = set(units.schools.loc[units.schools["kind"] == "college", "code"])
    if any(k.code == "college_student" for k in c.contribution.categories):
        out.loc[out["school"].isin(colleges), "category"] = "college_student"
    rates = dict(zip(units.villages["code"], rng.uniform(0.96, 0.99, len(units.villages)), strict=True))
    present = out["present"].to_numpy()
    out["registered"] = present & ~student & (rng.random(n) < out["village"].map(rates).to_numpy())
    out["unit"] = np.where(student, out["school"], out["village"])
    start, end = registration_window(c)
    baby = out["birth"].to_numpy() >= np.datetime64(c.benefit_start.year_start - timedelta(days=365), "D")
    enrolled = out["registered"].to_numpy() | student
    renewal_p = np.where(enrolled, RENEWAL_SHARE, 0.6)
    out["renewal"] = (~present | (rng.random(n) < renewal_p)) & ~baby
    tiers = sorted(c.contribution.tiers)
    out["tier"] = np.where((len(tiers) > 1) & (rng.random(n) < TIER2_SHARE), tiers[-1], tiers[0])
    out["registered_on"] = _dates(rng, n, start, end).astype("datetime64[s]")
    return out
