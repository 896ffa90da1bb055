"""`canbao simulate`: every campaign walked through its calendar at a small scale, every phase reconciled."""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from canbao.ledger.engine import make_engine
from canbao.ledger.schema_settlement import DeadlineRecord, FiscalTransfer
from canbao.policy.load import available_campaigns, load_campaign

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]
SCALE = 0.004
STEP_WEEKS = 4  # deliveries and reports every four weeks: the whole calendar, fewer flow runs
FULL_ID = re.compile(r"(?<![0-9])\d{17}[\dX](?![0-9])")


def _cells(path: Path) -> list[str]:
    book = openpyxl.load_workbook(path, read_only=True)
    return [str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row
            if c is not None]


@pytest.mark.parametrize("campaign", available_campaigns())
def test_simulate_walks_the_whole_campaign(campaign, tmp_path, monkeypatch):
    from flows.simulate import simulate

    monkeypatch.delenv("CANBAO_CLOCK", raising=False)
    out = tmp_path / campaign
    result = simulate(campaign=campaign, scale=SCALE, seed=11, out=str(out), step_weeks=STEP_WEEKS)
    log = result["log"]
    actions = {s["action"] for s in log}
    assert {"intake", "mobilization", "weekly_report", "deadline_watch", "cleanup", "settlement",
            "confirmations"} <= actions
    settlements = [s for s in log if s["action"] in ("settlement", "confirmations")]
    assert settlements and all(s["reconciled"] for s in settlements)
    assert json.loads((out / "simulation.json").read_text(encoding="utf-8"))["steps"] == len(log)
    reports = out / "reports"
    for folder in ("动员", "扫尾", "结算", "weekly", "登记缴费"):
        assert any((reports / folder).rglob("*.xlsx")), folder
    for book in (*reports.rglob("*（公示）.xlsx"), *(reports / "结算").glob("*.xlsx")):
        assert not any(FULL_ID.search(c) for c in _cells(book)), book.name
    engine = make_engine(f"sqlite:///{out / 'ledger.db'}")
    with engine.connect() as conn:
        transfers = conn.execute(select(FiscalTransfer.code, FiscalTransfer.status)
                                 .where(FiscalTransfer.campaign_id == campaign)).all()
        duties = dict(conn.execute(select(DeadlineRecord.code, DeadlineRecord.completed_on)
                                   .where(DeadlineRecord.campaign_id == campaign)).all())
    engine.dispose()
    c = load_campaign(campaign)
    assert set(duties) == {d.code for d in c.deadlines}
    assert all(duties[d.code] is not None for d in c.deadlines if d.kind in ("publicity", "training"))
    if c.settlement and c.settlement.transfers:
        statuses = [s for _, s in transfers]
        assert "confirmed" in statuses
        assert statuses.count("requested") == (1 if len(statuses) > 1 else 0)  # one left overdue on purpose
