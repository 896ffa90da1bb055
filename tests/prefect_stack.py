"""A real Canbao stack for the server and UI tests: `scripts/up.sh` on free loopback ports, `scripts/down.sh` after.

Both test modules share one stack per session (it takes about a minute to bring up): `shared_stack()`.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from canbao.notify.receiver import Receiver

ROOT = Path(__file__).resolve().parents[1]
AUTH = ("canbao", "e2e-secret")
CLOCK = "2019-12-02T08:30:00"  # the flows' day: Haimen's exemption lists were due on 2019-11-30
SIGN_SECRET = "SECe2e0123456789"
TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Stack:
    """What up.sh started, the receiver standing in for the robots, and the live demo's generated county
    (kaijiang-2020 moved by whole weeks to run on the pinned day CLOCK; its config in state/live/configs)."""

    work: Path
    port: int
    env: dict[str, str]
    receiver: Receiver
    generated: Path
    ledger_url: str
    runs: list[str] = field(default_factory=list)

    @property
    def ui_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def http(self) -> httpx.Client:
        return httpx.Client(base_url=f"{self.ui_url}/api", auth=AUTH, timeout=30)

    def call(self, method: str, path: str, body: Any = None) -> Any:
        """One API call; 503 (SQLite busy under load) is retried as Prefect's own client does."""
        with self.http() as h:
            for attempt in range(8):
                response = h.request(method, path, json=body)
                if response.status_code not in (429, 503) or attempt == 7:
                    return response.raise_for_status().json() if response.content else None
                time.sleep(1 + attempt)
        return None

    def deployment_id(self, name: str) -> str:
        return self.call("GET", f"/deployments/name/{name}")["id"]

    def wait_quiet(self, timeout: float = 120) -> None:
        """Until no flow run is pending or running (the UI has no retry when SQLite is busy)."""
        busy = {"flow_runs": {"state": {"type": {"any_": ["PENDING", "RUNNING"]}}}}
        deadline = time.monotonic() + timeout
        while self.call("POST", "/flow_runs/filter", busy) and time.monotonic() < deadline:
            time.sleep(1)

    def fresh_inbox(self, name: str) -> Path:
        """A copy of the generated inbox (the flow moves taken-in files aside)."""
        inbox = self.work / name
        shutil.copytree(self.generated / "inbox", inbox)
        return inbox

    def start_run(self, deployment: str, parameters: dict[str, Any]) -> str:
        path = f"/deployments/{self.deployment_id(deployment)}/create_flow_run"
        return self.call("POST", path, {"parameters": parameters})["id"]

    def wait_run(self, run_id: str, timeout: float = 240) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            run = self.call("GET", f"/flow_runs/{run_id}")
            if run["state"]["type"] in TERMINAL:
                return run
            time.sleep(1)
        raise AssertionError(f"flow run {run_id} did not finish in {timeout}s; see {self.work}/state/logs")

    def runs_of(self, deployment: str, **flow_runs: Any) -> list[dict[str, Any]]:
        body = {"deployments": {"id": {"any_": [self.deployment_id(deployment)]}}, "limit": 200,
                "sort": "EXPECTED_START_TIME_ASC", **({"flow_runs": flow_runs} if flow_runs else {})}
        return self.call("POST", "/flow_runs/filter", body)


def _channels(path: Path, receiver: Receiver) -> None:
    path.write_text(f"""notify:
  default: [coordinator, leaders]
  automation_channel: coordinator
  channels:
    coordinator:
      kind: dingtalk
      url: {receiver.url}/coordinator/robot/send
      token: {{env: E2E_DINGTALK_TOKEN}}
    leaders:
      kind: dingtalk
      url: {receiver.url}/leaders/robot/send
      token: {{env: E2E_DINGTALK_TOKEN}}
      sign_secret: {{env: E2E_DINGTALK_SECRET}}
""", encoding="utf-8")


def start_stack(work: Path) -> Stack:
    receiver = Receiver().__enter__()
    _channels(work / "channels.yaml", receiver)
    ledger_url = f"sqlite:///{work / 'ledger.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "CANBAO_"))}
    env |= {
        "CANBAO_STATE_DIR": str(work / "state"), "CANBAO_PREFECT_PORT": str(free_port()),
        "CANBAO_DATABASE_URL": ledger_url, "CANBAO_CHANNELS": str(work / "channels.yaml"),
        "CANBAO_OUTPUT_DIR": str(work / "out"), "CANBAO_CLOCK": CLOCK,
        "E2E_DINGTALK_TOKEN": "e2e-token", "E2E_DINGTALK_SECRET": SIGN_SECRET,
        "PREFECT_SERVER_API_AUTH_STRING": ":".join(AUTH), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        # Faster loops than production: the worker polls every 2 s, the scheduler looks every 5 s.
        "PREFECT_WORKER_QUERY_SECONDS": "2", "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "5",
    }
    generated = work / "state" / "live" / "kaijiang-2020"  # the live demo's county, generated by up.sh
    stack = Stack(work, int(env["CANBAO_PREFECT_PORT"]), env, receiver, generated, ledger_url)
    try:
        done = subprocess.run(["bash", str(ROOT / "scripts/up.sh")], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=420)
    except subprocess.TimeoutExpired:
        stop_stack(stack)  # what up.sh started before the timeout
        raise
    if done.returncode != 0:
        stop_stack(stack)  # whatever up.sh started before it failed
        raise AssertionError(f"scripts/up.sh failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return stack


def stop_stack(stack: Stack) -> None:
    subprocess.run(["bash", str(ROOT / "scripts/down.sh")], cwd=ROOT, env=stack.env, timeout=120, check=False)
    stack.receiver.__exit__()


_SHARED: dict[str, Stack | BaseException] = {}


def shared_stack(request: pytest.FixtureRequest, factory: pytest.TempPathFactory) -> Stack:
    """The session's one stack, started on first use (tried once) and stopped when pytest ends."""
    if "stack" not in _SHARED:
        try:
            stack = start_stack(factory.mktemp("stack"))
        except BaseException as exc:
            _SHARED["stack"] = exc
            raise
        _SHARED["stack"] = stack
        request.config.add_cleanup(lambda: stop_stack(stack))
    found = _SHARED["stack"]
    if isinstance(found, BaseException):
        pytest.fail(f"the stack did not come up: {found}", pytrace=False)
    return found
