"""Monthly public posting (每月公示) of each village's roster, names and ID numbers masked (Kaijiang)."""

from __future__ import annotations

from prefect import flow, get_run_logger
from prefect.artifacts import create_table_artifact

from canbao.policy.load import load_campaign
from flows.ledger_lock import holds_ledger
from flows.params import AsOf, CampaignName, OutputDir
from tasks.outputs import link_outputs
from tasks.reports import posting_batches, reports_dir, write_town_postings
from tasks.runtime import clock_today

__all__ = ["roster_posting"]


@flow(name="roster-posting", flow_run_name="{campaign}-roster-posting", log_prints=True)
@holds_ledger
def roster_posting(campaign: CampaignName, as_of: AsOf = None, output_dir: OutputDir = None) -> dict:
    """Write one posting workbook (公示) per village, a task per town, and a table artifact of the counts."""
    day = as_of or clock_today()
    if not load_campaign(campaign).reporting.monthly_posting:
        get_run_logger().warning("%s: the notice asks for no monthly posting; writing it anyway", campaign)
    out = reports_dir(campaign, output_dir, "公示", f"{day:%Y-%m}")
    out.mkdir(parents=True, exist_ok=True)
    batches = posting_batches(campaign, day)
    futures = [write_town_postings.submit(campaign, b, day, str(out)) for b in batches]
    records = [r for f in futures for r in f.result()]
    key = f"{campaign}-posting-{day:%Y-%m}"
    create_table_artifact(records, key=key, description=f"{day:%Y年%m月}各村（社区）参保缴费公示名单")
    link_outputs(campaign, out)
    return {"campaign": campaign, "as_of": day.isoformat(), "villages": len(records),
            "persons": sum(r["公示人数"] for r in records), "output_dir": str(out), "artifact": key}
