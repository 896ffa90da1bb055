"""The weekly series from one state pass (canbao.state.trajectory) against each date's own campaign_figures.

The oracle is the per-date computation the report used before: `campaign_figures` as of every date, on a small
yuzhong-2021 ledger where registrations, payments, exemptions and proof decisions happen and are imported on
random days (some imported weeks late, some with a time of day), people register twice or in two villages.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from canbao.identity import make_id
from canbao.policy.load import load_campaign
from canbao.state import campaign_figures, make_facts
from canbao.state.trajectory import trajectory

START = date(2020, 10, 1)
UNITS = pd.DataFrame([("500103", "渝中区", "county", None, None), ("50010301", "七星岗街道", "town", "500103", 4),
                      ("5001030101", "金汤街社区", "village", "50010301", 4),
                      ("5001030102", "中山二路社区", "village", "50010301", 3)],
                     columns=["code", "name", "level", "parent_code", "target"])
VILLAGES = ["5001030101", "5001030102"]


def _moment(day: int, hour: int) -> datetime:
    """`hour` o'clock Shanghai time, `day` days after the start, as an aware UTC datetime (as the ledger holds)."""
    return datetime.combine(START + timedelta(day), datetime.min.time(), UTC) + timedelta(hours=hour - 8)


day = st.integers(0, 20)
late = st.one_of(st.none(), st.integers(0, 10))  # None: known from the start; else imported that many days after
registration = st.tuples(day, late, st.sampled_from(VILLAGES), st.sampled_from([1, 2]), st.sampled_from([0, 10]))
payment = st.tuples(day, late, st.sampled_from([14000, 28000, 37500, 65500]))
exemption = st.tuples(st.sampled_from(["tekun", "dibao"]), st.one_of(st.none(), day), late)
person = st.tuples(st.lists(registration, min_size=1, max_size=2), st.lists(payment, max_size=2),
                   st.lists(exemption, max_size=1))


def _known(happened: int, after: int | None) -> datetime | None:
    return None if after is None else _moment(happened + after, 15)


@settings(max_examples=20, deadline=None)
@given(st.lists(person, min_size=1, max_size=6), st.lists(st.integers(0, 30), min_size=1, max_size=8, unique=True))
def test_trajectory_equals_each_dates_own_figures(people: list, offsets: list[int]) -> None:
    c = load_campaign("yuzhong-2021")
    regs, pays, lists = [], [], []
    for i, (registrations, payments, exemptions) in enumerate(people):
        pid = make_id("500103", date(1980, 1, 1), i + 1)
        regs += [{"id_number": pid, "unit_code": unit, "category": "resident", "tier": tier,
                  "channel": "service_window", "kind": "renewal", "birth_date": date(1980, 1, 1),
                  "registered_at": datetime.combine(START + timedelta(d), datetime.min.time()) + timedelta(hours=h),
                  "known_at": _known(d, after)} for d, after, unit, tier, h in registrations]
        pays += [{"channel": "service_window", "external_ref": f"R{i}-{k}", "id_number": pid, "unit_code": VILLAGES[0],
                  "amount_fen": amount, "paid_on": START + timedelta(d), "known_at": _known(d, after)}
                 for k, (d, after, amount) in enumerate(payments)]
        lists += [{"id_number": pid, "exemption": code, "agency": "medical_insurance",
                   "approved_at": None if d is None else _moment(d, 11), "known_at": _known(d or 0, after)}
                  for code, d, after in exemptions]
    facts = make_facts("yuzhong-2021", UNITS, pd.DataFrame(regs), pd.DataFrame(pays, columns=[
        "channel", "external_ref", "id_number", "unit_code", "amount_fen", "paid_on", "known_at"]),
        pd.DataFrame(lists, columns=["id_number", "exemption", "agency", "approved_at", "known_at"]))
    dates = sorted(START + timedelta(o) for o in offsets)
    fast = trajectory(c, facts, dates)
    for d in dates:
        each = campaign_figures(c, facts, d).units.set_index("code")
        assert fast.registered[d].to_dict() == each["registered"].to_dict(), d
        assert fast.enrolled[d].to_dict() == each["enrolled"].to_dict(), d
