"""Contribution quotes against the figures of DOMAIN.md."""

from datetime import date
from decimal import Decimal

import pytest

from canbao.policy.load import load_campaign
from canbao.policy.quote import PolicyError, quote

D = Decimal


@pytest.mark.parametrize(("campaign", "category", "tier", "individual", "government", "transfer"), [
    # Wujin: medical + long-term care (30 individual, 30 government, 40 from the medical funds).
    ("wujin-2020", "elderly", 1, 650 + 30, 950 + 30, 40),
    ("wujin-2020", "non_employed", 1, 800 + 30, 800 + 30, 40),
    ("wujin-2020", "minor", 1, 280 + 30, 860 + 30, 40),
    ("wujin-2020", "college_student", 1, 180 + 30, 960 + 30, 40),
    ("rucheng-2020", "resident", 1, 360, 580, 0),
    ("haimen-2020", "resident", 1, 360, 840, 0),
    ("yuzhong-2021", "resident", 1, 280, None, 0),
    ("yuzhong-2021", "resident", 2, 655, None, 0),
    ("yuzhong-2021", "college_student", 1, 250, None, 0),
    ("yuzhong-2021", "college_student", 2, 625, None, 0),
    ("kaijiang-2020", "resident", 1, 250, None, 0),
])
def test_standard_quote(campaign, category, tier, individual, government, transfer):
    q = quote(load_campaign(campaign), category, tier)
    assert q.individual_part == D(individual)
    assert q.resident_pays == D(individual)
    assert q.paid_on_behalf == 0 and q.funding_mode == "none" and q.paid_on_behalf_by is None
    if government is not None:
        assert q.government_subsidy == D(government)
    assert q.fund_transfer == D(transfer)
    assert sum(c.individual for c in q.components) == q.individual_part


def test_wujin_funding_standard_per_component():
    q = quote(load_campaign("wujin-2020"), "elderly")
    by = {c.code: c for c in q.components}
    assert by["medical"].individual + by["medical"].government == D(1600)
    assert by["care"].individual + by["care"].government + by["care"].fund_transfer == D(100)


def test_haimen_components_add_up_to_1200():
    q = quote(load_campaign("haimen-2020"), "resident")
    assert q.individual_part + q.government_subsidy + q.fund_transfer == D(1200)
    by = {c.code: c for c in q.components}
    assert by["serious_illness"].individual == D(20) and by["care"].individual == D(10)
    assert by["serious_illness"].individual + by["serious_illness"].government == D(110)


@pytest.mark.parametrize(("campaign", "exemption"), [
    ("wujin-2020", "dibao"), ("wujin-2020", "registered_low_income"), ("haimen-2020", "old_party_member"),
    ("kaijiang-2020", "tekun"), ("kaijiang-2020", "registered_low_income"), ("rucheng-2020", "orphan"),
])
def test_full_subsidy_pays_the_whole_individual_part(campaign, exemption):
    c = load_campaign(campaign)
    q = quote(c, c.contribution.categories[0].code, 1, exemption)
    assert q.funding_mode == "full_subsidy"
    assert q.resident_pays == 0 and q.paid_on_behalf == q.individual_part > 0
    assert q.paid_on_behalf_by is not None and q.settle_with is None


def test_wujin_exemption_covers_care_part_too():
    q = quote(load_campaign("wujin-2020"), "elderly", exemption="dibao")
    assert q.paid_on_behalf == D(680) and all(c.resident_pays == 0 for c in q.components)


@pytest.mark.parametrize(("exemption", "settle_with"), [
    ("key_entitled", "veterans_affairs"), ("old_party_member", "organization")])
def test_rucheng_advances_are_settled_with_another_budget(exemption, settle_with):
    q = quote(load_campaign("rucheng-2020"), "resident", exemption=exemption)
    assert q.funding_mode == "advance_then_settle" and q.settle_with == settle_with
    assert q.paid_on_behalf == D(360) and q.resident_pays == 0


def test_kaijiang_dibao_is_partial_and_the_rest_is_paid_by_the_resident():
    c = load_campaign("kaijiang-2020")
    subsidy = next(e.subsidy for e in c.exemptions if e.code == "dibao")
    q = quote(c, "resident", exemption="dibao")
    assert q.funding_mode == "partial_subsidy"
    assert q.paid_on_behalf == subsidy and q.resident_pays == D(250) - subsidy


@pytest.mark.parametrize(("tier", "base"), [(1, 280), (2, 655)])
def test_yuzhong_late_payer_adds_the_fiscal_subsidy_standard(tier, base):
    c = load_campaign("yuzhong-2021")
    standard = c.contribution.late.subsidy_standard
    on_time = quote(c, "resident", tier, paid_on=date(2021, 6, 30))
    late = quote(c, "resident", tier, paid_on=date(2021, 7, 1))
    assert on_time.individual_part == D(base) and not on_time.late and on_time.government_subsidy == standard
    assert late.individual_part == D(base) + standard and late.late and late.government_subsidy == 0


@pytest.mark.parametrize(("campaign", "kwargs", "message"), [
    ("kaijiang-2020", {"category": "elderly"}, "没有参保类别 'elderly'"),
    ("haimen-2020", {"category": "resident", "tier": 2}, "没有缴费档次 2"),
    ("haimen-2020", {"category": "resident", "exemption": "family_planning_special"}, "没有免缴类别"),
])
def test_unknown_codes_are_clear_errors(campaign, kwargs, message):
    with pytest.raises(PolicyError, match=message):
        quote(load_campaign(campaign), **kwargs)
