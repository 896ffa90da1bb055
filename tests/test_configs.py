"""The five campaign configs against every figure and date of the notices (DOMAIN.md, seeds/000..004).

Only config content is tested here: quotes and benefit-start computations have their own tests.
"""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from canbao.formats.sources import SOURCES
from canbao.policy.load import CONFIG_DIR, ConfigError, available_campaigns, check_config, load_campaign

d = date
D = Decimal
CAMPAIGNS = ["haimen-2020", "kaijiang-2020", "rucheng-2020", "wujin-2020", "yuzhong-2021"]


def one(items, **attrs):
    """The single item whose attributes equal `attrs`."""
    found = [x for x in items if all(getattr(x, k) == v for k, v in attrs.items())]
    assert len(found) == 1, f"{len(found)} items match {attrs}"
    return found[0]


# --------------------------------------------------------------------------------------------- validity

def test_all_five_campaigns_have_a_config():
    assert available_campaigns() == CAMPAIGNS


@pytest.mark.parametrize("campaign", CAMPAIGNS)
def test_config_passes_every_check(campaign):
    path = CONFIG_DIR / f"{campaign}.yaml"
    loaded, problems = check_config(path)
    assert problems == []
    assert loaded is not None and loaded.id == campaign == path.stem


@pytest.mark.parametrize("campaign", CAMPAIGNS)
def test_config_starts_with_a_comment_header(campaign):
    first = (CONFIG_DIR / f"{campaign}.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# ")


@pytest.mark.parametrize("campaign", CAMPAIGNS)
def test_every_assumption_says_why(campaign):
    c = load_campaign(campaign)
    k = c.contribution
    sourced = [*c.phases, *c.deadlines, *k.categories, *k.lines, *c.exemptions, *c.benefit_start.rules,
               *c.channels, c.reporting, *k.optional, *([k.late] if k.late else []),
               *c.benefit_start.cover_periods, *c.benefit_start.proof,
               *(c.settlement.town_shares if c.settlement else []),
               *([c.units.school_targets] if c.units.school_targets else [])]
    for item in sourced:
        assert item.source.strip()
        if item.assumed:
            assert item.note, f"{type(item).__name__} {getattr(item, 'code', getattr(item, 'name', ''))}"


@pytest.mark.parametrize("campaign", CAMPAIGNS)
def test_agencies_have_no_channels_yet_and_snake_case_codes(campaign):
    c = load_campaign(campaign)
    assert all(a.channels == [] for a in c.agencies)
    assert len({a.code for a in c.agencies}) == len(c.agencies)
    assert not c.holidays and not c.workdays


# ------------------------------------------------------------------------------------------ campaign info

@pytest.mark.parametrize(
    ("campaign", "locality", "province", "area_code", "year", "issued", "window_start", "window_end"), [
        ("wujin-2020", "武进区", "江苏省", "320412", 2020, d(2019, 9, 23), d(2019, 9, 23), d(2019, 12, 20)),
        ("rucheng-2020", "如皋工业园区（如城街道）", "江苏省", "320682", 2020, d(2019, 11, 18),
         d(2019, 11, 7), d(2019, 12, 31)),
        ("kaijiang-2020", "开江县", "四川省", "511723", 2020, d(2019, 9, 4), d(2019, 9, 1), d(2020, 1, 31)),
        ("haimen-2020", "海门市", "江苏省", "320684", 2020, None, d(2019, 10, 1), d(2020, 6, 30)),
        ("yuzhong-2021", "渝中区", "重庆市", "500103", 2021, d(2020, 11, 10), d(2020, 9, 1), d(2021, 9, 30)),
    ])
def test_campaign_info(campaign, locality, province, area_code, year, issued, window_start, window_end):
    info = load_campaign(campaign).campaign
    assert (info.locality, info.province, info.area_code) == (locality, province, area_code)
    assert info.insurance_year == year and info.issued == issued
    assert (info.window_start, info.window_end) == (window_start, window_end)
    assert info.timezone == "Asia/Shanghai"


@pytest.mark.parametrize(("campaign", "number", "issuers"), [
    ("wujin-2020", "常武医保发〔2019〕9号",
     ["常州市医疗保障局武进分局", "常州市武进区人力资源和社会保障局", "国家税务总局常州市武进区税务局"]),
    ("rucheng-2020", "2020年度城乡居民基本医疗保险基金筹集工作", ["如皋工业园区工作委员会"]),
    ("kaijiang-2020", "2020年城乡居民基本医疗保险筹资工作", ["开江县人民政府办公室"]),
    ("haimen-2020", "2020年度居民基本医疗保险参保缴费工作", ["海门市人民政府办公室"]),
    ("yuzhong-2021", "渝中医保〔2020〕35号",
     ["重庆市渝中区医疗保障局", "重庆市渝中区财政局", "国家税务总局重庆市渝中区税务局"]),
])
def test_notice_and_issuers(campaign, number, issuers):
    info = load_campaign(campaign).campaign
    assert number in info.notice
    assert info.issuers == issuers


# ------------------------------------------------------------------------------------------------ units

KAIJIANG_TARGETS = [
    ("新宁镇", 73639), ("普安镇", 60396), ("甘棠镇", 48352), ("宝石镇", 17686), ("新太乡", 14036),
    ("任市镇", 41717), ("长岭镇", 35176), ("讲治镇", 28232), ("新街乡", 15164), ("八庙镇", 17861),
    ("灵岩镇", 14498), ("靖安乡", 21411), ("梅家乡", 13192), ("沙坝场乡", 12338), ("回龙镇", 15971),
    ("长田乡", 10695), ("永兴镇", 29296), ("骑龙乡", 11197), ("广福镇", 19535), ("天师镇", 12688),
]
YUZHONG_STREETS = ["七星岗街道", "解放碑街道", "两路口街道", "上清寺街道", "菜园坝街道", "南纪门街道",
                   "大溪沟街道", "朝天门街道", "大坪街道", "化龙桥街道", "石油路街道"]


@pytest.mark.parametrize(("name", "target"), KAIJIANG_TARGETS)
def test_kaijiang_township_target(name, target):
    unit = one(load_campaign("kaijiang-2020").units.items, name=name)
    assert unit.level == "town" and unit.parent == "511723" and unit.target == target
    assert unit.source == "附件" and unit.code.startswith("511723") and len(unit.code) == 8


def test_kaijiang_targets_total_513080():
    units = load_campaign("kaijiang-2020").units
    towns = [u for u in units.items if u.level == "town"]
    assert len(towns) == 20 and sum(u.target for u in towns) == units.target_total == 513080
    assert units.target_method == "config" and units.population_assumed == 513080
    assert one(units.items, level="county").code == "511723"


@pytest.mark.parametrize(("campaign", "method", "total", "population", "towns"), [
    ("wujin-2020", "last_year_enrolled", None, 480000, 16),
    ("rucheng-2020", "split_total", 62390, 62390, 1),
    ("kaijiang-2020", "config", 513080, 513080, 20),
    ("haimen-2020", "last_year_enrolled", None, 620000, 13),
    ("yuzhong-2021", "last_year_enrolled", None, 190000, 11),
])
def test_units(campaign, method, total, population, towns):
    c = load_campaign(campaign)
    u = c.units
    assert (u.target_method, u.target_total, u.population_assumed) == (method, total, population)
    county = one(u.items, level="county")
    assert county.code == c.campaign.area_code
    town_units = [x for x in u.items if x.level == "town"]
    assert len(town_units) == towns
    for i, t in enumerate(town_units, start=1):
        assert t.parent == county.code and t.code == f"{county.code}{i:02d}"
    if method != "config":
        assert u.note  # where the targets and the unit names come from


def test_rucheng_total_62390_and_missing_annex():
    u = load_campaign("rucheng-2020").units
    assert u.target_total == 62390 and u.source == "二"
    assert "附表1" in u.note and "生成器" in u.note
    assert one(u.items, level="town").target == 62390


def test_yuzhong_streets_and_university():
    u = load_campaign("yuzhong-2021").units
    assert [x.name for x in u.items if x.level == "town"] == YUZHONG_STREETS
    assert all(x.target is None for x in u.items)
    assert one(u.items, level="school").name == "重庆医科大学"
    assert "不是出自通知" in u.note and "2020年底参保人数" in u.note


@pytest.mark.parametrize("campaign", ["wujin-2020", "haimen-2020"])
def test_towns_listed_without_targets(campaign):
    u = load_campaign(campaign).units
    assert all(x.target is None for x in u.items) and "不是出自通知" in u.note


# ----------------------------------------------------------------------------------------------- phases

@pytest.mark.parametrize(("campaign", "code", "start", "end", "assumed"), [
    ("wujin-2020", "mobilization", d(2019, 9, 23), d(2019, 9, 30), True),
    ("wujin-2020", "registration_payment", d(2019, 10, 1), d(2019, 12, 20), True),
    ("rucheng-2020", "mobilization", d(2019, 11, 7), d(2019, 11, 15), False),
    ("rucheng-2020", "registration_payment", d(2019, 11, 16), d(2019, 11, 25), False),
    ("rucheng-2020", "cleanup", d(2019, 11, 26), d(2019, 12, 5), False),
    ("kaijiang-2020", "mobilization", d(2019, 9, 1), d(2019, 12, 25), False),
    ("kaijiang-2020", "registration_payment", d(2019, 9, 1), d(2019, 12, 25), False),
    ("kaijiang-2020", "settlement", d(2019, 12, 21), d(2020, 1, 31), True),
    ("haimen-2020", "mobilization", d(2019, 10, 1), d(2019, 10, 30), True),
    ("haimen-2020", "registration_payment", d(2019, 10, 1), d(2019, 12, 20), True),
    ("haimen-2020", "settlement", d(2020, 1, 1), d(2020, 6, 30), True),
    ("haimen-2020", "late_enrollment", d(2020, 1, 1), d(2020, 6, 30), True),
    ("yuzhong-2021", "mobilization", d(2020, 9, 1), d(2020, 11, 10), True),
    ("yuzhong-2021", "registration_payment", d(2020, 9, 1), d(2020, 12, 20), False),
    ("yuzhong-2021", "late_enrollment", d(2020, 12, 21), d(2021, 9, 30), False),
])
def test_phase(campaign, code, start, end, assumed):
    p = one(load_campaign(campaign).phases, code=code)
    assert (p.start, p.end, p.assumed) == (start, end, assumed)


@pytest.mark.parametrize(("campaign", "codes"), [
    ("wujin-2020", ["mobilization", "registration_payment"]),
    ("rucheng-2020", ["mobilization", "registration_payment", "cleanup"]),
    ("kaijiang-2020", ["mobilization", "registration_payment", "settlement"]),
    ("haimen-2020", ["mobilization", "registration_payment", "settlement", "late_enrollment"]),
    ("yuzhong-2021", ["mobilization", "registration_payment", "late_enrollment"]),
])
def test_phase_list(campaign, codes):
    assert [p.code for p in load_campaign(campaign).phases] == codes


# -------------------------------------------------------------------------------------------- deadlines

@pytest.mark.parametrize(("campaign", "code", "kind", "owner", "on", "assumed"), [
    # Rucheng: the phase ends, exemption subsidies and advances in place by the end of cleanup.
    ("rucheng-2020", "mobilization_done", "publicity", "villages", d(2019, 11, 15), False),
    ("rucheng-2020", "registration_payment_end", "payment", "villages", d(2019, 11, 25), False),
    ("rucheng-2020", "cleanup_end", "payment", "villages", d(2019, 12, 5), False),
    ("rucheng-2020", "exemption_funds_in_place", "fiscal_transfer", "finance", d(2019, 12, 5), False),
    ("rucheng-2020", "exemption_list_rural_work", "exemption_list", "rural_work", d(2019, 11, 15), True),
    ("rucheng-2020", "exemption_list_social_affairs", "exemption_list", "social_affairs",
     d(2019, 11, 15), True),
    ("rucheng-2020", "exemption_list_trade_union", "exemption_list", "trade_union", d(2019, 11, 15), True),
    ("rucheng-2020", "exemption_list_party_mass_work", "exemption_list", "party_mass_work",
     d(2019, 11, 15), True),
    ("rucheng-2020", "exemption_verified", "exemption_entry", "villages", d(2019, 11, 25), True),
    ("rucheng-2020", "advance_settlement", "settlement", "finance", d(2019, 12, 31), True),
    # Rucheng 二: school targets are their students per the education bureau; 五(二)3: the tax and medical
    # insurance bureaus enter exempt persons (villages only verify).
    ("rucheng-2020", "school_student_counts", "data_handoff", "education", d(2019, 11, 15), True),
    ("rucheng-2020", "exemption_entry_tax", "exemption_entry", "tax", d(2019, 11, 25), True),
    ("rucheng-2020", "exemption_entry_medical_insurance", "exemption_entry", "medical_insurance",
     d(2019, 11, 25), True),
    # Kaijiang: townships and county by 2019-12-20, period ends 12-25.
    ("kaijiang-2020", "township_entry_done", "registration", "towns", d(2019, 12, 20), False),
    ("kaijiang-2020", "county_batches_confirmed", "batch_confirmation", "medical_insurance",
     d(2019, 12, 20), False),
    ("kaijiang-2020", "concentrated_period_end", "payment", "towns", d(2019, 12, 25), False),
    ("kaijiang-2020", "exemption_list_civil_affairs", "exemption_list", "civil_affairs",
     d(2019, 10, 31), True),
    ("kaijiang-2020", "exemption_list_veterans_affairs", "exemption_list", "veterans_affairs",
     d(2019, 10, 31), True),
    ("kaijiang-2020", "exemption_list_disabled_federation", "exemption_list", "disabled_federation",
     d(2019, 10, 31), True),
    ("kaijiang-2020", "exemption_list_poverty_office", "exemption_list", "poverty_office",
     d(2019, 10, 31), True),
    # Haimen: leaflets 10-30, exempt persons entered 12-15, registration 12-20, towns' transfer 2020-06-30.
    ("haimen-2020", "leaflets_to_households", "publicity", "towns", d(2019, 10, 30), False),
    ("haimen-2020", "exemption_entry", "exemption_entry", "towns", d(2019, 12, 15), False),
    ("haimen-2020", "registration_payment_end", "payment", "towns", d(2019, 12, 20), False),
    ("haimen-2020", "students_registered", "registration", "schools", d(2019, 12, 20), False),
    ("haimen-2020", "towns_fiscal_transfer", "fiscal_transfer", "towns", d(2020, 6, 30), False),
    # Haimen 九: late payment opens 2020-01-01; continuity cutoff 2020-03-31 (rule changes, not duties).
    ("haimen-2020", "late_payment_opens", "rule_cutoff", "villages", d(2020, 1, 1), False),
    ("haimen-2020", "continuity_cutoff", "rule_cutoff", "villages", d(2020, 3, 31), False),
    *[("haimen-2020", f"exemption_list_{a}", "exemption_list", a, d(2019, 11, 30), True)
      for a in ("civil_affairs", "trade_union", "veterans_affairs", "disabled_federation", "organization",
                "poverty_office", "health_commission")],
    # Yuzhong: deployment and training by 10-30, publicity by 11-10, concentrated until 12-20,
    # late enrollment until 2021-09-30.
    ("yuzhong-2021", "deployment_targets", "targets", "medical_insurance", d(2020, 10, 30), False),
    ("yuzhong-2021", "tax_deployment", "targets", "tax", d(2020, 10, 30), False),
    ("yuzhong-2021", "staff_training", "training", "towns", d(2020, 10, 30), False),
    ("yuzhong-2021", "student_publicity", "publicity", "education", d(2020, 11, 10), False),
    ("yuzhong-2021", "community_publicity", "publicity", "towns", d(2020, 11, 10), False),
    ("yuzhong-2021", "concentrated_end", "payment", "towns", d(2020, 12, 20), False),
    ("yuzhong-2021", "late_enrollment_end", "payment", "tax", d(2021, 9, 30), False),
    ("yuzhong-2021", "late_price_change", "rule_cutoff", "towns", d(2021, 6, 30), False),  # 一(二)1
    ("yuzhong-2021", "exemption_list_medical_insurance", "exemption_list", "medical_insurance",
     d(2020, 11, 10), True),
    ("yuzhong-2021", "exemption_list_health_commission", "exemption_list", "health_commission",
     d(2020, 11, 10), True),
    # Wujin: the notice dates nothing; every deadline is assumed.
    ("wujin-2020", "publicity_materials", "publicity", "hrss", d(2019, 9, 30), True),
    ("wujin-2020", "collection_training", "training", "tax", d(2019, 9, 30), True),
    ("wujin-2020", "exemption_list_consolidated", "exemption_list", "medical_insurance",
     d(2019, 10, 15), True),
    ("wujin-2020", "exemption_enrolled_feedback", "exemption_entry", "hrss", d(2019, 11, 15), True),
    ("wujin-2020", "exemption_identity_checked", "exemption_entry", "towns", d(2019, 11, 30), True),
    ("wujin-2020", "concentrated_period_end", "payment", "towns", d(2019, 12, 20), True),
    # Wujin 三2: HR registration and bank-account data to the tax bureau, which sets up batch deduction.
    ("wujin-2020", "renewal_data_to_tax", "data_handoff", "hrss", d(2019, 9, 30), True),
    ("wujin-2020", "batch_deduction_agreements", "data_handoff", "tax", d(2019, 10, 10), True),
    *[("wujin-2020", f"exemption_list_{a}", "exemption_list", a, d(2019, 10, 10), True)
      for a in ("civil_affairs", "disabled_federation", "veterans_affairs", "poverty_office")],
])
def test_dated_deadline(campaign, code, kind, owner, on, assumed):
    x = one(load_campaign(campaign).deadlines, code=code)
    assert (x.kind, x.owner, x.date, x.assumed) == (kind, owner, on, assumed)
    assert x.start is None and x.end is None and x.due and x.adjust == "none"


@pytest.mark.parametrize(("campaign", "code", "kind", "owner", "start", "end", "assumed"), [
    ("yuzhong-2021", "weekly_report", "report", "towns", d(2020, 11, 1), d(2020, 12, 20), False),
    ("yuzhong-2021", "supervision", "report", "medical_insurance", d(2020, 11, 1), d(2020, 12, 20), False),
    ("kaijiang-2020", "village_monthly_posting", "posting", "villages",
     d(2019, 9, 1), d(2019, 12, 25), False),
    ("kaijiang-2020", "special_group_settlement", "settlement", "medical_insurance",
     d(2019, 12, 21), d(2020, 1, 31), True),
    ("wujin-2020", "progress_reports", "report", "towns", d(2019, 10, 1), d(2019, 12, 20), True),
])
def test_ranged_deadline(campaign, code, kind, owner, start, end, assumed):
    x = one(load_campaign(campaign).deadlines, code=code)
    assert (x.kind, x.owner, x.start, x.end, x.assumed) == (kind, owner, start, end, assumed)
    assert x.date is None


@pytest.mark.parametrize(("campaign", "count"), [
    ("wujin-2020", 13), ("rucheng-2020", 13), ("kaijiang-2020", 9), ("haimen-2020", 14), ("yuzhong-2021", 12),
])
def test_deadline_count(campaign, count):
    """Every deadline of a config is one of the rows above: nothing unlisted slips in."""
    assert len(load_campaign(campaign).deadlines) == count


# ------------------------------------------------------------------------------------------ contribution

LINE_FIELDS = ("campaign", "category", "tier", "component", "individual", "government", "transfer")


@pytest.mark.parametrize(LINE_FIELDS, [
    ("wujin-2020", "elderly", 1, "medical", 650, 950, 0),
    ("wujin-2020", "non_employed", 1, "medical", 800, 800, 0),
    ("wujin-2020", "minor", 1, "medical", 280, 860, 0),
    ("wujin-2020", "college_student", 1, "medical", 180, 960, 0),
    *[("wujin-2020", cat, 1, "care", 30, 30, 40)
      for cat in ("elderly", "non_employed", "minor", "college_student")],
    ("rucheng-2020", "resident", 1, "medical", 360, 580, 0),
    ("kaijiang-2020", "resident", 1, "medical", 250, 550, 0),
    ("haimen-2020", "resident", 1, "medical", 330, 750, 0),
    ("haimen-2020", "resident", 1, "serious_illness", 20, 90, 0),
    ("haimen-2020", "resident", 1, "care", 10, 0, 0),
    ("yuzhong-2021", "resident", 1, "medical", 280, 580, 0),
    ("yuzhong-2021", "resident", 2, "medical", 655, 580, 0),
    ("yuzhong-2021", "college_student", 1, "medical", 250, 580, 0),
    ("yuzhong-2021", "college_student", 2, "medical", 625, 580, 0),
])
def test_schedule_line(campaign, category, tier, component, individual, government, transfer):
    line = one(load_campaign(campaign).contribution.lines, category=category, tier=tier, component=component)
    got = (line.individual, line.government, line.fund_transfer)
    assert got == (D(individual), D(government), D(transfer))


@pytest.mark.parametrize(("campaign", "category", "standard"), [
    # Wujin: the notice's medical standard (1600 / 1140) plus long-term care 100.
    ("wujin-2020", "elderly", 1600 + 100), ("wujin-2020", "non_employed", 1600 + 100),
    ("wujin-2020", "minor", 1140 + 100), ("wujin-2020", "college_student", 1140 + 100),
    ("rucheng-2020", "resident", 360 + 580), ("haimen-2020", "resident", 1200),
    ("kaijiang-2020", "resident", None), ("yuzhong-2021", "resident", None),
    ("yuzhong-2021", "college_student", None),
])
def test_funding_standard(campaign, category, standard):
    cat = one(load_campaign(campaign).contribution.categories, code=category)
    assert cat.funding_standard == (None if standard is None else D(standard))


@pytest.mark.parametrize(("category", "medical_standard"), [
    ("elderly", 1600), ("non_employed", 1600), ("minor", 1140), ("college_student", 1140)])
def test_wujin_medical_standard_and_care_100(category, medical_standard):
    lines = {x.component: x for x in load_campaign("wujin-2020").contribution.lines if x.category == category}
    assert lines["medical"].individual + lines["medical"].government == medical_standard
    care = lines["care"]
    assert care.individual + care.government + care.fund_transfer == 100


def test_haimen_1200_with_serious_illness_110_and_individual_360():
    lines = {x.component: x for x in load_campaign("haimen-2020").contribution.lines}
    assert sum(x.individual for x in lines.values()) == 360
    assert sum(x.government for x in lines.values()) == 840
    assert lines["serious_illness"].individual + lines["serious_illness"].government == 110
    assert lines["care"].individual == 10
    assert "推算" in lines["medical"].note  # the government split is derived, not stated


@pytest.mark.parametrize(("campaign", "categories", "components", "tiers"), [
    ("wujin-2020", ["elderly", "non_employed", "minor", "college_student"], ["medical", "care"], {1: "一档"}),
    ("rucheng-2020", ["resident"], ["medical"], {1: "一档"}),
    ("kaijiang-2020", ["resident"], ["medical"], {1: "一档"}),
    ("haimen-2020", ["resident"], ["medical", "serious_illness", "care"], {1: "一档"}),
    ("yuzhong-2021", ["resident", "college_student"], ["medical"], {1: "一档", 2: "二档"}),
])
def test_categories_components_tiers(campaign, categories, components, tiers):
    k = load_campaign(campaign).contribution
    assert [x.code for x in k.categories] == categories
    assert [x.code for x in k.components] == components
    assert k.tiers == tiers


@pytest.mark.parametrize(("campaign", "assumed_government"), [
    ("kaijiang-2020", True), ("yuzhong-2021", True), ("rucheng-2020", False), ("haimen-2020", False),
    ("wujin-2020", False),
])
def test_government_subsidy_assumed_only_where_the_notice_is_silent(campaign, assumed_government):
    assert all(x.assumed == assumed_government for x in load_campaign(campaign).contribution.lines)


def test_wujin_age_bands():
    k = load_campaign("wujin-2020").contribution
    bands = {b.category: (b.min_age, b.max_age) for b in k.age_bands}
    assert bands == {"minor": (None, 17), "elderly": (60, None)}
    assert k.age_reference == "insurance_year_start"


def test_yuzhong_late_payers_add_the_subsidy_standard_after_2021_06_30():
    late = load_campaign("yuzhong-2021").contribution.late
    assert late.after == d(2021, 6, 30) and late.adds == "government_subsidy"
    assert late.subsidy_standard == 580 and late.assumed


@pytest.mark.parametrize("campaign", ["wujin-2020", "rucheng-2020", "kaijiang-2020", "haimen-2020"])
def test_no_late_rule_elsewhere(campaign):
    assert load_campaign(campaign).contribution.late is None


def test_rucheng_optional_commercial_supplement_40():
    k = load_campaign("rucheng-2020").contribution
    opt = one(k.optional, code="commercial_supplement")
    assert opt.amount == 40 and opt.name == "住院商业补充医疗保险"


# ------------------------------------------------------------------------------------------- exemptions

EXEMPTIONS = [
    # campaign, code, agency, mode, payer, settle_with, subsidy, special_group
    *[("wujin-2020", code, agency, "full_subsidy", "finance", None, None, False) for code, agency in [
        ("dibao", "civil_affairs"), ("severe_disability", "disabled_federation"),
        ("key_entitled", "veterans_affairs"), ("three_nos", "civil_affairs"), ("orphan", "civil_affairs"),
        ("tekun", "civil_affairs"), ("registered_low_income", "poverty_office")]],
    *[("rucheng-2020", code, agency, "full_subsidy", "finance", None, None, False) for code, agency in [
        ("registered_low_income", "rural_work"), ("orphan", "social_affairs"), ("dibao", "social_affairs"),
        ("tekun", "social_affairs"), ("downsized_1960s", "social_affairs"),
        ("severe_disability", "social_affairs"), ("hardship_worker_family", "trade_union")]],
    ("rucheng-2020", "key_entitled", "social_affairs", "advance_then_settle", "finance", "veterans_affairs",
     None, False),
    ("rucheng-2020", "old_party_member", "party_mass_work", "advance_then_settle", "finance", "organization",
     None, False),
    *[("kaijiang-2020", code, agency, "full_subsidy", "finance", None, None, True) for code, agency in [
        ("tekun", "civil_affairs"), ("key_entitled", "veterans_affairs"),
        ("severe_disability", "disabled_federation"), ("registered_low_income", "poverty_office"),
        ("orphan", "civil_affairs")]],
    ("kaijiang-2020", "dibao", "civil_affairs", "partial_subsidy", "finance", None, 125, True),
    *[("haimen-2020", code, agency, "full_subsidy", "finance", None, None, False) for code, agency in [
        ("dibao", "civil_affairs"), ("hardship_worker_family", "trade_union"), ("tekun", "civil_affairs"),
        ("three_nos", "civil_affairs"), ("key_entitled", "veterans_affairs"),
        ("downsized_1960s", "civil_affairs"), ("severe_disability", "disabled_federation"),
        ("old_party_member", "organization"), ("registered_low_income", "poverty_office"),
        ("temp_relief_serious_illness", "civil_affairs"), ("orphan", "civil_affairs")]],
    ("yuzhong-2021", "tekun", "medical_insurance", "full_subsidy", "finance", None, None, True),
    ("yuzhong-2021", "dibao", "medical_insurance", "partial_subsidy", "finance", None, 280, True),
    ("yuzhong-2021", "severe_disability", "medical_insurance", "partial_subsidy", "finance", None, 280, True),
    ("yuzhong-2021", "family_planning_special", "health_commission", "partial_subsidy", "finance", None, 280,
     False),
    ("yuzhong-2021", "hardship_college_student", "medical_insurance", "partial_subsidy", "finance", None, 250,
     False),  # 一(二)3: 家庭经济困难在校大学生
]


@pytest.mark.parametrize(("campaign", "code", "agency", "mode", "payer", "settle_with", "subsidy", "special"),
                         EXEMPTIONS)
def test_exemption(campaign, code, agency, mode, payer, settle_with, subsidy, special):
    e = one(load_campaign(campaign).exemptions, code=code)
    assert (e.agency, e.funding_mode, e.payer, e.settle_with) == (agency, mode, payer, settle_with)
    assert e.subsidy == (None if subsidy is None else D(subsidy))
    assert e.special_group is special


@pytest.mark.parametrize("campaign", CAMPAIGNS)
def test_exemption_list_is_exactly_the_notice_groups(campaign):
    c = load_campaign(campaign)
    expected = [row[1] for row in EXEMPTIONS if row[0] == campaign]
    assert sorted(e.code for e in c.exemptions) == sorted(expected)


@pytest.mark.parametrize("campaign", CAMPAIGNS)
def test_full_subsidy_takes_precedence_over_partial_and_advances(campaign):
    exemptions = sorted(load_campaign(campaign).exemptions, key=lambda e: e.precedence)
    assert len({e.precedence for e in exemptions}) == len(exemptions)
    modes = [e.funding_mode for e in exemptions]
    assert modes == sorted(modes, key=lambda m: m != "full_subsidy")


@pytest.mark.parametrize(("campaign", "code", "assumed"), [
    ("kaijiang-2020", "dibao", True), ("kaijiang-2020", "key_entitled", True),
    ("kaijiang-2020", "tekun", False),
    ("yuzhong-2021", "tekun", True), ("yuzhong-2021", "dibao", True),
    ("yuzhong-2021", "severe_disability", True), ("yuzhong-2021", "family_planning_special", True),
    ("rucheng-2020", "old_party_member", False), ("haimen-2020", "orphan", False),
])
def test_exemption_assumed_flag(campaign, code, assumed):
    assert one(load_campaign(campaign).exemptions, code=code).assumed is assumed


def test_wujin_exemption_agencies_all_assumed():
    assert all(e.assumed for e in load_campaign("wujin-2020").exemptions)


def test_rucheng_old_party_members_joined_before_1954_10_31():
    e = one(load_campaign("rucheng-2020").exemptions, code="old_party_member")
    assert "1954年10月31日前入党" in e.name


def test_haimen_other_groups_include_de_facto_orphans_and_aids():
    e = one(load_campaign("haimen-2020").exemptions, code="orphan")
    assert "事实孤儿" in e.name and "艾滋病" in e.name


# ---------------------------------------------------------------------------------------- benefit start

RULES = {
    # campaign: [(enrollment, paid_from, paid_by, newborn_within_days, insured_years,
    #             start, date, days, months)]
    "kaijiang-2020": [
        ("any", None, None, 90, [], "birth_date", None, None, None),
        ("renewal", None, d(2019, 12, 25), None, [], "fixed", d(2020, 1, 1), None, None),
        ("new", None, d(2019, 12, 25), None, [], "fixed", d(2020, 2, 1), None, None),
        ("any", d(2019, 12, 26), None, None, [], "days_after_payment", None, 30, None),
    ],
    "rucheng-2020": [
        ("any", None, d(2019, 12, 5), None, [], "fixed", d(2020, 1, 1), None, None),
        ("any", d(2019, 12, 6), None, None, [], "days_after_payment", None, 180, None),
    ],
    "haimen-2020": [
        ("any", None, d(2019, 12, 20), None, [], "fixed", d(2020, 1, 1), None, None),
        ("renewal", None, d(2020, 3, 31), None, [2018, 2019], "fixed", d(2020, 1, 1), None, None),
        ("any", None, None, None, [], "months_after_payment", None, None, 6),
    ],
    "wujin-2020": [
        ("any", None, d(2019, 12, 20), None, [], "fixed", d(2020, 1, 1), None, None),
        ("any", d(2019, 12, 21), None, None, [], "months_after_payment", None, None, 6),
    ],
    "yuzhong-2021": [
        ("any", None, d(2020, 12, 20), None, [], "fixed", d(2020, 9, 1), None, None),  # college students
        ("any", d(2020, 12, 21), None, None, [], "days_after_payment", None, 0, None),  # college students
        ("any", None, d(2020, 12, 20), None, [], "fixed", d(2021, 1, 1), None, None),
        ("any", d(2020, 12, 21), None, None, [], "days_after_payment", None, 0, None),
    ],
}
RULE_ASSUMED = {
    "kaijiang-2020": [False, False, False, False], "rucheng-2020": [True, False],
    "haimen-2020": [False, True, False], "wujin-2020": [True, True],
    "yuzhong-2021": [True, True, True, True],
}


RULE_CASES = [(c, i) for c, rules in RULES.items() for i in range(len(rules))]


@pytest.mark.parametrize(("campaign", "index"), RULE_CASES)
def test_benefit_rule(campaign, index):
    r = load_campaign(campaign).benefit_start.rules[index]
    got = (r.enrollment, r.paid_from, r.paid_by, r.newborn_within_days, r.insured_years, r.start, r.date,
           r.days, r.months)
    assert got == RULES[campaign][index]
    assert r.assumed is RULE_ASSUMED[campaign][index]


@pytest.mark.parametrize(("campaign", "year_start"), [
    ("wujin-2020", d(2020, 1, 1)), ("rucheng-2020", d(2020, 1, 1)), ("kaijiang-2020", d(2020, 1, 1)),
    ("haimen-2020", d(2020, 1, 1)), ("yuzhong-2021", d(2021, 1, 1)),
])
def test_benefit_year_start_and_rule_count(campaign, year_start):
    b = load_campaign(campaign).benefit_start
    assert b.year_start == year_start and len(b.rules) == len(RULES[campaign])


# --------------------------------------------------------------------------------------------- channels

@pytest.mark.parametrize(("campaign", "channels"), [
    ("wujin-2020", {"bank_deduction", "bank_counter", "government_subsidy"}),
    ("rucheng-2020", {"self_service_terminal", "school", "service_window", "government_subsidy"}),
    ("kaijiang-2020", {"village_cash", "school", "bank_deduction", "tax_app", "bank_counter",
                       "service_window", "government_subsidy"}),
    ("haimen-2020", {"tax_app", "self_service_terminal", "bank_counter", "service_window", "school",
                     "government_subsidy"}),
    ("yuzhong-2021", {"service_window", "school", "government_subsidy"}),
])
def test_channels(campaign, channels):
    got = [x.code for x in load_campaign(campaign).channels]
    assert sorted(got) == sorted(channels)


# ------------------------------------------------------------------------------ reporting, limits, award

@pytest.mark.parametrize(("campaign", "start", "end", "goal", "special", "monthly", "assumed"), [
    ("wujin-2020", d(2019, 10, 1), d(2019, 12, 20), "0.98", "1", False, True),
    ("rucheng-2020", d(2019, 11, 16), d(2019, 12, 5), "1", "1", False, True),
    ("kaijiang-2020", d(2019, 9, 2), d(2019, 12, 25), "0.98", "1", True, True),
    ("haimen-2020", d(2019, 10, 7), d(2019, 12, 20), "0.98", "1", False, True),
    ("yuzhong-2021", d(2020, 11, 1), d(2020, 12, 20), "1", "1", False, True),
])
def test_reporting(campaign, start, end, goal, special, monthly, assumed):
    r = load_campaign(campaign).reporting
    assert (r.weekly_start, r.weekly_end) == (start, end)
    assert (r.weekly_weekday, r.weekly_time) == (0, "09:00")
    assert (r.goal_rate, r.special_group_goal) == (D(goal), D(special))
    assert (r.good_threshold, r.warning_threshold) == (D("0.95"), D("0.80"))
    assert r.monthly_posting is monthly and r.assumed is assumed and r.note


def test_kaijiang_cash_double_limit_20000_or_5_days():
    limit = load_campaign("kaijiang-2020").cash_double_limit
    assert (limit.amount, limit.days) == (D(20000), 5) and limit.source == "六(二)1(3)"


def test_rucheng_award_1_5_per_enrolled():
    award = load_campaign("rucheng-2020").award
    assert award.per_enrolled == D("1.5") and award.source == "六(三)2"
    assert "规定期限内完成" in award.condition


@pytest.mark.parametrize("campaign", CAMPAIGNS)
def test_double_limit_and_award_only_where_the_notice_has_them(campaign):
    c = load_campaign(campaign)
    assert (c.cash_double_limit is not None) == (campaign == "kaijiang-2020")
    assert (c.award is not None) == (campaign == "rucheng-2020")


@pytest.mark.parametrize(("campaign", "code", "name"), [
    ("rucheng-2020", "finance", "园区财政和资产管理局"), ("rucheng-2020", "social_affairs", "园区社会事业局"),
    ("rucheng-2020", "party_mass_work", "园区党群工作局"),
    ("rucheng-2020", "veterans_affairs", "市退役军人事务管理局"),
    ("rucheng-2020", "organization", "市委组织部"), ("rucheng-2020", "rural_work", "园区农村工作局"),
    ("haimen-2020", "trade_union", "总工会"), ("haimen-2020", "poverty_office", "扶贫办"),
    ("haimen-2020", "education", "市教体局"), ("yuzhong-2021", "health_commission", "区卫健委"),
    ("yuzhong-2021", "education", "区教委"), ("wujin-2020", "medical_insurance", "武进医保分局"),
    ("kaijiang-2020", "performance_office", "县委目标绩效办"),
])
def test_agency_names_as_the_notice_writes_them(campaign, code, name):
    assert one(load_campaign(campaign).agencies, code=code).name == name


# ------------------------------------------------------------------------------------ broken configs

def _set(raw, dotted, value):
    *head, last = dotted.split(".")
    node = raw
    for key in head:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


def _broken(tmp_path: Path, campaign: str, dotted: str, value) -> Path:
    raw = yaml.safe_load((CONFIG_DIR / f"{campaign}.yaml").read_text(encoding="utf-8"))
    _set(raw, dotted, value)
    path = tmp_path / f"{campaign}.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(("campaign", "dotted", "value", "where"), [
    ("kaijiang-2020", "campaign.colour", "red", "campaign.colour"),  # unknown key
    ("kaijiang-2020", "phases.1.end", d(2019, 8, 31), "phases.1.end"),  # ends before it starts
    ("haimen-2020", "contribution.categories.0.funding_standard", 1300,
     "contribution.categories.0.funding_standard"),  # category total does not add up
    ("wujin-2020", "contribution.lines.1.fund_transfer", 0, "contribution.categories.0.funding_standard"),
    ("haimen-2020", "deadlines.0.owner", "nobody", "deadlines.0.owner"),  # owner is not an agency
    ("rucheng-2020", "exemptions.7.settle_with", "city_hall", "exemptions.7.settle_with"),
    ("yuzhong-2021", "deadlines.0.date", d(2022, 1, 1), "deadlines.0.date"),  # outside the window
    ("kaijiang-2020", "units.target_total", 513081, "units.target_total"),  # towns don't add up
    ("kaijiang-2020", "units.items.1.target", None, "units.target_method"),  # 'config' needs every target
    ("yuzhong-2021", "campaign.id", "yuzhong-2022", "campaign.id"),  # id is not the file name
    ("kaijiang-2020", "exemptions.5.subsidy", None, "exemptions.5"),  # partial subsidy without amount
    ("haimen-2020", "benefit_start.rules.2.months", None, "benefit_start.rules.2"),
    ("yuzhong-2021", "reporting.weekly_end", d(2020, 10, 1), "reporting.weekly_end"),
    ("rucheng-2020", "deadlines.0.kind", "party", "deadlines.0.kind"),
    ("wujin-2020", "contribution.age_bands.0.category", "infant", "contribution.age_bands.0.category"),
    ("kaijiang-2020", "contribution.lines.0.individual", "250.005", "contribution.lines.0.individual"),
    ("yuzhong-2021", "contribution.lines.3.tier", 3, "contribution.lines.3.tier"),
])
def test_broken_config_names_file_and_field(tmp_path, campaign, dotted, value, where):
    path = _broken(tmp_path, campaign, dotted, value)
    loaded, problems = check_config(path)
    assert loaded is None
    assert any(p.startswith(f"{path}:{where}:") for p in problems), problems
    with pytest.raises(ConfigError) as err:
        load_campaign(path)
    assert err.value.problems == problems


def test_unparseable_yaml_names_the_file(tmp_path):
    path = tmp_path / "kaijiang-2020.yaml"
    path.write_text("campaign: [unclosed\n", encoding="utf-8")
    loaded, problems = check_config(path)
    assert loaded is None and len(problems) == 1 and problems[0].startswith(f"{path}:")


def test_an_impossible_date_names_file_and_field(tmp_path):
    text = (CONFIG_DIR / "kaijiang-2020.yaml").read_text(encoding="utf-8")
    assert "issued: 2019-09-04" in text
    path = tmp_path / "kaijiang-2020.yaml"
    path.write_text(text.replace("issued: 2019-09-04", "issued: 2019-02-30"), encoding="utf-8")
    loaded, problems = check_config(path)
    assert loaded is None and len(problems) == 1
    assert problems[0].startswith(f"{path}:campaign.issued: ") and "2019-02-30" in problems[0]


@pytest.mark.parametrize(("campaign", "index", "subsidy", "bad"), [
    ("kaijiang-2020", 5, "250.01", True),  # Kaijiang's residents pay 250 yuan
    ("kaijiang-2020", 5, "250.00", False),
    ("yuzhong-2021", 3, "655.00", False),  # Yuzhong's second tier pays 655: a 280 subsidy is not above it
    ("yuzhong-2021", 3, "656.00", True),
])
def test_a_subsidy_above_the_contribution_is_caught(tmp_path, campaign, index, subsidy, bad):
    raw = yaml.safe_load((CONFIG_DIR / f"{campaign}.yaml").read_text(encoding="utf-8"))
    assert raw["exemptions"][index]["funding_mode"] == "partial_subsidy"
    path = _broken(tmp_path, campaign, f"exemptions.{index}.subsidy", subsidy)
    loaded, problems = check_config(path)
    assert (loaded is None) == bad
    assert any(p.startswith(f"{path}:exemptions.{index}.subsidy: ") for p in problems) == bad, problems


def test_intake_limits_per_source_checked(tmp_path):
    path = _broken(tmp_path, "haimen-2020", "intake_limits", {"sources": {"rosters": {"max_rows": 10}}})
    assert check_config(path)[1] == [f"{path}:intake_limits.sources.rosters: unknown source 'rosters' "
                                      f"(known: {', '.join(SOURCES)})"]
    path = _broken(tmp_path, "haimen-2020", "intake_limits", {"default": {"max_rows": 0}})
    assert any(p.startswith(f"{path}:intake_limits.default.max_rows:") for p in check_config(path)[1])


# ------------------------------------------------------------------- rules issue 10 adds (each by clause)

def test_yuzhong_late_surcharge_is_for_ordinary_residents_only():
    """一(二)1 adds the fiscal subsidy standard after 2021-06-30 for 普通居民; 一(二)2 has no late clause."""
    late = load_campaign("yuzhong-2021").contribution.late
    assert (late.after, late.categories, late.source) == (d(2021, 6, 30), ["resident"], "一(二)1")
    assert late.subsidy_standard == 580 and late.assumed


def test_yuzhong_college_students_cover_the_academic_year():
    """一(二)2: 2020年9月至2021年8月学年度."""
    b = load_campaign("yuzhong-2021").benefit_start
    period = one(b.cover_periods, source="一(二)2")
    assert (period.categories, period.start, period.end) == (["college_student"], d(2020, 9, 1), d(2021, 8, 31))
    assert [r.categories for r in b.rules] == [["college_student"], ["college_student"], [], []]


def test_yuzhong_hardship_college_students_only_for_college_students():
    e = one(load_campaign("yuzhong-2021").exemptions, code="hardship_college_student")
    assert e.categories == ["college_student"] and "一(二)3" in e.source and e.assumed and e.note


def test_kaijiang_mid_year_enrollment_needs_proof():
    """三(二): after the period (ends 2019-12-25) only with proof of one of the named reasons."""
    (rule,) = load_campaign("kaijiang-2020").benefit_start.proof
    assert (rule.paid_from, rule.paid_by, rule.enrollment, rule.source) == (d(2019, 12, 26), None, "any", "三(二)")
    assert len(rule.proofs) == 5 and "刑满释放" in rule.proofs and rule.newborns_exempt


def test_kaijiang_special_groups_need_county_hukou():
    """二(一): 具有我县户籍的特困人员…孤儿; dibao (二(二)) has no such condition."""
    c = load_campaign("kaijiang-2020")
    assert {e.code for e in c.exemptions if e.local_hukou} == {
        "tekun", "key_entitled", "severe_disability", "registered_low_income", "orphan"}
    assert not any(e.local_hukou for n in CAMPAIGNS if n != "kaijiang-2020" for e in load_campaign(n).exemptions)


def test_haimen_jiangxinsha_and_haiyong_at_the_lowest_town_ratio():
    """二: 江心沙、海永镇暂按区镇最低民生支出负担比例承担; the ratios themselves are assumed."""
    s = load_campaign("haimen-2020").settlement
    (shares,) = s.town_shares
    names = {u.code: u.name for u in load_campaign("haimen-2020").units.items}
    assert sorted(names[t] for t in shares.towns) == ["江心沙农场", "海永镇"]
    town = one(s.subsidy_split, code="town")
    assert shares.share < town.share and shares.balance == "city" and shares.source == "二" and shares.assumed


def test_rucheng_school_targets_are_students_per_the_education_bureau():
    t = load_campaign("rucheng-2020").units.school_targets
    assert (t.basis, t.agency, t.source) == ("student_count", "education", "二")


@pytest.mark.parametrize(("campaign", "code", "population", "categories", "warn"), [
    ("haimen-2020", "late_payment_opens", "unpaid", [], 5),
    ("haimen-2020", "continuity_cutoff", "unpaid_renewals", [], 10),
    ("yuzhong-2021", "late_price_change", "unpaid", ["resident"], 10),
])
def test_rule_cutoffs_say_whom_they_affect(campaign, code, population, categories, warn):
    x = one(load_campaign(campaign).deadlines, code=code)
    assert x.cutoff is not None and (x.cutoff.population, x.cutoff.categories) == (population, categories)
    assert x.warn_working_days == warn and x.cutoff.who and x.cutoff.consequence


@pytest.mark.parametrize("campaign", CAMPAIGNS)
def test_only_rule_cutoffs_carry_a_cutoff(campaign):
    for x in load_campaign(campaign).deadlines:
        assert (x.kind == "rule_cutoff") == (x.cutoff is not None), x.code
