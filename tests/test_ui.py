"""The real Prefect UI in headless Chromium: log in, open the registration deployment, fill in its form, start a
run, see it complete with its artifacts. Screenshots go to docs/screenshots/ (no full ID number on them)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

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
        ctx = browser.new_context(timezone_id="Asia/Shanghai", locale="zh-CN", viewport={"width": 1400, "height": 1000})
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


def test_coordinator_starts_registration_from_the_form(stack: Stack, page) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    inbox = stack.fresh_inbox("inbox-ui")
    page.goto(stack.ui_url)
    page.get_by_placeholder("admin:pass").fill(":".join(AUTH))  # the API is protected: the UI asks first
    page.get_by_role("button", name="Login").click()
    page.get_by_role("link", name="Deployments").click()
    expect(page.get_by_text("At 08:30 AM")).to_be_visible()  # the daily deadline watch's schedule
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
