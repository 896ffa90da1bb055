"""Kaijiang's cash "double limit": deposit collected cash at 20,000 yuan or within 5 days."""

from __future__ import annotations

from collections import deque
from datetime import date, timedelta

import pandas as pd

__all__ = ["BREACH_COLUMNS", "cash_limit_breaches"]

BREACH_COLUMNS = ["unit_code", "kind", "on", "held_fen", "days_held"]


def _village(receipts: pd.DataFrame, deposits: pd.DataFrame, limit_fen: int, days: int,
             as_of: date) -> list[tuple[str, date, int, int]]:
    """Breaches of one village: (kind, day, cash held, days held)."""
    collected = receipts.groupby("paid_on")["amount_fen"].sum().to_dict()
    deposited = deposits.groupby("deposited_on")["amount_fen"].sum().to_dict()
    if not collected:
        return []
    day, last = min(collected), max([as_of, *collected, *deposited])
    lots: deque[list] = deque()  # [collection day, fen still held], oldest first
    out: list[tuple[str, date, int, int]] = []
    over_amount, late_lots = False, set()
    while day <= last:
        # Days limit: cash of an earlier day still held this morning, more than `days` days after it was
        # collected (deposited today or not at all); one breach per collection day.
        for lot_day, fen in lots:
            waited = (day - lot_day).days
            if waited > days and lot_day not in late_lots:
                late_lots.add(lot_day)
                out.append(("cash_limit_days", lot_day, fen, waited))
        if day in collected:
            lots.append([day, int(collected[day])])
        pay = int(deposited.get(day, 0))
        while pay and lots:
            take = min(pay, lots[0][1])
            lots[0][1] -= take
            pay -= take
            if not lots[0][1]:
                lots.popleft()
        held = sum(x[1] for x in lots)
        # Amount limit: cash still held at the end of a day at or above the limit; one breach per episode.
        if held >= limit_fen and not over_amount:
            out.append(("cash_limit_amount", day, held, 0))
        over_amount = held >= limit_fen
        day += timedelta(days=1)
    return out


def cash_limit_breaches(receipts: pd.DataFrame, deposits: pd.DataFrame, *, limit_fen: int, days: int,
                        as_of: date) -> pd.DataFrame:
    """Every breach per village: receipts (unit_code, paid_on, amount_fen), deposits (unit_code,
    deposited_on, amount_fen); dates as `date`. Checked up to `as_of`."""
    receipts = receipts.assign(paid_on=pd.to_datetime(receipts["paid_on"]).dt.date)
    if len(deposits):
        deposits = deposits.assign(deposited_on=pd.to_datetime(deposits["deposited_on"]).dt.date)
    rows = []
    deposits_by_unit = dict(tuple(deposits.groupby("unit_code"))) if len(deposits) else {}
    empty = deposits.iloc[0:0] if len(deposits.columns) else pd.DataFrame(
        {"deposited_on": [], "amount_fen": []})
    for unit, group in receipts.groupby("unit_code"):
        for kind, on, held, waited in _village(group, deposits_by_unit.get(unit, empty), limit_fen, days, as_of):
            rows.append((unit, kind, on, held, waited))
    return pd.DataFrame(rows, columns=BREACH_COLUMNS)
