"""What a file really is, from its first bytes: agencies save CSV and HTML under .xls."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

__all__ = ["FileKind", "sniff"]

FileKind = Literal["empty", "zip", "ole", "html", "text", "unknown"]

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: BIFF .xls (or an encrypted .xlsx)
_HTML = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|table)\b",
                   re.IGNORECASE | re.DOTALL)
_UTF16 = (b"\xff\xfe", b"\xfe\xff")
_HEAD = 4096


def _looks_like_text(head: bytes) -> bool:
    """Few control bytes (NUL included): UTF-8, GB18030 or any ASCII-compatible text.

    A stray NUL or control character in a CSV cell is the row's fault (refused by the intake with a
    reason), not the file's; binary content and BOM-less UTF-16 have far more than one in a hundred."""
    controls = sum(b < 0x20 and b not in b"\t\r\n\x0c" for b in head)
    return controls <= len(head) // 100


def sniff(path: Path) -> FileKind:
    """The kind of content in the file, whatever its name says."""
    with path.open("rb") as fh:
        head = fh.read(_HEAD)
    if not head:
        return "empty"
    if head.startswith(_ZIP):
        return "zip"
    if head.startswith(_OLE):
        return "ole"
    if head.startswith(_UTF16):  # "Unicode text" exports: look at them as UTF-8
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    head = head.removeprefix(b"\xef\xbb\xbf")
    if _HTML.match(head):
        return "html"
    return "text" if _looks_like_text(head) else "unknown"
