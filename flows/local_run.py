"""Running flows from the `canbao` command: the ledger migrated first, a server that dies with the command, and
runs left RUNNING by a killed command marked CRASHED on the next one."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from prefect import tags
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    FlowRunFilter,
    FlowRunFilterState,
    FlowRunFilterStateType,
    TaskRunFilter,
    TaskRunFilterFlowRunId,
    TaskRunFilterState,
    TaskRunFilterStateType,
)
from prefect.client.schemas.objects import StateType
from prefect.states import Crashed

from canbao.ledger.engine import database_url
from canbao.ledger.migrate import upgrade
from flows.ephemeral import start_ephemeral_server

__all__ = ["OWNER_TAG", "Owner", "crash_orphaned_runs", "local_run", "owner_of", "this_process"]

OWNER_TAG = "canbao-local"  # tag `canbao-local:<host>:<pid>:<start ticks>` on every run the command starts
# A local run paused for a decision (`canbao run exemptions`) needs its process to resume: gone, it is stuck too.
_STUCK = [StateType.RUNNING, StateType.PENDING, StateType.PAUSED]
_log = logging.getLogger("canbao.local_run")


@dataclass(frozen=True)
class Owner:
    """The process that started a local flow run: host, pid and the pid's start time (pids are reused)."""

    host: str
    pid: int
    started: int

    @property
    def tag(self) -> str:
        return f"{OWNER_TAG}:{self.host}:{self.pid}:{self.started}"

    def alive(self) -> bool:
        """Whether that very process still runs (on this host; another host's process counts as alive)."""
        return self.host != socket.gethostname() or _start_ticks(self.pid) == self.started


def _start_ticks(pid: int) -> int | None:
    """The process's start time in clock ticks since boot (`/proc/PID/stat` field 22), None if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[19])  # fields after the command name start at field 3


def this_process() -> Owner:
    """This process as the owner of the runs it starts."""
    return Owner(socket.gethostname(), os.getpid(), _start_ticks(os.getpid()) or 0)


def owner_of(run_tags: list[str]) -> Owner | None:
    """The owner recorded in a run's tags, if the `canbao` command started it."""
    for tag in run_tags:
        parts = tag.split(":")
        if len(parts) == 4 and parts[0] == OWNER_TAG and parts[2].isdigit() and parts[3].isdigit():
            return Owner(parts[1], int(parts[2]), int(parts[3]))
    return None


def crash_orphaned_runs() -> list[str]:
    """Mark CRASHED every RUNNING, PENDING or PAUSED run whose `canbao` process is gone, and its unfinished tasks."""
    marked = []
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(flow_run_filter=FlowRunFilter(
            state=FlowRunFilterState(type=FlowRunFilterStateType(any_=_STUCK))), limit=200)
        for run in runs:
            owner = owner_of(run.tags)
            if owner is None or owner.alive():
                continue
            message = f"运行它的进程（{owner.host} 上的 {owner.pid}）已不在：运行被中断，标记为 CRASHED"
            client.set_flow_run_state(run.id, Crashed(message=message), force=True)
            tasks = client.read_task_runs(task_run_filter=TaskRunFilter(
                flow_run_id=TaskRunFilterFlowRunId(any_=[run.id]),
                state=TaskRunFilterState(type=TaskRunFilterStateType(any_=_STUCK))))
            for task_run in tasks:  # its tasks were cut off with it
                client.set_task_run_state(task_run.id, Crashed(message=message), force=True)
            _log.warning("上次中断的运行 %s（%s）仍显示运行中：其进程 %d 已不在，已标记为 CRASHED；本次运行将重新处理",
                         run.name, run.id, owner.pid)
            marked.append(str(run.id))
    return marked


@contextmanager
def local_run(migrate: bool = True) -> Iterator[Owner]:
    """Before flows run here: migrate the ledger, start a server that dies with us, crash orphaned runs; tag runs."""
    if migrate:
        upgrade(database_url())
    start_ephemeral_server()
    crash_orphaned_runs()
    owner = this_process()
    with tags(owner.tag):
        yield owner
