"""Row-by-row validation of registration and payment frames, vectorised with pandas."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

import pandas as pd

from canbao.formats.amounts import parse_amount_fen, parse_dates
from canbao.identity import check_ids
from canbao.intake.plausible import IntakeBounds, amount_checks, date_checks, intake_bounds, transfers
from canbao.intake.rejections import first_reason, rejected_frame
from canbao.intake.storable import STORED_TEXT, text_faults
from canbao.policy.categories import categories_by_age
from canbao.policy.model import Campaign

__all__ = ["Validated", "validate_payments", "validate_registrations"]


@dataclass(frozen=True)
class Validated:
    """A file's rows split into accepted (typed, normalised) and rejected (reason coded)."""

    accepted: pd.DataFrame
    rejected: pd.DataFrame
    skipped: int = 0
    payments: pd.DataFrame | None = None  # school rows register and pay at once


def _blank(s: pd.Series | None, index: pd.Index) -> pd.Series:
    """Missing or empty, per value of a text column already trimmed (`astype("string").str.strip()`)."""
    if s is None:
        return pd.Series(True, index=index)
    return s.isna() | (s == "")


def _ids(df: pd.DataFrame, today: date) -> pd.DataFrame:
    return check_ids(df["id_number"] if "id_number" in df else pd.Series(pd.NA, index=df.index), today=today)


def validate_registrations(df: pd.DataFrame, c: Campaign, *, units: Collection[str], deceased: Collection[str],
                           today: date, source: str = "roster", enrolled: pd.DataFrame | None = None
                           ) -> Validated:
    """Registration rows (roster or school) checked: ID, name, unit, date, category, tier, deceased, duplicates,
    and (given the ledger's `enrolled`, see `plausible.ENROLLED_COLUMNS`) transfers from another unit."""
    ids = _ids(df, today)
    registered, bad_date = parse_dates(df["registered_on"]) if "registered_on" in df else parse_dates(
        df["paid_on"])
    # A school row is a payment too: its date is the payment's.
    after = "registration_after_window" if "registered_on" in df else "paid_after_last_day"
    bounds = intake_bounds(c)
    born = ids["birth_date"]
    category = df["category"].astype("string").str.strip() if "category" in df else pd.Series(
        pd.NA, index=df.index, dtype="string")
    by_age = categories_by_age(c, born.fillna(pd.Timestamp("1970-01-01")))
    category = category.where(~_blank(category, df.index), by_age)
    known_categories = {k.code for k in c.contribution.categories}
    tier_text = df["tier"].astype("string").str.strip() if "tier" in df else pd.Series(
        pd.NA, index=df.index, dtype="string")
    tier = pd.to_numeric(tier_text.where(~_blank(tier_text, df.index), "1"), errors="coerce")
    text = text_faults(df, STORED_TEXT["registration"])
    unit = df["unit_code"].astype("string").str.strip()
    name = df["name"].astype("string").str.strip() if "name" in df else None
    reason = first_reason(df.index, [
        ("id", ids["reason"].notna()),
        *text.checks(),
        ("name_missing", _blank(name, df.index)),
        ("unit_unknown", ~unit.isin(list(units))),
        ("date_invalid", bad_date),
        *date_checks(registered, bounds, after),
        ("category_unknown", ~category.isin(list(known_categories))),
        ("tier_unknown", ~tier.isin(list(c.contribution.tiers))),
        ("deceased", ids["id_number"].isin(list(deceased))),
    ])
    reason = reason.where(reason != "id", ids["reason"])
    ok = reason.isna()
    accepted = pd.DataFrame({
        "id_number": ids["id_number"], "name": df["name"] if name is None else name,
        "sex": ids["sex"], "birth_date": born, "unit_code": unit,
        "category": category, "tier": tier.astype("Int64"), "registered_on": registered,
        "phone": df.get("phone", pd.NA), "household": df.get("household", pd.NA),
        "person_number": df.get("person_number", pd.NA),
        "source_file": df["source_file"], "source_row": df["source_row"].astype("int64"),
    }, index=df.index)[ok]
    # One enrollment per person: the earliest registration wins, later ones (another village) are rejected.
    accepted = accepted.sort_values(["registered_on", "source_file", "source_row"], kind="stable")
    dup = accepted["id_number"].duplicated(keep="first")
    reason.loc[dup[dup].index] = "duplicate_enrollment"
    accepted = accepted[~dup].sort_index()
    if enrolled is not None and not bounds.allow_transfers:
        # The existing enrollment wins: a row placing an enrolled person in another unit waits for confirmation.
        moved = transfers(accepted, enrolled, source, set(df["source_file"].unique()))
        reason.loc[moved[moved].index] = "transfer_unconfirmed"
        accepted = accepted[~moved]
    return Validated(accepted, rejected_frame(df, reason, source, text.column))


def validate_payments(df: pd.DataFrame, *, today: date, source: str, bounds: IntakeBounds,
                      units: Collection[str] | None = None) -> Validated:
    """Payment rows checked: reference, ID, amount and its maximum, date within the window, unit (where the
    file names one), repeated refs."""
    skipped = pd.Series(False, index=df.index)
    if "status" in df:
        # Bank return files list failed deductions too: those are not payments at all.
        skipped = df["status"].astype("string").str.contains("失败|未成功|fail", case=False, na=False)
        df = df[~skipped]
    ids = _ids(df, today)
    fen, bad_amount = parse_amount_fen(df["amount"])
    paid_on, bad_date = parse_dates(df["paid_on"])
    ref = df["external_ref"].astype("string").str.strip()
    text = text_faults(df, STORED_TEXT["payment"])
    checks = [
        ("reference_missing", _blank(ref, df.index)),
        ("id", ids["reason"].notna()),
        *text.checks(),
        ("amount_invalid", bad_amount | (fen.fillna(0) <= 0)),
        *amount_checks(fen, bounds),
        ("date_invalid", bad_date),
        *date_checks(paid_on, bounds, "paid_after_last_day"),
    ]
    if units is not None and "unit_code" in df:
        checks.append(("unit_unknown", ~df["unit_code"].astype("string").str.strip().isin(list(units))))
    checks.append(("payment_duplicate_row", ref.duplicated(keep="first") & ref.notna()))
    reason = first_reason(df.index, checks)
    reason = reason.where(reason != "id", ids["reason"])
    ok = reason.isna()
    accepted = pd.DataFrame({
        "external_ref": ref, "id_number": ids["id_number"],
        "name": df["name"].astype("string").str.strip() if "name" in df else pd.NA,
        "unit_code": df["unit_code"].astype("string").str.strip() if "unit_code" in df else pd.NA,
        "amount_fen": fen, "paid_on": paid_on,
        "source_file": df["source_file"], "source_row": df["source_row"].astype("int64"),
    }, index=df.index)[ok]
    return Validated(accepted, rejected_frame(df, reason, source, text.column), int(skipped.sum()))
