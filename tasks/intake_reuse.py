"""Tasks that let a rerun on an unchanged ledger reuse the intake's outputs (canbao.intake.stamp)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from canbao.intake.fingerprint import ledger_fingerprint
from canbao.intake.stamp import (
    OUTPUTS_VERSION,
    IntakeStamp,
    ReconciliationSummary,
    config_sha256,
    discard_stamp,
    read_stamp,
    stale_reason,
    write_stamp,
)
from canbao.policy.load import load_campaign
from tasks.runtime import ledger_engine

__all__ = ["REUSED", "OutputsCheck", "check_outputs", "stamp_outputs"]

REUSED = "账本与上次导入相同，沿用上次的对账表和退回清单"


@dataclass(frozen=True)
class OutputsCheck:
    """The ledger's fingerprint and config hash now, and the stamp whose outputs can be reused (or None)."""

    fingerprint: str
    config_sha256: str
    reusable: IntakeStamp | None


@task(name="check-outputs", cache_policy=NO_CACHE, persist_result=False)
def check_outputs(campaign: str, output_dir: str, as_of: date) -> OutputsCheck:
    """Whether the outputs in `output_dir` were made from the ledger as it is now, the same config and day;
    when not, their stamp is removed before they are rewritten. `campaign`: an id or a config path."""
    c = load_campaign(campaign)
    with ledger_engine().connect() as conn:
        fingerprint = ledger_fingerprint(conn, c.id)
    config, out = config_sha256(c), Path(output_dir)
    stamp = read_stamp(out)
    reason = stale_reason(stamp, fingerprint, config, as_of)
    if reason is None:
        get_run_logger().info("%s（对账日 %s）", REUSED, as_of.isoformat())
        return OutputsCheck(fingerprint, config, stamp)
    discard_stamp(out)
    get_run_logger().info("重新对账并生成退回清单：%s", reason)
    return OutputsCheck(fingerprint, config, None)


@task(name="stamp-outputs", cache_policy=NO_CACHE, persist_result=False)
def stamp_outputs(check: OutputsCheck, output_dir: str, as_of: date, recon: ReconciliationSummary,
                  error_workbooks: list[str]) -> str:
    """Record what the outputs just written were made from (written after them); the stamp's path."""
    stamp = IntakeStamp(check.fingerprint, check.config_sha256, as_of.isoformat(), OUTPUTS_VERSION, recon,
                        list(error_workbooks))
    return str(write_stamp(Path(output_dir), stamp))
