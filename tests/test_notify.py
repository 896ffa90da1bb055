"""Notification channels against local stand-ins: robots and webhooks over HTTP, email over SMTP, offline."""

from __future__ import annotations

import asyncio
import base64
import email
import email.policy
import hashlib
import hmac
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from canbao.notify import (
    DingTalkRobot,
    Message,
    NotifyError,
    SlackWebhook,
    SmtpEmail,
    WeComRobot,
    build_channel,
    dingtalk_sign,
    load_notify_config,
    read_outbox,
    recipients,
)
from canbao.notify.block import webhook_block_fields
from canbao.notify.config import DEFAULT_CHANNELS_FILE, NotifyConfig
from canbao.notify.receiver import REFUSAL, Receiver
from canbao.policy.load import load_campaign

MESSAGE = Message("【参保逾期】海门市：民政局报送免缴对象名单已逾期", '责任单位：民政局\n台账情况："尚未收到名单"')
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as r:
        yield r


def test_dingtalk_robot_posts_text_with_token(receiver: Receiver) -> None:
    receipt = DingTalkRobot("coordinator", f"{receiver.url}/robot/send", token="T0KEN").send(MESSAGE)
    assert receipt.kind == "dingtalk" and receipt.detail == "ok"
    [got] = receiver.received
    assert got["path"] == "/robot/send" and got["query"] == {"access_token": "T0KEN"}
    assert got["body"] == {"msgtype": "text", "text": {"content": f"{MESSAGE.subject}\n{MESSAGE.body}"}}


def test_dingtalk_signature_is_hmac_sha256_of_timestamp_and_secret_fresh_per_send(receiver: Receiver) -> None:
    secret = "SEC0123456789abcdef"
    expected = base64.b64encode(hmac.new(secret.encode(), f"1700000000000\n{secret}".encode(),
                                         hashlib.sha256).digest()).decode()
    assert dingtalk_sign(secret, 1700000000000) == expected
    robot = DingTalkRobot("leaders", f"{receiver.url}/robot/send", token="T", sign_secret=secret)
    robot.send(MESSAGE)
    threading.Event().wait(0.005)
    robot.send(MESSAGE)
    stamps = [r["query"]["timestamp"] for r in receiver.received]
    assert stamps[0] != stamps[1]
    for r in receiver.received:
        assert r["query"]["sign"] == dingtalk_sign(secret, int(r["query"]["timestamp"]))  # decoded from the URL


def test_wecom_and_slack_payloads(receiver: Receiver) -> None:
    WeComRobot("towns", f"{receiver.url}/cgi-bin/webhook/send", key="K").send(MESSAGE)
    SlackWebhook("ops", f"{receiver.url}/hooks/x").send(MESSAGE)
    wecom, slack = receiver.received
    assert wecom["query"] == {"key": "K"} and wecom["body"]["text"]["content"].startswith("【参保逾期】")
    assert slack["body"] == {"text": f"*{MESSAGE.subject}*\n{MESSAGE.body}"}


@pytest.mark.parametrize("robot", [DingTalkRobot, WeComRobot])
def test_a_refused_robot_message_is_an_error(receiver: Receiver, robot) -> None:
    receiver.refuse = True
    with pytest.raises(NotifyError, match=f"errcode={REFUSAL['errcode']}"):
        robot("group", f"{receiver.url}/send").send(MESSAGE)


def test_unreachable_endpoint_is_an_error(receiver: Receiver) -> None:
    url = receiver.url
    receiver.__exit__()
    with pytest.raises(NotifyError, match="unreachable"):
        SlackWebhook("ops", f"{url}/hooks/x").send(MESSAGE)


class SmtpSink:
    """A tiny SMTP receiver on 127.0.0.1 (enough of RFC 5321 for smtplib); refuses `refuse` recipients."""

    def __init__(self, refuse: tuple[str, ...] = ()) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.refuse = refuse
        self.loop = asyncio.new_event_loop()
        self.server = self.loop.run_until_complete(asyncio.start_server(self._session, "127.0.0.1", 0))
        self.port = self.server.sockets[0].getsockname()[1]
        threading.Thread(target=self.loop.run_forever, daemon=True).start()

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        sender, rcpts = "", []
        writer.write(b"220 sink ESMTP\r\n")
        while line := (await reader.readline()).decode().rstrip("\r\n"):
            verb = line.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                writer.write(b"250-sink\r\n250 8BITMIME\r\n")
            elif verb == "MAIL":
                sender = line.split(":", 1)[1].strip("<> ")
                writer.write(b"250 OK\r\n")
            elif verb == "RCPT":
                rcpt = line.split(":", 1)[1].strip("<> ")
                ok = rcpt not in self.refuse
                rcpts += [rcpt] if ok else []
                writer.write(b"250 OK\r\n" if ok else b"550 no such user\r\n")
            elif verb == "DATA":
                writer.write(b"354 go ahead\r\n")
                await writer.drain()
                data = await reader.readuntil(b"\r\n.\r\n")
                self.messages.append((sender, rcpts, data[:-5]))
                writer.write(b"250 queued\r\n")
            elif verb == "QUIT":
                writer.write(b"221 bye\r\n")
                await writer.drain()
                break
            else:
                writer.write(b"250 OK\r\n")
            await writer.drain()
        writer.close()

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.server.close)
        self.loop.call_soon_threadsafe(self.loop.stop)


def test_email_over_smtp_with_chinese_subject() -> None:
    sink = SmtpSink()
    try:
        mail = SmtpEmail("agencies-mail", "127.0.0.1", "canbao@example.gov.cn", ("a@example.gov.cn", "b@x.cn"),
                         port=sink.port)
        assert mail.send(MESSAGE).detail == "sent to 2 recipient(s)"
    finally:
        sink.close()
    mails = [(sender, email.message_from_bytes(raw, policy=email.policy.default)) for sender, _, raw in sink.messages]
    assert sorted(m["To"].addresses[0].addr_spec for _, m in mails) == ["a@example.gov.cn", "b@x.cn"]  # one each
    for sender, parsed in mails:
        assert sender == "canbao@example.gov.cn" and parsed["Subject"] == MESSAGE.subject
        assert parsed.get_content().replace("\r\n", "\n").strip() == MESSAGE.body


def test_email_refused_recipient_is_an_error() -> None:
    sink = SmtpSink(refuse=("gone@example.gov.cn",))
    try:
        mail = SmtpEmail("m", "127.0.0.1", "canbao@example.gov.cn", ("gone@example.gov.cn",), port=sink.port)
        with pytest.raises(NotifyError, match="SMTP"):
            mail.send(MESSAGE)
    finally:
        sink.close()


def test_channel_files_hold_no_secrets_and_route_agencies() -> None:
    for path in (DEFAULT_CHANNELS_FILE, ROOT / "configs/notify/channels-demo.yaml"):
        cfg = load_notify_config(path)
        for spec in cfg.channels.values():  # secrets only by reference (block/env), never a value
            assert all(ref is None or ref.block or ref.env for ref in (spec.token, spec.sign_secret, spec.password))
    cfg = load_notify_config(DEFAULT_CHANNELS_FILE)
    c = load_campaign("haimen-2020")
    assert recipients(c, "civil_affairs", cfg) == ["coordinator"]  # no channels in the config: the default
    agencies = [a.model_copy(update={"channels": ["towns", "agencies-mail"]}) if a.code == "towns" else a
                for a in c.agencies]
    assert recipients(c.model_copy(update={"agencies": agencies}), "towns", cfg) == ["towns", "agencies-mail"]
    bad = [a.model_copy(update={"channels": ["nope"]}) for a in c.agencies]
    with pytest.raises(ValueError, match="nope"):
        recipients(c.model_copy(update={"agencies": bad}), "towns", cfg)


def test_secrets_come_from_the_environment_or_fail_clearly(monkeypatch: pytest.MonkeyPatch,
                                                           receiver: Receiver) -> None:
    cfg = NotifyConfig.model_validate({"channels": {"g": {
        "kind": "dingtalk", "url": "${ROBOT_BASE}/robot/send", "token": {"env": "T_ENV", "block": "t-block"}}}})
    monkeypatch.delenv("T_ENV", raising=False)
    monkeypatch.setenv("ROBOT_BASE", receiver.url)
    with pytest.raises(NotifyError, match="Secret block 't-block' or environment variable T_ENV"):
        build_channel("g", cfg)
    monkeypatch.setenv("T_ENV", "from-env")
    build_channel("g", cfg).send(MESSAGE)
    assert receiver.received[0]["query"] == {"access_token": "from-env"}


def test_offline_mode_writes_the_outbox(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    raw = yaml.safe_load(DEFAULT_CHANNELS_FILE.read_text(encoding="utf-8"))["notify"]
    cfg = NotifyConfig.model_validate({**raw, "outbox": str(tmp_path / "outbox.jsonl")})
    monkeypatch.setenv("CANBAO_NOTIFY_OFFLINE", "1")
    assert build_channel("leaders", cfg).send(MESSAGE).kind == "outbox"  # no secret needed offline
    [line] = read_outbox(tmp_path / "outbox.jsonl")
    assert line["stands_for"] == "dingtalk" and line["subject"] == MESSAGE.subject


def test_prefect_webhook_block_sends_like_the_robot(receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> None:
    from prefect.blocks.notifications import CustomWebhookNotificationBlock

    cfg = NotifyConfig.model_validate({"channels": {
        "coordinator": {"kind": "dingtalk", "url": f"{receiver.url}/robot/send", "token": {"env": "TK"}},
        "signed": {"kind": "dingtalk", "token": {"env": "TK"}, "sign_secret": {"env": "SK"}}}})
    monkeypatch.setenv("TK", "tok")
    fields = webhook_block_fields("coordinator", cfg.channels["coordinator"])
    CustomWebhookNotificationBlock(**fields).notify(MESSAGE.body, MESSAGE.subject)
    [got] = receiver.received
    assert got["query"] == {"access_token": "tok"} and got["body"]["text"]["content"] == MESSAGE.text
    with pytest.raises(ValueError, match="signed"):
        webhook_block_fields("signed", cfg.channels["signed"])
