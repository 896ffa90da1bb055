"""The tax bureau's paid-on-behalf request detail (代缴请款明细): one row per exempt person, amounts quoted."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from canbao.identity import mask_id
from canbao.money import fen
from canbao.policy.model import Campaign
from canbao.policy.quote import quote

__all__ = ["MONEY_COLUMNS", "REQUEST_COLUMNS", "SIGNATURES", "quote_amounts", "request_detail", "with_total"]

REQUEST_COLUMNS = ["序号", "镇（街）", "村（社区）", "姓名", "身份证号码", "人员编号", "代缴类别", "纳入资助时间",
                   "参保类别", "代缴金额", "个人缴费金额", "缴费总额", "请款批次"]
SIGNATURES = ["经办人：", "审核人：", "单位负责人：", "（盖章）", "日期：    年  月  日"]
MONEY_COLUMNS = ["代缴金额", "个人缴费金额", "缴费总额"]  # integer fen in the frame, yuan in the workbook


def quote_amounts(c: Campaign, persons: pd.DataFrame) -> pd.DataFrame:
    """Per person, in fen: paid on behalf, what the person still pays, and the whole individual part."""
    keys = persons[["category", "tier", "exemption"]].drop_duplicates()
    table = {}
    for category, tier, code in keys.itertuples(index=False):
        q = quote(c, category, int(tier), code)
        table[(category, int(tier), code)] = (fen(q.paid_on_behalf), fen(q.resident_pays), fen(q.individual_part))
    amounts = [table[(a, int(b), x)] for a, b, x in zip(persons["category"], persons["tier"], persons["exemption"])]
    return pd.DataFrame(amounts, columns=["paid_on_behalf_fen", "resident_pays_fen", "individual_fen"],
                        index=persons.index, dtype="int64")


def _day_text(days: pd.Series) -> pd.Series:
    """Dates as YYYY-MM-DD text (blank where the agency gave none)."""
    return pd.Series([d.isoformat() if hasattr(d, "isoformat") and not pd.isna(d) else None for d in days],
                     index=days.index, dtype="object")


def with_total(detail: pd.DataFrame) -> pd.DataFrame:
    """The detail with a 合计 row: persons counted in 姓名, amounts summed (as the tax bureau files it)."""
    total: dict[str, object] = {c: None for c in detail.columns} | {"序号": "合计", "姓名": f"{len(detail)}人"}
    total |= {k: int(detail[k].sum()) for k in MONEY_COLUMNS}
    out = pd.concat([detail.astype({"序号": "object"}), pd.DataFrame([total])], ignore_index=True)
    return out.astype({k: "Int64" for k in MONEY_COLUMNS} | {"请款批次": "Int64"})


def request_detail(c: Campaign, persons: pd.DataFrame, batches: Mapping[str, int], *,
                   masked: bool = False) -> pd.DataFrame:
    """The request detail in the columns counties use; full IDs unless `masked` (the file is restricted)."""
    people = persons.sort_values(["town_code", "town_name", "exemption", "id_number"], na_position="last",
                                 ignore_index=True)
    money = quote_amounts(c, people)
    exemption_names = {e.code: e.name for e in c.exemptions}
    category_names = {k.code: k.name for k in c.contribution.categories}
    ids = people["id_number"].map(mask_id) if masked else people["id_number"]
    return pd.DataFrame({
        "序号": range(1, len(people) + 1), "镇（街）": people["town_name"], "姓名": people["name"],
        "村（社区）": people["village"], "身份证号码": ids, "人员编号": people["person_number"],
        "代缴类别": people["exemption"].map(exemption_names), "纳入资助时间": _day_text(people["included_on"]),
        "参保类别": people["category"].map(category_names), "代缴金额": money["paid_on_behalf_fen"],
        "个人缴费金额": money["resident_pays_fen"], "缴费总额": money["individual_fen"],
        "请款批次": people["id_number"].map(batches).astype("Int64"),
    })[REQUEST_COLUMNS]
