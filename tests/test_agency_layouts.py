"""Agencies' real files (issue 11): the 附件3 layout through intake, approval, handoff and the request detail."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from annex3 import config_with, write_annex3
from exemption_data import PEOPLE, ids
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from canbao.exemptions.consolidate import consolidated_list, write_exemptions
from canbao.exemptions.decisions import Decision, decide, pending_versions
from canbao.exemptions.delivery import read_delivery, scan_deliveries
from canbao.exemptions.handoff import record_handoff, request_batches
from canbao.exemptions.people import UNKNOWN_TOWN, handoff_people
from canbao.exemptions.request import REQUEST_COLUMNS, request_detail
from canbao.exemptions.versions import record_delivery
from canbao.exemptions.workbooks import write_request, write_town_lists
from canbao.formats.read import read_table
from canbao.formats.write import write_workbook
from canbao.intake import reference
from canbao.intake.campaign import intake_context, open_campaign
from canbao.ledger.schema import Exemption
from canbao.ledger.schema_exemptions import ExemptionEntry
from canbao.money import fen
from canbao.policy.load import load_campaign
from canbao.policy.quote import quote

FULL_ID = re.compile(r"\d{17}[\dX]")

DAY = date(2019, 10, 20)
NOW = datetime(2019, 10, 20, 2, 0, tzinfo=UTC)
TITLE = "开江县2020年度医疗救助对象资助参保人员名单"
EDGE = {"code": "low_income_edge", "name": "低保边缘家庭成员", "aliases": ["低保边缘户", "低保边缘"],
        "agency": "civil_affairs", "funding_mode": "partial_subsidy", "subsidy": 60, "payer": "finance",
        "precedence": 7, "source": "测试：配置新增的身份"}
# (label, identity word as the agency writes it, 纳入资助时间)
ANNEX3 = [("A1", "农村低保", "2019-03-01"), ("A2", "特困供养人员", "2018/07/15"), ("A4", "城市低保", "2019年5月8日"),
          ("A3", "事实无人抚养儿童", "2019-09-30"), ("A5", "低保边缘家庭成员", "20190601"),
          ("A7", "低保边缘户", "")]
CODES = {"A1": "dibao", "A2": "tekun", "A4": "dibao", "A3": "orphan", "A5": "low_income_edge",
         "A7": "low_income_edge"}
INCLUDED = {"A1": date(2019, 3, 1), "A2": date(2018, 7, 15), "A4": date(2019, 5, 8), "A3": date(2019, 9, 30),
            "A5": date(2019, 6, 1), "A7": None}


def annex3_rows(entries=ANNEX3) -> list[tuple[str, str, str, str, str, str]]:
    out = []
    for label, word, day in sorted(entries, key=lambda e: PEOPLE[e[0]][2]):  # grouped by town, as filed
        id_number, name, town, village = PEOPLE[label]
        out.append((id_number, name, word, town, village.replace("村", "村"), day))
    return out


@pytest.fixture
def campaign(tmp_path: Path):
    """Kaijiang with 低保边缘家庭成员 added and 事实无人抚养儿童 named as orphans — in config alone."""
    path = config_with(tmp_path, "kaijiang-2020", [EDGE], {"orphan": ["事实无人抚养儿童"]})
    return load_campaign(path)


def _through(engine: Engine, c, inbox: Path) -> tuple[pd.DataFrame, pd.DataFrame, list]:
    """Intake (every delivery), automatic approval, consolidation, handoff people and the request detail."""
    with engine.begin() as conn:
        open_campaign(conn, c, NOW)
    deliveries, _ = scan_deliveries(inbox, c)
    read = []
    with engine.begin() as conn:
        for d in deliveries:
            rows = read_delivery(d, c, DAY)
            read.append(rows)
            record_delivery(conn, c.id, d, rows, NOW, None)
        for v in pending_versions(conn, c.id):
            decide(conn, c.id, v["agency"], v["version"], Decision("approved", decided_by="系统"), NOW)
        people = consolidated_list(conn, c)
        write_exemptions(conn, c, people, NOW, None)
        persons = handoff_people(conn, c, people)
        record_handoff(conn, c.id, people, 0, NOW, None)
        detail = request_detail(c, persons, request_batches(conn, c.id))
    return persons, detail, read


def test_reader_finds_the_sheet_header_and_skips_footers(tmp_path: Path, campaign) -> None:
    path = write_annex3(tmp_path / "exemption/civil_affairs/附件3.xlsx", annex3_rows(), title=TITLE,
                        hidden_rows=[(ids("A6")[0], PEOPLE["A6"][1], "农村低保", "普安镇", "茶园村", "")])
    got = read_table(path, "exemption", campaign=campaign)
    assert got.sheet == "附件3" and got.header_row == 3
    assert got.mapped == {"身份证号": "id_number", "姓名": "name", "医疗救助身份": "exemption", "镇（街）": "town",
                          "村（居）": "village", "纳入资助时间": "included_on"}
    assert got.ignored == ("序号",)
    n = len(ANNEX3)
    assert got.footer_rows == (4 + n, 6 + n, 7 + n)  # 合计, 填表人/审核人/联系电话, 注
    frame = got.frame
    assert sorted(frame["id_number"]) == sorted(ids(*CODES))  # the hidden sheet's person is not read
    by_id = frame.set_index("id_number")
    for label, code in CODES.items():
        _, _, town, village = PEOPLE[label]
        assert by_id.loc[ids(label)[0], "exemption"] == code
        assert (by_id.loc[ids(label)[0], "town"], by_id.loc[ids(label)[0], "village"]) == (town, village)


def test_annex3_list_through_approval_handoff_and_request_detail(ledger_engine: Engine, campaign,
                                                                 tmp_path: Path) -> None:
    c = campaign
    inbox = tmp_path / "inbox"
    write_annex3(inbox / "exemption/civil_affairs/附件3_医疗救助对象.xlsx", annex3_rows(), title=TITLE)
    # 人员编号 from two other sources: the federation's list (A6) and last year's roster (A1, A2)
    write_workbook(inbox / "exemption/disabled_federation/残联名单.xlsx", {"s": pd.DataFrame({
        "姓名": [PEOPLE["A6"][1]], "身份证号码": ids("A6"), "个人编号": ["51172300006"],
        "所属乡镇": [PEOPLE["A6"][2]]})})
    roster = write_workbook(tmp_path / "上年参保人员名单.xlsx", {"s": pd.DataFrame({
        "身份证号码": ids("A1", "A2"), "姓名": [PEOPLE["A1"][1], PEOPLE["A2"][1]], "单位代码": ["", ""],
        "人员编号": ["51172300001", "51172300002"]})})
    with ledger_engine.begin() as conn:
        open_campaign(conn, c, NOW)
        ctx = intake_context(conn, c, DAY, NOW)
        frame = read_table(roster, "last_year_roster", campaign=c).frame.assign(source_file="上年参保人员名单.xlsx")
        checked = reference.validate(frame, "last_year_roster", ctx)
        reference.store(conn, "last_year_roster", checked.accepted, {}, ctx)

    persons, detail, read = _through(ledger_engine, c, inbox)
    civil = next(r for r in read if r.notes and "附件3" in r.notes[0].file)
    assert civil.rejected.empty and civil.notes[0].footers == 3  # no footer row bounced
    everyone = {**CODES, "A6": "severe_disability"}
    assert sorted(persons["id_number"]) == sorted(ids(*everyone))
    row = persons.set_index("id_number")
    for label, code in everyone.items():
        _, _, town, village = PEOPLE[label]
        p = row.loc[ids(label)[0]]
        assert p["exemption"] == code and p["town_name"] == town and p["town_name"] != UNKNOWN_TOWN
        if label != "A6":
            assert p["village"] == village and p["included_on"] == INCLUDED[label]
    with ledger_engine.connect() as conn:
        kept = dict(conn.execute(select(Exemption.id_number, Exemption.included_on)).all())
        entries = conn.execute(select(ExemptionEntry.included_on).where(ExemptionEntry.agency == "civil_affairs"))
        assert sorted(filter(None, entries.scalars())) == sorted(filter(None, INCLUDED.values()))
    assert kept[ids("A2")[0]] == date(2018, 7, 15)

    assert list(detail.columns) == REQUEST_COLUMNS
    line = detail.set_index("身份证号码")
    numbers = {"A1": "51172300001", "A2": "51172300002", "A6": "51172300006"}
    for label in everyone:
        assert line.loc[ids(label)[0], "人员编号"] == numbers.get(label) or (
            label not in numbers and pd.isna(line.loc[ids(label)[0], "人员编号"]))
    assert line.loc[ids("A3")[0], "纳入资助时间"] == "2019-09-30"
    # the category added in config alone reaches the request detail with its own amounts
    edge = detail[detail["代缴类别"] == "低保边缘家庭成员"]
    q = quote(c, "resident", 1, "low_income_edge")
    assert len(edge) == 2 and set(edge["代缴金额"]) == {fen(q.paid_on_behalf)} == {6000}
    book = write_request(tmp_path / "r.xlsx", c, detail, DAY)
    rows = list(openpyxl.load_workbook(book, read_only=True)["请款明细"].iter_rows(values_only=True))
    assert "人员编号缺失4人" in rows[1][0]  # A3, A4, A5, A7: no source carried theirs
    total = rows[3 + len(detail)]
    assert total[0] == "合计" and total[REQUEST_COLUMNS.index("代缴金额")] == detail["代缴金额"].sum() / 100
    for path in write_town_lists(tmp_path / "towns", c, persons, DAY):
        sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
        header = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "序号")
        assert "纳入资助时间" in header


def test_an_unknown_identity_word_has_its_own_reason(ledger_engine: Engine, campaign, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    rows = annex3_rows([("A1", "农村低保", ""), ("A2", "防止返贫监测对象", ""), ("A4", "重度残疾人", "")])
    write_annex3(inbox / "exemption/civil_affairs/附件3.xlsx", rows, title=TITLE, notes_sheet=False)
    (d,), _ = scan_deliveries(inbox, campaign)
    got = read_delivery(d, campaign, DAY)
    reasons = dict(zip(got.rejected["value"], got.rejected["reason"]))
    assert reasons == {"防止返贫监测对象": "identity_unknown", "重度残疾人": "identity_other_agency"}
    assert "参保类别" not in "".join(got.rejected["reason_label"])
    assert list(got.accepted["id_number"]) == ids("A1")


def test_dry_run_prints_how_a_file_would_be_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from canbao.cli import main
    from canbao.cli.commands import COMMANDS

    good = write_annex3(tmp_path / "exemption/civil_affairs/附件3.xlsx",
                        annex3_rows([("A1", "农村低保", "2019-03-01"), ("A2", "防止返贫监测对象", "")]), title=TITLE)
    assert main([*["formats", "check"], str(good), "--campaign", "kaijiang-2020", "--as-of", "2019-10-20"],
                COMMANDS) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["source"] == "exemption" and report["agency"] == "civil_affairs" and report["header_row"] == 3
    assert report["columns_mapped"]["医疗救助身份"] == "exemption" and report["footer_rows_skipped"] == [6, 8, 9]
    assert [r["name"] for r in report["first_rows"]] == ["张*强", "李*英"]
    assert not any(FULL_ID.search(json.dumps(r, ensure_ascii=False)) for r in report["first_rows"])
    assert report["rows_accepted"] == 1 and report["identity_words_unknown"] == ["防止返贫监测对象"]
    bad = write_workbook(tmp_path / "somewhere/民政名单.xlsx", {"名单": pd.DataFrame({
        "姓名": ["张三"], "身份证": [ids("A1")[0]], "人员类型": ["低保"]})})
    argv = [*["formats", "check"], str(bad), "--campaign", "kaijiang-2020", "--source", "exemption",
            "--agency", "civil_affairs"]
    assert main(argv, COMMANDS) == 1
    refused = json.loads(capsys.readouterr().out)
    assert refused["ok"] is False and refused["headers_found"] == ["姓名", "身份证", "人员类型"]
    assert refused["config_hint"] == ["exemption_handoff: {columns: {civil_affairs: {exemption: [人员类型]}}}"]


def test_generated_civil_affairs_list_is_in_the_annex3_layout(tmp_path: Path) -> None:
    from canbao.generate import generate

    c = load_campaign("kaijiang-2020")
    generate(c, 0.002, 3, tmp_path)
    (path,) = (tmp_path / "inbox/exemption/civil_affairs").glob("*.xlsx")
    got = read_table(path, "exemption", campaign=c)
    assert set(got.mapped.values()) >= {"id_number", "name", "exemption", "town", "village", "included_on"}
    assert len(got.footer_rows) == 4 and got.frame["included_on"].notna().all()
    assert set(got.frame["exemption"]) <= {e.code for e in c.exemptions if e.agency == "civil_affairs"}
    (poverty,) = (tmp_path / "inbox/exemption/poverty_office").glob("*.xlsx")
    assert read_table(poverty, "exemption", campaign=c).frame["person_number"].notna().all()


def test_a_config_path_is_never_silently_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`simulate`, like `run exemptions`, `run registration` and `demo`, hands the config's path to its flow, and
    a flow refuses a config whose campaign is not the one it runs (tasks load the path, the ledger key is the id).

    (No capsys here: importing flows.cli imports Prefect, whose log handlers would keep a per-test stream.)"""
    from contextlib import nullcontext

    import flows.local_run
    import flows.simulate
    from canbao.errors import InputError
    from flows.cli import _config_path, main
    from flows.run_config import run_config

    mapped = config_with(tmp_path, "kaijiang-2020", [EDGE])
    assert _config_path(str(mapped)) == str(mapped.resolve()) and _config_path("kaijiang-2020") is None
    calls: list[dict] = []
    monkeypatch.setattr(flows.local_run, "local_run", lambda **_: nullcontext())
    monkeypatch.setattr(flows.simulate, "simulate", lambda **kw: calls.append(kw) or {"log": []})
    assert main(["simulate", "--campaign", str(mapped), "--out", str(tmp_path / "sim")]) == 0
    assert calls[0]["campaign"] == "kaijiang-2020" and calls[0]["config_path"] == str(mapped.resolve())
    c, ref = run_config("kaijiang-2020", str(mapped))
    assert ref == str(mapped) and "low_income_edge" in {e.code for e in c.exemptions}
    with pytest.raises(InputError, match="是活动 kaijiang-2020 的配置，不是所选的活动 wujin-2020"):
        run_config("wujin-2020", str(mapped))


@settings(deadline=None)  # milliseconds each, but a loaded CI machine once took longer than Hypothesis' 200 ms
@given(st.lists(st.tuples(st.sampled_from(["合计", "填表人：", "审核人", "注：", "1", "张三", "", "（盖章）", "日期"]),
                          st.booleans()), max_size=30))
def test_a_row_with_an_id_number_is_never_a_footer(rows: list[tuple[str, bool]]) -> None:
    from canbao.formats.layout import footer_rows

    grid = [["序号", "身份证号码"], *[[text, ids("A1")[0] if has_id else ""] for text, has_id in rows]]
    skipped = set(footer_rows(grid, 1))
    for i, (text, has_id) in enumerate(rows, start=1):
        assert (i in skipped) == (not has_id and text not in ("", "1", "张三")), (text, has_id)


def test_config_checks_headers_and_identity_words(tmp_path: Path) -> None:
    from canbao.policy.load import check_config

    clash = config_with(tmp_path / "a", "kaijiang-2020", [EDGE], {"dibao": ["低保边缘户"]},
                        extra={"formats": {"headers": {"roster": {"id_number": ["公民身份证"], "nonsense": ["x"]},
                                                       "nowhere": {"name": ["名字"]}}}})
    campaign, problems = check_config(clash)
    assert campaign is None
    text = "\n".join(problems)
    assert "exemptions.6.aliases.0: '低保边缘户' already names exemption 'dibao'" in text
    assert "formats.headers.roster.nonsense: source 'roster' has no column 'nonsense'" in text
    assert "formats.headers.nowhere: unknown source 'nowhere'" in text
    fine = config_with(tmp_path / "b", "kaijiang-2020", [EDGE],
                       extra={"formats": {"headers": {"roster": {"id_number": ["公民身份证"]}}}})
    assert check_config(fine)[1] == []


@pytest.mark.usefixtures("prefect_harness")
def test_the_dry_run_as_a_flow_for_the_ui(tmp_path: Path) -> None:
    from prefect.client.orchestration import get_client

    from flows.formats_check import formats_check

    path = write_annex3(tmp_path / "exemption/civil_affairs/附件3.xlsx",
                        annex3_rows([("A1", "农村低保", "2019-03-01")]), title=TITLE)
    report = formats_check(campaign="kaijiang-2020", file=str(path))
    assert report["ok"] and report["rows_accepted"] == 1 and report["footer_rows_skipped"] == [5, 7, 8]
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=ArtifactFilter(
            key=ArtifactFilterKey(any_=["kaijiang-2020-formats-check"])))
    assert found and "附件3.xlsx（可以导入）" in str(found[-1].data) and not FULL_ID.search(str(found[-1].data))


def test_a_roster_carrying_person_numbers_fills_them(ledger_engine: Engine, tmp_path: Path) -> None:
    from canbao.intake.batch import intake_batch
    from canbao.intake.inbox import InboxFile, sha256_of
    from canbao.ledger.schema import Resident

    c = load_campaign("kaijiang-2020")
    path = write_workbook(tmp_path / "roster/新宁镇_花名册.xlsx", {"s": pd.DataFrame({
        "村（社区）代码": ["51172301", "51172301"], "姓名": [PEOPLE["A1"][1], PEOPLE["A2"][1]],
        "身份证号码": ids("A1", "A2"), "参保类别": ["resident", "resident"],
        "登记日期": ["2019-10-01", "2019-10-02"], "个人编号": ["51172300001", ""]})})
    with ledger_engine.begin() as conn:
        open_campaign(conn, c, NOW)
        ctx = intake_context(conn, c, DAY, NOW)
        result = intake_batch(conn, "roster", [InboxFile("roster", path, sha256_of(path))], ctx)
        assert result.accepted == 2
        numbers = dict(conn.execute(select(Resident.id_number, Resident.person_number)).all())
    assert numbers == {ids("A1")[0]: "51172300001", ids("A2")[0]: None}


RELAPSE = {"code": "relapse_watch", "name": "防止返贫监测对象", "aliases": ["返贫监测对象", "监测对象"],
           "agency": "civil_affairs", "funding_mode": "full_subsidy", "payer": "finance", "special_group": True,
           "precedence": 8, "source": "测试：配置新增的特殊群体"}


def test_a_category_added_in_config_reaches_settlement_and_its_own_bulletin_section(
        ledger_engine: Engine, tmp_path: Path) -> None:
    """防止返贫监测对象, added in a config copy alone (code, words, funding, `special_group: true`), from a 附件3 list
    through approval and handoff to the request detail, the special-group list, the on-behalf statement and its own
    section of the weekly bulletin: 4 on the list (three words for it), 2 of them registered."""
    from canbao.exemptions.special import special_missing
    from canbao.intake.batch import intake_batch
    from canbao.intake.inbox import InboxFile, sha256_of
    from canbao.reports.bulletin import bulletin_sections
    from canbao.reports.progress import build_report
    from canbao.settlement.on_behalf import on_behalf_statement
    from canbao.settlement.people import load_settlement
    from canbao.state import load_facts

    c = load_campaign(config_with(tmp_path, "kaijiang-2020", [RELAPSE]))
    monitored = ["A1", "A2", "A3", "A4"]
    words = [("A1", "防止返贫监测对象", "2019-08-01"), ("A2", "防止返贫监测对象", ""), ("A3", "监测对象", ""),
             ("A4", "返贫监测对象", ""), ("A5", "农村低保", ""), ("A6", "特困供养人员", "")]
    inbox = tmp_path / "inbox"
    write_annex3(inbox / "exemption/civil_affairs/附件3.xlsx", annex3_rows(words), title=TITLE)
    roster = write_workbook(tmp_path / "roster/新宁镇_花名册.xlsx", {"s": pd.DataFrame({
        "村（社区）代码": ["51172301", "51172301"], "姓名": [PEOPLE["A1"][1], PEOPLE["A2"][1]],
        "身份证号码": ids("A1", "A2"), "参保类别": ["resident", "resident"],
        "登记日期": ["2019-10-01", "2019-10-02"]})})
    with ledger_engine.begin() as conn:
        open_campaign(conn, c, NOW)
        ctx = intake_context(conn, c, DAY, NOW)
        assert intake_batch(conn, "roster", [InboxFile("roster", roster, sha256_of(roster))], ctx).accepted == 2
    persons, detail, _ = _through(ledger_engine, c, inbox)

    q = quote(c, "resident", 1, "relapse_watch")
    assert fen(q.paid_on_behalf) == 25000 and fen(q.resident_pays) == 0  # the notice's 250 yuan, paid in full
    assert sorted(persons.loc[persons["exemption"] == "relapse_watch", "id_number"]) == sorted(ids(*monitored))
    lines = detail[detail["代缴类别"] == "防止返贫监测对象"]
    assert sorted(lines["身份证号码"]) == sorted(ids(*monitored)) and set(lines["代缴金额"]) == {25000}
    with ledger_engine.connect() as conn:
        missing, group = special_missing(conn, c, persons, DAY)
        statement = on_behalf_statement(c, load_settlement(conn, c, DAY).people).set_index("exemption")
        report = build_report(load_facts(conn, c.id), c, DAY)
    assert sorted(missing.loc[missing["exemption"] == "relapse_watch", "id_number"]) == sorted(ids("A3", "A4"))
    assert group == 6  # tekun and the new group are special; dibao is not
    assert (statement.loc["relapse_watch", "persons"], statement.loc["relapse_watch", "on_behalf_fen"]) == (2, 50000)
    special = dict(bulletin_sections(report))["三、特殊群体参保"]
    (own,) = [p for p in special if "防止返贫监测对象：" in p]
    assert "应参保4人，已参保2人，参保率50.00%（目标100%）" in own
    assert not any("防止返贫监测对象" in p for p in special if p is not own)


def test_unused_columns_are_one_warning_a_source_below_the_figures() -> None:
    from canbao.exemptions.problems import warning_lines
    from canbao.intake.attention import intake_warning_lines
    from canbao.reports.intake_report import summary_markdown

    batches = [{"source": "tax_app", "ignored_columns": {"甲.csv": ["征收机关", "备注"], "乙.csv": ["征收机关"],
                                                         "丙.csv": []}},
               {"source": "roster", "ignored_columns": {f"roster/{ids('A1')[0]}_花名册.xlsx": ["家庭住址"]}}]
    lines = intake_warning_lines(batches)
    assert lines[0] == "- 警告：税务APP缴费明细2个文件中未使用的列：征收机关、备注（1个文件）"
    assert lines[1].startswith("- 警告：花名册“") and lines[1].endswith("_花名册.xlsx”中未使用的列：家庭住址")
    assert len(lines) == 2 and not FULL_ID.search(lines[1])
    markdown = summary_markdown("导入", {"新文件数": 4}, {}, {}, ["- 对账表"], warnings=lines)
    assert markdown.index("## 缴费异常") < markdown.index("## 警告：未使用的列") < markdown.index("- 对账表")
    assert markdown.count("- 警告：") == 2
    c = load_campaign("kaijiang-2020")
    received = [{"agency": "civil_affairs", "ignored_columns": {"exemption/civil_affairs/a.xlsx": ["家庭住址"]}},
                {"agency": "civil_affairs", "ignored_columns": {"exemption/civil_affairs/b.xlsx": ["家庭住址"]}}]
    assert warning_lines(c, received) == ["- 警告：民政部门2个文件中未使用的列：家庭住址"]


def test_the_dry_run_shows_dates_as_they_will_be_stored(tmp_path: Path) -> None:
    from canbao.intake.dry_run import check_file

    path = write_annex3(tmp_path / "exemption/civil_affairs/附件3.xlsx", annex3_rows(
        [("A1", "农村低保", "2019年5月8日"), ("A2", "特困供养人员", "上月"), ("A3", "孤儿", "")]), title=TITLE)
    c = load_campaign("kaijiang-2020")
    report = check_file(path, c, today=DAY)
    assert [r["included_on"] for r in report["first_rows"]] == ["2019-05-08", "无法识别：上月", None]
    from canbao.exemptions.problems import warning_lines

    (d,), _ = scan_deliveries(tmp_path, c)
    rows = read_delivery(d, c, DAY)  # the intake keeps A2 without the date, and says so
    assert rows.undated == {"civil_affairs/附件3.xlsx": 1} and len(rows.accepted) == 3
    assert rows.accepted.set_index("id_number").loc[ids("A2")[0], "included_on"] is None
    assert warning_lines(c, [{"agency": "civil_affairs", "undated": rows.undated}]) == [
        "- 警告：民政部门“附件3.xlsx”中1行的纳入资助时间无法识别（人员已导入，未保存该时间）"]
