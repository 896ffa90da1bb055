"""The ledger's fingerprint of a campaign: the same after a rerun that takes nothing in, different after each
kind of change the intake's outputs depend on (issue 14, rerun on an unchanged inbox)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from intake_inbox import NOW, ROSTER, TODAY, WINDOW, take_in, write_csv
from sqlalchemy import Connection, Engine, delete, func, insert, select, text, update

from canbao.identity import make_id
from canbao.intake.batch import intake_batch
from canbao.intake.campaign import intake_context, open_campaign, seen_hashes
from canbao.intake.fingerprint import fingerprint_queries, ledger_fingerprint
from canbao.intake.inbox import scan_inbox
from canbao.intake.proofs import record_proofs
from canbao.intake.settle import settle_campaign
from canbao.intake.store import start_import
from canbao.ledger.schema import CashDeposit, Exemption, Import, Payment, PriorInsured, Unit
from canbao.ledger.schema_exemptions import ExemptionList
from canbao.policy.load import load_campaign

KAIJIANG, WUJIN = "kaijiang-2020", "wujin-2020"
UNIT = "51172301"
PEOPLE = [make_id("511723", date(1980, 1, 1), n) for n in range(1, 5)]
APPROVED = [datetime(2019, 9, d, 2, tzinfo=UTC) for d in (1, 2, 3, 4)]


def fingerprint(engine: Engine, campaign: str = KAIJIANG) -> str:
    with engine.connect() as conn:
        return ledger_fingerprint(conn, campaign)


def _inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    write_csv(inbox, "roster", "花名册.csv", ROSTER, [[UNIT, "甲", p, "", "2019-10-08"] for p in PEOPLE]
              + [[UNIT, "乙", "123", "", "2019-10-08"]])  # a rejected row: its file has a rejection
    write_csv(inbox, "service_window", "窗口.csv", WINDOW, [["W1", "甲", PEOPLE[0], "250", "2019-10-09"]])
    return inbox


def _seed(engine: Engine, inbox: Path) -> None:
    """Kaijiang with a roster, a window file and three exemptions approved at different times; Wujin opened."""
    c = load_campaign(KAIJIANG)
    for source in ("roster", "service_window"):
        take_in(engine, c, inbox, source)
    with engine.begin() as conn:
        open_campaign(conn, load_campaign(WUJIN), NOW)
        listed = start_import(conn, KAIJIANG, "exemption_civil", "民政.xlsx", "e" * 64, 3, NOW, None).import_id
        conn.execute(insert(Exemption), [
            {"campaign_id": KAIJIANG, "id_number": p, "category": "dibao", "agency": "civil_affairs",
             "source_list": "民政.xlsx", "approved_at": at, "import_id": listed}
            for p, at in zip(PEOPLE[:3], APPROVED)])


def _take_again(engine: Engine, inbox: Path, source: str) -> None:
    """The flow's `take_again`, a day later: the same files stored again under their earlier imports."""
    c, later = load_campaign(KAIJIANG), NOW + timedelta(days=1)
    with engine.begin() as conn:
        seen = seen_hashes(conn, KAIJIANG)
        known = set(seen.loc[seen["source"] == source, "sha256"])
        intake_batch(conn, source, scan_inbox(inbox, [source]), intake_context(conn, c, TODAY, later), again=known)


def _write(engine: Engine, change: Callable[[Connection], object]) -> None:
    with engine.begin() as conn:
        change(conn)


def _delete_latest_import(conn: Connection) -> None:
    latest = conn.execute(select(func.max(Import.id))).scalar_one()
    conn.execute(delete(Payment).where(Payment.import_id == latest))
    conn.execute(delete(Import).where(Import.id == latest))


def _proof(decision: str, day: int) -> pd.DataFrame:
    return pd.DataFrame([{"id_number": PEOPLE[1], "decision": decision, "proof": None, "reviewer": "李审核",
                          "decided_at": datetime(2020, 3, day, 2, tzinfo=UTC), "note": None, "import_id": None}])


def test_each_kind_of_change_moves_the_fingerprint_and_a_rerun_does_not(ledger_engine: Engine,
                                                                          tmp_path: Path) -> None:
    inbox = _inbox(tmp_path)
    _seed(ledger_engine, inbox)
    first = fingerprint(ledger_engine)
    other = fingerprint(ledger_engine, WUJIN)

    # A rerun: the same files again, the state matched as of another day, another county's intake.
    c = load_campaign(KAIJIANG)
    for source in ("roster", "service_window"):
        assert take_in(ledger_engine, c, inbox, source).empty
    with ledger_engine.begin() as conn:
        settle_campaign(conn, c, date(2020, 6, 30))
    write_csv(tmp_path / "wujin", "roster", "花名册.csv", ROSTER,
              [["32041201", "丙", make_id("320412", date(1980, 1, 1), 9), "", "2019-10-08"]])
    take_in(ledger_engine, load_campaign(WUJIN), tmp_path / "wujin", "roster")
    assert fingerprint(ledger_engine) == first
    assert fingerprint(ledger_engine, WUJIN) != other

    def listed(conn: Connection) -> None:
        conn.execute(insert(ExemptionList).values(
            campaign_id=KAIJIANG, agency="civil_affairs", version=1, content_sha256="e" * 64,
            import_id=conn.execute(Import.__table__.select().where(Import.source == "exemption_civil"))
            .first().id, files=["民政.xlsx"], rows_total=3, rows_rejected=0, persons=3, diff={},
            status="received", received_at=NOW))

    later = NOW + timedelta(days=1)
    changes: dict[str, Callable[[], object]] = {
        "a new file": lambda: (write_csv(inbox, "service_window", "窗口2.csv", WINDOW,
                                         [["W2", "甲", PEOPLE[1], "250", "2019-10-10"]]),
                               take_in(ledger_engine, c, inbox, "service_window")),
        "a corrected file supersedes": lambda: (write_csv(inbox, "service_window", "窗口2.csv", WINDOW,
                                                          [["W3", "甲", PEOPLE[2], "250", "2019-10-10"]]),
                                                take_in(ledger_engine, c, inbox, "service_window")),
        "a file taken in again": lambda: _take_again(ledger_engine, inbox, "roster"),
        "an approval time moves": lambda: _write(ledger_engine, lambda conn: conn.execute(
            update(Exemption).where(Exemption.id_number == PEOPLE[1]).values(approved_at=APPROVED[3]))),
        "a list received": lambda: _write(ledger_engine, listed),
        "a list approved": lambda: _write(ledger_engine, lambda conn: conn.execute(
            update(ExemptionList).values(status="approved", decided_at=later))),
        "a proof decision": lambda: _write(ledger_engine, lambda conn: record_proofs(
            conn, KAIJIANG, _proof("confirmed", 5), later, None)),
        "a proof decision changed": lambda: _write(ledger_engine, lambda conn: record_proofs(
            conn, KAIJIANG, _proof("refused", 6), later + timedelta(hours=1), None)),
        "a unit's target": lambda: _write(ledger_engine, lambda conn: conn.execute(
            update(Unit).where(Unit.campaign_id == KAIJIANG, Unit.code == UNIT).values(target=1234))),
        "a cash deposit": lambda: _write(ledger_engine, lambda conn: conn.execute(insert(CashDeposit).values(
            campaign_id=KAIJIANG, external_ref="D1", unit_code=UNIT, amount_fen=25_000,
            deposited_on=date(2019, 10, 11), import_id=select(func.min(Import.id)).scalar_subquery(), source_row=2))),
        "a prior insured": lambda: _write(ledger_engine, lambda conn: conn.execute(insert(PriorInsured).values(
            campaign_id=KAIJIANG, id_number=PEOPLE[3], unit_code=UNIT, category=None))),
        "an import deleted": lambda: _write(ledger_engine, _delete_latest_import),
        "the config's hash": lambda: _write(ledger_engine, lambda conn: conn.execute(
            update(Import.metadata.tables["campaigns"]).where(Import.metadata.tables["campaigns"].c.id == KAIJIANG)
            .values(config_sha256="0" * 64))),
    }
    seen = {first: "the start"}
    for name, change in changes.items():
        change()
        now = fingerprint(ledger_engine)
        assert now not in seen, f"{name}: the fingerprint of {seen.get(now)}"
        seen[now] = name


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(times=st.lists(st.sampled_from([*APPROVED, None]), min_size=3, max_size=3),
       who=st.integers(0, 2), to=st.sampled_from([*APPROVED, None]))
def test_one_approval_time_moving_moves_the_fingerprint(ledger_engine: Engine, tmp_path: Path,
                                                        times: list[datetime | None], who: int,
                                                        to: datetime | None) -> None:
    """Whatever the other approvals, one person's approval time set to another value changes the fingerprint
    (a middle value too, which counts and extremes would miss); set to the same value it does not."""
    with ledger_engine.connect() as conn:
        seeded = conn.execute(select(func.count()).select_from(Exemption)).scalar_one()
    if not seeded:  # hypothesis runs its examples in one fixture: seed once
        _seed(ledger_engine, _inbox(tmp_path))
    with ledger_engine.connect() as conn, conn.begin() as outer:
        for p, at in zip(PEOPLE[:3], times):
            conn.execute(update(Exemption).where(Exemption.id_number == p).values(approved_at=at))
        before = ledger_fingerprint(conn, KAIJIANG)
        conn.execute(update(Exemption).where(Exemption.id_number == PEOPLE[who]).values(approved_at=to))
        assert (ledger_fingerprint(conn, KAIJIANG) != before) == (to != times[who])
        outer.rollback()


@pytest.mark.parametrize("ledger_url", ["sqlite"], indirect=True)
def test_the_fingerprint_reads_large_tables_through_indexes(ledger_engine: Engine, tmp_path: Path) -> None:
    """Every query on a table that grows with the county is answered from an index, never a table scan."""
    _seed(ledger_engine, _inbox(tmp_path))
    large = ("enrollments", "payments", "exemption_entries", "prior_insured", "cash_deposits", "rejections",
             "audit")
    with ledger_engine.connect() as conn:
        for name, query in fingerprint_queries(KAIJIANG).items():
            if name in large:
                sql = str(query.compile(conn, compile_kwargs={"literal_binds": True}))
                steps = [str(row[-1]) for row in conn.execute(text(f"EXPLAIN QUERY PLAN {sql}"))]
                assert steps and all("INDEX" in s for s in steps if s.startswith(("SCAN", "SEARCH"))), (name, steps)
