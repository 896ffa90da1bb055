"""Settlement: statements reconcile per category for every campaign; levels, awards and transfers are exact."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from canbao.identity import make_id
from canbao.ledger.bulk import upsert
from canbao.ledger.queries import snapshot
from canbao.ledger.schema import Campaign as CampaignRow
from canbao.money import fen
from canbao.policy.load import available_campaigns, load_campaign
from canbao.policy.quote import quote
from canbao.settlement.confirmations import read_bank_confirmations
from canbao.settlement.people import settlement_frames
from canbao.settlement.statements import build_statements
from canbao.settlement.transfer_ledger import (
    Confirmation,
    load_transfers,
    overdue_transfers,
    record_confirmations,
    store_transfers,
    transfer_states,
)
from canbao.settlement.transfers import due_date

AT = datetime(2020, 1, 2, 9, 0).astimezone()


def county(c) -> pd.DataFrame:
    """The config's units plus two villages under each of the first two towns."""
    rows = [{"code": u.code, "name": u.name, "level": u.level, "parent_code": u.parent, "target": u.target}
            for u in c.units.items]
    towns = [u.code for u in c.units.items if u.level == "town"][:2]
    rows += [{"code": f"{t}{k:03d}", "name": f"{k}村", "level": "village", "parent_code": t, "target": 3}
             for t in towns for k in (1, 2)]
    return pd.DataFrame(rows)


def frames(c, units: pd.DataFrame):
    """Enrollments of every category × tier × (no exemption, each exemption), paid exactly what they owe
    (some after the late date where there is one), one underpaid and one duplicate payment."""
    villages = list(units.loc[units["level"] == "village", "code"])
    enroll, exempt, pay = [], [], []
    combos = [(k.code, t, e) for k in c.contribution.categories for t in c.contribution.tiers
              for e in [None, *(x.code for x in c.exemptions)]]
    late = c.contribution.late.after + timedelta(days=3) if c.contribution.late else None
    for i, (category, tier, exemption) in enumerate(combos * 2):
        person = make_id(c.campaign.area_code, date(1960, 1, 1) + timedelta(days=i), i % 900 + 1)
        paid_on = late if late and i % 3 == 0 and exemption is None else date(2019, 11, 20)
        enroll.append({"id_number": person, "unit_code": villages[i % len(villages)], "category": category,
                       "tier": tier, "kind": "renewal", "registered_at": date(2019, 11, 1), "benefit_start": None,
                       "birth_date": date(1960, 1, 1), "channel": "service_window"})
        if exemption:
            exempt.append({"id_number": person, "exemption": exemption, "agency": "x"})
        owed = fen(quote(c, category, tier, exemption, paid_on).resident_pays)
        if owed:
            pay.append({"channel": "service_window", "external_ref": f"R{i}", "id_number": person,
                        "unit_code": None, "amount_fen": owed, "paid_on": paid_on, "status": "matched"})
    pay += [{**pay[0], "external_ref": "DUP", "status": "duplicate"},
            {**pay[1], "external_ref": "LOW", "amount_fen": 100, "status": "underpaid"}]
    return pd.DataFrame(enroll), pd.DataFrame(exempt, columns=["id_number", "exemption", "agency"]), pd.DataFrame(pay)


def statements(campaign: str, as_of: date = date(2020, 1, 2)):
    c = load_campaign(campaign)
    units = county(c)
    enroll, exempt, pay = frames(c, units)
    return c, build_statements(c, settlement_frames(c, enroll, exempt, pay, units, as_of), as_of)


@pytest.mark.parametrize("campaign", available_campaigns())
def test_every_category_reconciles(campaign):
    _c, s = statements(campaign)
    assert s.reconciled
    k = s.categories
    assert (k["required_fen"] == k["standard_fen"] * k["enrolled"]).all()
    parts = k[["government_fen", "fund_transfer_fen", "on_behalf_fen", "resident_paid_fen"]].sum(axis=1)
    assert (parts == k["required_fen"]).all()
    assert int(s.balance.loc[s.balance["item"] == "duplicate", "amount_fen"].iat[0]) > 0
    assert int(s.levels["government_fen"].sum()) == int(k["government_fen"].sum())
    levels = [col for col in s.levels.columns if col.startswith("level_")]
    assert (s.levels[levels].sum(axis=1) == s.levels["government_fen"]).all()
    assert int(s.on_behalf["on_behalf_fen"].sum()) == int(k["on_behalf_fen"].sum())


def test_wujin_care_fund_transfers_40_per_enrollee():
    _c, s = statements("wujin-2020")
    enrolled = int(s.categories["enrolled"].sum())
    assert int(s.fund_transfers["amount_fen"].sum()) == 4000 * enrolled
    (request,) = s.requests.itertuples()
    assert request.basis == "fund_transfer" and request.amount_fen == 4000 * enrolled
    assert "长期护理保险基金" in request.payee_name


def test_haimen_towns_pay_their_share_by_2020_06_30():
    _c, s = statements("haimen-2020")
    towns = s.levels[s.levels["is_town"]]
    assert len(s.requests) == len(towns[towns["level_town_fen"] > 0])
    assert set(s.requests["due_on"]) == {date(2020, 6, 30)}
    assert int(s.requests["amount_fen"].sum()) == int(towns["level_town_fen"].sum())
    row = towns.iloc[0]  # 25% of the subsidy, exact to the fen with the other levels
    assert abs(int(row["level_town_fen"]) * 4 - int(row["government_fen"])) < 4


def test_rucheng_advances_awards_and_exemption_funds():
    c, s = statements("rucheng-2020")
    assert set(s.advances["settle_with"]) == {"veterans_affairs", "organization"}
    assert set(s.advance_detail["settle_with"]) == {"veterans_affairs", "organization"}
    assert not s.advance_detail["id_masked"].str.fullmatch(r"\d{17}[\dX]").any()
    met = s.awards[s.awards["met"]]
    assert len(met) and (met["award_fen"] == 150 * met["enrolled_by"]).all()
    codes = set(s.requests["code"])
    assert {"exemption_funds:finance", "advance_settlement:veterans_affairs",
            "advance_settlement:organization"} <= codes
    assert {due_date(c, t) for t in c.settlement.transfers} >= {date(2019, 12, 5), date(2019, 12, 31)}


def test_transfers_stored_confirmed_and_overdue(ledger_engine, tmp_path):
    c, s = statements("rucheng-2020")
    with ledger_engine.begin() as conn:
        upsert(conn, CampaignRow, [{"id": c.id, "locality": "x", "insurance_year": 2020, "config_sha256": "0" * 64,
                                    "opened_at": AT}], ["id"])
        first = store_transfers(conn, c.id, s.requests, date(2019, 11, 26), AT, None)
        assert first.changed == len(s.requests)
        assert store_transfers(conn, c.id, s.requests, date(2019, 12, 1), AT, None).changed == 0
        before = snapshot(conn, c.id)["fiscal_transfers"]
        bank = tmp_path / "回单.csv"
        pd.DataFrame({"转账编号": ["exemption_funds:finance", "nope"], "到账日期": ["2019-12-04", "2019-12-04"],
                      "银行流水号": ["B1", "B2"], "到账金额（元）": ["1.00", "1.00"]}).to_csv(bank, index=False)
        received, refused = read_bank_confirmations(bank)
        assert refused == [] and received[0].amount_fen == 100
        refused = record_confirmations(conn, c.id, received, AT, None)
        assert {r["reason"] for r in refused} == {"amount_mismatch", "transfer_unknown"}
        ok = [Confirmation("exemption_funds:finance", date(2019, 12, 4), "B1")]
        assert record_confirmations(conn, c.id, ok, AT, None) == []
        after_once = snapshot(conn, c.id)
        record_confirmations(conn, c.id, ok, AT, None)
        assert snapshot(conn, c.id) == after_once != before
        changed = s.requests.assign(amount_fen=s.requests["amount_fen"] + 1)
        assert store_transfers(conn, c.id, changed, date(2019, 12, 2), AT, None).changed_after_confirmation == [
            "exemption_funds:finance"]
        transfers = load_transfers(conn, c.id)
        states = dict(zip(transfers["code"], transfer_states(transfers, date(2020, 1, 2))))
        assert states["exemption_funds:finance"] == "confirmed"
        assert states["advance_settlement:organization"] == "overdue"
        late = overdue_transfers(conn, date(2020, 1, 2))
        assert set(late["code"]) == set(s.requests["code"]) - {"exemption_funds:finance"}
        assert overdue_transfers(conn, date(2019, 12, 31), c.id).empty
