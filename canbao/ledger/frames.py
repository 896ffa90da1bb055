"""A query's rows as a typed DataFrame, read through the driver's cursor (the fast path for big reads)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import BigInteger, Boolean, Connection, Date, Integer, Select

from canbao.clock import SHANGHAI
from canbao.ledger.types import AwareDateTime

__all__ = ["read_frame"]


def _column(values: pd.Series, kind: Any) -> pd.Series:
    """One column from driver values to its pandas type: dates and timestamps as naive Asia/Shanghai datetime64,
    integers as int64 (Int64 with NULLs), the rest as objects with None for NULL."""
    if isinstance(kind, AwareDateTime):
        # SQLite hands back naive UTC text, PostgreSQL aware datetimes: both are instants in UTC.
        stamps = pd.to_datetime(values, utc=True, format="ISO8601")
        return stamps.dt.tz_convert(SHANGHAI).dt.tz_localize(None).astype("datetime64[ns]")
    if isinstance(kind, Date):
        return pd.to_datetime(values, format="ISO8601").astype("datetime64[ns]")
    if isinstance(kind, Integer | BigInteger):
        return values.astype("int64") if values.notna().all() else values.astype("Int64")
    if isinstance(kind, Boolean):
        return values.astype("boolean").astype("object").where(values.notna(), None)
    return values


def read_frame(conn: Connection, stmt: Select[Any]) -> pd.DataFrame:
    """The rows of a SELECT, one typed column per selected column (named by its label).

    The statement runs on the connection's own DBAPI cursor (same transaction), skipping SQLAlchemy's per-value
    result processing, which costs more than the read itself at hundreds of thousands of rows; the types are
    applied per column instead. Bound parameters must need no bind processing (ids, codes, numbers).
    """
    compiled = stmt.compile(dialect=conn.dialect)
    params: Any = compiled.construct_params()
    if compiled.positional:
        params = tuple(params[name] for name in compiled.positiontup or ())
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(str(compiled), params)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    names = [c.name for c in stmt.selected_columns]
    if not rows:
        return pd.DataFrame({name: _empty(col.type) for name, col in zip(names, stmt.selected_columns)})
    grid = np.empty((len(rows), len(names)), dtype=object)  # objects throughout: no float detour for NULLs
    grid[:] = rows
    return pd.DataFrame({name: _column(pd.Series(grid[:, i], dtype="object"), col.type)
                         for i, (name, col) in enumerate(zip(names, stmt.selected_columns))})


def _empty(kind: Any) -> pd.Series:
    if isinstance(kind, AwareDateTime | Date):
        return pd.Series([], dtype="datetime64[ns]")
    if isinstance(kind, Integer | BigInteger):
        return pd.Series([], dtype="int64")
    return pd.Series([], dtype="object")
