"""The settlement workbooks (Chinese, 内部): statements for finance, and one advance claim per agency."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from canbao.formats.write import write_workbook
from canbao.money import format_yuan, yuan
from canbao.policy.assumptions import assumption_footnote
from canbao.policy.model import Campaign
from canbao.settlement.levels import levels_of
from canbao.settlement.statements import Statements
from canbao.settlement.transfer_ledger import TRANSFER_STATE_LABELS

__all__ = ["transfer_sheet", "write_advance_claims", "write_statements"]


def _safe(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name)


def _categories(s: Statements, c: Campaign) -> pd.DataFrame:
    k = s.categories
    return pd.DataFrame({"参保类别": k["category_name"], "档次": [c.contribution.tiers.get(int(t), str(t)) for t in
                                                          k["tier"]],
                         "参保人数": k["enrolled"], "筹资标准": k["standard_fen"], "应筹资金": k["required_fen"],
                         "财政补助": k["government_fen"], "基金划转": k["fund_transfer_fen"],
                         "代缴个人缴费": k["on_behalf_fen"], "个人实缴": k["resident_paid_fen"],
                         "差额": k["difference_fen"]})


def _levels(s: Statements, c: Campaign) -> pd.DataFrame:
    out = pd.DataFrame({"区镇（街道）": s.levels["town_name"], "参保人数": s.levels["enrolled"],
                        "财政补助合计": s.levels["government_fen"]})
    for x in levels_of(c):
        out[f"{x.name}（{x.share * 100:g}%）"] = s.levels[f"level_{x.code}_fen"]
    return out


def transfer_sheet(transfers: pd.DataFrame, states: pd.Series) -> pd.DataFrame:
    """Transfers as the finance bureau reads them: number, purpose, payer, payee, amount, due, status."""
    return pd.DataFrame({"转账编号": transfers["code"], "事项": transfers["name"], "付款方": transfers["payer_name"],
                         "收款方": transfers["payee_name"], "金额": transfers["amount_fen"],
                         "截止日期": transfers["due_on"].astype(str), "状态": states.map(TRANSFER_STATE_LABELS),
                         "到账日期": transfers["confirmed_on"].astype("string").fillna(""),
                         "银行流水号": transfers["reference"].astype("string").fillna("")})


def write_statements(out: Path, c: Campaign, s: Statements, transfers: pd.DataFrame, states: pd.Series) -> Path:
    """`<campaign>_财政补助结算表（内部）.xlsx`: one sheet per statement the campaign has."""
    sheets = {"分类别核对": _categories(s, c), "缴费资金核对": s.balance.rename(
        columns={"label": "项目", "count": "笔数", "amount_fen": "金额"})[["项目", "笔数", "金额"]],
        "财政补助分级": _levels(s, c)}
    sheets["代缴汇总"] = s.on_behalf.rename(columns={
        "exemption_name": "资助类别", "funding_mode": "资助方式", "agency_name": "确认部门", "payer_name": "付款预算",
        "settle_with_name": "结算对象", "persons": "人数", "on_behalf_fen": "代缴金额"}).drop(
        columns=["exemption", "payer"])
    if len(s.advances):
        sheets["代垫结算"] = s.advances.rename(columns={"settle_with_name": "结算对象", "advanced_by_name": "代垫单位",
                                                   "persons": "人数", "amount_fen": "代垫金额"}).drop(
            columns="settle_with")
    if len(s.awards):
        sheets["村级奖励"] = pd.DataFrame({
            "村（社区）": s.awards["unit_name"], "所属": s.awards["town_name"], "任务数": s.awards["target"],
            "按期参保人数": s.awards["enrolled_by"], "完成任务": s.awards["met"].map({True: "是", False: "否"}),
            "奖励金额": s.awards["award_fen"]})
    if len(s.fund_transfers):
        sheets["基金划转"] = s.fund_transfers.rename(columns={"category_name": "参保类别", "tier": "档次",
                                                          "enrolled": "参保人数", "per_person_fen": "每人划转",
                                                          "amount_fen": "划转金额"}).drop(columns="category")
    sheets["资金划转申请"] = transfer_sheet(transfers, states)
    money = ["筹资标准", "应筹资金", "财政补助", "基金划转", "代缴个人缴费", "个人实缴", "差额", "金额", "财政补助合计",
             "代缴金额", "代垫金额", "奖励金额", "每人划转", "划转金额", *[c for c in sheets["财政补助分级"].columns
                                                                if "%" in c]]
    title = f"{c.campaign.locality}{c.campaign.insurance_year}年度城乡居民医保财政补助结算表（内部）"
    notes = [f"结算日：{s.as_of:%Y年%m月%d日}；参保人数 = 个人缴费已缴清或全额资助（含代垫）的登记人员。",
             "应筹资金 = 筹资标准 × 参保人数 = 财政补助 + 基金划转 + 代缴个人缴费 + 个人实缴；差额应为0。"
             + assumption_footnote(c)]  # amounts resting on assumed parameters say so (same row: header stays)
    return write_workbook(out / f"{c.id}_财政补助结算表（内部）.xlsx", sheets, title, notes, fen_columns=money)


def write_advance_claims(out: Path, c: Campaign, s: Statements) -> list[Path]:
    """Per agency to settle with: the advance claim with per-person detail (names and IDs masked)."""
    paths = []
    for a in s.advances.itertuples():
        rows = s.advance_detail[s.advance_detail["settle_with"] == a.settle_with]
        sheet = pd.DataFrame({"序号": range(1, len(rows) + 1), "区镇（街道）": rows["town_name"].to_numpy(),
                              "村（社区）": rows["unit_name"].to_numpy(), "姓名": rows["name"].to_numpy(),
                              "身份证号码": rows["id_masked"].to_numpy(), "资助类别": rows["exemption_name"].to_numpy(),
                              "参保日期": rows["enrolled_on"].to_numpy(), "代垫金额": rows["amount_fen"].to_numpy()})
        year = f"{c.campaign.locality}{c.campaign.insurance_year}年度"
        title = f"{year}居民医保个人缴费代垫资金结算明细（{a.settle_with_name}）"
        notes = [f"代垫单位：{a.advanced_by_name}；人数 {a.persons}；合计 {format_yuan(yuan(a.amount_fen))} 元。",
                 "内部资料，姓名、身份证号已脱敏。"]
        paths.append(write_workbook(out / f"{c.id}_代垫资金结算明细_{_safe(a.settle_with_name)}（内部）.xlsx",
                                    {"结算明细": sheet}, title, notes, fen_columns=["代垫金额"]))
    return paths
