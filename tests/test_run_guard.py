"""Crashes and concurrency: tasks refuse an old ledger, a killed command leaves no server and no RUNNING run,
and one ledger writer per campaign at a time."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from canbao.ledger.engine import make_engine
from canbao.ledger.migrate import upgrade
from canbao.ledger.readiness import LedgerNotReady

ROOT = Path(__file__).resolve().parents[1]


def test_tasks_refuse_a_ledger_not_at_head(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from tasks import runtime

    monkeypatch.setenv("CANBAO_DATABASE_URL", sqlite_url)
    runtime._engine.cache_clear()
    with pytest.raises(LedgerNotReady, match=r"尚未初始化.*canbao db upgrade"):
        runtime.ledger_engine()
    assert not Path(sqlite_url.removeprefix("sqlite:///")).exists() or not _tables(sqlite_url)  # nothing migrated
    upgrade(sqlite_url, "0001")
    with pytest.raises(LedgerNotReady, match=r"版本为 0001.*canbao db upgrade"):
        runtime.ledger_engine()
    upgrade(sqlite_url)
    with runtime.ledger_engine().connect() as conn:
        assert conn.execute(text("select count(*) from campaigns")).scalar_one() == 0
    engine = make_engine(sqlite_url)
    with engine.begin() as conn:
        conn.execute(text("update alembic_version set version_num = 'ffff'"))
    engine.dispose()
    runtime._engine.cache_clear()
    with pytest.raises(LedgerNotReady, match="比本程序新"):
        runtime.ledger_engine()
    runtime._engine.cache_clear()


def _tables(url: str) -> list[str]:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        return [r[0] for r in db.execute("select name from sqlite_master where type = 'table'")]


def test_the_owner_of_a_local_run_is_alive_only_while_its_process_runs() -> None:
    from flows.local_run import Owner, owner_of, this_process

    me = this_process()
    assert owner_of(["canbao", me.tag]) == me and me.alive()
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert not Owner(me.host, child.pid, me.started).alive()  # gone
    assert not Owner(me.host, me.pid, me.started + 1).alive()  # same pid, another process (pid reused)
    assert Owner(socket.gethostname() + "-elsewhere", child.pid, 1).alive()  # another host: not ours to judge
    assert owner_of(["canbao-local:h:12:x", "weekly-report"]) is None


def _descendants(pid: int) -> set[int]:
    """Every process below `pid` (from /proc/<pid>/task/*/children)."""
    found, todo = set(), [pid]
    while todo:
        for task in Path(f"/proc/{todo.pop()}/task").glob("*"):
            try:
                kids = {int(x) for x in (task / "children").read_text().split()}
            except OSError:
                continue
            todo += sorted(kids - found)
            found |= kids
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _runs(prefect_home: Path) -> list[tuple[str, str]]:
    db = prefect_home / "prefect.db"
    if not db.exists():
        return []
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return list(conn.execute("select name, state_type from flow_run order by created"))
    except sqlite3.OperationalError:  # the server is still creating its tables
        return []


@pytest.mark.slow
def test_a_killed_run_leaves_no_server_and_the_rerun_marks_it_crashed(tmp_path: Path) -> None:
    from canbao.generate import generate
    from canbao.policy.load import load_campaign

    generate(load_campaign("kaijiang-2020"), 0.004, 3, tmp_path / "county")
    home = tmp_path / "prefect"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")} | {
        "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PYTHONPATH": str(ROOT),
        "CANBAO_DATABASE_URL": f"sqlite:///{tmp_path / 'ledger.db'}", "CANBAO_CLOCK": "2019-12-02T09:00:00"}
    argv = [sys.executable, "-m", "flows.cli", "run", "registration", "--campaign", "kaijiang-2020",
            "--inbox", str(tmp_path / "county" / "inbox"), "--out", str(tmp_path / "out"), "--keep-files"]
    first = subprocess.Popen(argv, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline, below = time.monotonic() + 180, set()
    while time.monotonic() < deadline and ("registration-payment" not in str(_runs(home)) or not below):
        assert first.poll() is None, "the run ended before it could be killed"
        below |= _descendants(first.pid)
        time.sleep(0.2)
    assert ("RUNNING" in str(_runs(home)) or "PENDING" in str(_runs(home))) and below
    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    gone_by = time.monotonic() + 10
    while time.monotonic() < gone_by and any(_running(p) for p in below):
        time.sleep(0.2)
    assert not [p for p in below if _running(p)], "a child of the killed command survived it"
    assert any(state in ("RUNNING", "PENDING") for _, state in _runs(home))  # what the rerun must clean up

    again = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert again.returncode == 0, again.stderr[-2000:]
    assert "已标记为 CRASHED" in again.stderr
    states = [state for _, state in _runs(home)]
    assert states.count("CRASHED") == 1 and states[-1] == "COMPLETED"
    assert "RUNNING" not in states and "PENDING" not in states
    with sqlite3.connect(home / "prefect.db") as db:
        assert not db.execute("select count(*) from task_run where state_type in ('RUNNING', 'PENDING')").fetchone()[0]
    internal = [p for p in (tmp_path / "out").rglob("*") if p.is_file() and "内部" in p.name]
    assert len(internal) > 1  # the reconciliation workbook and the error workbooks: owner-only, in owner-only folders
    assert {stat.S_IMODE(p.stat().st_mode) for p in internal} == {0o600}
    assert {stat.S_IMODE(p.parent.stat().st_mode) for p in internal} == {0o700}


@pytest.fixture
def limits(prefect_harness: None) -> tuple[str, str]:
    """Two fresh campaign names whose ledger limits exist on the test server."""
    from flows.ledger_lock import ensure_limits

    names = (f"a{uuid.uuid4().hex[:8]}", f"b{uuid.uuid4().hex[:8]}")
    assert len(ensure_limits(names)) == 2 and ensure_limits(names) == []
    return names


HOLDER = """
import sys, time
from flows.ledger_lock import ledger_lock
campaign, start_at, seconds = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
time.sleep(max(0.0, start_at - time.time()))
with ledger_lock(campaign) as guarded:
    began = time.time()
    time.sleep(seconds)
    print(campaign, guarded, began, time.time())
"""


def test_one_writer_per_campaign_and_campaigns_do_not_wait_for_each_other(limits: tuple[str, str]) -> None:
    """Three runs as the worker starts them (a process each) ask at the same moment: A, A and B."""
    from prefect.settings import PREFECT_API_URL

    a, b = limits
    env = os.environ | {"PREFECT_API_URL": str(PREFECT_API_URL.value()), "PYTHONPATH": str(ROOT)}
    start_at = time.time() + 15  # after every process has imported Prefect
    holders = [subprocess.Popen([sys.executable, "-c", HOLDER, c, str(start_at), "4"], env=env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) for c in (a, a, b)]
    spans = []
    for p in holders:
        out, _ = p.communicate(timeout=120)
        name, guarded, began, ended = out.split()
        assert guarded == "True"
        spans.append((name, float(began), float(ended)))
    (_, a1, a1_end), (_, a2, _) = sorted((s for s in spans if s[0] == a), key=lambda s: s[1])
    ((_, b1, b1_end),) = [s for s in spans if s[0] == b]
    assert a1 >= start_at and a1_end <= a2  # the same campaign: one after the other
    assert b1 < a1_end and a1 < b1_end  # another campaign: at the same time as the first


def test_a_missing_limit_runs_unguarded_and_a_held_slot_is_reentrant(limits: tuple[str, str]) -> None:
    from flows.ledger_lock import ledger_lock

    with ledger_lock(f"nolimit{uuid.uuid4().hex[:6]}") as guarded:
        assert guarded is False
    with ledger_lock(limits[0]) as outer, ledger_lock(limits[0]) as inner:  # a subflow inside a holding flow
        assert outer and inner


@pytest.mark.slow
def test_the_registration_flow_waits_for_the_campaigns_slot(limits: tuple[str, str], tmp_path: Path,
                                                             sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from flows.ledger_lock import ensure_limits, ledger_lock
    from flows.registration_payment import registration_payment

    campaign = "kaijiang-2020"
    ensure_limits([campaign])
    upgrade(sqlite_url)
    monkeypatch.setenv("CANBAO_DATABASE_URL", sqlite_url)
    (tmp_path / "inbox" / "roster").mkdir(parents=True)  # an inbox (with a source folder) holding no file yet
    done: list[dict] = []
    run = threading.Thread(target=lambda: done.append(registration_payment(
        campaign=campaign, inbox=str(tmp_path / "inbox"), output_dir=str(tmp_path / "out"))))
    with ledger_lock(campaign):
        run.start()
        time.sleep(4)
        assert not done and run.is_alive()
        engine = make_engine(sqlite_url)
        with engine.connect() as conn:  # nothing written while another run holds the slot
            assert conn.execute(text("select count(*) from campaigns")).scalar_one() == 0
        engine.dispose()
    run.join(120)
    assert done and done[0]["campaign"] == campaign


def test_only_runs_of_dead_local_processes_are_marked_crashed(prefect_harness: None) -> None:
    from prefect import flow
    from prefect.client.orchestration import get_client
    from prefect.states import Paused, Running

    from flows.local_run import Owner, crash_orphaned_runs, this_process

    @flow(name=f"guard-probe-{uuid.uuid4().hex[:6]}")
    def probe() -> None:
        """A flow only ever created, never run."""

    me = this_process()
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    dead = Owner(me.host, child.pid, me.started)
    with get_client(sync_client=True) as client:
        made = {label: client.create_flow_run(probe, tags=tags, state=state) for label, tags, state in [
            ("dead", [dead.tag], Running()), ("dead-paused", [dead.tag], Paused()), ("alive", [me.tag], Running()),
            ("deployment", ["canbao"], Running())]}
        marked = crash_orphaned_runs()
        states = {label: client.read_flow_run(run.id).state for label, run in made.items()}
    assert set(marked) >= {str(made["dead"].id), str(made["dead-paused"].id)}
    assert states["dead"].type.value == "CRASHED" and "已不在" in (states["dead"].message or "")
    assert states["dead-paused"].type.value == "CRASHED"
    assert states["alive"].type.value == "RUNNING" and states["deployment"].type.value == "RUNNING"
