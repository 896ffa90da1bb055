"""Village awards for meeting the task on time, and fund-to-fund transfers per enrollee (long-term care)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from canbao.money import fen
from canbao.policy.model import Campaign

__all__ = ["award_date", "fund_transfer_statement", "village_awards"]


def award_date(c: Campaign) -> date | None:
    """The day villages must have met their target by (None: the campaign has no award)."""
    return c.settlement.award_by if c.award is not None and c.settlement is not None else None


def village_awards(c: Campaign, people: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Per village: target, enrolled by the award date, whether the task was met, and the award in fen."""
    by = award_date(c)
    columns = ["unit_code", "unit_name", "town_name", "target", "enrolled_by", "met", "award_fen"]
    if by is None or c.award is None:
        return pd.DataFrame(columns=columns)
    per_person = fen(c.award.per_enrolled)
    cut = pd.Timestamp(by)
    done = people[people["enrolled"] & (people["enrolled_on"] <= cut)].groupby("unit_code").size()
    names = dict(zip(units["code"], units["name"]))
    villages = units[units["level"] == "village"].sort_values("code")
    rows = []
    for v in villages.itertuples():
        target = None if pd.isna(v.target) else int(v.target)
        n = int(done.get(v.code, 0))
        met = target is not None and target > 0 and n >= target
        rows.append({"unit_code": v.code, "unit_name": v.name, "town_name": names.get(v.parent_code, ""),
                     "target": target, "enrolled_by": n, "met": met, "award_fen": per_person * n if met else 0})
    return pd.DataFrame(rows, columns=columns)


def fund_transfer_statement(c: Campaign, people: pd.DataFrame) -> pd.DataFrame:
    """Per category and tier: enrollees and what the funds transfer for them (e.g. 40 each to care)."""
    enrolled = people[people["enrolled"] & (people["fund_transfer_fen"] > 0)]
    names = {k.code: k.name for k in c.contribution.categories}
    grouped = enrolled.groupby(["category", "tier"]).agg(enrolled=("id_number", "size"),
                                                         per_person_fen=("fund_transfer_fen", "max"),
                                                         amount_fen=("fund_transfer_fen", "sum")).reset_index()
    grouped.insert(1, "category_name", grouped["category"].map(names))
    return grouped
