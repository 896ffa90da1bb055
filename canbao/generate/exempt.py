"""Exemption lists: who each confirming agency puts on its list, and people on two lists."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from canbao.policy.model import Campaign
from canbao.policy.quote import quote

__all__ = ["EXEMPTION_RATES", "Exemptions", "assign_exemptions", "zero_pay"]

# Share of residents on each list (rural county orders of magnitude).
EXEMPTION_RATES = {
    "dibao": 0.03, "tekun": 0.006, "three_nos": 0.001, "orphan": 0.001, "key_entitled": 0.004,
    "severe_disability": 0.012, "registered_low_income": 0.04, "hardship_worker_family": 0.003,
    "downsized_1960s": 0.001, "old_party_member": 0.0005, "temp_relief_serious_illness": 0.002,
    "family_planning_special": 0.003,
}
AGES = {"orphan": (0, 17), "old_party_member": (80, 200), "downsized_1960s": (75, 200),
        "key_entitled": (30, 200)}
UNREGISTERED_SHARE = 0.02  # people an agency lists who have not registered (fed back to the towns)


@dataclass(frozen=True)
class Exemptions:
    """List rows (person, code), each person's effective code (smallest precedence), two-list people."""

    lists: pd.DataFrame
    effective: pd.Series
    two_lists: np.ndarray


def zero_pay(c: Campaign, category: str, tier: int, code: str) -> bool:
    """Whether someone of this category and tier pays nothing under this exemption."""
    return quote(c, category, int(tier), code).resident_pays == 0


def _pick(rng: np.random.Generator, pool: np.ndarray, k: int) -> np.ndarray:
    return rng.choice(pool, size=min(k, len(pool)), replace=False) if k and len(pool) else pool[:0]


def assign_exemptions(c: Campaign, people: pd.DataFrame, rng: np.random.Generator,
                      two_lists: int) -> Exemptions:
    """Each exemption category's list; `two_lists` registered zero-pay people also get a second list."""
    n_present = int(people["present"].sum())
    base = (people["present"] & people["school"].isna()).to_numpy()
    registered, age = people["registered"].to_numpy(), people["age"].to_numpy()
    free = np.ones(len(people), bool)
    rows: list[tuple[int, str]] = []
    for e in c.exemptions:
        low, high = AGES.get(e.code, (0, 200))
        fits = base & free & (age >= low) & (age <= high)
        if e.categories:  # a group the notice limits to some categories (Yuzhong 一(二)3: college students)
            fits &= people["category"].isin(e.categories).to_numpy()
        count = max(1, round(EXEMPTION_RATES.get(e.code, 0.002) * n_present))
        off = round(count * UNREGISTERED_SHARE)
        chosen = np.r_[_pick(rng, np.flatnonzero(fits & registered), count - off),
                       _pick(rng, np.flatnonzero(fits & ~registered), off)].astype(np.int64)
        free[chosen] = False
        rows += [(int(i), e.code) for i in np.sort(chosen)]
    lists = pd.DataFrame(rows, columns=["person", "code"])
    agency = {e.code: e.agency for e in c.exemptions}
    second: list[tuple[int, str]] = []
    for i, code in lists.sample(frac=1.0, random_state=int(rng.integers(1 << 31))).itertuples(index=False):
        if len(second) >= two_lists:
            break
        cat, tier = people.at[i, "category"], people.at[i, "tier"]
        if not registered[i] or not zero_pay(c, cat, tier, code):
            continue
        others = [e.code for e in c.exemptions if e.code != code and zero_pay(c, cat, tier, e.code)]
        elsewhere = [x for x in others if agency[x] != agency[code]] or others
        if elsewhere:
            second.append((int(i), elsewhere[int(rng.integers(len(elsewhere)))]))
    lists = pd.concat([lists, pd.DataFrame(second, columns=["person", "code"])], ignore_index=True)
    rank = {e.code: (e.precedence, k) for k, e in enumerate(c.exemptions)}
    ranked = lists.assign(rank=lists["code"].map(rank)).sort_values(["person", "rank"])
    first = ranked.drop_duplicates("person")
    effective = pd.Series(None, index=people.index, dtype="object")
    effective.loc[first["person"].to_numpy()] = first["code"].to_numpy()
    return Exemptions(lists, effective, np.array([p for p, _ in second], dtype=np.int64))
