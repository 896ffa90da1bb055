"""Daily deadline watch (截止事项检查): each active campaign's deadlines from the ledger; alerts and events."""

from __future__ import annotations

from typing import Annotated

from prefect import flow, get_run_logger

from canbao.deadlines import alert_key, alert_message, is_active, needs_alert
from canbao.deadlines.occurrences import ACTIVE_MARGIN_DAYS
from canbao.errors import InputError
from canbao.notify import load_notify_config, recipients
from canbao.policy.load import available_campaigns, load_campaign
from flows.failures import reports_failure
from flows.ledger_lock import ledger_lock
from flows.params import BLANK, NONE_SELECTED, AsOf, Blank, CampaignList, OptionalText, labelled
from tasks.deadlines import emit_deadline_event, publish_deadline_table, read_deadline_states
from tasks.notify import DeliveryFailed, deliver
from tasks.runtime import clock_today

__all__ = ["deadline_watch"]


def _run_name() -> str:
    return f"deadline-watch-{clock_today():%Y-%m-%d}"


SendAlerts = Annotated[bool, labelled("发送通知", "向责任单位的通知渠道发送提醒和逾期通知；关闭则只记录状态、发出事件")]
WatchConfig = Annotated[str | None, Blank, OptionalText, labelled(
    "配置文件路径", "留空则按 configs/ 中的配置；填写时只检查该文件的活动，并按该文件运行")]


@flow(name="deadline-watch", flow_run_name=_run_name, log_prints=True)
@reports_failure("截止事项检查")
def deadline_watch(campaigns: CampaignList = NONE_SELECTED, as_of: AsOf = BLANK, send: SendAlerts = True,
                   config_path: WatchConfig = BLANK) -> dict:
    """For each active campaign: every deadline's state; approaching and missed ones alerted once a day.

    The owner's channels are notified first, then the event is emitted, so that the automation on
    `canbao.deadline.missed` (the second line) finds the alert already logged and sends nothing twice.
    `config_path`: check only the campaign of that config file, with that file (tasks load the path).
    """
    day = as_of or clock_today()
    given = load_campaign(config_path) if config_path else None
    if given is not None and campaigns and given.id not in campaigns:
        raise InputError(f"配置文件 {config_path} 属于活动 {given.id}，不在所选活动 {list(campaigns)} 之中")
    names = [given.id] if given is not None else list(
        campaigns or [n for n in available_campaigns() if is_active(load_campaign(n), day)])
    if not names:  # the daily schedule out of season: nothing to check is not a failure
        get_run_logger().info("%s 没有进行中的参保活动（活动期前后%s天内），未检查截止事项；"
                              "如需检查已结束的活动，请在“参保年度活动”中指定", f"{day:%Y-%m-%d}", ACTIVE_MARGIN_DAYS)
    cfg = load_notify_config()
    summary: dict[str, dict[str, int]] = {}
    failures: list[str] = []
    for name in names:
        c = given or load_campaign(name)
        with ledger_lock(name):  # the alerts table is the campaign's ledger too
            states = read_deadline_states(config_path or name, day)
            publish_deadline_table(name, day, states)
            alerts = [s for s in states if needs_alert(s)]
            for s in alerts:
                if send:
                    message = alert_message(s)
                    try:
                        deliver(recipients(c, s.owner, cfg), message.subject, message.body, alert_key(s), s.owner)
                    except DeliveryFailed as exc:
                        failures.append(str(exc))
                emit_deadline_event(s)
        summary[name] = {state: sum(s.state == state for s in states) for state in
                         ("done", "upcoming", "approaching", "missed", "unknown")}
    if failures:
        raise DeliveryFailed(f"{len(failures)}条提醒未送达：" + "; ".join(failures))
    return {"as_of": day.isoformat(), "campaigns": summary}
