"""Turning a pandas frame or a list of dicts into plain Python rows that fit a table's column types."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import JSON, Date, DateTime, Integer, String, Table
from sqlalchemy.types import TypeEngine

__all__ = ["Rows", "is_missing", "to_columns"]

Rows = pd.DataFrame | Sequence[Mapping[str, Any]]
Converter = Callable[[Any], Any]


def is_missing(value: Any) -> bool:
    """True for None, NaN, pandas NA and NaT: the values written as SQL NULL."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _to_date(value: Any) -> date:
    if isinstance(value, datetime):  # pandas Timestamp included
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value)
    if isinstance(value, np.datetime64):
        return pd.Timestamp(value).date()
    raise TypeError(f"not a date: {type(value).__name__}")


def _to_datetime(value: Any) -> datetime:
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    raise TypeError(f"not a timestamp: {type(value).__name__}")


def _to_int(value: Any) -> int:
    if isinstance(value, bool | np.bool_):
        raise TypeError("a boolean is not an integer")
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating | Decimal) and float(value).is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    raise ValueError("not a whole number (money is integer fen, never a fraction)")


def _to_str(value: Any) -> str:
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_):
        return str(int(value))
    raise TypeError(f"{type(value).__name__} in a text column (read IDs and references with dtype=str)")


def _converter(sqltype: TypeEngine[Any]) -> Converter | None:
    """How to coerce one non-missing value for a column of `sqltype` (None: leave as is)."""
    base = getattr(sqltype, "impl_instance", sqltype)
    for kind, convert in ((DateTime, _to_datetime), (Date, _to_date), (Integer, _to_int), (String, _to_str)):
        if isinstance(base, kind):
            return convert
    if isinstance(base, JSON):
        return None
    return lambda value: value.item() if isinstance(value, np.generic) else value


def _column(values: list[Any], convert: Converter | None, name: str) -> list[Any]:
    """The values made NULL-or-fitting; errors name the column and row position, never the value."""
    out = []
    for position, value in enumerate(values):
        try:
            out.append(None if is_missing(value) else convert(value) if convert else value)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"column {name!r}, row {position}: {exc}") from None
    return out


def _series(series: pd.Series, convert: Converter | None, name: str) -> list[Any]:
    """A frame column as a list, skipping per-value work when the dtype already fits."""
    dtype = series.dtype
    if convert is _to_date and pd.api.types.is_datetime64_dtype(dtype):
        return series.to_numpy().astype("datetime64[D]").tolist()  # date objects, NaT as None
    clean = not series.hasnans
    fits = ((convert is _to_int and pd.api.types.is_integer_dtype(dtype))
            or (convert is _to_str and isinstance(dtype, pd.StringDtype)))
    if fits:  # int and str values already (a nullable dtype's NA made None)
        return series.tolist() if clean else series.astype(object).where(series.notna(), None).tolist()
    values = series.tolist()
    if convert is _to_str and all(type(v) is str for v in values):
        return values
    return _column(values, convert, name)


def to_columns(rows: Rows, table: Table) -> tuple[list[str], list[list[Any]]]:
    """The column names and, per column, its values as plain Python values fitting `table`'s columns."""
    if isinstance(rows, pd.DataFrame):
        columns = [str(c) for c in rows.columns]
        if len(set(columns)) != len(columns):
            raise ValueError("the frame has duplicate column names")
    else:
        rows = list(rows)
        columns = list(rows[0]) if rows else []
        if any(len(row) != len(columns) or any(c not in row for c in columns) for row in rows):
            raise ValueError("every row must have the same keys")
    unknown = [c for c in columns if c not in table.c]
    if unknown:
        raise ValueError(f"{table.name} has no column(s) {unknown}")
    converters = [_converter(table.c[c].type) for c in columns]
    if isinstance(rows, pd.DataFrame):
        lists = [_series(rows.iloc[:, i], conv, c) for i, (c, conv) in enumerate(zip(columns, converters))]
    else:
        lists = [_column([row[c] for row in rows], conv, c) for c, conv in zip(columns, converters)]
    return columns, lists
