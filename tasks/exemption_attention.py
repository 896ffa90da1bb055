"""Telling the coordinator that something in the files received (lists, registrations, payments) needs attention."""

from __future__ import annotations

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from canbao.notify import load_notify_config, recipients
from canbao.policy.load import load_campaign
from tasks.notify import deliver

__all__ = ["COORDINATOR", "notify_coordinator"]

COORDINATOR = "medical_insurance"  # the bureau that takes in the lists (else the channels' default)


@task(name="notify-exemption-attention", cache_policy=NO_CACHE, persist_result=False)
def notify_coordinator(campaign: str, lines: list[str], topic: str = "免缴对象名单") -> bool:
    """Send the lines that need attention to the coordinator's channels; False (logged) when not delivered.

    `campaign` is an id or a config path; `topic` names the files concerned in the subject."""
    c = load_campaign(campaign)
    logger = get_run_logger()
    try:
        names = recipients(c, COORDINATOR, load_notify_config())
    except (OSError, ValueError) as exc:  # no channels file, or one that names undefined channels
        logger.warning("coordinator not notified: %s", exc)
        return False
    subject = f"{c.campaign.locality}{topic}：{len(lines)}项需处理"
    state = deliver.with_options(retries=0)(names, subject, "\n".join(lines), return_state=True)
    if state.is_failed():
        logger.warning("coordinator not notified on every channel: %s", state.message)
    return not state.is_failed()
