"""Reading ledger rows into a frame, only the rows of the keys a batch carries when those are fewer than the
rows there are: a batch of 27,000 school rows need not read a county's 470,000 enrollments."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, Connection, Select, func, select

__all__ = ["IN_CHUNK", "absent_keys", "select_frame"]

IN_CHUNK = 5_000  # keys per `IN (...)` query: within SQLite's and PostgreSQL's parameter limits


def select_frame(conn: Connection, stmt: Select[Any], columns: Sequence[str],
                 key: ColumnElement[Any] | None = None, among: Collection[Any] | None = None) -> pd.DataFrame:
    """The rows of `stmt` as a frame with `columns`; given `key` and `among`, at least every row whose `key` is
    among those values (all rows when there are not more of them than values: one scan beats many look-ups)."""
    if key is None or among is None:
        return pd.DataFrame(conn.execute(stmt).all(), columns=list(columns))
    total = conn.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    wanted = pd.Series(list(among), dtype=object).dropna().unique().tolist() if total else []
    if not wanted:
        return pd.DataFrame(columns=list(columns))
    if total <= len(wanted):
        return pd.DataFrame(conn.execute(stmt).all(), columns=list(columns))
    rows: list[Any] = []
    for start in range(0, len(wanted), IN_CHUNK):
        rows.extend(conn.execute(stmt.where(key.in_(wanted[start:start + IN_CHUNK]))).all())
    return pd.DataFrame(rows, columns=list(columns))


def absent_keys(rows: pd.DataFrame, found: pd.DataFrame, keys: Sequence[str]) -> list[bool]:
    """Per row of `rows`, whether its `keys` are missing from `found` (rows read from the ledger): a new record."""
    if found.empty:
        return [True] * len(rows)
    there = set(zip(*(found[k].tolist() for k in keys)))
    return [key not in there for key in zip(*(rows[k].tolist() for k in keys))]
