"""What settlement and cleanup read: the campaign's state as of a date (`canbao.state`), with its payments and units."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Connection

from canbao.policy.model import Campaign
from canbao.state import CampaignState, campaign_state, load_facts, make_facts
from canbao.state.people import SETTLING, SHARE_COLUMNS
from canbao.state.units import town_of

__all__ = ["SETTLING", "SHARE_COLUMNS", "SettlementData", "load_settlement", "settlement_data", "settlement_frames",
           "town_of"]


@dataclass(frozen=True)
class SettlementData:
    """People (the state's frame: enrolled, each party's share, ...), every payment counted, the units."""

    people: pd.DataFrame
    payments: pd.DataFrame
    units: pd.DataFrame


def settlement_data(state: CampaignState) -> SettlementData:
    """The settlement's view of a computed state."""
    return SettlementData(state.people, state.payments, state.units)


def settlement_frames(c: Campaign, enrollments: pd.DataFrame, exemptions: pd.DataFrame, payments: pd.DataFrame,
                      units: pd.DataFrame, as_of: date) -> SettlementData:
    """The settlement data from frames of facts (known from the start; a stored payment status is ignored)."""
    facts = make_facts(c.id, units, enrollments, payments.drop(columns=["status", "expected_fen"], errors="ignore"),
                       exemptions)
    return settlement_data(campaign_state(c, facts, as_of))


def load_settlement(conn: Connection, c: Campaign, as_of: date) -> SettlementData:
    """The campaign's state as of the end of `as_of`, from the ledger's facts."""
    return settlement_data(campaign_state(c, load_facts(conn, c.id), as_of))
