"""A channel as the fields of Prefect's custom-webhook notification block, for automations to use."""

from __future__ import annotations

from typing import Any

from canbao.notify.config import ChannelSpec, expand_env
from canbao.notify.robots import DINGTALK_URL, WECOM_URL
from canbao.notify.routing import SecretResolver, env_secret, resolve_secret

__all__ = ["webhook_block_fields"]

# Placeholders the block fills before JSON encoding (Jinja belongs in the automation's subject/body only).
_TEXT = {"msgtype": "text", "text": {"content": "{{subject}}\n{{body}}"}}


def webhook_block_fields(name: str, spec: ChannelSpec, secrets: SecretResolver = env_secret) -> dict[str, Any]:
    """`url`, `params`, `json_data`, `secrets` for a CustomWebhookNotificationBlock sending like `spec`."""
    if spec.kind == "dingtalk" and spec.sign_secret:
        raise ValueError(f"{name}: a signed DingTalk robot needs a fresh signature per message, which a block "
                         "cannot make; automations reach it through the notify deployment instead")
    if spec.kind in ("email", "apprise", "outbox"):
        raise ValueError(f"{name}: a {spec.kind} channel cannot be a webhook block; choose a robot or webhook")
    url = expand_env(spec.url) if spec.url else {"dingtalk": DINGTALK_URL, "wecom": WECOM_URL}[spec.kind]
    token = resolve_secret(name, spec.token, secrets)
    param = {"dingtalk": "access_token", "wecom": "key"}.get(spec.kind)
    return {
        "name": name,
        "url": url,
        "params": {param: "{{token}}"} if param and token else None,
        "json_data": {"text": "*{{subject}}*\n{{body}}"} if spec.kind == "slack" else _TEXT,
        "secrets": {"token": token} if token else {},
    }
