"""Restricted (内部) outputs: owner-only from the moment they exist, in owner-only folders.

Files whose names carry 内部 hold full ID numbers, names or the county's internal figures. `prepare_output`
runs before any writer opens a path: it makes the folder (0700 when the file is restricted) and, for a
restricted file, creates it empty with mode 0600 first. Writers open paths with "w"/"wb", which truncates an
existing file and keeps its mode, so the content never lands in a file anyone else can read.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["FILE_MODE", "FOLDER_MODE", "RESTRICTED_MARK", "is_restricted", "prepare_output"]

RESTRICTED_MARK = "内部"
FILE_MODE = 0o600
FOLDER_MODE = 0o700


def is_restricted(path: Path | str) -> bool:
    """Whether the file is an internal one (its name carries 内部)."""
    return RESTRICTED_MARK in Path(path).name


def prepare_output(path: Path | str) -> Path:
    """Make `path`'s folder; for a 内部 file, the folder owner-only and the file created owner-only, empty."""
    path = Path(path)
    if not is_restricted(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        return path
    path.parent.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    os.chmod(path.parent, FOLDER_MODE)  # an existing folder too; mkdir's mode also passes through the umask
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)  # a file that existed keeps its old mode through O_CREAT
    finally:
        os.close(fd)
    return path
