"""Keys scoped by campaign: two counties whose channels number alike keep every payment, before and after 0007."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest
from alembic import command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from intake_inbox import ROSTER, WINDOW, take_in, write_csv
from sqlalchemy import Engine, insert, select, text

from canbao.identity import make_id
from canbao.intake.campaign import open_campaign
from canbao.intake.store import start_import, store_payments
from canbao.ledger import migrate
from canbao.ledger.engine import make_engine
from canbao.ledger.queries import snapshot
from canbao.ledger.schema import Campaign, Import, Payment
from canbao.policy.load import load_campaign

AT = datetime(2019, 10, 8, 9, 30, tzinfo=UTC)
KAIJIANG, WUJIN = "kaijiang-2020", "wujin-2020"
REFS = st.sets(st.text(alphabet="AB012", min_size=1, max_size=4), max_size=12)


def _downgrade(url: str, revision: str) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            config = migrate.alembic_config(url)
            config.attributes["connection"] = conn
            command.downgrade(config, revision)
    finally:
        engine.dispose()


def _payments_by_campaign(conn) -> dict[str, dict[str, tuple[str, int]]]:
    rows = conn.execute(select(Payment.campaign_id, Payment.channel, Payment.external_ref, Payment.id_number,
                               Payment.amount_fen)).all()
    out: dict[str, dict[str, tuple[str, int]]] = {}
    for campaign, channel, ref, person, amount in rows:
        out.setdefault(campaign, {})[f"{channel}:{ref}"] = (person, int(amount))
    return out


def _seed_at_0006(conn) -> dict[str, int]:
    """Two campaigns with a payment import each, written with plain inserts (no key needed)."""
    imports = {}
    for cid, locality in ((KAIJIANG, "kaijiang"), (WUJIN, "wujin")):
        conn.execute(insert(Campaign).values(id=cid, locality=locality, insurance_year=2020,
                                             config_sha256="c" * 64, opened_at=AT))
        imports[cid] = conn.execute(insert(Import).values(
            campaign_id=cid, source="bank_deduction", file_name="回盘.xlsx", sha256=cid[0] * 64, rows_total=2,
            rows_accepted=2, rows_rejected=0, imported_at=AT)).inserted_primary_key[0]
    return imports


# The payment columns every revision since 0006 has (0010 dropped the cached status and expected amount).
_KEPT = "id, campaign_id, channel, external_ref, id_number, unit_code, amount_fen, paid_on, import_id, source_row"


def test_migration_0007_keeps_every_payment_and_scopes_the_key(ledger_url: str) -> None:
    migrate.upgrade(ledger_url, "0006")
    engine = make_engine(ledger_url)
    try:
        with engine.begin() as conn:
            imports = _seed_at_0006(conn)
            for n, (cid, ref) in enumerate(((KAIJIANG, "B1"), (KAIJIANG, "B2"), (WUJIN, "B3"))):
                conn.execute(insert(Payment).values(
                    campaign_id=cid, channel="bank_deduction", external_ref=ref, id_number=f"{n:018d}",
                    amount_fen=25_000 + n, paid_on=date(2019, 10, 9), import_id=imports[cid], source_row=n + 2))
            before = conn.execute(text(f"SELECT {_KEPT} FROM payments ORDER BY id")).all()
        migrate.upgrade(ledger_url)
        assert migrate.current(ledger_url) == migrate.head() and migrate.diff(ledger_url) == []
        with engine.begin() as conn:
            assert conn.execute(text(f"SELECT {_KEPT} FROM payments ORDER BY id")).all() == before
            # Wujin's bank numbers a receipt as Kaijiang's did: now a payment of its own.
            conn.execute(insert(Payment).values(
                campaign_id=WUJIN, channel="bank_deduction", external_ref="B1", id_number="9" * 18,
                amount_fen=30_000, paid_on=date(2019, 10, 10), import_id=imports[WUJIN], source_row=9))
            assert len(_payments_by_campaign(conn)[WUJIN]) == 2
        # Back to the old key would merge the two B1 payments: the downgrade refuses and changes nothing.
        with pytest.raises(RuntimeError, match="more than one campaign"):
            _downgrade(ledger_url, "0006")
        assert migrate.current(ledger_url) == migrate.head()
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM payments WHERE external_ref = 'B1' AND campaign_id = :c"), {"c": WUJIN})
        _downgrade(ledger_url, "0006")
        with engine.begin() as conn:
            assert conn.execute(text(f"SELECT {_KEPT} FROM payments ORDER BY id")).all() == before
    finally:
        engine.dispose()


def _frame(refs: set[str], area: str, amount_fen: int) -> pd.DataFrame:
    refs = sorted(refs)
    return pd.DataFrame({
        "external_ref": refs, "id_number": [make_id(area, date(1980, 1, 1), i + 1) for i in range(len(refs))],
        "unit_code": pd.NA, "amount_fen": amount_fen, "paid_on": pd.Timestamp("2019-11-20"),
        "source_file": "回盘.xlsx", "source_row": range(2, len(refs) + 2)})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kaijiang_refs=REFS, wujin_refs=REFS)
def test_two_campaigns_whose_banks_number_alike_keep_every_payment(ledger_engine: Engine, kaijiang_refs: set[str],
                                                                   wujin_refs: set[str]) -> None:
    counties = {KAIJIANG: (kaijiang_refs, "511723", 28_000), WUJIN: (wujin_refs, "320412", 25_000)}
    with ledger_engine.connect() as conn:
        outer = conn.begin()
        try:
            for cid, (refs, area, amount) in counties.items():
                c = load_campaign(cid)
                open_campaign(conn, c, AT)
                made = start_import(conn, cid, "bank_deduction", "回盘.xlsx", cid[0] * 64, len(refs), AT, None)
                store_payments(conn, cid, _frame(refs, area, amount), {"回盘.xlsx": made.import_id},
                               "bank_deduction", AT, None)
            expected = {cid: {f"bank_deduction:{r}": (p, amount) for r, p in
                              zip(_frame(refs, area, amount)["external_ref"], _frame(refs, area, amount)["id_number"])}
                        for cid, (refs, area, amount) in counties.items() if refs}
            assert _payments_by_campaign(conn) == expected
            before = {cid: snapshot(conn, cid) for cid in counties}
            for cid, (refs, area, amount) in counties.items():  # the same files' rows once more
                imports = {"回盘.xlsx": conn.execute(select(Import.id).where(Import.campaign_id == cid)).scalar_one()}
                assert store_payments(conn, cid, _frame(refs, area, amount), imports, "bank_deduction", AT,
                                      None) == 0
            assert {cid: snapshot(conn, cid) for cid in counties} == before
        finally:
            outer.rollback()


def test_two_counties_through_intake_keep_their_own_payments(ledger_engine: Engine, tmp_path: Path) -> None:
    """Kaijiang's and Wujin's service windows both number W1, W2: each county's files keep its own."""
    counties = {KAIJIANG: ("511723", "51172301", "250"), WUJIN: ("320412", "32041201", "830")}
    for cid, (area, unit, amount) in counties.items():
        inbox = tmp_path / cid
        people = [make_id(area, date(1980, 1, 1), n) for n in (1, 2)]
        write_csv(inbox, "roster", "花名册.csv", ROSTER, [[unit, "甲", p, "", "2019-10-08"] for p in people])
        write_csv(inbox, "service_window", "窗口.csv", WINDOW,
                  [[f"W{n}", "甲", p, amount, "2019-10-09"] for n, p in enumerate(people, 1)])
    def run() -> None:
        for cid in counties:
            for source in ("roster", "service_window"):
                assert take_in(ledger_engine, load_campaign(cid), tmp_path / cid, source).empty

    run()
    with ledger_engine.connect() as conn:
        got = _payments_by_campaign(conn)
        before = {cid: snapshot(conn, cid) for cid in counties}
    assert got == {cid: {f"service_window:W{n}": (make_id(area, date(1980, 1, 1), n), int(amount) * 100)
                         for n in (1, 2)} for cid, (area, _, amount) in counties.items()}
    run()  # the same inboxes again: nothing new, nothing changed
    with ledger_engine.connect() as conn:
        assert {cid: snapshot(conn, cid) for cid in counties} == before
