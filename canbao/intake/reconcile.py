"""Reconciliation: counts and sums per unit and channel, and village cash against bank deposits."""

from __future__ import annotations

import pandas as pd

__all__ = ["cash_differences", "unit_channel_table"]


def unit_channel_table(enrollments: pd.DataFrame, payments: pd.DataFrame) -> pd.DataFrame:
    """Per unit and channel: registered, payments, fen paid, and flagged payments by status."""
    pay = payments.merge(enrollments[["id_number", "unit_code"]].rename(columns={"unit_code": "home_unit"}),
                         on="id_number", how="left")
    pay["unit_code"] = pay["unit_code"].where(pay["unit_code"].notna(), pay["home_unit"]).fillna("(未登记)")
    grouped = pay.groupby(["unit_code", "channel"], dropna=False)
    table = grouped.agg(payments=("external_ref", "size"), paid_fen=("amount_fen", "sum")).reset_index()
    flags = pd.crosstab([pay["unit_code"], pay["channel"]], pay["status"]).reset_index()
    table = table.merge(flags, on=["unit_code", "channel"], how="left")
    reg = enrollments.groupby("unit_code").size().rename("registered").reset_index()
    table = table.merge(reg, on="unit_code", how="outer")
    table["channel"] = table["channel"].fillna("(无缴费)")
    numeric = [c for c in table.columns if c not in ("unit_code", "channel")]
    table[numeric] = table[numeric].fillna(0).astype("int64")
    return table.sort_values(["unit_code", "channel"]).reset_index(drop=True)


def cash_differences(receipts: pd.DataFrame, deposits: pd.DataFrame) -> pd.DataFrame:
    """Per village: cash receipts vs deposits into the tax bureau's account, where they differ."""
    got = receipts.groupby("unit_code")["amount_fen"].sum().rename("receipts_fen")
    put = deposits.groupby("unit_code")["amount_fen"].sum().rename("deposits_fen")
    both = pd.concat([got, put], axis=1).fillna(0).astype("int64")
    both["difference_fen"] = both["receipts_fen"] - both["deposits_fen"]
    return both[both["difference_fen"] != 0].reset_index(names="unit_code")
