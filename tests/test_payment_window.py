"""Each campaign's payment window against the notices (DOMAIN.md)."""

from __future__ import annotations

from datetime import date

import pytest

from canbao.policy.load import load_campaign
from canbao.policy.window import payment_window


@pytest.mark.parametrize(("campaign", "start", "end", "last"), [
    ("yuzhong-2021", date(2020, 9, 1), date(2020, 12, 20), date(2021, 9, 30)),  # 一(一): may pay until 2021-09-30
    ("kaijiang-2020", date(2019, 9, 1), date(2019, 12, 25), date(2020, 12, 31)),  # 三(二): mid-year, with proof
    ("rucheng-2020", date(2019, 11, 16), date(2019, 11, 25), date(2020, 12, 31)),
    ("wujin-2020", date(2019, 10, 1), date(2019, 12, 20), date(2020, 12, 31)),
])
def test_payment_window_follows_the_notice(campaign: str, start: date, end: date, last: date) -> None:
    w = payment_window(load_campaign(campaign))
    assert (w.period_start, w.period_end, w.last) == (start, end, last)
    assert w.contains(start) and w.contains(last)
    assert not w.contains(date(1900, 1, 1)) and not w.contains(date(last.year + 1, 1, 1))
