"""Tasks that turn an intake into outputs: reconciliation, error workbooks and UI artifacts."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
from prefect import task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from sqlalchemy import select

from canbao.formats.sources import channel_labels
from canbao.intake.cash_limit import cash_limit_breaches
from canbao.intake.inbox import INTAKE_ORDER, IgnoredFile
from canbao.intake.matching import ANOMALY_OF_STATUS
from canbao.intake.reconcile import cash_differences, unit_channel_table
from canbao.intake.returned import current_rejections
from canbao.intake.settle import Settled
from canbao.intake.stamp import ReconciliationSummary
from canbao.ledger.schema import CashDeposit, Unit
from canbao.money import fen
from canbao.policy.load import load_campaign
from canbao.policy.model import Campaign
from canbao.reports.intake_report import (
    error_workbooks,
    reconciliation_workbook,
    summary_markdown,
    unit_channel_records,
)
from tasks.outputs import publish_table
from tasks.runtime import ledger_engine

__all__ = ["publish_intake", "reconcile_channels", "unit_names", "write_error_workbooks"]


def unit_names(campaign_id: str) -> dict[str, str]:
    """Unit code → name for a campaign, from the ledger."""
    with ledger_engine().connect() as conn:
        return dict(conn.execute(select(Unit.code, Unit.name).where(Unit.campaign_id == campaign_id)).all())


def _channels(c: Campaign) -> dict[str, str]:
    return channel_labels((ch.code, ch.name) for ch in c.channels)


@task(name="reconcile-channels", cache_policy=NO_CACHE, persist_result=False)
def reconcile_channels(campaign: str, settled: Settled, output_dir: str, as_of: date) -> ReconciliationSummary:
    """Per unit and channel totals, cash vs deposits, the cash double limit; writes the workbook and returns
    what is published of it. `campaign` is a campaign id or the path of its config."""
    c = load_campaign(campaign)
    campaign_id = c.id
    names = unit_names(campaign_id)
    table = unit_channel_table(settled.enrollments, settled.payments)
    with ledger_engine().connect() as conn:
        t = CashDeposit.__table__
        deposits = pd.DataFrame(conn.execute(select(t.c.unit_code, t.c.deposited_on, t.c.amount_fen)
                                             .where(t.c.campaign_id == campaign_id)).all(),
                                columns=["unit_code", "deposited_on", "amount_fen"])
    pay = settled.payments
    receipts = pay.loc[pay["channel"] == "village_cash", ["unit_code", "paid_on", "amount_fen"]]
    cash = cash_differences(receipts, deposits)
    breaches = pd.DataFrame(columns=["unit_code", "kind", "on", "held_fen", "days_held"])
    if c.cash_double_limit and len(receipts):
        breaches = cash_limit_breaches(receipts, deposits, limit_fen=fen(c.cash_double_limit.amount),
                                       days=c.cash_double_limit.days, as_of=as_of)
    flagged = pay[pay["status"] != "matched"]
    path = Path(output_dir) / f"{campaign_id}_缴费对账表（内部）.xlsx"
    reconciliation_workbook(path, f"{c.campaign.locality}{c.campaign.insurance_year}年度参保缴费对账表",
                            table, cash, breaches, flagged, names, _channels(c))
    return ReconciliationSummary(
        anomalies={ANOMALY_OF_STATUS[s]: int(n) for s, n in pay["status"].value_counts().items()
                   if s in ANOMALY_OF_STATUS},
        breach_kinds={str(k): int(n) for k, n in breaches["kind"].value_counts().items()},
        breaches=len(breaches), cash_differences=len(cash), workbook=str(path),
        units=json.loads(json.dumps(unit_channel_records(table, names, _channels(c)), default=int)))


@task(name="write-error-workbooks", cache_policy=NO_CACHE, persist_result=False)
def write_error_workbooks(campaign_id: str, output_dir: str) -> list[str]:
    """Per-unit (or per-file) workbooks of every rejection the ledger holds for the inbox's current files."""
    with ledger_engine().connect() as conn:
        rejected = current_rejections(conn, campaign_id, INTAKE_ORDER)
    paths = error_workbooks(rejected, unit_names(campaign_id), Path(output_dir) / "退回清单")
    return [str(p) for p in paths]


@task(name="publish-intake-artifacts", cache_policy=NO_CACHE, persist_result=False)
def publish_intake(campaign: str, batches: list[dict], recon: ReconciliationSummary, error_files: list[str],
                   ignored: list[IgnoredFile] | None = None, attention: list[str] | None = None,
                   warnings: list[str] | None = None, reused: str | None = None) -> str:
    """Keyed artifacts: per unit/channel counts (table) and the run summary (markdown: what needs attention and
    the warnings first, then refused and ignored files). `campaign` is an id or a config path; `reused`: the
    line saying the outputs are last run's (the ledger did not change)."""
    c = load_campaign(campaign)
    campaign_id = c.id
    rejected = pd.concat([b["rejected"] for b in batches if len(b["rejected"])], ignore_index=True) \
        if any(len(b["rejected"]) for b in batches) else pd.DataFrame(columns=["reason"])
    counts = {"新文件数": sum(b["files"] for b in batches),
              "已导入过的文件（跳过）": sum(b["already_seen"] for b in batches),
              "读取行数": sum(b["rows"] for b in batches), "接收行数": sum(b["accepted"] for b in batches),
              "退回行数": len(rejected), "银行扣款失败行（不计缴费）": sum(b["bank_failed"] for b in batches)}
    extra = [f"- 现金解缴差异：{recon.cash_differences} 个村（社区）",
             f"- 现金双限违规：{recon.breaches} 次" if c.cash_double_limit else "- 本地区无现金双限规定",
             f"- 退回清单：{len(error_files)} 个工作簿", f"- 对账表：`{Path(recon.workbook).name}`",
             *([f"- {reused}"] if reused else [])]
    markdown = summary_markdown(f"{c.campaign.locality} 参保登记与缴费导入", counts,
                                rejected["reason"].value_counts().to_dict(),
                                {**recon.anomalies, **recon.breach_kinds}, extra,
                                refused=rejected[rejected["source_row"] == 0] if len(rejected) else None,
                                ignored=ignored or [], attention=attention or [], warnings=warnings or [])
    create_markdown_artifact(markdown, key=f"{campaign_id}-intake-summary", description="参保登记与缴费导入汇总")
    publish_table(recon.units, f"{campaign_id}-intake-units", "各单位、各渠道登记与缴费情况", keep=3)
    return markdown


