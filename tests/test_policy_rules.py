"""The policy functions behind the notices' rules: admission, footnotes, town shares, hukou, config checks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from canbao.identity import make_id
from canbao.intake.matching import benefit_starts
from canbao.policy.admission import admit_payment
from canbao.policy.assumptions import assumption_footnote
from canbao.policy.hukou import hukou_check
from canbao.policy.load import CONFIG_DIR, check_config, load_campaign
from canbao.policy.quote import quote
from canbao.policy.subsidy import town_level_shares
from canbao.settlement.levels import subsidy_by_level

d, D = date, Decimal


@pytest.mark.parametrize(("campaign", "paid_on", "outcome", "code"), [
    ("yuzhong-2021", d(2020, 9, 1), "accepted", None),  # 一(一): from 2020-09-01
    ("yuzhong-2021", d(2021, 9, 30), "accepted", None),  # 一(一): until 2021-09-30
    ("yuzhong-2021", d(2021, 10, 1), "refused", "paid_after_last_day"),
    ("yuzhong-2021", d(2020, 8, 31), "accepted", None),  # no notice forbids paying early
    ("kaijiang-2020", d(2019, 12, 25), "accepted", None),  # 三(一): the period ends 12-25
    ("kaijiang-2020", d(2019, 12, 26), "needs_proof", "needs_proof"),  # 三(二)
    ("kaijiang-2020", d(2021, 1, 1), "refused", "paid_after_last_day"),  # after the insurance year
    ("rucheng-2020", d(2020, 2, 1), "accepted", None),  # late payers wait 180 days, no proof (四(二))
])
def test_admit_payment(campaign, paid_on, outcome, code):
    got = admit_payment(load_campaign(campaign), paid_on)
    assert (got.outcome, got.code) == (outcome, code)
    assert (got.reason is None) == (outcome == "accepted")


def test_newborn_born_after_the_period_needs_no_proof():
    c = load_campaign("kaijiang-2020")
    assert admit_payment(c, d(2020, 3, 1), "resident", "new", born=d(2020, 1, 5)).outcome == "accepted"
    assert admit_payment(c, d(2020, 3, 1), "resident", "new", born=d(2019, 12, 1)).outcome == "needs_proof"


def test_footnote_for_a_quote_set_names_the_assumed_values_only_if_any():
    yuzhong = load_campaign("yuzhong-2021")
    quotes = [quote(yuzhong, "resident", 1), quote(yuzhong, "resident", 1, "dibao")]
    note = assumption_footnote(yuzhong, quotes)
    assert note.startswith("注：") and "580" in note and "280元定额资助" in note and "（一(二)3、四(二)）" in note
    assert "2项假定参数" in note
    haimen = load_campaign("haimen-2020")
    assert assumption_footnote(haimen, [quote(haimen, "resident", 1, "dibao")]) == ""


def test_campaign_footnote_covers_the_subsidy_split_and_town_shares():
    note = assumption_footnote(load_campaign("haimen-2020"))
    assert "区镇25%" in note and "最低比例15%" in note and " " not in note  # folded YAML leaves no spaces


def test_jiangxinsha_and_haiyong_carry_the_lowest_town_share():
    """Haimen 二: 江心沙、海永镇 at the lowest ratio (15%, assumed); the city takes up the 10 points."""
    c = load_campaign("haimen-2020")
    base = {x.code: x.share for x in c.settlement.subsidy_split}
    assert base == {"province": D("0.40"), "nantong": D("0.10"), "city": D("0.25"), "town": D("0.25")}
    for town in ("32068413", "32068411"):
        assert town_level_shares(c, town, base) == {"province": D("0.40"), "nantong": D("0.10"),
                                                    "city": D("0.35"), "town": D("0.15")}
    assert town_level_shares(c, "32068401", base) == base


def test_settlement_levels_split_each_town_by_its_own_shares():
    c = load_campaign("haimen-2020")
    units = pd.DataFrame({"code": ["320684", "32068401", "32068413"], "name": ["海门市", "海门街道", "江心沙农场"],
                          "level": ["county", "town", "town"], "parent_code": [None, "320684", "320684"]})
    people = pd.DataFrame({"id_number": [f"p{i}" for i in range(20)], "enrolled": True,
                           "town_code": ["32068401"] * 10 + ["32068413"] * 10, "government_fen": 840_00})
    got = subsidy_by_level(c, people, units).set_index("town_code")
    # 10 enrollees x 840 yuan = 8400 yuan per town: towns 25% (2100) and 15% (1260); city 25% and 35%.
    assert got.loc["32068401", ["level_town_fen", "level_city_fen"]].tolist() == [2100_00, 2100_00]
    assert got.loc["32068413", ["level_town_fen", "level_city_fen"]].tolist() == [1260_00, 2940_00]
    assert got.loc["32068413", "level_province_fen"] == 3360_00


def test_county_hukou_is_checked_from_the_id_number_only_where_required():
    c = load_campaign("kaijiang-2020")
    local, elsewhere = make_id("511723", d(1950, 5, 1), 11), make_id("500103", d(1950, 5, 1), 11)
    assert hukou_check(c, "tekun", local) == "local_id"
    assert hukou_check(c, "tekun", elsewhere) == "check_hukou"  # the hukou may have moved: checked, not refused
    assert hukou_check(c, "dibao", elsewhere) == "not_required"  # 二(二) has no hukou condition
    assert hukou_check(c, None, elsewhere) == "not_required"


def test_matching_gives_students_the_academic_year_and_refused_payments_no_start():
    enrollments = pd.DataFrame({"kind": ["new", "new", "new"], "birth_date": pd.to_datetime(["2000-01-01"] * 3),
                                "insured_years": "", "category": ["college_student", "resident", "college_student"]})
    paid = pd.Series(pd.to_datetime(["2020-11-01", "2020-11-01", "2021-09-10"]))
    got = benefit_starts(load_campaign("yuzhong-2021"), enrollments, paid)
    assert got.iloc[0].date() == d(2020, 9, 1) and got.iloc[1].date() == d(2021, 1, 1)
    assert pd.isna(got.iloc[2])  # after the academic year: no enrollment of this year
    kaijiang = benefit_starts(load_campaign("kaijiang-2020"), enrollments.assign(category="resident"),
                              pd.Series(pd.to_datetime(["2020-12-30", "2020-12-01", "2019-12-01"])))
    assert pd.isna(kaijiang.iloc[0]) and kaijiang.iloc[1].date() == d(2020, 12, 31)


@pytest.mark.parametrize(("edit", "problem"), [
    (("categories: [resident]\n    subsidy_standard", "categories: [pupil]\n    subsidy_standard"),
     "contribution.late.categories: unknown category 'pupil'"),
    (("    kind: rule_cutoff\n", "    kind: payment\n"), "a rule_cutoff deadline needs 'cutoff', and only it may"),
    (("  - categories: [college_student]\n      start: 2020-09-01",
      "  - categories: [college_student]\n      start: 2021-09-01"), "cover period ends before it starts"),
])
def test_config_checks_catch_bad_rule_references(tmp_path: Path, edit, problem):
    src = (CONFIG_DIR / "yuzhong-2021.yaml").read_text(encoding="utf-8")
    assert src.count(edit[0]) == 1
    bad = tmp_path / "yuzhong-2021.yaml"
    bad.write_text(src.replace(*edit), encoding="utf-8")
    campaign, problems = check_config(bad)
    assert campaign is None and any(problem in p for p in problems), problems


def test_town_share_naming_no_town_is_a_problem(tmp_path: Path):
    src = (CONFIG_DIR / "haimen-2020.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "haimen-2020.yaml"
    bad.write_text(src.replace('towns: ["32068411", "32068413"]', 'towns: ["32068411", "99999999"]'), "utf-8")
    _, problems = check_config(bad)
    assert any("settlement.town_shares.0.towns: '99999999' is not a town unit" in p for p in problems)


def test_request_detail_and_statement_notes_carry_the_footnote(tmp_path: Path):
    import openpyxl

    from canbao.exemptions.request import REQUEST_COLUMNS
    from canbao.exemptions.workbooks import write_request

    c = load_campaign("kaijiang-2020")
    row = {"序号": 1, "镇（街）": "新宁镇", "村（社区）": "一村", "姓名": "张三", "身份证号码": "x", "人员编号": None,
           "代缴类别": "低保对象", "纳入资助时间": None, "参保类别": "其他正常参保人员", "代缴金额": 125_00,
           "个人缴费金额": 125_00, "缴费总额": 250_00, "请款批次": 1}
    detail = pd.DataFrame([row], columns=REQUEST_COLUMNS)
    book = write_request(tmp_path / "r.xlsx", c, detail, d(2019, 12, 21))
    rows = list(openpyxl.load_workbook(book, read_only=True)["请款明细"].iter_rows(values_only=True))
    assert rows[2] == tuple(REQUEST_COLUMNS)  # the header stays on its row
    assert rows[1][0].endswith(assumption_footnote(c)) and "假定125元" in rows[1][0]


def test_benefit_outcomes_flag_proof_and_refusals_for_the_state():
    from canbao.intake.matching import benefit_outcomes

    enrollments = pd.DataFrame({"kind": "new", "category": "resident", "insured_years": "",
                                "birth_date": pd.to_datetime(["1980-01-01", "1980-01-01", "2020-01-05", "1980-01-01",
                                                              "1980-01-01"])})
    paid = pd.Series(pd.to_datetime(["2019-12-01", "2020-03-01", "2020-06-01", "2020-12-30", None]))
    got = benefit_outcomes(load_campaign("kaijiang-2020"), enrollments, paid)
    assert got["admission"].tolist() == ["accepted", "needs_proof", "accepted", "refused", None]
    assert got["reason"].tolist() == [None, "needs_proof", None, "cover_after_year", None]
    # new in the period: 2020-02-01 (三(三)); 30 days after payment (三(四)); a baby born 2020-01-05, 148 days old:
    # 30 days after payment (三(五)), no proof; refused: no start; unpaid: none.
    assert [None if pd.isna(x) else x.date() for x in got["benefit_start"]] == [
        d(2020, 2, 1), d(2020, 3, 31), d(2020, 7, 1), None, None]
