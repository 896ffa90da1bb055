"""Tasks of the weekly report and the monthly posting: one per ledger read, snapshot, output or town."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from sqlalchemy import select

from canbao.errors import InputError
from canbao.formats.protect import prepare_output
from canbao.ledger.schema import Campaign as CampaignRow
from canbao.policy.load import load_campaign
from canbao.reports.bulletin import bulletin_markdown, bulletin_text
from canbao.reports.chart import CHART_SKIPPED, progress_chart
from canbao.reports.fonts import FONT_ENV
from canbao.reports.posting import posting_rows, write_posting
from canbao.reports.progress import build_report
from canbao.reports.snapshot import content_sha256, from_content, load_snapshot, save_snapshot, to_content
from canbao.reports.summary import report_markdown, unit_records
from canbao.reports.weekly_workbook import write_weekly_workbook
from canbao.state import campaign_state, load_facts
from tasks.outputs import publish_table
from tasks.runtime import clock_now, flow_run_id, ledger_engine

__all__ = ["compute_weekly", "posting_batches", "publish_weekly", "reports_dir", "stored_weekly",
           "write_town_postings", "write_weekly_files"]

# Ledger reads and writes must never come from a cache; renders are cheap and the snapshot is the record.


def reports_dir(campaign: str, output_dir: str | None, *parts: str) -> Path:
    """The parameter, else `$CANBAO_OUTPUT_DIR/<campaign>` (default `out/<campaign>`), plus `parts`."""
    base = Path(output_dir) if output_dir else Path(os.environ.get("CANBAO_OUTPUT_DIR", "out")) / campaign
    return base.joinpath(*parts)


@task(name="compute-weekly-report", retries=2, retry_delay_seconds=10, cache_policy=NO_CACHE, persist_result=False)
def compute_weekly(campaign: str, as_of: date, cutoff: datetime) -> dict[str, Any]:
    """Count the ledger as of the day, as known at `cutoff`, and store the numbers as a snapshot; returns the
    snapshot content.

    `campaign` is an id or a config path, as for every task that loads the config."""
    c = load_campaign(campaign)
    with ledger_engine().begin() as conn:
        row = conn.execute(select(CampaignRow.config_sha256).where(CampaignRow.id == c.id)).first()
        if row is None:
            raise InputError(f"{c.id} 尚未导入台账：请先运行参保登记与缴费导入（registration-payment）")
        report = build_report(load_facts(conn, c.id), c, as_of, cutoff)
        sha, content = save_snapshot(conn, report, config_sha256=row[0], now=clock_now(), flow_run_id=flow_run_id())
    get_run_logger().info("%s 截至 %s：已参保 %d 人；快照 %s", c.id, report.cutoff_text,
                          int(report.county["enrolled"]), sha[:12])
    return content


@task(name="load-weekly-snapshot", retries=2, retry_delay_seconds=10, cache_policy=NO_CACHE, persist_result=False)
def stored_weekly(campaign: str, as_of: date, sha256: str | None = None) -> dict[str, Any]:
    """The content of the stored report for that day (the latest one, or the one with that SHA-256)."""
    with ledger_engine().connect() as conn:
        report = load_snapshot(conn, campaign, as_of, sha256)
    if report is None:
        raise ValueError(f"no weekly report of {campaign} for {as_of} is stored in the ledger")
    return to_content(report)


@task(name="write-weekly-files", cache_policy=NO_CACHE, persist_result=False)
def write_weekly_files(content: dict[str, Any], out: str) -> dict[str, str]:
    """Workbook, chart and bulletin (markdown and Word-friendly text) drawn from one snapshot; without a CJK
    font the chart is left out (publish_weekly then says so)."""
    r = from_content(content)
    stem = Path(out) / f"{r.campaign_id}_{r.as_of.isoformat()}"
    files = {"周报表": write_weekly_workbook(Path(f"{stem}_参保情况周报表（内部）.xlsx"), r)}
    chart = progress_chart(Path(f"{stem}_累计参保进度图（内部）.png"), r)
    if chart.path is not None:
        files["进度图"] = chart.path
    else:
        get_run_logger().warning("未找到中文字体：未生成进度图（请安装中文字体或设置 %s）", FONT_ENV)
    markdown, text = Path(f"{stem}_进度通报（内部）.md"), Path(f"{stem}_进度通报（内部）.txt")
    prepare_output(markdown).write_text(bulletin_markdown(r), encoding="utf-8")  # 内部: owner-only
    # BOM: Word and Notepad read UTF-8
    prepare_output(text).write_bytes(b"\xef\xbb\xbf" + bulletin_text(r).encode("utf-8"))
    files |= {"通报（markdown）": markdown, "通报（文本）": text}
    return {label: str(path) for label, path in files.items()}


@task(name="publish-weekly-artifacts", cache_policy=NO_CACHE, persist_result=False)
def publish_weekly(content: dict[str, Any], files: dict[str, str]) -> str:
    """Keyed artifacts per campaign and week: the bulletin with file list (markdown) and the town table."""
    r = from_content(content)
    key = f"{r.campaign_id}-weekly-{r.as_of.isoformat()}"
    warnings = [] if "进度图" in files else [CHART_SKIPPED]
    markdown = report_markdown(r, files, content_sha256(content), warnings)
    create_markdown_artifact(markdown, key=key, description=f"{r.locality}参保进度通报（截至{r.cutoff_text}）")
    publish_table(unit_records(r), f"{key}-units", f"各{r.town_noun}参保进度")
    return key


@task(name="posting-rows", retries=2, retry_delay_seconds=10, cache_policy=NO_CACHE, persist_result=False)
def posting_batches(campaign: str, as_of: date) -> list[dict[str, Any]]:
    """The masked rosters of everyone enrolled, batched per town: [{town, town_name, villages: [...]}]."""
    c = load_campaign(campaign)
    with ledger_engine().connect() as conn:
        facts = load_facts(conn, c.id)
    rows = posting_rows(c, campaign_state(c, facts, as_of))
    units = facts.units
    names = dict(zip(units["code"], units["name"]))
    villages = units[units["level"] == "village"].sort_values("code")
    batches = []
    for town, group in villages.groupby("parent_code", sort=True):
        batches.append({"town": town, "town_name": names.get(town, ""), "villages": [
            {"code": v, "name": names[v], "rows": rows[rows["unit_code"] == v]} for v in group["code"]]})
    return batches


@task(name="write-town-postings", task_run_name="post-{batch[town]}", cache_policy=NO_CACHE, persist_result=False)
def write_town_postings(campaign: str, batch: dict[str, Any], as_of: date, out: str) -> list[dict[str, Any]]:
    """Every village posting of one town; returns (village, count, file) records."""
    c = load_campaign(campaign)
    done = []
    for v in batch["villages"]:
        rows: pd.DataFrame = v["rows"]
        path = write_posting(Path(out), c, v["code"], v["name"], batch["town_name"], rows, as_of)
        done.append({"乡镇": batch["town_name"], "村（社区）": v["name"], "公示人数": len(rows), "文件": path.name})
    return done
