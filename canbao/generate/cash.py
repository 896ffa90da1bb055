"""Village cash: when collected cash is deposited, and the double-limit breaches that follow from it."""

from __future__ import annotations

from collections import deque
from datetime import date, timedelta

import numpy as np
import pandas as pd

__all__ = ["cash_breaches", "village_deposits"]


def village_deposits(days: list[tuple[date, int]], rng: np.random.Generator, limit: int, max_days: int,
                     breach: str | None) -> tuple[list[tuple[date, int]], bool]:
    """Deposits (day, fen) of one village's daily collections, compliant or with one breach of the
    kind `breach` ("amount": held overnight at the limit; "days": last deposit a day too late);
    also whether that breach could be made."""
    events: list[list] = []  # [first collection day, deposit day, fen]
    pending, oldest, planned, done = 0, days[0][0], days[0][0], False
    for day, amount in days:
        if pending and planned < day:
            events.append([oldest, planned, pending])
            pending = 0
        if not pending:
            oldest, planned = day, day + timedelta(days=int(rng.integers(0, max_days + 1)))
        pending += amount
        if pending >= limit:
            # Compliant: deposited the day the limit is reached; a breach holds it overnight once.
            late = breach == "amount" and not done and (day - oldest).days + 1 <= max_days
            done |= late
            events.append([oldest, day + timedelta(days=int(late)), pending])
            pending = 0
    if pending:
        events.append([oldest, planned, pending])
    if breach == "days" and events[-1][2] < limit:
        # One day too late for the first collection day only: later days of the same deposit stay in time.
        events[-1][1] = events[-1][0] + timedelta(days=max_days + 1)
        done = True
    return [(e[1], e[2]) for e in events], done


def _walk(receipts: dict[date, int], deposits: dict[date, int], limit: int,
          max_days: int) -> list[tuple[str, date]]:
    day = min(receipts)
    last = max([*receipts, *deposits]) + timedelta(days=max_days + 1)
    lots: deque[list] = deque()
    out, late, over = [], set(), False
    while day <= last:
        for lot_day, _ in lots:
            if (day - lot_day).days > max_days and lot_day not in late:
                late.add(lot_day)
                out.append(("cash_limit_days", lot_day))
        if day in receipts:
            lots.append([day, receipts[day]])
        pay = deposits.get(day, 0)
        while pay and lots:
            take = min(pay, lots[0][1])
            lots[0][1] -= take
            pay -= take
            if not lots[0][1]:
                lots.popleft()
        held = sum(fen for _, fen in lots)
        if held >= limit and not over:
            out.append(("cash_limit_amount", day))
        over = held >= limit
        day += timedelta(days=1)
    return out


def cash_breaches(receipts: pd.DataFrame, deposits: pd.DataFrame, limit_fen: int,
                  max_days: int) -> pd.DataFrame:
    """Breaches per village (unit_code, kind, on): one `cash_limit_days` per collection day whose cash is
    still held (first in, first out) on a morning more than `max_days` days later, and one
    `cash_limit_amount` per run of days ending with `limit_fen` or more undeposited."""
    rows = []
    by_unit = {u: g for u, g in deposits.groupby("unit_code")}
    for unit, group in receipts.groupby("unit_code"):
        got = group.groupby("paid_on")["amount_fen"].sum().to_dict()
        dep = by_unit.get(unit)
        put = dep.groupby("deposited_on")["amount_fen"].sum().to_dict() if dep is not None else {}
        rows += [(unit, kind, on) for kind, on in _walk(got, put, limit_fen, max_days)]
    return pd.DataFrame(rows, columns=["unit_code", "kind", "on"])
