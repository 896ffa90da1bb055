"""Cleanup outputs: a printable notice per village (公示, masked) and the county's summary (内部)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd

from canbao.cleanup.lists import ITEM_LABELS
from canbao.formats.write import write_workbook
from canbao.identity import mask_id, mask_name
from canbao.policy.model import Campaign

__all__ = ["notice_file_name", "summary_table", "write_summary", "write_village_notice"]

_ADVICE = {"exempt_unregistered": "资助对象，请尽快办理参保登记", "not_renewed": "请尽快续保缴费",
           "unpaid": "已登记，请尽快缴费", "underpaid": "请补缴差额", "overpaid": "多缴部分将退还",
           "duplicate": "重复缴费部分将退还", "orphan": "已缴费未登记，请办理参保登记（或申请退费）",
           "proof_pending": "已缴费，集中缴费期后中途参保，请提交证明材料，待审核通过后参保",
           "proof_refused": "证明材料审核未通过，不予中途参保，所缴费用将退还"}


def _masked(values: pd.Series, mask: Callable[[str], str]) -> list[str]:
    return [mask(v) if isinstance(v, str) else "" for v in values]


def notice_file_name(code: str, name: str, as_of: date) -> str:
    """E.g. `511723101001_新宁村_扫尾通知_2019-12-26（公示）.xlsx`: marked public."""
    return f"{code}_{re.sub(r'[^0-9A-Za-z一-鿿（）]+', '_', name)}_扫尾通知_{as_of.isoformat()}（公示）.xlsx"


def write_village_notice(out: Path, c: Campaign, code: str, name: str, items: pd.DataFrame, late: pd.DataFrame,
                         as_of: date) -> Path:
    """One village's notice: who (masked), what to do, what to pay today and when cover would start."""
    categories = {k.code: k.name for k in c.contribution.categories}
    todo = pd.DataFrame({
        "序号": range(1, len(items) + 1), "姓名": _masked(items["name"], mask_name),
        "身份证号码": _masked(items["id_number"], mask_id), "事项": items["item"].map(ITEM_LABELS).to_numpy(),
        "参保类别": [categories.get(k, "") for k in items["category"]],
        "今日应缴（元）": items["due_now_fen"].to_numpy(), "应退（元）": items["refund_fen"].to_numpy(),
        "今日缴费待遇起始日": [d.isoformat() if isinstance(d, date) else "" for d in items["start_if_paid_today"]],
        "说明": items["item"].map(_ADVICE).to_numpy()})
    sheets = {"待办名单": todo}
    if len(late):
        sheets["逾期缴费待遇"] = pd.DataFrame({
            "序号": range(1, len(late) + 1), "姓名": _masked(late["name"], mask_name),
            "身份证号码": _masked(late["id_number"], mask_id),
            "缴费日期": late["paid_on"].dt.date.astype(str).to_numpy(),
            "待遇起始日": late["benefit_start"].astype(str).to_numpy(), "等待天数": late["waiting_days"].to_numpy()})
    title = f"{name}{c.campaign.insurance_year}年度城乡居民医保参保扫尾通知（公示）"
    notes = [f"截至{as_of:%Y年%m月%d日}。应缴金额按今日缴费计算（逾期缴费按通知规定）；待遇起始日按今日缴清计算。",
             "姓名、身份证号码已脱敏。如有疑问请联系村（社区）或镇（街道）医保经办窗口。"]
    return write_workbook(out / notice_file_name(code, name, as_of), sheets, title, notes,
                          fen_columns=["今日应缴（元）", "应退（元）"])


def summary_table(items: pd.DataFrame, late: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Per unit: persons per cleanup item, late payers, and the amount still due today."""
    names, parent = dict(zip(units["code"], units["name"])), dict(zip(units["code"], units["parent_code"]))
    if items.empty and late.empty:
        return pd.DataFrame(columns=["单位代码", "单位名称", "上级单位", *ITEM_LABELS.values(), "逾期缴费人数",
                                     "今日应缴合计"])
    counts = pd.crosstab(items["unit_code"], items["item"]).reindex(columns=list(ITEM_LABELS), fill_value=0)
    due = items.groupby("unit_code")["due_now_fen"].sum()
    table = counts.join(late.groupby("unit_code").size().rename("late"), how="outer").fillna(0).astype("int64")
    table["due_fen"] = table.index.map(due).fillna(0).astype("int64")
    return pd.DataFrame({"单位代码": table.index, "单位名称": [names.get(u, u) for u in table.index],
                         "上级单位": [names.get(parent.get(u), "") for u in table.index],
                         **{label: table[k].to_numpy() for k, label in ITEM_LABELS.items()},
                         "逾期缴费人数": table["late"].to_numpy(), "今日应缴合计": table["due_fen"].to_numpy()})


def write_summary(out: Path, c: Campaign, table: pd.DataFrame, as_of: date) -> Path:
    """`<campaign>_扫尾汇总表（内部）_<date>.xlsx`: counts per unit, no personal data."""
    title = f"{c.campaign.locality}{c.campaign.insurance_year}年度城乡居民医保扫尾汇总表（内部）"
    return write_workbook(out / f"{c.id}_扫尾汇总表（内部）_{as_of.isoformat()}.xlsx", {"扫尾汇总": table}, title,
                          [f"截至{as_of:%Y年%m月%d日}。"], fen_columns=["今日应缴合计"])
