"""Form models of the mobilization and settlement flows: duties done and transfers received (Chinese titles)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from flows.params import BLANK, Blank, OptionalText, labelled

__all__ = ["Completions", "ConfirmationFile", "Confirmations", "DutyDone", "SimulationOut", "SimulationScale",
           "SimulationSeed", "StepWeeks", "TargetScale", "TransferReceived"]


class DutyDone(BaseModel):
    """A coordinator's record that a duty on the calendar was done."""

    model_config = ConfigDict(validate_default=True)  # the BLANK default becomes None, as a blank box does

    code: Annotated[str, Field(title="事项编号", description="工作日程表中的事项编号，如 leaflets_to_households")]
    done_on: Annotated[date, Field(title="完成日期")]
    # Form items take the top-level parameters' BLANK idea: an empty box, not a "None" toggle; empty means none.
    note: Annotated[str | None, Blank, OptionalText, Field(
        title="完成情况", description="如：已发放政策要点12万份；可留空")] = BLANK


class TransferReceived(BaseModel):
    """A transfer the bank (or the finance bureau) confirmed as received."""

    model_config = ConfigDict(validate_default=True)  # the BLANK defaults become None, as blank boxes do

    code: Annotated[str, Field(title="转账编号", description="资金划转申请表中的转账编号")]
    confirmed_on: Annotated[date, Field(title="到账日期")]
    reference: Annotated[str | None, Blank, OptionalText, Field(title="银行流水号", description="可留空")] = BLANK
    amount: Annotated[Decimal | None, Blank, OptionalText, Field(
        title="到账金额（元）", description="如 12345.60，填写时须与申请金额一致；留空则按申请金额")] = BLANK


ConfirmationFile = Annotated[str | None, Blank, OptionalText, labelled(
    "确认文件",
    "Excel 或 CSV 文件路径：事项完成情况（事项编号、完成日期、说明）"
    "或银行到账回单（转账编号、到账日期、银行流水号、到账金额）")]
TargetScale = Annotated[float, labelled("任务数缩放比例", "通知所列任务数乘以该比例（模拟较小的县时用），一般为 1")]
Completions = Annotated[list[DutyDone], labelled("已完成事项", "协调员登记：事项编号、完成日期、完成情况（可多项）")]
Confirmations = Annotated[list[TransferReceived], labelled("到账确认", "银行或财政确认到账的资金划转（可添加多项）")]
SimulationScale = Annotated[float, labelled("模拟规模", "生成人口占配置人口的比例，如 0.02")]
SimulationSeed = Annotated[int, labelled("随机种子", "相同种子生成相同的数据")]
SimulationOut = Annotated[str | None, Blank, OptionalText, labelled("输出目录", "留空则为 out/simulate/<活动>")]
StepWeeks = Annotated[int, labelled("步长（周）", "每隔几周收一次文件、出一次周报；1 为每周")]
