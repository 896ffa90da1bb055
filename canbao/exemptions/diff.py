"""What changed between an agency's approved list and its new one: new, category changed, removed, deceased."""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd

__all__ = ["CHANGES", "CHANGE_LABELS", "diff_counts", "diff_lists"]

CHANGES = ("new", "changed", "removed", "deceased", "unchanged")
CHANGE_LABELS = {"new": "新增", "changed": "类别变更", "removed": "移出", "deceased": "已死亡", "unchanged": "未变"}
DIFF_COLUMNS = ["id_number", "change", "exemption", "previous", "source_file", "source_row"]


def diff_lists(previous: pd.DataFrame, current: pd.DataFrame, deceased: Collection[str] = ()) -> pd.DataFrame:
    """One row per person on either list: `change`, current `exemption`, `previous` code, where listed now.

    `previous` and `current` carry `id_number` and `exemption` (current also `source_file`, `source_row`);
    anyone known to have died is `deceased`, whichever list they are on.
    """
    prev = previous[["id_number", "exemption"]].rename(columns={"exemption": "previous"})
    cur = current.reindex(columns=["id_number", "exemption", "source_file", "source_row"])
    both = cur.merge(prev, on="id_number", how="outer", indicator=True)
    change = pd.Series("unchanged", index=both.index, dtype="object")
    change[both["_merge"] == "left_only"] = "new"
    change[both["_merge"] == "right_only"] = "removed"
    change[(both["_merge"] == "both") & (both["exemption"] != both["previous"])] = "changed"
    change[both["id_number"].isin(list(deceased))] = "deceased"
    out = both.assign(change=change, source_row=both["source_row"].astype("Int64"))[DIFF_COLUMNS]
    order = {k: i for i, k in enumerate(CHANGES)}
    return out.sort_values(["change", "source_file", "source_row", "id_number"],
                           key=lambda s: s.map(order) if s.name == "change" else s).reset_index(drop=True)


def diff_counts(diff: pd.DataFrame) -> dict[str, int]:
    """Persons per change kind (every kind present, zero where none)."""
    counts = diff["change"].value_counts()
    return {k: int(counts.get(k, 0)) for k in CHANGES}
