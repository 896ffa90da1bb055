"""Mobilization workbooks: the 指导性任务分解表 and the 工作日程表 with owners and duty states."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from canbao.formats.write import write_workbook
from canbao.mobilization.duties import STATE_LABELS
from canbao.mobilization.targets import BASIS_LABELS
from canbao.policy.model import Campaign

__all__ = ["write_breakdown", "write_calendar"]

_LEVELS = {"county": "县（区）", "town": "镇（街道）", "village": "村（社区）", "school": "学校"}
_KINDS = {"registration": "登记", "payment": "缴费", "exemption_list": "资助名单报送",
          "exemption_entry": "资助对象录入",
          "publicity": "宣传", "training": "培训", "targets": "任务部署", "report": "报送", "posting": "公示",
          "batch_confirmation": "批次确认", "settlement": "结算", "fiscal_transfer": "资金解缴",
          "rule_cutoff": "规则变化", "data_handoff": "数据交接"}
_METHODS = {"config": "通知（附件）下达各乡镇（街道）目标，村级按上年参保人数比例拆分",
            "split_total": "总任务数按各村（社区）上年参保人数比例拆分（指导性任务）",
            "last_year_enrolled": "以上年参保人数作为目标任务", "last_year_guided": "参照上年参保人数确定目标任务"}


def _rows(frame: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"单位代码": frame["code"], "单位名称": frame["name"], "层级": frame["level"].map(_LEVELS),
                         "上级单位": [names.get(p, "") if isinstance(p, str) else "" for p in frame["parent_code"]],
                         "上年参保人数": frame["last_year"], "目标任务": frame["target"],
                         "确定方式": frame["basis"].map(BASIS_LABELS)})


def write_breakdown(out: Path, c: Campaign, breakdown: pd.DataFrame, scale: float) -> Path:
    """`<campaign>_指导性任务分解表.xlsx`: a summary sheet (county, towns, schools) and one of villages."""
    names = dict(zip(breakdown["code"], breakdown["name"]))
    top = breakdown[breakdown["level"].isin(["county", "town", "school"])]
    villages = breakdown[breakdown["level"] == "village"].sort_values(["parent_code", "code"])
    notes = [f"确定方式：{_METHODS[c.units.target_method]}（{c.units.source or '通知'}）。"]
    if scale != 1:
        notes.append(f"模拟数据：通知所列任务数按比例 {scale:g} 缩放。")
    title = f"{c.campaign.locality}{c.campaign.insurance_year}年度城乡居民医保参保指导性任务分解表"
    return write_workbook(out / f"{c.id}_指导性任务分解表.xlsx",
                          {"汇总": _rows(top, names), "村（社区）": _rows(villages, names)}, title, notes)


def write_calendar(out: Path, c: Campaign, calendar: pd.DataFrame, states: pd.Series, as_of: date) -> Path:
    """`<campaign>_工作日程表.xlsx`: every deadline, its owner, dates, and whether it is done."""
    sheet = pd.DataFrame({
        "事项编号": calendar["code"], "事项": calendar["name"], "类别": calendar["kind"].map(_KINDS),
        "责任单位": calendar["owner_name"], "工作要求": calendar["due_text"],
        "开始日期": calendar["start_on"].astype("string").fillna(""), "截止日期": calendar["due_on"].astype(str),
        "状态": states.map(STATE_LABELS), "完成日期": calendar["completed_on"].astype("string").fillna(""),
        "完成情况": calendar["completion_note"].fillna(""),
        "依据": calendar["source"], "日期为假定": calendar["assumed"].map({True: "是", False: ""})})
    title = f"{c.campaign.locality}{c.campaign.insurance_year}年度城乡居民医保参保工作日程表"
    notes = [f"状态截至{as_of:%Y年%m月%d日}。“日期为假定”：通知未载明日期，按配置中的假定执行。"]
    return write_workbook(out / f"{c.id}_工作日程表.xlsx", {"工作日程": sheet}, title, notes)
