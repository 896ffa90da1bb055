"""Files about money: school lists, channel exports, bank returns, village cash receipts and deposits."""

from __future__ import annotations

import numpy as np
import pandas as pd

from canbao.generate.files_people import safe
from canbao.generate.job import FileJob, display, fmt_dates, meta
from canbao.generate.layouts import LAYOUTS
from canbao.generate.units import UnitTree

__all__ = ["cash_jobs", "payment_jobs"]

_DATES = {"school": "%Y-%m-%d", "bank_deduction": "%Y%m%d", "self_service_terminal": "%Y-%m-%d %H:%M:%S",
          "tax_app": "%Y-%m-%d %H:%M:%S", "bank_counter": "%Y/%m/%d", "service_window": "%Y-%m-%d %H:%M:%S",
          "village_cash": "%Y年%m月%d日"}
_AMOUNTS = ("缴费金额", "扣款金额", "实缴金额", "收款金额")
_FAILURES = np.array(["余额不足", "余额不足", "余额不足", "账户已冻结", "账户已销户"], dtype=object)


def _group_key(channel: str, rows: pd.DataFrame, units: UnitTree) -> tuple[pd.Series, str]:
    """The column that splits a channel's rows into files, and the file name pattern."""
    towns = dict(zip(units.towns["code"], units.towns["name"], strict=True))
    villages = units.villages.set_index("code")
    if channel == "school":
        names = dict(zip(units.schools["code"], units.schools["name"], strict=True))
        return rows["unit_code"].map(names), "school/{}_学生参保缴费名单.xlsx"
    if channel in ("bank_deduction", "bank_counter"):
        if channel == "bank_deduction":
            return rows["bank"], "bank_deduction/{}_批量扣款回盘.csv"
        return rows["bank"], "bank_counter/{}_代收明细.xlsx"
    if channel == "self_service_terminal":
        return rows["paid_at"].dt.strftime("%Y%m"), "self_service_terminal/自助机缴费明细_{}.xlsx"
    if channel == "tax_app":
        return rows["paid_at"].dt.strftime("%Y%m"), "tax_app/税务APP缴费明细_{}.csv"
    if channel == "service_window":
        return rows["town"].map(towns), "service_window/{}_窗口缴费明细.xlsx"
    town, village = rows["unit_code"].map(villages["town_name"]), rows["unit_code"].map(villages["name"])
    return town.map(safe) + "_" + village.map(safe), "village_cash/{}_现金收款收据.xlsx"


def payment_jobs(payments: pd.DataFrame, people: pd.DataFrame, units: UnitTree, lab: pd.DataFrame,
                 rng: np.random.Generator) -> list[FileJob]:
    """One or more files per channel, rows in time order, amounts in yuan."""
    p = people.loc[payments["person"].to_numpy()]
    schools = dict(zip(units.schools["code"], units.schools["name"], strict=True))
    n = len(payments)
    rows = payments.assign(
        name=p["name"].to_numpy(), town=p["town"].to_numpy(),
        group=(p["group"].astype(str) + "组").to_numpy(),
        category=lab.loc[p.index, "category"].to_numpy(), tier=lab.loc[p.index, "tier"].to_numpy(),
        unit_name=payments["unit_code"].map(schools).to_numpy(),
        account=np.char.add("6228****", np.char.zfill(rng.integers(0, 10**4, n).astype(str), 4)),
        failure=np.where(payments["status"] == "failed", _FAILURES[rng.integers(0, len(_FAILURES), n)], ""),
        terminal=np.char.add("ZZJ", np.char.add(p["town"].str[-2:].to_numpy().astype(str),
                                                 np.char.zfill(rng.integers(1, 4, n).astype(str), 2))),
        item="城乡居民基本医疗保险",
    )
    towns = dict(zip(units.towns["code"], units.towns["name"], strict=True))
    rows["window"] = rows["town"].map(towns) + "便民服务中心"
    jobs = []
    for channel, mine in rows.groupby("channel", sort=True):
        key, pattern = _group_key(str(channel), mine, units)
        mine = mine.assign(paid_on=fmt_dates(mine["paid_at"], _DATES[str(channel)]),
                           status=mine["status"].map({"success": "成功", "failed": "失败"}))
        for name, part in mine.groupby(key.to_numpy(), sort=True):
            part = part.sort_values(["paid_at", "external_ref"])
            path = pattern.format(safe(str(name)))
            m = meta(part, enrolls=channel == "school", pays=part["status"] == "成功",
                     failed=part["status"] == "失败")
            encoding = {"bank_deduction": "gb18030", "tax_app": "utf-8-sig"}.get(str(channel))
            jobs.append(FileJob(str(channel), path, display(part, LAYOUTS[str(channel)]), m,
                                fen_columns=_AMOUNTS, encoding=encoding))
    return jobs


def cash_jobs(deposits: pd.DataFrame, units: UnitTree) -> list[FileJob]:
    """现金解缴单 per village: each deposit of collected cash into the tax bureau's account."""
    villages = units.villages.set_index("code")
    rows = deposits.assign(unit_name=deposits["unit_code"].map(villages["name"]),
                           deposited_on=fmt_dates(deposits["deposited_on"], "%Y-%m-%d"), bank="农村商业银行")
    jobs = []
    for code, part in rows.groupby("unit_code", sort=True):
        v = villages.loc[code]
        path = f"cash_deposit/{safe(v['town_name'])}_{safe(v['name'])}_现金解缴单.xlsx"
        jobs.append(FileJob("cash_deposit", path, display(part, LAYOUTS["cash_deposit"]), meta(part),
                            fen_columns=("解缴金额",)))
    return jobs
