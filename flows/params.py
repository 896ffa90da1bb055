"""Parameter types shared by the flows, with Chinese titles so the Prefect UI renders clear forms."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, WithJsonSchema

from canbao.intake.inbox import INTAKE_ORDER
from canbao.policy.load import available_campaigns

__all__ = ["BLANK", "NONE_SELECTED", "AsOf", "Blank", "CampaignList", "CampaignName", "ConfigPath", "InboxDir",
           "OptionalDate", "OptionalText", "OutputDir", "SourceName", "labelled"]

# The default of an optional form field. Prefect's UI pre-fills a `None` default as null and shows a "None" toggle;
# an empty default renders as an empty box (date picker, text field). Validation turns an empty value into None,
# and the flow bodies treat "" and None alike (`x or fallback`).
BLANK: Any = ""
NONE_SELECTED: Any = ()  # the same for a multiple choice: nothing ticked
Blank = BeforeValidator(lambda v: None if v in ("", None) else v)
OptionalText = WithJsonSchema({"type": "string"})
OptionalDate = WithJsonSchema({"type": "string", "format": "date"})


def labelled(title: str, description: str) -> Any:
    """A Field whose Chinese title and description reach Prefect's form (Prefect 3.8 overwrites plain `title`)."""
    return Field(title=title, description=description, json_schema_extra={"title": title, "description": description})


# Literal over the configs present when the deployment is built: the UI shows a dropdown.
CampaignName = Annotated[
    Literal[tuple(available_campaigns())],  # type: ignore[valid-type]
    labelled("参保年度活动", "地区和参保年度，对应 configs/ 中的配置文件"),
]
ConfigPath = Annotated[str | None, Blank, OptionalText, labelled(
    "配置文件路径", "留空则用 configs/<活动>.yaml；填写时按该文件运行（其活动代码须与上面的活动一致）")]
SourceName = Literal[INTAKE_ORDER]  # type: ignore[valid-type]
InboxDir = Annotated[str, labelled("收件箱目录", "每类来源一个子目录，如 roster/、bank_deduction/")]
OutputDir = Annotated[str | None, Blank, OptionalText, labelled(
    "输出目录", "报表和退回清单的存放目录；留空则为 out/<活动>")]
AsOf = Annotated[date | None, Blank, OptionalDate, labelled("截至日期", "留空则为今天（北京时间）")]
CampaignList = Annotated[
    list[Literal[tuple(available_campaigns())]],  # type: ignore[valid-type]
    BeforeValidator(lambda v: [] if v in ("", None) else v),
    labelled("参保年度活动（可多选）", "留空则为今天所有进行中的活动"),
]
