"""Tasks of the exemption-list review: take in each agency's delivery, show its diff, store the decision."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.events import emit_event

from canbao.clock import SHANGHAI
from canbao.exemptions.decisions import Decision, claim, decide, pending_versions
from canbao.exemptions.delivery import Delivery, ListRows, read_delivery, scan_deliveries
from canbao.exemptions.events import event_spec
from canbao.exemptions.problems import agency_notice, problem_lines
from canbao.exemptions.residents import resident_names
from canbao.exemptions.review import review_stem, write_change_detail, write_returned_rows
from canbao.exemptions.review_form import DECISION_LABELS
from canbao.exemptions.summary import DECIDE_PROMPT, agency_name, change_counts, diff_markdown, rejection_markdown
from canbao.exemptions.versions import record_delivery, same_delivery, version_diff
from canbao.exemptions.workbooks import safe_name
from canbao.formats.headers import normalize_header
from canbao.formats.layout import NOT_DATA
from canbao.identity import mask_ids_in
from canbao.policy.load import load_campaign
from canbao.policy.model import Campaign
from tasks.runtime import clock_now, clock_today, flow_run_id, ledger_engine

__all__ = ["artifact_key", "claim_review", "effective_moment", "pending_reviews", "receive_list", "record_decision",
           "scan_lists"]


STATUS_LABELS = {status: label for label, status in DECISION_LABELS.items()}


def effective_moment(day: date) -> datetime:
    """When something done in a run for `day` takes effect: now, or that day's start for a run about the past."""
    return clock_now() if day >= clock_today() else datetime.combine(day, time(), SHANGHAI)


def artifact_key(campaign: str, *parts: object) -> str:
    """An artifact key `<campaign>-exemption-<parts>` in lowercase with dashes."""
    return "-".join([campaign, "exemption", *(str(p).replace("_", "-") for p in parts)]).lower()


def _shown(path: Path) -> str:
    """A file's path as the coordinator finds it: relative to the working folder where it lies inside it."""
    return str(path.resolve().relative_to(Path.cwd())) if path.resolve().is_relative_to(Path.cwd()) else str(path)


@task(name="scan-exemption-lists", cache_policy=NO_CACHE, persist_result=False)
def scan_lists(campaign: str, inbox: str) -> list[Delivery]:
    """The deliveries waiting in `inbox/exemption/<agency>/`."""
    c = load_campaign(campaign)
    deliveries, skipped = scan_deliveries(Path(inbox), c)
    logger = get_run_logger()
    logger.info("收到 %d 个部门报送的名单：%s", len(deliveries),
                "、".join(agency_name(c, d.agency) for d in deliveries) or "无")
    for name in skipped:
        logger.warning("未处理（不在报送名单部门对应的文件夹中）：%s",
                       mask_ids_in(name))
    return deliveries


def _report_files(c: Campaign, delivery: Delivery, rows: ListRows, out: str) -> dict[str, Any]:
    """Refused files and unused columns: logged, and refused files sent back to the agency as a note."""
    logger, name = get_run_logger(), agency_name(c, delivery.agency)
    problems = [asdict(p) for p in rows.problems]
    ignored = {n.file: unused for n in rows.notes
               if (unused := [h for h in n.ignored if normalize_header(h) not in NOT_DATA])}
    for p in problems:
        logger.error("%s的文件未能导入：%s", name, "\n".join(problem_lines(p)))
    for file, columns in ignored.items():
        logger.warning("%s“%s”中未使用的列：%s", name, mask_ids_in(file), "、".join(columns))
    for file, n in rows.undated.items():
        logger.warning("%s“%s”中有 %d 行纳入资助时间无法识别，人员照常导入、该时间留空", name, mask_ids_in(file), n)
    if problems:
        notice = agency_notice(c, delivery.agency, problems)
        stem = Path(out) / f"{safe_name(name)}_文件未能导入"
        Path(f"{stem}.md").write_text(notice, encoding="utf-8")
        create_markdown_artifact(notice, key=artifact_key(c.id, delivery.agency, "refused-files"),
                                 description=f"免缴对象名单文件未能导入：{name}")
    return {"problems": problems, "ignored_columns": ignored, "undated": dict(rows.undated)}


@task(name="receive-exemption-list", task_run_name="receive-{delivery.agency}", retries=1, retry_delay_seconds=10,
      cache_policy=NO_CACHE, persist_result=False)
def receive_list(campaign: str, delivery: Delivery, as_of: date, out: str, again: bool = False) -> dict[str, Any]:
    """Record a new delivery as the agency's next list version (`version` None when these exact files came
    before, `repeated` then names the version they were; `again` takes them in once more as a new version)."""
    c = load_campaign(campaign)
    rows = read_delivery(delivery, c, as_of)
    files = _report_files(c, delivery, rows, out)
    with ledger_engine().begin() as conn:
        got = record_delivery(conn, c.id, delivery, rows, effective_moment(as_of), flow_run_id(), again=again)
        repeated = None if got is not None else same_delivery(conn, c.id, delivery)
    if got is None:
        get_run_logger().warning("%s：这些文件与已导入的第%s版完全相同，未再次导入（如需导入，请勾选“重新导入相同文件”）",
                                 agency_name(c, delivery.agency), repeated)
        return {"agency": delivery.agency, "version": None, "repeated": repeated, **files}
    if len(rows.rejected):
        stem = review_stem(Path(out), c, got.agency, got.version)
        write_returned_rows(Path(f"{stem}_退回行.xlsx"), c, got.agency, rows.rejected)
    emit_event(**event_spec(c, "received", [got.agency], {"agency": got.agency, "version": got.version,
                                                           "base_version": got.base_version, **got.counts}))
    get_run_logger().info("%s：已收到第%d版，%s", agency_name(c, got.agency), got.version, change_counts(got.counts))
    return {"agency": got.agency, "version": got.version, "counts": got.counts, **files}


@task(name="pending-exemption-reviews", cache_policy=NO_CACHE, persist_result=False)
def pending_reviews(campaign: str, out: str, publish: bool = True) -> list[dict[str, Any]]:
    """Every list version awaiting a decision, with its diff markdown (masked) and change-detail workbook.

    `publish` creates each version's 待审核 artifact; a resumed run, which showed them before, passes False."""
    c = load_campaign(campaign)
    reviews = []
    with ledger_engine().connect() as conn:
        for v in pending_versions(conn, c.id):
            diff = version_diff(conn, c.id, v["agency"], v["version"], v["base_version"])
            names = resident_names(conn, list(diff["id_number"]))
            stem = review_stem(Path(out), c, v["agency"], v["version"])
            book = write_change_detail(Path(f"{stem}_变动明细（内部）.xlsx"), c, diff, names)
            markdown = diff_markdown(c, v, diff, names, _shown(book))
            if publish:
                title = f"免缴对象名单待审核：{agency_name(c, v['agency'])} 第{v['version']}版"
                create_markdown_artifact(f"{markdown}\n\n{DECIDE_PROMPT}",
                                         key=artifact_key(c.id, v["agency"], f"v{v['version']}"), description=title)
            moved = any(v["diff"].get(k, 0) for k in ("new", "changed", "removed", "deceased"))
            reviews.append({"agency": v["agency"], "version": v["version"], "markdown": markdown,
                            "name": agency_name(c, v["agency"]), "persons": v["persons"],
                            "unchanged": v["base_version"] is not None and not moved,
                            "base_version": v["base_version"]})
    return reviews


@task(name="claim-exemption-review", cache_policy=NO_CACHE, persist_result=False)
def claim_review(campaign: str, agency: str, version: int, timeout_seconds: int) -> bool:
    """Note that this run waits for the decision; False while another run still waits for it."""
    now = clock_now()
    until = now + timedelta(seconds=timeout_seconds)
    with ledger_engine().begin() as conn:
        return claim(conn, load_campaign(campaign).id, agency, version, flow_run_id(), until, now)


@task(name="record-exemption-decision", task_run_name="decide-{agency}-v{version}", retries=1,
      cache_policy=NO_CACHE, persist_result=False)
def record_decision(campaign: str, agency: str, version: int, decision: Decision, as_of: date,
                    out: str) -> dict[str, Any] | None:
    """Store the decision; a rejection goes back to the agency as a notice file, an artifact and an event."""
    c = load_campaign(campaign)
    with ledger_engine().begin() as conn:
        done = decide(conn, c.id, agency, version, decision, effective_moment(as_of))
    if done is None:
        get_run_logger().warning("%s第%d版已在其他运行中审核或已被新版本取代", agency_name(c, agency), version)
        return None
    payload = {"agency": agency, "version": version, "status": done["status"], "excluded": done["excluded"]}
    if done["status"] == "rejected":
        notice = rejection_markdown(c, agency, version, done["reason"], done["files"])
        Path(f"{review_stem(Path(out), c, agency, version)}_退回说明.md").write_text(notice, encoding="utf-8")
        create_markdown_artifact(notice, key=artifact_key(c.id, agency, "rejected"),
                                 description=f"免缴对象名单退回：{agency_name(c, agency)} 第{version}版")
        payload["reason"] = done["reason"]
    emit_event(**event_spec(c, "rejected" if done["status"] == "rejected" else "approved", [agency], payload))
    if done["unmatched"]:
        get_run_logger().warning("以下剔除项在名单中找不到对应人员：%s", "、".join(done["unmatched"]))
    get_run_logger().info("%s第%d版：%s", agency_name(c, agency), version,
                          STATUS_LABELS.get(done["status"], done["status"]))
    return done

