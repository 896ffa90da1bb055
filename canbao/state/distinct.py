"""A rule applied once per distinct key of a frame and spread back to every row (rules are per key, not per
person: a county has hundreds of thousands of people but a few thousand distinct keys)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

__all__ = ["per_distinct"]


def per_distinct(keys: pd.DataFrame, rule: Callable[..., tuple[Any, ...]], columns: list[str]) -> pd.DataFrame:
    """`rule(*key)` for each distinct row of `keys` (missing values equal each other), as a frame with `columns`
    and the index of `keys`."""
    if keys.empty:
        return pd.DataFrame({name: pd.Series([], dtype="object") for name in columns}, index=keys.index)
    # Groups numbered in order of first appearance, which is the order drop_duplicates keeps.
    codes = keys.groupby(list(keys.columns), dropna=False, sort=False).ngroup().to_numpy()
    firsts = keys.drop_duplicates()
    if len(firsts) != codes.max() + 1:  # the two notions of "distinct" must agree
        raise AssertionError("per_distinct: group numbering and distinct rows disagree")
    table = pd.DataFrame([rule(*key) for key in firsts.itertuples(index=False, name=None)], columns=columns)
    return table.iloc[codes].set_index(keys.index)
