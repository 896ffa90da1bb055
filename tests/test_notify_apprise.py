"""Alerts through Apprise against a local fake robot: a refusal (HTTP 200, errcode 310000) stays an error, the
signature is DingTalk's, secrets stay out of errors and logs, and Apprise URLs route to the checked robots."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from collections.abc import Iterator

import pytest
from apprise.plugins.dingtalk import NotifyDingTalk

from canbao.notify import Message, NotifyConfig, NotifyError, build_channel
from canbao.notify.apprise_send import apprise_service, send_via_apprise
from canbao.notify.receiver import Receiver

MESSAGE = Message("【参保预警】开江县：民政部门名单3日后到期", "责任单位：民政部门\n已报送0份")
TOKEN, SECRET = "a1b2c3d4e5f6", "SEC9f8e7d6c5b4a"


@pytest.fixture
def robot() -> Iterator[Receiver]:
    with Receiver() as r:
        yield r


def _signed(r: Receiver) -> str:
    return f"dingtalk://{SECRET}@{TOKEN}/?endpoint={r.url}/robot/send"


def _hmac_sign(stamp: str) -> str:
    digest = hmac.new(SECRET.encode(), f"{stamp}\n{SECRET}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def test_apprise_own_dingtalk_plugin_takes_a_refusal_for_success(robot: Receiver) -> None:
    """Why Canbao checks: Apprise 1.13's dingtalk:// returns True on errcode 310000 and double-encodes `sign`."""
    plain = NotifyDingTalk(token=TOKEN, secret=SECRET)
    plain.notify_url = f"{robot.url}/robot/send?access_token={{token}}"
    robot.refuse = True
    assert plain.notify(body=MESSAGE.text) is True
    query = robot.received[0]["query"]
    assert query["sign"] != _hmac_sign(query["timestamp"])  # still percent-encoded once decoded: refused


def test_signed_robot_answering_0_is_delivered_with_a_valid_signature(robot: Receiver) -> None:
    send_via_apprise("leaders", _signed(robot), MESSAGE.text, secrets=(TOKEN, SECRET))
    [got] = robot.received
    assert got["path"] == "/robot/send" and got["query"]["access_token"] == TOKEN
    assert got["query"]["sign"] == _hmac_sign(got["query"]["timestamp"])
    assert got["body"] == {"msgtype": "text", "text": {"content": MESSAGE.text}}


def test_signed_robot_answering_310000_is_an_error_without_secrets(robot: Receiver,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    robot.refuse = True  # DingTalk's answer to a wrong signature or keyword: HTTP 200, errcode 310000
    caplog.set_level(logging.DEBUG)
    with pytest.raises(NotifyError, match="errcode=310000") as caught:
        send_via_apprise("leaders", _signed(robot), MESSAGE.text, secrets=(TOKEN, SECRET))
    assert len(robot.received) == 1
    for text in (str(caught.value), caplog.text):
        assert TOKEN not in text and SECRET not in text


def test_unreachable_robot_error_names_no_token(robot: Receiver) -> None:
    url = _signed(robot)
    robot.__exit__()
    with pytest.raises(NotifyError, match="unreachable") as caught:
        send_via_apprise("leaders", url, MESSAGE.text, secrets=(TOKEN, SECRET))
    assert TOKEN not in str(caught.value) and SECRET not in str(caught.value)


def test_apprise_channel_urls_reach_the_checked_robots(robot: Receiver, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOWNS_URL", f"wecombot://K3y/?endpoint={robot.url}/cgi-bin/webhook/send")
    cfg = NotifyConfig.model_validate({"channels": {"towns": {"kind": "apprise", "url": "${TOWNS_URL}"}}})
    channel = build_channel("towns", cfg)
    assert channel.send(MESSAGE).kind == "apprise"
    assert robot.received[0]["query"] == {"key": "K3y"}
    assert robot.received[0]["body"]["text"]["content"].endswith(MESSAGE.body)
    robot.refuse = True
    with pytest.raises(NotifyError, match="errcode=310000"):
        channel.send(MESSAGE)
    with pytest.raises(NotifyError, match=r"nosuch://…") as caught:
        apprise_service("x", "nosuch://user:pw@host")
    assert "pw" not in str(caught.value)
