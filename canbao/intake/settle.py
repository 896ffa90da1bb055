"""The stored cache of the campaign's state: payment statuses and benefit starts written after each intake."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Connection, select

from canbao.ledger.bulk import update_by_id
from canbao.ledger.schema import Enrollment, Exemption, Payment, PriorInsured, Resident
from canbao.policy.model import Campaign
from canbao.state import campaign_state, load_facts

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


def settle_campaign(conn: Connection, c: Campaign, as_of: date) -> Settled:
    """Refresh the stored cache of the campaign's state as of `as_of` (`canbao.state`): each payment's status and
    expected amount, each enrollment's benefit start; write what changed. No output reads these columns.

    A payment made after `as_of` is `unchecked`; someone not enrolled by then has no benefit start.
    """
    enrollments, exemptions, payments = load_frames(conn, c.id)
    state = campaign_state(c, load_facts(conn, c.id), as_of)
    keys = ["channel", "external_ref"]
    checked = payments[keys].merge(state.payments[[*keys, "status", "expected_fen"]], on=keys, how="left")
    matched = payments.assign(status=checked["status"].fillna("unchecked").to_numpy(),
                              expected_fen=pd.array(checked["expected_fen"].to_numpy(), dtype="Int64"))
    moved = _changed(matched, payments, ["status", "expected_fen"])
    # Only the cached columns of the rows that moved are written, found by id (not a full-row upsert).
    n_pay = update_by_id(conn, Payment, matched.loc[moved, ["id", "status", "expected_fen"]],
                         ["status", "expected_fen"]) if moved.any() else 0
    starts = state.people.set_index("id_number")["benefit_start"]
    # pandas cannot map through an empty datetime Series (it casts it to float64): nobody registered yet.
    fresh = enrollments.assign(benefit_start=pd.to_datetime(
        enrollments["id_number"].map(starts) if len(starts) else pd.Series(pd.NaT, index=enrollments.index)))
    changed = _changed(fresh, enrollments, ["benefit_start"])
    n_enr = update_by_id(conn, Enrollment, fresh.loc[changed, ["id", "benefit_start"]],
                         ["benefit_start"]) if changed.any() else 0
    return Settled(fresh, matched, exemptions, n_pay, n_enr)
