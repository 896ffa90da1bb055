"""From names to channels: an agency's recipients, and a channel built from its spec and secrets."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from canbao.notify.config import ChannelSpec, NotifyConfig, SecretRef, expand_env
from canbao.notify.message import Channel, NotifyError
from canbao.notify.outbox import OutboxChannel
from canbao.notify.robots import DINGTALK_URL, WECOM_URL, AppriseChannel, DingTalkRobot, SlackWebhook, WeComRobot
from canbao.notify.smtp import SmtpEmail
from canbao.policy.model import Campaign

__all__ = ["SecretResolver", "build_channel", "env_secret", "recipients", "resolve_secret"]

SecretResolver = Callable[[SecretRef], "str | None"]


def env_secret(ref: SecretRef) -> str | None:
    """A secret from the environment only (the Prefect layer also looks in Secret blocks)."""
    return (os.environ.get(ref.env) or None) if ref.env else None


def resolve_secret(channel: str, ref: SecretRef | None, secrets: SecretResolver) -> str | None:
    """The secret's value; a declared secret that is nowhere to be found is a NotifyError."""
    if ref is None:
        return None
    value = secrets(ref)
    if not value:
        raise NotifyError(channel, f"未设置密钥（secret not set）：请放入 {ref.describe()}")
    return value


def recipients(campaign: Campaign, agency: str, cfg: NotifyConfig) -> list[str]:
    """Channel names of an agency: its `channels` in the campaign config, else the configured default."""
    names = next((a.channels for a in campaign.agencies if a.code == agency), None) or cfg.default
    unknown = [n for n in names if n not in cfg.channels]
    if unknown:
        raise ValueError(f"{campaign.id}: agency '{agency}' names undefined channel(s) {unknown}")
    return list(names)


def _expand(name: str, text: str | None) -> str | None:
    try:
        return expand_env(text) if text else None
    except ValueError as exc:
        raise NotifyError(name, str(exc)) from None


def _live(name: str, spec: ChannelSpec, secrets: SecretResolver) -> Channel:
    url = _expand(name, spec.url)
    if spec.kind == "dingtalk":
        return DingTalkRobot(name, url or DINGTALK_URL, resolve_secret(name, spec.token, secrets),
                             resolve_secret(name, spec.sign_secret, secrets))
    if spec.kind == "wecom":
        return WeComRobot(name, url or WECOM_URL, resolve_secret(name, spec.token, secrets))
    if spec.kind == "slack":
        return SlackWebhook(name, url or "")
    if spec.kind == "apprise":
        return AppriseChannel(name, url or "")
    if spec.kind == "email":
        return SmtpEmail(name, _expand(name, spec.host) or "", spec.sender or "", tuple(spec.to), spec.port,
                         spec.username, resolve_secret(name, spec.password, secrets), spec.security)
    return OutboxChannel(name, Path(_expand(name, spec.path) or "data/outbox.jsonl"))


def build_channel(name: str, cfg: NotifyConfig, secrets: SecretResolver = env_secret) -> Channel:
    """The channel called `name`: live, or the outbox standing in for it when notifications are offline."""
    spec = cfg.channels[name]
    if cfg.is_offline:
        return OutboxChannel(name, Path(_expand(name, cfg.outbox) or "data/outbox.jsonl"), stands_for=spec.kind)
    return _live(name, spec, secrets)
