"""Ledger look-ups the flows share: seen files, recording an import, and a comparable campaign snapshot."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, Connection, Table, select, union

from canbao.ledger.bulk import upsert_statement
from canbao.ledger.schema import (
    Audit,
    Base,
    Campaign,
    Enrollment,
    Exemption,
    Import,
    Payment,
    Rejection,
    Resident,
    Unit,
)

__all__ = ["find_import", "import_seen", "record_import", "snapshot", "snapshot_columns"]

_IMPORT_REFS = frozenset({"import_id", "supersedes_id"})


def find_import(conn: Connection, campaign_id: str, source: str, sha256: str) -> int | None:
    """The id of the import of this file (by SHA-256) from `source` in the campaign, or None."""
    t = Import.__table__
    query = select(t.c.id).where(t.c.campaign_id == campaign_id, t.c.source == source, t.c.sha256 == sha256)
    return conn.execute(query).scalar_one_or_none()


def import_seen(conn: Connection, campaign_id: str, source: str, sha256: str) -> bool:
    """Whether this exact file (by SHA-256) from `source` was already imported into the campaign."""
    return find_import(conn, campaign_id, source, sha256) is not None


def record_import(
    conn: Connection,
    *,
    campaign_id: str,
    source: str,
    file_name: str,
    sha256: str,
    rows_total: int,
    rows_accepted: int,
    rows_rejected: int,
    imported_at: datetime,
    flow_run_id: str | None = None,
    supersedes_id: int | None = None,
) -> int:
    """Record a received file and return its import id; a file already recorded keeps its first record."""
    row = {
        "campaign_id": campaign_id, "source": source, "file_name": file_name, "sha256": sha256,
        "rows_total": rows_total, "rows_accepted": rows_accepted, "rows_rejected": rows_rejected,
        "imported_at": imported_at, "flow_run_id": flow_run_id, "supersedes_id": supersedes_id,
    }
    keys = ["campaign_id", "source", "sha256"]
    stmt = upsert_statement(conn.dialect.name, Import.__table__, keys, []).values(row).returning(Import.id)
    found = conn.execute(stmt).scalar_one_or_none() or find_import(conn, campaign_id, source, sha256)
    if found is None:
        raise RuntimeError(f"import of {file_name!r} was neither recorded nor found")
    return found


def snapshot_columns(table: Table) -> list[str]:
    """The columns `snapshot` keeps: all but those marked volatile (surrogate ids, write times, run ids)."""
    return [c.name for c in table.columns if not c.info.get("volatile")]


def _plain(value: Any, column: Column[Any], imports: dict[int, str]) -> Any:
    """A value made comparable across runs and databases (import ids become `source:sha256`)."""
    if value is None:
        return None
    if column.name in _IMPORT_REFS:
        return imports.get(value, f"?{value}")
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value


def _sort_key(row: tuple[Any, ...]) -> tuple[tuple[bool, Any], ...]:
    """Orders rows whose columns may hold NULLs (NULL sorts last)."""
    return tuple((value is None, "" if value is None else value) for value in row)


def snapshot(conn: Connection, campaign_id: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every campaign table's content as sorted tuples, without ids, timestamps of writing or run ids.

    Two ledgers that hold the same campaign data give equal snapshots, whatever order or run wrote
    them. Residents are those the campaign's enrollments, payments or exemptions refer to.
    """
    imp = Import.__table__
    rows = conn.execute(select(imp.c.id, imp.c.source, imp.c.sha256).where(imp.c.campaign_id == campaign_id))
    imports = {row.id: f"{row.source}:{row.sha256}" for row in rows}
    people = union(*(select(m.__table__.c.id_number).where(m.__table__.c.campaign_id == campaign_id)
                     for m in (Enrollment, Payment, Exemption)))
    filters = {
        Campaign: Campaign.__table__.c.id == campaign_id,
        Unit: Unit.__table__.c.campaign_id == campaign_id,
        Resident: Resident.__table__.c.id_number.in_(select(people.subquery().c.id_number)),
        Import: imp.c.campaign_id == campaign_id,
        Enrollment: Enrollment.__table__.c.campaign_id == campaign_id,
        Payment: Payment.__table__.c.campaign_id == campaign_id,
        Exemption: Exemption.__table__.c.campaign_id == campaign_id,
        Rejection: Rejection.__table__.c.import_id.in_(list(imports)),
        Audit: Audit.__table__.c.campaign_id == campaign_id,
    }
    tables = {m.__table__: condition for m, condition in filters.items()}
    for table in Base.metadata.sorted_tables:  # tables added later (intake, reports) that carry a campaign
        if table not in tables and "campaign_id" in table.c:
            tables[table] = table.c.campaign_id == campaign_id
    result: dict[str, list[tuple[Any, ...]]] = {}
    for table, condition in tables.items():
        columns = [table.c[name] for name in snapshot_columns(table)]
        found = [tuple(_plain(v, c, imports) for v, c in zip(row, columns))
                 for row in conn.execute(select(*columns).where(condition))]
        result[table.name] = sorted(found, key=_sort_key)
    return result
