"""Mobilization, cleanup and settlement flows on generated county data: outputs, and each run twice changes nothing."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from canbao.generate import generate
from canbao.ledger.engine import make_engine
from canbao.ledger.migrate import upgrade
from canbao.ledger.queries import snapshot
from canbao.policy.load import load_campaign

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]
FULL_ID = re.compile(r"(?<![0-9])\d{17}[\dX](?![0-9])")
CASES = {"rucheng-2020": (0.02, date(2019, 11, 26), date(2019, 12, 20)),
         "haimen-2020": (0.004, date(2019, 12, 21), date(2020, 7, 1))}


def take(url: str, campaign: str) -> dict:
    engine = make_engine(url)
    with engine.connect() as conn:
        snap = snapshot(conn, campaign)
    engine.dispose()
    return snap


def twice(run, url: str, campaign: str) -> dict:
    """Run a flow, snapshot the ledger, run it again: the ledger must not change."""
    first = run()
    before = take(url, campaign)
    run()
    assert take(url, campaign) == before
    return first


def public_cells(folder: Path) -> list[str]:
    cells = []
    for path in folder.rglob("*.xlsx"):
        book = openpyxl.load_workbook(path, read_only=True)
        cells += [str(c) for s in book.worksheets for row in s.iter_rows(values_only=True) for c in row if c]
    return cells


@pytest.mark.parametrize("campaign", list(CASES))
def test_phases_are_idempotent_and_reconcile(campaign, tmp_path, sqlite_url, monkeypatch):
    from flows.cleanup import cleanup
    from flows.exemption_handoff import exemption_handoff
    from flows.mobilization import mobilization
    from flows.registration_payment import registration_payment
    from flows.subsidy_settlement import subsidy_settlement

    scale, after_period, settle_day = CASES[campaign]
    c = load_campaign(campaign)
    upgrade(sqlite_url)  # flows never migrate: the bring-up does
    monkeypatch.setenv("CANBAO_DATABASE_URL", sqlite_url)
    # Files are taken in on the morning cleanup runs: every output counts what the ledger knew by its day.
    monkeypatch.setenv("CANBAO_CLOCK", f"{after_period.isoformat()}T06:00:00")
    generate(c, scale, 5, tmp_path / "gen")
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    shutil.copytree(tmp_path / "gen" / "inbox", inbox)
    registration_payment(campaign=campaign, inbox=str(inbox), sources=["targets", "last_year_roster", "deceased"],
                         output_dir=str(out / "intake"), move_processed=False)
    done = [{"code": d.code, "done_on": d.date, "note": "已完成"} for d in c.deadlines if d.kind == "publicity"]
    mob = twice(lambda: mobilization(campaign=campaign, as_of=c.campaign.window_start, output_dir=str(out),
                                     target_scale=scale, completions=done), sqlite_url, campaign)
    assert mob["target"] > 0 and set(mob["duties"].values()) <= {"done", "open", "due_soon", "overdue"}
    assert all(mob["duties"][d["code"]] == "done" for d in done)
    exemption_handoff(campaign=campaign, inbox=str(inbox), output_dir=str(out), auto_approve=True,
                      move_processed=False)
    registration_payment(campaign=campaign, inbox=str(inbox), output_dir=str(out / "intake"), move_processed=False)
    clean = twice(lambda: cleanup(campaign=campaign, as_of=after_period, output_dir=str(out)), sqlite_url, campaign)
    assert clean["notices"] > 0 and sum(clean["items"].values()) > 0
    assert not any(FULL_ID.search(x) for x in public_cells(Path(clean["output_dir"])))
    first = twice(lambda: subsidy_settlement(campaign=campaign, as_of=settle_day, output_dir=str(out)), sqlite_url,
                  campaign)
    assert first["reconciled"] and first["on_behalf_fen"] > 0
    code = sorted(first["overdue"] or ["?"])[0]
    confirm = [{"code": code, "confirmed_on": settle_day, "reference": "B1"}]
    again = twice(lambda: subsidy_settlement(campaign=campaign, as_of=settle_day, output_dir=str(out),
                                             confirmations=confirm), sqlite_url, campaign)
    assert again["refused"] == [] and again["transfers"].get("confirmed_late") == 1
    assert not any(FULL_ID.search(x) for x in public_cells(Path(first["output_dir"])))
