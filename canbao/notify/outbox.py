"""The offline channel: messages appended to a JSON-lines file instead of leaving the machine."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from canbao.clock import now
from canbao.notify.message import Message, Receipt

__all__ = ["OutboxChannel", "read_outbox"]


@dataclass(frozen=True)
class OutboxChannel:
    """Stands in for any channel offline (demos, simulations, tests): one JSON line per message."""

    name: str
    path: Path
    stands_for: str = "outbox"
    kind: str = "outbox"

    def send(self, message: Message) -> Receipt:
        """Append the message with the channel it stands for and the (Shanghai) time."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = {"at": now().isoformat(timespec="seconds"), "channel": self.name, "stands_for": self.stands_for,
                "subject": message.subject, "body": message.body}
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
        return Receipt(self.name, self.kind, f"written to {self.path.name}")


def read_outbox(path: Path) -> list[dict[str, str]]:
    """Every message written to an outbox file, oldest first (empty when there is none)."""
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

