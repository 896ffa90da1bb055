"""Which list wins for a person on several: the larger government share, then the configured precedence."""

from __future__ import annotations

import pandas as pd

from canbao.policy.model import Campaign

__all__ = ["exemption_rank", "resolve_people"]


def exemption_rank(c: Campaign) -> dict[str, tuple[int, int, int, int]]:
    """Exemption code → sort key (smaller wins): full share first, larger partial subsidy, precedence, order."""
    rank = {}
    for i, e in enumerate(c.exemptions):
        partial = e.funding_mode == "partial_subsidy"
        subsidy_fen = int((e.subsidy or 0) * 100)
        rank[e.code] = (int(partial), -subsidy_fen if partial else 0, e.precedence, i)
    return rank


def resolve_people(c: Campaign, rows: pd.DataFrame, tiebreak: list[str]) -> pd.DataFrame:
    """One row per `id_number`: the best-ranked `exemption`, with the other codes in `also_listed`.

    `tiebreak` orders rows of equal rank (e.g. agency, file, row) so the winner never depends on input order.
    """
    if rows.empty:
        return rows.assign(also_listed=pd.Series(dtype="object"))
    rank = exemption_rank(c)
    ranked = rows.assign(_rank=rows["exemption"].map(rank)).sort_values(["id_number", "_rank", *tiebreak],
                                                                        kind="stable")
    winners = ranked.drop_duplicates("id_number").set_index("id_number")
    others = ranked[ranked.duplicated("id_number")]
    others = others[others["exemption"] != others["id_number"].map(winners["exemption"])]
    also = others.groupby("id_number")["exemption"].agg(lambda s: ",".join(dict.fromkeys(s)))
    winners["also_listed"] = also.reindex(winners.index)
    return winners.drop(columns="_rank").reset_index()
