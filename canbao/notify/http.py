"""Posting JSON to a webhook with the standard library, and reading a group robot's answer."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from canbao.notify.message import NotifyError

__all__ = ["TIMEOUT_S", "check_errcode", "post_json"]

TIMEOUT_S = 10.0


def post_json(channel: str, url: str, payload: dict[str, Any], params: dict[str, str] | None = None,
              timeout: float = TIMEOUT_S) -> tuple[int, str]:
    """POST `payload` as UTF-8 JSON to `url` (query `params` appended); the status and body text."""
    if params:
        url = f"{url}{'&' if '?' in url else '?'}{urllib.parse.urlencode(params)}"
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as exc:
        raise NotifyError(channel, f"对方返回 HTTP {exc.code}：{exc.read()[:200].decode('utf-8', 'replace')}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise NotifyError(channel, f"无法连接（unreachable）：{reason}") from None


def check_errcode(channel: str, body: str) -> str:
    """A DingTalk/WeCom robot answers HTTP 200 even on failure: `errcode != 0` is a refusal."""
    try:
        answer = json.loads(body)
    except json.JSONDecodeError:
        raise NotifyError(channel, f"机器人未返回 JSON：{body[:200]!r}") from None
    code = answer.get("errcode") if isinstance(answer, dict) else None
    if code != 0:
        raise NotifyError(channel, f"机器人拒收消息：errcode={code} errmsg={answer.get('errmsg')!r}")
    return str(answer.get("errmsg", "ok"))
