"""Deadline calendar, targets and category by age."""

from datetime import date

import pandas as pd
import pytest

from canbao.policy.categories import categories_by_age, category_by_age
from canbao.policy.deadlines import deadline_calendar
from canbao.policy.load import load_campaign
from canbao.policy.targets import configured_targets, split_total


def test_deadline_calendar_sorted_and_owned():
    c = load_campaign("haimen-2020")
    entries = deadline_calendar(c)
    firsts = [e.start or e.date for e in entries]
    assert firsts == sorted(firsts)
    agencies = {a.code for a in c.agencies}
    assert all(e.owner in agencies for e in entries)
    transfer = [e for e in entries if e.kind == "fiscal_transfer"]
    assert [e.last_day for e in transfer] == [date(2020, 6, 30)]


def test_split_total_sums_exactly_and_is_proportional():
    weights = {f"v{i:02d}": w for i, w in enumerate([1203, 877, 2310, 455, 990, 1021, 64])}
    got = split_total(62390, weights)
    assert sum(got.values()) == 62390
    whole = sum(weights.values())
    assert all(abs(got[k] - 62390 * w / whole) < 1 for k, w in weights.items())


def test_split_total_refuses_nothing():
    with pytest.raises(ValueError):
        split_total(10, {})


def test_kaijiang_targets_from_config():
    towns = {t.name: t.target for t in configured_targets(load_campaign("kaijiang-2020")) if t.level == "town"}
    assert towns["新宁镇"] == 73639 and towns["天师镇"] == 12688 and sum(towns.values()) == 513080


def test_wujin_category_by_age():
    c = load_campaign("wujin-2020")
    assert category_by_age(c, date(2005, 6, 1)) == "minor"
    assert category_by_age(c, date(1950, 6, 1)) == "elderly"
    assert category_by_age(c, date(1980, 6, 1)) == "non_employed"
    born = pd.Series(pd.to_datetime(["2005-06-01", "1950-06-01", "1980-06-01", "2002-01-01"]))
    expected = [category_by_age(c, b.date()) for b in born]
    assert categories_by_age(c, born).tolist() == expected


def test_single_category_campaign_by_age():
    c = load_campaign("kaijiang-2020")
    assert category_by_age(c, date(2019, 3, 1)) == "resident"
