"""Sum the counties' figures up the hierarchy: numerators and denominators are summed, rates divided last."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from canbao.rollup.county import COUNTY_COUNTS, MONEY, CountyFigures
from canbao.rollup.hierarchy import County, Hierarchy, Region
from canbao.state.figures import rate

__all__ = ["SUMMED", "RollUp", "roll_up"]

SUMMED = ("target", *COUNTY_COUNTS, *MONEY)  # every column that is a sum over a region's counties


@dataclass(frozen=True)
class RollUp:
    """The roll-up as of a day: one row per region and county, top down in the config's order.

    `rows`: code, name, level (province, city, county), parent_code, campaign (counties only), counties (in the
    config), reported (with figures), no_target (reported without a target), SUMMED and rate — enrolled ÷ target
    summed over the reported counties (numerator and denominator over the same counties; `reported` says how
    complete), None where none was reported or one of them has no target (a sum of targets that left that
    county's target out while counting its enrolled would not be the region's denominator).
    `missing`: campaigns with no figures (not in their ledger yet), each named in the report.
    """

    as_of: date
    top_name: str
    rows: pd.DataFrame
    missing: tuple[str, ...]

    def row(self, code: str) -> dict[str, Any]:
        """One region's or county's row."""
        found = self.rows[self.rows["code"] == code]
        if found.empty:
            raise KeyError(code)
        return dict(found.iloc[0])


def _county_row(county: County, f: CountyFigures | None, parent: str) -> dict[str, Any]:
    if f is None:
        return {"code": county.campaign, "name": county.campaign, "level": "county", "parent_code": parent,
                "campaign": county.campaign, "counties": 1, "reported": 0, "no_target": 0,
                **{k: 0 for k in SUMMED}, "target": None, "rate": None}
    return {"code": f.code, "name": f.name, "level": "county", "parent_code": parent, "campaign": f.campaign,
            "counties": 1, "reported": 1, "no_target": int(f.target is None), "target": f.target,
            **{k: int(getattr(f, k)) for k in (*COUNTY_COUNTS, *MONEY)}, "rate": rate(f.enrolled, f.target)}


def _region_rows(region: Region, parent: str | None, found: dict[str, CountyFigures]) -> list[dict[str, Any]]:
    below: list[dict[str, Any]] = []
    for child in region.children:
        below += _region_rows(child, region.code, found)
    for county in region.counties:
        below.append(_county_row(county, found.get(county.campaign), region.code))
    direct = [r for r in below if r["parent_code"] == region.code]
    total = {k: sum(r[k] for r in direct) for k in ("counties", "reported", "no_target", *COUNTY_COUNTS, *MONEY)}
    targets = [r["target"] for r in direct if r["reported"]]
    total["target"] = sum(targets) if targets and None not in targets else None
    whole = total["reported"] > 0 and total["no_target"] == 0
    own = {"code": region.code, "name": region.name, "level": region.level, "parent_code": parent,
           "campaign": None, **total, "rate": rate(total["enrolled"], total["target"]) if whole else None}
    return [own, *below]


def roll_up(hierarchy: Hierarchy, figures: list[CountyFigures], as_of: date) -> RollUp:
    """Every region's figures as the sums of its counties' (a region's target: the sum of its counties')."""
    found = {f.campaign: f for f in figures}
    wanted = {c.campaign for c in hierarchy.counties()}
    stray = sorted(set(found) - wanted)
    if stray:
        raise ValueError(f"figures of campaigns not in the hierarchy: {', '.join(stray)}")
    days = sorted({f.as_of for f in figures} - {as_of})
    if days:
        raise ValueError(f"county figures as of {', '.join(map(str, days))}, expected {as_of}")
    rows = pd.DataFrame(_region_rows(hierarchy.top, None, found))
    for column in ("counties", "reported", "no_target", *COUNTY_COUNTS, *MONEY):
        rows[column] = rows[column].astype("int64")
    rows["target"] = pd.array(rows["target"].tolist(), dtype="Int64")
    missing = tuple(c.campaign for c in hierarchy.counties() if c.campaign not in found)
    return RollUp(as_of, hierarchy.top.name, rows, missing)
