"""Wide tables split for the UI: the run page cuts a table artifact's right-hand columns off."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

__all__ = ["TABLE_WIDTH", "column_groups"]

TABLE_WIDTH = 7  # columns that fit a table artifact in the Prefect UI at 1400 px


def column_groups(records: Sequence[Mapping[str, object]], keep: int = 1,
                  width: int = TABLE_WIDTH) -> list[list[dict[str, object]]]:
    """`records` as tables of at most `width` columns, each starting with the first `keep` (the row labels)
    and every column in exactly one of them otherwise; one table when it fits (or there are no records)."""
    if width <= keep:
        raise ValueError(f"a table of {width} columns cannot repeat {keep} label columns")
    columns = list(dict.fromkeys(k for r in records for k in r))
    labels, rest = columns[:keep], columns[keep:]
    step = width - keep
    groups = [labels + rest[i:i + step] for i in range(0, len(rest), step)] or [labels]
    return [[{c: r.get(c) for c in group} for r in records] for group in groups]
