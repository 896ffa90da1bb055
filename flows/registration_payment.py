"""Registration and payment (参保登记与缴费): take in everything new in the inbox, match, reconcile, report."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
from prefect import flow, get_run_logger
from prefect.artifacts import create_progress_artifact, update_progress_artifact
from prefect.futures import PrefectFuture
from prefect.states import Completed
from prefect.utilities.annotations import allow_failure, opaque
from pydantic import Field

from canbao.exemptions.problems import ATTENTION
from canbao.intake.attention import intake_attention_lines, intake_warning_lines
from canbao.intake.inbox import INTAKE_ORDER
from canbao.intake.pipeline import sources_in_order, to_read
from canbao.intake.reading import FilesRead
from canbao.intake.selection import require_inbox, require_sources
from flows.failures import reports_failure
from flows.ledger_lock import holds_ledger
from flows.params import BLANK, AsOf, CampaignName, ConfigPath, InboxDir, OutputDir, SourceName
from flows.run_config import run_config
from tasks.exemption_attention import notify_coordinator
from tasks.intake import archive_files, known_files, match_and_settle, prepare_ledger, read_source, scan, take_in_source
from tasks.intake_reports import publish_intake, reconcile_channels, write_error_workbooks
from tasks.intake_reuse import REUSED, check_outputs, stamp_outputs
from tasks.outputs import link_outputs
from tasks.runtime import clock_today

__all__ = ["registration_payment"]


def output_dir_for(campaign: str, output_dir: str | None) -> str:
    """Where a campaign's reports go: the parameter, else `$CANBAO_OUTPUT_DIR/<campaign>` or `out/<campaign>`."""
    return output_dir or str(Path(os.environ.get("CANBAO_OUTPUT_DIR", "out")) / campaign)


@flow(name="registration-payment", flow_run_name="{campaign}-registration-payment", log_prints=True)
@reports_failure("参保登记与缴费导入")
@holds_ledger
def registration_payment(
    campaign: CampaignName,
    inbox: InboxDir = "demo/inbox",
    sources: Annotated[list[SourceName], Field(json_schema_extra={
        "title": "导入来源", "description": "收件箱中要导入的子目录（默认全部）"})] = list(INTAKE_ORDER),  # noqa: B006
    as_of: AsOf = BLANK,
    output_dir: OutputDir = BLANK,
    move_processed: Annotated[bool, Field(json_schema_extra={
        "title": "导入后移入 processed/", "description": "已导入的文件移到收件箱的 processed/ 目录"})] = True,
    take_again: Annotated[bool, Field(json_schema_extra={
        "title": "重新导入相同文件", "description": "与已导入文件完全相同的文件仍作为新的导入（取代原导入）"})] = False,
    config_path: ConfigPath = BLANK,
) -> Any:
    """Take in the inbox's new files, source by source, then match payments and reconcile the channels.

    Returns the run's figures; the run ends Completed, or Completed named 需处理 when a file was refused whole
    or sent again unchanged (the summary artifact, the log and the coordinator's message say which, with the
    headers found, expected and the config line that maps them); unused columns are warnings. When the ledger,
    the config and the day are those the outputs in `output_dir` were made from (their stamp), matching,
    reconciliation and the error workbooks are skipped and the stamped figures published again.
    """
    _, ref = run_config(campaign, config_path)  # tasks load the very config the run was given
    day = as_of or clock_today()
    out = output_dir_for(campaign, output_dir)
    Path(out).mkdir(parents=True, exist_ok=True)
    require_sources(sources)
    require_inbox(Path(inbox), sources)
    prepare_ledger(ref)
    survey = scan(inbox, list(sources))
    files = survey.files
    order = sources_in_order(files)
    progress = create_progress_artifact(0.0, key=f"{campaign}-intake-progress", description="导入进度")
    known = {} if take_again else known_files(ref)  # taking files in again reads them all

    def reading(source: str, after: list[PrefectFuture[FilesRead]]) -> PrefectFuture[FilesRead]:
        return read_source.submit(ref, source, to_read(files, source, known.get(source, set())),
                                  wait_for=[allow_failure(f) for f in after])

    # Reads follow each other, one source ahead of the batch being validated and stored.
    coming = [reading(order[0], [])] if order else []
    batches = []
    for i, source in enumerate(order, start=1):
        if i < len(order):
            coming.append(reading(order[i], coming[-1:]))
        read = coming.pop(0)
        got = read.result(raise_on_failure=False)  # a read that failed: the batch reads its files itself
        # opaque: the read files are handed over, not walked through by Prefect (hundreds of frames and jobs)
        batches.append(take_in_source(ref, source, to_read(files, source, ()), day, take_again,
                                      opaque(got) if isinstance(got, FilesRead) else None,
                                      wait_for=[allow_failure(read)]))
        update_progress_artifact(progress, 90.0 * i / max(len(order), 1))
    check = check_outputs(ref, out, day)  # the ledger, config and day the outputs in `out` were made from
    if check.reusable is None:
        settled = match_and_settle(ref, day)
        recon = reconcile_channels(ref, settled, out, day)
        errors = write_error_workbooks(campaign, out)  # from the ledger: every file's rejections, after any crash
        stamp_outputs(check, out, day, recon, errors)  # last: a crash before it leaves no stamp
    else:
        recon, errors = check.reusable.reconciliation, check.reusable.error_workbooks
    rejected = [b["rejected"] for b in batches if len(b["rejected"])]
    attention, warnings = intake_attention_lines(batches), intake_warning_lines(batches)
    publish_intake(ref, batches, recon, errors, survey.ignored, attention, warnings,
                   REUSED if check.reusable else None)
    if move_processed:
        archive_files(files, inbox)
    update_progress_artifact(progress, 100.0)
    result = {
        "campaign": campaign, "files": sum(b["files"] for b in batches),
        "rows": sum(b["rows"] for b in batches), "accepted": sum(b["accepted"] for b in batches),
        "rejections": (pd.concat(rejected)["reason"].value_counts().to_dict() if rejected else {}),
        "anomalies": {**recon.anomalies, **recon.breach_kinds}, "outputs_reused": check.reusable is not None,
        "reconciliation_workbook": recon.workbook, "error_workbooks": len(errors), "output_dir": out,
        "ignored_files": len(survey.ignored), "attention": attention, "warnings": warnings,
        "repeated": [{"source": b["source"], "file": f} for b in batches for f in b["repeated"]],
    }
    link_outputs(campaign, out, [recon.workbook, *errors] if check.reusable else [])
    if warnings:
        get_run_logger().warning("未使用的列：\n%s", "\n".join(warnings))
    if not attention:
        return result
    notify_coordinator(ref, attention, "参保登记与缴费文件")
    get_run_logger().error("需处理：\n%s", "\n".join(attention))
    return Completed(name=ATTENTION, message=f"{len(attention)} 项需处理（见导入汇总）", data=result)
