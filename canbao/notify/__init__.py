"""Notifications (通知): channels behind one small interface, configured per agency, secrets by reference."""

from canbao.notify.config import ChannelSpec, NotifyConfig, SecretRef, channels_file, load_notify_config
from canbao.notify.message import Channel, Message, NotifyError, Receipt
from canbao.notify.outbox import OutboxChannel, read_outbox
from canbao.notify.robots import AppriseChannel, DingTalkRobot, SlackWebhook, WeComRobot, dingtalk_sign
from canbao.notify.routing import build_channel, env_secret, recipients
from canbao.notify.smtp import SmtpEmail

__all__ = [
    "AppriseChannel", "Channel", "ChannelSpec", "DingTalkRobot", "Message", "NotifyConfig", "NotifyError",
    "OutboxChannel", "Receipt", "SecretRef", "SlackWebhook", "SmtpEmail", "WeComRobot", "build_channel",
    "channels_file", "dingtalk_sign", "env_secret", "load_notify_config", "read_outbox", "recipients",
]
