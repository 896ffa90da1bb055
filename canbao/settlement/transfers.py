"""The fiscal transfers a settlement requests, one per rule and payer (town, agency or village)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from canbao.policy.deadlines import deadline_calendar
from canbao.policy.model import Campaign, TransferRule

__all__ = ["TRANSFER_COLUMNS", "due_date", "transfer_requests"]

TRANSFER_COLUMNS = ["code", "rule", "basis", "name", "payer", "payer_name", "payee", "payee_name", "amount_fen",
                    "due_on", "deadline_code"]


def due_date(c: Campaign, rule: TransferRule) -> date:
    """The rule's due date: its deadline's last day (working-day adjusted), else its own `due`."""
    if rule.deadline is None:
        assert rule.due is not None
        return rule.due
    return next(e.last_day for e in deadline_calendar(c) if e.code == rule.deadline)


def _named(names: dict[str, str], code: str, account: str | None) -> str:
    name = names.get(code, code)
    return f"{name}（{account}）" if account else name


def _parties(c: Campaign, rule: TransferRule, levels: pd.DataFrame, people: pd.DataFrame,
             awards: pd.DataFrame) -> list[tuple[str, str, str | None, str | None, int]]:
    """(key, payer, payer_name or None, payee override or None, amount_fen) per transfer of one rule."""
    enrolled = people[people["enrolled"]]
    if rule.basis == "subsidy_level":
        level = next(x for x in c.settlement.subsidy_split if x.code == rule.level)  # type: ignore[union-attr]
        column = f"level_{level.code}_fen"
        if level.per_town:
            towns = levels[levels["is_town"]]
            return [(t.town_code, t.town_code, f"{t.town_name}财政", None, int(getattr(t, column)))
                    for t in towns.itertuples()]
        return [("", rule.payer or level.payer, None, None, int(levels[column].sum()))]
    if rule.basis == "paid_on_behalf":
        sums = enrolled[enrolled["payer"].notna()].groupby("payer")["on_behalf_fen"].sum()
        return [(payer, payer, None, None, int(v)) for payer, v in sums.items()
                if rule.payer is None or payer == rule.payer]
    if rule.basis == "advance":
        mine = enrolled[enrolled["funding_mode"] == "advance_then_settle"]
        sums = mine.groupby("settle_with")["on_behalf_fen"].sum()
        return [(agency, agency, None, None, int(v)) for agency, v in sums.items()]
    if rule.basis == "fund_transfer":
        return [("", rule.payer or "", None, None, int(enrolled["fund_transfer_fen"].sum()))]
    met = awards[awards["met"].astype(bool)] if len(awards) else awards
    return [(v.unit_code, rule.payer or "", None, f"{v.unit_code}|{v.unit_name}", int(v.award_fen))
            for v in met.itertuples()]


def transfer_requests(c: Campaign, levels: pd.DataFrame, people: pd.DataFrame,
                      awards: pd.DataFrame) -> pd.DataFrame:
    """Every transfer the config's rules ask for, with amounts from the statements; zero amounts left out."""
    names = {a.code: a.name for a in c.agencies}
    rows = []
    for rule in c.settlement.transfers if c.settlement else []:
        due = due_date(c, rule)
        for key, payer, payer_name, payee_override, amount in _parties(c, rule, levels, people, awards):
            if amount <= 0:
                continue
            payee, payee_name = rule.payee, _named(names, rule.payee, rule.payee_account)
            if payee_override is not None:
                payee, payee_name = payee_override.split("|", 1)
            rows.append({"code": f"{rule.code}:{key}" if key else rule.code, "rule": rule.code,
                         "basis": rule.basis, "name": rule.name, "payer": payer,
                         "payer_name": payer_name or _named(names, payer, rule.payer_account),
                         "payee": payee, "payee_name": payee_name, "amount_fen": amount, "due_on": due,
                         "deadline_code": rule.deadline})
    return pd.DataFrame(rows, columns=TRANSFER_COLUMNS)
