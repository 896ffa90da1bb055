"""An offline coordinator channel for flow tests: every message lands in an outbox file, nothing is sent."""

from __future__ import annotations

from pathlib import Path

import pytest

__all__ = ["offline_coordinator"]


def offline_coordinator(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the notify config at one `coordinator` channel (DingTalk kind) kept offline; returns its outbox."""
    outbox = tmp_path / "outbox.jsonl"
    channels = tmp_path / "channels.yaml"
    channels.write_text(f"notify:\n  default: [coordinator]\n  outbox: {outbox}\n  channels:\n"
                        "    coordinator: {kind: dingtalk}\n", encoding="utf-8")
    monkeypatch.setenv("CANBAO_CHANNELS", str(channels))
    monkeypatch.setenv("CANBAO_NOTIFY_OFFLINE", "1")
    return outbox
