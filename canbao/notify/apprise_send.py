"""One send through Apprise: a service from an Apprise URL (robots checked), failures as NotifyError, no secrets."""

from __future__ import annotations

import logging
from collections.abc import Iterable

import apprise
from apprise.plugins.base import NotifyBase

from canbao.notify.apprise_robots import CheckedDingTalk, CheckedWeComBot
from canbao.notify.message import NotifyError

__all__ = ["CHECKED", "apprise_service", "send_via_apprise"]

# Apprise schemes served by Canbao's checked robot plugins instead of Apprise's own.
CHECKED: dict[str, type[NotifyBase]] = {"dingtalk": CheckedDingTalk, "wecombot": CheckedWeComBot}


def apprise_service(channel: str, url: str) -> NotifyBase:
    """The Apprise plugin for `url`; `dingtalk://` and `wecombot://` get the checked robots. A URL Apprise cannot
    read is a NotifyError that does not repeat the URL (it may hold a secret)."""
    scheme = url.split("://", 1)[0].lower()
    try:
        if scheme in CHECKED:
            args = CHECKED[scheme].parse_url(url)
            service = CHECKED[scheme](**args) if args else None
        else:
            service = apprise.Apprise.instantiate(url, suppress_exceptions=True)
    except TypeError:
        service = None
    if not service:
        raise NotifyError(channel, f"Apprise 无法识别该渠道地址（{scheme}://…）")
    return service


def _scrub(text: str, secrets: Iterable[str | None]) -> str:
    for s in secrets:
        if s:
            text = text.replace(s, "***")
    return text


def send_via_apprise(channel: str, service: NotifyBase | str, body: str, title: str = "",
                     secrets: Iterable[str | None] = ()) -> None:
    """Deliver one message or raise NotifyError with Apprise's reason (known secret values masked)."""
    plugin = apprise_service(channel, service) if isinstance(service, str) else service
    sender = apprise.Apprise()
    sender.add(plugin)
    with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as log:
        ok = sender.notify(body=body, title=title)
        reason = " ".join(line.strip() for line in log.getvalue().splitlines() if line.strip())
    if not ok:
        reason = reason or "Apprise 未能送达"
        if "connection error" in reason.lower():  # Apprise's own plugins say so in English
            reason = f"无法连接（unreachable）：{reason}"
        raise NotifyError(channel, _scrub(reason, secrets))
