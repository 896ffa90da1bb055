"""Refusing a run that could take in nothing: a missing inbox, no source chosen, an inbox with none of them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from canbao.errors import InputError
from canbao.intake.inbox import PROCESSED

__all__ = ["require_inbox", "require_sources"]


def require_inbox(inbox: Path, folders: Sequence[str] = ()) -> None:
    """Raise InputError unless `inbox` is a directory holding at least one of `folders` if given (or `processed/`).

    An inbox whose folders are all empty is fine (everything was taken in before); a path that is no inbox is not."""
    expected = "、".join(f"{f}/" for f in folders[:3]) + ("等" if len(folders) > 3 else "")
    if not inbox.is_dir():
        raise InputError(f"收件箱目录不存在：{inbox}。请检查“收件箱目录”参数" +
                         (f"：应为含 {expected}子目录的目录。" if folders else "。"))
    if folders and not any((inbox / f).is_dir() for f in (*folders, PROCESSED)):
        raise InputError(f"收件箱目录 {inbox} 中没有所选来源的子目录（{expected}）：路径可能填错了，请检查后重新运行。")


def require_sources(sources: Sequence[str]) -> None:
    """Raise InputError when no source is selected."""
    if not sources:
        raise InputError("未选择任何导入来源：请在“导入来源”中至少选择一项后重新运行。")
