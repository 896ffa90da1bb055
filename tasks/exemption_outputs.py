"""Tasks of the exemption handoff: the consolidated list into the ledger, then the files for each recipient."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.events import emit_event

from canbao.exemptions.consolidate import consolidated_list, write_exemptions
from canbao.exemptions.events import event_spec
from canbao.exemptions.handoff import record_handoff, request_batches
from canbao.exemptions.people import handoff_people
from canbao.exemptions.request import quote_amounts, request_detail
from canbao.exemptions.special import special_codes, special_missing
from canbao.exemptions.workbooks import write_request, write_special, write_town_lists
from canbao.money import yuan
from canbao.policy.load import load_campaign
from tasks.exemptions import artifact_key, effective_moment
from tasks.runtime import flow_run_id, ledger_engine

__all__ = ["consolidate_exemptions", "hand_off"]


@task(name="consolidate-exemptions", retries=1, retry_delay_seconds=10, cache_policy=NO_CACHE, persist_result=False)
def consolidate_exemptions(campaign: str, as_of: date) -> dict[str, Any]:
    """Write the consolidated list into `exemptions` (which drives quotes and payment checks)."""
    c = load_campaign(campaign)
    with ledger_engine().begin() as conn:
        people = consolidated_list(conn, c)
        changed = write_exemptions(conn, c, people, effective_moment(as_of), flow_run_id())
    get_run_logger().info("汇总名单：%d 人，免缴记录变动 %d 条", len(people), changed)
    return {"persons": len(people), "changed": changed}


def _town_table(persons: pd.DataFrame, missing: pd.DataFrame | None) -> list[dict[str, Any]]:
    table = persons.groupby("town_name").agg(免缴对象=("id_number", "size"),
                                             未参保登记=("registered", lambda s: int((~s).sum())))
    if missing is not None:
        table["特殊群体未参保"] = missing.groupby("town_name").size().reindex(table.index).fillna(0).astype(int)
    return [{"镇（街）": town, **{k: int(v) for k, v in row.items()}} for town, row in table.iterrows()]


@task(name="hand-off-exemptions", retries=1, retry_delay_seconds=10, cache_policy=NO_CACHE, persist_result=False)
def hand_off(campaign: str, as_of: date, out: str, attention: list[str] | None = None,
             warnings: list[str] | None = None) -> dict[str, Any]:
    """Town lists, the tax bureau's request detail and the special-group list as of the day; a batch if changed.

    `attention` (files refused, files re-sent) heads the summary artifact; `warnings` (columns unused, one line
    an agency) follow its figures.
    """
    c = load_campaign(campaign)
    top = [f"#### 需处理（{len(attention)}项）", "", *attention, ""] if attention else []
    bottom = ["", "#### 警告（相关各行均已导入）", "", *warnings] if warnings else []
    with ledger_engine().begin() as conn:
        people = consolidated_list(conn, c)
        if people.empty:
            get_run_logger().info("尚无已通过的名单：未生成交接文件")
            if top:
                create_markdown_artifact("\n".join([*top, "（尚无已通过的名单，未生成交接文件。）", *bottom]),
                                         key=artifact_key(c.id, "handoff"), description="免缴对象名单交接")
            return {"persons": 0, "batch": None, "files": []}
        persons = handoff_people(conn, c, people)
        paid = int(quote_amounts(c, persons)["paid_on_behalf_fen"].sum())
        batch = record_handoff(conn, c.id, people, paid, effective_moment(as_of), flow_run_id())
        batches = request_batches(conn, c.id)
        missing, group = special_missing(conn, c, persons, as_of) if special_codes(c) else (None, 0)
    folder = Path(out) / f"{as_of:%Y-%m-%d}"
    files = write_town_lists(folder / "镇（街）核对名单", c, persons, as_of)
    detail = request_detail(c, persons, batches)
    files.append(write_request(folder / f"{c.id}_代缴请款明细（内部）.xlsx", c, detail, as_of))
    if missing is not None:
        files.append(write_special(folder / f"{c.id}_特殊群体未参保名单（内部）.xlsx", c, missing, group, as_of))
    towns = _town_table(persons, missing)
    create_table_artifact(towns, key=artifact_key(c.id, "towns"), description=f"免缴对象分镇（街）情况（{as_of}）")
    latest = max(batches.values(), default=None)
    paid_fen, own_fen = int(detail["代缴金额"].sum()), int(detail["个人缴费金额"].sum())
    numberless = int(detail["人员编号"].isna().sum())
    create_markdown_artifact("\n".join([
        *top,
        f"### {c.campaign.locality}免缴对象名单交接（{as_of:%Y-%m-%d}）", "",
        f"- 汇总名单 {len(persons)} 人，未参保登记 {int((~persons['registered']).sum())} 人；请款批次至第{latest}批",
        f"- 代缴金额合计 {yuan(paid_fen)} 元（个人缴费部分 {yuan(own_fen)} 元）；人员编号缺失 {numberless} 人",
        *([f"- 特殊群体 {group} 人，未参保 {len(missing)} 人（目标100%）"] if missing is not None else []),
        f"- 文件（{len(files)} 个）保存在 `{folder}`；公示件已隐去姓名和身份证号码，内部件严禁外传",
        *bottom,
    ]), key=artifact_key(c.id, "handoff"), description="免缴对象名单交接")
    if batch is not None:
        emit_event(**event_spec(c, "handed-off", sorted(batch["versions"]), {
            "batch": batch["batch"], "persons": batch["persons"], "new_persons": batch["new_persons"],
            "paid_on_behalf_yuan": str(yuan(batch["paid_on_behalf_fen"])), "versions": batch["versions"],
            "as_of": as_of.isoformat()}, recipients=True))
    get_run_logger().info("已交接 %d 人（%s），文件 %d 个", len(persons),
                          f"第{batch['batch']}批" if batch else "与上一批相同", len(files))
    return {"persons": len(persons), "batch": batch["batch"] if batch else None, "latest_batch": latest,
            "paid_on_behalf_fen": paid_fen, "unregistered": int((~persons["registered"]).sum()),
            "special_missing": None if missing is None else len(missing), "person_number_missing": numberless,
            "files": [str(f) for f in files]}
