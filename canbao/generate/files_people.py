"""Files about registration: the target table, last year's list and the village rosters."""

from __future__ import annotations

import numpy as np
import pandas as pd

from canbao.generate.job import FileJob, display, fmt_dates, meta
from canbao.generate.layouts import LAYOUTS
from canbao.generate.units import UnitTree
from canbao.policy.model import Campaign

__all__ = ["labels", "last_year_job", "roster_jobs", "safe", "targets_job"]

_ROSTER_DATES = ["%Y-%m-%d", "%Y-%m-%d", "%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"]


def safe(name: str) -> str:
    """A name usable in a file name."""
    return name.replace("/", "_").replace("\\", "_").replace(" ", "")


def labels(c: Campaign, people: pd.DataFrame) -> pd.DataFrame:
    """Category and tier labels (as files write them) of each person."""
    names = {k.code: k.name for k in c.contribution.categories}
    tiers = people["tier"].map(c.contribution.tiers)
    return pd.DataFrame({"category": people["category"].map(names), "tier": tiers}, index=people.index)


def targets_job(c: Campaign, table: pd.DataFrame) -> FileJob:
    """任务分解表: title, a note, then every town, village and school with its target."""
    year = c.campaign.insurance_year
    title = f"{c.campaign.locality}{year}年度城乡居民医保参保任务分解表"
    schools = int(table.loc[table["level"] == "学校", "target"].sum())
    towns = int(table.loc[table["level"].isin(["镇", "乡", "街道"]), "target"].sum())
    notes = (f"说明：各乡镇（街道）目标任务合计{towns}人，由所辖村（社区）目标任务汇总；"
             f"学校按在校学生数，合计{schools}人另计。",)
    rows = table.assign(target=table["target"].astype(str))
    frame = display(rows, LAYOUTS["targets"])
    return FileJob("targets", "targets/任务分解表.xlsx", frame, meta(rows), title, notes)


def last_year_job(c: Campaign, people: pd.DataFrame, lab: pd.DataFrame) -> FileJob:
    """上年参保人员名单: everyone insured last year (gone people included)."""
    sel = people.index[people["renewal"]]
    rows = pd.DataFrame({"id_text": people.loc[sel, "id_number"], "name": people.loc[sel, "name"],
                         "unit_code": people.loc[sel, "unit"], "category": lab.loc[sel, "category"],
                         "tier": lab.loc[sel, "tier"], "person": sel})
    title = f"{c.campaign.locality}{c.campaign.insurance_year - 1}年度城乡居民医保参保人员名单"
    return FileJob("last_year_roster", "last_year_roster/上年参保人员名单.xlsx",
                   display(rows, LAYOUTS["last_year_roster"]), meta(rows), title)


def roster_jobs(c: Campaign, people: pd.DataFrame, units: UnitTree, roster: pd.DataFrame, lab: pd.DataFrame,
                rng: np.random.Generator) -> list[FileJob]:
    """花名册 per village: xlsx (half with a title and a note row) or, for some villages, GB18030 CSV."""
    p = people.loc[roster["person"].to_numpy()]
    rows = roster.assign(g=p["group"].to_numpy(), hh=p["household"].to_numpy(),
                         group=(p["group"].astype(str) + "组").to_numpy(),
                         household=p["household_no"].astype(str).str.zfill(4).to_numpy(),
                         name=p["name"].to_numpy(), phone=p["phone"].to_numpy(),
                         category=lab.loc[p.index, "category"].to_numpy(),
                         tier=lab.loc[p.index, "tier"].to_numpy(),
                         extra=roster["outcome"].eq("duplicate_enrollment").to_numpy())
    by_file = dict(tuple(rows.groupby("file_unit", sort=False)))
    jobs = []
    for v in units.villages.itertuples():
        if v.code not in by_file:
            continue
        mine = by_file[v.code].sort_values(["extra", "g", "hh", "person"])
        mine = mine.assign(registered_on=fmt_dates(mine["registered_on"], str(rng.choice(_ROSTER_DATES))))
        frame = display(mine, LAYOUTS["roster"])
        if rng.random() < 0.15:
            frame = frame.rename(columns={"身份证号码": "公民身份号码"})
        base = f"roster/{safe(v.town_name)}_{safe(v.name)}_花名册"
        m = meta(mine, enrolls=mine["outcome"].isna())
        if rng.random() < 0.1:
            jobs.append(FileJob("roster", base + ".csv", frame, m, encoding="gb18030"))
            continue
        banner = rng.random() < 0.5
        year = c.campaign.insurance_year
        title = f"{v.town_name}{v.name}{year}年度城乡居民医保参保花名册" if banner else None
        notes = (f"填报单位：{v.name}（盖章）    联系人：{v.name[:2]}村委会",) if banner else ()
        jobs.append(FileJob("roster", base + ".xlsx", frame, m, title, notes))
    return jobs
