"""Two Kaijiang agencies' exemption lists with overlaps, and a changed second version, written as agencies do."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from canbao.formats.write import write_workbook
from canbao.identity import make_id

__all__ = ["BAD_ID", "CAMPAIGN", "PEOPLE", "civil_v1", "civil_v2", "disabled_v1", "ids", "write_list"]

CAMPAIGN = "kaijiang-2020"
# label → (ID number, name, town, village); IDs from Kaijiang's area code
PEOPLE = {
    f"A{i}": (make_id("511723", date(1940 + 7 * i, i, 10 + i), 100 + i), name, town, village)
    for i, (name, town, village) in enumerate([
        ("张国强", "新宁镇", "红星村"), ("李秀英", "新宁镇", "红星村"), ("王小明", "普安镇", "茶园村"),
        ("赵建华", "普安镇", "茶园村"), ("陈桂兰", "甘棠镇", "东风村"), ("刘德明", "普安镇", "茶园村"),
        ("杨丽", "甘棠镇", "东风村"), ("黄志刚", "新宁镇", "红星村")], start=1)
}
BAD_ID = PEOPLE["A1"][0][:17] + ("0" if PEOPLE["A1"][0][17] != "0" else "1")  # wrong check character


def ids(*labels: str) -> list[str]:
    """The ID numbers of the given people."""
    return [PEOPLE[k][0] for k in labels]


def _civil(rows: list[tuple[str, str]]) -> pd.DataFrame:
    """民政 layout: 序号, 姓名, 公民身份号码, 救助类别, 所属镇（街道）, 村（社区）."""
    out = []
    for i, (label, category) in enumerate(rows, start=1):
        id_number, name, town, village = PEOPLE.get(label, (BAD_ID, "错号人", "新宁镇", "红星村"))
        out.append({"序号": str(i), "姓名": name, "公民身份号码": id_number, "救助类别": category,
                    "所属镇（街道）": town, "村（社区）": village})
    return pd.DataFrame(out)


def civil_v1() -> pd.DataFrame:
    """A1 dibao, A2 tekun, A3 dibao and orphan (twice on one list), A4 and A5 dibao, one row with a bad ID."""
    return _civil([("A1", "低保"), ("A2", "特困人员"), ("A3", "低保"), ("A3", "孤儿"), ("A4", "低保"),
                   ("A5", "城乡居民最低生活保障对象"), ("BAD", "低保")])


def civil_v2() -> pd.DataFrame:
    """A4 now tekun, A5 gone, A7 and A8 new (A8 has died meanwhile); A1-A3 as approved."""
    return _civil([("A1", "低保"), ("A2", "特困人员"), ("A3", "孤儿"), ("A4", "特困"), ("A7", "低保"),
                   ("A8", "低保")])


def disabled_v1() -> pd.DataFrame:
    """残联 layout (no category column, an address instead of town): A1, A2 (both also on civil affairs' list), A6."""
    rows = []
    for label in ("A1", "A2", "A6"):
        id_number, name, town, village = PEOPLE[label]
        rows.append({"姓名": name, "身份证号码": id_number, "残疾等级": "一级", "残疾类别": "肢体",
                     "地址": f"{town}{village}3组"})
    return pd.DataFrame(rows)


def write_list(inbox: Path, agency: str, frame: pd.DataFrame, name: str = "资助参保名单.xlsx") -> Path:
    """An agency's list in `inbox/exemption/<agency>/`, with a title row above the header."""
    return write_workbook(inbox / "exemption" / agency / name, {"名单": frame}, title=f"{agency}资助参保人员名单")
