"""The ledger's fingerprint of one campaign: a hash that moves whenever a fact the intake's outputs use moves."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import ColumnElement, Connection, FromClause, Select, func, select

from canbao.ledger.schema import (
    Audit,
    Campaign,
    CashDeposit,
    Enrollment,
    Exemption,
    Import,
    Payment,
    PriorInsured,
    Rejection,
    Unit,
)
from canbao.ledger.schema_exemptions import ExemptionEntry, ExemptionList
from canbao.ledger.schema_proofs import ProofConfirmation

__all__ = ["fingerprint_queries", "ledger_fingerprint"]


def _tally(table: FromClause, where: ColumnElement[bool]) -> Select[Any]:
    """Count and highest id of the campaign's rows: one scan of an index that leads with campaign_id."""
    return select(func.count(), func.max(table.c.id)).where(where)


def fingerprint_queries(campaign_id: str) -> dict[str, Select[Any]]:
    """The aggregate queries the fingerprint hashes, by name (each reads one table of the campaign)."""
    c, u, i = Campaign.__table__, Unit.__table__, Import.__table__
    e, p, x, r = Enrollment.__table__, Payment.__table__, Exemption.__table__, Rejection.__table__
    lists, entries, pc = ExemptionList.__table__, ExemptionEntry.__table__, ProofConfirmation.__table__
    prior, cash, audit = PriorInsured.__table__, CashDeposit.__table__, Audit.__table__
    imports = select(i.c.id).where(i.c.campaign_id == campaign_id).scalar_subquery()
    return {
        # Small tables, read whole: an approval, a target or a re-taken file changes a row in place.
        "campaign": select(c.c.config_sha256).where(c.c.id == campaign_id),
        "units": select(u.c.code, u.c.name, u.c.level, u.c.parent_code, u.c.target)
        .where(u.c.campaign_id == campaign_id).order_by(u.c.code),
        "imports": select(i.c.id, i.c.source, i.c.file_name, i.c.sha256, i.c.rows_total, i.c.rows_accepted,
                          i.c.rows_rejected, i.c.imported_at, i.c.supersedes_id)
        .where(i.c.campaign_id == campaign_id).order_by(i.c.id),
        "exemption_lists": select(lists.c.id, lists.c.status, lists.c.decided_at, lists.c.excluded)
        .where(lists.c.campaign_id == campaign_id).order_by(lists.c.id),
        # Large tables change only with an import (a new or re-taken one moves `imports`), by a supersede or
        # a consolidation (moves count, ids or the audit) or by an approval or a proof decision (grouped).
        "enrollments": _tally(e, e.c.campaign_id == campaign_id),
        "payments": _tally(p, p.c.campaign_id == campaign_id),
        # Per approval time (a list's decision: a handful of groups), so one person's approval moving shows.
        "exemptions": select(x.c.approved_at, func.count(), func.sum(x.c.id), func.sum(x.c.import_id))
        .where(x.c.campaign_id == campaign_id).group_by(x.c.approved_at).order_by(x.c.approved_at),
        "exemption_entries": _tally(entries, entries.c.campaign_id == campaign_id),
        "prior_insured": _tally(prior, prior.c.campaign_id == campaign_id),
        "cash_deposits": _tally(cash, cash.c.campaign_id == campaign_id),
        "proofs": select(pc.c.decision, func.count(), func.sum(pc.c.id), func.max(pc.c.recorded_at),
                         func.max(pc.c.decided_at)).where(pc.c.campaign_id == campaign_id)
        .group_by(pc.c.decision).order_by(pc.c.decision),
        "rejections": _tally(r, r.c.import_id.in_(imports)),
        "audit": _tally(audit, audit.c.campaign_id == campaign_id),
    }


def ledger_fingerprint(conn: Connection, campaign_id: str) -> str:
    """SHA-256 over the campaign's facts in aggregate: equal on a rerun that took nothing in, different after
    any import, re-taken or superseded file, approval, proof decision, unit target or configuration change."""
    queries = fingerprint_queries(campaign_id)
    found = {name: [list(row) for row in conn.execute(query)] for name, query in queries.items()}
    text = json.dumps(found, default=str, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()
