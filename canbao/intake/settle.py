"""The campaign's matched state after an intake: who is registered, and each payment's status (`canbao.state`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Connection

from canbao.policy.model import Campaign
from canbao.state import campaign_state, load_facts

__all__ = ["Settled", "settle_campaign"]


@dataclass(frozen=True)
class Settled:
    """Everyone registered by a day, the payments counted by then with their status (matched, underpaid,
    overpaid, duplicate, orphan) and expected amount, and the exemptions in effect: what reconciliation reads."""

    as_of: date
    enrollments: pd.DataFrame
    payments: pd.DataFrame
    exemptions: pd.DataFrame

    @property
    def flagged(self) -> int:
        """Payments that are not a plain match."""
        return int((self.payments["status"] != "matched").sum())


def settle_campaign(conn: Connection, c: Campaign, as_of: date) -> Settled:
    """Match the campaign's payments to its registrations as of the end of `as_of`, from the ledger's facts.

    Nothing is written back: statuses and benefit starts are derived state, computed again whenever asked.
    """
    state = campaign_state(c, load_facts(conn, c.id), as_of)
    return Settled(as_of, state.people, state.payments, state.exemptions)
