"""The handoff files: per-town verification lists (公示 masked, 内部 full), request detail, special groups."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd

from canbao.exemptions.request import MONEY_COLUMNS, SIGNATURES, quote_amounts, with_total
from canbao.exemptions.summary import agency_name
from canbao.formats.write import write_workbook
from canbao.identity import mask_id, mask_name
from canbao.policy.assumptions import assumption_footnote
from canbao.policy.model import Campaign

__all__ = ["safe_name", "write_request", "write_special", "write_town_lists"]


def safe_name(text: str) -> str:
    """Text usable in a file name."""
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text)


def _list(c: Campaign, people: pd.DataFrame, full: bool) -> pd.DataFrame:
    names = {e.code: e.name for e in c.exemptions}
    frame = pd.DataFrame({
        "序号": range(1, len(people) + 1), "村（社区）": people["village"].to_numpy(),
        "姓名": people["name"].to_numpy() if full else people["name"].map(mask_name).to_numpy(),
        "身份证号码": people["id_number"].to_numpy() if full else people["id_number"].map(mask_id).to_numpy(),
        "资助类别": people["exemption"].map(names).to_numpy(),
        "纳入资助时间": [d.isoformat() if hasattr(d, "isoformat") and not pd.isna(d) else None
                   for d in people["included_on"]]})
    if full:
        frame.insert(4, "人员编号", people["person_number"].to_numpy())
        frame["确认部门"] = [agency_name(c, a) for a in people["agency"]]
        frame["参保登记"] = people["registered"].map({True: "已登记", False: "未登记"}).to_numpy()
    return frame


def write_town_lists(out: Path, c: Campaign, persons: pd.DataFrame, as_of: date) -> list[Path]:
    """Per town: the verification list to post (公示, masked) and the restricted copy with the not-registered."""
    year, done = c.campaign.insurance_year, []
    for town, people in persons.sort_values(["village", "id_number"], na_position="last").groupby("town_name"):
        stem = out / f"{safe_name(town)}_{year}年度免缴对象核对名单"
        title = f"{c.campaign.locality}{town}{year}年度城乡居民医保免缴（资助参保）对象名单"
        notes = [f"截至{as_of:%Y年%m月%d日}，共{len(people)}人。"]
        public = [*notes, "姓名和身份证号码已按规定隐去部分信息；如有异议请向村（社区）或镇（街）反映。"]
        done.append(write_workbook(Path(f"{stem}（公示）.xlsx"), {"免缴对象名单": _list(c, people, False)}, title,
                                   public))
        missing = people[~people["registered"]]
        restricted = [*notes, f"其中未参保登记{len(missing)}人，请镇（街）核实身份并督促登记。",
                      "含完整身份证号码，严禁公示或外传。"]
        done.append(write_workbook(Path(f"{stem}（内部）.xlsx"), {
            "核对名单": _list(c, people, True),
            "未参保登记": _list(c, missing, True).drop(columns="参保登记")}, f"{title}（内部核对）", restricted))
    return done


def write_request(path: Path, c: Campaign, detail: pd.DataFrame, as_of: date) -> Path:
    """The request detail for the tax bureau, with a per-category summary sheet (restricted: full IDs)."""
    summary = detail.groupby("代缴类别", sort=False).agg(人数=("序号", "size"), **{
        k: (k, "sum") for k in MONEY_COLUMNS}).reset_index()
    total = pd.DataFrame([{"代缴类别": "合计", "人数": len(detail), **{k: detail[k].sum() for k in MONEY_COLUMNS}}])
    summary = pd.concat([summary, total], ignore_index=True)
    title = f"{c.campaign.locality}{c.campaign.insurance_year}年度城乡居民医保代缴请款明细"
    missing = int(detail["人员编号"].isna().sum())
    notes = [f"截至{as_of:%Y年%m月%d日}，共{len(detail)}人，金额单位：元；人员编号缺失{missing}人（待医保系统补录）。"
             "含完整身份证号码，仅限税务部门使用。" + assumption_footnote(c)]  # assumed amounts say so (same row)
    return write_workbook(path, {"请款明细": with_total(detail), "分类汇总": summary}, title, notes,
                          fen_columns=MONEY_COLUMNS, footers={"请款明细": SIGNATURES})


def write_special(path: Path, c: Campaign, missing: pd.DataFrame, goal_people: int, as_of: date) -> Path:
    """Every special-group person not enrolled, per town, for the 100% goal (restricted)."""
    names = {e.code: e.name for e in c.exemptions}
    rows = missing.sort_values(["town_name", "village", "id_number"], na_position="last", ignore_index=True)
    money = quote_amounts(c, rows) if len(rows) else pd.DataFrame({"resident_pays_fen": []}, dtype="int64")
    sheet = pd.DataFrame({"序号": range(1, len(rows) + 1), "镇（街）": rows["town_name"], "村（社区）": rows["village"],
                          "姓名": rows["name"], "身份证号码": rows["id_number"],
                          "特殊群体类别": rows["exemption"].map(names),
                          "参保登记": rows["registered"].map({True: "已登记未缴清", False: "未登记"}),
                          "个人应缴金额": money["resident_pays_fen"]})
    towns = sheet.groupby("镇（街）").size().rename("未参保人数").reset_index()
    title = f"{c.campaign.locality}{c.campaign.insurance_year}年度特殊群体未参保名单（目标100%）"
    notes = [f"截至{as_of:%Y年%m月%d日}，特殊群体{goal_people}人，未参保{len(sheet)}人。含完整身份证号码，严禁公示。"]
    return write_workbook(path, {"分镇（街）汇总": towns, "未参保名单": sheet}, title, notes,
                          fen_columns=["个人应缴金额"])
