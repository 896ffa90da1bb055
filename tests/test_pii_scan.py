"""A simulated campaign with a database error injected: no full ID number and no name of a generated person
reaches an output that is not 内部, a log record, a state message, an event, the outbox or result storage."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import insert, select

from canbao.identity import check_id
from canbao.ledger.engine import make_engine
from canbao.ledger.schema import Resident

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]
CAMPAIGN = "kaijiang-2020"
ID_LIKE = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
CJK_RUN = re.compile(r"[\u3400-\u9fff\U00020000-\U0003ffff]+")
TEXT_SUFFIXES = {".md", ".csv", ".txt", ".json", ".jsonl", ".html"}


class Captured(logging.Handler):
    """Every log record's formatted message (exception text included)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(self.format(record))


def full_ids(text: str) -> set[str]:
    """Valid 18-character ID numbers in the text (a checksum that holds: not just any 18 digits)."""
    return {m for m in ID_LIKE.findall(text) if check_id(m.upper(), today=date(2100, 1, 1)).valid}


def names_in(text: str, names: set[str]) -> set[str]:
    """Names in the text: 3+ character names anywhere, 2-character ones as a whole run of CJK characters."""
    long = {n for n in names if len(n) >= 3 and n in text}
    return long | (set(CJK_RUN.findall(text)) & names)


def output_texts(root: Path) -> Iterator[tuple[str, str]]:
    """(file, text) of every output file that is not 内部: workbook cells, text files as they are."""
    for path in sorted(root.rglob("*")):
        if not path.is_file() or "内部" in path.name:
            continue
        if path.suffix == ".xlsx":
            book = openpyxl.load_workbook(path, read_only=True)
            yield path.name, "\n".join(str(c) for s in book.worksheets for r in s.iter_rows(values_only=True)
                                       for c in r if c is not None)
            book.close()
        elif path.suffix in TEXT_SUFFIXES:
            yield path.name, path.read_text(encoding="utf-8", errors="replace")


def _api_texts(since: Any) -> Iterator[tuple[str, str]]:
    """State messages of every flow and task run, the API's log table and the events recorded."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        for run in client.read_flow_runs(limit=200):
            yield f"flow run {run.name}", f"{run.state.message if run.state else ''} {run.parameters}"
        for task in client.read_task_runs(limit=200):
            yield f"task run {task.name}", task.state.message if task.state and task.state.message else ""
        for log in client.read_logs(limit=200):
            yield "log table", log.message
        answer = client._client.post("/events/filter", json={"filter": {"occurred": {"since": since.isoformat()}},
                                                               "limit": 50})
        assert answer.status_code == 200, answer.text
        yield "events", json.dumps(answer.json(), ensure_ascii=False)


def test_nothing_personal_outside_internal_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pendulum
    from prefect.settings import (
        PREFECT_LOCAL_STORAGE_PATH,
        PREFECT_RESULTS_PERSIST_BY_DEFAULT,
        temporary_settings,
    )

    import canbao.intake.batch as batch
    from flows.simulate import simulate

    monkeypatch.delenv("CANBAO_CLOCK", raising=False)
    real_store, failed = batch.store_payments, []

    def store_failing_once(conn, *args, **kwargs):
        """The first payment batch hits a real constraint: a resident inserted twice (the key is an ID)."""
        someone = conn.execute(select(Resident).limit(1)).mappings().first()
        if not failed and someone is not None:
            failed.append(someone["id_number"])
            conn.execute(insert(Resident), [dict(someone)])  # raises; the task retries and goes through
        return real_store(conn, *args, **kwargs)

    monkeypatch.setattr(batch, "store_payments", store_failing_once)
    handler = Captured()
    watched = [logging.getLogger(), logging.getLogger("prefect")]
    for logger in watched:
        logger.addHandler(handler)
    since, out, results = pendulum.now("UTC"), tmp_path / "sim", tmp_path / "results"
    try:
        # An operator who turns result persistence on must still find no person in result storage.
        with temporary_settings(updates={PREFECT_RESULTS_PERSIST_BY_DEFAULT: True,
                                         PREFECT_LOCAL_STORAGE_PATH: results}):
            simulate(campaign=CAMPAIGN, scale=0.004, seed=5, out=str(out), step_weeks=8)  # every phase, fewer weeks
    finally:
        for logger in watched:
            logger.removeHandler(handler)
    assert failed, "the injected database error never happened"
    engine = make_engine(f"sqlite:///{out / 'ledger.db'}")
    with engine.connect() as conn:
        people = dict(conn.execute(select(Resident.id_number, Resident.name)).all())
    engine.dispose()
    names = set(people.values())
    assert len(people) > 20
    places = [*output_texts(out / "reports"), ("simulation.json", (out / "simulation.json").read_text("utf-8")),
              *(("log record", t) for t in handler.texts), *_api_texts(since)]
    places += [(f"result {p.name}", p.read_bytes().decode("utf-8", errors="replace"))
               for p in (results.rglob("*") if results.exists() else []) if p.is_file()]
    outbox = Path(".canbao/outbox.jsonl")
    if outbox.exists() and outbox.stat().st_mtime >= since.timestamp():
        places.append(("outbox", outbox.read_text(encoding="utf-8")))
    assert any(w == "log record" and "台账写入失败" in t for w, t in places), "the failure was not logged"
    # The scan can see: the generated inbox (inputs, not outputs) is full of IDs and names, and the API,
    # the log handler and result storage (persistence on) all gave it something to read.
    inputs = [t for _, t in output_texts(out) if full_ids(t)]
    assert inputs and any(names_in(t, names) for t in inputs)
    kinds = {w.split(" ")[0] for w, t in places if t.strip()}
    assert {"flow", "log", "result"} <= kinds, kinds
    leaks = [(where, sorted(full_ids(text))[:3], sorted(names_in(text, names))[:3]) for where, text in places
             if full_ids(text) or names_in(text, names)]
    assert leaks == []
