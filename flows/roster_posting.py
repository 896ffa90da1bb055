"""Monthly public posting (每月公示) of each village's roster, names and ID numbers masked (Kaijiang)."""

from __future__ import annotations

from prefect import flow, get_run_logger
from prefect.artifacts import create_table_artifact

from canbao.reports.report_day import require_report_day
from flows.failures import reports_failure
from flows.ledger_lock import holds_ledger
from flows.params import BLANK, AsOf, CampaignName, ConfigPath, OutputDir
from flows.run_config import run_config
from tasks.outputs import link_outputs
from tasks.reports import posting_batches, reports_dir, write_town_postings
from tasks.runtime import clock_today

__all__ = ["roster_posting"]


@flow(name="roster-posting", flow_run_name="{campaign}-roster-posting", log_prints=True)
@reports_failure("每月公示")
@holds_ledger
def roster_posting(campaign: CampaignName, as_of: AsOf = BLANK, output_dir: OutputDir = BLANK,
                   config_path: ConfigPath = BLANK) -> dict:
    """Write one posting workbook (公示) per village, a task per town, and a table artifact of the counts."""
    c, ref = run_config(campaign, config_path)
    day = as_of or clock_today()
    require_report_day(c, day)
    if not c.reporting.monthly_posting:
        get_run_logger().warning("%s：通知未要求每月公示，仍按要求生成公示名单", campaign)
    out = reports_dir(campaign, output_dir, "公示", f"{day:%Y-%m}")
    out.mkdir(parents=True, exist_ok=True)
    batches = posting_batches(ref, day)
    futures = [write_town_postings.submit(ref, b, day, str(out)) for b in batches]
    records = [r for f in futures for r in f.result()]
    key = f"{campaign}-posting-{day:%Y-%m}"
    create_table_artifact(records, key=key, description=f"{day:%Y年%m月}各村（社区）参保缴费公示名单")
    link_outputs(campaign, out)
    return {"campaign": campaign, "as_of": day.isoformat(), "villages": len(records),
            "persons": sum(r["公示人数"] for r in records), "output_dir": str(out), "artifact": key}
