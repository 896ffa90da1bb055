"""Dates as written in files (ISO, slashes, compact, Chinese, Excel serials), parsed in bulk."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["parse_dates", "to_ascii"]

_TIME = r"(?:[ T]+(\d{1,2})[:时](\d{1,2})(?:[:分](\d{1,2})(?:\.\d+)?秒?)?)?"
_SEPARATED = r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?" + _TIME + "$"
_COMPACT = r"^(\d{4})(\d{2})(\d{2})(?:[ T]?(\d{2}):?(\d{2}):?(\d{2}))?$"
# Excel day numbers: 5 digits cover 1927..2173, and nothing else in these files looks like that.
_SERIAL = r"^(\d{5}(?:\.\d+)?)$"
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_PARTS = ["year", "month", "day", "hour", "minute", "second"]


def to_ascii(series: pd.Series) -> pd.Series:
    """Text with full-width forms folded to ASCII (NFKC, only where a cell has non-ASCII characters)."""
    text = series.astype("str").str.strip()
    wide = text.str.contains(r"[^\x00-\x7f]", regex=True).fillna(False).to_numpy(dtype=bool)
    if wide.any():
        text = text.copy()
        text.iloc[wide] = text.iloc[wide].str.normalize("NFKC")
    return text


def _from_parts(parts: pd.DataFrame) -> pd.Series:
    frame = parts.set_axis(_PARTS, axis=1).astype("float64").fillna({"hour": 0, "minute": 0, "second": 0})
    return pd.to_datetime(frame, errors="coerce")


def parse_dates(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Datetimes (NaT where bad) and a bad-cell flag; times of day are kept when given.

    Accepts 2019-11-20, 2019/11/20, 2019.11.20, 20191120, 2019年11月20日, Excel serial numbers
    (e.g. 43789) and any of these followed by a time such as 10:23 or 10:23:45.
    """
    # A column holds few distinct dates (a roster day, birth days): each distinct text is parsed once.
    codes, uniques = pd.factorize(series)
    dates, bad = _parse_distinct(pd.Series(uniques, dtype=object))
    stamps = np.append(dates.to_numpy(dtype="datetime64[us]"), np.datetime64("NaT", "us"))
    flags = np.append(bad.to_numpy(dtype=bool), True)  # code -1, a missing cell: NaT and bad
    return (pd.Series(stamps[codes], index=series.index),
            pd.Series(flags[codes], index=series.index, dtype=bool))


def _parse_distinct(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    text = to_ascii(series)
    out = pd.Series(np.full(len(text), np.datetime64("NaT"), dtype="datetime64[us]"), index=series.index)
    for pattern in (_SEPARATED, _COMPACT):
        parts = text.str.extract(pattern)
        hit = parts[0].notna().to_numpy(dtype=bool) & out.isna().to_numpy()
        if hit.any():
            out.iloc[hit] = _from_parts(parts.iloc[hit]).to_numpy(dtype="datetime64[us]")
    serial = text.str.extract(_SERIAL)[0]
    hit = serial.notna().to_numpy(dtype=bool) & out.isna().to_numpy()
    if hit.any():
        days = serial[hit].astype("float64")
        stamps = _EXCEL_EPOCH + pd.to_timedelta(days, unit="D").dt.round("s")
        out.iloc[hit] = stamps.to_numpy(dtype="datetime64[us]")
    return out, pd.Series(out.isna().to_numpy(), index=series.index, dtype=bool)
