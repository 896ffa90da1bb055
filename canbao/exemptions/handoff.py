"""Handoff batches in the ledger: a new batch whenever the consolidated list changed; persons' request batch."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, select

from canbao.exemptions.consolidate import consolidated_sha256
from canbao.ledger.bulk import insert_rows
from canbao.ledger.schema_exemptions import ExemptionBatch, ExemptionRequest

__all__ = ["record_handoff", "request_batches"]


def request_batches(conn: Connection, campaign_id: str) -> dict[str, int]:
    """ID number → the request batch in which the person was first handed off."""
    t = ExemptionRequest.__table__
    return dict(conn.execute(select(t.c.id_number, t.c.batch).where(t.c.campaign_id == campaign_id)).all())


def record_handoff(conn: Connection, campaign_id: str, people: pd.DataFrame, paid_on_behalf_fen: int,
                   now: datetime, run: str | None) -> dict[str, Any] | None:
    """Record the consolidated list as the next batch unless it is the one handed off last (then None)."""
    t = ExemptionBatch.__table__
    sha = consolidated_sha256(people)
    last = conn.execute(select(t.c.batch, t.c.consolidated_sha256).where(t.c.campaign_id == campaign_id)
                        .order_by(t.c.batch.desc()).limit(1)).first()
    if last is not None and last.consolidated_sha256 == sha:
        return None
    batch = (last.batch if last else 0) + 1
    fresh = sorted(set(people["id_number"]) - set(request_batches(conn, campaign_id)))
    versions = {a: int(v) for a, v in people.groupby("agency")["version"].max().items()}
    record = {"campaign_id": campaign_id, "batch": batch, "consolidated_sha256": sha, "versions": versions,
              "persons": len(people), "new_persons": len(fresh), "paid_on_behalf_fen": int(paid_on_behalf_fen)}
    conn.execute(t.insert().values(**record, handed_off_at=now, flow_run_id=run))
    if fresh:
        insert_rows(conn, ExemptionRequest, [{"campaign_id": campaign_id, "id_number": i, "batch": batch}
                                             for i in fresh])
    return record | {"new_ids": fresh}
