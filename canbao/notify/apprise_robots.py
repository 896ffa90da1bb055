"""DingTalk and WeCom group robots as Apprise plugins that take a refusal (HTTP 200, `errcode != 0`) as a failure.

Apprise 1.13's own `dingtalk://` and `wecombot://` count any HTTP 200 as delivered, post only to the public hosts,
and `dingtalk://` URL-encodes the signature twice (DingTalk then refuses it). These subclasses keep their URL
syntax (`dingtalk://SECRET@TOKEN/`, `wecombot://KEY/`), add `?endpoint=` for another host (a gateway, the local
receiver), sign once, and read the robot's answer. They log no URL, token or key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
import time
from typing import Any

import requests
from apprise import NotifyType
from apprise.plugins.base import NotifyBase
from apprise.plugins.dingtalk import NotifyDingTalk
from apprise.plugins.wecombot import NotifyWeComBot

__all__ = ["DINGTALK_URL", "WECOM_URL", "CheckedDingTalk", "CheckedWeComBot", "dingtalk_sign"]

DINGTALK_URL = "https://oapi.dingtalk.com/robot/send"
WECOM_URL = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"


_SECRET_PARAM = re.compile(r"((?:access_token|key|sign)=)[^&\s\"]+")


class _MaskRobotSecrets(logging.Filter):
    """urllib3 logs each request line at DEBUG, query string and all: mask the robots' token, key and sign."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_SECRET_PARAM.sub(r"\1***", a) if isinstance(a, str) else a for a in record.args)
        return True


logging.getLogger("urllib3.connectionpool").addFilter(_MaskRobotSecrets())


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's `sign`: base64 of HMAC-SHA256 over "{timestamp_ms}\\n{secret}" keyed by the secret."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def _post_checked(plugin: NotifyBase, url: str, params: dict[str, str], text: str) -> bool:
    """POST a text message; True only if the robot answers HTTP 200 with `errcode` 0 (reasons logged, no URL)."""
    data = json.dumps({"msgtype": "text", "text": {"content": text}}, ensure_ascii=False).encode("utf-8")
    try:
        r = requests.post(url, params=params or None, data=data, timeout=plugin.request_timeout,
                          verify=plugin.verify_certificate,
                          headers={"User-Agent": plugin.app_id, "Content-Type": "application/json; charset=utf-8"})
    except requests.RequestException as exc:  # its text holds the URL with the token: name the kind only
        plugin.logger.warning("无法连接（unreachable）：%s", type(exc).__name__)
        return False
    if r.status_code != requests.codes.ok:
        plugin.logger.warning("对方返回 HTTP %s：%r", r.status_code, r.text[:200])
        return False
    try:
        answer: Any = r.json()
    except ValueError:
        plugin.logger.warning("机器人未返回 JSON：%r", r.text[:200])
        return False
    code = answer.get("errcode") if isinstance(answer, dict) else None
    if code != 0:
        errmsg = answer.get("errmsg") if isinstance(answer, dict) else None
        plugin.logger.warning("机器人拒收消息：errcode=%s errmsg=%r", code, errmsg)
        return False
    return True


def _endpoint(results: dict[str, Any] | None) -> dict[str, Any] | None:
    if results and results["qsd"].get("endpoint"):
        results["endpoint"] = NotifyBase.unquote(results["qsd"]["endpoint"])
    return results


class CheckedDingTalk(NotifyDingTalk):
    """`dingtalk://[SECRET@]TOKEN/[?endpoint=URL]`: text messages, signed when a secret is given, refusals fail."""

    def __init__(self, token: str | None = None, targets: Any = None, secret: str | None = None,
                 endpoint: str | None = None, **kwargs: Any) -> None:
        NotifyBase.__init__(self, **kwargs)  # the parent's checks demand a token; the local receiver needs none
        if not (token or endpoint):
            raise TypeError("a DingTalk robot needs a token or an endpoint")
        self.token, self.secret, self.targets, self.endpoint = token or None, secret or None, [], endpoint

    def send(self, body: str, title: str = "", notify_type: NotifyType = NotifyType.INFO, **kwargs: Any) -> bool:
        """Post the body; the signature (加签) is fresh per send and valid for about an hour."""
        params = {"access_token": self.token} if self.token else {}
        if self.secret:
            stamp = int(time.time() * 1000)  # wall time, not canbao.clock: DingTalk checks it against its own
            params |= {"timestamp": str(stamp), "sign": dingtalk_sign(self.secret, stamp)}
        return _post_checked(self, self.endpoint or DINGTALK_URL, params, body)

    @staticmethod
    def parse_url(url: str, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        """The parent's syntax plus `endpoint`."""
        return _endpoint(NotifyDingTalk.parse_url(url, *args, **kwargs))


class CheckedWeComBot(NotifyWeComBot):
    """`wecombot://KEY/[?endpoint=URL]`: text messages to a WeCom (企业微信) group robot, refusals fail."""

    def __init__(self, key: str | None = None, endpoint: str | None = None, **kwargs: Any) -> None:
        NotifyBase.__init__(self, **kwargs)
        if not (key or endpoint):
            raise TypeError("a WeCom robot needs a key or an endpoint")
        self.key, self.endpoint = key or None, endpoint

    def send(self, body: str, title: str = "", notify_type: NotifyType = NotifyType.INFO, **kwargs: Any) -> bool:
        """Post the body as a text message."""
        return _post_checked(self, self.endpoint or WECOM_URL, {"key": self.key} if self.key else {}, body)

    @staticmethod
    def parse_url(url: str, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        """The parent's syntax plus `endpoint`."""
        return _endpoint(NotifyWeComBot.parse_url(url, *args, **kwargs))
