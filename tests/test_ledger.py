"""The ledger: migrations match the models, natural keys forbid double counting, upserts are idempotent."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Engine, Integer, MetaData, insert, inspect, select, text

from canbao.errors import LedgerError
from canbao.identity import make_id, mask_id
from canbao.ledger import bulk, migrate
from canbao.ledger.bulk import insert_rows, upsert
from canbao.ledger.engine import DEFAULT_URL, ENV_VAR, database_url, make_engine, mask_url, normalize_url
from canbao.ledger.queries import find_import, import_seen, record_import, snapshot
from canbao.ledger.schema import Audit, Base, Campaign, Enrollment, Import, Payment, Rejection, Resident, Unit

CAMPAIGN = "kaijiang-2020"
AT = datetime(2019, 10, 8, 9, 30, tzinfo=UTC)
ENROLLMENT_KEY = ["campaign_id", "id_number"]
PAYMENT_KEY = ["campaign_id", "channel", "external_ref"]


def ids(n: int) -> list[str]:
    """`n` distinct well-formed ID numbers."""
    return [make_id("511723", date(1950, 1, 1) + timedelta(days=i // 999), i % 999 + 1) for i in range(n)]


def seed(conn, people: list[str], campaign: str = CAMPAIGN) -> int:
    """A campaign with two villages, the residents and one roster import; returns the import id."""
    upsert(conn, Campaign, [{"id": campaign, "locality": campaign.split("-")[0], "insurance_year": 2020,
                             "config_sha256": "c" * 64, "opened_at": AT}], ["id"])
    units = pd.DataFrame({"campaign_id": campaign, "code": ["v01", "v02"], "name": ["一村", "二村"],
                          "level": "village", "parent_code": "t01", "target": [100, None]})
    upsert(conn, Unit, units, ["campaign_id", "code"])
    births = pd.to_datetime([f"{p[6:10]}-{p[10:12]}-{p[12:14]}" for p in people])
    residents = pd.DataFrame({"id_number": pd.array(people, dtype="string"), "name": "张三",
                              "sex": ["M" if int(p[16]) % 2 else "F" for p in people], "birth_date": births})
    upsert(conn, Resident, residents, ["id_number"])
    return record_import(conn, campaign_id=campaign, source="roster", file_name="一村花名册.xlsx",
                         sha256="a" * 64, rows_total=len(people), rows_accepted=len(people), rows_rejected=0,
                         imported_at=AT, flow_run_id="run-1")


def enrollments(people: list[str], import_id: int, campaign: str = CAMPAIGN) -> pd.DataFrame:
    """An enrollment frame as a roster import would produce it (numpy ints, datetime64, NaT)."""
    n = len(people)
    return pd.DataFrame({
        "campaign_id": campaign, "id_number": pd.array(people, dtype="string"),
        "unit_code": np.where(np.arange(n) % 2 == 0, "v01", "v02"), "category": "resident",
        "tier": np.ones(n, dtype="int64"), "channel": "village_cash",
        "kind": np.where(np.arange(n) % 3 == 0, "new", "renewal"),
        "registered_at": pd.Timestamp("2019-10-01") + pd.to_timedelta(np.arange(n) % 80, unit="D"),
        "import_id": np.int64(import_id), "source_row": np.arange(n) + 2,
    })


def payments(people: list[str], import_id: int) -> pd.DataFrame:
    """A bank deduction return: one payment per person, amounts in integer fen."""
    return pd.DataFrame({
        "campaign_id": CAMPAIGN, "channel": "bank_deduction",
        "external_ref": [f"B{i:08d}" for i in range(len(people))], "id_number": people, "unit_code": "v01",
        "amount_fen": np.int64(25_000), "paid_on": date(2019, 10, 9), "import_id": import_id,
        "source_row": range(2, len(people) + 2),
    })


def test_migrations_apply_and_match_models(ledger_url: str) -> None:
    assert migrate.current(ledger_url) is None
    migrate.upgrade(ledger_url)
    migrate.upgrade(ledger_url)  # at head already: a no-op
    assert migrate.current(ledger_url) == migrate.head()
    assert migrate.diff(ledger_url) == []
    engine = make_engine(ledger_url)
    try:
        inspector = inspect(engine)
        assert set(inspector.get_table_names()) == set(Base.metadata.tables) | {"alembic_version"}
        for table in Base.metadata.sorted_tables:  # compare_metadata does not look at CHECK constraints
            expected = {c.name for c in table.constraints if c.__class__.__name__ == "CheckConstraint"}
            assert {c["name"] for c in inspector.get_check_constraints(table.name)} == expected
    finally:
        engine.dispose()


def test_model_drift_is_detected(ledger_url: str) -> None:
    migrate.upgrade(ledger_url)
    drifted = MetaData()
    for table in Base.metadata.sorted_tables:
        table.to_metadata(drifted)
    drifted.tables["payments"].append_column(Column("refund_fen", Integer))
    engine = make_engine(ledger_url)
    try:
        with engine.connect() as conn:
            found = compare_metadata(MigrationContext.configure(conn), drifted)
    finally:
        engine.dispose()
    assert [d[0] for d in found] == ["add_column"]


def test_engine_url_handling(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert database_url() == DEFAULT_URL
    monkeypatch.setenv(ENV_VAR, "postgresql://u:s3cret@db:5432/canbao")
    assert database_url() == "postgresql://u:s3cret@db:5432/canbao"
    assert normalize_url(database_url()).drivername == "postgresql+psycopg"
    assert normalize_url("postgres://u:p@h/d").drivername == "postgresql+psycopg"
    assert "s3cret" not in mask_url(database_url()) and "***" in mask_url(database_url())
    monkeypatch.delenv(ENV_VAR)
    monkeypatch.chdir(tmp_path)
    engine = make_engine()
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0
    finally:
        engine.dispose()
    assert (tmp_path / "data" / "canbao.db").exists()


def test_second_enrollment_of_a_person_is_never_a_second_row(ledger_engine: Engine) -> None:
    people = ids(3)
    with ledger_engine.begin() as conn:
        import_id = seed(conn, people)
        assert upsert(conn, Enrollment, enrollments(people, import_id), ENROLLMENT_KEY) == 3
    again = enrollments(people[:1], import_id).assign(unit_code="v02", source_row=99)
    with pytest.raises(LedgerError, match="违反台账约束"), ledger_engine.begin() as conn:
        insert_rows(conn, Enrollment, again)
    with ledger_engine.begin() as conn:
        assert upsert(conn, Enrollment, again, ENROLLMENT_KEY) == 1
        rows = conn.execute(select(Enrollment.unit_code).where(Enrollment.id_number == people[0])).all()
    assert rows == [("v02",)]


def test_second_payment_with_same_reference_is_never_a_second_row(ledger_engine: Engine) -> None:
    people = ids(4)
    with ledger_engine.begin() as conn:
        import_id = seed(conn, people)
        assert upsert(conn, Payment, payments(people, import_id), PAYMENT_KEY, update=[]) == 4
    repeat = payments(people, import_id).iloc[[1]]
    with pytest.raises(LedgerError, match="违反台账约束"), ledger_engine.begin() as conn:
        insert_rows(conn, Payment, repeat)
    with ledger_engine.begin() as conn:
        assert upsert(conn, Payment, repeat, PAYMENT_KEY, update=[]) == 0
        assert upsert(conn, Payment, repeat, PAYMENT_KEY) == 0
        total = conn.execute(text("SELECT count(*), sum(amount_fen) FROM payments")).one()
    assert tuple(total) == (4, 100_000)


def test_a_file_is_recorded_once(ledger_engine: Engine) -> None:
    with ledger_engine.begin() as conn:
        first = seed(conn, ids(1))
        assert import_seen(conn, CAMPAIGN, "roster", "a" * 64)
        assert not import_seen(conn, CAMPAIGN, "bank_deduction", "a" * 64)
        again = record_import(conn, campaign_id=CAMPAIGN, source="roster", file_name="copy.xlsx",
                              sha256="a" * 64, rows_total=9, rows_accepted=9, rows_rejected=0, imported_at=AT)
        assert again == first == find_import(conn, CAMPAIGN, "roster", "a" * 64)
        assert conn.execute(select(Import.file_name, Import.rows_total)).all() == [("一村花名册.xlsx", 1)]
        fixed = record_import(conn, campaign_id=CAMPAIGN, source="roster", file_name="v2.xlsx",
                              sha256="b" * 64, rows_total=1, rows_accepted=1, rows_rejected=0, imported_at=AT,
                              supersedes_id=first)
        assert fixed != first
    with pytest.raises(LedgerError, match="违反台账约束"), ledger_engine.begin() as conn:
        conn.execute(insert(Import).values(campaign_id=CAMPAIGN, source="roster", file_name="x",
                                           sha256="a" * 64, rows_total=1, rows_accepted=1, rows_rejected=0,
                                           imported_at=AT))


def test_upsert_twice_leaves_the_ledger_identical(ledger_engine: Engine) -> None:
    people = ids(50)
    with ledger_engine.begin() as conn:
        import_id = seed(conn, people)
        assert upsert(conn, Enrollment, enrollments(people, import_id), ENROLLMENT_KEY) == 50
        assert upsert(conn, Payment, payments(people, import_id), PAYMENT_KEY) == 50
    with ledger_engine.connect() as conn:
        before = snapshot(conn, CAMPAIGN)
        raw_before = conn.execute(select(Enrollment.__table__).order_by(Enrollment.id)).all()
    with ledger_engine.begin() as conn:
        assert seed(conn, people) == import_id
        assert upsert(conn, Enrollment, enrollments(people, import_id), ENROLLMENT_KEY) == 0
        assert upsert(conn, Payment, payments(people, import_id), PAYMENT_KEY) == 0
    with ledger_engine.connect() as conn:
        assert snapshot(conn, CAMPAIGN) == before
        assert conn.execute(select(Enrollment.__table__).order_by(Enrollment.id)).all() == raw_before
    counts = {name: len(rows) for name, rows in before.items()}
    assert counts.items() >= {
        "campaigns": 1, "units": 2, "residents": 50, "imports": 1, "enrollments": 50, "payments": 50,
        "exemptions": 0, "rejections": 0, "audit": 0,
    }.items()
    assert {"prior_insured", "cash_deposits"} <= counts.keys()  # every table that carries a campaign


def test_upsert_updates_only_changed_columns(ledger_engine: Engine) -> None:
    people = ids(10)
    with ledger_engine.begin() as conn:
        import_id = seed(conn, people)
        frame = enrollments(people, import_id)
        upsert(conn, Enrollment, frame, ENROLLMENT_KEY)
        changed = frame.copy()
        changed.loc[[1, 4, 7], "tier"] = 2
        changed.loc[1, "registered_at"] = pd.Timestamp("2020-02-01")
        changed["channel"] = "bank_counter"
        assert upsert(conn, Enrollment, changed, ENROLLMENT_KEY, update=["tier", "registered_at"]) == 3
        assert upsert(conn, Enrollment, changed, ENROLLMENT_KEY, update=[]) == 0
        got = conn.execute(select(Enrollment.id_number, Enrollment.tier, Enrollment.registered_at,
                                  Enrollment.channel).order_by(Enrollment.source_row)).all()
    assert [row.tier for row in got] == [1, 2, 1, 1, 2, 1, 1, 2, 1, 1]
    assert got[1].registered_at == date(2020, 2, 1) and got[0].registered_at == date(2019, 10, 1)
    assert {row.channel for row in got} == {"village_cash"}


def test_upsert_refuses_what_it_cannot_write_faithfully(ledger_engine: Engine) -> None:
    people = ids(3)
    with ledger_engine.begin() as conn:
        import_id = seed(conn, people)
        pays = payments(people, import_id)
        with pytest.raises(ValueError, match="repeat a key"):
            upsert(conn, Payment, pd.concat([pays, pays.iloc[[0]]]), PAYMENT_KEY)
        with pytest.raises(ValueError, match=r"amount_fen.*integer fen"):
            upsert(conn, Payment, pays.assign(amount_fen=[25000.0, 250.5, 1.0]), PAYMENT_KEY)
        with pytest.raises(ValueError, match=r"external_ref.*dtype=str"):
            upsert(conn, Payment, pays.assign(external_ref=[1.5e17, 2.5e17, 3.5e17]), PAYMENT_KEY)
        with pytest.raises(ValueError, match="no column"):
            upsert(conn, Payment, pays.assign(amount_yuan=250), PAYMENT_KEY)
        # integral floats (a column that had a blank cell) and pandas NA are written faithfully
        nullable = pays.assign(amount_fen=[25000.0, 25000.0, 18000.0], unit_code=pd.array(["v01", None, "v01"],
                                                                                            dtype="string"))
        assert upsert(conn, Payment, nullable, PAYMENT_KEY) == 3
        got = conn.execute(select(Payment.amount_fen, Payment.unit_code, Payment.paid_on)
                           .order_by(Payment.external_ref)).all()
        targets = pd.DataFrame({"campaign_id": CAMPAIGN, "code": ["v01", "v02"], "name": ["一村", "二村"],
                                "level": "village", "parent_code": "t01",
                                "target": pd.array([120, None], dtype="Int64")})
        upsert(conn, Unit, targets, ("campaign_id", "code"), update=["target"])
        stored = dict(conn.execute(select(Unit.code, Unit.target).where(Unit.code.in_(["v01", "v02"]))).all())
    assert [tuple(r) for r in got] == [(25000, "v01", date(2019, 10, 9)), (25000, None, date(2019, 10, 9)),
                                       (18000, "v01", date(2019, 10, 9))]
    assert all(type(r.amount_fen) is int for r in got)
    assert stored == {"v01": 120, "v02": None}


def test_rejections_never_hold_a_full_id_and_timestamps_stay_aware(ledger_engine: Engine) -> None:
    person = ids(1)[0]
    with ledger_engine.begin() as conn:
        import_id = seed(conn, [person])
        ok = {"import_id": import_id, "source_row": 7, "column": "身份证号", "reason": "id_checksum",
              "detail": f"校验位错误 {mask_id(person)}", "unit_code": "v01"}
        assert insert_rows(conn, Rejection, [ok]) == 1
    with pytest.raises((ValueError, LedgerError), match="full ID"), ledger_engine.begin() as conn:
        insert_rows(conn, Rejection, [{**ok, "detail": f"校验位错误 {person}"}])
    with pytest.raises((ValueError, LedgerError), match="timezone-aware"), ledger_engine.begin() as conn:
        insert_rows(conn, Audit, [{"at": datetime(2019, 10, 8, 9, 30), "action": "insert", "table_name": "x",
                                   "record_key": "k"}])
    with ledger_engine.connect() as conn:
        opened = conn.execute(select(Campaign.opened_at)).scalar_one()
    assert opened == AT and opened.utcoffset() is not None


def test_snapshot_ignores_ids_order_and_run_bookkeeping(tmp_path: Path) -> None:
    people = ids(20)
    snaps = []
    for name, order, run in (("a", people, "run-1"), ("b", people[::-1], "run-2")):
        url = f"sqlite:///{tmp_path / name}.db"
        migrate.upgrade(url)
        engine = make_engine(url)
        with engine.begin() as conn:
            if name == "b":  # another file first, so that surrogate ids differ between the two ledgers
                upsert(conn, Campaign, [{"id": CAMPAIGN, "locality": "kaijiang", "insurance_year": 2020,
                                         "config_sha256": "c" * 64, "opened_at": datetime.now(UTC)}], ["id"])
                record_import(conn, campaign_id=CAMPAIGN, source="other", file_name="x", sha256="f" * 64,
                              rows_total=0, rows_accepted=0, rows_rejected=0, imported_at=AT)
            import_id = seed(conn, order)
            upsert(conn, Enrollment, enrollments(people, import_id).iloc[::-1 if name == "b" else 1],
                   ENROLLMENT_KEY)
            insert_rows(conn, Audit, [{"at": datetime.now(UTC), "flow_run_id": run, "campaign_id": CAMPAIGN,
                                       "action": "insert", "table_name": "enrollments", "record_key": "batch",
                                       "import_id": import_id, "after": {"rows": 20, "村": "一村"}}])
        with engine.connect() as conn:
            snaps.append(snapshot(conn, CAMPAIGN))
        engine.dispose()
    snaps[1]["imports"] = [row for row in snaps[1]["imports"] if row[1] != "other"]
    assert snaps[0] == snaps[1]
    assert snaps[0]["enrollments"][0][-2] == "roster:" + "a" * 64


@pytest.mark.postgres
def test_copy_path_matches_the_small_path(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    migrate.upgrade(postgres_url)
    engine = make_engine(postgres_url)
    copies = []
    real_copy = bulk._copy
    monkeypatch.setattr(bulk, "_copy", lambda *a, **k: copies.append(a[1]) or real_copy(*a, **k))
    n = bulk.COPY_THRESHOLD + 5_000
    people = ids(n)
    try:
        with engine.begin() as conn:
            import_id = seed(conn, people)
        assert len(copies) == 1  # the 25,000 residents
        copies.clear()
        frame = enrollments(people, import_id)
        changed = frame.copy()
        changed.loc[changed.index % 100 == 0, "tier"] = 2
        results = {}
        for path, threshold in (("copy", bulk.COPY_THRESHOLD), ("small", None)):
            with engine.begin() as conn:
                conn.execute(Enrollment.__table__.delete())
                counts = [upsert(conn, Enrollment, frame, ENROLLMENT_KEY, copy_threshold=threshold),
                          upsert(conn, Enrollment, frame, ENROLLMENT_KEY, copy_threshold=threshold),
                          upsert(conn, Enrollment, changed, ENROLLMENT_KEY, copy_threshold=threshold)]
            with engine.connect() as conn:
                results[path] = (counts, snapshot(conn, CAMPAIGN))
        assert results["copy"][0] == [n, 0, n // 100]
        assert results["copy"] == results["small"]
        assert len(copies) == 3 and all(name.startswith("canbao_stage_") for name in copies)
        with engine.begin() as conn:  # append-only COPY, JSONB included
            audit = [{"at": AT, "campaign_id": CAMPAIGN, "action": "insert", "table_name": "enrollments",
                      "record_key": f"{CAMPAIGN}/{mask_id(p)}", "after": {"tier": 1}} for p in people[:3]]
            assert insert_rows(conn, Audit, audit, copy_threshold=0) == 3
            assert conn.execute(select(Audit.after).limit(1)).scalar_one() == {"tier": 1}
            assert conn.execute(text("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'canbao_stage%'")
                                ).scalar_one() == 0
    finally:
        engine.dispose()
