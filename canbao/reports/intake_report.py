"""Intake outputs: the run summary (markdown), per-unit error workbooks and the reconciliation workbook."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from canbao.formats.sources import source_title
from canbao.formats.write import write_workbook
from canbao.identity import mask_id, mask_ids_in
from canbao.intake.inbox import IgnoredFile
from canbao.money import yuan
from canbao.pool import pool_map
from canbao.reasons import label

__all__ = ["REJECTION_HEADERS", "error_workbooks", "reconciliation_workbook", "summary_markdown",
           "unit_channel_records"]

REJECTION_HEADERS = {"source_file": "文件", "source_row": "行号", "column": "列", "reason": "原因代码",
                     "reason_label": "错误原因", "value": "身份证号码（脱敏）", "name": "姓名（脱敏）"}
UNIT_CHANNEL_HEADERS = {"unit_code": "单位代码", "unit_name": "单位名称", "channel": "缴费渠道",
                        "registered": "登记人数", "payments": "缴费笔数", "paid_yuan": "缴费金额（元）"}


_SUFFIX = "_退回清单（内部）.xlsx"


def _safe(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name)[:80]


def _book_name(key: str, rows: pd.DataFrame, unit_names: Mapping[str, str]) -> tuple[str, str]:
    """File name and title of one workbook: a unit's from the ledger's units, else the import's number."""
    if key in unit_names:
        return f"{_safe(key)}_{_safe(unit_names[key])}{_SUFFIX}", f"{unit_names[key]} 数据退回清单（内部）"
    first = rows.iloc[0]
    title = source_title(str(first["source"]))
    return (f"文件{int(first['import_id'])}_{_safe(title)}{_SUFFIX}",
            f"{first['source_file']}（{title}）数据退回清单（内部）")


def _write_book(book: tuple[Path, pd.DataFrame, str]) -> Path:
    path, sheet, title = book
    return write_workbook(path, {"退回明细": sheet}, title=title,
                          notes=["请按行号核对原文件，更正后重新报送；身份证号码已脱敏。行号为0表示整个文件未能读取。"])


def error_workbooks(rejected: pd.DataFrame, unit_names: Mapping[str, str], out_dir: Path) -> list[Path]:
    """One workbook per unit (or per received file when a row names no known unit) of its rejected rows.

    `rejected` is the ledger's (canbao.intake.returned): file names there are already masked, and a
    workbook's own name never comes from a received file's name. Workbooks of earlier runs that no
    longer have rows (their file was corrected) are removed, so the folder always matches the ledger.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    books = []
    if len(rejected):
        unit = rejected["unit_code"].astype("string")
        owner = unit.where(unit.isin(list(unit_names)), "file:" + rejected["import_id"].astype(str))
        for key, rows in rejected.groupby(owner, sort=True):
            name, title = _book_name(str(key), rows, unit_names)
            books.append((out_dir / name, rows[list(REJECTION_HEADERS)].rename(columns=REJECTION_HEADERS), title))
    paths = pool_map(_write_book, books)  # hundreds of small workbooks at county scale: both cores
    for stale in set(out_dir.glob(f"*{_SUFFIX}")) - set(paths):
        stale.unlink()
    return paths


def unit_channel_records(table: pd.DataFrame, unit_names: Mapping[str, str],
                         channels: Mapping[str, str] | None = None) -> list[dict[str, object]]:
    """The per unit and channel table with Chinese headers, channel names (`channel_labels`), amounts in yuan."""
    flags = [c for c in table.columns if c in ("matched", "underpaid", "overpaid", "orphan", "duplicate")]
    names = {"matched": "金额相符", "underpaid": "少缴", "overpaid": "多缴", "orphan": "有缴费无登记",
             "duplicate": "重复缴费"}
    rows = []
    for r in table.to_dict("records"):
        row = {UNIT_CHANNEL_HEADERS["unit_code"]: r["unit_code"],
               UNIT_CHANNEL_HEADERS["unit_name"]: unit_names.get(r["unit_code"], ""),
               UNIT_CHANNEL_HEADERS["channel"]: (channels or {}).get(r["channel"], r["channel"]),
               UNIT_CHANNEL_HEADERS["registered"]: r["registered"],
               UNIT_CHANNEL_HEADERS["payments"]: r["payments"],
               UNIT_CHANNEL_HEADERS["paid_yuan"]: str(yuan(r["paid_fen"]))}
        rows.append(row | {names[f]: int(r[f]) for f in flags})
    return rows


def reconciliation_workbook(path: Path, title: str, units: pd.DataFrame, cash: pd.DataFrame,
                            breaches: pd.DataFrame, flagged: pd.DataFrame,
                            unit_names: Mapping[str, str], channels: Mapping[str, str] | None = None) -> Path:
    """The reconciliation workbook: per unit/channel, cash vs deposits, double-limit breaches, flagged payments."""
    sheets = {"单位渠道汇总": pd.DataFrame(unit_channel_records(units, unit_names, channels))}
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


def _file_sections(refused: pd.DataFrame, ignored: Sequence[IgnoredFile]) -> list[str]:
    """Whole files refused (row 0 rejections) and entries left unread, names with ID-like digits masked."""
    lines: list[str] = []
    if len(refused):
        lines += ["## ⚠ 整个文件被退回（未读取任何行）", "", "| 来源 | 文件 | 原因 | 说明 |", "|---|---|---|---|"]
        lines += [f"| {source_title(r.source)} | {mask_ids_in(r.source_file)} "
                  f"| {label(r.reason)} | {r.value} |" for r in refused.itertuples()]
        lines.append("")
    if ignored:
        lines += ["## 收件箱中未读取的文件", "", "| 来源 | 文件 | 原因 |", "|---|---|---|"]
        lines += [f"| {source_title(x.source)} | {x.name} | {label(x.reason)} |"
                  for x in ignored]
        lines.append("")
    return lines


def summary_markdown(title: str, counts: Mapping[str, int], rejections: Mapping[str, int],
                     anomalies: Mapping[str, int], extra: list[str], *, refused: pd.DataFrame | None = None,
                     ignored: Sequence[IgnoredFile] = (), attention: Sequence[str] = (),
                     warnings: Sequence[str] = ()) -> str:
    """The run summary: what needs attention first (markdown lines of canbao.intake.attention), then refused and
    ignored files, what was taken in, rejections and anomalies by reason, then the warnings (one line a source).

    No personal data: `refused` holds file-level rejections (source, source_file, reason, value) whose
    value is a reader's detail, and file names are shown with ID-like digits masked.
    """
    lines = [f"# {title}", ""]
    if attention:
        lines += ["## ⚠ 需处理", "", *attention, ""]
    lines += _file_sections(refused if refused is not None else pd.DataFrame(), ignored)
    lines += ["| 项目 | 数量 |", "|---|---:|"]
    lines += [f"| {k} | {v:,} |" for k, v in counts.items()]
    lines += ["", "## 退回数据（按原因）", "", "| 原因 | 代码 | 行数 |", "|---|---|---:|"]
    lines += [f"| {label(k)} | `{k}` | {v:,} |" for k, v in sorted(rejections.items(), key=lambda x: -x[1])]
    if not rejections:
        lines.append("| 无 | | 0 |")
    lines += ["", "## 缴费异常", "", "| 异常 | 代码 | 笔数 |", "|---|---|---:|"]
    lines += [f"| {label(k)} | `{k}` | {v:,} |" for k, v in sorted(anomalies.items(), key=lambda x: -x[1])]
    if not anomalies:
        lines.append("| 无 | | 0 |")
    if warnings:
        lines += ["", "## 警告：未使用的列（各行已导入）", "", *warnings]
    return "\n".join([*lines, "", *extra, ""])
