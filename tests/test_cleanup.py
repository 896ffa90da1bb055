"""Cleanup lists: who is missing per village, what they owe today and when cover would start."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd

from canbao.cleanup.dues import dues_today
from canbao.cleanup.lists import cleanup_items, late_payments
from canbao.cleanup.load import CleanupData
from canbao.cleanup.workbooks import summary_table, write_summary, write_village_notice
from canbao.identity import make_id
from canbao.policy.load import load_campaign
from canbao.settlement.people import SettlementData, settlement_frames

UNITS = pd.DataFrame({"code": ["500103", "50010301", "50010301001"], "name": ["渝中区", "七星岗街道", "一社区"],
                      "level": ["county", "town", "village"], "parent_code": [None, "500103", "50010301"],
                      "target": [None, None, 10]})


def person(i: int, born: date = date(1980, 1, 1)) -> str:
    return make_id("500103", born, i)


def data(c, *, enroll=(), exempt=(), pay=(), prior=(), listed=(), dead=(), as_of=date(2021, 7, 15)) -> CleanupData:
    enrollments = pd.DataFrame(list(enroll), columns=["id_number", "unit_code", "category", "tier", "kind",
                                                      "registered_at", "benefit_start", "birth_date", "channel"])
    payments = pd.DataFrame(list(pay), columns=["channel", "external_ref", "id_number", "unit_code", "amount_fen",
                                                "paid_on", "status"])
    exemptions = pd.DataFrame(list(exempt), columns=["id_number", "exemption", "agency"])
    settled = settlement_frames(c, enrollments, exemptions, payments, UNITS, as_of)
    ids = {*(r[0] for r in prior), *(r[0] for r in listed)}
    residents = pd.DataFrame([(i, "张三丰", date(1980, 1, 1), date(2020, 10, 1) if i in dead else None) for i in ids],
                             columns=["id_number", "name", "birth_date", "deceased_on"])
    return CleanupData(settled,
                       pd.DataFrame(list(prior), columns=["id_number", "unit_code", "category"]),
                       pd.DataFrame(list(listed), columns=["id_number", "exemption", "agency"]), residents)


def enrolled(i: int, **kw) -> dict:
    return {"id_number": person(i), "unit_code": "50010301001", "category": "resident", "tier": 1,
            "kind": "renewal", "registered_at": date(2020, 11, 1), "benefit_start": kw.get("start"),
            "birth_date": date(1980, 1, 1), "channel": "service_window"}


def paid(i: int, fen: int, on: date, status: str, ref: str | None = None) -> dict:
    return {"channel": "service_window", "external_ref": ref or f"R{i}", "id_number": person(i),
            "unit_code": None, "amount_fen": fen, "paid_on": on, "status": status}


def test_each_list_and_what_is_owed_today(tmp_path: Path):
    c = load_campaign("yuzhong-2021")
    d = data(c, enroll=[enrolled(1), enrolled(2), enrolled(3), enrolled(4, start=date(2021, 1, 9))],
             pay=[paid(2, 10000, date(2020, 11, 5), "underpaid"), paid(3, 28000, date(2020, 11, 5), "matched"),
                  paid(3, 28000, date(2020, 11, 6), "duplicate", "D3"), paid(9, 28000, date(2020, 11, 6), "orphan"),
                  paid(4, 28000, date(2021, 1, 5), "matched")],
             prior=[(person(5), "50010301001", "resident"), (person(6), "50010301001", None),
                    (person(7), "50010301001", "resident"), (person(8), None, None)],
             listed=[(person(6), "tekun", "medical_insurance")], dead={person(7)})
    items = cleanup_items(c, d)
    kinds = dict(zip(items["id_number"], items["item"]))
    assert kinds[person(1)] == "unpaid" and kinds[person(2)] == "underpaid"
    assert kinds[person(5)] == "not_renewed" and kinds[person(6)] == "exempt_unregistered"
    assert kinds[person(3)] == "duplicate" and kinds[person(9)] == "orphan"
    assert person(7) not in kinds and person(4) not in kinds  # deceased; paid late but enrolled
    assert items.loc[items["id_number"] == person(8), "unit_code"].iat[0] == "500103"  # no unit: the county
    today = date(2021, 7, 15)  # after 2021-06-30: the subsidy standard (580) is added
    items = pd.concat([items, dues_today(c, items, today)], axis=1)
    by = items.set_index("id_number")
    assert by.at[person(1), "due_now_fen"] == 28000 + 58000
    assert by.at[person(2), "due_now_fen"] == 28000 + 58000 - 10000
    assert by.at[person(6), "due_now_fen"] == 0
    assert by.at[person(5), "start_if_paid_today"] == today  # Yuzhong: no waiting period (assumed)
    assert pd.isna(by.at[person(9), "due_now_fen"]) and by.at[person(9), "refund_fen"] == 28000
    late = late_payments(c, d.settlement.people)
    # Paid 2021-01-05, after the period: cover from the payment day (Yuzhong, assumed), computed, not stored.
    assert list(late["id_number"]) == [person(4)] and late["waiting_days"].iat[0] == 0
    assert late["benefit_start"].iat[0] == date(2021, 1, 5)
    path = write_village_notice(tmp_path, c, "50010301001", "一社区", items[items["unit_code"] == "50010301001"],
                                late, today)
    cells = [str(x) for row in openpyxl.load_workbook(path).worksheets[0].iter_rows(values_only=True) for x in row]
    assert "（公示）" in path.name and not any(person(1) in x or "张三丰" in x for x in cells)
    table = summary_table(items, late, UNITS)
    assert table["逾期缴费人数"].sum() == 1
    assert write_summary(tmp_path, c, table, today).exists()


def test_nothing_to_chase():
    c = load_campaign("kaijiang-2020")
    units = UNITS.assign(code=["511723", "51172301", "51172301001"])
    d = data(c)
    d = CleanupData(SettlementData(d.settlement.people, d.settlement.payments, units), d.prior, d.listed,
                    d.residents)
    items = cleanup_items(c, d)
    assert items.empty and list(dues_today(c, items, date(2019, 12, 26)).columns) == ["due_now_fen",
                                                                                    "start_if_paid_today"]
    assert summary_table(items, late_payments(c, d.settlement.people), units).empty
