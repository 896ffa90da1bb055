"""Approval through the real suspend/resume path: a Prefect server, a served deployment, a resume with input,
once through the API and once by a coordinator in the UI (screenshots for docs/exemptions.md)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from exemption_data import CAMPAIGN, civil_v1, ids, write_list
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId
from prefect.deployments import run_deployment
from prefect.input.run_input import keyset_from_base_key
from prefect.settings import PREFECT_API_URL, temporary_settings
from sqlalchemy import select

from canbao.ledger.engine import make_engine
from canbao.ledger.migrate import upgrade
from canbao.ledger.schema import Exemption
from canbao.ledger.schema_exemptions import ExemptionList

pytestmark = [pytest.mark.prefect_server, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[1]
PREFECT = str(Path(sys.executable).parent / "prefect")
SHOTS = ROOT / "docs" / "screenshots"
FULL_ID = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(check: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def _stop(proc: subprocess.Popen) -> None:
    """SIGINT first (Prefect shuts down cleanly on it), then kill the process group."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """`prefect server start` on a free loopback port, with its own PREFECT_HOME and database."""
    home = tmp_path_factory.mktemp("prefect-home")
    url = f"http://127.0.0.1:{_free_port()}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "CANBAO_"))}
    env |= {"PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_API_URL": url,
            "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{home}/prefect.db"}
    port = url.rsplit(":", 1)[1].split("/")[0]
    proc = _start([PREFECT, "server", "start", "--host", "127.0.0.1", "--port", port], env, home / "server.log")

    def healthy() -> bool:
        try:
            return urllib.request.urlopen(f"{url}/health", timeout=2).status == 200
        except OSError:
            return False

    try:
        _wait(healthy, 60, "the Prefect server")
        yield url, env
    finally:
        _stop(proc)


@contextmanager
def suspended_run(server: tuple[str, dict[str, str]], tmp_path: Path, name: str) -> Iterator[tuple[Any, Any, str]]:
    """Serve the flow as deployment `exemption-handoff/<name>`, start a run on civil affairs' list, wait until it
    is Suspended; yields (client, flow run, ledger URL) and stops the served process after."""
    url, env = server
    ledger = f"sqlite:///{tmp_path / 'ledger.db'}"
    upgrade(ledger)
    write_list(tmp_path / "inbox", "civil_affairs", civil_v1())
    env = env | {"CANBAO_DATABASE_URL": ledger, "CANBAO_CLOCK": "2019-10-20T09:00:00",
                 "CANBAO_OUTPUT_DIR": str(tmp_path / "out"), "PREFECT_RUNNER_POLL_FREQUENCY": "1"}
    log = tmp_path / "serve.log"
    serve = _start([sys.executable, "-c", "from flows.exemption_handoff import exemption_handoff as f; "
                    f"f.serve(name={name!r})"], env, log)
    try:
        with temporary_settings(updates={PREFECT_API_URL: url}), get_client(sync_client=True) as client:
            _wait(lambda: _deployment(client, name), 60, "the served deployment")
            run = run_deployment(f"exemption-handoff/{name}", timeout=0, parameters={
                "campaign": CAMPAIGN, "inbox": str(tmp_path / "inbox"), "approval_timeout_hours": 2})

            def suspended() -> Any:
                state = client.read_flow_run(run.id).state
                assert not state.is_final(), (state, log.read_text()[-3000:])
                return state if state.name == "Suspended" else None

            _wait(suspended, 90, "the run to suspend")
            yield client, client.read_flow_run(run.id), ledger
    finally:
        _stop(serve)


def _deployment(client: Any, name: str) -> Any:
    try:
        return client.read_deployment_by_name(f"exemption-handoff/{name}")
    except Exception:
        return None


def _completed(client: Any, run_id: Any) -> Any:
    # A resumed suspended run starts again in a new worker process: on a busy 2-core CI machine that once took
    # longer than two minutes, so the wait is generous (a run that never finishes still fails the test).
    return _wait(lambda: (s := client.read_flow_run(run_id).state).is_final() and s, 300, "the run to finish")


def _ledger(ledger: str) -> tuple[list[tuple], dict[str, str]]:
    engine = make_engine(ledger)
    with engine.connect() as conn:
        lists = conn.execute(select(ExemptionList.version, ExemptionList.status, ExemptionList.excluded,
                                    ExemptionList.decided_by)).all()
        exempt = dict(conn.execute(select(Exemption.id_number, Exemption.category)).all())
    engine.dispose()
    return [tuple(r) for r in lists], exempt


def test_deployment_run_suspends_for_approval_and_reruns_after_resume(server, tmp_path: Path) -> None:
    with suspended_run(server, tmp_path, "approval-api") as (client, run, ledger):
        details = run.state.state_details
        assert details.pause_reschedule and details.pause_key == "review-civil-affairs-v1"
        keyset = keyset_from_base_key(f"suspended-{details.pause_key}")
        assert "免缴对象名单 第1版" in client.read_flow_run_input(run.id, keyset["description"])
        assert _ledger(ledger)[0] == [(1, "received", 0, None)]  # persisted before the process ended
        no_reviewer = client.resume_flow_run(run.id, run_input={"decision_civil_affairs": "通过"})
        assert no_reviewer.status.value == "REJECT"
        answer = client.resume_flow_run(run.id, run_input={"decision_civil_affairs": "剔除部分人员后通过",
                                                           "exclusions_civil_affairs": [ids("A5")[0]],
                                                           "reviewer": "王科长"})
        assert answer.status.value == "ACCEPT"
        final = _completed(client, run.id)
        assert final.is_completed(), (tmp_path / "serve.log").read_text()[-3000:]
        # the resumed run ran again from the top: the list's 待审核 artifact is still there once
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(
            flow_run_id=ArtifactFilterFlowRunId(any_=[run.id])))
        waiting = [a.key for a in artifacts if (a.description or "").startswith("免缴对象名单待审核")]
        assert waiting == ["kaijiang-2020-exemption-civil-affairs-v1"]
    lists, exempt = _ledger(ledger)
    assert lists == [(1, "approved_with_exclusions", 1, "王科长")]
    assert exempt == dict(zip(ids("A1", "A2", "A3", "A4"), ["dibao", "tekun", "orphan", "dibao"]))


def shoot(page: Any, name: str) -> None:
    """A screenshot for the docs, refused when the page shows a full ID number."""
    page.wait_for_timeout(500)
    assert not FULL_ID.search(page.inner_text("body")), f"{name}: a full ID number is visible"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name))


def test_coordinator_approves_a_list_in_the_ui(server, tmp_path: Path) -> None:
    if not CHROMIUM.exists() or shutil.which("chromium") is None:
        pytest.skip("Debian's chromium is missing (bash scripts/system-deps.sh --browser)")
    from playwright.sync_api import expect, sync_playwright

    url = server[0].removesuffix("/api")
    with suspended_run(server, tmp_path, "approval-ui") as (client, run, ledger), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=BROWSER_ARGS)
        ctx = browser.new_context(timezone_id="Asia/Shanghai", locale="zh-CN", viewport={"width": 1400, "height": 1000})
        ctx.set_default_timeout(30_000)
        ctx.route(re.compile(r"^(?!https?://127\.0\.0\.1[:/]).*"), lambda route: route.abort())
        page = ctx.new_page()
        page.goto(url)
        page.get_by_role("link", name="Runs").first.click()
        page.get_by_role("link", name="kaijiang-2020-exemption-handoff").first.click()
        expect(page.get_by_text("Finished in state Suspended").first).to_be_visible()
        shoot(page, "exemption-01-run-suspended.png")
        page.get_by_role("button", name="Open menu").first.click()
        page.get_by_role("menuitem", name="Resume").click()
        expect(page.get_by_role("heading", name="民政部门 免缴对象名单 第1版")).to_be_visible()
        shoot(page, "exemption-02-resume-diff.png")
        page.get_by_role("button", name="Resume", exact=True).click()  # nothing chosen: refused
        expect(page.get_by_text("is a required property").first).to_be_visible()
        assert client.read_flow_run(run.id).state.name == "Suspended"
        page.get_by_role("button", name="Select 民政部门第1版：审核结果").click()
        page.get_by_role("option", name="剔除部分人员后通过").click()
        page.get_by_role("button", name="Add item").click()  # then row 8: A5
        page.locator("label", has_text="民政部门第1版：剔除人员").locator("xpath=following::textarea[1]").fill("8")
        page.locator("label", has_text="审核人").locator("xpath=following::textarea[1]").fill("王科长")
        page.get_by_role("button", name="Add item").scroll_into_view_if_needed()
        shoot(page, "exemption-03-resume-form.png")
        page.get_by_role("button", name="Resume", exact=True).click()
        final = _completed(client, run.id)
        assert final.is_completed(), (tmp_path / "serve.log").read_text()[-3000:]
        page.reload()
        expect(page.get_by_text("Completed").first).to_be_visible()
        page.get_by_role("tab", name="Artifacts").click()
        expect(page.get_by_text("kaijiang-2020-exemption-handoff").first).to_be_visible()
        shoot(page, "exemption-04-run-completed.png")
        browser.close()
    lists, exempt = _ledger(ledger)
    assert lists == [(1, "approved_with_exclusions", 1, "王科长")]
    assert ids("A5")[0] not in exempt and len(exempt) == 4
