"""The message telling the coordinator that lists wait for review, with the link to the run that asks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from canbao.clock import SHANGHAI
from canbao.errors import scrub_personal_data
from canbao.exemptions.review_form import PendingList
from canbao.notify.message import Message

__all__ = ["waiting_message"]


def waiting_message(locality: str, lists: Sequence[PendingList], link: str | None, until: datetime) -> Message:
    """Which lists wait, where to decide and until when (no personal data: counts and agency names only)."""
    where = f"请打开运行页面审核：{link}" if link else "请在 Prefect 界面打开本次免缴名单交接运行审核"
    body = [
        *(scrub_personal_data(f"- {p.label}：{p.persons}人") for p in lists),
        where,
        "在运行页面右上角点 ⋮ → Resume，为每份名单选择审核结果（通过/退回/剔除部分人员后通过）并填写审核人后提交。",
        f"审核时限：{until.astimezone(SHANGHAI):%Y-%m-%d %H:%M}（北京时间），逾期名单保持待审核。",
    ]
    return Message(f"{locality}免缴对象名单待审核：{len(lists)}份", "\n".join(body))  # the link stays whole
