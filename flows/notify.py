"""The notify deployment: what automations start (`run-deployment`) to reach email and signed DingTalk robots."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from prefect import flow
from pydantic import BeforeValidator

from canbao.deadlines import AlertKey
from canbao.notify import load_notify_config, recipients
from flows.failures import reports_failure
from flows.ledger_lock import holds_ledger
from flows.params import BLANK, NONE_SELECTED, Blank, CampaignName, ConfigPath, OptionalDate, OptionalText, labelled
from flows.run_config import run_config
from tasks.notify import deliver

__all__ = ["notify"]

Owner = Annotated[str, labelled(
    "责任单位代码", "配置中 agencies 的 code，如 civil_affairs；按其 channels 发送")]
Subject = Annotated[str, labelled("标题", "通知标题（不得含未脱敏的个人信息）")]
Body = Annotated[str, labelled("正文", "通知正文（不得含未脱敏的个人信息）")]
Channels = Annotated[list[str], BeforeValidator(lambda v: v or []), labelled(
    "指定渠道", "留空则按责任单位配置的渠道发送")]
Deadline = Annotated[str | None, Blank, OptionalText, labelled(
    "截止事项代码", "来自截止事项事件时填写：同一事项同一天不重复通知")]
DueOn = Annotated[date | None, Blank, OptionalDate, labelled("截止日期", "来自截止事项事件时填写")]
State = Annotated[str | None, Blank, OptionalText, labelled("状态", "approaching 或 missed")]
Day = Annotated[date | None, Blank, OptionalDate, labelled("检查日期", "来自截止事项事件时填写")]
EventId = Annotated[str | None, Blank, OptionalText, labelled("事件编号", "触发本次通知的 Prefect 事件")]


@flow(name="notify", flow_run_name="notify-{owner}", log_prints=True)
@reports_failure("通知发送")
@holds_ledger
def notify(campaign: CampaignName, owner: Owner, subject: Subject, body: Body, channels: Channels = NONE_SELECTED,
           deadline: Deadline = BLANK, due_on: DueOn = BLANK, state: State = BLANK, day: Day = BLANK,
           event_id: EventId = BLANK, config_path: ConfigPath = BLANK) -> dict[str, str]:
    """Send one message to the owner's channels; a deadline alert already sent today is not sent again."""
    cfg = load_notify_config()
    names = channels or recipients(run_config(campaign, config_path)[0], owner, cfg)
    if unknown := [n for n in names if n not in cfg.channels]:
        raise ValueError(f"undefined channel(s) {unknown}; defined: {sorted(cfg.channels)}")
    key = AlertKey(campaign, deadline, due_on, state, day) if deadline and due_on and state and day else None
    print(f"事件 {event_id or '-'}：向 {owner} 的 {len(names)} 个渠道发送通知")
    return deliver(names, subject, body, key, owner)
