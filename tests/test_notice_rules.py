"""Rules the notices state (issue 10, deliverable 6), through the `canbao` command, with the notices' figures.

Expected values come from the notice text (DOMAIN.md, seeds/), computed here by hand, never from the code.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta

import pytest

from canbao.cli import main

d = date


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def ok(capsys, *argv: str) -> dict:
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    return json.loads(out)


def refused(capsys, *argv: str) -> str:
    """The one-line refusal on stderr (exit 1, nothing on stdout)."""
    code, out, err = run(capsys, *argv)
    assert code == 1 and out == "", (code, out)
    assert len(err.strip().splitlines()) == 1
    return err


def quote(capsys, campaign: str, category: str, tier: int = 1, paid_on: str | None = None, *more: str) -> dict:
    argv = ["quote", "--campaign", campaign, "--category", category, "--tier", str(tier), *more]
    return ok(capsys, *argv, *(["--paid-on", paid_on] if paid_on else []))


def start(capsys, campaign: str, kind: str, paid_on: str, *more: str) -> dict:
    return ok(capsys, "benefit-start", "--campaign", campaign, "--enrollment", kind, "--paid-on", paid_on, *more)


# ------------------------------------------------- Yuzhong 一(二)1 and 一(二)2: tiers, late surcharge, students

@pytest.mark.parametrize(("category", "tier", "yuan"), [
    ("resident", 1, "280.00"), ("resident", 2, "655.00"),  # 一(二)1
    ("college_student", 1, "250.00"), ("college_student", 2, "625.00"),  # 一(二)2
])
def test_yuzhong_tiers_by_2021_06_30(capsys, category, tier, yuan):
    q = quote(capsys, "yuzhong-2021", category, tier, "2021-06-30")
    assert q["individual_part_yuan"] == q["resident_pays_yuan"] == yuan and q["late"] is False


@pytest.mark.parametrize(("tier", "yuan"), [(1, "860.00"), (2, "1235.00")])
def test_yuzhong_ordinary_residents_add_the_subsidy_standard_after_06_30(capsys, tier, yuan):
    """一(二)1: 280/655 元 + 当年财政补助标准 (580, assumed) after 2021-06-30."""
    q = quote(capsys, "yuzhong-2021", "resident", tier, "2021-07-01")
    assert q["late"] is True and q["resident_pays_yuan"] == yuan and q["government_subsidy_yuan"] == "0.00"
    late = [a for a in q["assumed"] if a["item"] == "contribution.late"]
    assert len(late) == 1 and late[0]["source"] == "一(二)1" and "580" in late[0]["note"]


@pytest.mark.parametrize(("tier", "yuan"), [(1, "250.00"), (2, "625.00")])
def test_yuzhong_college_students_have_no_late_surcharge(capsys, tier, yuan):
    """一(二)2 has no late clause: a student paying on 2021-07-01 pays the student tier, nothing more."""
    q = quote(capsys, "yuzhong-2021", "college_student", tier, "2021-07-01")
    assert q["late"] is False and q["resident_pays_yuan"] == yuan
    assert all(a["item"] != "contribution.late" for a in q["assumed"])


@pytest.mark.parametrize(("category", "paid_on", "expected"), [
    ("college_student", "2020-11-01", "2020-09-01"),  # academic year 2020-09 .. 2021-08 (一(二)2)
    ("resident", "2020-11-01", "2021-01-01"),  # insurance year 2021
    ("college_student", "2021-03-01", "2021-03-01"),
    ("resident", "2021-09-30", "2021-09-30"),  # the last day of 一(一)
])
def test_yuzhong_benefit_start_depends_on_the_category(capsys, category, paid_on, expected):
    got = start(capsys, "yuzhong-2021", "new", paid_on, "--category", category)
    assert got["benefit_start"] == expected
    assert got["cover_end"] == ("2021-08-31" if category == "college_student" else "2021-12-31")


def test_yuzhong_student_paying_after_the_academic_year_is_refused(capsys):
    """2021-09-10 is within 一(一)'s window but after the students' academic year ends (2021-08-31)."""
    err = refused(capsys, "benefit-start", "--campaign", "yuzhong-2021", "--enrollment", "new",
                  "--paid-on", "2021-09-10", "--category", "college_student")
    assert "cover_after_year" in err and "2021-08-31" in err


# ------------------------------------------------------------------------- payment window: 一(一) 2021-09-30

@pytest.mark.parametrize("command", ["quote", "benefit-start"])
def test_yuzhong_payment_after_2021_09_30_is_refused(capsys, command):
    argv = (["quote", "--category", "resident"] if command == "quote" else ["benefit-start", "--enrollment", "new"])
    err = refused(capsys, *argv, "--campaign", "yuzhong-2021", "--paid-on", "2021-10-01")
    assert "paid_after_last_day" in err and "缴费日期晚于通知允许的最后缴费日" in err
    assert "2021-09-30" in err and "一(一)" in err


def test_refusal_is_one_chinese_line_from_the_installed_command():
    proc = subprocess.run([sys.executable, "-m", "canbao", "quote", "--campaign", "yuzhong-2021", "--category",
                           "resident", "--paid-on", "2021-10-01"], capture_output=True, text=True, check=False)
    assert proc.returncode == 1 and proc.stdout == "" and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("canbao: 缴费日期晚于") and len(proc.stderr.strip().splitlines()) == 1


def test_payment_before_the_period_is_no_refusal(capsys):
    """No notice forbids paying early; cover still starts with the insurance year."""
    assert quote(capsys, "yuzhong-2021", "resident", 1, "2020-08-31")["admission"]["outcome"] == "accepted"
    assert start(capsys, "yuzhong-2021", "new", "2020-08-31")["benefit_start"] == "2021-01-01"


# ------------------------------------------------------- Kaijiang 三(二)..三(五): 30 days, proof, after the year

@pytest.mark.parametrize("paid_on", [d(2020, 1, 10), d(2020, 6, 15), d(2020, 12, 1)])
def test_kaijiang_after_the_period_cover_starts_30_days_after_payment_and_needs_proof(capsys, paid_on):
    got = start(capsys, "kaijiang-2020", "new", paid_on.isoformat())
    assert got["benefit_start"] == (paid_on + timedelta(days=30)).isoformat()  # 三(四)
    assert got["needs_proof"] is True and got["admission"]["source"] == "三(二)"  # 三(二)
    assert "刑满释放" in got["admission"]["reason"]


def test_kaijiang_paying_2020_12_30_is_no_enrollment_of_2020(capsys):
    """30 days after 2020-12-30 is 2021-01-29: after the insurance year, so refused, never covered in 2021."""
    err = refused(capsys, "benefit-start", "--campaign", "kaijiang-2020", "--enrollment", "new",
                  "--paid-on", "2020-12-30")
    assert "cover_after_year" in err and "2021-01-29" in err and "2020-12-31" in err


def test_kaijiang_in_the_period_needs_no_proof_and_newborns_after_it_neither(capsys):
    assert start(capsys, "kaijiang-2020", "renewal", "2019-12-25")["needs_proof"] is False
    baby = start(capsys, "kaijiang-2020", "new", "2020-05-30", "--born", "2020-03-01")
    assert baby["benefit_start"] == "2020-03-01" and baby["needs_proof"] is False  # 三(五): within 90 days
    assert quote(capsys, "kaijiang-2020", "resident", 1, "2020-03-01")["needs_proof"] is True


def test_kaijiang_special_groups_carry_the_county_hukou_condition(capsys):
    q = quote(capsys, "kaijiang-2020", "resident", 1, None, "--exemption", "tekun")
    assert q["resident_pays_yuan"] == "0.00" and q["conditions"] == ["须具有开江县户籍（二(一)）"]
    assert quote(capsys, "kaijiang-2020", "resident", 1, None, "--exemption", "dibao")["conditions"] == []


# ----------------------------------------------------------- Haimen 九: 2020-03-31 and the 6-month waiting

@pytest.mark.parametrize(("paid_on", "insured", "expected"), [
    ("2020-03-31", "2018,2019", "2020-01-01"),  # continuous 2018 and 2019, paid by 03-31: normal benefits
    ("2020-04-01", "2018,2019", "2020-10-01"),  # a day late: 6 months
    ("2020-03-31", "2019", "2020-09-30"),  # not continuous: 6 months
    ("2020-06-30", "", "2020-12-30"),
])
def test_haimen_continuity_cutoff_and_six_month_waiting(capsys, paid_on, insured, expected):
    got = start(capsys, "haimen-2020", "renewal" if insured else "new", paid_on, "--insured-years", insured)
    assert got["benefit_start"] == expected


def test_haimen_rule_changes_are_in_the_calendar(capsys):
    got = {x["code"]: x for x in ok(capsys, "deadlines", "--campaign", "haimen-2020")}
    assert (got["late_payment_opens"]["kind"], got["late_payment_opens"]["date"]) == ("rule_cutoff", "2020-01-01")
    assert (got["continuity_cutoff"]["kind"], got["continuity_cutoff"]["date"]) == ("rule_cutoff", "2020-03-31")
    assert got["continuity_cutoff"]["source"] == "九"
    assert got["continuity_cutoff"]["affects"]["population"] == "unpaid_renewals"
    assert "6个月过渡期" in got["continuity_cutoff"]["affects"]["consequence"]
    assert "affects" not in got["towns_fiscal_transfer"]
    yuzhong = {x["code"]: x for x in ok(capsys, "deadlines", "--campaign", "yuzhong-2021")}
    assert (yuzhong["late_price_change"]["kind"], yuzhong["late_price_change"]["date"]) == (
        "rule_cutoff", "2021-06-30")


# ---------------------------------------------------------------- groups and duties the notices name

def test_yuzhong_hardship_college_students_are_subsidised_only_as_students(capsys):
    """一(二)3: 家庭经济困难在校大学生; the amount (250) is assumed and says so."""
    q = quote(capsys, "yuzhong-2021", "college_student", 1, None, "--exemption", "hardship_college_student")
    assert q["resident_pays_yuan"] == "0.00" and q["paid_on_behalf_yuan"] == "250.00"
    assert any(a["item"] == "exemption.hardship_college_student" for a in q["assumed"])
    tier2 = quote(capsys, "yuzhong-2021", "college_student", 2, None, "--exemption", "hardship_college_student")
    assert tier2["resident_pays_yuan"] == "375.00"  # 625 - 250
    resident = quote(capsys, "yuzhong-2021", "resident", 1, None, "--exemption", "hardship_college_student")
    assert resident["resident_pays_yuan"] == "280.00" and resident["funding_mode"] == "none"
    assert any("只适用于" in x for x in resident["conditions"])


def test_rucheng_school_targets_are_students_per_the_education_bureau(capsys):
    schools = [t for t in ok(capsys, "targets", "--campaign", "rucheng-2020") if t["level"] == "school"]
    assert schools == [{"unit": None, "name": "辖区各学校", "level": "school", "parent": "320682", "target": None,
                        "basis": "在校学生数，以市教育局统计为准（二）"}]


@pytest.mark.parametrize(("campaign", "code", "kind", "owner", "source"), [
    ("rucheng-2020", "exemption_entry_tax", "exemption_entry", "tax", "五(二)3"),
    ("rucheng-2020", "exemption_entry_medical_insurance", "exemption_entry", "medical_insurance", "五(二)3"),
    ("rucheng-2020", "school_student_counts", "data_handoff", "education", "二"),
    ("wujin-2020", "renewal_data_to_tax", "data_handoff", "hrss", "三2"),
])
def test_duties_the_notices_name_are_deadlines(capsys, campaign, code, kind, owner, source):
    got = {x["code"]: x for x in ok(capsys, "deadlines", "--campaign", campaign)}[code]
    assert (got["kind"], got["owner"], got["source"], got["assumed"]) == (kind, owner, source, True)


# ----------------------------------------------------------------------- every assumed value says so

def test_quote_on_assumed_subsidy_says_so_and_one_without_says_nothing(capsys):
    yuzhong = quote(capsys, "yuzhong-2021", "resident", 1)
    assert [a["item"] for a in yuzhong["assumed"]] == ["contribution.resident.tier1.medical"]
    assert "580" in yuzhong["assumed"][0]["note"]
    assert quote(capsys, "haimen-2020", "resident", 1)["assumed"] == []  # 二: every figure is stated


def test_benefit_start_on_an_assumed_rule_says_so(capsys):
    got = start(capsys, "haimen-2020", "renewal", "2020-03-31", "--insured-years", "2018,2019")
    assert [a["source"] for a in got["assumed"]] == ["九"] and got["assumed"][0]["note"]
    assert start(capsys, "kaijiang-2020", "renewal", "2019-12-01")["assumed"] == []
