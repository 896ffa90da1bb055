"""Weekly progress report (参保情况周报): count the ledger, snapshot it, write workbook, chart and bulletin."""

from __future__ import annotations

from typing import Annotated, Any

from prefect import flow
from pydantic import Field

from canbao.reports.cutoff import report_cutoff
from canbao.reports.report_day import require_report_day
from flows.failures import reports_failure
from flows.ledger_lock import holds_ledger
from flows.params import BLANK, AsOf, Blank, CampaignName, ConfigPath, OptionalText, OutputDir
from flows.run_config import run_config
from tasks.outputs import link_outputs
from tasks.reports import compute_weekly, publish_weekly, reports_dir, stored_weekly, write_weekly_files
from tasks.runtime import clock_now, clock_today

__all__ = ["weekly_report"]


def _labelled(title: str, description: str) -> Any:
    """A Field whose Chinese title and description reach Prefect's form (Prefect 3.8 overwrites plain `title`)."""
    return Field(title=title, description=description,
                 json_schema_extra={"title": title, "description": description})


Reproduce = Annotated[bool, _labelled(
    "按快照重现", "不重新统计台账，按该日已保存的快照重新生成完全相同的报表")]
SnapshotId = Annotated[str | None, Blank, OptionalText, _labelled(
    "快照编号", "重现时用：快照的 SHA-256（可只填前12位）；留空取最新的")]


@flow(name="weekly-report", flow_run_name="{campaign}-weekly-report", log_prints=True)
@reports_failure("参保情况周报")
@holds_ledger
def weekly_report(
    campaign: CampaignName,
    as_of: AsOf = BLANK,
    output_dir: OutputDir = BLANK,
    reproduce: Reproduce = False,
    snapshot: SnapshotId = BLANK,
    config_path: ConfigPath = BLANK,
) -> dict:
    """Count every unit as of the day (as known now when it is today), keep the numbers, then draw every output."""
    c, ref = run_config(campaign, config_path)
    day = as_of or clock_today()
    require_report_day(c, day)
    cutoff = report_cutoff(day, clock_now())
    content = stored_weekly(campaign, day, snapshot or None) if reproduce else compute_weekly(ref, day, cutoff)
    out = reports_dir(campaign, output_dir, "weekly")
    out.mkdir(parents=True, exist_ok=True)
    files = write_weekly_files(content, str(out))
    key = publish_weekly(content, files)
    link_outputs(campaign, out)
    county = next(u for u in content["units"] if u["level"] == "county")
    return {"campaign": campaign, "as_of": day.isoformat(), "cutoff": content["cutoff"],
            "enrolled": county["enrolled"], "target": county["target"], "artifact": key, "files": files}
