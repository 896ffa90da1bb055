"""What the ledger knows of listed persons: who has died, and their names."""

from __future__ import annotations

from sqlalchemy import Connection, select

from canbao.ledger.schema import Resident

__all__ = ["deceased_among", "resident_names"]


def deceased_among(conn: Connection, ids: list[str]) -> set[str]:
    """Those of `ids` the ledger knows to have died."""
    r = Resident.__table__
    found: set[str] = set()
    for i in range(0, len(ids), 5000):
        chunk = ids[i:i + 5000]
        found |= set(conn.execute(select(r.c.id_number).where(r.c.id_number.in_(chunk),
                                                              r.c.deceased_on.is_not(None))).scalars())
    return found


def resident_names(conn: Connection, ids: list[str]) -> dict[str, str]:
    """ID number → name of those of `ids` the ledger knows."""
    r = Resident.__table__
    out: dict[str, str] = {}
    for i in range(0, len(ids), 5000):
        out |= dict(conn.execute(select(r.c.id_number, r.c.name).where(r.c.id_number.in_(ids[i:i + 5000]))).all())
    return out
