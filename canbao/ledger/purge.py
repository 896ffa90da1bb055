"""Purging a campaign from the ledger when its retention period ends (docs/data-protection.md)."""

from __future__ import annotations

from sqlalchemy import Connection, delete, exists, select

from canbao.ledger.schema import Base, Import, Rejection, Resident

__all__ = ["purge_campaign"]


def purge_campaign(conn: Connection, campaign: str) -> dict[str, int]:
    """Delete every row of `campaign` (children first), then residents no campaign refers to; rows per table."""
    deleted: dict[str, int] = {}
    imports = select(Import.id).where(Import.campaign_id == campaign).scalar_subquery()
    deleted["rejections"] = conn.execute(delete(Rejection).where(Rejection.import_id.in_(imports))).rowcount
    for table in reversed(Base.metadata.sorted_tables):
        if table.name == "campaigns":
            continue
        if "campaign_id" in table.c:
            deleted[table.name] = conn.execute(delete(table).where(table.c.campaign_id == campaign)).rowcount
    people = Resident.__table__
    referring = [t for t in Base.metadata.sorted_tables
                 if any(fk.column.table is people for fk in t.foreign_keys) and t is not people]
    unused = [~exists().where(t.c.id_number == people.c.id_number) for t in referring]
    deleted["residents"] = conn.execute(delete(Resident).where(*unused)).rowcount
    campaigns = Base.metadata.tables["campaigns"]
    deleted["campaigns"] = conn.execute(delete(campaigns).where(campaigns.c.id == campaign)).rowcount
    return {name: n for name, n in deleted.items() if n}
