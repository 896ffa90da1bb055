"""The roll-up report in Chinese: a table of every region and county (markdown) and the same as a workbook."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from canbao.formats.write import write_workbook
from canbao.money import format_yuan, yuan
from canbao.rollup.aggregate import RollUp
from canbao.rollup.hierarchy import LEVEL_NAMES
from canbao.state.figures import pct

__all__ = ["RATE_LABEL", "rollup_frame", "rollup_markdown", "rollup_title", "write_rollup_workbook"]

RATE_LABEL = "参保率（分母：所辖县（市、区）目标任务之和）"
_INDENT = {"province": "", "city": "　", "county": "　　"}
_HEAD = {"name": "地区", "level": "层级", "counties": "县（市、区）数", "reported": "已上报", "target": "目标任务",
         "registered": "已登记", "paid": "缴费参保", "covered": "资助参保", "enrolled": "参保人数",
         "rate": RATE_LABEL, "proof_pending": "待审核证明材料", "paid_part": "缴费不足",
         "resident_paid_fen": "个人缴费已入账金额（元）", "overpaid_fen": "待退费金额（元）"}


def rollup_title(r: RollUp) -> str:
    """E.g. `江苏省城乡居民基本医疗保险参保情况汇总（截至2019年12月2日）`."""
    d = r.as_of
    return f"{r.top_name}城乡居民基本医疗保险参保情况汇总（截至{d.year}年{d.month}月{d.day}日）"


def _notes(r: RollUp) -> list[str]:
    notes = ["参保率 = 参保人数之和 ÷ 目标任务之和（各县（市、区）分子、分母分别相加后再相除，"
             "不取各县参保率的平均数）。",
             "各县数字取自各县台账（与各县周报同一口径）；金额以分为单位相加后折算为元。"]
    if r.missing:
        notes.append(f"未上报（台账中尚无该活动）：{'、'.join(r.missing)}；所在地区的合计和参保率只含已上报的县"
                     "（见“已上报”列）。")
    if int(r.rows["no_target"].sum()):
        notes.append("有县（市、区）未设目标任务：所在地区参保率不计算。")
    return notes


def rollup_frame(r: RollUp) -> pd.DataFrame:
    """The report's table with Chinese headers: counts as integers, money in fen (the workbook shows yuan)."""
    out = pd.DataFrame({
        "name": [_INDENT[lv] + n for lv, n in zip(r.rows["level"], r.rows["name"])],
        "level": [LEVEL_NAMES[lv] for lv in r.rows["level"]],
        **{k: r.rows[k] for k in ("counties", "reported", "target", "registered", "paid", "covered", "enrolled")},
        "rate": [None if v is None else f"{pct(v)}%" for v in r.rows["rate"]],
        **{k: r.rows[k] for k in ("proof_pending", "paid_part", "resident_paid_fen", "overpaid_fen")},
    })
    return out.rename(columns=_HEAD)


def rollup_markdown(r: RollUp) -> str:
    """The report as markdown (the flow's artifact and the .md file)."""
    frame = rollup_frame(r)
    money = (_HEAD["resident_paid_fen"], _HEAD["overpaid_fen"])
    lines = [f"# {rollup_title(r)}", "", "| " + " | ".join(frame.columns) + " |",
             "|" + "---|" * len(frame.columns)]
    for record in frame.to_dict("records"):
        cells = [format_yuan(yuan(v)) if k in money else ("—" if v is None or pd.isna(v) else str(v))
                 for k, v in record.items()]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", *[f"- {n}" for n in _notes(r)]]
    return "\n".join(lines) + "\n"


def write_rollup_workbook(path: Path, r: RollUp) -> Path:
    """The report as an .xlsx (one sheet 汇总, money in yuan with two places)."""
    return write_workbook(path, {"汇总": rollup_frame(r)}, title=rollup_title(r), notes=_notes(r),
                          fen_columns=(_HEAD["resident_paid_fen"], _HEAD["overpaid_fen"]))
