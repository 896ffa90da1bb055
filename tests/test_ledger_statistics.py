"""The planner's statistics after an intake: a campaign that is the whole table is scanned, not looked up."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
from sqlalchemy import Engine, text

from canbao.identity import make_id
from canbao.ledger.bulk import upsert
from canbao.ledger.queries import record_import
from canbao.ledger.schema import PAYMENT_KEY, Campaign, Payment, Unit
from canbao.ledger.statistics import STATISTICS_TABLES, refresh_statistics

AT = datetime(2019, 10, 9, 8, tzinfo=UTC)
C = "kaijiang-2020"


def _load(engine: Engine, n: int) -> None:
    with engine.begin() as conn:
        upsert(conn, Campaign, [{"id": C, "locality": "开江县", "insurance_year": 2020, "config_sha256": "c" * 64,
                                 "opened_at": AT}], ["id"])
        upsert(conn, Unit, [{"campaign_id": C, "code": "v01", "name": "一村", "level": "village",
                             "parent_code": None, "target": 10}], ["campaign_id", "code"])
        imp = record_import(conn, campaign_id=C, source="bank_deduction", file_name="回盘.xlsx", sha256="a" * 64,
                            rows_total=n, rows_accepted=n, rows_rejected=0, imported_at=AT, flow_run_id=None)
        ids = [make_id("511723", date(1980, 1, 1 + i % 28), i // 28 + 1) for i in range(n)]
        upsert(conn, Payment, pd.DataFrame({
            "campaign_id": C, "channel": "bank_deduction", "external_ref": [f"B{i}" for i in range(n)],
            "id_number": ids, "unit_code": "v01", "amount_fen": 25000, "paid_on": date(2019, 10, 9),
            "import_id": imp, "source_row": range(n)}), PAYMENT_KEY)


def test_sqlite_scans_a_campaign_that_is_the_whole_table_once_analyzed(tmp_path) -> None:
    from canbao.ledger.engine import make_engine
    from canbao.ledger.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    upgrade(url)
    engine = make_engine(url)
    _load(engine, 2_000)
    query = "EXPLAIN QUERY PLAN SELECT id_number, amount_fen FROM payments WHERE campaign_id = 'kaijiang-2020'"
    with engine.connect() as conn:
        before = " ".join(row[3] for row in conn.execute(text(query)))
    with engine.begin() as conn:
        refresh_statistics(conn)
    with engine.connect() as conn:
        after = " ".join(row[3] for row in conn.execute(text(query)))
        analyzed = {row[0] for row in conn.execute(text("SELECT tbl FROM sqlite_stat1"))}
    engine.dispose()
    assert "USING INDEX" in before and after.startswith("SCAN payments")
    assert {"payments", "imports"} <= analyzed <= set(STATISTICS_TABLES)  # empty tables get no statistics


def test_statistics_refresh_on_both_databases(ledger_engine: Engine) -> None:
    _load(ledger_engine, 50)
    with ledger_engine.begin() as conn:
        refresh_statistics(conn)
        if conn.dialect.name == "postgresql":
            rows = dict(conn.execute(text("SELECT relname, reltuples FROM pg_class WHERE relname = 'payments'")).all())
            assert rows["payments"] == 50  # the row count the planner now knows
