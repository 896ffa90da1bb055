"""Matching payments to registrations and quotes (who paid what, what they owed) and when cover starts."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from canbao.money import fen
from canbao.policy.benefit_start import benefit_start
from canbao.policy.model import Campaign
from canbao.policy.quote import PolicyError, quote
from canbao.policy.window import payment_window
from canbao.state.distinct import per_distinct

__all__ = ["benefit_outcomes", "benefit_starts", "expected_fen", "match_payments"]


def expected_fen(c: Campaign, people: pd.DataFrame) -> pd.Series:
    """What each person owes out of pocket, in fen: columns category, tier, exemption, paid_on."""
    late_after = c.contribution.late.after if c.contribution.late else None
    late = (pd.to_datetime(people["paid_on"]) > pd.Timestamp(late_after)) if late_after else pd.Series(
        False, index=people.index)
    probe = late_after + timedelta(days=1) if late_after else None
    keys = pd.DataFrame({"category": people["category"].astype(str), "tier": people["tier"].astype(int),
                         "exemption": people["exemption"].astype("object").where(people["exemption"].notna(), None),
                         "late": late.fillna(False).astype(bool)})

    def owed(category: str, tier: int, exemption: str | None, is_late: bool) -> tuple[int]:
        return (fen(quote(c, category, tier, exemption, probe if is_late else None).resident_pays),)

    return per_distinct(keys, owed, ["fen"])["fen"].astype("int64")


def match_payments(c: Campaign, enrollments: pd.DataFrame, exemptions: pd.DataFrame,
                   payments: pd.DataFrame) -> pd.DataFrame:
    """Each payment with `status` and `expected_fen`: matched, underpaid, overpaid, duplicate or orphan."""
    pay = payments.copy()
    pay["_order"] = range(len(pay))
    ordered = pay.sort_values(["paid_on", "channel", "external_ref"], kind="stable")
    people = enrollments[["id_number", "category", "tier"]].merge(
        exemptions[["id_number", "exemption"]], on="id_number", how="left")
    merged = ordered.merge(people, on="id_number", how="left", indicator=True)
    merged.index = ordered.index
    registered = merged["_merge"] == "both"
    first = ~merged["id_number"].duplicated(keep="first")
    status = pd.Series("orphan", index=merged.index, dtype="object")
    expected = pd.Series(pd.NA, index=merged.index, dtype="Int64")
    if registered.any():
        exp = expected_fen(c, merged.loc[registered])
        expected.loc[registered] = exp
        amount = merged.loc[registered, "amount_fen"].astype("int64")
        status.loc[registered] = "matched"
        status.loc[registered[registered].index[(amount < exp).to_numpy()]] = "underpaid"
        status.loc[registered[registered].index[(amount > exp).to_numpy()]] = "overpaid"
    status[registered & ~first] = "duplicate"
    out = payments.copy()
    out["status"] = status.reindex(out.index)
    out["expected_fen"] = expected.reindex(out.index)
    return out


def benefit_outcomes(c: Campaign, enrollments: pd.DataFrame, paid_on: pd.Series) -> pd.DataFrame:
    """Per enrollment: `benefit_start`, `admission` (accepted, needs_proof, refused; None if not yet enrolled or
    no rule covers the day) and `reason` (its code). Columns kind, category, birth_date, insured_years ("2018,2019"
    text); `paid_on` is the day the person would become enrolled (NaT: not yet, so no start)."""
    when = pd.to_datetime(paid_on).reindex(enrollments.index)
    born = pd.to_datetime(enrollments["birth_date"])
    newborn_days = max((r.newborn_within_days or 0 for r in c.benefit_start.rules), default=0)
    # Birth dates matter to newborn rules and to proof (a baby born after the period needs none).
    after_period = born > pd.Timestamp(payment_window(c).period_end)
    young = ((when - born).dt.days.le(newborn_days) & (when >= born)) | after_period
    keys = pd.DataFrame({
        "kind": enrollments["kind"].astype(str), "day": when, "born": born.where(young),
        "years": enrollments["insured_years"].fillna("").astype(str)
        if "insured_years" in enrollments else "",
        "category": enrollments["category"].astype(str),
    }, index=enrollments.index)[when.notna()]

    def outcome(kind: str, day: pd.Timestamp, birth: pd.Timestamp, years: str, category: str
                ) -> tuple[object, str | None, str | None]:
        insured = [int(y) for y in years.split(",") if y.strip()]
        try:
            got = benefit_start(c, kind, day.date(), None if pd.isna(birth) else birth.date(), insured, category)
        except PolicyError:  # no rule covers that day: no start rather than a wrong one
            return pd.NaT, None, None
        # A refused payment (after the last day, or cover only after the year) has no start (NaT).
        return (pd.Timestamp(got.benefit_start) if got.benefit_start else pd.NaT, got.admission.outcome,
                got.admission.code)

    found = per_distinct(keys, outcome, ["benefit_start", "admission", "reason"])
    out = pd.DataFrame({"benefit_start": pd.Series(pd.NaT, index=enrollments.index, dtype="datetime64[us]"),
                        "admission": pd.Series(None, index=enrollments.index, dtype="object"),
                        "reason": pd.Series(None, index=enrollments.index, dtype="object")})
    if len(found):
        out.loc[keys.index, "benefit_start"] = pd.to_datetime(found["benefit_start"]).to_numpy()
        out.loc[keys.index, "admission"] = found["admission"].to_numpy()
        out.loc[keys.index, "reason"] = found["reason"].to_numpy()
    for column in ("admission", "reason"):  # pandas fills the rows not assigned with NaN: keep them None
        out[column] = out[column].astype("object").where(out[column].notna(), None)
    return out


def benefit_starts(c: Campaign, enrollments: pd.DataFrame, paid_on: pd.Series) -> pd.Series:
    """Benefit start per enrollment (see `benefit_outcomes`; NaT: not enrolled, refused or no rule)."""
    return benefit_outcomes(c, enrollments, paid_on)["benefit_start"]
