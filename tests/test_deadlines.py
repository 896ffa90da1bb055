"""Deadline states from the ledger, approaching/missed in Chinese working days, and one alert a day at most."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, update

from canbao.deadlines import alert_event, alert_message, classify, current_dues, deadline_states, is_active
from canbao.ledger.bulk import upsert
from canbao.ledger.migrate import upgrade
from canbao.ledger.queries import record_import
from canbao.ledger.schema import Campaign as CampaignRow
from canbao.ledger.schema_alerts import Alert
from canbao.ledger.schema_exemptions import ExemptionList
from canbao.ledger.schema_reports import ReportSnapshot
from canbao.ledger.schema_settlement import DeadlineRecord, FiscalTransfer
from canbao.notify import read_outbox
from canbao.policy.deadlines import work_calendar
from canbao.policy.load import load_campaign
from tests.offline_channels import offline_coordinator

AT = datetime(2019, 10, 1, tzinfo=UTC)


def state_of(engine: Engine, campaign: str, code: str, day: date, due_on: date | None = None):
    with engine.connect() as conn:
        found = [s for s in deadline_states(conn, load_campaign(campaign), day)
                 if s.code == code and (due_on is None or s.due_on == due_on)]
    assert len(found) == 1, found
    return found[0]


def open_campaign(engine: Engine, campaign: str) -> None:
    with engine.begin() as conn:
        upsert(conn, CampaignRow, [{"id": campaign, "locality": campaign, "insurance_year": 2020,
                                    "config_sha256": "c" * 64, "opened_at": AT}], ["id"])


def test_classify_counts_chinese_working_days() -> None:
    cal = work_calendar(load_campaign("kaijiang-2020"))
    due = date(2019, 10, 9)  # after the National Day week; 2019-09-29 and 10-12 were working Sundays/Saturdays
    assert classify(False, due, date(2019, 9, 30), 3, cal) == ("approaching", 2)  # 9 calendar days, 2 working
    assert classify(False, due, date(2019, 9, 26), 3, cal) == ("upcoming", 5)
    assert classify(False, due, due, 3, cal) == ("approaching", 0)
    assert classify(False, due, date(2019, 10, 12), 3, cal) == ("missed", 3)
    assert classify(None, due, date(2019, 10, 12), 3, cal) == ("unknown", 3)
    assert classify(None, due, date(2019, 10, 8), 3, cal) == ("approaching", 1)
    assert classify(True, due, date(2019, 10, 12), 3, cal) == ("done", 0)


def test_active_window_and_weekly_occurrences() -> None:
    c = load_campaign("yuzhong-2021")
    assert is_active(c, date(2020, 11, 10)) and not is_active(c, date(2026, 1, 1))
    weekly = [d.on for d in current_dues(c, date(2020, 11, 10)) if d.entry.code == "weekly_report"]
    assert weekly == [date(2020, 11, 9), date(2020, 11, 16)]  # the last Monday passed and the next one


def test_exemption_list_received_then_rejected(ledger_engine: Engine) -> None:
    day = date(2019, 11, 4)
    assert state_of(ledger_engine, "kaijiang-2020", "exemption_list_civil_affairs", day).state == "missed"
    open_campaign(ledger_engine, "kaijiang-2020")
    with ledger_engine.begin() as conn:
        import_id = record_import(conn, campaign_id="kaijiang-2020", source="exemption",
                                  file_name="civil_affairs/民政名单.xlsx", sha256="a" * 64, rows_total=10,
                                  rows_accepted=10, rows_rejected=0, imported_at=AT)
    s = state_of(ledger_engine, "kaijiang-2020", "exemption_list_civil_affairs", day)
    assert (s.state, s.detail) == ("done", "已收到名单1份，待审批")
    with ledger_engine.begin() as conn:
        conn.execute(ExemptionList.__table__.insert().values(
            campaign_id="kaijiang-2020", agency="civil_affairs", version=1, content_sha256="b" * 64,
            import_id=import_id, files=["民政名单.xlsx"], rows_total=10, rows_rejected=0, persons=10, diff={},
            status="rejected", reason="缺少身份证号码列", received_at=AT))
    s = state_of(ledger_engine, "kaijiang-2020", "exemption_list_civil_affairs", day)
    assert (s.state, s.detail) == ("missed", "第1版名单已退回，待重新报送")
    assert state_of(ledger_engine, "kaijiang-2020", "exemption_list_veterans_affairs", day).state == "missed"


def test_fiscal_transfer_and_recorded_completion(ledger_engine: Engine) -> None:
    open_campaign(ledger_engine, "haimen-2020")
    day = date(2020, 7, 2)
    assert state_of(ledger_engine, "haimen-2020", "towns_fiscal_transfer", day).state == "unknown"
    with ledger_engine.begin() as conn:
        conn.execute(FiscalTransfer.__table__.insert().values(
            campaign_id="haimen-2020", code="t1", rule="towns_share", basis="subsidy_level", name="区镇补助解缴",
            payer="towns", payer_name="各区镇", payee="finance", payee_name="市财政", amount_fen=123_456_00,
            due_on=date(2020, 6, 30), deadline_code="towns_fiscal_transfer", status="requested",
            requested_on=date(2020, 1, 10)))
    s = state_of(ledger_engine, "haimen-2020", "towns_fiscal_transfer", day)
    assert (s.state, s.working_days) == ("missed", 2) and "未到账123456.00元" in s.detail
    with ledger_engine.begin() as conn:
        conn.execute(update(FiscalTransfer.__table__).values(status="confirmed", confirmed_on=date(2020, 7, 1)))
    assert state_of(ledger_engine, "haimen-2020", "towns_fiscal_transfer", day).state == "done"
    leaflets = state_of(ledger_engine, "haimen-2020", "leaflets_to_households", date(2019, 11, 1))
    assert leaflets.state == "unknown"
    with ledger_engine.begin() as conn:
        conn.execute(DeadlineRecord.__table__.insert().values(
            campaign_id="haimen-2020", code="leaflets_to_households", name=leaflets.name, kind="publicity",
            owner="towns", owner_name="各区镇", due_text=leaflets.due_text, due_on=leaflets.due_on, source="五",
            assumed=False, completed_on=date(2019, 10, 28), completion_source="form"))
    assert state_of(ledger_engine, "haimen-2020", "leaflets_to_households", date(2019, 11, 1)).state == "done"


def test_weekly_report_produced(ledger_engine: Engine) -> None:
    open_campaign(ledger_engine, "yuzhong-2021")
    day, monday = date(2020, 11, 10), date(2020, 11, 9)
    assert state_of(ledger_engine, "yuzhong-2021", "weekly_report", day, monday).state == "missed"
    with ledger_engine.begin() as conn:
        conn.execute(ReportSnapshot.__table__.insert().values(
            campaign_id="yuzhong-2021", kind="weekly", as_of=monday, content_sha256=hashlib.sha256(b"x").hexdigest(),
            content={}, created_at=AT))
    assert state_of(ledger_engine, "yuzhong-2021", "weekly_report", day, monday).state == "done"
    assert state_of(ledger_engine, "yuzhong-2021", "weekly_report", day, date(2020, 11, 16)).state == "upcoming"


def test_alert_message_and_event_name_owner_and_campaign(ledger_engine: Engine) -> None:
    s = state_of(ledger_engine, "haimen-2020", "exemption_list_civil_affairs", date(2019, 12, 2))
    message, event = alert_message(s), alert_event(s)
    assert message.subject == "【参保逾期】海门市：民政局报送免缴对象名单已于2019-11-30到期，逾期1个工作日"
    assert "责任单位：民政局" in message.body
    assert event["event"] == "canbao.deadline.missed"
    assert event["resource"]["prefect.resource.id"] == "canbao.campaign.haimen-2020"
    assert event["related"][0] == {"prefect.resource.id": "canbao.agency.civil_affairs",
                                   "prefect.resource.role": "owner", "prefect.resource.name": "民政局"}
    assert event["payload"]["owner"] == "civil_affairs" and event["payload"]["campaign"] == "haimen-2020"


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_watch_alerts_each_deadline_once_a_day(tmp_path: Path, sqlite_url: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from flows.deadline_watch import deadline_watch

    upgrade(sqlite_url)  # flows never migrate: the bring-up does
    monkeypatch.setenv("CANBAO_DATABASE_URL", sqlite_url)
    outbox = offline_coordinator(tmp_path, monkeypatch)
    monkeypatch.setenv("CANBAO_CLOCK", "2019-12-02T08:30:00")
    first = deadline_watch(campaigns=["haimen-2020"])
    sent = read_outbox(outbox)
    assert first["campaigns"]["haimen-2020"]["missed"] == len(sent) == 7  # the seven agencies' lists
    assert all(m["subject"].startswith("【参保逾期】海门市") for m in sent)
    deadline_watch(campaigns=["haimen-2020"])  # the same day again: nothing new goes out
    assert len(read_outbox(outbox)) == 7
    monkeypatch.setenv("CANBAO_CLOCK", "2019-12-03T08:30:00")
    deadline_watch()  # the next day, every active campaign: Haimen's lists are alerted once more
    again = [m for m in read_outbox(outbox)[7:] if "海门市" in m["subject"]]
    assert len(again) == 7 and "逾期2个工作日" in again[0]["subject"]
    from canbao.ledger.engine import make_engine

    engine = make_engine(sqlite_url)
    with engine.connect() as conn:
        targets = dict(conn.execute(select(Alert.target, func.count()).where(Alert.campaign_id == "haimen-2020")
                                    .group_by(Alert.target)).all())
    engine.dispose()
    assert targets == {"coordinator": 14, "event": 14}
