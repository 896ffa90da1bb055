"""What every channel sends and answers: a message, a receipt, and the error a refused send raises."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from canbao.errors import CanbaoError

__all__ = ["Channel", "Message", "NotifyError", "Receipt"]


@dataclass(frozen=True)
class Message:
    """A notification: a short Chinese subject line and a plain-text body (no unmasked personal data)."""

    subject: str
    body: str

    @property
    def text(self) -> str:
        """Subject and body as one text block, as group robots show it."""
        return f"{self.subject}\n{self.body}" if self.body else self.subject


@dataclass(frozen=True)
class Receipt:
    """A delivered message: which channel took it and what the far end answered."""

    channel: str
    kind: str
    detail: str = ""


class NotifyError(CanbaoError, RuntimeError):
    """A message the far end refused or never got (HTTP error, robot `errcode != 0`, SMTP refusal)."""

    code = "notify_failed"

    def __init__(self, channel: str, reason: str) -> None:
        super().__init__(f"通知渠道 {channel} 发送失败：{reason}")
        self.channel = channel
        self.reason = reason


class Channel(Protocol):
    """One place messages go; `send` returns a receipt or raises NotifyError."""

    name: str
    kind: str

    def send(self, message: Message) -> Receipt:
        """Deliver `message` or raise NotifyError."""
        ...
