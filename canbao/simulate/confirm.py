"""What the simulated coordinator and bank send back: duties done, and transfers received (all but one)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from canbao.formats.sheet import fen_text
from canbao.mobilization.duties import DUTY_KINDS
from canbao.policy.model import Campaign

__all__ = ["write_bank_file", "write_duty_file"]


def write_duty_file(path: Path, c: Campaign, day: date) -> Path:
    """The pre-campaign duties due tomorrow (or earlier, when the campaign opened after them), done today."""
    due = [d for d in c.deadlines if d.kind in DUTY_KINDS and d.date is not None and d.date <= day + timedelta(1)]
    frame = pd.DataFrame({"事项编号": [d.code for d in due], "事项": [d.name for d in due],
                          "完成日期": day.isoformat(), "说明": "模拟：按期完成"})
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    return path


def write_bank_file(path: Path, transfers: pd.DataFrame, sent_on: date) -> Path:
    """The bank's receipts: every requested transfer but the last (it stays overdue, for the deadline watch).

    A transfer arrives the day before it is due, or midway between `sent_on` and its due day when that
    is later; a single transfer always arrives.
    """
    open_ = transfers[transfers["status"] == "requested"].sort_values("code")
    paid = open_.iloc[:-1] if len(open_) > 1 else open_
    gaps = [(due, (due - sent_on).days) for due in paid["due_on"]]
    arrived = [due - timedelta(days=1) if gap <= 1 else sent_on + timedelta(days=gap // 2) for due, gap in gaps]
    frame = pd.DataFrame({"转账编号": paid["code"].to_numpy(), "到账日期": [d.isoformat() for d in arrived],
                          "银行流水号": [f"SIM{i:06d}" for i in range(1, len(paid) + 1)],
                          "到账金额（元）": fen_text(paid["amount_fen"]).to_numpy()})
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    return path
