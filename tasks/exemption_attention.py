"""Telling the coordinator that files received need attention, or that lists wait for review."""

from __future__ import annotations

from datetime import datetime

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from canbao.exemptions.review_form import PendingList
from canbao.exemptions.waiting import waiting_message
from canbao.notify import load_notify_config, recipients
from canbao.policy.load import load_campaign
from canbao.policy.model import Campaign
from tasks.notify import deliver

__all__ = ["COORDINATOR", "notify_coordinator", "notify_review_waiting"]

COORDINATOR = "medical_insurance"  # the bureau that takes in the lists (else the channels' default)


def _send(c: Campaign, subject: str, body: str) -> bool:
    """Send to the coordinator's channels through the notify interface; False (logged) when not delivered."""
    logger = get_run_logger()
    try:
        names = recipients(c, COORDINATOR, load_notify_config())
    except (OSError, ValueError) as exc:  # no channels file, or one that names undefined channels
        logger.warning("未能通知协调人（通知渠道配置有误）：%s", exc)
        return False
    state = deliver.with_options(retries=0)(names, subject, body, return_state=True)
    if state.is_failed():
        logger.warning("部分渠道未能通知协调人：%s", state.message)
    return not state.is_failed()


@task(name="notify-exemption-attention", cache_policy=NO_CACHE, persist_result=False)
def notify_coordinator(campaign: str, lines: list[str], topic: str = "免缴对象名单") -> bool:
    """Send the lines that need attention to the coordinator's channels; False (logged) when not delivered.

    `campaign` is an id or a config path; `topic` names the files concerned in the subject."""
    c = load_campaign(campaign)
    return _send(c, f"{c.campaign.locality}{topic}：{len(lines)}项需处理", "\n".join(lines))


@task(name="notify-exemption-review-waiting", cache_policy=NO_CACHE, persist_result=False)
def notify_review_waiting(campaign: str, lists: list[PendingList], link: str | None, until: datetime) -> bool:
    """Tell the coordinator which lists wait for review in this run, with the run's link."""
    c = load_campaign(campaign)
    message = waiting_message(c.campaign.locality, lists, link, until)
    return _send(c, message.subject, message.body)
