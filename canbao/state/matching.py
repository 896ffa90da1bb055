"""Matching payments to registrations and quotes (who paid what, what they owed) and when cover starts."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from canbao.money import fen
from canbao.policy.benefit_start import benefit_start
from canbao.policy.model import Campaign
from canbao.policy.quote import PolicyError, quote

__all__ = ["benefit_starts", "expected_fen", "match_payments"]


def expected_fen(c: Campaign, people: pd.DataFrame) -> pd.Series:
    """What each person owes out of pocket, in fen: columns category, tier, exemption, paid_on."""
    late_after = c.contribution.late.after if c.contribution.late else None
    late = (pd.to_datetime(people["paid_on"]) > pd.Timestamp(late_after)) if late_after else pd.Series(
        False, index=people.index)
    probe = late_after + timedelta(days=1) if late_after else None
    keys = pd.DataFrame({"category": people["category"].astype(str), "tier": people["tier"].astype(int),
                         "exemption": people["exemption"].astype("object").where(people["exemption"].notna(), None),
                         "late": late.fillna(False).astype(bool)})
    table: dict[tuple, int] = {}
    for key in keys.drop_duplicates().itertuples(index=False, name=None):
        category, tier, exemption, is_late = key
        q = quote(c, category, tier, exemption, probe if is_late else None)
        table[key] = fen(q.resident_pays)
    return pd.Series([table[k] for k in keys.itertuples(index=False, name=None)], index=people.index,
                     dtype="int64")


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


def benefit_starts(c: Campaign, enrollments: pd.DataFrame, paid_on: pd.Series) -> pd.Series:
    """Benefit start per enrollment: columns kind, birth_date, insured_years ("2018,2019" text);
    `paid_on` is the day the person became enrolled (NaT: not yet, so no start; NaT too where no rule covers it)."""
    when = pd.to_datetime(paid_on).reindex(enrollments.index)
    born = pd.to_datetime(enrollments["birth_date"])
    newborn_days = max((r.newborn_within_days or 0 for r in c.benefit_start.rules), default=0)
    young = (when - born).dt.days.le(newborn_days) & (when >= born)
    keys = pd.DataFrame({
        "kind": enrollments["kind"].astype(str), "day": when, "born": born.where(young),
        "years": enrollments["insured_years"].fillna("").astype(str)
        if "insured_years" in enrollments else "",
    }, index=enrollments.index)[when.notna()]
    starts: dict[tuple, pd.Timestamp] = {}
    for kind, day, birth, years in keys.drop_duplicates().itertuples(index=False, name=None):
        insured = [int(y) for y in years.split(",") if y.strip()]
        try:
            got = benefit_start(c, kind, day.date(), None if pd.isna(birth) else birth.date(), insured)
        except PolicyError:  # no rule covers that day (e.g. after the year): no start rather than a wrong one
            starts[(kind, day, birth, years)] = pd.NaT
            continue
        starts[(kind, day, birth, years)] = pd.Timestamp(got.benefit_start)
    values = [starts[k] for k in keys.itertuples(index=False, name=None)]
    out = pd.Series(pd.NaT, index=enrollments.index, dtype="datetime64[us]")
    out.loc[keys.index] = pd.to_datetime(pd.Series(values, index=keys.index, dtype="object"))
    return out
