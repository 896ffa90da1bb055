"""One county's weekly figures for a roll-up: its county row of `campaign_figures`, counts and money (fen)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import pandas as pd

from canbao.state.figures import COUNTS, MONEY, figures_of
from canbao.state.people import CampaignState

__all__ = ["COUNTY_COUNTS", "MONEY", "CountyFigures", "county_figures"]

# Summed up the hierarchy: the state's counts of persons and its MONEY (integer fen), as its figures name them.
COUNTY_COUNTS = COUNTS


@dataclass(frozen=True)
class CountyFigures:
    """A county's figures as of a day: its code and name (the ledger's county unit), target (None: none set)
    and what the target is (`canbao.state.DENOMINATORS`), COUNTY_COUNTS and MONEY (fen)."""

    campaign: str
    code: str
    name: str
    as_of: date
    target: int | None
    basis: str | None
    registered: int
    paid: int
    paid_part: int
    covered: int
    enrolled: int
    proof_pending: int
    resident_paid_fen: int
    overpaid_fen: int

    def to_dict(self) -> dict[str, Any]:
        """Plain values (the day as ISO text), e.g. for a task's result or a JSON document."""
        return asdict(self) | {"as_of": self.as_of.isoformat()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CountyFigures:
        """The inverse of `to_dict`."""
        return cls(**(data | {"as_of": date.fromisoformat(str(data["as_of"]))}))


def county_figures(state: CampaignState) -> CountyFigures:
    """The county row of the state's figures (the whole campaign): its counts and money."""
    table = figures_of(state).units
    rows = table[table["level"] == "county"]
    if len(rows) != 1:
        raise ValueError(f"{state.campaign_id}: the ledger has {len(rows)} county units, expected one")
    row = rows.iloc[0]
    return CountyFigures(state.campaign_id, str(row["code"]), str(row["name"]), state.as_of,
                         None if pd.isna(row["target"]) else int(row["target"]),
                         None if row["basis"] is None else str(row["basis"]),
                         **{k: int(row[k]) for k in (*COUNTY_COUNTS, *MONEY)})
