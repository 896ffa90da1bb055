"""Intake rules on small frames: the cash double limit, payment matching, benefit starts."""

from datetime import date

import pandas as pd

from canbao.intake.cash_limit import cash_limit_breaches
from canbao.intake.matching import benefit_starts, match_payments
from canbao.policy.load import load_campaign

d = date
LIMIT = 20_000_00  # Kaijiang: 20,000 yuan in fen


def receipts(*rows):
    return pd.DataFrame(rows, columns=["unit_code", "paid_on", "amount_fen"])


def deposits(*rows):
    return pd.DataFrame(rows, columns=["unit_code", "deposited_on", "amount_fen"])


def test_cash_deposited_in_time_is_no_breach():
    got = cash_limit_breaches(receipts(("v1", d(2019, 10, 1), 5_000_00), ("v1", d(2019, 10, 3), 5_000_00)),
                              deposits(("v1", d(2019, 10, 5), 10_000_00)), limit_fen=LIMIT, days=5,
                              as_of=d(2019, 12, 31))
    assert got.empty


def test_cash_held_at_20000_is_an_amount_breach_once_per_episode():
    got = cash_limit_breaches(
        receipts(("v1", d(2019, 10, 1), 12_000_00), ("v1", d(2019, 10, 2), 8_000_00),
                 ("v1", d(2019, 10, 3), 1_000_00)),
        deposits(("v1", d(2019, 10, 4), 21_000_00)), limit_fen=LIMIT, days=5, as_of=d(2019, 12, 31))
    assert got[["kind", "on", "held_fen"]].values.tolist() == [["cash_limit_amount", d(2019, 10, 2), 20_000_00]]


def test_cash_held_more_than_5_days_is_a_days_breach():
    got = cash_limit_breaches(receipts(("v1", d(2019, 10, 1), 3_000_00), ("v2", d(2019, 10, 1), 100_00)),
                              deposits(("v1", d(2019, 10, 7), 3_000_00), ("v2", d(2019, 10, 6), 100_00)),
                              limit_fen=LIMIT, days=5, as_of=d(2019, 12, 31))
    assert got[["unit_code", "kind", "on", "days_held"]].values.tolist() == [
        ["v1", "cash_limit_days", d(2019, 10, 1), 6]]


def test_undeposited_cash_counts_up_to_as_of():
    got = cash_limit_breaches(receipts(("v1", d(2019, 12, 1), 100_00)), deposits(), limit_fen=LIMIT, days=5,
                              as_of=d(2019, 12, 10))
    assert got["kind"].tolist() == ["cash_limit_days"]


def _people():
    enrollments = pd.DataFrame({
        "id_number": ["A", "B", "C", "D"], "category": "resident", "tier": 1,
        "kind": ["renewal", "new", "renewal", "new"],
        "birth_date": pd.to_datetime(["1980-01-01", "1990-01-01", "1970-01-01", "2019-11-01"]),
    })
    exemptions = pd.DataFrame({"id_number": ["C"], "exemption": ["dibao"]})
    return enrollments, exemptions


def test_match_payments_flags_each_anomaly():
    c = load_campaign("kaijiang-2020")
    dibao = next(e.subsidy for e in c.exemptions if e.code == "dibao")
    enrollments, exemptions = _people()
    payments = pd.DataFrame({
        "channel": ["tax_app", "village_cash", "tax_app", "tax_app", "bank_deduction"],
        "external_ref": ["r1", "r2", "r3", "r4", "r5"],
        "id_number": ["A", "A", "B", "C", "Z"],
        "amount_fen": [250_00, 250_00, 200_00, int((250 - dibao) * 100), 250_00],
        "paid_on": pd.to_datetime(["2019-10-01", "2019-10-05", "2019-10-02", "2019-10-03", "2019-10-04"]),
    })
    got = match_payments(c, enrollments, exemptions, payments).set_index("external_ref")
    assert got["status"].to_dict() == {"r1": "matched", "r2": "duplicate", "r3": "underpaid", "r4": "matched",
                                       "r5": "orphan"}
    assert got.loc["r4", "expected_fen"] == int((250 - dibao) * 100)
    assert pd.isna(got.loc["r5", "expected_fen"])


def test_benefit_starts_vectorised_follow_the_rules():
    c = load_campaign("kaijiang-2020")
    enrollments, _ = _people()
    paid = pd.Series(pd.to_datetime(["2019-11-01", "2019-11-01", "2020-01-10", "2019-12-01"]))
    got = benefit_starts(c, enrollments.assign(insured_years=""), paid)
    assert [x.date() for x in got] == [d(2020, 1, 1), d(2020, 2, 1), d(2020, 2, 9), d(2020, 1, 1)]
