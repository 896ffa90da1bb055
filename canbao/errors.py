"""Canbao's one error hierarchy: every error it raises on purpose carries a Chinese message for coordinators."""

from __future__ import annotations

import re

__all__ = ["CanbaoError", "InputError", "LedgerError", "failure_message", "scrub_personal_data"]

# Any run of 11 or more digits (an ID number ends in X at most): phones, ID numbers, and either inside a longer run.
_LONG_NUMBER = re.compile(r"[0-9]{10,}[0-9Xx]")


def _mask(run: str) -> str:
    keep = 6 if len(run) >= 18 else 3
    return run[:keep] + "*" * (len(run) - keep - 4) + run[-4:]


def scrub_personal_data(text: str) -> str:
    """The text with every long number masked as ID numbers and phones are (`510723********1234`, `138****5678`)."""
    return _LONG_NUMBER.sub(lambda m: _mask(m.group(0)), text)


class CanbaoError(Exception):
    """An error Canbao raises on purpose: `message` is Chinese and safe to show to a coordinator."""

    code: str = "canbao_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class LedgerError(CanbaoError):
    """The ledger database refused a statement; the message names the error kind, never a row's values."""

    code = "ledger_error"

    def __init__(self, message: str, *, kind: str, constraint: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind  # the SQLAlchemy/DBAPI exception class name, e.g. IntegrityError
        self.constraint = constraint


class InputError(CanbaoError, ValueError):
    """A run asked for something that is not there (a missing inbox, nothing selected, a day outside the campaign)."""

    code = "input_error"


def failure_message(what: str, exc: BaseException, link: str | None = None) -> str:
    """What a coordinator reads when a run fails: Canbao's own Chinese message, or for any other error a generic
    one pointing to the run's log (the raw exception text never reaches a notification)."""
    where = f"（运行页面：{link}）" if link else ""
    if isinstance(exc, CanbaoError):
        return f"{what}失败：{scrub_personal_data(exc.message)}{where}"
    return f"运行失败：{what}出现程序错误，请查看运行日志{where}，并将日志交技术支持人员处理。"
