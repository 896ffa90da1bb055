"""Mobilization: targets per method, the calendar in the ledger, duties recorded and their states."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from canbao.intake.campaign import open_campaign
from canbao.ledger.queries import snapshot
from canbao.mobilization.calendar import load_calendar, store_calendar
from canbao.mobilization.duties import Completion, duty_states, read_completions, record_completions
from canbao.mobilization.targets import target_breakdown
from canbao.policy.load import load_campaign

AT = datetime(2019, 10, 1, 9, 0).astimezone()


def units(campaign: str) -> pd.DataFrame:
    """The config's units, three villages under each town and one school under the county."""
    c = load_campaign(campaign)
    rows = [(u.code, u.name, u.level, u.parent) for u in c.units.items]
    county = next(u.code for u in c.units.items if u.level == "county")
    rows += [(f"{u.code}{k:03d}", f"{k}村", "village", u.code) for u in c.units.items if u.level == "town"
             for k in (1, 2, 3)]
    rows.append((f"{county}90", "一中", "school", county))
    return pd.DataFrame(rows, columns=["code", "name", "level", "parent_code"])


def prior(frame: pd.DataFrame) -> pd.Series:
    """Last year's insured: 100, 200, 0 in each town's villages; 50 at the school."""
    out = {code: (100, 200, 0)[int(code[-1]) - 1] for code in frame.loc[frame["level"] == "village", "code"]}
    out |= {code: 50 for code in frame.loc[frame["level"] == "school", "code"]}
    return pd.Series(out)


def test_config_targets_split_over_villages_by_last_year():
    c = load_campaign("kaijiang-2020")
    frame = units(c.id)
    b = target_breakdown(c, frame, prior(frame)).set_index("code")
    town = "51172301"
    assert b.at[town, "target"] == 73639 and b.at[town, "basis"] == "config"
    villages = b[b["parent_code"] == town]
    assert villages["target"].sum() == 73639
    assert villages["target"].tolist() == [24546, 49093, 0]
    assert b.at["511723", "target"] == 513080 + 50  # towns' targets plus the school's last year


def test_split_total_is_guided_by_last_year_and_scaled():
    c = load_campaign("rucheng-2020")
    frame = units(c.id)
    b = target_breakdown(c, frame, prior(frame), scale=0.1).set_index("code")
    villages = b[b["level"] == "village"]
    assert villages["target"].sum() == round(62390 * 0.1)
    assert set(villages["basis"]) == {"split"}
    assert b.at["32068201", "target"] == villages["target"].sum()


@pytest.mark.parametrize("campaign", ["yuzhong-2021", "haimen-2020", "wujin-2020"])
def test_last_year_enrolled(campaign):
    c = load_campaign(campaign)
    frame = units(c.id)
    b = target_breakdown(c, frame, prior(frame)).set_index("code")
    villages = b[b["level"] == "village"]
    assert (villages["target"] == villages["last_year"]).all()
    towns = b[b["level"] == "town"]
    assert (towns["target"] == 300).all() and set(towns["basis"]) == {"sum"}


def test_calendar_and_duties(ledger_engine, tmp_path):
    c = load_campaign("yuzhong-2021")
    with ledger_engine.begin() as conn:
        open_campaign(conn, c, AT)
        assert store_calendar(conn, c) == len(c.deadlines)
        assert store_calendar(conn, c) == 0
        assert record_completions(conn, c, [Completion("staff_training", date(2020, 10, 29), "培训3场"),
                                            Completion("nope", date(2020, 10, 29))], "form", AT, None) == ["nope"]
        once = snapshot(conn, c.id)
        record_completions(conn, c, [Completion("staff_training", date(2020, 10, 29), "培训3场")], "form", AT, None)
        store_calendar(conn, c)
        assert snapshot(conn, c.id) == once
        file = tmp_path / "完成情况.csv"
        pd.DataFrame({"事项": ["社区居民参保宣传"], "完成日期": ["2020年11月12日"], "说明": ["入户宣传"]}).to_csv(
            file, index=False, encoding="utf-8-sig")
        done = read_completions(file, c)
        assert done == [Completion("community_publicity", date(2020, 11, 12), "入户宣传")]
        record_completions(conn, c, done, "file", AT, None)
        calendar = load_calendar(conn, c.id)
    states = dict(zip(calendar["code"], duty_states(c, calendar, date(2020, 11, 11))))
    assert states["staff_training"] == "done"
    assert states["community_publicity"] == "done_late"
    assert states["student_publicity"] == "overdue"
    assert states["concentrated_end"] == "open"
    assert dict(zip(calendar["code"], duty_states(c, calendar, date(2020, 12, 17))))["concentrated_end"] == "due_soon"
