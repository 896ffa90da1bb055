"""Group robots and webhooks sent through Apprise: DingTalk (optionally signed), WeCom, Slack-style, any Apprise URL."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit, urlunsplit

from canbao.notify.apprise_robots import DINGTALK_URL, WECOM_URL, CheckedDingTalk, CheckedWeComBot, dingtalk_sign
from canbao.notify.apprise_send import send_via_apprise
from canbao.notify.message import Message, Receipt

__all__ = ["DINGTALK_URL", "WECOM_URL", "AppriseChannel", "DingTalkRobot", "SlackWebhook", "WeComRobot",
           "dingtalk_sign", "slack_apprise_url"]


@dataclass(frozen=True)
class DingTalkRobot:
    """A DingTalk group robot (Apprise `dingtalk://`); with `sign_secret` every send is freshly signed (加签)."""

    name: str
    url: str = DINGTALK_URL
    token: str | None = field(default=None, repr=False)
    sign_secret: str | None = field(default=None, repr=False)
    kind: str = "dingtalk"

    def send(self, message: Message) -> Receipt:
        """Post a text message; a refusal (`errcode != 0`) or an unreachable robot raises NotifyError."""
        robot = CheckedDingTalk(token=self.token, secret=self.sign_secret, endpoint=self.url)
        send_via_apprise(self.name, robot, message.text, secrets=(self.token, self.sign_secret))
        return Receipt(self.name, self.kind, "ok")


@dataclass(frozen=True)
class WeComRobot:
    """A WeCom (企业微信) group robot (Apprise `wecombot://`), addressed by its `key`."""

    name: str
    url: str = WECOM_URL
    key: str | None = field(default=None, repr=False)
    kind: str = "wecom"

    def send(self, message: Message) -> Receipt:
        """Post a text message; a refusal (`errcode != 0`) or an unreachable robot raises NotifyError."""
        send_via_apprise(self.name, CheckedWeComBot(key=self.key, endpoint=self.url), message.text,
                         secrets=(self.key,))
        return Receipt(self.name, self.kind, "ok")


def slack_apprise_url(url: str) -> str:
    """A Slack-style incoming webhook as Apprise `json(s)://` posting only `{"text": ...}`."""
    parts = urlsplit(url)
    scheme = "jsons" if parts.scheme == "https" else "json"
    only_text = ":message=text&:version=&:title=&:type=&:attachments="
    return urlunsplit((scheme, parts.netloc, quote(parts.path), f"{parts.query}&{only_text}".lstrip("&"), ""))


@dataclass(frozen=True)
class SlackWebhook:
    """A Slack-style incoming webhook (Slack, Mattermost, Rocket.Chat): `{"text": ...}`; its URL is its secret."""

    name: str
    url: str = field(repr=False)
    kind: str = "slack"

    def send(self, message: Message) -> Receipt:
        """Post the text; a non-2xx answer raises NotifyError."""
        send_via_apprise(self.name, slack_apprise_url(self.url), f"*{message.subject}*\n{message.body}",
                         secrets=(self.url, urlsplit(self.url).path))
        return Receipt(self.name, self.kind, "ok")


@dataclass(frozen=True)
class AppriseChannel:
    """Any Apprise service by URL (`ntfy://`, `mailtos://`, …); `dingtalk://` and `wecombot://` are checked."""

    name: str
    url: str = field(repr=False)
    kind: str = "apprise"

    def send(self, message: Message) -> Receipt:
        """Deliver subject and body; Apprise's failure raises NotifyError."""
        send_via_apprise(self.name, self.url, message.body or message.subject,
                         message.subject if message.body else "", secrets=(self.url,))
        return Receipt(self.name, self.kind, "ok")
