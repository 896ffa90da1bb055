"""Fiscal transfers in the ledger: requests kept up to date, confirmations recorded, overdue ones found."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from sqlalchemy import Connection, delete, select, update

from canbao.ledger.bulk import insert_rows, upsert
from canbao.ledger.schema import Audit
from canbao.ledger.schema_settlement import FiscalTransfer

__all__ = ["CONFIRM_REASONS", "TRANSFER_STATE_LABELS", "Confirmation", "StoredTransfers", "load_transfers",
           "overdue_transfers", "record_confirmations", "store_transfers", "transfer_states"]

CONFIRM_REASONS = {"transfer_unknown": "转账编号不存在", "amount_mismatch": "到账金额与申请金额不符",
                   "date_invalid": "到账日期无效"}
# What `transfer_states` says of a transfer, in Chinese (every output that shows a state takes it from here).
TRANSFER_STATE_LABELS = {"requested": "已申请", "overdue": "逾期未到账", "confirmed": "已到账",
                         "confirmed_late": "逾期到账"}
_REQUEST_COLUMNS = ["rule", "basis", "name", "payer", "payer_name", "payee", "payee_name", "amount_fen", "due_on",
                    "deadline_code"]


@dataclass(frozen=True)
class Confirmation:
    """A bank's (or coordinator's) confirmation that a requested transfer arrived."""

    code: str
    confirmed_on: date
    reference: str | None = None
    amount_fen: int | None = None


@dataclass(frozen=True)
class StoredTransfers:
    """What storing the requests did: rows written, confirmed transfers whose amount has since changed."""

    changed: int
    withdrawn: int
    changed_after_confirmation: list[str]


def load_transfers(conn: Connection, campaign_id: str) -> pd.DataFrame:
    """The campaign's fiscal transfers ordered by due date and code."""
    t = FiscalTransfer.__table__
    cols = [c for c in t.columns if c.name != "id"]
    rows = conn.execute(select(*cols).where(t.c.campaign_id == campaign_id).order_by(t.c.due_on, t.c.code)).all()
    return pd.DataFrame(rows, columns=[c.name for c in cols])


def store_transfers(conn: Connection, campaign_id: str, requests: pd.DataFrame, requested_on: date,
                    now: datetime, flow_run_id: str | None) -> StoredTransfers:
    """Upsert the requests; confirmed transfers are never altered, requests no longer due are withdrawn."""
    old = load_transfers(conn, campaign_id).set_index("code")
    confirmed = set(old.index[old["status"] == "confirmed"])
    fresh = requests[~requests["code"].isin(confirmed)].assign(campaign_id=campaign_id, status="requested",
                                                               requested_on=requested_on)
    changed = upsert(conn, FiscalTransfer, fresh, keys=["campaign_id", "code"], update=_REQUEST_COLUMNS)
    amounts = dict(zip(requests["code"], requests["amount_fen"]))
    moved = sorted(c for c in confirmed if c in amounts and int(amounts[c]) != int(old.at[c, "amount_fen"]))
    stale = sorted(set(old.index[old["status"] == "requested"]) - set(requests["code"]))
    if stale:
        t = FiscalTransfer.__table__
        conn.execute(delete(t).where(t.c.campaign_id == campaign_id, t.c.code.in_(stale)))
        insert_rows(conn, Audit, [{"at": now, "flow_run_id": flow_run_id, "campaign_id": campaign_id,
                                   "action": "withdraw", "table_name": "fiscal_transfers", "record_key": code,
                                   "before": {"amount_fen": int(old.at[code, "amount_fen"])}} for code in stale])
    return StoredTransfers(changed, len(stale), moved)


def record_confirmations(conn: Connection, campaign_id: str, confirmations: list[Confirmation],
                         now: datetime, flow_run_id: str | None) -> list[dict[str, str]]:
    """Mark transfers confirmed (idempotent); returns the refused confirmations with their reason."""
    current = load_transfers(conn, campaign_id).set_index("code")
    refused, rows, audit = [], [], []
    for x in confirmations:
        if x.code not in current.index:
            refused.append({"code": x.code, "reason": "transfer_unknown"})
            continue
        amount = int(current.at[x.code, "amount_fen"])
        if x.amount_fen is not None and x.amount_fen != amount:
            refused.append({"code": x.code, "reason": "amount_mismatch"})
            continue
        row = {"code": x.code, "status": "confirmed", "confirmed_on": x.confirmed_on, "confirmed_fen": amount,
               "reference": x.reference}
        before = current.loc[x.code]
        if (before["status"], before["confirmed_on"], before["reference"]) != ("confirmed", x.confirmed_on,
                                                                               x.reference):
            audit.append({"at": now, "flow_run_id": flow_run_id, "campaign_id": campaign_id, "action": "confirm",
                          "table_name": "fiscal_transfers", "record_key": x.code,
                          "after": {"confirmed_on": x.confirmed_on.isoformat(), "reference": x.reference}})
        rows.append(row)
    t = FiscalTransfer.__table__
    for code, row in {r.pop("code"): r for r in rows}.items():  # the last confirmation of a transfer wins
        conn.execute(update(t).where(t.c.campaign_id == campaign_id, t.c.code == code).values(**row))
    if audit:
        insert_rows(conn, Audit, audit)
    return [r | {"label": CONFIRM_REASONS[r["reason"]]} for r in refused]


def transfer_states(transfers: pd.DataFrame, as_of: date) -> pd.Series:
    """Per transfer: confirmed, confirmed_late, requested (not yet due) or overdue (unconfirmed past due)."""
    due = pd.to_datetime(transfers["due_on"])
    done = transfers["status"] == "confirmed"
    late = pd.to_datetime(transfers["confirmed_on"]) > due
    state = pd.Series("requested", index=transfers.index, dtype="object")
    state[~done & (due < pd.Timestamp(as_of))] = "overdue"
    state[done] = "confirmed"
    state[done & late] = "confirmed_late"
    return state


def overdue_transfers(conn: Connection, as_of: date, campaign_id: str | None = None) -> pd.DataFrame:
    """Requested transfers whose due date is before `as_of` (for every campaign, or one)."""
    t = FiscalTransfer.__table__
    query = select(t.c.campaign_id, t.c.code, t.c.name, t.c.payer, t.c.payer_name, t.c.payee, t.c.payee_name,
                   t.c.amount_fen, t.c.due_on).where(t.c.status == "requested", t.c.due_on < as_of)
    if campaign_id is not None:
        query = query.where(t.c.campaign_id == campaign_id)
    rows = conn.execute(query.order_by(t.c.campaign_id, t.c.due_on, t.c.code)).all()
    return pd.DataFrame(rows, columns=["campaign_id", "code", "name", "payer", "payer_name", "payee", "payee_name",
                                       "amount_fen", "due_on"])
