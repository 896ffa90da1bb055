"""Subsidy settlement (结算): statements per budget, advances to reclaim, awards, and fiscal transfers."""

from __future__ import annotations

from pathlib import Path

from prefect import flow
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from canbao.money import fen
from canbao.settlement.confirmations import read_bank_confirmations
from canbao.settlement.summary import settlement_markdown
from canbao.settlement.transfer_ledger import Confirmation
from flows.failures import reports_failure
from flows.ledger_lock import holds_ledger
from flows.params import BLANK, AsOf, CampaignName, ConfigPath, OutputDir
from flows.phase_params import ConfirmationFile, Confirmations
from flows.run_config import run_config
from tasks.outputs import link_outputs
from tasks.reports import reports_dir
from tasks.runtime import clock_today
from tasks.settlement import compute_statements, confirm_transfers, request_transfers, write_settlement_files

__all__ = ["subsidy_settlement"]

@flow(name="subsidy-settlement", flow_run_name="{campaign}-subsidy-settlement", log_prints=True)
@reports_failure("资助结算")
@holds_ledger
def subsidy_settlement(
    campaign: CampaignName,
    as_of: AsOf = BLANK,
    output_dir: OutputDir = BLANK,
    confirmations: Confirmations = [],  # noqa: B006 - Prefect reads the default for the UI form
    confirmation_file: ConfirmationFile = BLANK,
    config_path: ConfigPath = BLANK,
) -> dict:
    """Compute the statements, request the transfers the config asks for, record confirmations, write files."""
    c, ref = run_config(campaign, config_path)
    day = as_of or clock_today()
    statements = compute_statements(ref, day)
    stored = request_transfers(campaign, statements, day)
    received = [Confirmation(x.code, x.confirmed_on, x.reference, None if x.amount is None else fen(x.amount))
                for x in confirmations]
    refused: list[dict[str, str]] = []
    if confirmation_file:
        from_file, refused = read_bank_confirmations(Path(confirmation_file))
        received += from_file
    refused += confirm_transfers(campaign, received)
    out = reports_dir(campaign, output_dir, "结算")
    written = write_settlement_files(ref, statements, day, str(out))
    totals = statements.totals()
    title = f"{c.campaign.locality}{c.campaign.insurance_year}年度"
    create_markdown_artifact(settlement_markdown(title, day.isoformat(), totals, statements.reconciled,
                                                 written["states"]), key=f"{campaign}-settlement",
                             description="财政补助结算汇总")
    link_outputs(campaign, out)
    if written["transfers"]:
        create_table_artifact(written["transfers"], key=f"{campaign}-fiscal-transfers",
                              description="资金划转申请与到账")
    return {"campaign": campaign, "as_of": day.isoformat(), "reconciled": statements.reconciled, **totals,
            "transfers": written["states"], "overdue": written["overdue"], "refused": refused, **stored,
            "files": written["files"], "output_dir": str(out)}
