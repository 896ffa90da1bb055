"""Exemption lists (免缴对象名单): take in the agencies' lists, have each approved, hand off the consolidated list."""

# No `from __future__ import annotations` here: a served run unpickles the flow with only the globals its
# code uses, so the parameter annotations must be objects already, not names to look up later.
import os
from typing import Annotated, Any, Literal

from prefect import flow, get_run_logger, pause_flow_run, suspend_flow_run
from prefect.exceptions import FlowPauseTimeout
from prefect.input import RunInput
from prefect.runtime import deployment
from prefect.states import Completed
from pydantic import ConfigDict, Field

from canbao.exemptions.decisions import Decision
from canbao.exemptions.problems import ATTENTION, attention_lines, warning_lines
from canbao.exemptions.window import approval_timeout_seconds
from canbao.policy.load import load_campaign
from flows.ledger_lock import ledger_lock
from flows.params import AsOf, CampaignName, ConfigPath, InboxDir, OutputDir
from tasks.exemption_attention import notify_coordinator
from tasks.exemption_outputs import consolidate_exemptions, hand_off
from tasks.exemptions import claim_review, pending_reviews, receive_list, record_decision, scan_lists
from tasks.intake import archive_files, match_and_settle, prepare_ledger
from tasks.outputs import link_outputs
from tasks.reports import reports_dir
from tasks.runtime import clock_today

__all__ = ["DECISIONS", "ListDecision", "exemption_handoff"]

DECISIONS = {"通过": "approved", "退回": "rejected", "剔除部分人员后通过": "approved_with_exclusions"}
EXCLUSION = r"^\s*(\d{17}[\dXx]|\d{1,7})\s*$"  # an ID number or a row number of the agency's file


def _labelled(title: str, description: str) -> Any:
    """A Field whose Chinese title and description reach Prefect's forms (Prefect 3.8 overwrites plain `title`)."""
    return Field(title=title, description=description, json_schema_extra={"title": title, "description": description})


class ListDecision(RunInput):
    """The coordinator's decision on one agency's list (审核意见)."""

    model_config = ConfigDict(extra="forbid", title="免缴对象名单审核意见")
    decision: Annotated[Literal[tuple(DECISIONS)], _labelled(  # type: ignore[valid-type]
        "审核结果", "通过；退回（名单发回报送部门）；剔除部分人员后通过")] = "通过"
    reason: Annotated[str, _labelled(
        "原因或说明", "退回时必填，将随退回通知发给报送部门；请勿填写完整身份证号码")] = ""
    exclusions: Annotated[list[Annotated[str, Field(pattern=EXCLUSION)]], _labelled(
        "剔除人员", "剔除部分人员后通过时填写：每项一个身份证号码或报送文件中的行号")] = []  # noqa: RUF012
    reviewer: Annotated[str, _labelled("审核人", "审核人姓名（记入台账）")] = ""


AutoApprove = Annotated[bool, _labelled("自动通过", "模拟和演示用：不等待审核，收到的名单一律通过")]
ApprovalTimeout = Annotated[int | None, _labelled("审核等待时限（小时）", "留空则按配置（默认72小时）")]
MoveProcessed = Annotated[bool, _labelled("导入后移走文件", "已导入的名单文件移到收件箱的 processed/ 目录")]
TakeAgain = Annotated[bool, _labelled("重新导入相同文件", "部门重新报送与已导入版本完全相同的文件时，仍作为新版本导入")]


def ask_coordinator(campaign: str, review: dict[str, Any], timeout: int) -> Decision | None:
    """Wait for the decision in the UI: suspend a deployment run, pause any other; None if not now."""
    logger = get_run_logger()
    if not claim_review(campaign, review["agency"], review["version"], timeout):
        logger.info("%s version %d is awaiting a decision in another run", review["agency"], review["version"])
        return None
    logger.info("等待审核：%s 第%d版（在本运行页面点 ⋮ → Resume 填写审核意见）", review["agency"], review["version"])
    form = ListDecision.with_initial_data(description=review["markdown"])
    key = f"{review['agency']}-v{review['version']}".replace("_", "-")  # keys: lowercase, digits, dashes
    try:
        if deployment.get_id():
            answer = suspend_flow_run(wait_for_input=form, timeout=timeout, key=key)
        else:
            poll = int(os.environ.get("CANBAO_APPROVAL_POLL_SECONDS", "10"))
            answer = pause_flow_run(wait_for_input=form, timeout=timeout, poll_interval=poll, key=key)
    except FlowPauseTimeout:
        logger.warning("no decision on %s version %d in time: it stays pending", review["agency"], review["version"])
        return None
    return Decision(DECISIONS[answer.decision], answer.reason.strip() or None,
                    tuple(x.strip() for x in answer.exclusions), answer.reviewer.strip() or None)


def _automatic(review: dict[str, Any], auto_approve: bool) -> Decision | None:
    if review["persons"] == 0:
        return Decision("rejected", "名单中没有可导入的行（文件无法识别或各行均有错误），自动退回", decided_by="系统")
    if review["unchanged"]:
        return Decision("approved", f"与已通过的第{review['base_version']}版人员相同，自动通过", decided_by="系统")
    return Decision("approved", "自动通过（auto_approve）", decided_by="系统") if auto_approve else None


@flow(name="exemption-handoff", flow_run_name="{campaign}-exemption-handoff", log_prints=True)
def exemption_handoff(
    campaign: CampaignName,
    inbox: InboxDir = "demo/inbox",
    as_of: AsOf = None,
    output_dir: OutputDir = None,
    auto_approve: AutoApprove = False,
    approval_timeout_hours: ApprovalTimeout = None,
    move_processed: MoveProcessed = True,
    take_again: TakeAgain = False,
    config_path: ConfigPath = None,
) -> Any:
    """Take in new lists, have each one approved, then write the consolidated list and hand it off.

    The run ends Completed, or Completed named 需处理 when a file could not be read or was sent again unchanged
    (the summary artifact, the log and the coordinator's message say which); unused columns are warnings.
    """
    c = load_campaign(config_path or campaign)
    if c.id != campaign:
        raise ValueError(f"config {config_path} is campaign '{c.id}', not '{campaign}'")
    ref = config_path or campaign  # tasks load the very config the run was given
    day = as_of or clock_today()
    out = reports_dir(campaign, output_dir, "免缴名单")
    (out / "审核").mkdir(parents=True, exist_ok=True)
    timeout = approval_timeout_hours * 3600 if approval_timeout_hours else approval_timeout_seconds(c)
    # The ledger slot is held while writing, never while waiting for a coordinator's decision.
    with ledger_lock(campaign):
        prepare_ledger(ref)
        deliveries = scan_lists(ref, inbox)
        taken = [receive_list(ref, d, day, str(out / "审核"), take_again) for d in deliveries]
        if move_processed:
            archive_files([f for d in deliveries for f in d.files], inbox)
        reviews = pending_reviews(ref, str(out / "审核"))
    received = [{k: r[k] for k in ("agency", "version", "counts")} for r in taken if r["version"] is not None]
    attention, warnings = attention_lines(c, taken), warning_lines(c, taken)
    decided = []
    for review in reviews:
        decision = _automatic(review, auto_approve) or ask_coordinator(ref, review, timeout)
        if decision is None:
            continue
        with ledger_lock(campaign):
            done = record_decision(ref, review["agency"], review["version"], decision, day, str(out / "审核"))
        if done:
            decided.append({k: done[k] for k in ("agency", "version", "status", "excluded")})
    with ledger_lock(campaign):
        consolidated = consolidate_exemptions(ref, day)
        if consolidated["rematch"]:
            match_and_settle(ref, day)
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
