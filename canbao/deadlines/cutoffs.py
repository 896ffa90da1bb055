"""Rule cutoffs in the deadline watch: how many residents a dated rule change affects, and the warning text.

The count is over the campaign's resident state as of the day (`canbao.state`), like every other figure.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cache

import pandas as pd
from sqlalchemy import Connection

from canbao.deadlines.evidence import Evidence
from canbao.deadlines.occurrences import Due
from canbao.policy.model import Campaign, RuleCutoff
from canbao.state import campaign_state, load_facts

__all__ = ["cutoff_affected", "cutoff_evidence", "cutoff_of", "cutoff_people", "cutoff_warning"]


def cutoff_of(c: Campaign, code: str) -> RuleCutoff:
    """The `cutoff` block of a rule_cutoff deadline."""
    found = next((d.cutoff for d in c.deadlines if d.code == code), None)
    if found is None:
        raise KeyError(f"campaign {c.id}: deadline '{code}' is no rule_cutoff")
    return found


def cutoff_warning(cutoff: RuleCutoff, on: date, count: int) -> str:
    """The Chinese warning for `count` affected residents, e.g. '还有12名续保人员尚未缴费：2020年3月31日后…'."""
    if count == 0:
        return f"{cutoff.who}均已缴费，{on:%Y-%m-%d}的规则变化不影响已登记人员"
    return f"还有{count}名{cutoff.who}尚未缴费：{cutoff.consequence}"


def cutoff_affected(cutoff: RuleCutoff, people: pd.DataFrame, day: date) -> int:
    """Registered residents not enrolled (paid or exempt) as of `day`; renewals or some categories if it says so.

    `people`: columns registered_at, enrolled, enrolled_on, kind, category (`canbao.state.CampaignState.people`).
    """
    as_of = pd.Timestamp(day)
    registered = pd.to_datetime(people["registered_at"]) <= as_of
    enrolled = people["enrolled"].astype(bool) & (pd.to_datetime(people["enrolled_on"]) <= as_of)
    mask = registered & ~enrolled
    if cutoff.population == "unpaid_renewals":
        mask &= people["kind"] == "renewal"
    if cutoff.categories:
        mask &= people["category"].isin(cutoff.categories)
    return int(mask.sum())


def cutoff_people(conn: Connection, c: Campaign, day: date) -> Callable[[], pd.DataFrame]:
    """The residents' state as of `day`, computed at most once and only if a cutoff needs counting."""
    return cache(lambda: campaign_state(c, load_facts(conn, c.id), day).people)


def cutoff_evidence(c: Campaign, due: Due, day: date, people: Callable[[], pd.DataFrame]) -> Evidence:
    """Before (and on) the date: not done, with the warning and its count; after it: the new rule applies."""
    cutoff = cutoff_of(c, due.entry.code)
    if day > due.on:
        return Evidence(True, f"规则已于{due.on:%Y-%m-%d}变化生效")
    return Evidence(False, cutoff_warning(cutoff, due.on, cutoff_affected(cutoff, people(), day)))
