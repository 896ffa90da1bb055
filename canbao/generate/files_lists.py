"""Lists other agencies send: each confirming agency's exemption list, and the deceased."""

from __future__ import annotations

import numpy as np
import pandas as pd

from canbao.formats.labels import EXEMPTION_ALIASES
from canbao.generate.files_people import safe
from canbao.generate.job import FileJob, display, fmt_dates, meta
from canbao.generate.layouts import ANNEX3_AGENCIES, LAYOUTS, agency_layout
from canbao.generate.units import UnitTree
from canbao.policy.model import Campaign

__all__ = ["deceased_job", "exemption_jobs", "identity_words"]

_VETERANS = ["伤残军人", "在乡复员军人", "带病回乡退伍军人", "烈士遗属", "因公牺牲军人遗属", "参战退役人员"]
_DISABILITY = ["肢体残疾", "视力残疾", "智力残疾", "精神残疾", "听力残疾", "多重残疾"]
_RELATIONS = ["户主", "配偶", "之子", "之女", "之孙子", "之孙女", "之父", "之母"]
_WORK_UNITS = ["县农机站", "县运输公司", "县纺织厂", "县粮食储备库", "县供销社", "县建筑公司"]


def identity_words(c: Campaign) -> dict[str, list[str]]:
    """Exemption code → the words agencies write for it: its name, the config's aliases, the common ones."""
    common: dict[str, list[str]] = {}
    for word, code in EXEMPTION_ALIASES.items():
        common.setdefault(code, []).append(word)
    return {e.code: list(dict.fromkeys([e.name, *e.aliases, *common.get(e.code, [])])) for e in c.exemptions}


def _annex3(c: Campaign, name: str, n: int) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """Title, the 填报单位 line and the footer lines of a list in the 附件3 layout."""
    filed = c.campaign.window_start
    return (f"{c.campaign.locality}{c.campaign.insurance_year}年度医疗救助对象资助参保人员名单",
            (f"填报单位（盖章）：{c.campaign.locality}{name}    填报日期：{filed:%Y年%m月%d日}",),
            (f"合计：{n}人", "填表人：", "审核人：", "联系电话："))


def exemption_jobs(c: Campaign, people: pd.DataFrame, units: UnitTree, lists: pd.DataFrame,
                   rng: np.random.Generator) -> list[FileJob]:
    """资助参保名单 per confirming agency, each in that agency's own layout (civil affairs: 附件3, with identity
    words, 纳入资助时间, a title and footer lines; the poverty office with 人员编号)."""
    words = identity_words(c)
    year_start = pd.Timestamp(c.campaign.window_start)
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
            "seq": [str(i + 1) for i in range(n)], "name": p["name"].to_numpy(),
            "id_text": p["id_number"].to_numpy(),
            "exemption": mine["code"].map(exemption_name).to_numpy(), "town": town, "village": village,
            "veteran_type": rng.choice(_VETERANS, n), "disability_grade": rng.choice(["一级", "二级"], n),
            "disability_type": rng.choice(_DISABILITY, n),
            "relation": np.where(p["head"].to_numpy(), "户主", rng.choice(_RELATIONS[1:], n)),
            "address": town + village + p["group"].astype(str).to_numpy() + "组",
            "poverty_status": rng.choice(["脱贫户", "监测户", "低收入户"], n),
            "work_unit": rng.choice(_WORK_UNITS, n),
            "identity_word": [ws[int(rng.integers(len(ws)))] for ws in mine["code"].map(words)],
            "included_on": fmt_dates(pd.Series(year_start - pd.to_timedelta(rng.integers(30, 1500, n), unit="D")),
                                     "%Y-%m-%d").to_numpy(),
            "person_number": [f"{c.campaign.area_code}{int(i):09d}" for i in mine["person"]],
            "person": mine["person"].to_numpy(),
        })
        frame = display(rows, agency_layout(agency, len(codes)))
        path = f"exemption/{agency}/{safe(names.get(agency, agency))}_资助参保名单.xlsx"
        name = names.get(agency, agency)
        if agency in ANNEX3_AGENCIES:
            title, notes, footers = _annex3(c, name, n)
            jobs.append(FileJob("exemption", path, frame, meta(rows), title, notes=notes, footers=footers))
        else:
            jobs.append(FileJob("exemption", path, frame, meta(rows), f"{name}资助参保人员名单"))
    return jobs


def deceased_job(people: pd.DataFrame, units: UnitTree, deceased: pd.DataFrame) -> FileJob:
    """死亡人员名单 from the civil registry: people who died, with the day."""
    d = deceased.sort_values(["died_on", "person"])
    p = people.loc[d["person"].to_numpy()]
    village_name = dict(zip(units.villages["code"], units.villages["name"], strict=True))
    rows = pd.DataFrame({"seq": [str(i + 1) for i in range(len(d))], "name": p["name"].to_numpy(),
                         "sex": np.where(p["male"], "男", "女"), "id_text": p["id_number"].to_numpy(),
                         "died_on": fmt_dates(d["died_on"], "%Y-%m-%d").to_numpy(),
                         "address": p["village"].map(village_name).to_numpy(),
                         "person": d["person"].to_numpy()})
    return FileJob("deceased", "deceased/死亡人员名单.xlsx", display(rows, LAYOUTS["deceased"]), meta(rows))
