"""`canbao simulate`: every campaign walked through its calendar at a small scale, every phase reconciled."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from pathlib import Path

import openpyxl
import pytest
import yaml
from sqlalchemy import select

from canbao.ledger.engine import make_engine
from canbao.ledger.schema_settlement import DeadlineRecord, FiscalTransfer
from canbao.policy.load import CONFIG_DIR, available_campaigns, load_campaign
from canbao.state import campaign_state, load_facts
from tests.simulated import SCALE, SEED, STEP_WEEKS

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]
FULL_ID = re.compile(r"(?<![0-9])\d{17}[\dX](?![0-9])")


EDITED = "kaijiang-2020"  # simulated from an edited copy of its config, given as a path
EDITED_INDIVIDUAL_FEN = 27000  # the copy's individual contribution: 270 yuan where the notice says 250
EDITED_DEADLINE, EDITED_DUE = "exemption_list_civil_affairs", date(2019, 11, 8)  # configs/ says 2019-10-31


def edited_copy_path(tmp_path: Path) -> Path:
    """Where `edited_copy` writes the copy."""
    return tmp_path / "county" / f"{EDITED}.yaml"


def edited_copy(tmp_path: Path) -> Path:
    """configs/kaijiang-2020.yaml with the individual contribution and one deadline changed, under tmp_path."""
    raw = yaml.safe_load((CONFIG_DIR / f"{EDITED}.yaml").read_text(encoding="utf-8"))
    (line,) = raw["contribution"]["lines"]
    line["individual"] = EDITED_INDIVIDUAL_FEN // 100
    next(d for d in raw["deadlines"] if d["code"] == EDITED_DEADLINE)["date"] = EDITED_DUE
    path = edited_copy_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def duties_due(out: Path) -> dict[str, date]:
    """Each deadline's due day as the simulation's ledger holds it."""
    engine = make_engine(f"sqlite:///{out / 'ledger.db'}")
    with engine.connect() as conn:
        due = dict(conn.execute(select(DeadlineRecord.code, DeadlineRecord.due_on)).all())
    engine.dispose()
    return due


def _cells(path: Path) -> list[str]:
    book = openpyxl.load_workbook(path, read_only=True)
    return [str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row
            if c is not None]


@pytest.mark.parametrize("campaign", available_campaigns())
def test_simulate_walks_the_whole_campaign(campaign, tmp_path, monkeypatch, simulated_campaigns):
    monkeypatch.delenv("CANBAO_CLOCK", raising=False)
    out = tmp_path / campaign
    if campaign == EDITED:  # a county's edited copy, through `canbao simulate --campaign PATH` (no extra run)
        from flows.cli import main

        argv = ["--campaign", str(edited_copy(tmp_path)), "--scale", str(SCALE), "--seed", str(SEED), "--step-weeks",
                str(STEP_WEEKS), "--out", str(out)]
        assert main(["simulate", *argv]) == 0
        result = json.loads((out / "simulation.json").read_text(encoding="utf-8"))
    else:  # the session's simulation, which test_consistency checks output by output
        shared = simulated_campaigns(campaign)
        out, result = shared.out, shared.result
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
        # Every payment matched against the copy's quote (the state as of long after the campaign).
        pays = campaign_state(load_campaign(edited_copy_path(tmp_path)) if campaign == EDITED
                              else load_campaign(campaign), load_facts(conn, campaign), date(2030, 1, 1)).payments
        expected = Counter(int(f) for f in pays["expected_fen"].dropna())
        paid = Counter(int(f) for f in pays.loc[pays["status"] == "matched", "amount_fen"])
    engine.dispose()
    if campaign == EDITED:  # the copy's figures reached the generator, the intake, the ledger and the workbooks
        assert expected.most_common(1)[0][0] == paid.most_common(1)[0][0] == EDITED_INDIVIDUAL_FEN
        assert 25000 not in expected and duties_due(out)[EDITED_DEADLINE] == EDITED_DUE
        (calendar,) = (reports / "动员").rglob("*工作日程表*.xlsx")
        assert any(EDITED_DUE.isoformat() in c for c in _cells(calendar))
    c = load_campaign(campaign)
    assert set(duties) == {d.code for d in c.deadlines}
    assert all(duties[d.code] is not None for d in c.deadlines if d.kind in ("publicity", "training"))
    if c.settlement and c.settlement.transfers:
        statuses = [s for _, s in transfers]
        assert "confirmed" in statuses
        assert statuses.count("requested") == (1 if len(statuses) > 1 else 0)  # one left overdue on purpose
