"""The monthly public posting (公示) of each village's roster: who is enrolled, names and IDs masked."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd

from canbao.identity import mask_id, mask_name
from canbao.policy.model import Campaign
from canbao.reports.posting_workbook import write_roster_sheet
from canbao.state import CampaignState

__all__ = ["POSTING_COLUMNS", "posting_file_name", "posting_rows", "write_posting"]

POSTING_COLUMNS = ["序号", "姓名", "身份证号码", "参保类别", "缴费档次", "参保方式", "个人缴费（元）", "参保日期"]
FEN_COLUMN = "个人缴费（元）"  # integer fen in the rows, yuan with two decimals in the workbook


def posting_rows(c: Campaign, state: CampaignState) -> pd.DataFrame:
    """Everyone enrolled in the state (as of its date), one row each with unit_code and the posted (masked) columns."""
    done = state.people[state.people["enrolled"]]
    labels = {k.code: k.name for k in c.contribution.categories}
    done = done.sort_values(["unit_code", "enrolled_on", "id_number"], kind="stable")
    return pd.DataFrame({
        "unit_code": done["unit_code"].to_numpy(),
        "姓名": [mask_name(n) if isinstance(n, str) else "" for n in done["name"]],
        "身份证号码": [mask_id(i) for i in done["id_number"]],
        "参保类别": [labels.get(k, k) for k in done["category"]],
        "缴费档次": [c.contribution.tiers.get(int(t), f"{t}档") for t in done["tier"]],
        "参保方式": ["政府资助" if x else "个人缴费" for x in done["covered"]],
        "个人缴费（元）": [int(v) for v in done["resident_paid_fen"]],
        "参保日期": [d.date().isoformat() for d in done["enrolled_on"]],
    })


def posting_file_name(code: str, name: str, as_of: date) -> str:
    """E.g. `511723101001_新宁村_2019年10月参保缴费名单（公示）.xlsx`: marked public."""
    safe = re.sub(r'[\\/:*?"<>|\s]+', "_", name)
    return f"{code}_{safe}_{as_of.year}年{as_of.month}月参保缴费名单（公示）.xlsx"


def write_posting(out_dir: Path, c: Campaign, code: str, name: str, town: str, rows: pd.DataFrame,
                  as_of: date) -> Path:
    """One village's posting workbook (公示): title, the masked roster, how to raise an objection."""
    columns = [k for k in POSTING_COLUMNS if k != "缴费档次" or len(c.contribution.tiers) > 1]
    sheet = rows.drop(columns="unit_code").reset_index(drop=True)
    sheet.insert(0, "序号", range(1, len(sheet) + 1))
    title = f"{c.campaign.locality}{town}{name}{c.campaign.insurance_year}年度城乡居民医保参保缴费公示名单"
    notes = [f"截至{as_of.year}年{as_of.month}月{as_of.day}日，共{len(sheet)}人。"
             "姓名和身份证号码已按规定隐去部分信息。",
             "如有遗漏或信息有误，请在公示期内向本村（社区）或乡镇便民服务中心反映。"]
    return write_roster_sheet(out_dir / posting_file_name(code, name, as_of), title, notes, sheet[columns],
                              fen_column=FEN_COLUMN)
