"""Where output files live (`$CANBAO_OUTPUT_DIR`, default out/) and the address each downloads from."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

__all__ = ["FILES_URL_ENV", "OUTPUT_DIR_ENV", "download_url", "output_root"]

OUTPUT_DIR_ENV = "CANBAO_OUTPUT_DIR"
FILES_URL_ENV = "CANBAO_FILES_URL"


def output_root() -> Path:
    """The folder every run writes its outputs under (the file service serves this folder only)."""
    return Path(os.environ.get(OUTPUT_DIR_ENV, "out")).resolve()


def download_url(path: Path, root: Path | None = None, base: str | None = None) -> str | None:
    """The file service's address of `path`, or None when no service is configured or the file lies outside
    the output root (it could not be served)."""
    base = base if base is not None else os.environ.get(FILES_URL_ENV, "")
    root = (root or output_root()).resolve()
    try:
        relative = path.resolve().relative_to(root)
    except ValueError:
        return None
    return f"{base.rstrip('/')}/{quote(relative.as_posix())}" if base else None
