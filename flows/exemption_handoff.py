"""Exemption lists (免缴对象名单): take in the agencies' lists, have each approved, hand off the consolidated list."""

# No `from __future__ import annotations` here: a served run unpickles the flow with only the globals its
# code uses, so the parameter annotations must be objects already, not names to look up later.
from pathlib import Path
from typing import Annotated, Any

from prefect import flow, get_run_logger
from prefect.states import Completed
from pydantic import BeforeValidator, Field

from canbao.exemptions.decisions import Decision
from canbao.exemptions.problems import ATTENTION, attention_lines, warning_lines
from canbao.exemptions.window import approval_timeout_seconds
from canbao.intake.selection import require_inbox
from flows.exemption_review import ask_coordinator, used_pause_keys
from flows.failures import reports_failure
from flows.ledger_lock import ledger_lock
from flows.params import BLANK, AsOf, CampaignName, ConfigPath, InboxDir, OutputDir
from flows.run_config import run_config
from tasks.exemption_attention import notify_coordinator
from tasks.exemption_outputs import consolidate_exemptions, hand_off
from tasks.exemptions import pending_reviews, receive_list, record_decision, scan_lists
from tasks.intake import archive_files, prepare_ledger
from tasks.outputs import link_outputs
from tasks.reports import reports_dir
from tasks.runtime import clock_today

__all__ = ["exemption_handoff"]


def _labelled(title: str, description: str) -> Any:
    """A Field whose Chinese title and description reach Prefect's forms (Prefect 3.8 overwrites plain `title`)."""
    return Field(title=title, description=description, json_schema_extra={"title": title, "description": description})


AutoApprove = Annotated[bool, _labelled("自动通过", "模拟和演示用：不等待审核，收到的名单一律通过")]
ApprovalTimeout = Annotated[int, BeforeValidator(lambda v: v or 0), Field(ge=0), _labelled(
    "审核等待时限（小时）", "0 表示按配置（默认72小时）")]
MoveProcessed = Annotated[bool, _labelled("导入后移走文件", "已导入的名单文件移到收件箱的 processed/ 目录")]
TakeAgain = Annotated[bool, _labelled("重新导入相同文件", "部门重新报送与已导入版本完全相同的文件时，仍作为新版本导入")]


def _automatic(review: dict[str, Any], auto_approve: bool) -> Decision | None:
    if review["persons"] == 0:
        return Decision("rejected", "名单中没有可导入的行（文件无法识别或各行均有错误），自动退回", decided_by="系统")
    if review["unchanged"]:
        return Decision("approved", f"与已通过的第{review['base_version']}版人员相同，自动通过", decided_by="系统")
    return Decision("approved", "自动通过（auto_approve）", decided_by="系统") if auto_approve else None


@flow(name="exemption-handoff", flow_run_name="{campaign}-exemption-handoff", log_prints=True)
@reports_failure("免缴对象名单交接")
def exemption_handoff(
    campaign: CampaignName,
    inbox: InboxDir = "demo/inbox",
    as_of: AsOf = BLANK,
    output_dir: OutputDir = BLANK,
    auto_approve: AutoApprove = False,
    approval_timeout_hours: ApprovalTimeout = 0,
    move_processed: MoveProcessed = True,
    take_again: TakeAgain = False,
    config_path: ConfigPath = BLANK,
) -> Any:
    """Take in new lists, have each one approved, then write the consolidated list and hand it off.

    The run ends Completed, or Completed named 需处理 when a file could not be read or was sent again unchanged
    (the summary artifact, the log and the coordinator's message say which); unused columns are warnings.
    """
    c, ref = run_config(campaign, config_path)  # tasks load the very config the run was given
    day = as_of or clock_today()
    out = reports_dir(campaign, output_dir, "免缴名单")
    (out / "审核").mkdir(parents=True, exist_ok=True)
    timeout = approval_timeout_hours * 3600 if approval_timeout_hours else approval_timeout_seconds(c)
    require_inbox(Path(inbox))  # lists not yet delivered (no exemption/ folder) is a normal day
    used = used_pause_keys()  # a resumed (suspended) run starts again from the top: take in nothing twice
    # The ledger slot is held while writing, never while waiting for a coordinator's decision.
    with ledger_lock(campaign):
        prepare_ledger(ref)
        if used:
            get_run_logger().info("审核后继续运行：本次不再读取收件箱（新文件由下次运行导入）")
        deliveries = [] if used else scan_lists(ref, inbox)
        taken = [receive_list(ref, d, day, str(out / "审核"), take_again) for d in deliveries]
        if move_processed:
            archive_files([f for d in deliveries for f in d.files], inbox)
        reviews = pending_reviews(ref, str(out / "审核"), publish=not used)
    received = [{k: r[k] for k in ("agency", "version", "counts")} for r in taken if r["version"] is not None]
    attention, warnings = attention_lines(c, taken), warning_lines(c, taken)
    decided: list[dict[str, Any]] = []

    def record(review: dict[str, Any], decision: Decision) -> None:
        with ledger_lock(campaign):
            done = record_decision(ref, review["agency"], review["version"], decision, day, str(out / "审核"))
        if done:
            decided.append({k: done[k] for k in ("agency", "version", "status", "excluded")})

    automatic = {r["agency"]: d for r in reviews if (d := _automatic(r, auto_approve))}
    for review in reviews:  # stored before the wait, so a resumed run finds them decided
        if review["agency"] in automatic:
            record(review, automatic[review["agency"]])
    asked = [r for r in reviews if r["agency"] not in automatic]
    answers = ask_coordinator(ref, c.campaign.locality, asked, timeout, used) if asked else {}
    for review in asked:
        if review["agency"] in answers:
            record(review, answers[review["agency"]])
    with ledger_lock(campaign):
        consolidated = consolidate_exemptions(ref, day)
        handoff = hand_off(ref, day, str(out), attention, warnings)
    link_outputs(campaign, out)
    result = {"campaign": campaign, "as_of": day.isoformat(), "received": received, "decided": decided,
              "exemption_persons": consolidated["persons"], "exemptions_changed": consolidated["changed"],
              "handoff": handoff, "output_dir": str(out), "attention": attention, "warnings": warnings,
              "repeated": [{"agency": r["agency"], "version": r["repeated"]} for r in taken if r.get("repeated")]}
    if not attention:
        return result
    notify_coordinator(ref, attention)
    get_run_logger().error("需处理：\n%s", "\n".join(attention))
    return Completed(name=ATTENTION, message=f"{len(attention)} 项需处理（见交接摘要）", data=result)
