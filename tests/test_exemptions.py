"""Exemption lists in the domain: consolidation, precedence, diffs between versions, decisions, request detail."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml
from exemption_data import CAMPAIGN, PEOPLE, civil_v1, civil_v2, disabled_v1, ids, write_list
from sqlalchemy import Engine, select, update

from canbao.exemptions.consolidate import consolidated_list, write_exemptions
from canbao.exemptions.decisions import Decision, decide, pending_versions
from canbao.exemptions.delivery import read_delivery, scan_deliveries
from canbao.exemptions.events import event_spec
from canbao.exemptions.handoff import record_handoff, request_batches
from canbao.exemptions.people import handoff_people
from canbao.exemptions.rank import exemption_rank
from canbao.exemptions.request import REQUEST_COLUMNS, request_detail
from canbao.exemptions.versions import record_delivery, version_diff
from canbao.exemptions.window import handoff_deployment, handoff_rrule, handoff_window
from canbao.exemptions.workbooks import write_request, write_town_lists
from canbao.intake.campaign import open_campaign
from canbao.ledger.bulk import upsert
from canbao.ledger.queries import snapshot
from canbao.ledger.schema import Audit, Enrollment, Exemption, Import, Resident, Unit
from canbao.ledger.schema_exemptions import ExemptionList
from canbao.money import fen
from canbao.policy.load import load_campaign
from canbao.policy.quote import quote

DAY = date(2019, 10, 20)
NOW = datetime(2019, 10, 20, 2, 0, tzinfo=UTC)
FULL_ID = re.compile(r"\d{17}[\dX]")


def take_in(engine: Engine, c, inbox: Path) -> list:
    """What the receive task does: every waiting delivery recorded as its agency's next version."""
    deliveries, _ = scan_deliveries(inbox, c)
    got = []
    with engine.begin() as conn:
        for d in deliveries:
            got.append(record_delivery(conn, c.id, d, read_delivery(d, c, DAY), NOW, None))
    return got


APPROVE = Decision("approved")


def approve_all(engine: Engine, decision: Decision = APPROVE, at: datetime = NOW) -> list[dict]:
    """Decide every pending list version the same way."""
    with engine.begin() as conn:
        pending = pending_versions(conn, CAMPAIGN)
        return [decide(conn, CAMPAIGN, v["agency"], v["version"], decision, at) for v in pending]


def consolidate(engine: Engine, c) -> tuple[pd.DataFrame, int]:
    with engine.begin() as conn:
        people = consolidated_list(conn, c)
        return people, write_exemptions(conn, c, people, NOW, None)


@pytest.fixture
def opened(ledger_engine: Engine):
    c = load_campaign(CAMPAIGN)
    with ledger_engine.begin() as conn:
        open_campaign(conn, c, NOW)
    return c


def test_two_lists_with_overlaps_then_a_changed_version(ledger_engine: Engine, opened, tmp_path: Path) -> None:
    c, inbox = opened, tmp_path / "inbox"
    write_list(inbox, "civil_affairs", civil_v1())
    write_list(inbox, "disabled_federation", disabled_v1())
    first = {r.agency: r for r in take_in(ledger_engine, c, inbox)}
    assert first["civil_affairs"].counts == {"new": 5, "changed": 0, "removed": 0, "deceased": 0, "unchanged": 0,
                                             "duplicates": 1, "rejected": 1, "rows": 7}
    assert first["disabled_federation"].counts["new"] == 3
    assert take_in(ledger_engine, c, inbox) == [None, None]  # the same files again: nothing new
    approve_all(ledger_engine)
    people, changed = consolidate(ledger_engine, c)
    got = dict(zip(people["id_number"], people["exemption"]))
    # A1: severe disability (full) beats dibao (partial); A2: tekun (precedence 1) beats severe disability (3);
    # A3: orphan beats dibao on the same list.
    assert got == dict(zip(ids("A1", "A2", "A3", "A4", "A5", "A6"), [
        "severe_disability", "tekun", "orphan", "dibao", "dibao", "severe_disability"]))
    assert changed == 6 and consolidate(ledger_engine, c)[1] == 0
    also = dict(zip(people["id_number"], people["also_listed"]))
    assert also[ids("A1")[0]] == "dibao" and also[ids("A3")[0]] == "dibao" and pd.isna(also[ids("A6")[0]])

    with ledger_engine.begin() as conn:  # A8 dies before civil affairs sends its second list
        upsert(conn, Resident, [{"id_number": ids("A8")[0], "name": "黄志刚", "sex": "M",
                                 "birth_date": date(1996, 8, 18), "deceased_on": date(2019, 10, 1)}],
               keys=["id_number"])
    write_list(inbox, "civil_affairs", civil_v2())
    second = take_in(ledger_engine, c, inbox)
    assert [r.version if r else None for r in second] == [2, None]
    assert second[0].base_version == 1
    assert {k: second[0].counts[k] for k in ("new", "changed", "removed", "deceased", "unchanged")} == {
        "new": 1, "changed": 1, "removed": 1, "deceased": 1, "unchanged": 3}
    with ledger_engine.connect() as conn:
        diff = version_diff(conn, CAMPAIGN, "civil_affairs", 2, 1).set_index("id_number")
    assert diff.loc[ids("A4")[0], ["change", "exemption", "previous"]].tolist() == ["changed", "tekun", "dibao"]
    assert diff.loc[ids("A5")[0], "change"] == "removed" and diff.loc[ids("A7")[0], "change"] == "new"
    assert diff.loc[ids("A8")[0], "change"] == "deceased"
    a7_row = int(diff.loc[ids("A7")[0], "source_row"])
    assert a7_row == 7  # title row, header row, then A1..A4, A7

    later = datetime(2019, 10, 25, 2, 0, tzinfo=UTC)
    done = approve_all(ledger_engine, Decision("approved", exclusions=(str(a7_row), "99")), later)
    assert done[0]["status"] == "approved_with_exclusions" and done[0]["excluded"] == 1
    assert done[0]["unmatched"] == ["99"]
    people, changed = consolidate(ledger_engine, c)
    got = dict(zip(people["id_number"], people["exemption"]))
    assert got == dict(zip(ids("A1", "A2", "A3", "A4", "A6"), [
        "severe_disability", "tekun", "orphan", "tekun", "severe_disability"]))
    assert changed == 4  # A4 changed, A5 removed; A2 and A3 now trace to the second list
    with ledger_engine.connect() as conn:
        in_ledger = dict(conn.execute(select(Exemption.id_number, Exemption.category)).all())
        since = dict(conn.execute(select(Exemption.id_number, Exemption.approved_at)).all())
        audited = conn.execute(select(Audit.action, Audit.record_key).where(Audit.table_name == "exemptions")).all()
        statuses = conn.execute(select(ExemptionList.agency, ExemptionList.version, ExemptionList.status)
                                .order_by(ExemptionList.agency, ExemptionList.version)).all()
    assert in_ledger == got
    assert since[ids("A2")[0]] == NOW and since[ids("A4")[0]] == later  # exempt since the first approval
    assert sorted(a for a, _ in audited) == ["delete", "update"]
    assert [tuple(s) for s in statuses] == [("civil_affairs", 1, "approved"),
                                            ("civil_affairs", 2, "approved_with_exclusions"),
                                            ("disabled_federation", 1, "approved")]


def test_rejection_and_a_newer_delivery_supersedes_a_pending_one(ledger_engine: Engine, opened,
                                                                  tmp_path: Path) -> None:
    c, inbox = opened, tmp_path / "inbox"
    write_list(inbox, "civil_affairs", civil_v1())
    take_in(ledger_engine, c, inbox)
    write_list(inbox, "civil_affairs", civil_v2())  # arrives before anyone decided on version 1
    take_in(ledger_engine, c, inbox)
    with ledger_engine.connect() as conn:
        pending = pending_versions(conn, CAMPAIGN)
    assert [(p["version"], p["base_version"]) for p in pending] == [(2, None)]
    with ledger_engine.begin() as conn:
        done = decide(conn, CAMPAIGN, "civil_affairs", 2, Decision("rejected", "A4 类别有误 511723194704170419"), NOW)
        assert decide(conn, CAMPAIGN, "civil_affairs", 2, Decision("approved"), NOW) is None  # decided already
        assert decide(conn, CAMPAIGN, "civil_affairs", 1, Decision("approved"), NOW) is None  # superseded
    assert done["status"] == "rejected" and not FULL_ID.search(done["reason"])
    assert consolidate(ledger_engine, c)[0].empty


def test_request_detail_sums_equal_the_quotes_and_lists_are_masked(ledger_engine: Engine, opened,
                                                                    tmp_path: Path) -> None:
    c, inbox = opened, tmp_path / "inbox"
    write_list(inbox, "civil_affairs", civil_v1())
    write_list(inbox, "disabled_federation", disabled_v1())
    take_in(ledger_engine, c, inbox)
    approve_all(ledger_engine)
    people, _ = consolidate(ledger_engine, c)
    with ledger_engine.begin() as conn:  # A4 registered in a village of 甘棠镇 (not the town the agency wrote)
        upsert(conn, Unit, [{"campaign_id": CAMPAIGN, "code": "5117230301", "name": "东风村", "level": "village",
                             "parent_code": "51172303"}], keys=["campaign_id", "code"])
        imp = conn.execute(Import.__table__.insert().values(
            campaign_id=CAMPAIGN, source="roster", file_name="r.xlsx", sha256="a" * 64, rows_total=1,
            rows_accepted=1, rows_rejected=0, imported_at=NOW)).inserted_primary_key[0]
        upsert(conn, Enrollment, [{"campaign_id": CAMPAIGN, "id_number": ids("A4")[0], "unit_code": "5117230301",
                                   "category": "resident", "tier": 1, "channel": "service_window", "kind": "new",
                                   "registered_at": DAY, "import_id": imp, "source_row": 2}],
               keys=["campaign_id", "id_number"])
        persons = handoff_people(conn, c, people)
        first = record_handoff(conn, CAMPAIGN, people, 0, NOW, None)
        assert record_handoff(conn, CAMPAIGN, people, 0, NOW, None) is None  # unchanged: no new batch
        batches = request_batches(conn, CAMPAIGN)
    assert first["batch"] == 1 and first["new_persons"] == 6 and set(batches.values()) == {1}
    town = dict(zip(persons["id_number"], persons["town_name"]))
    assert town[ids("A4")[0]] == "甘棠镇" and town[ids("A2")[0]] == "新宁镇"
    assert town[ids("A6")[0]] == "未确定镇（街）"  # 残联 writes an address the default layout does not read
    detail = request_detail(c, persons, batches)
    assert list(detail.columns) == REQUEST_COLUMNS
    expected = {p: quote(c, "resident", 1, x) for p, x in zip(people["id_number"], people["exemption"])}
    assert detail["代缴金额"].sum() == sum(fen(q.paid_on_behalf) for q in expected.values()) == 4 * 25000 + 2 * 12500
    for row in detail.itertuples():
        q = expected[row.身份证号码]
        assert (row.代缴金额, row.个人缴费金额, row.缴费总额) == (fen(q.paid_on_behalf), fen(q.resident_pays),
                                                              fen(q.individual_part))
    book = write_request(tmp_path / "r.xlsx", c, detail, DAY)
    sheet = openpyxl.load_workbook(book, read_only=True)["请款明细"]
    rows = list(sheet.iter_rows(values_only=True))
    paid = REQUEST_COLUMNS.index("代缴金额")
    body, total = rows[3:3 + len(detail)], rows[3 + len(detail)]
    assert rows[2] == tuple(REQUEST_COLUMNS) and sum(r[paid] for r in body) == 1250.0
    assert total[0] == "合计" and total[paid] == 1250.0 and total[REQUEST_COLUMNS.index("姓名")] == "6人"
    signed = [r[0] for r in rows[3 + len(detail) + 1:] if r and r[0]]
    assert signed[:2] == ["经办人：", "审核人："] and "（盖章）" in signed
    for path in write_town_lists(tmp_path / "towns", c, persons, DAY):
        cells = [str(v) for ws in openpyxl.load_workbook(path, read_only=True).worksheets
                 for r in ws.iter_rows(values_only=True) for v in r if v is not None]
        assert any(FULL_ID.search(x) for x in cells) == ("内部" in path.name), path.name
    assert any("公示" in p.name for p in (tmp_path / "towns").iterdir())


def test_config_column_mapping_reads_a_new_layout_without_code(ledger_engine: Engine, opened,
                                                               tmp_path: Path) -> None:
    raw = yaml.safe_load(Path(f"configs/{CAMPAIGN}.yaml").read_text(encoding="utf-8"))
    raw["exemption_handoff"] = {"columns": {"disabled_federation": {"town": ["地址"], "id_number": ["残疾证号"]}},
                                "approval_timeout_hours": 24, "run_time": "07:45", "end": "2019-11-30"}
    path = tmp_path / f"{CAMPAIGN}.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    c = load_campaign(str(path))
    odd = disabled_v1().rename(columns={"身份证号码": "残疾证号"})  # an export the default headers do not know
    write_list(tmp_path / "inbox", "disabled_federation", odd)
    got = take_in(ledger_engine, c, tmp_path / "inbox")
    assert got[0].counts["new"] == 3 and got[0].counts["rejected"] == 0
    approve_all(ledger_engine)
    people, _ = consolidate(ledger_engine, c)
    with ledger_engine.connect() as conn:
        persons = handoff_people(conn, c, people)
    assert dict(zip(persons["id_number"], persons["town_name"]))[ids("A6")[0]] == "普安镇"
    assert handoff_window(c) == (date(2019, 9, 1), date(2019, 11, 30))
    assert handoff_rrule(c) == "DTSTART:20190901T074500\nRRULE:FREQ=DAILY;UNTIL=20191130T074500"
    raw["exemption_handoff"]["columns"]["tax"] = {"name": ["纳税人"]}  # the tax bureau confirms no list
    stray = tmp_path / "stray" / f"{CAMPAIGN}.yaml"
    stray.parent.mkdir()
    stray.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match="confirm no list: tax"):
        scan_deliveries(tmp_path / "inbox", load_campaign(str(stray)))


def test_rank_window_deployment_and_events() -> None:
    c = load_campaign("yuzhong-2021")
    rank = exemption_rank(c)
    assert sorted(rank, key=rank.get) == ["tekun", "dibao", "severe_disability", "family_planning_special",
                                          "hardship_college_student"]  # 一(二)3, last: partial subsidy
    k = load_campaign(CAMPAIGN)
    assert handoff_window(k) == (date(2019, 9, 1), date(2019, 12, 25))
    deployment = handoff_deployment(k)
    assert deployment["entrypoint"] == "flows/exemption_handoff.py:exemption_handoff"
    assert deployment["schedules"][0]["rrule"].endswith("FREQ=DAILY;UNTIL=20191225T083000")
    spec = event_spec(k, "handed-off", ["civil_affairs", "civil_affairs"], {"batch": 1}, recipients=True)
    assert spec["event"] == "canbao.exemption.handed-off"
    assert spec["resource"]["prefect.resource.id"] == "canbao.campaign.kaijiang-2020"
    roles = [(r["prefect.resource.id"], r["prefect.resource.role"]) for r in spec["related"]]
    assert roles == [("canbao.agency.civil_affairs", "agency"), ("canbao.agency.tax", "recipient"),
                     ("canbao.agency.towns", "recipient")]
    with pytest.raises(ValueError):
        event_spec(k, "approve", [], {})


def test_unreadable_delivery_and_idempotent_snapshot(ledger_engine: Engine, opened, tmp_path: Path) -> None:
    c, inbox = opened, tmp_path / "inbox"
    folder = inbox / "exemption" / "veterans_affairs"
    folder.mkdir(parents=True)
    (folder / "名单.csv").write_text("随便,什么\n1,2\n", encoding="utf-8")
    (inbox / "exemption" / "stray.xlsx").write_bytes(b"")
    deliveries, skipped = scan_deliveries(inbox, c)
    assert [d.agency for d in deliveries] == ["veterans_affairs"] and skipped == ["stray.xlsx"]
    got = take_in(ledger_engine, c, inbox)
    assert got[0].counts["rejected"] == 1 and got[0].counts["new"] == 0
    with ledger_engine.connect() as conn:
        before = snapshot(conn, CAMPAIGN)
    assert take_in(ledger_engine, c, inbox) == [None]
    with ledger_engine.begin() as conn:
        conn.execute(update(ExemptionList).values(awaiting_run_id="x"))  # bookkeeping is not content
    with ledger_engine.connect() as conn:
        assert snapshot(conn, CAMPAIGN) == before
    assert PEOPLE["A1"][1] == "张国强"
