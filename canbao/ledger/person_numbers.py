"""人员编号 (the insurance system's person number) kept on `residents` from any source that carries it."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, bindparam, update

from canbao.ledger.schema import Resident

__all__ = ["record_person_numbers"]


def record_person_numbers(conn: Connection, rows: pd.DataFrame) -> int:
    """Set `residents.person_number` for the rows (`id_number`, `person_number`) that carry one; returns how many
    residents changed. A blank never clears a known number; a different number replaces it (the later file)."""
    if "person_number" not in rows or rows.empty:
        return 0
    number = rows["person_number"].astype("string").str.strip().str.slice(0, 32)
    given = rows.assign(person_number=number)[number.notna() & (number != "")]
    given = given.drop_duplicates("id_number", keep="last")
    if given.empty:
        return 0
    stmt = (update(Resident).where(Resident.id_number == bindparam("key"),
                                   Resident.person_number.is_distinct_from(bindparam("number")))
            .values(person_number=bindparam("number")))
    params = [{"key": i, "number": n} for i, n in zip(given["id_number"], given["person_number"])]
    return conn.execute(stmt, params).rowcount or 0
