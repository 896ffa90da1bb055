"""Registered and enrolled per unit at many dates from one state pass, equal to each date's own figures.

A person's state as of a date depends only on which of their own facts count by then (`campaign_state` filters
facts by the date and the moment the ledger knew them; nothing else in it reads the date). So each person is
split at the dates where a fact of theirs starts to count: one pseudo-person per such date, holding the facts
counted by it, and one pass over all pseudo-persons gives every date's state at once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import pandas as pd

from canbao.policy.model import Campaign
from canbao.state.facts import Facts
from canbao.state.people import campaign_state
from canbao.state.units import rollup, subtree_pairs

__all__ = ["Trajectory", "trajectory"]

_ALWAYS = pd.Timestamp("1900-01-01")  # an exemption with neither approval nor import time counts from the start


@dataclass(frozen=True)
class Trajectory:
    """Per unit code (rows, the units' order, rolled up each subtree) at each date (columns, ascending)."""

    registered: pd.DataFrame
    enrolled: pd.DataFrame


def _counted_from(happened: pd.Series, known_at: pd.Series) -> pd.Series:
    """The first day at whose end a fact counts: it happened by then and was known before its end (NaT: never)."""
    known = known_at.dt.floor("D")
    return pd.concat([happened, known], axis=1).max(axis=1).where(happened.notna())


def _first_days(facts: Facts) -> dict[str, pd.Series]:
    """Per fact row of each table campaign_state reads by date, the first day it counts (the filters there)."""
    x = facts.exemptions
    effective = x["approved_at"].where(x["approved_at"].notna(), x["known_at"]).dt.floor("D").fillna(_ALWAYS)
    return {
        "registrations": _counted_from(facts.registrations["registered_at"].dt.ceil("D"),
                                       facts.registrations["known_at"]),
        "payments": _counted_from(facts.payments["paid_on"].dt.ceil("D"), facts.payments["known_at"]),
        "exemptions": _counted_from(effective, x["known_at"]),
        "proofs": _counted_from(facts.proofs["decided_at"].dt.floor("D"), facts.proofs["known_at"]),
    }


def _position(days: pd.Series, stops: np.ndarray) -> np.ndarray:
    """Index of the first date on or after each day; len(stops) for never."""
    at = np.searchsorted(stops, days.to_numpy(dtype="datetime64[ns]"), side="left")
    return np.where(days.isna().to_numpy(), len(stops), at)


def _epochs(facts: Facts, positions: dict[str, np.ndarray], n: int) -> pd.DataFrame:
    """(id_number, start, end, pseudo): each span of dates over which a registered person's counted facts stay
    the same."""
    frames = [pd.DataFrame({"id_number": getattr(facts, kind)["id_number"].to_numpy(), "start": at})
              for kind, at in positions.items()]
    registered = frames[0][frames[0]["start"] < n].groupby("id_number")["start"].min()  # frames[0]: registrations
    spans = pd.concat(frames, ignore_index=True)
    first = spans["id_number"].map(registered)
    spans = spans[first.notna() & (spans["start"] >= first) & (spans["start"] < n)]
    spans = spans.drop_duplicates().sort_values(["id_number", "start"], kind="stable").reset_index(drop=True)
    following = spans.groupby("id_number")["start"].shift(-1)
    spans["end"] = following.fillna(n).astype("int64")
    spans["pseudo"] = spans["id_number"].astype(str) + "#" + spans["start"].astype(str)
    return spans


def _split(frame: pd.DataFrame, at: np.ndarray, spans: pd.DataFrame) -> pd.DataFrame:
    """The rows of `frame` each pseudo-person counts (a fact counted by its span's start), in the frame's order."""
    tagged = frame.assign(_at=at, _row=np.arange(len(frame)))
    joined = tagged.merge(spans[["id_number", "start", "pseudo"]], on="id_number", how="inner")
    joined = joined[joined["_at"] <= joined["start"]].sort_values("_row", kind="stable")
    out = joined.drop(columns=["_at", "_row", "start", "id_number"]).rename(columns={"pseudo": "id_number"})
    return out[list(frame.columns)].reset_index(drop=True)


def trajectory(c: Campaign, facts: Facts, dates: list[date]) -> Trajectory:
    """Registered and enrolled per unit at the end of each of `dates` (ascending), as `campaign_figures` counts."""
    codes = facts.units["code"]
    stops = np.array([np.datetime64(d, "ns") for d in dates], dtype="datetime64[ns]")
    n = len(dates)
    positions = {kind: _position(days, stops) for kind, days in _first_days(facts).items()}
    spans = _epochs(facts, positions, n)
    split = replace(facts, **{kind: _split(getattr(facts, kind), at, spans) for kind, at in positions.items()})
    people = campaign_state(c, split, dates[-1]).people[["id_number", "unit_code", "enrolled"]]
    people = people.merge(spans[["pseudo", "start", "end"]], left_on="id_number", right_on="pseudo")
    # +1 where a pseudo-person's span starts, −1 where it ends; summed along the dates.
    steps = pd.concat([
        pd.DataFrame({"unit_code": people["unit_code"], "at": people["start"], "registered": 1,
                      "enrolled": people["enrolled"].astype("int64")}),
        pd.DataFrame({"unit_code": people["unit_code"], "at": people["end"], "registered": -1,
                      "enrolled": -people["enrolled"].astype("int64")}),
    ], ignore_index=True)
    steps = steps[steps["at"] < n]
    pairs = subtree_pairs(facts.units)
    summed = steps.groupby(["unit_code", "at"])[["registered", "enrolled"]].sum().unstack("at", fill_value=0)
    out = {}
    for count in ("registered", "enrolled"):
        grid = summed[count] if len(summed) else pd.DataFrame(index=pd.Index([], name="unit_code"))
        grid = grid.reindex(columns=range(n), fill_value=0).cumsum(axis=1).astype("int64")
        grid.columns = list(dates)
        rolled = rollup(grid, pairs, codes)
        rolled.index = pd.Index(codes.to_numpy(), name="code")
        out[count] = rolled
    return Trajectory(out["registered"], out["enrolled"])
