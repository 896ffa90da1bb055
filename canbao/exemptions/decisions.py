"""The coordinator's decision on a pending list version: approve, reject with a reason, or exclude some."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, select, update

from canbao.exemptions.versions import load_entries
from canbao.identity import mask_id, normalize_id
from canbao.ledger.schema_exemptions import ExemptionEntry, ExemptionList
from canbao.ledger.types import FULL_ID_RE

__all__ = ["Decision", "claim", "decide", "match_exclusions", "pending_versions"]


@dataclass(frozen=True)
class Decision:
    """What the coordinator decided: `approved`, `rejected` or `approved_with_exclusions` (by ID or row)."""

    status: str
    reason: str | None = None
    exclusions: tuple[str, ...] = ()
    decided_by: str | None = None


def pending_versions(conn: Connection, campaign_id: str) -> list[dict[str, Any]]:
    """List versions still waiting for a decision, by agency then version."""
    t = ExemptionList.__table__
    rows = conn.execute(select(t).where(t.c.campaign_id == campaign_id, t.c.status == "received")
                        .order_by(t.c.agency, t.c.version)).mappings().all()
    return [dict(r) for r in rows]


def claim(conn: Connection, campaign_id: str, agency: str, version: int, run: str | None, until: datetime,
          now: datetime) -> bool:
    """Mark the version as awaiting a decision in this run; False while another run is still waiting for it."""
    t = ExemptionList.__table__
    row = conn.execute(select(t.c.awaiting_run_id, t.c.awaiting_until).where(
        t.c.campaign_id == campaign_id, t.c.agency == agency, t.c.version == version)).one()
    if row.awaiting_run_id == run and run is not None:
        return True
    if row.awaiting_run_id and row.awaiting_until and row.awaiting_until > now:
        return False
    conn.execute(update(t).where(t.c.campaign_id == campaign_id, t.c.agency == agency, t.c.version == version)
                 .values(awaiting_run_id=run, awaiting_until=until))
    return True


def match_exclusions(entries: pd.DataFrame, tokens: tuple[str, ...]) -> tuple[set[str], list[str]]:
    """ID numbers of the entries named by ID number or source row number, and the tokens that named nobody."""
    ids, unmatched = set(), []
    listed = set(entries["id_number"])
    rows = entries.groupby("source_row")["id_number"].agg(list).to_dict()
    for token in tokens:
        text = normalize_id(token) or ""
        if len(text) == 18 and text in listed:
            ids.add(text)
        elif text.isdigit() and len(text) < 18 and int(text) in rows:
            ids.update(rows[int(text)])
        else:
            unmatched.append(mask_id(text) if len(text) == 18 else text)
    return ids, unmatched


def _masked(text: str | None, limit: int) -> str | None:
    return FULL_ID_RE.sub(lambda m: mask_id(m.group().upper()), text.strip())[:limit] if text else None


def decide(conn: Connection, campaign_id: str, agency: str, version: int, decision: Decision,
           now: datetime) -> dict[str, Any] | None:
    """Store the decision on a pending version (None if it was decided or superseded meanwhile)."""
    t, e = ExemptionList.__table__, ExemptionEntry.__table__
    key = (t.c.campaign_id == campaign_id) & (t.c.agency == agency) & (t.c.version == version)
    row = conn.execute(select(t.c.status, t.c.files).where(key)).first()
    if row is None or row.status != "received":
        return None
    excluded, unmatched = set(), []
    if decision.status != "rejected" and decision.exclusions:
        excluded, unmatched = match_exclusions(load_entries(conn, campaign_id, agency, version), decision.exclusions)
    status = decision.status
    if status != "rejected":
        status = "approved_with_exclusions" if excluded else "approved"
    if excluded:
        conn.execute(update(e).where(e.c.campaign_id == campaign_id, e.c.agency == agency, e.c.version == version,
                                     e.c.id_number.in_(sorted(excluded))).values(excluded=True))
    conn.execute(update(t).where(key).values(
        status=status, reason=_masked(decision.reason, 500), decided_by=_masked(decision.decided_by, 64),
        excluded=len(excluded), decided_at=now, awaiting_run_id=None, awaiting_until=None))
    return {"agency": agency, "version": version, "status": status, "excluded": len(excluded),
            "unmatched": unmatched, "reason": _masked(decision.reason, 500), "files": list(row.files)}
