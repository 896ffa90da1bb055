"""Village cash: when collected cash is deposited, and the double-limit breaches that follow from it."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from canbao.intake.cash_limit import cash_limit_breaches

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


def cash_breaches(receipts: pd.DataFrame, deposits: pd.DataFrame, limit_fen: int,
                  max_days: int) -> pd.DataFrame:
    """Breaches per village (unit_code, kind, on), judged exactly as intake judges them, with every
    deposit made: see `canbao.intake.cash_limit`."""
    days = [*pd.to_datetime(receipts["paid_on"]).dt.date, *pd.to_datetime(deposits["deposited_on"]).dt.date]
    as_of = max(days) + timedelta(days=max_days + 1)
    found = cash_limit_breaches(receipts, deposits, limit_fen=limit_fen, days=max_days, as_of=as_of)
    return found[["unit_code", "kind", "on"]]
