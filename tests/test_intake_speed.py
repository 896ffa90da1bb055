"""The fast intake paths keep behaviour: pooled reads equal sequential ones, narrow id updates touch only
their columns, and the side-by-side benchmark produces its table (a smoke run, no timing asserted)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from bench import scale
from canbao.identity import make_id
from canbao.intake.reading import POOL_MIN_ITEMS, ReadJob, read_files
from canbao.ledger.bulk import update_by_id, upsert
from canbao.ledger.schema import Campaign, Import
from canbao.policy.load import load_campaign
from canbao.pool import pool_map
from tests.intake_inbox import ROSTER, write_csv


def _roster_inbox(inbox: Path, files: int, rows: int) -> None:
    for f in range(files):
        write_csv(inbox, "roster", f"村{f:02d}.csv", ROSTER, [
            ["51172301", f"人{f}-{r}", make_id("511723", date(1980, 1, 1 + r % 28), f * 100 + r + 1), "",
             "2019-10-08"] for r in range(rows)] + [["", " ", "", "", ""]])


def test_pooled_reads_equal_sequential_reads(tmp_path: Path):
    _roster_inbox(tmp_path, POOL_MIN_ITEMS, 5)
    c = load_campaign("kaijiang-2020")
    jobs = [ReadJob(p, "roster", None, c, None, None) for p in sorted((tmp_path / "roster").iterdir())]
    pooled, alone = read_files(jobs, workers=2), read_files(jobs, workers=1)
    assert len(pooled) == len(alone) == POOL_MIN_ITEMS
    for a, b in zip(pooled, alone, strict=True):
        pd.testing.assert_frame_equal(a.frame, b.frame)
        assert a.frame["source_row"].tolist() == [2, 3, 4, 5, 6]  # the blank last row is dropped


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(accepted=st.lists(st.integers(0, 10**6), min_size=1, max_size=6))
def test_update_by_id_writes_only_its_columns(ledger_engine: Engine, accepted: list[int]):
    now = pd.Timestamp("2020-01-01", tz="UTC")
    with ledger_engine.begin() as conn:
        upsert(conn, Campaign, [{"id": "c", "locality": "某县", "insurance_year": 2020, "config_sha256": "0" * 64,
                                 "opened_at": now}], keys=["id"])
        for i in range(len(accepted)):
            conn.execute(Import.__table__.insert().values(
                campaign_id="c", source="roster", file_name=f"{i}.csv", sha256=f"{i:064d}", rows_total=9,
                rows_accepted=1, rows_rejected=2, imported_at=now))
        ids = conn.execute(select(Import.id).where(Import.campaign_id == "c").order_by(Import.id)).scalars().all()
        assert update_by_id(conn, Import, pd.DataFrame({"id": ids, "rows_accepted": accepted}),
                            ["rows_accepted"]) == len(accepted)
        got = conn.execute(select(Import.file_name, Import.rows_total, Import.rows_accepted, Import.rows_rejected)
                           .where(Import.campaign_id == "c").order_by(Import.id)).all()
        conn.rollback()
    assert [tuple(r) for r in got] == [(f"{i}.csv", 9, a, 2) for i, a in enumerate(accepted)]


def test_benchmark_smoke_produces_the_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]):
    inbox = tmp_path / "inbox"
    _roster_inbox(inbox, 2, 3)
    write_csv(inbox, "service_window", "窗口.csv", ["业务流水号", "姓名", "身份证号码", "缴费金额", "缴费日期"],
              [["W1", "人0-0", make_id("511723", date(1980, 1, 1), 1), "280", "2019-10-09"]])
    monkeypatch.setenv("CANBAO_DATABASE_URL", f"sqlite:///{tmp_path / 'unused.db'}")  # the domain stage sets it
    scale.main(["--inbox", str(inbox), "--stages", "floor,naive,domain", "--naive-rows", "3", "--in-process"])
    lines = [line.split(" | ") for line in capsys.readouterr().out.splitlines() if line.startswith("| ")]
    assert [cells[0] for cells in lines[1:]] == [
        "| floor: read every file, executemany every row",
        "| naive: ORM row by row, per-row lookups (**extrapolated** from 3 rows)",
        "| Canbao intake, domain calls (no Prefect)"]
    floor, naive, canbao = lines[1:]
    # the floor writes every line: 2 × (header + 3 rows + a blank row) + header + 1 row; Canbao takes in 6 + 1
    assert floor[1] == "12" and canbao[1] == "7" and naive[1] == "7"
    assert floor[-1] == "1.0 |"
    assert float(naive[-1].rstrip(" |")) > 0 and float(canbao[-1].rstrip(" |")) > 0


def test_background_workers_run_at_lower_priority_even_for_one_item():
    mine = os.nice(0)
    assert pool_map(os.nice, [0], workers=2, min_items=1, nice=5) == [mine + 5]  # in a worker, five lower
    assert pool_map(os.nice, [0], workers=2) == [mine]  # one item, default: here, priority unchanged
    assert pool_map(os.nice, [0] * POOL_MIN_ITEMS, workers=2) == [mine] * POOL_MIN_ITEMS  # a pool, unchanged
