"""Benefit start against the notices' rules (DOMAIN.md)."""

from datetime import date

import pytest

from canbao.policy.benefit_start import add_months, benefit_start
from canbao.policy.load import load_campaign
from canbao.policy.quote import PolicyError

d = date


@pytest.mark.parametrize(("campaign", "kind", "paid_on", "born", "insured", "expected"), [
    # Kaijiang: renewals 2020-01-01, new 2020-02-01, after the period 30 days after payment,
    # newborns within 90 days of birth from birth.
    ("kaijiang-2020", "renewal", d(2019, 12, 1), None, (), d(2020, 1, 1)),
    ("kaijiang-2020", "renewal", d(2019, 12, 25), None, (), d(2020, 1, 1)),
    ("kaijiang-2020", "new", d(2019, 10, 8), None, (), d(2020, 2, 1)),
    ("kaijiang-2020", "new", d(2020, 1, 10), None, (), d(2020, 2, 9)),
    ("kaijiang-2020", "renewal", d(2019, 12, 26), None, (), d(2020, 1, 25)),
    ("kaijiang-2020", "new", d(2020, 4, 15), d(2020, 3, 1), (), d(2020, 3, 1)),
    ("kaijiang-2020", "new", d(2020, 5, 30), d(2020, 3, 1), (), d(2020, 3, 1)),  # day 90
    ("kaijiang-2020", "new", d(2020, 5, 31), d(2020, 3, 1), (), d(2020, 6, 30)),
    # Rucheng: after the period a 180-day transition.
    ("rucheng-2020", "new", d(2019, 11, 20), None, (), d(2020, 1, 1)),
    ("rucheng-2020", "renewal", d(2020, 2, 1), None, (), d(2020, 7, 30)),
    # Haimen: by 2019-12-20 normal; continuous 2018+2019 and paid by 2020-03-31 normal; else 6 months.
    ("haimen-2020", "renewal", d(2019, 12, 20), None, (), d(2020, 1, 1)),
    ("haimen-2020", "renewal", d(2020, 3, 31), None, (2018, 2019), d(2020, 1, 1)),
    ("haimen-2020", "renewal", d(2020, 3, 15), None, (2019,), d(2020, 9, 15)),
    ("haimen-2020", "new", d(2020, 3, 15), None, (), d(2020, 9, 15)),
    ("haimen-2020", "renewal", d(2020, 4, 1), None, (2018, 2019), d(2020, 10, 1)),
    # Yuzhong: paid in the concentrated period, cover from the insurance year.
    ("yuzhong-2021", "new", d(2020, 12, 20), None, (), d(2021, 1, 1)),
])
def test_benefit_start(campaign, kind, paid_on, born, insured, expected):
    got = benefit_start(load_campaign(campaign), kind, paid_on, born, insured)
    assert got.benefit_start == expected, got.rule


def test_benefit_start_is_never_before_the_year():
    got = benefit_start(load_campaign("kaijiang-2020"), "new", d(2019, 12, 1), born=d(2019, 11, 1))
    assert got.benefit_start == d(2020, 1, 1)


def test_birth_after_payment_is_an_error():
    with pytest.raises(PolicyError, match="晚于缴费日期"):
        benefit_start(load_campaign("kaijiang-2020"), "new", d(2020, 1, 1), born=d(2020, 2, 1))


def test_add_months_clamps_to_month_end():
    assert add_months(d(2019, 8, 31), 6) == d(2020, 2, 29)
    assert add_months(d(2020, 10, 15), 6) == d(2021, 4, 15)
