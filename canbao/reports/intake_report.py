"""Intake outputs: the run summary (markdown), per-unit error workbooks and the reconciliation workbook."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from canbao.formats.write import write_workbook
from canbao.identity import mask_id
from canbao.money import yuan
from canbao.reasons import label

__all__ = ["REJECTION_HEADERS", "error_workbooks", "reconciliation_workbook", "summary_markdown",
           "unit_channel_records"]

REJECTION_HEADERS = {"source_file": "文件", "source_row": "行号", "column": "列", "reason": "原因代码",
                     "reason_label": "错误原因", "value": "身份证号码（脱敏）", "name": "姓名（脱敏）"}
UNIT_CHANNEL_HEADERS = {"unit_code": "单位代码", "unit_name": "单位名称", "channel": "缴费渠道",
                        "registered": "登记人数", "payments": "缴费笔数", "paid_yuan": "缴费金额（元）"}


def _safe(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name)[:80]


def error_workbooks(rejected: pd.DataFrame, unit_names: Mapping[str, str], out_dir: Path) -> list[Path]:
    """One workbook per unit (or per sending file when the row names no unit) listing its rejected rows."""
    if rejected.empty:
        return []
    out_dir.mkdir(parents=True, exist_ok=True)
    known = rejected["unit_code"].astype("string").isin(list(unit_names))
    owner = rejected["unit_code"].astype("string").where(known, rejected["source_file"].astype(str))
    paths = []
    for key, rows in rejected.groupby(owner.fillna("未知"), sort=True):
        title = f"{unit_names.get(key, key)} 数据退回清单（内部）"
        sheet = rows[list(REJECTION_HEADERS)].rename(columns=REJECTION_HEADERS)
        path = out_dir / f"{_safe(str(key))}_{_safe(unit_names.get(key, 'file'))}_退回清单（内部）.xlsx"
        write_workbook(path, {"退回明细": sheet}, title=title,
                       notes=["请按行号核对原文件，更正后重新报送；身份证号码已脱敏。"])
        paths.append(path)
    return paths


def unit_channel_records(table: pd.DataFrame, unit_names: Mapping[str, str]) -> list[dict[str, object]]:
    """The per unit and channel table with Chinese headers, amounts in yuan (for an artifact)."""
    flags = [c for c in table.columns if c in ("matched", "underpaid", "overpaid", "orphan", "duplicate")]
    names = {"matched": "金额相符", "underpaid": "少缴", "overpaid": "多缴", "orphan": "有缴费无登记",
             "duplicate": "重复缴费"}
    rows = []
    for r in table.to_dict("records"):
        row = {UNIT_CHANNEL_HEADERS["unit_code"]: r["unit_code"],
               UNIT_CHANNEL_HEADERS["unit_name"]: unit_names.get(r["unit_code"], ""),
               UNIT_CHANNEL_HEADERS["channel"]: r["channel"], UNIT_CHANNEL_HEADERS["registered"]: r["registered"],
               UNIT_CHANNEL_HEADERS["payments"]: r["payments"],
               UNIT_CHANNEL_HEADERS["paid_yuan"]: str(yuan(r["paid_fen"]))}
        rows.append(row | {names[f]: int(r[f]) for f in flags})
    return rows


def reconciliation_workbook(path: Path, title: str, units: pd.DataFrame, cash: pd.DataFrame,
                            breaches: pd.DataFrame, flagged: pd.DataFrame,
                            unit_names: Mapping[str, str]) -> Path:
    """The reconciliation workbook: per unit/channel, cash vs deposits, double-limit breaches, flagged payments."""
    sheets = {"单位渠道汇总": pd.DataFrame(unit_channel_records(units, unit_names))}
    sheets["现金解缴差异"] = pd.DataFrame({
        "村（社区）": cash["unit_code"].map(lambda u: unit_names.get(u, u)) if len(cash) else [],
        "收款金额（元）": cash["receipts_fen"].map(lambda f: float(yuan(f))) if len(cash) else [],
        "解缴金额（元）": cash["deposits_fen"].map(lambda f: float(yuan(f))) if len(cash) else [],
        "差额（元）": cash["difference_fen"].map(lambda f: float(yuan(f))) if len(cash) else []})
    sheets["现金双限"] = pd.DataFrame({
        "村（社区）": breaches["unit_code"].map(lambda u: unit_names.get(u, u)) if len(breaches) else [],
        "类型": breaches["kind"].map(label) if len(breaches) else [],
        "日期": breaches["on"].astype(str) if len(breaches) else [],
        "在手现金（元）": breaches["held_fen"].map(lambda f: float(yuan(f))) if len(breaches) else [],
        "滞留天数": breaches["days_held"] if len(breaches) else []})
    sheets["缴费异常"] = pd.DataFrame({
        "缴费渠道": flagged["channel"] if len(flagged) else [],
        "凭证号": flagged["external_ref"] if len(flagged) else [],
        "身份证号码（脱敏）": flagged["id_number"].map(mask_id) if len(flagged) else [],
        "异常": flagged["status"].map(lambda s: label({"orphan": "orphan_payment",
                                                     "duplicate": "duplicate_payment"}.get(s, s)))
        if len(flagged) else [],
        "实缴（元）": flagged["amount_fen"].map(lambda f: float(yuan(f))) if len(flagged) else [],
        "应缴（元）": flagged["expected_fen"].map(lambda f: float(yuan(f)) if pd.notna(f) else None)
        if len(flagged) else []})
    write_workbook(path, sheets, title=title)
    return path


def summary_markdown(title: str, counts: Mapping[str, int], rejections: Mapping[str, int],
                     anomalies: Mapping[str, int], extra: list[str]) -> str:
    """The run summary: what was taken in, rejections and anomalies by reason (no personal data)."""
    lines = [f"# {title}", "", "| 项目 | 数量 |", "|---|---:|"]
    lines += [f"| {k} | {v:,} |" for k, v in counts.items()]
    lines += ["", "## 退回数据（按原因）", "", "| 原因 | 代码 | 行数 |", "|---|---|---:|"]
    lines += [f"| {label(k)} | `{k}` | {v:,} |" for k, v in sorted(rejections.items(), key=lambda x: -x[1])]
    if not rejections:
        lines.append("| 无 | | 0 |")
    lines += ["", "## 缴费异常", "", "| 异常 | 代码 | 笔数 |", "|---|---|---:|"]
    lines += [f"| {label(k)} | `{k}` | {v:,} |" for k, v in sorted(anomalies.items(), key=lambda x: -x[1])]
    if not anomalies:
        lines.append("| 无 | | 0 |")
    return "\n".join([*lines, "", *extra, ""])
