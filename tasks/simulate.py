"""Tasks of the simulation: a fresh output folder, the generated county, its deliveries, the bank's receipts."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from canbao.generate import generate
from canbao.policy.load import load_campaign
from canbao.settlement.transfer_ledger import load_transfers
from canbao.simulate.confirm import write_bank_file
from canbao.simulate.deliveries import Delivery, split_inbox
from canbao.simulate.plan import start_day
from tasks.runtime import ledger_engine

__all__ = ["LEDGER_FILE", "bank_receipts", "fresh_county"]

LEDGER_FILE = "ledger.db"
_OWN = ("deliveries", "reports", "confirmations")  # what a simulation writes besides generated/ and the ledger


@task(name="generate-county", cache_policy=NO_CACHE, persist_result=False)
def fresh_county(campaign: str, scale: float, seed: int, out: str, weeks: int = 1) -> list[Delivery]:
    """Clear a previous run's outputs, generate the county and cut its inbox into dated deliveries (`campaign`: an
    id or a config path)."""
    root = Path(out)
    for name in _OWN:
        shutil.rmtree(root / name, ignore_errors=True)
    for path in root.glob(f"{LEDGER_FILE}*"):
        path.unlink()
    c = load_campaign(campaign)
    manifest = generate(c, scale, seed, root / "generated")
    deliveries = split_inbox(c, root / "generated" / "inbox", root / "deliveries", start_day(c), weeks)
    get_run_logger().info("%s：模拟 %d 人，文件 %d 个，分 %d 次报送", c.id, manifest.population,
                          len(manifest.files), len(deliveries))
    return deliveries


@task(name="bank-receipts", cache_policy=NO_CACHE, persist_result=False)
def bank_receipts(campaign: str, day: date, out: str) -> str:
    """The simulated bank's receipt file for the transfers requested so far (one left unpaid)."""
    with ledger_engine().connect() as conn:
        transfers = load_transfers(conn, campaign)
    return str(write_bank_file(Path(out) / "confirmations" / f"银行到账回单_{day.isoformat()}.csv", transfers, day))
