"""Every settlement statement of a campaign, computed once from the people frame."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from canbao.policy.model import Campaign
from canbao.settlement.awards import fund_transfer_statement, village_awards
from canbao.settlement.levels import subsidy_by_level
from canbao.settlement.on_behalf import advance_detail, advance_summary, on_behalf_statement
from canbao.settlement.people import SettlementData
from canbao.settlement.reconcile import category_statement, payment_balance
from canbao.settlement.transfers import transfer_requests

__all__ = ["Statements", "build_statements"]


@dataclass(frozen=True)
class Statements:
    """The statements each budget needs, as frames with English columns and amounts in fen."""

    campaign_id: str
    as_of: date
    categories: pd.DataFrame
    balance: pd.DataFrame
    levels: pd.DataFrame
    on_behalf: pd.DataFrame
    advances: pd.DataFrame
    advance_detail: pd.DataFrame
    awards: pd.DataFrame
    fund_transfers: pd.DataFrame
    requests: pd.DataFrame

    @property
    def reconciled(self) -> bool:
        """Whether every category is fully funded and every payment received is accounted for."""
        return bool((self.categories["difference_fen"] == 0).all()
                    and int(self.balance.loc[self.balance["item"] == "difference", "amount_fen"].iat[0]) == 0)

    def totals(self) -> dict[str, int]:
        """Headline figures (fen, persons) for logs, artifacts and the flow's result."""
        k = self.categories
        return {"enrolled": int(k["enrolled"].sum()), "required_fen": int(k["required_fen"].sum()),
                "government_fen": int(k["government_fen"].sum()),
                "fund_transfer_fen": int(k["fund_transfer_fen"].sum()),
                "on_behalf_fen": int(k["on_behalf_fen"].sum()), "resident_fen": int(k["resident_paid_fen"].sum()),
                "advances_fen": int(self.advances["amount_fen"].sum()) if len(self.advances) else 0,
                "awards_fen": int(self.awards["award_fen"].sum()) if len(self.awards) else 0,
                "transfers_fen": int(self.requests["amount_fen"].sum()) if len(self.requests) else 0}


def build_statements(c: Campaign, data: SettlementData, as_of: date) -> Statements:
    """Category reconciliation, payment balance, levels, on behalf, advances, awards, fund transfers, requests."""
    people = data.people
    names = dict(zip(data.units["code"], data.units["name"]))
    levels = subsidy_by_level(c, people, data.units)
    awards = village_awards(c, people, data.units)
    return Statements(
        campaign_id=c.id, as_of=as_of, categories=category_statement(c, people),
        balance=payment_balance(people, data.payments), levels=levels, on_behalf=on_behalf_statement(c, people),
        advances=advance_summary(c, people), advance_detail=advance_detail(c, people, names), awards=awards,
        fund_transfers=fund_transfer_statement(c, people), requests=transfer_requests(c, levels, people, awards),
    )
