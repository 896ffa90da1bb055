"""Reading only a batch's keys from the ledger gives every row the whole read gives for those keys."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from canbao.ledger import lookup
from canbao.ledger.lookup import select_frame
from canbao.ledger.schema import Campaign, Import

NOW = pd.Timestamp("2020-01-01", tz="UTC")
COLUMNS = ["file_name", "rows_total"]


def _imports(conn, names: list[str]) -> None:
    conn.execute(Campaign.__table__.insert().values(id="c", locality="某县", insurance_year=2020,
                                                    config_sha256="0" * 64, opened_at=NOW))
    for i, name in enumerate(names):
        conn.execute(Import.__table__.insert().values(
            campaign_id="c", source="roster", file_name=name, sha256=f"{i:064d}", rows_total=i, rows_accepted=0,
            rows_rejected=0, imported_at=NOW))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(stored=st.lists(st.sampled_from("abcdefgh"), max_size=8),
       among=st.lists(st.sampled_from("abcdefghij"), max_size=6))
def test_rows_of_the_keys_asked_for_are_all_there(ledger_engine: Engine, monkeypatch: pytest.MonkeyPatch,
                                                   stored: list[str], among: list[str]):
    monkeypatch.setattr(lookup, "IN_CHUNK", 2)  # several IN queries even for a few keys
    t = Import.__table__
    stmt = select(t.c.file_name, t.c.rows_total).where(t.c.campaign_id == "c")
    with ledger_engine.begin() as conn:
        _imports(conn, stored)
        got = select_frame(conn, stmt, COLUMNS, t.c.file_name, [*among, None])
        whole = select_frame(conn, stmt, COLUMNS)
        conn.rollback()
    # Oracle: the stored rows themselves, those of the keys asked for.
    expected = sorted((name, i) for i, name in enumerate(stored) if name in among)
    assert sorted(whole.itertuples(index=False, name=None)) == sorted((n, i) for i, n in enumerate(stored))
    assert sorted(r for r in got.itertuples(index=False, name=None) if r[0] in among) == expected
    assert list(got.columns) == COLUMNS


def test_no_keys_reads_nothing(ledger_engine: Engine):
    t = Import.__table__
    with ledger_engine.begin() as conn:
        _imports(conn, ["a"])
        got = select_frame(conn, select(t.c.file_name, t.c.rows_total), COLUMNS, t.c.file_name, [])
        conn.rollback()
    assert got.empty and list(got.columns) == COLUMNS
