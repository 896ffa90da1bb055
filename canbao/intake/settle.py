"""Campaign-wide matching after an intake: payment statuses and benefit starts brought up to date."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection, select

from canbao.intake.matching import benefit_starts, match_payments
from canbao.ledger.bulk import upsert
from canbao.ledger.schema import PAYMENT_KEY, Enrollment, Exemption, Payment, PriorInsured, Resident
from canbao.policy.model import Campaign

__all__ = ["Settled", "load_frames", "settle_campaign"]


@dataclass(frozen=True)
class Settled:
    """The campaign's enrollments and payments after matching, and how many records changed."""

    enrollments: pd.DataFrame
    payments: pd.DataFrame
    exemptions: pd.DataFrame
    payments_changed: int
    enrollments_changed: int


def _frame(conn: Connection, stmt) -> pd.DataFrame:
    """A query's rows as a frame, built column by column (much faster than row tuples for big results)."""
    result = conn.execute(stmt)
    keys, rows = list(result.keys()), result.fetchall()
    columns = list(zip(*rows)) if rows else [()] * len(keys)
    frame = pd.DataFrame({k: pd.Series(list(v), dtype="object") for k, v in zip(keys, columns)})
    for name in ("paid_on", "registered_at", "birth_date", "benefit_start"):
        if name in frame:  # datetime64 keeps group-bys and comparisons vectorised
            frame[name] = pd.to_datetime(frame[name])
    return frame


def load_frames(conn: Connection, campaign_id: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Enrollments (with birth date and last year's insurance), exemptions and payments of a campaign."""
    e, r, x, p = Enrollment.__table__, Resident.__table__, Exemption.__table__, Payment.__table__
    prior = PriorInsured.__table__
    enrollments = _frame(conn, select(e, r.c.birth_date, prior.c.id_number.label("prior_id"))
                         .join(r, r.c.id_number == e.c.id_number)
                         .outerjoin(prior, (prior.c.campaign_id == e.c.campaign_id)
                                    & (prior.c.id_number == e.c.id_number))
                         .where(e.c.campaign_id == campaign_id))
    exemptions = _frame(conn, select(x.c.id_number, x.c.category.label("exemption"), x.c.agency)
                        .where(x.c.campaign_id == campaign_id))
    payments = _frame(conn, select(p).where(p.c.campaign_id == campaign_id))
    return enrollments, exemptions, payments


def _changed(fresh: pd.DataFrame, old: pd.DataFrame, cols: list[str]) -> pd.Series:
    differs = pd.Series(False, index=fresh.index)
    for col in cols:
        a, b = fresh[col].astype("string"), old[col].astype("string")
        differs |= (a != b).fillna(a.isna() != b.isna())
    return differs


def settle_campaign(conn: Connection, c: Campaign) -> Settled:
    """Match every payment of the campaign and set each enrollment's benefit start; write what changed."""
    enrollments, exemptions, payments = load_frames(conn, c.id)
    year = c.campaign.insurance_year
    enrollments["insured_years"] = enrollments["prior_id"].notna().map({True: str(year - 1), False: ""})
    matched = match_payments(c, enrollments, exemptions, payments.drop(columns=["status", "expected_fen"]))
    moved = _changed(matched, payments, ["status", "expected_fen"])
    n_pay = upsert(conn, Payment, matched[moved].drop(columns=["id"]), keys=PAYMENT_KEY,
                   update=["status", "expected_fen"]) if moved.any() else 0
    # Cover starts from the payment that settled the contribution; a fully exempt person from registration.
    settled = matched[matched["status"].isin(["matched", "overpaid"])].groupby("id_number")["paid_on"].min()
    # pandas cannot map through an empty datetime Series (it casts it to float64): no settled payment yet.
    paid_on = enrollments["id_number"].map(settled) if len(settled) else pd.Series(pd.NaT, index=enrollments.index)
    exempt_full = enrollments.merge(exemptions, on="id_number", how="left")["exemption"].map(
        {e.code: e.funding_mode != "partial_subsidy" for e in c.exemptions}).fillna(False).astype(bool)
    paid_on = pd.to_datetime(paid_on).where(~exempt_full.values, pd.to_datetime(enrollments["registered_at"]))
    starts = benefit_starts(c, enrollments, paid_on)
    fresh = enrollments.assign(benefit_start=starts)
    changed = _changed(fresh, enrollments, ["benefit_start"])
    cols = [col.name for col in Enrollment.__table__.columns if col.name != "id"]
    n_enr = upsert(conn, Enrollment, fresh.loc[changed, cols], keys=["campaign_id", "id_number"],
                   update=["benefit_start"]) if changed.any() else 0
    return Settled(fresh, matched, exemptions, n_pay, n_enr)
