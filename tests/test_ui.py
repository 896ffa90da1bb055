"""The real Prefect UI in headless Chromium: log in, open the registration deployment, fill in its form, start a
run, see it complete with its artifacts; the live demo's upcoming runs, its first alert, and a workbook
downloaded from a run page through the file service. Screenshots go to docs/screenshots/ (no full ID number)."""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from prefect_stack import AUTH, ROOT, Stack, shared_stack

pytestmark = [pytest.mark.prefect_server, pytest.mark.slow]
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "docs" / "screenshots"
FULL_ID = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def stack(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Stack:
    return shared_stack(request, tmp_path_factory)


@pytest.fixture
def page(stack: Stack, tmp_path: Path) -> Iterator:
    if not CHROMIUM.exists() or shutil.which("chromium") is None:
        pytest.fail("Debian's chromium is missing: run `bash scripts/system-deps.sh --browser`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        # The file service asks for the API's credentials with a basic-auth challenge (the API itself does not).
        ctx = browser.new_context(timezone_id="Asia/Shanghai", locale="zh-CN", viewport={"width": 1400, "height": 1000},
                                  http_credentials={"username": AUTH[0], "password": AUTH[1]}, accept_downloads=True)
        ctx.set_default_timeout(30_000)
        # The UI calls an analytics host even with analytics off: nothing leaves the loopback.
        ctx.route(re.compile(r"^(?!https?://127\.0\.0\.1[:/]).*"), lambda route: route.abort())
        page = ctx.new_page()
        try:
            yield page
        finally:
            page.screenshot(path=str(tmp_path / "last-page.png"), full_page=True)  # for a failure's post-mortem
            print(f"last page: {page.url} ({tmp_path / 'last-page.png'})")
            browser.close()


def shoot(page, name: str) -> None:
    """A full-page screenshot, refused when the page shows a full ID number."""
    page.wait_for_timeout(500)  # let charts and tables settle
    assert not FULL_ID.search(page.inner_text("body")), f"{name}: a full ID number is visible"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def login(page, stack: Stack, quiet: bool = True) -> None:
    """Open the UI (V2), log in (the API is protected, the UI asks first) and open Deployments; once more if
    the list stays loading (the UI does not retry a request refused while SQLite is busy)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    if quiet:
        stack.wait_quiet()
    page.goto(stack.ui_url)
    page.get_by_placeholder("admin:pass").fill(":".join(AUTH))
    page.get_by_role("button", name="Login").click()
    page.get_by_role("link", name="Deployments").click()
    search = page.get_by_placeholder("Search deployments")
    try:
        search.wait_for(timeout=20_000)
    except PlaywrightTimeout:
        page.reload()
        search.wait_for()


def test_coordinator_starts_registration_from_the_form(stack: Stack, page) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    inbox = stack.fresh_inbox("inbox-ui")
    login(page, stack)
    expect(page.get_by_text("At 08:30 AM").first).to_be_visible()  # the daily deadline watch's schedule
    shoot(page, "01-deployments.png")

    # 18 deployments: the list pages by 10, so find it by name as a coordinator would
    page.get_by_placeholder("Search deployments").fill("registration-payment")
    page.locator('a[href*="/deployments/deployment/"]', has_text=re.compile(r"^registration-payment$")).click()
    page.get_by_role("button", name="Run").click()
    page.get_by_role("menuitem", name="Custom run").click()
    expect(page.get_by_text("参保年度活动").first).to_be_visible()
    page.get_by_role("button", name="Select 参保年度活动").click()
    page.get_by_role("option", name="kaijiang-2020").click()
    page.get_by_text("收件箱目录").locator("xpath=following::textarea[1]").fill(str(inbox))
    shoot(page, "02-registration-form.png")

    stack.wait_quiet()  # earlier tests' runs done: the UI does not retry when SQLite is busy
    for attempt in range(3):
        page.get_by_role("button", name="Submit").click()
        try:
            page.get_by_role("link", name="View run").wait_for(timeout=20_000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
    page.get_by_role("link", name="View run").click()
    page.wait_for_url(re.compile(r"/runs/flow-run/[0-9a-f-]{36}"))
    run = stack.wait_run(re.search(r"flow-run/([0-9a-f-]{36})", page.url).group(1))  # the worker picks it up
    assert run["state"]["type"] == "COMPLETED", run["state"]
    page.reload()
    expect(page.get_by_text("kaijiang-2020-registration-payment").first).to_be_visible()
    # Completed, or Completed named 需处理 when the shared stack's earlier runs already took these files in
    expect(page.get_by_text(re.compile(r"^(Completed|需处理)$")).first).to_be_visible()
    shoot(page, "03-run-completed.png")
    page.get_by_role("tab", name="Artifacts").click()
    expect(page.get_by_text("kaijiang-2020-intake-progress").first).to_be_visible()
    shoot(page, "04-run-artifacts.png")
    page.get_by_text("kaijiang-2020-intake-summary").first.click()
    page.wait_for_url(re.compile(r"/artifacts/key/kaijiang-2020-intake-summary"))
    page.locator('a[href*="/artifacts/artifact/"]').first.click()  # the newest version, rendered
    expect(page.get_by_role("heading", name=re.compile("开江县 参保登记与缴费导入")).first).to_be_visible()
    shoot(page, "05-intake-summary.png")
    assert not any((inbox / "roster").glob("*.xlsx"))  # the run really took the files in


SHANGHAI = ZoneInfo("Asia/Shanghai")


def _wait(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(1)
    raise AssertionError(f"gave up after {timeout}s: {what}")


def _taken_in(stack: Stack) -> None:
    """The live county's files in the ledger (the registration test does it; run alone, this one does)."""
    from sqlalchemy import select

    from canbao.ledger.engine import make_engine
    from canbao.ledger.schema import Campaign as CampaignRow

    engine = make_engine(stack.ledger_url)
    with engine.connect() as conn:
        known = conn.execute(select(CampaignRow.id).where(CampaignRow.id == "kaijiang-2020")).first()
    engine.dispose()
    if known is None:
        inbox = stack.fresh_inbox("inbox-live")
        stack.wait_run(stack.start_run("registration-payment/registration-payment",
                                       {"campaign": "kaijiang-2020", "inbox": str(inbox)}))
    stack.wait_quiet()


def test_the_live_demo_runs_now_alerts_and_its_workbooks_download(stack: Stack, page) -> None:
    """After the bring-up: the moved county's weekly reports are scheduled in the coming days, the deadline
    watch's reminder is at the robot, and a report's workbook downloads from its run page (file service)."""
    from playwright.sync_api import expect

    _taken_in(stack)
    # a weekly report (as of the day after the pinned one: every file taken in so far counts), started first so
    # that it runs while the browser looks at the schedule
    run_id = stack.start_run("weekly-report/weekly-report-kaijiang-2020",
                             {"campaign": "kaijiang-2020", "as_of": "2019-12-03"})
    live = json.loads((stack.work / "state/live/live.json").read_text(encoding="utf-8"))
    assert live["today"] == "2019-12-02"  # the stack's pinned clock: the calendar moved relative to it
    # 1. The reminder the bring-up's deadline watch sent: the four agencies' lists, moved from 2019-10-31 (a
    #    Thursday) by whole weeks to the Thursday three working days after the pinned Monday.
    def texts() -> list[str]:
        return [r["body"]["text"]["content"] for r in stack.receiver.received]

    reminders = _wait(lambda: [t for t in texts() if "【参保提醒】开江县" in t], 120, "the live demo's first reminder")
    assert any("将于2019-12-05到期，还剩3个工作日" in t for t in reminders)

    # 2. Upcoming weekly reports: Mondays 09:00 (Beijing), the first within a week of now.
    def upcoming() -> list[datetime]:
        runs = stack.runs_of("weekly-report/weekly-report-kaijiang-2020", state={"type": {"any_": ["SCHEDULED"]}})
        return [datetime.fromisoformat(r["expected_start_time"]).astimezone(SHANGHAI) for r in runs
                if r["auto_scheduled"]]  # not the report run started above

    times = _wait(upcoming, 60, "scheduled weekly reports")
    now = datetime.now(SHANGHAI)
    assert now < times[0] <= now + timedelta(days=7)
    assert all((t.weekday(), t.hour, t.minute) == (0, 9, 0) for t in times)
    login(page, stack, quiet=False)
    page.get_by_placeholder("Search deployments").fill("weekly-report-kaijiang-2020")
    page.locator('a[href*="/deployments/deployment/"]', has_text=re.compile(r"^weekly-report-kaijiang-2020$")).click()
    page.get_by_role("tab", name="Upcoming").click()
    expect(page.get_by_text(f"{times[0]:%Y/%m/%d} 09:00:00 AM").first).to_be_visible()
    shoot(page, "week-01-upcoming-runs.png")

    # 3. The weekly report's run page: its files and its bulletin.
    run = stack.wait_run(run_id)
    assert run["state"]["type"] == "COMPLETED", run["state"]
    page.goto(f"{stack.ui_url}/v2/runs/flow-run/{run_id}")
    page.get_by_role("tab", name="Artifacts").click()
    expect(page.get_by_text("kaijiang-2020-weekly-report-xlsx").first).to_be_visible()
    shoot(page, "week-03-run-files.png")
    page.get_by_text("kaijiang-2020-weekly-2019-12-03", exact=True).first.click()  # the bulletin
    page.locator('a[href*="/artifacts/artifact/"]').first.click()
    expect(page.get_by_role("heading", name=re.compile("参保工作进度通报")).first).to_be_visible()
    shoot(page, "week-02-bulletin.png")

    # 4. The workbook from the run page: Artifacts → its link artifact → the link → the file service.
    page.goto(f"{stack.ui_url}/v2/runs/flow-run/{run_id}")
    page.get_by_role("tab", name="Artifacts").click()
    page.get_by_text("kaijiang-2020-weekly-report-xlsx").first.click()
    page.locator('a[href*="/artifacts/artifact/"]').first.click()
    link = page.locator('a[href^="http://127.0.0.1:"][href$=".xlsx"]').first
    expect(link).to_contain_text("参保情况周报表")
    shoot(page, "week-04-download-link.png")
    with page.expect_download() as download:
        link.click()
    saved = stack.work / "downloaded.xlsx"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "kaijiang-2020_2019-12-03_参保情况周报表（内部）.xlsx"
    on_disk = stack.work / "out/kaijiang-2020/weekly" / download.value.suggested_filename
    assert saved.read_bytes() == on_disk.read_bytes() and saved.read_bytes()[:2] == b"PK"
