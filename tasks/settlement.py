"""Tasks of subsidy settlement: statements from the ledger, transfer requests, confirmations, workbooks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from canbao.formats.sheet import fen_text
from canbao.policy.load import load_campaign
from canbao.settlement.people import load_settlement
from canbao.settlement.statements import Statements, build_statements
from canbao.settlement.transfer_ledger import (
    Confirmation,
    load_transfers,
    record_confirmations,
    store_transfers,
    transfer_states,
)
from canbao.settlement.workbook import transfer_sheet, write_advance_claims, write_statements
from tasks.runtime import clock_now, flow_run_id, ledger_engine

__all__ = ["compute_statements", "confirm_transfers", "request_transfers", "write_settlement_files"]


@task(name="compute-statements", retries=2, retry_delay_seconds=10, cache_policy=NO_CACHE, persist_result=False)
def compute_statements(campaign: str, as_of: date) -> Statements:
    """Every statement of the campaign from its state as of the day (`canbao.state`); `campaign` is an id or a
    config path, as for every task that loads the config."""
    c = load_campaign(campaign)
    with ledger_engine().connect() as conn:
        statements = build_statements(c, load_settlement(conn, c, as_of), as_of)
    log = get_run_logger()
    log.info("%s 结算合计：%s", c.id, statements.totals())
    if not statements.reconciled:
        log.warning("%s：结算数据未能核平（见 分类别核对 / 缴费资金核对）", campaign)
    return statements


@task(name="request-transfers", retries=1, retry_delay_seconds=10, cache_policy=NO_CACHE, persist_result=False)
def request_transfers(campaign: str, statements: Statements, as_of: date) -> dict:
    """Write the transfer requests to the ledger (confirmed ones untouched); what changed."""
    with ledger_engine().begin() as conn:
        stored = store_transfers(conn, campaign, statements.requests, as_of, clock_now(), flow_run_id())
    if stored.changed_after_confirmation:
        get_run_logger().warning("以下拨付申请在确认到账后金额有变动：%s", stored.changed_after_confirmation)
    return {"changed": stored.changed, "withdrawn": stored.withdrawn,
            "changed_after_confirmation": stored.changed_after_confirmation}


@task(name="confirm-transfers", retries=1, retry_delay_seconds=10, cache_policy=NO_CACHE, persist_result=False)
def confirm_transfers(campaign: str, confirmations: list[Confirmation]) -> list[dict[str, str]]:
    """Record transfers confirmed received; returns the refused confirmations with reasons."""
    if not confirmations:
        return []
    with ledger_engine().begin() as conn:
        refused = record_confirmations(conn, campaign, confirmations, clock_now(), flow_run_id())
    if refused:
        get_run_logger().warning("以下到账确认未被接受：%s", "；".join(f"{r['code']}（{r['label']}）" for r in refused))
    return refused


@task(name="write-settlement-files", cache_policy=NO_CACHE, persist_result=False)
def write_settlement_files(campaign: str, statements: Statements, as_of: date, out: str) -> dict:
    """The statements workbook and one advance claim per agency; returns paths and the transfer table."""
    c = load_campaign(campaign)
    with ledger_engine().connect() as conn:
        transfers = load_transfers(conn, c.id)
    states = transfer_states(transfers, as_of)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    files = {"结算表": str(write_statements(folder, c, statements, transfers, states))}
    for path in write_advance_claims(folder, c, statements):
        files[path.stem] = str(path)
    sheet = transfer_sheet(transfers, states)
    sheet["金额"] = fen_text(transfers["amount_fen"])
    return {"files": files, "transfers": sheet.astype(str).to_dict("records"),
            "states": states.value_counts().to_dict(),
            "overdue": list(transfers.loc[states == "overdue", "code"]) if len(transfers) else []}
