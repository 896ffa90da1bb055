"""Each level's share of the fiscal subsidy for one town's enrollees, town-specific where the notice says so."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from canbao.policy.model import Campaign

__all__ = ["town_level_shares"]


def town_level_shares(c: Campaign, town: str, shares: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """`shares` (level code -> share) for `town`: a `settlement.town_shares` entry naming the town sets the per-town
    level's share and its `balance` level takes up the difference (Haimen 二: 江心沙、海永镇 at the lowest ratio)."""
    out = dict(shares)
    s = c.settlement
    per_town = next((x.code for x in s.subsidy_split if x.per_town), None) if s else None
    for ts in s.town_shares if s else []:
        if town in ts.towns and per_town in out and ts.balance in out:
            out[ts.balance] += out[per_town] - ts.share
            out[per_town] = ts.share
    return out
