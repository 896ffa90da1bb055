"""A payment file whose dates carry a time of day, taken in again, changes no record and audits none; a real
change in it is audited once (the ledger keeps days: the time is no change)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import Engine, func, select

from canbao.identity import make_id
from canbao.intake.batch import intake_batch
from canbao.intake.campaign import intake_context, open_campaign, seen_hashes
from canbao.intake.inbox import scan_inbox
from canbao.ledger.schema import Audit, Payment
from canbao.policy.load import load_campaign
from tests.intake_inbox import NOW, ROSTER, TODAY, WINDOW, take_in, write_csv

PERSON = make_id("511723", date(1980, 1, 2), 7)


def _window(inbox: Path, amount: str) -> None:
    write_csv(inbox, "service_window", "窗口.csv", WINDOW, [
        ["W1", "甲", PERSON, "280", "2019-09-01 13:57:40"], ["W2", "甲", PERSON, amount, "2019/09/02 08:05"]])


def _audited(engine: Engine) -> list[tuple[str, dict]]:
    with engine.connect() as conn:
        return [(r.record_key, r.after) for r in conn.execute(
            select(Audit.record_key, Audit.after).where(Audit.table_name == "payments", Audit.action == "update"))]


def test_a_time_of_day_is_no_change_and_a_new_amount_is_one(ledger_engine: Engine, tmp_path: Path):
    c = load_campaign("kaijiang-2020")
    write_csv(tmp_path, "roster", "村.csv", ROSTER, [["51172301", "甲", PERSON, "", "2019-09-01 09:00"]])
    assert take_in(ledger_engine, c, tmp_path, "roster").empty
    _window(tmp_path, "280")
    assert take_in(ledger_engine, c, tmp_path, "service_window").empty
    with ledger_engine.begin() as conn:  # the same file taken in again on request
        open_campaign(conn, c, NOW)
        known = set(seen_hashes(conn, c.id)["sha256"])
        intake_batch(conn, "service_window", scan_inbox(tmp_path, ["service_window"]),
                     intake_context(conn, c, TODAY, NOW), again=known)
    assert _audited(ledger_engine) == []
    _window(tmp_path, "300")  # a corrected file: one amount changes, both rows repeat with their times
    assert take_in(ledger_engine, c, tmp_path, "service_window").empty
    audited = _audited(ledger_engine)
    assert [key for key, _ in audited] == [f"{c.id}/service_window/W2"]
    assert audited[0][1]["amount_fen"] == 30000 and audited[0][1]["paid_on"] == "2019-09-02"
    with ledger_engine.connect() as conn:
        days = conn.execute(select(Payment.paid_on).order_by(Payment.external_ref)).scalars().all()
        assert conn.execute(select(func.count()).select_from(Payment)).scalar_one() == 2
    assert [d if isinstance(d, date) else date.fromisoformat(str(d)[:10]) for d in days] == [
        date(2019, 9, 1), date(2019, 9, 2)]
