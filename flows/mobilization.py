"""Mobilization (动员): open the campaign, break the target down per unit, publish the calendar, track duties."""

from __future__ import annotations

from pathlib import Path

from prefect import flow
from prefect.artifacts import create_table_artifact

from canbao.mobilization.duties import DUTY_KINDS, STATE_LABELS, Completion, read_completions
from flows.failures import reports_failure
from flows.ledger_lock import holds_ledger
from flows.params import BLANK, AsOf, CampaignName, ConfigPath, OutputDir
from flows.phase_params import Completions, ConfirmationFile, TargetScale
from flows.run_config import run_config
from tasks.mobilization import open_with_targets, record_duties, write_mobilization_files
from tasks.outputs import link_outputs
from tasks.reports import reports_dir
from tasks.runtime import clock_today

__all__ = ["mobilization"]


@flow(name="mobilization", flow_run_name="{campaign}-mobilization", log_prints=True)
@reports_failure("参保动员")
@holds_ledger
def mobilization(
    campaign: CampaignName,
    as_of: AsOf = BLANK,
    output_dir: OutputDir = BLANK,
    target_scale: TargetScale = 1.0,
    completions: Completions = [],  # noqa: B006 - Prefect reads the default for the UI form
    confirmation_file: ConfirmationFile = BLANK,
    config_path: ConfigPath = BLANK,
) -> dict:
    """Set targets and the calendar (idempotent), record duties reported done, and write both workbooks."""
    c, ref = run_config(campaign, config_path)
    day = as_of or clock_today()
    breakdown = open_with_targets(ref, target_scale)
    form = [Completion(d.code, d.done_on, d.note) for d in completions]
    unknown = record_duties(ref, form, "form")
    if confirmation_file:
        unknown += record_duties(ref, read_completions(Path(confirmation_file), c), "file")
    out = reports_dir(campaign, output_dir, "动员")
    written = write_mobilization_files(ref, breakdown, target_scale, day, str(out))
    duties = [d for d in written["duties"] if d["kind"] in DUTY_KINDS]
    create_table_artifact(
        [{"事项": d["name"], "责任单位": d["owner_name"], "截止日期": str(d["due_on"]),
          "状态": STATE_LABELS[d["state"]], "完成日期": str(d["completed_on"] or "")} for d in duties],
        key=f"{campaign}-mobilization-duties", description=f"动员阶段工作事项（截至{day.isoformat()}）")
    link_outputs(campaign, out)
    county = breakdown[breakdown["level"] == "county"]
    return {"campaign": campaign, "as_of": day.isoformat(), "units": len(breakdown),
            "target": int(county["target"].iat[0]) if len(county) else None,
            "duties": {d["code"]: d["state"] for d in duties}, "unknown_duties": unknown,
            "files": written["files"], "output_dir": str(out)}
