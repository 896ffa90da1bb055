"""One person's history in the ledger (`canbao audit`): every record about them, where it came from, what changed.

An internal tool for the bureau: nothing is masked. Rejected rows are stored masked (no full ID), so they are
found by the masked ID and may belong to someone sharing its first six and last four characters.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, and_, or_, select

from canbao.identity import mask_id
from canbao.ledger.schema import Audit, Enrollment, Exemption, Import, Payment, PriorInsured, Rejection, Resident
from canbao.ledger.schema_exemptions import ExemptionEntry, ExemptionRequest
from canbao.reasons import label

__all__ = ["NOTICE", "NOT_AUDITED", "PersonHistory", "person_history"]

NOTICE = "内部：本文件含完整身份证号码、姓名等个人信息，未脱敏，仅供医保局内部核查使用，不得外传或公示"
# Ledger writes about a person that leave no `audit` row today (their rows still carry import and source row).
NOT_AUDITED = (
    "enrollments, payments, exemption_entries, prior_insured: the first insert (the row itself names its import "
    "and source row)",
    "residents: name, sex, birth date and phone are overwritten by a later file without an audit row; deceased_on "
    "from the deceased list likewise",
    "exemption_requests (funding batches) are not audited",
    "rejections hold no ID number, only the rejected column's value, masked: a row rejected for its ID is found "
    "here by the masked ID (possibly someone else's); a row rejected for another column cannot be tied to the "
    "person",
)


@dataclass
class PersonHistory:
    """Everything the ledger holds about one ID number, in one JSON-ready document."""

    id_number: str
    campaign: str | None
    resident: dict[str, Any] | None = None
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    changes: list[dict[str, Any]] = field(default_factory=list)
    possible_rejections: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"notice": NOTICE, "id_number": self.id_number, "campaign": self.campaign or "（全部）",
                "resident": self.resident, **self.records, "changes": self.changes,
                "possible_rejections": self.possible_rejections, "not_audited": list(NOT_AUDITED)}


def _plain(row: Any) -> dict[str, Any]:
    return json.loads(json.dumps(dict(row), default=str, ensure_ascii=False))


def _imports(conn: Connection, ids: set[int]) -> dict[int, dict[str, Any]]:
    t = Import.__table__
    if not ids:
        return {}
    rows = conn.execute(select(t.c.id, t.c.source, t.c.file_name, t.c.imported_at, t.c.flow_run_id)
                        .where(t.c.id.in_(ids))).mappings()
    return {r["id"]: {"import_id": r["id"], "source": r["source"], "source_file": r["file_name"],
                      "imported_at": str(r["imported_at"]), "flow_run_id": r["flow_run_id"]} for r in rows}


def _with_source(rows: list[dict[str, Any]], imports: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**r, **imports.get(r.get("import_id") or -1, {})} for r in rows]


def _rows(conn: Connection, table: Any, id_number: str, campaign: str | None) -> list[dict[str, Any]]:
    where = [table.c.id_number == id_number]
    if campaign is not None:
        where.append(table.c.campaign_id == campaign)
    return [_plain(r) for r in conn.execute(select(table).where(*where).order_by(table.c.id)).mappings()]


def person_history(conn: Connection, id_number: str, campaign: str | None = None) -> PersonHistory:
    """The ledger's records about `id_number` (optionally one campaign), with their files, rows and runs."""
    history = PersonHistory(id_number, campaign)
    resident = conn.execute(select(Resident.__table__).where(Resident.id_number == id_number)).mappings().first()
    history.resident = _plain(resident) if resident else None
    tables = {"enrollments": Enrollment.__table__, "payments": Payment.__table__,
              "exemptions": Exemption.__table__, "exemption_entries": ExemptionEntry.__table__,
              "exemption_requests": ExemptionRequest.__table__, "prior_insured": PriorInsured.__table__}
    found = {name: _rows(conn, t, id_number, campaign) for name, t in tables.items()}
    a = Audit.__table__
    pay_keys = [f"{p['channel']}/{p['external_ref']}" for p in found["payments"]]
    where = or_(a.c.record_key.like(f"%/{id_number}"), a.c.record_key.in_(pay_keys),
                and_(a.c.table_name == "payments", a.c.action == "supersede"))
    if campaign is not None:
        where = and_(where, a.c.campaign_id == campaign)
    audits = [_plain(r) for r in conn.execute(select(a).where(where).order_by(a.c.at, a.c.id)).mappings()]
    audits = [r for r in audits if r["record_key"].endswith(f"/{id_number}") or r["record_key"] in pay_keys
              or (r["before"] or {}).get("id_number") == id_number]
    r = Rejection.__table__
    masked = conn.execute(select(r).where(r.c.detail.contains(mask_id(id_number))).order_by(r.c.id)).mappings()
    rejections = [_plain(x) | {"reason_label": label(x["reason"])} for x in masked]
    ids = {x["import_id"] for rows in [*found.values(), audits, rejections] for x in rows if x.get("import_id")}
    imports = _imports(conn, ids)
    if campaign is not None:  # rejections carry no campaign: keep those whose file belongs to it
        campaign_imports = set(conn.execute(select(Import.id).where(Import.campaign_id == campaign)).scalars())
        rejections = [x for x in rejections if x["import_id"] in campaign_imports]
    history.records = {name: _with_source(rows, imports) for name, rows in found.items()}
    history.changes = _with_source(audits, imports)
    history.possible_rejections = _with_source(rejections, imports)
    return history
