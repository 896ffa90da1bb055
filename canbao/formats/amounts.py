"""Yuan amounts as written in files, parsed to integer fen without ever passing through float."""

from __future__ import annotations

import numpy as np
import pandas as pd

from canbao.formats.dates import parse_dates, to_ascii

__all__ = ["parse_amount_fen", "parse_dates"]

# Whole yuan (plain or with thousands separators) and an optional fraction; at most 12 digits of yuan.
_AMOUNT = r"^(\d{1,3}(?:,\d{3}){1,3}|\d{1,12})(?:\.(\d+))?$"
_NOISE = r"\s|¥|\$|元|人民币|RMB|CNY"


def parse_amount_fen(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Fen (Int64, NA where bad) and a bad-cell flag for a column of yuan texts.

    Accepts "250", "250.00", "250.5", full-width digits, "¥250", "250元" and "1,250.00"; a fraction may
    have more than two digits only if the extra ones are zeros. Rejects empty cells, negatives and text.
    """
    # A column holds few distinct amounts (a contribution or two): each distinct text is parsed once.
    codes, uniques = pd.factorize(series)
    fen, bad = _parse_distinct(pd.Series(uniques, dtype=object))
    flags = np.append(bad.to_numpy(dtype=bool), True)  # code -1, a missing cell: NA and bad
    return (pd.Series(fen.array.take(codes, allow_fill=True), index=series.index),
            pd.Series(flags[codes], index=series.index, dtype=bool))


def _parse_distinct(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    text = to_ascii(series).str.replace(_NOISE, "", regex=True)
    parts = text.str.extract(_AMOUNT)
    whole, frac = parts[0], parts[1].fillna("")
    ok = whole.notna() & frac.str.fullmatch(r"\d{0,2}0*").fillna(False).astype(bool)
    ok = ok.to_numpy(dtype=bool)
    fen = np.zeros(len(series), dtype=np.int64)
    if ok.any():
        yuan = whole[ok].str.replace(",", "", regex=False).astype("int64").to_numpy()
        cents = frac[ok].str.slice(0, 2).str.pad(2, side="right", fillchar="0").astype("int64").to_numpy()
        fen[ok] = yuan * 100 + cents
    out = pd.Series(pd.array(fen, dtype="Int64"), index=series.index).mask(~ok)
    return out, pd.Series(~ok, index=series.index, dtype=bool)
