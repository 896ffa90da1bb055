"""Where channels are defined: `configs/notify/channels.yaml` (or `$CANBAO_CHANNELS`), secrets by reference."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "CHANNELS_ENV", "DEFAULT_CHANNELS_FILE", "OFFLINE_ENV", "ChannelSpec", "NotifyConfig", "SecretRef",
    "channels_file", "expand_env", "load_notify_config",
]

CHANNELS_ENV = "CANBAO_CHANNELS"
OFFLINE_ENV = "CANBAO_NOTIFY_OFFLINE"
DEFAULT_CHANNELS_FILE = Path(__file__).resolve().parents[2] / "configs" / "notify" / "channels.yaml"
_VAR = re.compile(r"\$\{([A-Z0-9_]+)(?::-([^}]*))?\}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SecretRef(_Strict):
    """Where a secret lives: a Prefect Secret block and/or an environment variable (never its value)."""

    block: str | None = None
    env: str | None = None

    @model_validator(mode="after")
    def _somewhere(self) -> SecretRef:
        if not (self.block or self.env):
            raise ValueError("a secret needs 'block' or 'env'")
        return self

    def describe(self) -> str:
        """Where to put the secret, for error messages."""
        return " or ".join(x for x in (self.block and f"Secret block '{self.block}'",
                                       self.env and f"environment variable {self.env}") if x)


class ChannelSpec(_Strict):
    """One channel: a group robot, a Slack-style webhook, an SMTP mailbox list, any Apprise URL, or an outbox file."""

    kind: Literal["dingtalk", "wecom", "slack", "email", "apprise", "outbox"]
    url: str | None = Field(default=None, description="robot/webhook endpoint, or the Apprise URL of kind apprise "
                            "(it holds its secrets: give it as ${VAR}); ${VAR:-default} is expanded")
    token: SecretRef | None = Field(default=None, description="DingTalk access_token or WeCom key")
    sign_secret: SecretRef | None = Field(default=None, description="DingTalk signing secret (加签)")
    host: str | None = None
    port: int = 25
    security: Literal["none", "starttls", "ssl"] = "none"
    sender: str | None = None
    to: list[str] = []
    username: str | None = None
    password: SecretRef | None = None
    path: str | None = Field(default=None, description="outbox: the JSON-lines file")

    @model_validator(mode="after")
    def _fields_of_kind(self) -> ChannelSpec:
        if self.kind in ("slack", "apprise") and not self.url:
            raise ValueError(f"a {self.kind} channel needs 'url'")
        if self.kind == "email" and not (self.host and self.sender and self.to):
            raise ValueError("an email channel needs 'host', 'sender' and 'to'")
        if self.sign_secret and self.kind != "dingtalk":
            raise ValueError("'sign_secret' only applies to dingtalk")
        return self


class NotifyConfig(_Strict):
    """The `notify:` section: channel definitions, the default recipients, offline mode."""

    channels: dict[str, ChannelSpec]
    default: list[str] = Field(default_factory=list, description="channels of agencies that list none")
    automation_channel: str | None = Field(default=None, description="becomes the Prefect notification block")
    offline: bool = False
    outbox: str = "data/outbox.jsonl"

    @model_validator(mode="after")
    def _names_exist(self) -> NotifyConfig:
        unknown = [n for n in [*self.default, self.automation_channel] if n and n not in self.channels]
        if unknown:
            raise ValueError(f"unknown channel(s) {unknown}; defined: {sorted(self.channels)}")
        return self

    @property
    def is_offline(self) -> bool:
        """Offline by config or by `CANBAO_NOTIFY_OFFLINE=1`: every channel writes to the outbox."""
        return self.offline or os.environ.get(OFFLINE_ENV, "").strip().lower() in ("1", "true", "yes")


def expand_env(text: str) -> str:
    """`${VAR}` and `${VAR:-default}` replaced from the environment (URLs only; secrets are references)."""
    def one(m: re.Match[str]) -> str:
        value = os.environ.get(m.group(1))
        if value is None and m.group(2) is None:
            raise ValueError(f"environment variable {m.group(1)} is not set (used in a channel URL)")
        return value if value is not None else m.group(2)

    return _VAR.sub(one, text)


def channels_file() -> Path:
    """The channel definitions in use: `$CANBAO_CHANNELS`, else configs/notify/channels.yaml."""
    return Path(os.environ.get(CHANNELS_ENV, "").strip() or DEFAULT_CHANNELS_FILE)


def load_notify_config(path: Path | None = None) -> NotifyConfig:
    """The `notify:` section of a channels file, validated."""
    source = path or channels_file()
    raw = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict) or "notify" not in raw:
        raise ValueError(f"{source}: expected a top-level 'notify:' section")
    return NotifyConfig.model_validate(raw["notify"])
