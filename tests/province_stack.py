"""A province in miniature for the scale-out test: a PostgreSQL-backed Prefect server, a process work pool with a
queue per county, and one worker per county, each reaching its county's ledger; all stopped afterwards."""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from prefect_stack import ROOT, TERMINAL, free_port
from sqlalchemy.engine import make_url

BIN = Path(sys.executable).parent
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # in the child, before exec: SIGKILL when pytest dies, however it dies
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


@dataclass
class Province:
    """The running pieces: the API, the base environment, the log folder and the processes started."""

    work: Path
    api: str
    env: dict[str, str]
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    started: list[tuple[str, float]] = field(default_factory=list)  # (step, seconds since the start)

    def call(self, method: str, path: str, body: Any = None) -> Any:
        with httpx.Client(base_url=self.api, timeout=30) as h:
            response = h.request(method, path, json=body).raise_for_status()
            return response.json() if response.content else None

    def cli(self, *args: str, env: dict[str, str] | None = None) -> str:
        done = subprocess.run([str(BIN / "prefect"), *args], cwd=ROOT, env=env or self.env, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, f"prefect {' '.join(args)}:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        return done.stdout

    def start(self, name: str, args: list[str], env: dict[str, str]) -> None:
        log = (self.work / f"{name}.log").open("wb")
        self.procs[name] = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True, preexec_fn=_die_with_parent)

    def stop(self) -> None:
        """Workers first (SIGINT to each group at once), then the server (its state is thrown away); SIGKILL to
        what is left after 10 s."""
        workers = [p for n, p in self.procs.items() if n != "server"]
        self._signal(workers, signal.SIGINT)
        self._signal([p for n, p in self.procs.items() if n == "server"], signal.SIGTERM)

    @staticmethod
    def _signal(procs: list[subprocess.Popen[bytes]], first: signal.Signals) -> None:
        for sig in (first, signal.SIGKILL):
            for proc in procs:
                try:
                    os.killpg(proc.pid, sig)
                except ProcessLookupError:
                    continue
            deadline = time.monotonic() + 10
            for proc in procs:
                try:
                    proc.wait(timeout=max(deadline - time.monotonic(), 0.1))
                except subprocess.TimeoutExpired:
                    continue
            if all(proc.poll() is not None for proc in procs):
                return

    def run_deployment(self, name: str, parameters: dict[str, Any] | None = None) -> str:
        deployment = self.call("GET", f"/deployments/name/{name}")
        return self.call("POST", f"/deployments/{deployment['id']}/create_flow_run",
                         {"parameters": parameters or {}})["id"]

    def wait_runs(self, ids: list[str], timeout: float) -> dict[str, dict[str, Any]]:
        deadline, runs = time.monotonic() + timeout, {}
        while time.monotonic() < deadline:
            runs = {i: self.call("GET", f"/flow_runs/{i}") for i in ids}
            if all(r["state"]["type"] in TERMINAL for r in runs.values()):
                return runs
            time.sleep(0.5)
        raise AssertionError(f"runs not finished in {timeout}s: {[r['state']['type'] for r in runs.values()]}; "
                             f"logs in {self.work}")

    def workers_of(self, ids: list[str]) -> dict[str, str]:
        """The worker that submitted each flow run (the `prefect.worker.submitted-flow-run` events)."""
        events = self.call("POST", "/events/filter", {"filter": {"event": {"name": [
            "prefect.worker.submitted-flow-run"]}}, "limit": 50})["events"]
        found = {}
        for e in events:
            for r in e["related"]:
                if r["prefect.resource.role"] == "flow-run":
                    found[r["prefect.resource.id"].removeprefix("prefect.flow-run.")] = e["resource"][
                        "prefect.resource.name"]
        return {i: found.get(i, "") for i in ids}


def _healthy(api: str) -> bool:
    try:
        return httpx.get(f"{api}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _wait(check: Any, seconds: float, what: str, work: Path) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not ready in {seconds}s; logs in {work}")
        time.sleep(0.3)


@contextmanager
def province(work: Path, prefect_db: str, pool: str, prefect_file: Path, workers: dict[str, dict[str, Any]],
             env: dict[str, str], meanwhile: Callable[[], None]) -> Iterator[Province]:
    """The server on `prefect_db`, the pool, `workers` (name → {"queues": [...], "env": {...}}) polling their
    queues and the deployments of `prefect_file`; `meanwhile` runs while the server starts."""
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "CANBAO_", "DASK_"))}
    base |= {"PREFECT_HOME": str(work / "prefect"), "PREFECT_API_URL": api, "PYTHONPATH": str(ROOT),
             "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_WORKER_QUERY_SECONDS": "1", **env}
    # Services this test has no use for (no schedules, automations, pauses or cancellations): less load.
    quiet = {f"PREFECT_SERVER_SERVICES_{s}_ENABLED": "false" for s in (
        "SCHEDULER", "LATE_RUNS", "TRIGGERS", "PAUSE_EXPIRATIONS", "CANCELLATION_CLEANUP", "REPOSSESSOR")}
    p = Province(work, api, base)
    with ExitStack() as stack:
        stack.callback(p.stop)
        url = make_url(prefect_db).set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)
        p.start("server", [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                base | quiet | {"PREFECT_API_DATABASE_CONNECTION_URL": url})
        t0 = time.monotonic()
        meanwhile()
        p.started.append(("ledgers and inboxes", time.monotonic() - t0))
        _wait(lambda: _healthy(api), 60, "the PostgreSQL-backed Prefect server", work)
        p.started.append(("server healthy", time.monotonic() - t0))
        from prefect.workers.process import ProcessWorker  # the pool as `prefect work-pool create --type process`

        p.call("POST", "/work_pools/", {"name": pool, "type": "process",
                                        "base_job_template": ProcessWorker.get_default_base_job_template()})
        p.started.append(("pool", time.monotonic() - t0))
        for name, spec in workers.items():  # they boot while the deployments are made
            queues = [a for q in spec["queues"] for a in ("--work-queue", q)]
            p.start(name, [str(BIN / "prefect"), "worker", "start", "--pool", pool, *queues, "--name", name],
                    base | spec["env"])
        p.cli("--no-prompt", "deploy", "--all", "--prefect-file", str(prefect_file))
        p.started.append(("deployments", time.monotonic() - t0))
        yield p
