"""The registration-and-payment flow on generated county data, checked against the generator's manifest."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from canbao.generate import generate
from canbao.ledger.engine import make_engine
from canbao.ledger.migrate import upgrade
from canbao.ledger.queries import snapshot
from canbao.ledger.schema import Audit, Enrollment, Exemption, Payment
from canbao.policy.load import available_campaigns, load_campaign

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]
SCALE = 0.02
FULL_ID = re.compile(r"\d{17}[\dX]")


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory):
    """Generated county data per campaign at scale 0.02, made once per session."""
    made: dict[str, Path] = {}

    def get(campaign: str) -> Path:
        if campaign not in made:
            out = tmp_path_factory.mktemp(campaign)
            generate(load_campaign(campaign), SCALE, 7, out)
            made[campaign] = out
        return made[campaign]

    return get


def run_flow(campaign: str, source: Path, work: Path, url: str, monkeypatch) -> dict:
    """Copy the generated inbox into `work` and run the flow on it against the ledger at `url`."""
    inbox = work / "inbox"
    if inbox.exists():
        shutil.rmtree(inbox)
    shutil.copytree(source / "inbox", inbox)
    upgrade(url)  # flows never migrate: the bring-up does
    monkeypatch.setenv("CANBAO_DATABASE_URL", url)
    from flows.exemption_handoff import exemption_handoff
    from flows.registration_payment import registration_payment

    # Exemption lists enter through their own flow (approved first), before payments are matched.
    exemption_handoff(campaign=campaign, inbox=str(inbox), output_dir=str(work / "out"), auto_approve=True)
    return registration_payment(campaign=campaign, inbox=str(inbox), output_dir=str(work / "out"))


def ledger_counts(url: str, campaign: str) -> dict[str, int]:
    engine = make_engine(url)
    with engine.connect() as conn:
        def count(model, *where):
            return conn.execute(select(func.count()).select_from(model).where(*where)).scalar_one()

        paid = conn.execute(select(func.coalesce(func.sum(Payment.amount_fen), 0))
                            .where(Payment.campaign_id == campaign)).scalar_one()
        out = {"enrollments": count(Enrollment, Enrollment.campaign_id == campaign),
               "payments": count(Payment, Payment.campaign_id == campaign), "payments_fen": int(paid),
               "exemption_persons": count(Exemption, Exemption.campaign_id == campaign)}
    engine.dispose()
    return out


def take_snapshot(url: str, campaign: str) -> dict:
    engine = make_engine(url)
    with engine.connect() as conn:
        snap = snapshot(conn, campaign)
    engine.dispose()
    return snap


def check_against_manifest(result: dict, manifest: dict, url: str, campaign: str) -> None:
    expected = manifest["expected"]
    assert result["rejections"] == {k: v for k, v in expected["rejections"].items() if v}
    assert result["anomalies"] == {k: v for k, v in expected["anomalies"].items() if v}
    assert ledger_counts(url, campaign) == {k: expected[k] for k in
                                            ("enrollments", "payments", "payments_fen", "exemption_persons")}


@pytest.mark.parametrize("campaign", available_campaigns())
def test_flow_matches_manifest_and_is_idempotent(campaign, generated, tmp_path, sqlite_url, monkeypatch, counted):
    source = generated(campaign)
    manifest = json.loads((source / "manifest.json").read_text(encoding="utf-8"))
    first = run_flow(campaign, source, tmp_path, sqlite_url, monkeypatch)
    check_against_manifest(first, manifest, sqlite_url, campaign)
    # Each data file is read once: ahead of its source's batch, which does not read it again.
    intake = {p.relative_to(source / "inbox") for p in (source / "inbox").rglob("*")
              if p.is_file() and p.suffix in (".csv", ".xlsx", ".xls") and p.parts[-3] != "exemption"}
    opened = {p.relative_to(tmp_path / "inbox"): n for p, n in counted.items() if p.parts[-3] != "exemption"}
    assert set(opened) == intake and set(opened.values()) == {1}
    counted.clear()
    before = take_snapshot(sqlite_url, campaign)
    again = run_flow(campaign, source, tmp_path, sqlite_url, monkeypatch)  # the same files once more
    assert again["files"] == 0 and again["rows"] == 0
    assert not [p for p in counted if p.parts[-3] != "exemption"]  # nothing new: nothing read
    assert again["outputs_reused"] and again["anomalies"] == first["anomalies"]  # the ledger did not change
    assert take_snapshot(sqlite_url, campaign) == before
    # Error workbooks speak Chinese and carry no full ID number.
    books = sorted((tmp_path / "out" / "退回清单").glob("*.xlsx"))
    assert len(books) == first["error_workbooks"] > 0
    sheet = openpyxl.load_workbook(books[0], read_only=True).worksheets[0]
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert "错误原因" in cells and "行号" in cells
    assert not any(FULL_ID.search(c) for c in cells)


def test_a_failed_read_ahead_leaves_the_batches_to_read(generated, tmp_path, sqlite_url, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("读取进程中断")  # e.g. a worker killed for memory

    monkeypatch.setattr("tasks.intake.read_ahead", broken)
    monkeypatch.setattr("tasks.intake.read_source.retry_delay_seconds", 0)  # every read fails: no waiting
    campaign = "kaijiang-2020"
    source = generated(campaign)
    manifest = json.loads((source / "manifest.json").read_text(encoding="utf-8"))
    check_against_manifest(run_flow(campaign, source, tmp_path, sqlite_url, monkeypatch), manifest, sqlite_url,
                           campaign)


@pytest.mark.postgres
def test_flow_on_postgresql(generated, tmp_path, postgres_url, monkeypatch):
    campaign = "kaijiang-2020"
    source = generated(campaign)
    manifest = json.loads((source / "manifest.json").read_text(encoding="utf-8"))
    check_against_manifest(run_flow(campaign, source, tmp_path, postgres_url, monkeypatch), manifest,
                           postgres_url, campaign)
    before = take_snapshot(postgres_url, campaign)
    assert run_flow(campaign, source, tmp_path, postgres_url, monkeypatch)["outputs_reused"]
    assert take_snapshot(postgres_url, campaign) == before


def test_corrected_file_supersedes_and_is_audited(generated, tmp_path, sqlite_url, monkeypatch):
    campaign = "rucheng-2020"
    source = generated(campaign)
    run_flow(campaign, source, tmp_path, sqlite_url, monkeypatch)
    processed = sorted((tmp_path / "inbox" / "processed" / "roster").glob("*.xlsx"))[0]
    book = openpyxl.load_workbook(processed)
    sheet = book.worksheets[0]
    header = next(i for i, row in enumerate(sheet.iter_rows(values_only=True), 1) if "姓名" in row)
    names = [c.value for c in sheet[header]]
    dropped_row = header + 1
    dropped_id = str(sheet.cell(dropped_row, names.index(next(n for n in names if "身份证" in str(n))) + 1).value)
    renamed = sheet.cell(dropped_row + 1, names.index("姓名") + 1)
    renamed.value = f"{renamed.value}改"
    sheet.delete_rows(dropped_row)
    corrected = tmp_path / "inbox" / "roster" / processed.name
    corrected.parent.mkdir(parents=True, exist_ok=True)
    book.save(corrected)
    from flows.registration_payment import registration_payment

    result = registration_payment(campaign=campaign, inbox=str(tmp_path / "inbox"), output_dir=str(tmp_path / "o"))
    assert result["files"] == 1
    engine = make_engine(sqlite_url)
    with engine.connect() as conn:
        gone = conn.execute(select(Enrollment).where(Enrollment.campaign_id == campaign,
                                                     Enrollment.id_number == dropped_id)).first()
        actions = dict(conn.execute(select(Audit.action, func.count()).group_by(Audit.action)).all())
    engine.dispose()
    assert gone is None
    assert actions.get("supersede", 0) >= 1
