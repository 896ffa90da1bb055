"""Files about people: targets, last year's list, village rosters, exemption lists, the deceased."""

from __future__ import annotations

import numpy as np
import pandas as pd

from canbao.generate.job import FileJob, display, fmt_dates, meta
from canbao.generate.layouts import LAYOUTS, agency_layout
from canbao.generate.units import UnitTree
from canbao.policy.model import Campaign

__all__ = ["deceased_job", "exemption_jobs", "labels", "last_year_job", "roster_jobs", "safe", "targets_job"]

_ROSTER_DATES = ["%Y-%m-%d", "%Y-%m-%d", "%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"]
_VETERANS = ["伤残军人", "在乡复员军人", "带病回乡退伍军人", "烈士遗属", "因公牺牲军人遗属", "参战退役人员"]
_DISABILITY = ["肢体残疾", "视力残疾", "智力残疾", "精神残疾", "听力残疾", "多重残疾"]
_RELATIONS = ["户主", "配偶", "之子", "之女", "之孙子", "之孙女", "之父", "之母"]
_WORK_UNITS = ["县农机站", "县运输公司", "县纺织厂", "县粮食储备库", "县供销社", "县建筑公司"]


def safe(name: str) -> str:
    """A name usable in a file name."""
    return name.replace("/", "_").replace("\\", "_").replace(" ", "")


def labels(c: Campaign, people: pd.DataFrame) -> pd.DataFrame:
    """Category and tier labels (as files write them) of each person."""
    names = {k.code: k.name for k in c.contribution.categories}
    return pd.DataFrame({"category": people["category"].map(names), "tier": people["tier"].map(c.contribution.tiers)},
                        index=people.index)


def targets_job(c: Campaign, table: pd.DataFrame) -> FileJob:
    """任务分解表: title, a note, then every town, village and school with its target."""
    year = c.campaign.insurance_year
    title = f"{c.campaign.locality}{year}年度城乡居民医保参保任务分解表"
    notes = (f"说明：全{c.campaign.locality[-1]}目标任务合计{int(table['target'].sum())}人"
             f"（不含学校{int(table.loc[table['level'] == '学校', 'target'].sum())}人另计）；学校按在校学生数。",)
    rows = table.assign(target=table["target"].astype(str))
    return FileJob("targets", "targets/任务分解表.xlsx", display(rows, LAYOUTS["targets"]), meta(rows), title, notes)


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
                         category=lab.loc[p.index, "category"].to_numpy(), tier=lab.loc[p.index, "tier"].to_numpy(),
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
        title = f"{v.town_name}{v.name}{c.campaign.insurance_year}年度城乡居民医保参保花名册" if banner else None
        notes = (f"填报单位：{v.name}（盖章）    联系人：{v.name[:2]}村委会",) if banner else ()
        jobs.append(FileJob("roster", base + ".xlsx", frame, m, title, notes))
    return jobs


def exemption_jobs(c: Campaign, people: pd.DataFrame, units: UnitTree, lists: pd.DataFrame,
                   rng: np.random.Generator) -> list[FileJob]:
    """资助参保名单 per confirming agency, each in that agency's own layout."""
    names = {a.code: a.name for a in c.agencies}
    village_name = dict(zip(units.villages["code"], units.villages["name"], strict=True))
    town_name = dict(zip(units.towns["code"], units.towns["name"], strict=True))
    exemption_name = {e.code: e.name for e in c.exemptions}
    jobs = []
    for agency in dict.fromkeys(e.agency for e in c.exemptions):
        codes = [e.code for e in c.exemptions if e.agency == agency]
        mine = lists[lists["code"].isin(codes)].sort_values(["code", "person"])
        p = people.loc[mine["person"].to_numpy()]
        n = len(mine)
        town, village = p["town"].map(town_name).to_numpy(), p["village"].map(village_name).to_numpy()
        rows = pd.DataFrame({
            "seq": [str(i + 1) for i in range(n)], "name": p["name"].to_numpy(), "id_text": p["id_number"].to_numpy(),
            "exemption": mine["code"].map(exemption_name).to_numpy(), "town": town, "village": village,
            "veteran_type": rng.choice(_VETERANS, n), "disability_grade": rng.choice(["一级", "二级"], n),
            "disability_type": rng.choice(_DISABILITY, n),
            "relation": np.where(p["head"].to_numpy(), "户主", rng.choice(_RELATIONS[1:], n)),
            "address": town + village + p["group"].astype(str).to_numpy() + "组",
            "poverty_status": rng.choice(["脱贫户", "监测户", "低收入户"], n), "work_unit": rng.choice(_WORK_UNITS, n),
            "person": mine["person"].to_numpy(),
        })
        frame = display(rows, agency_layout(agency, len(codes)))
        path = f"exemption/{agency}/{safe(names.get(agency, agency))}_资助参保名单.xlsx"
        jobs.append(FileJob("exemption", path, frame, meta(rows), f"{names.get(agency, agency)}资助参保人员名单"))
    return jobs


def deceased_job(people: pd.DataFrame, units: UnitTree, deceased: pd.DataFrame) -> FileJob:
    """死亡人员名单 from the civil registry: people who died, with the day."""
    d = deceased.sort_values(["died_on", "person"])
    p = people.loc[d["person"].to_numpy()]
    village_name = dict(zip(units.villages["code"], units.villages["name"], strict=True))
    rows = pd.DataFrame({"seq": [str(i + 1) for i in range(len(d))], "name": p["name"].to_numpy(),
                         "sex": np.where(p["male"], "男", "女"), "id_text": p["id_number"].to_numpy(),
                         "died_on": fmt_dates(d["died_on"], "%Y-%m-%d").to_numpy(),
                         "address": p["village"].map(village_name).to_numpy(), "person": d["person"].to_numpy()})
    return FileJob("deceased", "deceased/死亡人员名单.xlsx", display(rows, LAYOUTS["deceased"]), meta(rows))
