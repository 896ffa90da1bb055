"""The target breakdown (任务分解): each unit's target from the config, a split total or last year's roster."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, func, select

from canbao.ledger.bulk import upsert
from canbao.ledger.schema import PriorInsured, Unit
from canbao.policy.model import Campaign
from canbao.policy.targets import split_total

__all__ = ["BASIS_LABELS", "prior_counts", "store_targets", "target_breakdown"]

BASIS_LABELS = {
    "config": "通知下达", "split": "总任务按上年参保人数比例拆分", "last_year": "上年参保人数",
    "sum": "所辖单位之和",
}


def _split(total: int, codes: list[str], prior: pd.Series) -> dict[str, int]:
    """`total` over `codes` weighted by last year's insured (equal weights where nobody was)."""
    if not codes:
        return {}
    weights = {k: int(prior.get(k, 0)) for k in codes}
    if sum(weights.values()) == 0:
        weights = dict.fromkeys(codes, 1)
    return split_total(total, weights)


def target_breakdown(c: Campaign, units: pd.DataFrame, prior: pd.Series, scale: float = 1.0) -> pd.DataFrame:
    """Every unit with last year's insured, its target and how the target was set.

    `units`: code, name, level, parent_code (the ledger's units); `prior`: last year's insured per unit
    code; `scale` multiplies the figures a notice states (a simulated county smaller than the real one).
    Villages get a split of their town's target (config), a split of the total (split_total) or last
    year's count (last_year_*); schools always last year's count; towns and the county sum their units.
    """
    method = c.units.target_method
    out = units[["code", "name", "level", "parent_code"]].copy().sort_values("code").reset_index(drop=True)
    out["last_year"] = out["code"].map(prior).fillna(0).astype("int64")
    villages = out[out["level"] == "village"]
    target: dict[str, int] = {}
    basis: dict[str, str] = {}
    configured = {u.code: u.target for u in c.units.items if u.target is not None}
    if method == "config":
        for town in out[out["level"] == "town"].itertuples():
            if town.code in configured:
                stated = round(configured[town.code] * scale)
                mine = list(villages.loc[villages["parent_code"] == town.code, "code"])
                target |= _split(stated, mine, prior)
                basis |= dict.fromkeys(mine, "split")
                target[town.code], basis[town.code] = stated, "config"
    elif method == "split_total":
        total = round((c.units.target_total or 0) * scale)
        target |= _split(total, list(villages["code"]), prior)
        basis |= dict.fromkeys(villages["code"], "split")
    for row in out[out["level"].isin(["village", "school"])].itertuples():
        if row.code not in target:
            target[row.code], basis[row.code] = int(row.last_year), "last_year"
    for town in out[out["level"] == "town"].itertuples():
        if town.code not in target:
            target[town.code] = sum(target[v] for v in villages.loc[villages["parent_code"] == town.code, "code"])
            basis[town.code] = "sum"
    for county in out[out["level"] == "county"].itertuples():
        below = out[(out["level"].isin(["town", "school"])) & (out["code"] != county.code)]
        target[county.code] = sum(target.get(k, 0) for k in below["code"])
        basis[county.code] = "sum"
    out["target"] = out["code"].map(target).astype("Int64")
    out["basis"] = out["code"].map(basis)
    return out


def prior_counts(conn: Connection, campaign_id: str) -> pd.Series:
    """Last year's insured per unit code (from the last-year roster taken in by the intake)."""
    p = PriorInsured.__table__
    rows = conn.execute(select(p.c.unit_code, func.count()).where(p.c.campaign_id == campaign_id,
                                                                   p.c.unit_code.is_not(None))
                        .group_by(p.c.unit_code)).all()
    return pd.Series({code: int(n) for code, n in rows}, dtype="int64")


def store_targets(conn: Connection, campaign_id: str, breakdown: pd.DataFrame) -> int:
    """Write each unit's target to the ledger; returns how many units changed."""
    rows = pd.DataFrame({"campaign_id": campaign_id, "code": breakdown["code"], "name": breakdown["name"],
                         "level": breakdown["level"], "target": breakdown["target"]})
    return upsert(conn, Unit, rows, keys=["campaign_id", "code"], update=["target"])
