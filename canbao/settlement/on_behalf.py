"""Individual parts paid on behalf: per exemption group and paying agency, and advances to reclaim."""

from __future__ import annotations

import pandas as pd

from canbao.identity import mask_id, mask_name
from canbao.policy.model import Campaign

__all__ = ["advance_detail", "advance_summary", "on_behalf_statement"]

_MODES = {"full_subsidy": "全额资助", "partial_subsidy": "定额资助", "advance_then_settle": "代垫后结算"}


def _agency(c: Campaign) -> dict[str, str]:
    return {a.code: a.name for a in c.agencies}


def on_behalf_statement(c: Campaign, people: pd.DataFrame) -> pd.DataFrame:
    """Per exemption group: confirming agency, paying budget, mode, enrolled persons and the amount paid."""
    names, rows = _agency(c), []
    mine = people[people["enrolled"] & people["exemption"].notna()]
    for e in c.exemptions:
        group = mine[mine["exemption"] == e.code]
        rows.append({"exemption": e.code, "exemption_name": e.name, "funding_mode": _MODES[e.funding_mode],
                     "agency_name": names.get(e.agency, e.agency), "payer": e.payer,
                     "payer_name": names.get(e.payer, e.payer),
                     "settle_with_name": names.get(e.settle_with, "") if e.settle_with else "",
                     "persons": len(group), "on_behalf_fen": int(group["on_behalf_fen"].sum())})
    return pd.DataFrame(rows, columns=["exemption", "exemption_name", "funding_mode", "agency_name", "payer",
                                       "payer_name", "settle_with_name", "persons", "on_behalf_fen"])


def advance_summary(c: Campaign, people: pd.DataFrame) -> pd.DataFrame:
    """Per agency to settle with: persons and the amount advanced for them (to be reclaimed)."""
    names = _agency(c)
    mine = people[people["enrolled"] & (people["funding_mode"] == "advance_then_settle")]
    rows = []
    for agency in sorted({e.settle_with for e in c.exemptions if e.settle_with}):
        group = mine[mine["settle_with"] == agency]
        advanced_by = sorted({e.payer for e in c.exemptions if e.settle_with == agency})
        rows.append({"settle_with": agency, "settle_with_name": names.get(agency, agency),
                     "advanced_by_name": "、".join(names.get(a, a) for a in advanced_by),
                     "persons": len(group), "amount_fen": int(group["on_behalf_fen"].sum())})
    return pd.DataFrame(rows, columns=["settle_with", "settle_with_name", "advanced_by_name", "persons",
                                       "amount_fen"])


def advance_detail(c: Campaign, people: pd.DataFrame, unit_names: dict[str, str]) -> pd.DataFrame:
    """One row per person advanced for (name and ID masked), ordered by agency, town, unit."""
    mine = people[people["enrolled"] & (people["funding_mode"] == "advance_then_settle")]
    mine = mine.sort_values(["settle_with", "town_code", "unit_code", "id_number"])
    labels = {e.code: e.name for e in c.exemptions}
    return pd.DataFrame({
        "settle_with": mine["settle_with"].to_numpy(),
        "town_name": [unit_names.get(t, t) for t in mine["town_code"]],
        "unit_name": [unit_names.get(u, u) for u in mine["unit_code"]],
        "name": [mask_name(n) if isinstance(n, str) else "" for n in mine["name"]],
        "id_masked": [mask_id(i) for i in mine["id_number"]],
        "exemption_name": [labels.get(x, x) for x in mine["exemption"]],
        "enrolled_on": [d.date().isoformat() for d in mine["enrolled_on"]],
        "amount_fen": mine["on_behalf_fen"].astype("int64").to_numpy(),
    })
