"""The fiscal subsidy of each town's enrollees, split between the levels of government that carry it."""

from __future__ import annotations

import pandas as pd

from canbao.policy.model import Campaign, SubsidyLevel
from canbao.policy.subsidy import town_level_shares
from canbao.policy.targets import split_total

__all__ = ["levels_of", "subsidy_by_level"]

_SHARE_SCALE = 10**6  # shares are exact decimals; as integer weights for the largest-remainder split


def levels_of(c: Campaign) -> list[SubsidyLevel]:
    """The configured levels, or one level (the finance bureau carries the whole subsidy)."""
    if c.settlement is not None and c.settlement.subsidy_split:
        return list(c.settlement.subsidy_split)
    return [SubsidyLevel(code="government", name="政府补助", share=1, payer="finance")]


def subsidy_by_level(c: Campaign, people: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Per town: enrolled, government subsidy and each level's part (`level_<code>_fen`), exact to the fen.

    Enrollees under no town (schools of the county) form the county's row; a per-town level has no
    share there, so that row's per-town part goes to the last level that is not per town.
    """
    levels = levels_of(c)
    fallback = next((x.code for x in reversed(levels) if not x.per_town), levels[0].code)
    per_town = {x.code for x in levels if x.per_town}
    level_of = dict(zip(units["code"], units["level"]))
    names = dict(zip(units["code"], units["name"]))
    enrolled = people[people["enrolled"]]
    grouped = enrolled.groupby("town_code").agg(enrolled=("id_number", "size"), government_fen=("government_fen",
                                                                                                "sum"))
    rows = []
    for town, row in grouped.sort_index().iterrows():
        parts = split_total(int(row["government_fen"]), {k: int(v * _SHARE_SCALE) for k, v in town_level_shares(
            c, str(town), {x.code: x.share for x in levels}).items()})
        if level_of.get(town) != "town":
            for code in per_town:
                parts[fallback] += parts.pop(code)
                parts[code] = 0
        rows.append({"town_code": town, "town_name": names.get(town, town), "is_town": level_of.get(town) == "town",
                     "enrolled": int(row["enrolled"]), "government_fen": int(row["government_fen"]),
                     **{f"level_{x.code}_fen": int(parts[x.code]) for x in levels}})
    columns = ["town_code", "town_name", "is_town", "enrolled", "government_fen",
               *[f"level_{x.code}_fen" for x in levels]]
    return pd.DataFrame(rows, columns=columns)
