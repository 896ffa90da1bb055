"""A small inbox of CSV files taken in as the intake task does it (for tests)."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine

from canbao.intake.batch import intake_batch
from canbao.intake.campaign import intake_context, open_campaign, seen_hashes
from canbao.intake.inbox import scan_inbox
from canbao.policy.model import Campaign

NOW = datetime(2020, 11, 30, 2, 0, tzinfo=UTC)
TODAY = date(2020, 11, 30)
ROSTER = ["村（社区）代码", "姓名", "身份证号码", "参保类别", "登记日期"]
WINDOW = ["业务流水号", "姓名", "身份证号码", "缴费金额", "缴费日期"]


def write_csv(inbox: Path, source: str, name: str, header: list[str], rows: list[list[str]]) -> None:
    folder = inbox / source
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / name).open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, *rows])


def take_in(engine: Engine, c: Campaign, inbox: Path, source: str) -> pd.DataFrame:
    """One source's new files through intake as the task does it; the rejected rows."""
    with engine.begin() as conn:
        open_campaign(conn, c, NOW)
        seen = seen_hashes(conn, c.id)
        known = set(seen.loc[seen["source"] == source, "sha256"])
        ctx = intake_context(conn, c, TODAY, NOW)
        return intake_batch(conn, source, scan_inbox(inbox, [source]), ctx, seen=known).rejected
