"""Money in the figures (canbao.state.figures MONEY): each unit's fen sums, against sums of the people frame by hand.

A small hand-built unit tree: a county with two towns (the first with two villages) and a school, which counts
toward the county only. The people frame holds only what the figures read.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from canbao.state import figures_of, make_facts
from canbao.state.figures import MONEY
from canbao.state.people import CampaignState

UNITS = make_facts("test", pd.DataFrame(
    [("500103", "某区", "county", None, None), ("T1", "甲镇", "town", "500103", 3),
     ("T1V1", "甲村", "village", "T1", None), ("T1V2", "乙村", "village", "T1", None),
     ("T2", "乙镇", "town", "500103", 2), ("S1", "某中学", "school", "500103", 1)],
    columns=["code", "name", "level", "parent_code", "target"]), pd.DataFrame(), pd.DataFrame(), None).units
# Each unit's own collection units, written out by hand (a school is not in a town).
SUBTREE = {"500103": {"500103", "T1", "T1V1", "T1V2", "T2", "S1"}, "T1": {"T1", "T1V1", "T1V2"},
           "T1V1": {"T1V1"}, "T1V2": {"T1V2"}, "T2": {"T2"}, "S1": {"S1"}}
COLLECTING = ["T1V1", "T1V2", "T2", "S1"]

person = st.tuples(st.sampled_from(COLLECTING), st.integers(0, 65500), st.integers(0, 65500), st.booleans())


def _state(people: list[tuple[str, int, int, bool]]) -> CampaignState:
    frame = pd.DataFrame({"unit_code": pd.Series([p[0] for p in people], dtype="object"),
                          "resident_paid_fen": pd.Series([p[1] for p in people], dtype="int64"),
                          "overpaid_fen": pd.Series([p[2] for p in people], dtype="int64"),
                          "enrolled": pd.Series([p[3] for p in people], dtype="bool")})
    frame["covered"] = frame["paid_part"] = frame["needs_proof"] = False
    empty = pd.DataFrame()
    return CampaignState("test", date(2020, 11, 30), datetime(2020, 11, 30, 16, tzinfo=UTC), frame, empty, empty,
                         UNITS)


@settings(max_examples=25, deadline=None)
@given(st.lists(person, max_size=12))
def test_money_per_unit_is_the_sum_of_its_people(people: list[tuple[str, int, int, bool]]) -> None:
    fig = figures_of(_state(people))
    units = fig.units.set_index("code")
    for code, below in SUBTREE.items():
        assert int(units.at[code, "resident_paid_fen"]) == sum(p[1] for p in people if p[0] in below), code
        assert int(units.at[code, "overpaid_fen"]) == sum(p[2] for p in people if p[0] in below), code
    for column in MONEY:
        assert units[column].dtype == "int64"
    towns = {"T1V1", "T1V2", "T1", "T2"}
    assert fig.totals["towns"]["resident_paid_fen"] == sum(p[1] for p in people if p[0] in towns)
    assert fig.totals["schools"]["overpaid_fen"] == sum(p[2] for p in people if p[0] == "S1")
    printed = {u["code"]: u for u in fig.to_json()["units"]}
    assert printed["500103"]["resident_paid_fen"] == sum(p[1] for p in people)
    assert isinstance(printed["500103"]["overpaid_fen"], int)


def test_money_of_hand_picked_people() -> None:
    """280 yuan applied in a village, 20 yuan to refund at the school: the county holds both, the town only one."""
    fig = figures_of(_state([("T1V1", 28000, 0, True), ("S1", 28000, 2000, True), ("T2", 0, 0, False)]))
    units = fig.units.set_index("code")
    assert units.loc["500103", list(MONEY)].tolist() == [56000, 2000]
    assert units.loc["T1", list(MONEY)].tolist() == [28000, 0]
    assert units.loc["T2", list(MONEY)].tolist() == [0, 0]
    assert (fig.totals["towns"]["resident_paid_fen"], fig.totals["schools"]["overpaid_fen"]) == (28000, 2000)


def test_a_unit_without_target_prints_no_denominator() -> None:
    """A village with no target and nobody insured last year: no basis (None, not NaN), so no rate."""
    printed = {u["code"]: u for u in figures_of(_state([("T1V1", 28000, 0, True)])).to_json()["units"]}
    assert (printed["T1V1"]["denominator"], printed["T1V1"]["rate"]) == (None, None)
    assert printed["T1V1"]["rate_label"] == "参保率（无目标任务）"
