"""External references: each channel's own numbering of payments, receipts and deposit slips."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["assign_refs", "deposit_refs"]


def _seq(keys: pd.Series) -> np.ndarray:
    return keys.groupby(keys, sort=False).cumcount().to_numpy() + 1


def assign_refs(payments: pd.DataFrame, area: str) -> pd.DataFrame:
    """Payments sorted by channel and time, each with an `external_ref` unique within its channel."""
    out = payments.sort_values(["channel", "paid_at", "person"], kind="stable").reset_index(drop=True)
    day = out["paid_at"].dt.strftime("%Y%m%d")
    n = _seq(out["channel"])
    per_unit = _seq(out["channel"] + "|" + out["unit_code"].astype(str))
    width = lambda k: pd.Series(n, index=out.index).astype(str).str.zfill(k)  # noqa: E731
    unit_width = pd.Series(per_unit, index=out.index).astype(str).str.zfill(5)
    refs = {
        "bank_deduction": "KK" + day + width(8),
        "self_service_terminal": "ZZ" + day + width(8),
        "tax_app": "3" + area + day + width(7),
        "bank_counter": "DS" + day + width(8),
        "service_window": "CK" + day + width(8),
        "village_cash": out["unit_code"].astype(str) + "-" + unit_width,
        "school": "XS" + out["unit_code"].astype(str) + unit_width,
    }
    out["external_ref"] = None
    for channel, values in refs.items():
        mask = out["channel"] == channel
        out.loc[mask, "external_ref"] = values[mask]
    return out


def deposit_refs(deposits: pd.DataFrame) -> pd.DataFrame:
    """Deposit slips sorted by village and day, numbered per village (JJ + village code + number)."""
    out = deposits.sort_values(["unit_code", "deposited_on"], kind="stable").reset_index(drop=True)
    n = pd.Series(_seq(out["unit_code"]), index=out.index).astype(str).str.zfill(3)
    return out.assign(external_ref="JJ" + out["unit_code"] + n)
