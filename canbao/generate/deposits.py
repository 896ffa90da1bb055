"""Deposit slips for village cash, with the double-limit breaches a campaign's rates ask for."""

from __future__ import annotations

import numpy as np
import pandas as pd

from canbao.generate.cash import village_deposits
from canbao.generate.defects import DefectRates, defect_counts
from canbao.generate.refs import deposit_refs
from canbao.policy.model import Campaign

__all__ = ["DEFAULT_LIMIT", "plan_deposits"]

DEFAULT_LIMIT = (2_000_000, 5)  # fen, days: how villages deposit where a campaign sets no double limit


def plan_deposits(c: Campaign, payments: pd.DataFrame, rates: DefectRates, rng: np.random.Generator
                  ) -> tuple[pd.DataFrame, dict[str, int], pd.DataFrame]:
    """Deposit slips (with refs), the breaches made per kind, and the receipts they cover.

    Villages with the most cash get the amount breaches (they are the ones that reach the limit),
    the next ones the days breaches; every other village deposits in time.
    """
    cash = payments[(payments["channel"] == "village_cash") & (payments["status"] == "success")]
    receipts = pd.DataFrame({"unit_code": cash["unit_code"].to_numpy(),
                             "paid_on": cash["paid_at"].dt.date.to_numpy(),
                             "amount_fen": cash["amount_fen"].astype("int64").to_numpy()})
    empty = pd.DataFrame(columns=["unit_code", "deposited_on", "amount_fen", "external_ref"])
    if receipts.empty:
        return empty, {}, receipts
    limit = c.cash_double_limit
    limit_fen, days = (int(limit.amount * 100), limit.days) if limit else DEFAULT_LIMIT
    totals = receipts.groupby("unit_code")["amount_fen"].sum()
    order = sorted(totals.index, key=lambda u: (-int(totals[u]), u))
    want = defect_counts(rates, 0, len(order)) if limit else {}
    got = {"cash_limit_amount": 0, "cash_limit_days": 0}
    daily = receipts.groupby(["unit_code", "paid_on"], sort=True)["amount_fen"].sum()
    rows = []
    for unit in order:
        collected = [(day, int(fen)) for day, fen in daily.xs(unit, level=0).items()]
        slips, done = village_deposits(collected, rng, limit_fen, days, None)
        for kind in ("amount", "days"):
            code = f"cash_limit_{kind}"
            if not done and got[code] < want.get(code, 0):
                trial, ok = village_deposits(collected, rng, limit_fen, days, kind)
                if ok:
                    slips, done = trial, True
                    got[code] += 1
        rows += [(unit, day, fen) for day, fen in slips]
    deposits = pd.DataFrame(rows, columns=["unit_code", "deposited_on", "amount_fen"])
    return deposit_refs(deposits), (got if limit else {}), receipts
