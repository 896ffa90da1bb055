"""Cleanup (扫尾): after the concentrated period, per village, who is missing, what they owe now, when cover starts."""

from __future__ import annotations

from prefect import flow
from prefect.artifacts import create_table_artifact

from flows.failures import reports_failure
from flows.ledger_lock import holds_ledger
from flows.params import BLANK, AsOf, CampaignName, ConfigPath, OutputDir
from flows.run_config import run_config
from tasks.cleanup import cleanup_batches, write_cleanup_summary, write_town_notices
from tasks.outputs import link_outputs
from tasks.reports import reports_dir
from tasks.runtime import clock_today

__all__ = ["cleanup"]


@flow(name="cleanup", flow_run_name="{campaign}-cleanup", log_prints=True)
@reports_failure("扫尾清理")
@holds_ledger
def cleanup(campaign: CampaignName, as_of: AsOf = BLANK, output_dir: OutputDir = BLANK,
            config_path: ConfigPath = BLANK) -> dict:
    """List what is missing per village, write notices (公示) and a summary (内部)."""
    _, ref = run_config(campaign, config_path)
    day = as_of or clock_today()
    out = reports_dir(campaign, output_dir, "扫尾", day.isoformat())
    out.mkdir(parents=True, exist_ok=True)
    lists = cleanup_batches(ref, day)
    futures = [write_town_notices.submit(ref, b, day, str(out)) for b in lists["batches"]]
    notices = [path for f in futures for path in f.result()]
    summary, records = write_cleanup_summary(ref, lists, day, str(out))
    create_table_artifact(records, key=f"{campaign}-cleanup-{day.isoformat()}",
                          description=f"扫尾汇总（截至{day.isoformat()}）：各单位待办人数与今日应缴金额")
    link_outputs(campaign, out)
    items = lists["items"]
    return {"campaign": campaign, "as_of": day.isoformat(), "items": items["item"].value_counts().to_dict(),
            "due_now_fen": int(items["due_now_fen"].fillna(0).sum()), "late_payers": len(lists["late"]),
            "notices": len(notices), "summary": summary, "output_dir": str(out)}
