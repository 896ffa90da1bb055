"""Reading ahead: a file read before its batch is not read again, a file read another way is, and taking an
inbox in with reads ahead leaves the ledger as taking it in one source at a time does."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, text

from canbao.formats.read import TableRead
from canbao.generate import generate
from canbao.intake import reading
from canbao.intake.batch import intake_batch
from canbao.intake.campaign import PEOPLE_SOURCES, intake_context, open_campaign, seen_hashes
from canbao.intake.inbox import INTAKE_ORDER, survey_inbox
from canbao.intake.pipeline import take_in_sources
from canbao.ledger.engine import make_engine
from canbao.ledger.migrate import upgrade
from canbao.policy.load import load_campaign
from tests.intake_inbox import NOW, TODAY
from tests.test_intake_speed import _roster_inbox


def test_files_read_ahead_are_not_read_again(tmp_path: Path, counted: Counter[Path]):
    _roster_inbox(tmp_path, 3, 4)
    c = load_campaign("kaijiang-2020")
    files = survey_inbox(tmp_path, ["roster"]).files
    ahead = reading.read_ahead(files[:2], "roster", c)
    got = reading.read_files(reading.read_jobs(files, "roster", c), ahead=ahead)
    assert counted == {f.path: 1 for f in files}  # two read ahead, the third now, none twice
    for f, table in zip(files, got, strict=True):
        assert isinstance(table, TableRead)
        pd.testing.assert_frame_equal(table.frame, reading.read_table(f.path, "roster", campaign=c).frame)


def test_a_file_read_another_way_is_read_again(tmp_path: Path, counted: Counter[Path]):
    _roster_inbox(tmp_path, 1, 2)
    c = load_campaign("kaijiang-2020")
    files = survey_inbox(tmp_path, ["roster"]).files
    ahead = reading.read_ahead(files, "roster", c)
    other = reading.read_jobs(files, "roster", c, {"roster": {"name": ["户主姓名"]}})  # a header override
    reading.read_files(other, ahead=ahead)
    reading.read_files(reading.read_jobs(files, "roster", load_campaign("wujin-2020")), ahead=ahead)
    assert counted == {files[0].path: 3}


def _one_source_at_a_time(engine: Engine, inbox: Path) -> None:
    """The intake as it was before reads went ahead: each source's batch reads its own files."""
    c = load_campaign("kaijiang-2020")
    with engine.begin() as conn:
        open_campaign(conn, c, NOW)
    files = survey_inbox(inbox, list(INTAKE_ORDER)).files
    for source in INTAKE_ORDER:
        with engine.begin() as conn:
            known = set(seen_hashes(conn, c.id).query("source == @source")["sha256"])
            ctx = intake_context(conn, c, TODAY, NOW, None, source in PEOPLE_SOURCES)
            intake_batch(conn, source, [f for f in files if f.source == source], ctx, seen=known)


def _ledger(engine: Engine) -> dict[str, pd.DataFrame]:
    tables = {"enrollments": "id_number", "payments": "channel, external_ref", "prior_insured": "id_number",
              "residents": "id_number", "rejections": "import_id, source_row, reason, \"column\"",
              "imports": "id"}
    with engine.connect() as conn:
        return {t: pd.read_sql_query(text(f"SELECT * FROM {t} ORDER BY {order}"), conn) for t, order in tables.items()}


def test_reading_ahead_takes_in_what_one_source_at_a_time_does(tmp_path: Path):
    generate(load_campaign("kaijiang-2020"), 0.005, 3, tmp_path / "gen")
    inbox = tmp_path / "gen" / "inbox"
    ledgers = []
    for name in ("ahead", "alone"):
        url = f"sqlite:///{tmp_path / name}.db"
        upgrade(url)
        ledgers.append(make_engine(url))
    c = load_campaign("kaijiang-2020")
    with ledgers[0].begin() as conn:
        open_campaign(conn, c, NOW)
    batches = take_in_sources(ledgers[0], c, survey_inbox(inbox, list(INTAKE_ORDER)).files, TODAY, NOW)
    _one_source_at_a_time(ledgers[1], inbox)
    ahead, alone = (_ledger(e) for e in ledgers)
    assert len(alone["enrollments"]) > 100 and len(alone["payments"]) > 100 and len(alone["rejections"]) > 0
    assert sum(b.rows for b in batches) == int(alone["imports"]["rows_total"].sum())
    for table in alone:
        pd.testing.assert_frame_equal(ahead[table], alone[table], obj=table)
    # taking the same inbox in again reads nothing and changes nothing
    assert sum(b.rows for b in take_in_sources(ledgers[0], c, survey_inbox(inbox, list(INTAKE_ORDER)).files,
                                               date(2020, 12, 1), NOW)) == 0
    for table, frame in _ledger(ledgers[0]).items():
        pd.testing.assert_frame_equal(frame, ahead[table], obj=table)


def test_a_small_source_is_read_here_and_a_big_one_in_the_pool(tmp_path: Path, counted: Counter[Path],
                                                               monkeypatch: pytest.MonkeyPatch):
    _roster_inbox(tmp_path, 2, 3)  # two small files: fewer than the pool's minimum, a few hundred bytes
    monkeypatch.setenv("CANBAO_WORKERS", "2")
    c = load_campaign("kaijiang-2020")
    files = survey_inbox(tmp_path, ["roster"]).files
    small = reading.read_ahead(files, "roster", c)
    assert counted == {f.path: 1 for f in files}  # read in this process (the count is this process's)
    counted.clear()
    monkeypatch.setattr(reading, "AHEAD_POOL_BYTES", 1)  # as if big: each file to a worker, even so few
    big = reading.read_ahead(files, "roster", c)
    assert not counted  # the workers read them
    for a, b in zip(small.results, big.results, strict=True):
        assert isinstance(a, TableRead) and isinstance(b, TableRead)
        pd.testing.assert_frame_equal(a.frame, b.frame)
