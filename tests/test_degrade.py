"""Degrade, don't fail: without a CJK font the weekly report is written and says the chart was skipped."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
from report_data import CAMPAIGN, write_campaign

from canbao.ledger.engine import make_engine
from canbao.ledger.migrate import upgrade
from canbao.policy.load import load_campaign
from canbao.reports import fonts
from canbao.reports.chart import CHART_SKIPPED, progress_chart
from canbao.reports.progress import build_report
from canbao.reports.summary import report_markdown
from canbao.state import known_by, load_facts


@pytest.fixture
def no_font(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The font lookup pointed at a file that does not exist."""
    fonts.cjk_font.cache_clear()
    monkeypatch.setenv(fonts.FONT_ENV, str(tmp_path / "no-such-font.ttf"))
    yield
    fonts.cjk_font.cache_clear()


@pytest.fixture
def ledger_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    upgrade(url)
    engine = make_engine(url)
    write_campaign(engine, seed=5)
    engine.dispose()
    monkeypatch.setenv("CANBAO_DATABASE_URL", url)
    monkeypatch.setenv("CANBAO_CLOCK", "2020-11-09T09:30:00")
    return url


def test_no_font_means_no_chart_and_a_warning_first_in_the_artifact(no_font: None, ledger_env: str,
                                                                    tmp_path: Path) -> None:
    c = load_campaign(CAMPAIGN)
    engine = make_engine(ledger_env)
    with engine.connect() as conn:
        report = build_report(load_facts(conn, c.id), c, date(2020, 11, 9), known_by(date(2020, 11, 9), 9))
    engine.dispose()
    outcome = progress_chart(tmp_path / "c.png", report)
    assert outcome.path is None and outcome.warning == CHART_SKIPPED and not (tmp_path / "c.png").exists()
    assert "中文的字体" in CHART_SKIPPED and fonts.FONT_ENV in CHART_SKIPPED
    text = report_markdown(report, {"周报表": str(tmp_path / "w.xlsx")}, "0" * 64, [CHART_SKIPPED])
    assert text.startswith(f"> ⚠ {CHART_SKIPPED}\n\n# ") and "- 进度图" not in text


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_weekly_report_without_a_font_writes_workbook_and_bulletin(no_font: None, ledger_env: str,
                                                                   tmp_path: Path) -> None:
    from flows.weekly_report import weekly_report

    result = weekly_report(campaign=CAMPAIGN, output_dir=str(tmp_path / "out"))
    files = result["files"]
    assert "进度图" not in files and {"周报表", "通报（markdown）", "通报（文本）"} <= set(files)
    assert all(Path(p).is_file() for p in files.values())
    assert not list((tmp_path / "out").rglob("*.png"))
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[result["artifact"]])))
    assert found and str(found[0].data).startswith(f"> ⚠ {CHART_SKIPPED}")
