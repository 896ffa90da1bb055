"""Payment-side defects: a second payment, a wrong amount, a payment by someone never registered."""

from __future__ import annotations

import numpy as np
import pandas as pd

from canbao.generate.pay import due_fen, payment_channels
from canbao.policy.model import Campaign

__all__ = ["CLOCKED", "duplicate_payments", "orphan_payments", "other_channel", "wrong_amounts"]

CLOCKED = ("self_service_terminal", "tax_app", "bank_counter", "service_window")  # exports carry a time


def other_channel(c: Campaign, first: str, rng: np.random.Generator) -> str:
    """A channel a resident could pay through, other than `first` where there is another."""
    others = [ch for ch in payment_channels(c) if ch != "bank_deduction"] or ["bank_deduction"]
    return str(rng.choice([ch for ch in others if ch != first] or others))


def _row(people: pd.DataFrame, person: int, channel: str, when: pd.Timestamp, amount: int, outcome: str,
         rng: np.random.Generator) -> dict:
    clock = pd.Timedelta(seconds=int(rng.integers(30600, 64800))) if channel in CLOCKED else pd.Timedelta(0)
    return {"person": person, "channel": channel, "paid_at": when.normalize() + clock,
            "unit_code": people.at[person, "village"], "status": "success", "amount_fen": amount,
            "bank": "农村商业银行" if channel == "bank_counter" else None,
            "id_text": people.at[person, "id_number"], "outcome": outcome, "repaired": False,
            "defect": outcome}


def duplicate_payments(c: Campaign, people: pd.DataFrame, payments: pd.DataFrame, chosen: np.ndarray,
                       rng: np.random.Generator) -> pd.DataFrame:
    """A second payment of the same amount, 1–15 days after the first, through another channel."""
    rows, firsts = [], payments.drop_duplicates("person").set_index("person")
    for person in chosen:
        first = firsts.loc[person]
        when = first["paid_at"] + pd.Timedelta(days=int(rng.integers(1, 16)))
        rows.append(_row(people, int(person), other_channel(c, first["channel"], rng), when,
                         int(first["amount_fen"]), "duplicate_payment", rng))
    return pd.DataFrame(rows)


def wrong_amounts(payments: pd.DataFrame, chosen: np.ndarray) -> pd.DataFrame:
    """Every other chosen person pays 50 yuan less (half when that is all), the rest 50 yuan more."""
    out = payments.copy()
    rows = out["person"].isin(chosen)
    under = out.loc[rows, "person"].map({p: i % 2 == 0 for i, p in enumerate(chosen)}).to_numpy(dtype=bool)
    amount = out.loc[rows, "amount_fen"].to_numpy(dtype=np.int64)
    less = np.where(amount > 5000, amount - 5000, amount // 2)
    out.loc[rows, "amount_fen"] = np.where(under, less, amount + 5000)
    out.loc[rows, "outcome"] = np.where(under, "underpaid", "overpaid")
    out.loc[rows, "defect"] = out.loc[rows, "outcome"]
    return out


def orphan_payments(c: Campaign, people: pd.DataFrame, payments: pd.DataFrame, chosen: np.ndarray,
                    rng: np.random.Generator) -> pd.DataFrame:
    """A tier-1 payment, some day in the campaign, by each chosen person (who never registered)."""
    lo, hi = payments["paid_at"].min(), payments["paid_at"].max()
    rows = []
    for person in chosen:
        when = lo + (hi - lo) * float(rng.random())
        due = due_fen(c, people.loc[[person], "category"], pd.Series([1]), pd.Series([None]),
                      pd.Series([when]))
        channel = other_channel(c, "", rng)
        rows.append(_row(people, int(person), channel, when, int(due[0]), "orphan_payment", rng))
    return pd.DataFrame(rows)
