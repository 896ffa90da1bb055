"""The inbox: a folder per source; new files found by hash, processed files moved aside."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["INTAKE_ORDER", "PROCESSED", "InboxFile", "archive", "scan_inbox", "sha256_of"]

PROCESSED = "processed"
# Sources in the order they must be taken in: units and reference lists before the rows that use them.
# Exemption lists (inbox/exemption/<agency>/) are not among them: they need approval first and are taken in
# by the exemption-handoff flow (flows/exemption_handoff.py), which writes the approved list to `exemptions`.
INTAKE_ORDER = ("targets", "last_year_roster", "deceased", "roster", "school", "bank_deduction",
                "self_service_terminal", "tax_app", "bank_counter", "service_window", "village_cash", "cash_deposit")
SUFFIXES = {".xlsx", ".xls", ".csv"}


@dataclass(frozen=True)
class InboxFile:
    """A received file: its source, path, content hash and (for exemption lists) the sending agency."""

    source: str
    path: Path
    sha256: str
    agency: str | None = None

    @property
    def name(self) -> str:
        """The file name recorded in the ledger (agency lists keep their agency folder)."""
        return f"{self.agency}/{self.path.name}" if self.agency else self.path.name


def sha256_of(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def scan_inbox(inbox: Path, sources: Sequence[str] = INTAKE_ORDER) -> list[InboxFile]:
    """Every data file waiting in the inbox for the given sources, in intake order then by name."""
    found: list[InboxFile] = []
    for source in [s for s in INTAKE_ORDER if s in sources]:
        folder = inbox / source
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
                           and not p.name.startswith(("~$", "."))):
            rel = path.relative_to(folder)
            agency = rel.parts[0] if len(rel.parts) > 1 else None
            found.append(InboxFile(source, path, sha256_of(path), agency))
    return found


def archive(f: InboxFile, inbox: Path) -> Path:
    """Move a taken-in file to `<inbox>/processed/<source>/…`, never overwriting an earlier one."""
    target = inbox / PROCESSED / f.source / (f.agency or "") / f.path.name
    if target.exists():
        target = target.with_name(f"{target.stem}.{f.sha256[:8]}{target.suffix}")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(f.path), target)
    return target
