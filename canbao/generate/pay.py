"""Payments: what each enrolled person owes, through which channel, on which day."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd

from canbao.generate.enroll import registration_window
from canbao.money import fen
from canbao.policy.model import Campaign
from canbao.policy.quote import quote

__all__ = ["BANKS", "PAY_CHANNELS", "base_payments", "due_fen", "payment_channels"]

PAY_CHANNELS = ("bank_deduction", "self_service_terminal", "tax_app", "bank_counter", "village_cash",
                "service_window")
SHARES = {"village_cash": 0.6, "tax_app": 0.25, "self_service_terminal": 0.2, "bank_counter": 0.1,
          "service_window": 0.1}
BANK_DEDUCTION_SHARE = 0.4  # of renewals, where the campaign collects by batch deduction
UNPAID_SHARE = 0.015
LATE_SHARE = 0.02
BANK_FAILED_SHARE = 0.03
BANKS = ("中国农业银行", "中国工商银行", "中国建设银行", "中国邮政储蓄银行", "农村商业银行")
_BANK_WEIGHTS = np.array([0.3, 0.15, 0.15, 0.15, 0.25])


def payment_channels(c: Campaign) -> list[str]:
    """The campaign's channels residents pay through (school aside); service window if none."""
    own = [ch.code for ch in c.channels if ch.code in PAY_CHANNELS]
    return own or ["service_window"]


def due_fen(c: Campaign, category: pd.Series, tier: pd.Series, exemption: pd.Series, paid_on: pd.Series
            ) -> np.ndarray:
    """What each person pays out of pocket, in fen (late surcharges included)."""
    late_after = c.contribution.late.after if c.contribution.late else None
    late = (paid_on > pd.Timestamp(late_after)).to_numpy() if late_after else np.zeros(len(category), bool)
    probe = late_after + timedelta(days=1) if late_after else None
    keys = pd.DataFrame({"category": category.to_numpy(), "tier": tier.to_numpy().astype(int),
                         "exemption": [x if isinstance(x, str) else "" for x in exemption], "late": late})
    table = {k: fen(quote(c, k[0], k[1], k[2] or None, probe if k[3] else None).resident_pays)
             for k in keys.drop_duplicates().itertuples(index=False, name=None)}
    return np.array([table[k] for k in keys.itertuples(index=False, name=None)], dtype=np.int64)


def _channels(c: Campaign, renewal: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    own = payment_channels(c)
    others = [ch for ch in own if ch != "bank_deduction"]
    n = len(renewal)
    if not others:
        return np.full(n, "bank_deduction", dtype=object)
    weights = np.array([SHARES[ch] for ch in others])
    out = np.array(others, dtype=object)[rng.choice(len(others), size=n, p=weights / weights.sum())]
    if "bank_deduction" in own:
        out[renewal & (rng.random(n) < BANK_DEDUCTION_SHARE)] = "bank_deduction"
    return out


def _paid_days(c: Campaign, registered: np.ndarray, channel: np.ndarray,
               rng: np.random.Generator) -> np.ndarray:
    start, end = registration_window(c)
    last = np.datetime64(end, "D")
    day = np.minimum(registered.astype("datetime64[D]") + rng.geometric(0.45, len(registered)) - 1, last)
    late = rng.random(len(registered)) < LATE_SHARE
    day[late] = last + rng.integers(1, 21, int(late.sum()))
    span = (end - start).days
    batches = np.datetime64(start, "D") + np.array([span // 4, span // 2, 3 * span // 4, span])
    bank = channel == "bank_deduction"
    day[bank] = batches[np.searchsorted(batches, registered[bank].astype("datetime64[D]"))]
    return day


def _cash_drives(day: np.ndarray, village: np.ndarray, registered: np.ndarray, cash: np.ndarray,
                 window: tuple[np.datetime64, np.datetime64], rng: np.random.Generator) -> np.ndarray:
    """Village cadres collect cash in a few drives of 1–3 days: a payer pays at the first drive after
    registering (or on their own day after the last drive). Two to eight drives per village."""
    out = day.copy()
    span = int((window[1] - window[0]).astype(int))
    for v in np.unique(village[cash]):
        mine = np.flatnonzero(cash & (village == v))
        k = min(int(np.clip(len(mine) // 100, 2, 8)), span + 1)
        drives = np.sort(window[0] + rng.choice(span + 1, size=k, replace=False))
        lengths = rng.integers(1, 4, len(drives))
        pick = np.searchsorted(drives, registered[mine].astype("datetime64[D]"))
        inside = pick < len(drives)
        chosen = mine[inside]
        offsets = rng.integers(0, 3, len(chosen)) % lengths[pick[inside]]
        out[chosen] = np.minimum(drives[pick[inside]] + offsets, window[1])
    return out


def base_payments(c: Campaign, people: pd.DataFrame, effective: pd.Series, rng: np.random.Generator
                  ) -> pd.DataFrame:
    """One row per payment attempt: person, channel, paid_at, amount_fen, status, bank, unit_code."""
    student = people["school"].notna().to_numpy()
    payer = (people["registered"].to_numpy() & (rng.random(len(people)) >= UNPAID_SHARE)) | student
    idx = np.flatnonzero(payer)
    p = people.iloc[idx]
    channel = np.where(student[idx], "school", _channels(c, p["renewal"].to_numpy(), rng)).astype(object)
    day = _paid_days(c, p["registered_on"].to_numpy(), channel, rng)
    start, end = registration_window(c)
    day = _cash_drives(day, p["unit"].to_numpy(), p["registered_on"].to_numpy(), channel == "village_cash",
                       (np.datetime64(start, "D"), np.datetime64(end, "D")), rng)
    day[student[idx]] = p["registered_on"].to_numpy()[student[idx]].astype("datetime64[D]")
    rows = pd.DataFrame({"person": idx, "channel": channel, "paid_at": day.astype("datetime64[s]"),
                         "unit_code": p["unit"].to_numpy(), "status": "success"})
    failed = (channel == "bank_deduction") & (rng.random(len(idx)) < BANK_FAILED_SHARE)
    rows.loc[failed, "status"] = "failed"
    retry = rows[failed & (rng.random(len(idx)) < 0.6)].copy()
    others = [ch for ch in payment_channels(c) if ch != "bank_deduction"] or ["bank_deduction"]
    retry["channel"] = np.array(others, dtype=object)[rng.integers(0, len(others), len(retry))]
    retry["status"] = "success"
    retry["paid_at"] = retry["paid_at"] + pd.to_timedelta(rng.integers(2, 11, len(retry)), unit="D")
    rows = pd.concat([rows, retry], ignore_index=True)
    clock = rows["channel"].isin(["self_service_terminal", "tax_app", "bank_counter", "service_window"])
    seconds = rng.integers(8 * 3600 + 1800, 18 * 3600, int(clock.sum()))
    rows.loc[clock, "paid_at"] += pd.to_timedelta(seconds, unit="s")
    who = people.iloc[rows["person"].to_numpy()]
    rows["amount_fen"] = due_fen(c, who["category"], who["tier"], effective.iloc[rows["person"].to_numpy()],
                                 rows["paid_at"])
    banks = np.array(BANKS, dtype=object)[rng.choice(len(BANKS), len(rows), p=_BANK_WEIGHTS)]
    rows["bank"] = np.where(rows["channel"].isin(["bank_deduction", "bank_counter"]), banks, None)
    return rows[rows["amount_fen"] > 0].reset_index(drop=True)
