"""Asking the coordinator to decide on every pending list in one form, and knowing when a run was resumed."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any
from uuid import UUID

from prefect import get_client, get_run_logger, pause_flow_run, suspend_flow_run
from prefect.exceptions import FlowPauseTimeout
from prefect.input import RunInput
from prefect.runtime import deployment, flow_run
from prefect.settings import PREFECT_UI_URL

from canbao.exemptions.decisions import Decision
from canbao.exemptions.review_form import PendingList, decisions_of, form_description, review_form, review_key
from canbao.notify.links import run_link
from tasks.exemption_attention import notify_review_waiting
from tasks.exemptions import claim_review
from tasks.runtime import clock_now

__all__ = ["ask_coordinator", "used_pause_keys"]


def used_pause_keys() -> set[str]:
    """The pause keys this flow run has already waited on: non-empty when a suspended run was resumed, which
    Prefect runs again from the top (so what it showed before the wait must not be shown twice)."""
    run_id = flow_run.get_id()
    if not run_id:
        return set()
    with get_client(sync_client=True) as client:
        return set(client.read_flow_run(UUID(run_id)).empirical_policy.pause_keys or ())


def ask_coordinator(campaign: str, locality: str, reviews: list[dict[str, Any]], timeout: int,
                    used: set[str]) -> dict[str, Decision]:
    """Wait for the decisions on `reviews` in one form: suspend a deployment run, pause any other.

    Versions another run is waiting for are left to it; an empty answer when nothing is asked or the wait ended."""
    logger = get_run_logger()
    mine = []
    for r in reviews:
        if claim_review(campaign, r["agency"], r["version"], timeout):
            mine.append(PendingList(r["agency"], r["version"], r["name"], r["persons"], r["markdown"]))
        else:
            logger.info("%s第%d版正在另一次运行中等待审核，本次不再询问", r["name"], r["version"])
    if not mine:
        return {}
    key = review_key(mine)
    form = RunInput.subclass_from_base_model_type(review_form(mine)).with_initial_data(
        description=form_description(locality, mine))
    if key not in used:  # a resumed run has told the coordinator already
        logger.info("等待审核：%s（在本运行页面点 ⋮ → Resume，逐份选择审核结果并填写审核人）",
                    "、".join(p.label for p in mine))
        link = run_link(PREFECT_UI_URL.value(), flow_run.get_id())
        notify_review_waiting(campaign, mine, link, clock_now() + timedelta(seconds=timeout))
    try:
        if deployment.get_id():
            answer = suspend_flow_run(wait_for_input=form, timeout=timeout, key=key)
        else:
            poll = int(os.environ.get("CANBAO_APPROVAL_POLL_SECONDS", "10"))
            answer = pause_flow_run(wait_for_input=form, timeout=timeout, poll_interval=poll, key=key)
    except FlowPauseTimeout:
        logger.warning("审核等待超时：%s 仍为待审核，下次运行再询问", "、".join(p.label for p in mine))
        return {}
    return decisions_of(answer)
