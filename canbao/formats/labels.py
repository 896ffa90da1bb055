"""Chinese labels in files mapped back to codes (categories, tiers, exemptions, levels, statuses)."""

from __future__ import annotations

import unicodedata

import pandas as pd

from canbao.policy.model import Campaign

__all__ = [
    "EXEMPTION_ALIASES", "LEVELS", "STATUSES", "apply_labels", "category_labels", "exemption_labels",
    "tier_labels",
]

LEVELS = {"县": "county", "区": "county", "县（区）": "county", "乡镇（街道）": "town", "镇": "town",
          "乡": "town", "街道": "town", "乡镇": "town", "村（社区）": "village", "村": "village",
          "社区": "village", "学校": "school", "高校": "school"}
STATUSES = {"成功": "success", "扣款成功": "success", "失败": "failed", "扣款失败": "failed"}
# Short names agencies use on their own lists; a campaign's own exemption names take precedence.
EXEMPTION_ALIASES = {
    "低保": "dibao", "低保对象": "dibao", "城乡低保": "dibao", "最低生活保障对象": "dibao",
    "农村低保": "dibao", "城市低保": "dibao", "农村低保对象": "dibao", "城市低保对象": "dibao",
    "城乡低保对象": "dibao", "城乡最低生活保障对象": "dibao", "低保户": "dibao",
    "农村特困": "tekun", "城市特困": "tekun", "特困供养对象": "tekun", "农村特困人员": "tekun",
    "城市特困人员": "tekun",
    "特困": "tekun", "特困人员": "tekun", "特困供养人员": "tekun", "五保": "tekun", "五保户": "tekun",
    "五保供养对象": "tekun", "三无人员": "three_nos", "孤儿": "orphan", "事实孤儿": "orphan",
    "重点优抚对象": "key_entitled", "优抚对象": "key_entitled", "重度残疾人": "severe_disability",
    "重度残疾": "severe_disability", "一二级残疾人": "severe_disability",
    "建档立卡贫困人口": "registered_low_income", "建档立卡低收入人口": "registered_low_income",
    "建档立卡": "registered_low_income", "特困职工家庭": "hardship_worker_family",
    "60年代精减退职职工": "downsized_1960s", "老党员": "old_party_member",
    "计划生育特别扶助家庭": "family_planning_special",
}


def _key(text: object) -> str:
    return "".join(unicodedata.normalize("NFKC", str(text)).split())


def category_labels(c: Campaign) -> dict[str, str]:
    """Category name or code (normalised) → code."""
    return {_key(k): v for x in c.contribution.categories for k, v in ((x.name, x.code), (x.code, x.code))}


def tier_labels(c: Campaign) -> dict[str, str]:
    """Tier name or number (normalised) → the tier number as text."""
    out = {}
    for number, name in c.contribution.tiers.items():
        out.update({_key(name): str(number), str(number): str(number), f"{number}档": str(number)})
    return out


def exemption_labels(c: Campaign) -> dict[str, str]:
    """Exemption name, alias or code (normalised) → code, limited to the campaign's exemptions.

    The config's own words (`exemptions[].aliases`, then names and codes) win over the built-in aliases.
    """
    codes = {e.code for e in c.exemptions}
    out = {_key(k): v for k, v in EXEMPTION_ALIASES.items() if v in codes}
    out.update({_key(e.code): e.code for e in c.exemptions})
    out.update({_key(word): e.code for e in c.exemptions for word in e.aliases})
    out.update({_key(e.name): e.code for e in c.exemptions})
    return out


def _map(series: pd.Series, table: dict[str, str]) -> pd.Series:
    lookup = {v: table.get(_key(v), v) for v in series.dropna().unique()}
    return series.map(lookup, na_action="ignore").astype("str")


def apply_labels(frame: pd.DataFrame, campaign: Campaign | None) -> pd.DataFrame:
    """Label columns replaced by codes where known; unknown labels are left as they were."""
    out = frame.copy(deep=False)  # columns are replaced, never written into: no data copy
    fixed = {"level": LEVELS, "status": STATUSES}
    tables = fixed | ({"category": category_labels(campaign), "tier": tier_labels(campaign),
                       "exemption": exemption_labels(campaign)} if campaign else {})
    for column, table in tables.items():
        if column in out.columns:
            out[column] = _map(out[column], {_key(k): v for k, v in table.items()})
    return out
