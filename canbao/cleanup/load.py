"""What cleanup reads: the campaign's state as of a date, last year's insured, the lists in effect, residents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Connection

from canbao.policy.model import Campaign
from canbao.settlement.people import SettlementData, settlement_data
from canbao.state import CampaignState, Facts, campaign_state, load_facts

__all__ = ["CleanupData", "cleanup_data", "load_cleanup"]


@dataclass(frozen=True)
class CleanupData:
    """The settlement data plus last year's insured, exemption lists in effect and the residents they name."""

    settlement: SettlementData
    prior: pd.DataFrame
    listed: pd.DataFrame
    residents: pd.DataFrame


def cleanup_data(facts: Facts, state: CampaignState) -> CleanupData:
    """Cleanup's view of a computed state and the facts it came from."""
    return CleanupData(settlement_data(state), facts.prior, state.exemptions[["id_number", "exemption", "agency"]],
                       facts.residents)


def load_cleanup(conn: Connection, c: Campaign, as_of: date) -> CleanupData:
    """Read everything cleanup needs for a campaign, as of the end of `as_of`."""
    facts = load_facts(conn, c.id, residents=True)
    return cleanup_data(facts, campaign_state(c, facts, as_of))
