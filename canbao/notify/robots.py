"""Group robots and chat webhooks: DingTalk (optionally signed), WeCom, Slack-style."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass

from canbao.notify.http import check_errcode, post_json
from canbao.notify.message import Message, NotifyError, Receipt

__all__ = ["DINGTALK_URL", "WECOM_URL", "DingTalkRobot", "SlackWebhook", "WeComRobot", "dingtalk_sign"]

DINGTALK_URL = "https://oapi.dingtalk.com/robot/send"
WECOM_URL = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's `sign`: base64 of HMAC-SHA256 over "{timestamp_ms}\\n{secret}" keyed by the secret."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


@dataclass(frozen=True)
class DingTalkRobot:
    """A DingTalk group robot; with `sign_secret` every send carries a fresh timestamp and signature."""

    name: str
    url: str = DINGTALK_URL
    token: str | None = None
    sign_secret: str | None = None
    kind: str = "dingtalk"

    def params(self, now_ms: int | None = None) -> dict[str, str]:
        """The query string of one send (the signature is only valid for about an hour)."""
        out = {"access_token": self.token} if self.token else {}
        if self.sign_secret:
            stamp = now_ms if now_ms is not None else int(time.time() * 1000)
            out |= {"timestamp": str(stamp), "sign": dingtalk_sign(self.sign_secret, stamp)}
        return out

    def send(self, message: Message) -> Receipt:
        """Post a text message; `errcode != 0` raises NotifyError."""
        _, body = post_json(self.name, self.url, {"msgtype": "text", "text": {"content": message.text}},
                            self.params())
        return Receipt(self.name, self.kind, check_errcode(self.name, body))


@dataclass(frozen=True)
class WeComRobot:
    """A WeCom (企业微信) group robot, addressed by its `key`."""

    name: str
    url: str = WECOM_URL
    key: str | None = None
    kind: str = "wecom"

    def send(self, message: Message) -> Receipt:
        """Post a text message; `errcode != 0` raises NotifyError."""
        params = {"key": self.key} if self.key else None
        _, body = post_json(self.name, self.url, {"msgtype": "text", "text": {"content": message.text}}, params)
        return Receipt(self.name, self.kind, check_errcode(self.name, body))


@dataclass(frozen=True)
class SlackWebhook:
    """A Slack-style incoming webhook (Slack, Mattermost, Rocket.Chat): `{"text": ...}`."""

    name: str
    url: str
    kind: str = "slack"

    def send(self, message: Message) -> Receipt:
        """Post the text; a non-2xx answer raises NotifyError (Slack answers errors with 4xx)."""
        status, body = post_json(self.name, self.url, {"text": f"*{message.subject}*\n{message.body}"})
        if not 200 <= status < 300:
            raise NotifyError(self.name, f"webhook 返回 HTTP {status}：{body[:200]!r}")
        return Receipt(self.name, self.kind, body.strip()[:100] or "ok")
