"""Tasks of the roll-up: one per county (read its ledger, compute its figures), and the report's outputs."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from canbao.ledger.engine import ENV_VAR, database_url, make_engine, mask_url
from canbao.ledger.readiness import require_head
from canbao.policy.load import load_campaign
from canbao.rollup import RollUp, county_figures, rollup_markdown, write_rollup_workbook
from canbao.state import campaign_state, known_by, load_facts

__all__ = ["county_figures_task", "publish_rollup", "write_rollup_files"]


def _ledger_url(ledger_env: str) -> str:
    """The URL in the named environment variable (CANBAO_DATABASE_URL keeps its default)."""
    if ledger_env == ENV_VAR:
        return database_url()
    url = os.environ.get(ledger_env, "").strip()
    if not url:
        raise ValueError(f"{ledger_env} is not set where this task runs: it names a county's ledger URL")
    return url


@task(name="county-figures", task_run_name="figures-{campaign}", retries=2, retry_delay_seconds=10,
      cache_policy=NO_CACHE, persist_result=False)
def county_figures_task(campaign: str, config: str | None, ledger_env: str, as_of: date,
                        cutoff_hour: int) -> dict[str, Any] | None:
    """One county's figures as of the day (plain values), or None where its ledger has no such campaign."""
    c = load_campaign(config or campaign)
    if c.id != campaign:
        raise ValueError(f"config {config} is campaign '{c.id}', not '{campaign}'")
    engine = make_engine(_ledger_url(ledger_env))
    try:
        require_head(engine)
        with engine.connect() as conn:
            facts = load_facts(conn, campaign)
    finally:
        engine.dispose()
    log = get_run_logger()
    if facts.units.empty:
        log.warning("%s 尚未导入台账（%s）：按未上报列出", campaign, mask_url(engine.url))
        return None
    figures = county_figures(campaign_state(c, facts, as_of, known_by(as_of, cutoff_hour)))
    log.info("%s（%s）截至 %s：已参保 %d 人，目标 %s 人", campaign, figures.name, as_of, figures.enrolled,
             figures.target)
    return figures.to_dict()


@task(name="write-rollup-files", cache_policy=NO_CACHE, persist_result=False)
def write_rollup_files(r: RollUp, code: str, out: str) -> dict[str, str]:
    """The report as a workbook and a markdown file (aggregates only: no personal data)."""
    stem = Path(out) / f"{code}_{r.as_of.isoformat()}_参保情况汇总"
    workbook = write_rollup_workbook(Path(f"{stem}.xlsx"), r)
    markdown = Path(f"{stem}.md")
    markdown.write_text(rollup_markdown(r), encoding="utf-8")
    return {"汇总表": str(workbook), "汇总（markdown）": str(markdown)}


@task(name="publish-rollup-artifact", cache_policy=NO_CACHE, persist_result=False)
def publish_rollup(r: RollUp, code: str) -> str:
    """The report as a keyed markdown artifact, one key per region and day."""
    key = f"rollup-{code}-{r.as_of.isoformat()}".lower()
    create_markdown_artifact(rollup_markdown(r), key=key, description=f"{r.top_name}参保情况汇总")
    return key
