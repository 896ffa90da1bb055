"""The inbox: a folder per source; new files found by hash, processed files moved aside.

Everything in a source folder is accounted for: a data file is taken in, a symlink leading out of the
inbox is refused (a file-level rejection, never read), and anything else (hidden, lock or unsupported
files, linked folders) is listed as ignored in the run's summary.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from canbao.identity import mask_ids_in

__all__ = ["INTAKE_ORDER", "PROCESSED", "IgnoredFile", "InboxFile", "InboxSurvey", "archive", "scan_inbox",
           "sha256_of", "survey_inbox"]

PROCESSED = "processed"
# Sources in the order they must be taken in: units and reference lists before the rows that use them.
# Exemption lists (inbox/exemption/<agency>/) are not among them: they need approval first and are taken in
# by the exemption-handoff flow (flows/exemption_handoff.py), which writes the approved list to `exemptions`.
# Proof decisions come last: they name people the registrations of the same run put in the ledger.
INTAKE_ORDER = ("targets", "last_year_roster", "deceased", "roster", "school", "bank_deduction",
                "self_service_terminal", "tax_app", "bank_counter", "service_window", "village_cash",
                "cash_deposit", "proof")
SUFFIXES = {".xlsx", ".xls", ".csv"}


@dataclass(frozen=True)
class InboxFile:
    """A received file: source, path, content hash, sending agency, and a refusal code found at scan time.

    A refused file (a symlink leading out of the inbox) is never opened: its hash is that of the link.
    """

    source: str
    path: Path
    sha256: str
    agency: str | None = None
    refusal: str | None = None

    @property
    def name(self) -> str:
        """The file name recorded in the ledger (agency lists keep their agency folder)."""
        return f"{self.agency}/{self.path.name}" if self.agency else self.path.name


@dataclass(frozen=True)
class IgnoredFile:
    """An entry of a source folder left unread: where (ID-like digits masked) and why (an IGNORED code)."""

    source: str
    name: str
    reason: str


@dataclass(frozen=True)
class InboxSurvey:
    """What a scan found: files to take in (refused ones included) and entries left unread."""

    files: list[InboxFile] = field(default_factory=list)
    ignored: list[IgnoredFile] = field(default_factory=list)


def sha256_of(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _inside(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root)


def _ignored_reason(name: str) -> str | None:
    if name.startswith("~$"):
        return "ignored_office_lock"
    if name.startswith("."):
        return "ignored_hidden"
    return None if Path(name).suffix.lower() in SUFFIXES else "ignored_suffix"


def _received(source: str, path: Path, agency: str | None) -> InboxFile:
    """A data file by its content hash; one that cannot be opened is refused by a hash of its name and size."""
    try:
        return InboxFile(source, path, sha256_of(path), agency)
    except OSError:
        stat = path.lstat()
        marker = f"unreadable:{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode()
        return InboxFile(source, path, hashlib.sha256(marker).hexdigest(), agency, "file_io_error")


def _survey_folder(source: str, folder: Path, root: Path, out: InboxSurvey) -> None:
    for here, dirs, names in os.walk(folder, followlinks=False):
        base = Path(here)
        for d in sorted(dirs):
            if (base / d).is_symlink() or d.startswith("."):
                reason = "ignored_folder_link" if (base / d).is_symlink() else "ignored_hidden"
                out.ignored.append(IgnoredFile(source, mask_ids_in(f"{(base / d).relative_to(folder)}/"), reason))
        dirs[:] = sorted(d for d in dirs if not (base / d).is_symlink() and not d.startswith("."))
        for name in sorted(names):
            path = base / name
            rel = path.relative_to(folder)
            agency = rel.parts[0] if len(rel.parts) > 1 else None
            why = _ignored_reason(name)
            if why is not None:
                out.ignored.append(IgnoredFile(source, mask_ids_in(str(rel)), why))
            elif path.is_symlink() and not _inside(path, root):
                link = hashlib.sha256(b"symlink:" + os.fsencode(os.readlink(path))).hexdigest()
                out.files.append(InboxFile(source, path, link, agency, "file_outside_inbox"))
            elif path.is_file():
                out.files.append(_received(source, path, agency))
            else:
                out.ignored.append(IgnoredFile(source, mask_ids_in(str(rel)), "ignored_folder_link"))


def survey_inbox(inbox: Path, sources: Sequence[str] = INTAKE_ORDER) -> InboxSurvey:
    """Every entry of the given sources' folders: files in intake order then by path, and ignored entries."""
    out = InboxSurvey()
    root = Path(inbox).resolve()
    for source in [s for s in INTAKE_ORDER if s in sources]:
        folder = Path(inbox) / source
        if folder.is_dir():
            found = InboxSurvey(ignored=out.ignored)
            _survey_folder(source, folder, root, found)
            out.files.extend(sorted(found.files, key=lambda f: f.path))
    return out


def scan_inbox(inbox: Path, sources: Sequence[str] = INTAKE_ORDER) -> list[InboxFile]:
    """Every file waiting in the inbox for the given sources, in intake order then by path."""
    return survey_inbox(inbox, sources).files


def archive(f: InboxFile, inbox: Path) -> Path:
    """Move a taken-in file to `<inbox>/processed/<source>/…`, never overwriting an earlier one."""
    target = inbox / PROCESSED / f.source / (f.agency or "") / f.path.name
    if target.exists():
        target = target.with_name(f"{target.stem}.{f.sha256[:8]}{target.suffix}")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(f.path), target)
    return target
