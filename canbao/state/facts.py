"""The ledger's facts about one campaign, read once: units, registrations, payments, exemptions, proof
decisions, last year."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection, select, union

from canbao.clock import SHANGHAI
from canbao.heap import bulk_allocation
from canbao.ledger.frames import read_frame
from canbao.ledger.schema import Enrollment, Exemption, Import, Payment, PriorInsured, Resident, Unit
from canbao.ledger.schema_proofs import ProofConfirmation

__all__ = ["Facts", "load_facts", "make_facts", "shanghai_naive"]

_COLUMNS = {
    "units": ["code", "name", "level", "parent_code", "target"],
    "registrations": ["id_number", "unit_code", "category", "tier", "channel", "kind", "registered_at", "known_at",
                      "birth_date", "name", "prior_insured"],
    "payments": ["channel", "external_ref", "id_number", "unit_code", "amount_fen", "paid_on", "known_at"],
    "exemptions": ["id_number", "exemption", "agency", "approved_at", "known_at"],
    "proofs": ["id_number", "decision", "proof", "reviewer", "decided_at", "known_at"],
    "prior": ["id_number", "unit_code", "category"],
    "residents": ["id_number", "name", "birth_date", "deceased_on"],
}
_DATES = ("registered_at", "birth_date", "paid_on", "deceased_on")


@dataclass(frozen=True)
class Facts:
    """What a campaign's state is computed from; every time is a naive Asia/Shanghai datetime64.

    `known_at` is when the ledger learned a fact (its import); NaT means known from the start.
    `exemptions.approved_at` is when the list was approved (NaT: no approval recorded, counts once known).
    `units` has `prior`: last year's insured whose unit it is.
    `proofs`: a coordinator's decision (confirmed, refused) on a person's proof, `decided_at` and `known_at`
    (when it was recorded).
    """

    campaign_id: str
    units: pd.DataFrame
    registrations: pd.DataFrame
    payments: pd.DataFrame
    exemptions: pd.DataFrame
    prior: pd.DataFrame
    residents: pd.DataFrame
    proofs: pd.DataFrame


def shanghai_naive(values: pd.Series) -> pd.Series:
    """Aware timestamps as naive Asia/Shanghai datetime64 (missing stays NaT); naive ones are taken as they are."""
    if pd.api.types.is_datetime64_dtype(values):  # already naive datetime64 (read by `read_frame`)
        return pd.Series(values).astype("datetime64[ns]")
    series = pd.Series(values, dtype="object")
    if series.notna().any() and getattr(series.dropna().iloc[0], "tzinfo", None) is not None:
        stamps = pd.to_datetime(series, utc=True).dt.tz_convert(SHANGHAI).dt.tz_localize(None)
    else:
        stamps = pd.to_datetime(series)
    return stamps.astype("datetime64[ns]")


def _shape(frame: pd.DataFrame | None, kind: str) -> pd.DataFrame:
    out = (pd.DataFrame(columns=_COLUMNS[kind]) if frame is None else frame.copy()).reset_index(drop=True)
    for column in _COLUMNS[kind]:
        if column not in out:
            out[column] = False if column == "prior_insured" else None
    for column in out.columns:
        if column in _DATES and pd.api.types.is_datetime64_dtype(out[column]):
            out[column] = out[column].astype("datetime64[ns]")
        elif column in _DATES:
            out[column] = pd.to_datetime(pd.Series(out[column], dtype="object")).astype("datetime64[ns]")
        elif column in ("known_at", "approved_at", "decided_at"):
            out[column] = shanghai_naive(out[column])
    return out


def make_facts(campaign_id: str, units: pd.DataFrame, registrations: pd.DataFrame, payments: pd.DataFrame,
               exemptions: pd.DataFrame, prior: pd.DataFrame | None = None,
               residents: pd.DataFrame | None = None, proofs: pd.DataFrame | None = None) -> Facts:
    """Facts from frames (columns as `Facts` describes; missing ones are filled: known from the start)."""
    prior = _shape(prior, "prior")
    units = _shape(units, "units")
    units["prior"] = units["code"].map(prior["unit_code"].value_counts()).fillna(0).astype("int64")
    registrations = _shape(registrations, "registrations")
    registrations["tier"] = registrations["tier"].astype("int64")
    registrations["prior_insured"] = registrations["prior_insured"].fillna(False).astype(bool) | registrations[
        "id_number"].isin(prior["id_number"].to_numpy())
    payments = _shape(payments, "payments")
    payments["amount_fen"] = payments["amount_fen"].astype("int64")
    exemptions = _shape(exemptions, "exemptions")
    if residents is None:
        residents = registrations[["id_number", "name", "birth_date"]].assign(deceased_on=None)
    return Facts(campaign_id, units, registrations, payments, exemptions, prior, _shape(residents, "residents"),
                 _shape(proofs, "proofs"))


@bulk_allocation()
def load_facts(conn: Connection, campaign_id: str, *, residents: bool = False) -> Facts:
    """Read every fact of a campaign the state needs, in one place (the only reader of these tables).

    `residents=True` also reads the residents register (names, birth and death dates of everyone the campaign
    names, last year's insured included), which only cleanup needs; without it `Facts.residents` is the
    registered people, without death dates.
    """
    u, e, r, p, x, i, pr = (Unit.__table__, Enrollment.__table__, Resident.__table__, Payment.__table__,
                            Exemption.__table__, Import.__table__, PriorInsured.__table__)
    known = i.c.imported_at.label("known_at")
    units = read_frame(conn, select(u.c.code, u.c.name, u.c.level, u.c.parent_code, u.c.target)
                       .where(u.c.campaign_id == campaign_id))
    registrations = read_frame(conn, select(
        e.c.id_number, e.c.unit_code, e.c.category, e.c.tier, e.c.channel, e.c.kind, e.c.registered_at, known,
        r.c.birth_date, r.c.name).join(r, r.c.id_number == e.c.id_number)
        .join(i, i.c.id == e.c.import_id).where(e.c.campaign_id == campaign_id))
    payments = read_frame(conn, select(p.c.channel, p.c.external_ref, p.c.id_number, p.c.unit_code, p.c.amount_fen,
                                       p.c.paid_on, known).join(i, i.c.id == p.c.import_id)
                          .where(p.c.campaign_id == campaign_id))
    exemptions = read_frame(conn, select(x.c.id_number, x.c.category.label("exemption"), x.c.agency,
                                         x.c.approved_at, known)
                            .join(i, i.c.id == x.c.import_id).where(x.c.campaign_id == campaign_id))
    prior = read_frame(conn, select(pr.c.id_number, pr.c.unit_code, pr.c.category)
                       .where(pr.c.campaign_id == campaign_id))
    register = None
    if residents:
        ids = union(select(e.c.id_number).where(e.c.campaign_id == campaign_id),
                    select(pr.c.id_number).where(pr.c.campaign_id == campaign_id),
                    select(x.c.id_number).where(x.c.campaign_id == campaign_id)).subquery()
        register = read_frame(conn, select(r.c.id_number, r.c.name, r.c.birth_date, r.c.deceased_on)
                              .join(ids, ids.c.id_number == r.c.id_number))
    pc = ProofConfirmation.__table__
    proofs = read_frame(conn, select(pc.c.id_number, pc.c.decision, pc.c.proof, pc.c.reviewer, pc.c.decided_at,
                                     pc.c.recorded_at.label("known_at")).where(pc.c.campaign_id == campaign_id))
    return make_facts(campaign_id, units, registrations, payments, exemptions, prior, register, proofs)
