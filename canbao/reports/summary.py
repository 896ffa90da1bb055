"""Short views of the weekly report for the Prefect UI: a per-town table and the artifact's markdown."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from canbao.reports.bulletin import bulletin_markdown
from canbao.reports.table import level_table, pct, totals_row
from canbao.reports.weekly import WeeklyReport

__all__ = ["report_markdown", "unit_records"]


def _p(value: object) -> str:
    return "" if value is None else f"{pct(value)}%"  # type: ignore[arg-type]


def unit_records(r: WeeklyReport, level: str = "town") -> list[dict[str, object]]:
    """One dict per unit (and a 合计 row) with Chinese keys, rates as percentage text."""
    if level == "town" and len(r.level("town")) <= 1:
        level = "village"
    table = level_table(r, level)
    rows = [*table.to_dict("records"), totals_row(table, r).to_dict()]
    return [{"单位": row["name"], "目标任务": None if pd.isna(row["target"]) else int(row["target"]),
             "参保人数": int(row["enrolled"]), "参保率": _p(row["rate"]), "较上周增加": int(row["change"]),
             "资助参保": int(row["exempt"]), "特殊群体参保率": _p(row["special_rate"]), "时序进度": _p(row["pace"]),
             "进度状态": "落后" if row["below_pace"] else "", "预计期末参保率": _p(row.get("forecast")),
             "排名": None if pd.isna(row["rank"]) else int(row["rank"])} for row in rows]


def report_markdown(r: WeeklyReport, files: Mapping[str, str], sha256: str, warnings: Sequence[str] = ()) -> str:
    """The weekly artifact: warnings first, the bulletin, then where the files are and which snapshot they are of."""
    listing = "\n".join(f"- {label}：`{Path(path).name}`" for label, path in files.items())
    notes = "".join(f"> ⚠ {w}\n\n" for w in warnings)
    folder = Path(next(iter(files.values()))).parent
    return (f"{notes}{bulletin_markdown(r)}\n---\n\n**输出文件**（{folder}）\n\n{listing}\n\n"
            f"台账快照 `{sha256[:12]}`：用同一快照重新生成可得到完全相同的报表（参数“按快照重现”）。\n")
