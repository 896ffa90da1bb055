"""What each person on a cleanup list must pay if they pay today, and when their cover would then start."""

from __future__ import annotations

from datetime import date

import pandas as pd

from canbao.money import fen
from canbao.policy.benefit_start import benefit_start
from canbao.policy.model import Campaign
from canbao.policy.quote import PolicyError, quote

__all__ = ["PAYING_ITEMS", "dues_today"]

PAYING_ITEMS = ("exempt_unregistered", "not_renewed", "unpaid", "underpaid")


def _start(c: Campaign, kind: str, today: date, born: date | None, category: str) -> date | None:
    """Cover start for a payment today (None: no rule covers it, or the notice refuses a payment today)."""
    insured = [c.campaign.insurance_year - 1] if kind == "renewal" else []
    try:
        return benefit_start(c, kind, today, born, insured, category).benefit_start
    except PolicyError:
        return None


def dues_today(c: Campaign, items: pd.DataFrame, today: date) -> pd.DataFrame:
    """`due_now_fen` (quote on `today` less what was already paid) and `start_if_paid_today` per item.

    Only items that need a payment or a registration get them; refunds and orphan payments get NA.
    """
    newborn = max((r.newborn_within_days or 0 for r in c.benefit_start.rules), default=0)
    paying = items["item"].isin(PAYING_ITEMS)
    born = pd.to_datetime(items["birth_date"])
    young = (pd.Timestamp(today) - born).dt.days.le(newborn) & born.le(pd.Timestamp(today))
    keys = pd.DataFrame({"category": items["category"].astype(str), "tier": items["tier"].fillna(1),
                         "exemption": items["exemption"].astype("object").where(items["exemption"].notna(), ""),
                         "kind": items["kind"].fillna("new").astype(str),
                         "born": born.where(young).dt.date.astype("object").where(young, None)})[paying]
    owed: dict[tuple, tuple[int, date | None]] = {}
    for key in keys.drop_duplicates().itertuples(index=False, name=None):
        category, tier, exemption, kind, birth = key
        pays = fen(quote(c, category, int(tier), exemption or None, today).resident_pays)
        owed[key] = (pays, _start(c, kind, today, birth, category))
    values = [owed[k] for k in keys.itertuples(index=False, name=None)]
    due = pd.Series(pd.NA, index=items.index, dtype="Int64")
    start = pd.Series(None, index=items.index, dtype="object")
    if values:
        due[paying] = [v[0] for v in values]
        start[paying] = [v[1] for v in values]
    due = (due - items["paid_fen"].astype("Int64")).clip(lower=0)
    return pd.DataFrame({"due_now_fen": due, "start_if_paid_today": start}, index=items.index)
