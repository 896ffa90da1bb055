"""The settlement run's summary artifact (markdown, Chinese): headline totals, reconciliation, transfer states."""

from __future__ import annotations

from collections.abc import Mapping

from canbao.money import format_yuan, yuan
from canbao.settlement.transfer_ledger import TRANSFER_STATE_LABELS

__all__ = ["TOTAL_LABELS", "settlement_markdown", "transfer_counts"]

TOTAL_LABELS = {"enrolled": "参保人数", "required_fen": "应筹资金", "government_fen": "财政补助",
                "fund_transfer_fen": "基金划转", "on_behalf_fen": "代缴个人缴费", "resident_fen": "个人实缴",
                "advances_fen": "代垫待结算", "awards_fen": "村级奖励", "transfers_fen": "申请划转合计"}


def transfer_counts(states: Mapping[str, int]) -> str:
    """E.g. `已申请 2 笔，逾期未到账 1 笔` (in the order of `TRANSFER_STATE_LABELS`), `无` when there are none."""
    return "，".join(f"{label} {states[code]} 笔" for code, label in TRANSFER_STATE_LABELS.items()
                    if states.get(code)) or "无"


def settlement_markdown(title: str, day: str, totals: Mapping[str, int], reconciled: bool,
                        states: Mapping[str, int]) -> str:
    """The summary: a totals table (yuan, persons), whether the statements balance, the transfers per state."""
    lines = [f"# {title}财政补助结算（{day}）", "", "| 项目 | 数值 |", "|---|---|"]
    for key, label in TOTAL_LABELS.items():
        value = totals[key]
        lines.append(f"| {label} | {value if key == 'enrolled' else format_yuan(yuan(value)) + ' 元'} |")
    lines += ["", f"核对结果：{'平衡' if reconciled else '不平衡，请查看分类别核对和缴费资金核对'}",
              f"资金划转：{transfer_counts(states)}"]
    return "\n".join(lines)
