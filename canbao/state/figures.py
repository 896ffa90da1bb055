"""The headline figures per unit as of a date — what every output prints — and the denominators of rates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import pandas as pd

from canbao.policy.model import Campaign
from canbao.state.facts import Facts
from canbao.state.people import CampaignState, campaign_state
from canbao.state.units import rollup, subtree_pairs, target_basis, unit_targets

__all__ = ["COUNTS", "DENOMINATORS", "MONEY", "Figures", "campaign_figures", "direct_counts", "direct_money",
           "figures_of", "pct", "rate", "rate_label"]

COUNTS = ("registered", "paid", "paid_part", "covered", "enrolled", "proof_pending")
# Money in integer fen, summed from the people's columns of the same name (`canbao.state.people`): residents'
# payments applied to their contribution, and the excess (or a refused payment) to refund.
MONEY = ("resident_paid_fen", "overpaid_fen")
# What a rate is divided by, named in its label: a unit's target, or a sum over a level (schools apart).
DENOMINATORS = {
    "own": "本单位目标任务",
    "children": "所辖单位目标任务之和",
    "towns_and_schools": "各乡镇（街道）和学校目标任务之和",
    "prior": "上年参保人数",
    "towns": "各乡镇（街道）目标任务之和（不含学校）",
    "schools": "各学校目标任务之和",
}


def rate(numerator: int, denominator: int | None) -> Fraction | None:
    """An exact rate, or None where there is no (positive) denominator."""
    if denominator is None or pd.isna(denominator) or int(denominator) <= 0:
        return None
    return Fraction(int(numerator), int(denominator))


def pct(value: Fraction | Decimal | None, places: int = 2) -> Decimal | None:
    """A rate as a percentage rounded half up, e.g. Fraction(1, 3) → Decimal('33.33')."""
    if value is None:
        return None
    exact = Fraction(value) * 100
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(Decimal(1).scaleb(-places),
                                                                            rounding=ROUND_HALF_UP)


def rate_label(basis: str | None, word: str = "参保率") -> str:
    """E.g. `参保率（分母：各乡镇（街道）目标任务之和（不含学校））`; no basis: no target, no rate."""
    return f"{word}（分母：{DENOMINATORS[basis]}）" if basis else f"{word}（无目标任务）"


def direct_counts(people: pd.DataFrame) -> pd.DataFrame:
    """COUNTS per collection unit (not rolled up) from a state's people: `paid` excludes the subsidy-covered;
    `proof_pending`: paid, not enrolled until a coordinator confirms the proof (Kaijiang 三(二))."""
    frame = pd.DataFrame({"unit_code": people["unit_code"].to_numpy(), "registered": 1,
                          "paid": (people["enrolled"] & ~people["covered"]).to_numpy(),
                          "paid_part": (people["paid_part"] & ~people["enrolled"]).to_numpy(),
                          "covered": people["covered"].to_numpy(), "enrolled": people["enrolled"].to_numpy(),
                          "proof_pending": people["needs_proof"].to_numpy()})
    return frame.groupby("unit_code")[list(COUNTS)].sum().astype("int64")


def direct_money(people: pd.DataFrame) -> pd.DataFrame:
    """MONEY (fen) per collection unit (not rolled up) from a state's people."""
    frame = pd.DataFrame({"unit_code": people["unit_code"].to_numpy(),
                          **{k: people[k].to_numpy(dtype="int64") for k in MONEY}})
    return frame.groupby("unit_code")[list(MONEY)].sum().astype("int64")


@dataclass(frozen=True)
class Figures:
    """Per unit (rolled up its subtree): code, name, level, parent_code, target, basis, COUNTS, MONEY (int64
    fen), rate; and per level total (`towns`, `schools`): target, COUNTS, MONEY, rate, basis."""

    campaign_id: str
    as_of: date
    known_by: datetime
    units: pd.DataFrame
    totals: dict[str, dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        """One JSON document: what `canbao figures` prints."""
        def row(r: dict[str, Any]) -> dict[str, Any]:
            share = r["rate"]
            return {**{k: r.get(k) for k in ("code", "name", "level", "parent_code")},
                    "target": None if pd.isna(r["target"]) else int(r["target"]),
                    "registered": int(r["registered"]), "paid": int(r["paid"]), "paid_part": int(r["paid_part"]),
                    "subsidy_covered": int(r["covered"]), "enrolled": int(r["enrolled"]),
                    "proof_pending": int(r["proof_pending"]), **{k: int(r[k]) for k in MONEY},
                    "rate": None if share is None else str(Decimal(str(pct(share, 4))) / 100),
                    "rate_pct": None if share is None else str(pct(share)),
                    "denominator": r["basis"], "rate_label": rate_label(r["basis"])}
        units = [row(r) for r in self.units.to_dict("records")]
        totals = {k: row({"code": None, "name": None, "level": k, "parent_code": None, **v})
                  for k, v in self.totals.items()}
        return {"campaign": self.campaign_id, "as_of": self.as_of.isoformat(), "known_by": self.known_by.isoformat(),
                "denominators": DENOMINATORS, "units": units, "totals": totals}


def _total(table: pd.DataFrame, level: str) -> dict[str, Any]:
    rows = table[table["level"] == level]
    targets = rows["target"].dropna()
    target = int(targets.sum()) if len(targets) else None
    sums = {k: int(rows[k].sum()) for k in (*COUNTS, *MONEY)}
    return {"target": target, **sums, "rate": rate(sums["enrolled"], target),
            "basis": ("towns" if level == "town" else "schools") if target else None}


def figures_of(state: CampaignState) -> Figures:
    """The figures of a computed state."""
    units = state.units
    codes = units["code"]
    pairs = subtree_pairs(units)
    prior = rollup(units.set_index("code")[["prior"]], pairs, codes)["prior"]
    direct = direct_counts(state.people).join(direct_money(state.people), how="outer")
    totals = rollup(direct, pairs, codes)
    table = units[["code", "name", "level", "parent_code"]].reset_index(drop=True)
    table["target"] = pd.array(unit_targets(units, prior).tolist(), dtype="Int64")
    # Object dtype keeps None (no target) as None: pandas would infer a string column and turn it into NaN.
    table["basis"] = pd.Series(target_basis(units, prior).to_numpy(), dtype="object")
    for column in (*COUNTS, *MONEY):
        table[column] = totals[column].to_numpy()
    table["rate"] = [rate(n, t) for n, t in zip(table["enrolled"], table["target"])]
    return Figures(state.campaign_id, state.as_of, state.known_by, table,
                   {"towns": _total(table, "town"), "schools": _total(table, "school")})


def campaign_figures(c: Campaign, facts: Facts, as_of: date, known_by_moment: datetime | None = None) -> Figures:
    """The headline figures per unit as of the end of `as_of` (or `known_by_moment`)."""
    return figures_of(campaign_state(c, facts, as_of, known_by_moment))
