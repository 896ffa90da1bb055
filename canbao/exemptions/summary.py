"""What the coordinator reads before deciding, and what goes back to an agency: markdown, masked."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from canbao.clock import SHANGHAI
from canbao.exemptions.diff import CHANGE_LABELS, CHANGES
from canbao.identity import mask_id, mask_name
from canbao.policy.model import Campaign

__all__ = ["DECIDE_PROMPT", "DETAIL_LIMIT", "agency_name", "change_counts", "diff_markdown", "rejection_markdown"]

DETAIL_LIMIT = 30  # persons shown per change kind; the internal workbook has them all
DECIDE_PROMPT = ("审核结果：**通过**；**退回**（填写原因，名单退回报送部门）；**剔除部分人员后通过**"
                 "（填写身份证号码或行号）。在本运行页面点 ⋮ → Resume 填写审核意见。")


def agency_name(c: Campaign, code: str) -> str:
    """The agency's Chinese name from the config (the code if it has none)."""
    return next((a.name for a in c.agencies if a.code == code), code)


def change_counts(counts: Mapping[str, int]) -> str:
    """A version's counts in words, e.g. `共7行：新增 5 人，…；名单内重复 1 行，格式错误 1 行`."""
    changes = "，".join(f"{CHANGE_LABELS[k]} {counts.get(k, 0)} 人" for k in CHANGES)
    return (f"共{counts.get('rows', 0)}行：{changes}；名单内重复 {counts.get('duplicates', 0)} 行，"
            f"格式错误 {counts.get('rejected', 0)} 行")


def _cell(value: Any) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _table(diff: pd.DataFrame, names: Mapping[str, str], labels: Mapping[str, str], files: int) -> list[str]:
    """The changed persons, masked; the file column only where the version has several files."""
    head = ["变动", *(["文件"] if files > 1 else []), "行号", "姓名", "身份证号码", "现类别", "原类别"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for change in CHANGES[:-1]:
        rows = diff[diff["change"] == change]
        for r in rows.head(DETAIL_LIMIT).itertuples():
            cells = [CHANGE_LABELS[change], *([_cell(r.source_file).split("/")[-1]] if files > 1 else []),
                     _cell(r.source_row), mask_name(names.get(r.id_number, "")), mask_id(r.id_number),
                     labels.get(_cell(r.exemption), _cell(r.exemption)),
                     labels.get(_cell(r.previous), _cell(r.previous))]
            lines.append("| " + " | ".join(cells) + " |")
        if len(rows) > DETAIL_LIMIT:
            more = [CHANGE_LABELS[change], "…", f"另有 {len(rows) - DETAIL_LIMIT} 人", "见内部变动明细表"]
            lines.append("| " + " | ".join(more + [""] * (len(head) - len(more))) + " |")
    return lines if len(lines) > 2 else ["（与上一版相比没有人员变动。）"]


def diff_markdown(c: Campaign, version: Mapping[str, Any], diff: pd.DataFrame, names: Mapping[str, str],
                  workbook: str | None = None) -> str:
    """The diff summary shown in the approval form: counts, then the changed persons (masked)."""
    counts, labels = version["diff"], {e.code: e.name for e in c.exemptions}
    base = f"与已通过的第{version['base_version']}版相比" if version["base_version"] else "首次报送，全部为新增"
    received = version["received_at"].astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    lines = [
        f"### {agency_name(c, version['agency'])} 免缴对象名单 第{version['version']}版",
        "",
        f"- 收到：{received}；文件：{'、'.join(f.split('/')[-1] for f in version['files'])}",
        f"- 共 {version['persons']} 人（{counts.get('rows', 0)} 行；名单内重复 {counts.get('duplicates', 0)} 行已合并；"
        f"格式错误 {counts.get('rejected', 0)} 行已退回报送部门）",
        f"- {base}：" + "，".join(f"{CHANGE_LABELS[k]} {counts.get(k, 0)} 人" for k in CHANGES),
        "",
        *_table(diff, names, labels, len(version["files"])),
    ]
    if workbook:
        lines.insert(5, f"- 完整变动明细（含完整身份证号码）：`{workbook}`")
    return "\n".join(lines)


def rejection_markdown(c: Campaign, agency: str, version: int, reason: str | None, files: list[str]) -> str:
    """The notice sent back to an agency whose list was rejected."""
    return "\n".join([
        f"### 免缴对象名单退回：{agency_name(c, agency)} 第{version}版",
        "",
        f"- 文件：{'、'.join(f.split('/')[-1] for f in files)}",
        f"- 退回原因：{reason or '（未填写）'}",
        "- 请核实修改后重新报送完整名单；重新报送的名单将与上一版已通过名单比对。",
    ])
