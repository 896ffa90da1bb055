"""Issue 14: a rerun of the registration flow on an unchanged ledger reuses the outputs its stamp names (no
matching, no reconciliation, no error workbooks written) and publishes the same figures; a changed day,
config, inbox or a missing output makes it recompute."""

from __future__ import annotations

import stat
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from exemption_data import PEOPLE

from canbao.intake.stamp import STAMP_NAME
from canbao.ledger.migrate import upgrade
from canbao.policy.load import CONFIG_DIR
from tests.offline_channels import offline_coordinator

pytestmark = pytest.mark.usefixtures("prefect_harness")
CAMPAIGN = "kaijiang-2020"
DAY = date(2019, 10, 20)  # the clock's day: the default as-of
PAYMENTS = {"电子税票号码": ["SP001", "SP002", "SP003"], "身份证号码": [PEOPLE["A1"][0], PEOPLE["A2"][0], "123"],
            "姓名": [PEOPLE["A1"][1], PEOPLE["A2"][1], "错号人"], "缴费金额": ["250", "3000", "250"],
            "缴费日期": ["2019-10-10", "2019-10-11", "2019-10-11"]}  # the third row is rejected: a bad ID


@pytest.fixture
def inbox(ledger_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A migrated ledger, a fixed clock, an offline coordinator and an inbox with one tax-app file."""
    upgrade(ledger_url)
    monkeypatch.setenv("CANBAO_DATABASE_URL", ledger_url)
    monkeypatch.setenv("CANBAO_CLOCK", "2019-10-20T09:00:00")
    offline_coordinator(tmp_path, monkeypatch)
    deliver(tmp_path / "inbox", "税务缴费_甲.csv", PAYMENTS)
    return tmp_path / "inbox"


def deliver(inbox: Path, name: str, columns: dict[str, list[str]]) -> None:
    (inbox / "tax_app").mkdir(parents=True, exist_ok=True)
    pd.DataFrame(columns).to_csv(inbox / "tax_app" / name, index=False, encoding="utf-8")


def run(inbox: Path, **kwargs: Any) -> dict:
    from flows.registration_payment import registration_payment

    state = registration_payment(campaign=CAMPAIGN, inbox=str(inbox), output_dir=str(inbox.parent / "out"),
                                 move_processed=False, return_state=True, **kwargs)
    assert state.is_completed()
    return state.result()


def artifact(key: str) -> Any:
    from prefect.artifacts import Artifact

    found = Artifact.get(key)
    assert found is not None
    return found.data


def outputs(result: dict) -> dict[str, float]:
    """Every workbook the run names, with its modification time."""
    books = [Path(result["reconciliation_workbook"]), *Path(result["output_dir"], "退回清单").glob("*.xlsx")]
    return {str(p): p.stat().st_mtime_ns for p in books}


def test_an_unchanged_rerun_reuses_the_outputs_and_any_change_recomputes(inbox: Path, monkeypatch:
                                                                         pytest.MonkeyPatch) -> None:
    first = run(inbox)
    assert not first["outputs_reused"] and first["error_workbooks"] == 1
    assert first["anomalies"] == {"orphan_payment": 2}  # nobody registered: both payments are orphans
    stamp = inbox.parent / "out" / STAMP_NAME
    assert stat.S_IMODE(stamp.stat().st_mode) == 0o600
    made, units = outputs(first), artifact(f"{CAMPAIGN}-intake-units")

    import flows.registration_payment as module

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("recomputed on an unchanged ledger")

    with monkeypatch.context() as patch:
        for step in ("match_and_settle", "reconcile_channels", "write_error_workbooks"):
            patch.setattr(module, step, never)
        again = run(inbox)
    assert again["outputs_reused"] and again["rows"] == 0
    for key in ("anomalies", "reconciliation_workbook", "error_workbooks"):
        assert again[key] == first[key], key
    assert outputs(again) == made and artifact(f"{CAMPAIGN}-intake-units") == units
    assert "账本与上次导入相同，沿用上次的对账表和退回清单" in artifact(f"{CAMPAIGN}-intake-summary")

    # Another day is another reconciliation; then a missing error workbook is written again.
    assert not run(inbox, as_of=date(2019, 10, 21))["outputs_reused"]
    assert run(inbox, as_of=date(2019, 10, 21))["outputs_reused"]
    book = next(Path(p) for p in made if "退回清单" in p)
    book.unlink()
    assert not run(inbox, as_of=date(2019, 10, 21))["outputs_reused"] and book.is_file()

    # The same campaign from a config file whose content differs (a comment): recomputed.
    edited = inbox.parent / "county" / f"{CAMPAIGN}.yaml"
    edited.parent.mkdir()
    edited.write_text((CONFIG_DIR / f"{CAMPAIGN}.yaml").read_text(encoding="utf-8") + "\n# 本县副本\n",
                      encoding="utf-8")
    assert not run(inbox, config_path=str(edited))["outputs_reused"]

    # A new file: taken in, and the outputs made from the ledger it changed.
    deliver(inbox, "税务缴费_乙.csv", {k: v[:1] for k, v in PAYMENTS.items()} | {"电子税票号码": ["SP004"]})
    last = run(inbox, config_path=str(edited))
    assert not last["outputs_reused"] and last["accepted"] == 1
    assert last["anomalies"] == {"orphan_payment": 3}
