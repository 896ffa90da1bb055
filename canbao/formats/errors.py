"""The one error a reader raises for a file it cannot take: a reason code and a Chinese detail."""

from __future__ import annotations

from canbao.errors import CanbaoError

__all__ = ["FormatError"]


class FormatError(CanbaoError, ValueError):
    """A file that cannot be read as its source: damaged, too big, of unknown type, or lacking columns.

    `reason` is a code of canbao.reasons (the file-level label); `detail` is Chinese text for the sender
    that never holds the file's name or any cell value, so it can go into outputs and the ledger as is.

    `found`, `expected` and `hint` are set when columns are missing: the headers the file has, the headers
    that would have been recognised for each missing column, and the config lines that would map them.
    """

    def __init__(self, message: str, reason: str = "file_unreadable", detail: str = "", *,
                 found: tuple[str, ...] = (), expected: dict[str, tuple[str, ...]] | None = None,
                 hint: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.reason = reason
        self.detail = detail
        self.found = found
        self.expected = expected or {}
        self.hint = hint
