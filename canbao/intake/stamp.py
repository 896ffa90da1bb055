"""The intake's output stamp: what the outputs in a folder were made from, so a rerun on an unchanged ledger
reuses them (the reconciliation workbook, the error workbooks and the figures published from them)."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from canbao.formats.protect import FILE_MODE
from canbao.policy.load import config_file
from canbao.policy.model import Campaign

__all__ = ["OUTPUTS_VERSION", "STAMP_NAME", "IntakeStamp", "ReconciliationSummary", "config_sha256",
           "discard_stamp", "read_stamp", "stale_reason", "write_stamp"]

STAMP_NAME = ".intake-stamp.json"
# Bump when the reconciliation or error workbooks, or the figures published from them, change form.
OUTPUTS_VERSION = 1


@dataclass(frozen=True)
class ReconciliationSummary:
    """What a run publishes of the reconciliation: anomaly and double-limit counts, cash differences, the
    workbook, and the per unit/channel records (Chinese headers, as in the artifact)."""

    anomalies: dict[str, int]
    breach_kinds: dict[str, int]
    breaches: int
    cash_differences: int
    workbook: str
    units: list[dict[str, object]]


@dataclass(frozen=True)
class IntakeStamp:
    """The outputs of one run and what they were made from (ledger fingerprint, config, as-of, format)."""

    fingerprint: str
    config_sha256: str
    as_of: str
    version: int
    reconciliation: ReconciliationSummary
    error_workbooks: list[str]


def config_sha256(c: Campaign) -> str:
    """SHA-256 of the campaign's config file as the run loaded it."""
    return hashlib.sha256(config_file(c).read_bytes()).hexdigest()


def write_stamp(out: Path, stamp: IntakeStamp) -> Path:
    """Write the stamp owner-only (it names internal figures), atomically: a crash leaves the old one or none.

    Paths are kept relative to `out`, so a moved or differently named folder still finds its files."""
    record = asdict(stamp)
    record["reconciliation"]["workbook"] = os.path.relpath(stamp.reconciliation.workbook, out)
    record["error_workbooks"] = [os.path.relpath(p, out) for p in stamp.error_workbooks]
    path, temporary = out / STAMP_NAME, out / f"{STAMP_NAME}.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        os.fchmod(fh.fileno(), FILE_MODE)
        json.dump(record, fh, ensure_ascii=False, indent=1)
    os.replace(temporary, path)
    return path


def read_stamp(out: Path) -> IntakeStamp | None:
    """The folder's stamp with paths under `out`, or None when there is none or it cannot be read."""
    try:
        record = json.loads((out / STAMP_NAME).read_text(encoding="utf-8"))
        recon = ReconciliationSummary(**{**record["reconciliation"],
                                         "workbook": str(out / record["reconciliation"]["workbook"])})
        return IntakeStamp(**{**record, "reconciliation": recon,
                              "error_workbooks": [str(out / p) for p in record["error_workbooks"]]})
    except (OSError, ValueError, KeyError, TypeError):  # missing, not JSON, or an older shape: recompute
        return None


def discard_stamp(out: Path) -> None:
    """Remove the folder's stamp before its outputs are rewritten (a crash then leaves no stamp)."""
    (out / STAMP_NAME).unlink(missing_ok=True)


def stale_reason(stamp: IntakeStamp | None, fingerprint: str, config: str, as_of: date) -> str | None:
    """Why the stamped outputs cannot be reused (in Chinese), or None when they can."""
    if stamp is None:
        return "输出目录中没有上次导入的记录"
    if stamp.version != OUTPUTS_VERSION:
        return "输出格式已更新"
    if stamp.config_sha256 != config:
        return "地区配置已更改"
    if stamp.as_of != as_of.isoformat():
        return f"对账日期不同（上次为 {stamp.as_of}）"
    if stamp.fingerprint != fingerprint:
        return "账本有变动"
    missing = [p for p in [stamp.reconciliation.workbook, *stamp.error_workbooks] if not Path(p).is_file()]
    if missing:
        return f"上次的输出文件缺失 {len(missing)} 个（如 {Path(missing[0]).name}）"
    return None
