"""Issue 11 for the registration-and-payment flow: refused files are loud, re-sent files reported, a config path
honoured by `canbao run registration`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from exemption_data import PEOPLE
from sqlalchemy import select

from canbao.ledger.engine import make_engine
from canbao.ledger.migrate import upgrade
from canbao.ledger.schema import Payment, Rejection
from canbao.policy.load import CONFIG_DIR
from tests.offline_channels import offline_coordinator

pytestmark = pytest.mark.usefixtures("prefect_harness")
CAMPAIGN = "kaijiang-2020"
FULL_ID = re.compile(r"\d{17}[\dX]")
# The tax bureau's payment list as its system exports it; 实缴金额 is one of the amount's common headers.
GOOD = {"电子税票号码": ["SP001", "SP002"], "身份证号码": [PEOPLE["A1"][0], PEOPLE["A2"][0]],
        "姓名": [PEOPLE["A1"][1], PEOPLE["A2"][1]], "实缴金额": ["250", "3000"],
        "缴费日期": ["2019-10-10", "2019-10-11"]}
# The same list with the amount under a header no vocabulary knows, and a column nothing uses.
BAD = {"电子税票号码": ["SP101"], "身份证号码": [PEOPLE["A3"][0]], "姓名": [PEOPLE["A3"][1]], "应收款": ["250"],
       "缴费日期": ["2019-10-12"]}
GOOD_WITH_EXTRA = {**GOOD, "征收机关": ["开江县税务局", "开江县税务局"]}


@pytest.fixture
def ledger(ledger_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A migrated ledger, a fixed clock and an offline coordinator channel; returns the outbox path."""
    upgrade(ledger_url)
    monkeypatch.setenv("CANBAO_DATABASE_URL", ledger_url)
    monkeypatch.setenv("CANBAO_CLOCK", "2019-10-20T09:00:00")
    outbox = offline_coordinator(tmp_path, monkeypatch)
    return outbox


def deliver(tmp_path: Path, name: str, columns: dict[str, list[str]]) -> None:
    folder = tmp_path / "inbox" / "tax_app"
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(columns).to_csv(folder / name, index=False, encoding="utf-8")


def run(tmp_path: Path, **kwargs: Any) -> Any:
    from flows.registration_payment import registration_payment

    return registration_payment(campaign=CAMPAIGN, inbox=str(tmp_path / "inbox"), output_dir=str(tmp_path / "out"),
                                move_processed=False, **kwargs)


def summary_artifact() -> str:
    from prefect.artifacts import Artifact

    found = Artifact.get(f"{CAMPAIGN}-intake-summary")
    assert found is not None
    return str(found.data)


def test_a_file_lacking_a_column_is_loud_and_the_good_file_goes_in(ledger: Path, tmp_path: Path) -> None:
    from canbao.notify.outbox import read_outbox

    deliver(tmp_path, "税务缴费_甲.csv", BAD)
    deliver(tmp_path, "税务缴费_乙.csv", GOOD_WITH_EXTRA)
    state = run(tmp_path, return_state=True)
    result = state.result()
    assert state.is_completed() and state.name == "需处理"
    assert result["files"] == 2 and result["accepted"] == 2  # the good file's two rows
    first = "\n".join(result["attention"][:5])
    assert result["attention"][0] == "**税务APP缴费明细**："
    assert result["attention"][1].startswith("- 文件“税务缴费_甲.csv”未能导入：") and "缺少必需列：实缴金额" in first
    assert "表头中有：电子税票号码、身份证号码、姓名、应收款、缴费日期" in first
    assert "可识别为“实缴金额”的列名：实缴金额、缴费金额、金额" in first
    assert "`formats: {headers: {tax_app: {amount: [应收款]}}}`" in first
    assert result["warnings"] == ["- 警告：税务APP缴费明细“税务缴费_乙.csv”中未使用的列：征收机关"]
    markdown = summary_artifact()
    heading, body = markdown.split("\n## ⚠ 需处理\n\n", 1)
    assert heading.startswith("# ") and "\n" not in heading.strip()  # the attention section comes first
    assert body.startswith("\n".join(result["attention"]))
    assert "## 警告" in markdown and "征收机关" in markdown
    sent = read_outbox(ledger)
    assert len(sent) == 1 and "参保登记与缴费文件" in sent[0]["subject"] and "需处理" in sent[0]["subject"]
    assert "应收款" in sent[0]["body"] and "formats: {headers: {tax_app: {amount: [应收款]}}}" in sent[0]["body"]
    assert not FULL_ID.search(markdown + sent[0]["body"] + "\n".join(result["attention"]))


def test_a_resent_file_is_reported_then_taken_again(ledger: Path, tmp_path: Path) -> None:
    deliver(tmp_path, "税务缴费_乙.csv", GOOD)
    first = run(tmp_path, return_state=True)
    assert first.name == "Completed" and first.result()["accepted"] == 2 and first.result()["attention"] == []
    again = run(tmp_path, return_state=True)
    result = again.result()
    assert again.name == "需处理" and result["files"] == 0 and result["accepted"] == 0
    assert result["repeated"] == [{"source": "tax_app", "file": "税务缴费_乙.csv"}]
    assert "税务缴费_乙.csv" in result["attention"][0] and "完全相同" in result["attention"][0]
    assert "完全相同" in summary_artifact()
    taken = run(tmp_path, take_again=True, return_state=True)
    result = taken.result()
    assert taken.name == "Completed" and result["files"] == 1 and result["accepted"] == 2
    assert result["anomalies"].get("duplicate_payment", 0) == 0  # stored again under its import, not twice


def test_run_registration_uses_the_config_at_a_path(ledger: Path, tmp_path: Path,
                                                   ledger_url: str) -> None:
    """A county's own edited config (plausibility max lowered to 2000 yuan) is used as is: the 3000 yuan
    payment it makes implausible is rejected, which the shipped config (5000 yuan) would accept."""
    from flows.cli import main

    raw = yaml.safe_load((CONFIG_DIR / f"{CAMPAIGN}.yaml").read_text(encoding="utf-8"))
    raw["plausibility"] = {**(raw.get("plausibility") or {}), "max_amount": 2000}
    edited = tmp_path / "county" / f"{CAMPAIGN}.yaml"
    edited.parent.mkdir()
    edited.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    deliver(tmp_path, "税务缴费_乙.csv", GOOD)
    assert main(["run", "registration", "--campaign", str(edited), "--inbox", str(tmp_path / "inbox"),
                 "--out", str(tmp_path / "out"), "--keep-files"]) == 0
    engine = make_engine(ledger_url)
    with engine.connect() as conn:
        paid = conn.execute(select(Payment.external_ref)).scalars().all()
        reasons = conn.execute(select(Rejection.reason)).scalars().all()
    engine.dispose()
    assert paid == ["SP001"] and reasons == ["amount_implausible"]
