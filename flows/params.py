"""Parameter types shared by the flows, with Chinese titles so the Prefect UI renders clear forms."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from canbao.intake.inbox import INTAKE_ORDER
from canbao.policy.load import available_campaigns

__all__ = ["AsOf", "CampaignName", "InboxDir", "OutputDir", "SourceName"]

# Literal over the configs present when the deployment is built: the UI shows a dropdown.
CampaignName = Annotated[
    Literal[tuple(available_campaigns())],  # type: ignore[valid-type]
    Field(title="参保年度活动", description="地区和参保年度，对应 configs/ 中的配置文件"),
]
SourceName = Literal[INTAKE_ORDER]  # type: ignore[valid-type]
InboxDir = Annotated[str, Field(title="收件箱目录", description="每类来源一个子目录，如 roster/、bank_deduction/")]
OutputDir = Annotated[str | None, Field(title="输出目录", description="报表和退回清单的存放目录；留空则为 out/<活动>")]
AsOf = Annotated[date | None, Field(title="截至日期", description="留空则为今天（北京时间）")]
