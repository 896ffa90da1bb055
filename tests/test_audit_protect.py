"""`canbao audit`: one person's history from the ledger; 内部 outputs owner-only."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from sqlalchemy import Engine

from canbao.formats.protect import prepare_output
from canbao.formats.write import write_csv, write_workbook
from canbao.identity import check_char, mask_id
from canbao.intake.campaign import open_campaign
from canbao.intake.store import record_rejections, start_import, store_payments, store_registrations
from canbao.ledger.history import NOTICE, person_history
from canbao.policy.load import load_campaign

ROOT = Path(__file__).resolve().parents[1]
CAMPAIGN = "kaijiang-2020"
AT = datetime(2019, 10, 8, 9, tzinfo=ZoneInfo("Asia/Shanghai"))


def an_id(body: str) -> str:
    """A valid ID from its first 17 characters (the check character computed as GB 11643 says)."""
    return body + check_char(body)


PERSON, OTHER = an_id("51172319800101002"), an_id("51172319900202003")


def registration(id_number: str, unit: str, row: int, source_file: str) -> dict:
    return {"id_number": id_number, "name": "张三" if id_number == PERSON else "李四", "sex": "M",
            "birth_date": date(1980, 1, 1), "phone": "13800000000", "unit_code": unit, "category": "urban_rural",
            "tier": 1, "kind": "renewal", "registered_on": date(2019, 10, 8), "source_row": row,
            "source_file": source_file}


def build_ledger(conn) -> dict[str, int]:
    c = load_campaign(CAMPAIGN)
    open_campaign(conn, c, AT)
    unit_a, unit_b = [u.code for u in c.units.items if u.level == "town"][:2]
    first = start_import(conn, c.id, "registration", "一月登记.xlsx", "a" * 64, 2, AT, "run-1").import_id
    store_registrations(conn, c.id, pd.DataFrame([registration(PERSON, unit_a, 3, "一月登记.xlsx"),
                                                  registration(OTHER, unit_a, 4, "一月登记.xlsx")]),
                        {"一月登记.xlsx": first}, "village", AT, "run-1")
    second = start_import(conn, c.id, "registration", "二月登记.xlsx", "b" * 64, 1, AT, "run-2").import_id
    store_registrations(conn, c.id, pd.DataFrame([registration(PERSON, unit_b, 7, "二月登记.xlsx")]),
                        {"二月登记.xlsx": second}, "village", AT, "run-2")
    pay = start_import(conn, c.id, "payment_tax", "税务缴费.csv", "c" * 64, 1, AT, "run-3").import_id
    store_payments(conn, c.id, pd.DataFrame([{"external_ref": "T001", "id_number": PERSON, "unit_code": unit_b,
                                              "amount_fen": 25000, "paid_on": date(2019, 10, 9), "source_row": 2,
                                              "source_file": "税务缴费.csv"}]),
                   {"税务缴费.csv": pay}, "tax", AT, "run-3")
    record_rejections(conn, pd.DataFrame([
        {"source_file": "税务缴费.csv", "source_row": 5, "column": "身份证号码", "reason": "duplicate_payment",
         "reason_label": "重复缴费", "unit_code": None, "value": mask_id(PERSON), "name": "张*"},
        {"source_file": "税务缴费.csv", "source_row": 6, "column": "身份证号码", "reason": "duplicate_payment",
         "reason_label": "重复缴费", "unit_code": None, "value": mask_id(OTHER), "name": "李*"}]),
        {"税务缴费.csv": pay})
    return {"first": first, "second": second, "pay": pay}


@pytest.mark.parametrize("ledger_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
                         indirect=True)
def test_history_names_every_record_its_file_row_and_run(ledger_engine: Engine) -> None:
    with ledger_engine.begin() as conn:
        ids = build_ledger(conn)
    with ledger_engine.connect() as conn:
        h = person_history(conn, PERSON, CAMPAIGN).to_json()
    assert h["notice"] == NOTICE and h["id_number"] == PERSON and h["resident"]["name"] == "张三"
    (enrollment,) = h["enrollments"]
    assert (enrollment["source_file"], enrollment["source_row"], enrollment["flow_run_id"]) == ("二月登记.xlsx", 7,
                                                                                               "run-2")
    (payment,) = h["payments"]
    assert (payment["external_ref"], payment["amount_fen"], payment["source_file"]) == ("T001", 25000, "税务缴费.csv")
    (change,) = h["changes"]  # the second file moved them to another unit: audited, before and after
    assert change["table_name"] == "enrollments" and change["action"] == "update"
    assert change["import_id"] == ids["second"] and change["source_row"] == 7 and change["flow_run_id"] == "run-2"
    assert change["before"]["unit_code"] != change["after"]["unit_code"]
    (rejected,) = h["possible_rejections"]
    assert rejected["source_row"] == 5 and rejected["source_file"] == "税务缴费.csv"
    assert all(OTHER not in json.dumps(v, ensure_ascii=False) for k, v in h.items() if k != "not_audited")
    assert h["not_audited"]
    with ledger_engine.connect() as conn:
        assert person_history(conn, PERSON, "wujin-2020").to_json()["enrollments"] == []


def test_the_command_validates_the_id_and_says_it_is_internal(ledger_engine: Engine, ledger_url: str,
                                                              tmp_path: Path) -> None:
    with ledger_engine.begin() as conn:
        build_ledger(conn)
    env = os.environ | {"CANBAO_DATABASE_URL": ledger_url, "PYTHONPATH": str(ROOT)}
    bad = subprocess.run([sys.executable, "-m", "canbao", "audit", PERSON[:-1] + "0"], env=env, cwd=tmp_path,
                         capture_output=True, text=True, check=False)
    assert bad.returncode == 2 and "不是有效的身份证号码" in bad.stderr and PERSON[:-1] not in bad.stderr
    good = subprocess.run([sys.executable, "-m", "canbao", "audit", PERSON, "--campaign", CAMPAIGN], env=env,
                          cwd=tmp_path, capture_output=True, text=True, check=False)
    assert good.returncode == 0, good.stderr
    assert "内部" in good.stderr and json.loads(good.stdout)["enrollments"][0]["id_number"] == PERSON


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_internal_files_are_owner_only_from_the_start(tmp_path: Path) -> None:
    stale = tmp_path / "out" / "a_缴费对账表（内部）.xlsx"
    stale.parent.mkdir()
    stale.write_text("old")
    stale.chmod(0o644)
    frame = pd.DataFrame({"身份证号码": [PERSON]})
    write_workbook(stale, {"对账": frame})
    write_csv(tmp_path / "out" / "名单（内部）" / "b_内部.csv", frame)
    public = write_workbook(tmp_path / "public" / "c_公示.xlsx", {"公示": frame})
    assert mode(stale) == 0o600 and mode(stale.parent) == 0o700
    assert mode(tmp_path / "out" / "名单（内部）" / "b_内部.csv") == 0o600
    assert mode(public) & 0o044 and mode(public.parent) & 0o055  # public files keep the ordinary modes
    link = tmp_path / "out" / "d（内部）.md"
    link.symlink_to(tmp_path / "elsewhere.md")
    with pytest.raises(OSError):  # never written through a link planted in the output folder
        prepare_output(link)


@pytest.mark.parametrize("ledger_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
                         indirect=True)
def test_purging_a_campaign_leaves_no_trace_of_its_people(ledger_engine: Engine) -> None:
    from sqlalchemy import func, select

    from canbao.ledger.purge import purge_campaign
    from canbao.ledger.schema import Base

    with ledger_engine.begin() as conn:
        build_ledger(conn)
        gone = purge_campaign(conn, CAMPAIGN)
    assert gone["enrollments"] == 2 and gone["payments"] == 1 and gone["rejections"] == 2
    assert gone["residents"] == 2 and gone["campaigns"] == 1 and gone["audit"] == 1
    with ledger_engine.connect() as conn:
        left = {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in Base.metadata.sorted_tables}
        assert person_history(conn, PERSON).to_json()["resident"] is None
    assert not any(left.values()), left
