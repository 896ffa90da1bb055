"""The settlement summary and transfer sheet say each transfer's state in Chinese, from one label table."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from canbao.settlement.summary import TOTAL_LABELS, settlement_markdown, transfer_counts
from canbao.settlement.transfer_ledger import transfer_states
from canbao.settlement.workbook import transfer_sheet

AS_OF = date(2020, 1, 2)
# One transfer in each state on 2020-01-02: not yet due, past due unconfirmed, confirmed in time, confirmed late.
TRANSFERS = pd.DataFrame({
    "code": ["a", "b", "c", "d"], "name": ["事项"] * 4, "payer_name": ["县财政局"] * 4, "payee_name": ["医保基金"] * 4,
    "amount_fen": [100, 200, 300, 400],
    "due_on": [date(2020, 1, 31), date(2019, 12, 31), date(2019, 12, 31), date(2019, 12, 20)],
    "status": ["requested", "requested", "confirmed", "confirmed"],
    "confirmed_on": [None, None, date(2019, 12, 30), date(2019, 12, 28)],
    "reference": [None, None, "B1", "B2"]})


def test_the_summary_counts_transfers_per_state_in_chinese() -> None:
    states = transfer_states(TRANSFERS, AS_OF).value_counts().to_dict()
    assert states == {"requested": 1, "overdue": 1, "confirmed": 1, "confirmed_late": 1}
    totals = dict.fromkeys(TOTAL_LABELS, 0) | {"enrolled": 7, "transfers_fen": 100000}
    text = settlement_markdown("汝城县2020年度", "2020-01-02", totals, True, states)
    assert text.startswith("# 汝城县2020年度财政补助结算（2020-01-02）")
    assert text.splitlines()[-1] == "资金划转：已申请 1 笔，逾期未到账 1 笔，已到账 1 笔，逾期到账 1 笔"
    assert "| 参保人数 | 7 |" in text and "| 申请划转合计 | 1000.00 元 |" in text
    assert re.findall(r"[A-Za-z_]{3,}", text) == []  # no state code, no key leaks into the artifact


def test_only_states_present_are_listed_and_none_says_so() -> None:
    assert transfer_counts({"overdue": 2, "requested": 0}) == "逾期未到账 2 笔"
    assert transfer_counts({}) == "无"


def test_the_transfer_sheet_uses_the_same_labels() -> None:
    sheet = transfer_sheet(TRANSFERS, transfer_states(TRANSFERS, AS_OF))
    assert list(sheet["状态"]) == ["已申请", "逾期未到账", "已到账", "逾期到账"]
