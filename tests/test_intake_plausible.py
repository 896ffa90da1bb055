"""Intake refuses what cannot be true: dates far from the window, late payments, huge amounts, silent transfers."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from intake_inbox import ROSTER, WINDOW, take_in, write_csv
from sqlalchemy import Engine, select

from canbao.identity import make_id, mask_id
from canbao.intake.plausible import intake_bounds
from canbao.intake.settle import settle_campaign
from canbao.intake.validate import validate_payments, validate_registrations
from canbao.ledger.queries import snapshot
from canbao.ledger.schema import Enrollment, Rejection
from canbao.policy.load import available_campaigns, load_campaign
from canbao.policy.model import Plausibility
from canbao.reasons import REJECTIONS

TODAY = date(2020, 11, 30)
NEW_CODES = ("date_implausible", "paid_after_last_day", "registration_after_window", "amount_implausible",
             "transfer_unconfirmed")


def person(n: int, area: str = "500103") -> str:
    return make_id(area, date(1985, 3, 1), n)


def pay_frame(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    """Payment rows (ref, amount text, date text) of distinct people, as a reader gives them."""
    return pd.DataFrame({
        "external_ref": [r[0] for r in rows], "id_number": [person(i + 1) for i in range(len(rows))],
        "name": "张三", "amount": [r[1] for r in rows], "paid_on": [r[2] for r in rows],
        "source_file": "窗口缴费.csv", "source_row": range(2, len(rows) + 2)})


def test_yuzhong_payment_dates_and_amounts_against_the_window():
    c = load_campaign("yuzhong-2021")
    # Yuzhong 一(一): concentrated period from 2020-09-01, payments accepted to 2021-09-30; default margin 30 days.
    rows = [("ok-first", "280", "2020-09-01"), ("ok-margin", "280", "2020-08-02"), ("early", "280", "2020-08-01"),
            ("ok-last", "655", "2021-09-30"), ("late", "280", "2021-10-01"), ("late-end", "280", "2021-10-30"),
            ("far", "280", "2021-10-31"), ("epoch", "280", "1900-01-01"), ("huge", "9999999", "2020-10-01"),
            ("ok-max", "5000.00", "2020-10-01"), ("max+1fen", "5000.01", "2020-10-01"), ("y2030", "280", "2030-01-01")]
    v = validate_payments(pay_frame(rows), today=TODAY, source="service_window", bounds=intake_bounds(c))
    assert sorted(v.accepted["external_ref"]) == sorted(["ok-first", "ok-margin", "ok-last", "ok-max"])
    got = {(r.source_row, r.column, r.reason) for r in v.rejected.itertuples()}
    assert got == {(4, "date", "date_implausible"), (6, "date", "paid_after_last_day"),
                   (7, "date", "paid_after_last_day"), (8, "date", "date_implausible"),
                   (9, "date", "date_implausible"), (10, "amount", "amount_implausible"),
                   (12, "amount", "amount_implausible"), (13, "date", "date_implausible")}
    assert set(v.rejected["reason_label"]) >= {"缴费日期晚于通知允许的最后缴费日", "金额超过合理上限"}


YUZHONG_START, YUZHONG_LAST = date(2020, 9, 1), date(2021, 9, 30)  # Yuzhong 一(一)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.dates(date(1899, 1, 1), date(2035, 12, 31)), st.integers(1, 10**9)), min_size=1,
                max_size=20))
def test_any_payment_is_refused_exactly_when_its_date_or_amount_cannot_be(rows):
    margin = timedelta(days=30)
    def oracle(day: date, fen: int) -> str | None:  # from the notice's dates and the documented defaults
        if fen > 5000_00:
            return "amount_implausible"
        if day < YUZHONG_START - margin or day > YUZHONG_LAST + margin:
            return "date_implausible"
        return "paid_after_last_day" if day > YUZHONG_LAST else None

    frame = pay_frame([(f"r{i}", f"{fen // 100}.{fen % 100:02d}", day.isoformat())
                       for i, (day, fen) in enumerate(rows)])
    v = validate_payments(frame, today=TODAY, source="tax_app", bounds=intake_bounds(load_campaign("yuzhong-2021")))
    got = dict(zip(v.rejected["source_row"], v.rejected["reason"]))
    assert got == {i + 2: oracle(*r) for i, r in enumerate(rows) if oracle(*r)}
    assert sorted(v.accepted["source_row"]) == [i + 2 for i, r in enumerate(rows) if not oracle(*r)]


def test_a_county_may_configure_its_own_margin_and_maximum():
    c = load_campaign("yuzhong-2021")
    c = c.model_copy(update={"plausibility": Plausibility(margin_days=0, max_amount=1000)})
    v = validate_payments(pay_frame([("a", "1000", "2020-08-31"), ("b", "1000.01", "2020-09-02"),
                                     ("c", "280", "2021-10-01")]), today=TODAY, source="tax_app",
                          bounds=intake_bounds(c))
    assert v.rejected["reason"].tolist() == ["date_implausible", "amount_implausible", "date_implausible"]


@pytest.mark.parametrize("campaign", available_campaigns())
def test_default_maximum_is_above_every_contribution_a_notice_sets(campaign):
    c = load_campaign(campaign)
    k = c.contribution
    late = k.late.subsidy_standard if k.late else 0
    owed: dict[tuple[str, int], int] = {}
    for line in k.lines:  # independent of quote(): the largest individual part, plus a late surcharge
        owed[(line.category, line.tier)] = owed.get((line.category, line.tier), 0) + line.individual
    assert max(owed.values()) + late < c.plausibility.max_amount
    assert c.plausibility.assumed and c.plausibility.note and not c.plausibility.allow_transfers


def test_registration_dated_2030_is_refused_and_valid_rows_go_in():
    c = load_campaign("kaijiang-2020")
    df = pd.DataFrame({"unit_code": "51172301", "name": "李四", "id_number": [person(1, "511723"), person(2, "511723")],
                       "category": pd.NA, "tier": pd.NA, "registered_on": ["2019-10-08", "2030-10-08"],
                       "source_file": "花名册.csv", "source_row": [3, 4]})
    v = validate_registrations(df, c, units={"51172301"}, deceased=set(), today=TODAY)
    assert v.accepted["id_number"].tolist() == [person(1, "511723")]
    assert v.rejected[["source_row", "column", "reason"]].values.tolist() == [[4, "date", "date_implausible"]]


def test_every_new_code_has_a_chinese_label():
    for code in NEW_CODES:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in REJECTIONS[code]), code


# ------------------------------------------------------------------------------------ through a small inbox

def units_of(engine: Engine, campaign: str) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(conn.execute(select(Enrollment.id_number, Enrollment.unit_code)
                                 .where(Enrollment.campaign_id == campaign)).all())


def test_a_later_file_never_moves_an_enrolled_person(ledger_engine: Engine, tmp_path: Path):
    c = load_campaign("kaijiang-2020")
    a, b, q = person(1, "511723"), person(2, "511723"), person(3, "511723")
    inbox = tmp_path / "inbox"
    write_csv(inbox, "roster", "一镇.csv", ROSTER, [["51172301", "甲", a, "", "2019-10-08"],
                                                   ["51172301", "乙", b, "", "2019-10-08"]])
    assert take_in(ledger_engine, c, inbox, "roster").empty
    write_csv(inbox, "roster", "二镇.csv", ROSTER, [["51172302", "甲", a, "", "2019-10-20"],
                                                   ["51172302", "丙", q, "", "2019-10-20"],
                                                   ["51172301", "乙", b, "", "2019-10-21"]])
    rejected = take_in(ledger_engine, c, inbox, "roster")
    assert rejected[["source_file", "source_row", "column", "reason", "reason_label", "value"]].values.tolist() == [
        ["二镇.csv", 2, "unit_code", "transfer_unconfirmed", "跨单位转移待确认（已在其他单位参保登记）", mask_id(a)]]
    assert units_of(ledger_engine, c.id) == {a: "51172301", b: "51172301", q: "51172302"}
    with ledger_engine.connect() as conn:
        stored = conn.execute(select(Rejection.source_row, Rejection.column, Rejection.reason)).all()
        before = snapshot(conn, c.id)
    assert stored == [(2, "unit_code", "transfer_unconfirmed")]
    assert take_in(ledger_engine, c, inbox, "roster").empty  # a rerun: nothing new, nothing changed
    with ledger_engine.connect() as conn:
        assert snapshot(conn, c.id) == before


def test_a_corrected_file_may_move_its_own_people(ledger_engine: Engine, tmp_path: Path):
    c = load_campaign("kaijiang-2020")
    a = person(1, "511723")
    inbox = tmp_path / "inbox"
    write_csv(inbox, "roster", "一镇.csv", ROSTER, [["51172301", "甲", a, "", "2019-10-08"]])
    take_in(ledger_engine, c, inbox, "roster")
    write_csv(inbox, "roster", "一镇.csv", ROSTER, [["51172302", "甲", a, "", "2019-10-08"]])
    assert take_in(ledger_engine, c, inbox, "roster").empty
    assert units_of(ledger_engine, c.id) == {a: "51172302"}


def test_transfers_go_through_where_the_config_allows_them(ledger_engine: Engine, tmp_path: Path):
    c = load_campaign("kaijiang-2020")
    c = c.model_copy(update={"plausibility": Plausibility(allow_transfers=True)})
    a = person(1, "511723")
    inbox = tmp_path / "inbox"
    write_csv(inbox, "roster", "一镇.csv", ROSTER, [["51172301", "甲", a, "", "2019-10-08"]])
    take_in(ledger_engine, c, inbox, "roster")
    write_csv(inbox, "roster", "二镇.csv", ROSTER, [["51172302", "甲", a, "", "2019-10-20"]])
    assert take_in(ledger_engine, c, inbox, "roster").empty
    assert units_of(ledger_engine, c.id) == {a: "51172302"}


def test_a_payment_dated_1900_never_takes_the_matched_slot(ledger_engine: Engine, tmp_path: Path):
    c = load_campaign("kaijiang-2020")
    a = person(1, "511723")
    inbox = tmp_path / "inbox"
    write_csv(inbox, "roster", "一镇.csv", ROSTER, [["51172301", "甲", a, "", "2019-10-08"]])
    take_in(ledger_engine, c, inbox, "roster")
    write_csv(inbox, "service_window", "窗口.csv", WINDOW, [["W1", "甲", a, "250", "1900-01-01"],
                                                           ["W2", "甲", a, "250", "2019-10-09"],
                                                           ["W3", "甲", a, "9999999", "2019-10-10"]])
    rejected = take_in(ledger_engine, c, inbox, "service_window")
    assert rejected[["source_row", "column", "reason"]].values.tolist() == [
        [2, "date", "date_implausible"], [4, "amount", "amount_implausible"]]
    with ledger_engine.begin() as conn:
        pays = settle_campaign(conn, c, TODAY).payments  # the day the files came in: the state as of then
    got = list(zip(pays["external_ref"], pays["status"], pays["paid_on"].dt.date))
    assert got == [("W2", "matched", date(2019, 10, 9))]
