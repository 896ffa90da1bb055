"""A coordinator's proof decision (Kaijiang 三(二)) via the CLI, the inbox and every output, SQLite and PostgreSQL.

Figures from DOMAIN.md (开江县 2020): individual part 250 yuan; concentrated period 2019-09-01..2019-12-25;
after it, enrollment only with proof of a named reason (三(二)) and cover 30 days after the payment (三(四)).
The expected values come from `_oracle`, written from the notice, not from the code under test.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from canbao.cleanup.lists import cleanup_items
from canbao.cleanup.load import load_cleanup
from canbao.cli import main as cli_main
from canbao.identity import make_id
from canbao.intake.batch import intake_batch
from canbao.intake.campaign import intake_context, open_campaign, seen_hashes
from canbao.intake.inbox import scan_inbox
from canbao.ledger.bulk import upsert
from canbao.ledger.schema import Audit, Enrollment, Import, Payment, Resident, Unit
from canbao.ledger.schema_proofs import ProofConfirmation
from canbao.policy.load import load_campaign
from canbao.reports.progress import build_report
from canbao.state import campaign_figures, campaign_state, load_facts, make_facts

C = "kaijiang-2020"
TOWN, VILLAGE = "51172301", "5117230101"
PART = 25000  # fen: 250 yuan (二(三))
PERIOD_END = date(2019, 12, 25)  # 三(一)
PROOF = "刑满释放"  # one of 三(二)'s reasons


def at(d: date, hour: int = 9) -> datetime:
    return datetime(d.year, d.month, d.day, hour, tzinfo=UTC) - timedelta(hours=8)  # Shanghai hour


def pid(i: int) -> str:
    return make_id("511723", date(1985, 1, 1), i)


def _oracle(paid_on: date, decision: tuple[str, date, date] | None, as_of: date) -> dict[str, object]:
    """The notice's answer for a new enrollee who paid the full 250 on `paid_on`, with a decision
    (confirmed/refused, decided on, recorded on) or none, as of the end of `as_of`."""
    if paid_on > as_of:
        return {"enrolled": False, "waiting": False, "refund": 0, "enrolled_on": None, "start": None}
    if paid_on <= PERIOD_END:  # 三(三): new enrollee in the period, cover from 2020-02-01
        return {"enrolled": True, "waiting": False, "refund": 0, "enrolled_on": paid_on, "start": date(2020, 2, 1)}
    known = decision if decision is not None and decision[1] <= as_of and decision[2] <= as_of else None
    if known is None:
        return {"enrolled": False, "waiting": True, "refund": 0, "enrolled_on": None, "start": None}
    if known[0] == "refused":
        return {"enrolled": False, "waiting": False, "refund": PART, "enrolled_on": None, "start": None}
    return {"enrolled": True, "waiting": False, "refund": 0, "enrolled_on": max(paid_on, known[1]),
            "start": paid_on + timedelta(days=30)}  # 三(四): 30 days after the payment


def ledger(engine: Engine, people: dict[int, date], imported: date = date(2020, 3, 3)) -> None:
    """New enrollees of one village, each registered and paying 250 yuan on the given day."""
    c = load_campaign(C)
    with engine.begin() as conn:
        open_campaign(conn, c, at(date(2019, 9, 1)))
        upsert(conn, Unit, [{"campaign_id": C, "code": VILLAGE, "name": "城南社区", "level": "village",
                             "parent_code": TOWN, "target": 4}], keys=["campaign_id", "code"])
        upsert(conn, Import, [{"campaign_id": C, "source": s, "file_name": f"{k}.csv", "sha256": str(k) * 64,
                               "rows_total": 1, "rows_accepted": 1, "rows_rejected": 0, "imported_at": at(imported)}
                              for k, s in [(1, "roster"), (2, "service_window")]],
               keys=["campaign_id", "source", "sha256"])  # ids from the sequence: later imports follow on
        ids = dict(conn.execute(select(Import.source, Import.id).where(Import.campaign_id == C)).all())
        upsert(conn, Resident, [{"id_number": pid(i), "name": f"王{i}", "sex": "M", "birth_date": date(1985, 1, 1)}
                                for i in people], keys=["id_number"])
        upsert(conn, Enrollment, [{"campaign_id": C, "id_number": pid(i), "unit_code": VILLAGE, "category": "resident",
                                   "tier": 1, "channel": "service_window", "kind": "new", "registered_at": day,
                                   "import_id": ids["roster"], "source_row": i} for i, day in people.items()],
               keys=["campaign_id", "id_number"])
        upsert(conn, Payment, [{"campaign_id": C, "channel": "service_window", "external_ref": f"R{i}",
                                "id_number": pid(i), "unit_code": VILLAGE, "amount_fen": PART, "paid_on": day,
                                "import_id": ids["service_window"], "source_row": i}
                               for i, day in people.items()],
               keys=["campaign_id", "channel", "external_ref"])


def confirm(url: str, i: int, *extra: str) -> int:
    return cli_main(["proof", "confirm", "--campaign", C, "--id", pid(i), "--reviewer", "李审核", "--database", url,
                     *extra])


def rows(engine: Engine) -> list[dict]:
    with engine.connect() as conn:
        got = conn.execute(select(ProofConfirmation.__table__).order_by(ProofConfirmation.id_number)).mappings()
        return [dict(r) for r in got]


MID = date(2020, 3, 2)
PAID = {1: date(2019, 12, 20), 2: MID, 3: MID, 4: MID}
# decision, decided on, recorded on: 2 decided 03-05 but entered 03-10; 3 refused 03-12; 4 confirmed 03-10.
DECISIONS = {2: ("confirmed", date(2020, 3, 5), date(2020, 3, 10)), 3: ("refused", date(2020, 3, 12),
             date(2020, 3, 12)), 4: ("confirmed", date(2020, 3, 10), date(2020, 3, 10))}


def test_the_cli_confirmation_enrolls_from_its_day_in_every_output(ledger_engine: Engine, ledger_url: str,
                                                                  capsys: pytest.CaptureFixture[str],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    ledger(ledger_engine, PAID)
    c = load_campaign(C)
    monkeypatch.setenv("CANBAO_CLOCK", "2020-03-10T15:00:00")
    assert confirm(ledger_url, 2, "--proof", PROOF, "--on", "2020-03-05") == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["decision"] == "confirmed" and printed["changed"] is True and printed["decided_on"] == "2020-03-05"
    assert printed["id_number"] != pid(2) and printed["id_number"].endswith(pid(2)[-4:])  # masked
    expected = _oracle(MID, DECISIONS[2], date(2020, 3, 10))
    assert printed["state"]["enrolled"] is True and printed["state"]["enrolled_on"] == str(expected["enrolled_on"])
    assert printed["state"]["benefit_start"] == str(expected["start"]) == "2020-04-01"
    assert confirm(ledger_url, 4, "--proof", "复员退伍") == 0
    capsys.readouterr()
    before = rows(ledger_engine)
    assert confirm(ledger_url, 2, "--proof", PROOF, "--on", "2020-03-05") == 0  # the same decision again
    assert json.loads(capsys.readouterr().out)["changed"] is False and rows(ledger_engine) == before
    monkeypatch.setenv("CANBAO_CLOCK", "2020-03-12T10:00:00")
    assert confirm(ledger_url, 3, "--refuse", "--note", "材料不符") == 0
    refused = json.loads(capsys.readouterr().out)["state"]
    assert (refused["enrolled"], refused["proof_refused"], refused["refund_fen"]) == (False, True, PART)

    with ledger_engine.connect() as conn:
        facts = load_facts(conn, C)
    for day in (date(2020, 3, 4), date(2020, 3, 5), date(2020, 3, 9), date(2020, 3, 10), date(2020, 3, 11),
                date(2020, 3, 12)):
        people = campaign_state(c, facts, day).people.set_index("id_number")
        for i, paid in PAID.items():
            want = _oracle(paid, DECISIONS.get(i), day)
            got = people.loc[pid(i)]
            assert (bool(got["enrolled"]), bool(got["needs_proof"]), int(got["overpaid_fen"])) == (
                want["enrolled"], want["waiting"], want["refund"]), (i, day)
            assert (None if pd.isna(got["enrolled_on"]) else got["enrolled_on"].date()) == want["enrolled_on"]
            assert (None if pd.isna(got["benefit_start"]) else got["benefit_start"].date()) == want["start"]
        fig = campaign_figures(c, facts, day).units.set_index("code").loc[VILLAGE]
        waiting = sum(bool(_oracle(p, DECISIONS.get(i), day)["waiting"]) for i, p in PAID.items())
        enrolled = sum(bool(_oracle(p, DECISIONS.get(i), day)["enrolled"]) for i, p in PAID.items())
        assert (int(fig["enrolled"]), int(fig["proof_pending"])) == (enrolled, waiting), day
        assert int(build_report(facts, c, day).units.set_index("code").at[VILLAGE, "enrolled"]) == enrolled

    with ledger_engine.connect() as conn:
        early = cleanup_items(c, load_cleanup(conn, c, date(2020, 3, 9)))
        late = cleanup_items(c, load_cleanup(conn, c, date(2020, 3, 12)))
    assert sorted(early.loc[early["item"] == "proof_pending", "id_number"]) == [pid(2), pid(3), pid(4)]
    assert not early["item"].isin(["unpaid", "overpaid"]).any()  # they paid: nothing to chase but the proof
    assert late[["item", "id_number", "refund_fen"]].values.tolist() == [["proof_refused", pid(3), PART]]
    assert cli_main(["figures", "--campaign", C, "--as-of", "2020-03-09", "--database", ledger_url]) == 0
    village = {u["code"]: u for u in json.loads(capsys.readouterr().out)["units"]}[VILLAGE]
    assert (village["enrolled"], village["proof_pending"]) == (1, 3)


@pytest.mark.parametrize(("args", "says"), [
    (["--proof", "出国务工"], "不属于通知列明的情形"),
    ([], "须注明证明材料"),
    (["--proof", PROOF, "--on", "2020-04-01"], "晚于今天"),
])
def test_the_cli_refuses_bad_input_with_one_chinese_line(ledger_engine: Engine, ledger_url: str, args: list[str],
                                                        says: str, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    ledger(ledger_engine, {2: MID})
    monkeypatch.setenv("CANBAO_CLOCK", "2020-03-10T15:00:00")
    assert confirm(ledger_url, 2, *args) == 2
    out = capsys.readouterr()
    assert out.out == "" and says in out.err and len(out.err.strip().splitlines()) == 1
    assert confirm(ledger_url, 9, "--proof", PROOF) == 2  # not registered in the campaign
    assert "未在kaijiang-2020参保登记" in capsys.readouterr().err and rows(ledger_engine) == []


HEADER = ["身份证号码", "姓名", "审核结果", "证明材料", "审核人", "审核日期", "备注"]


def _write(inbox: Path, name: str, lines: list[list[str]]) -> None:
    folder = inbox / "proof"
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(lines, columns=HEADER).to_csv(folder / name, index=False, encoding="utf-8")


def _take_in(engine: Engine, inbox: Path, now: datetime) -> pd.DataFrame:
    c = load_campaign(C)
    with engine.begin() as conn:
        seen = seen_hashes(conn, C)
        ctx = intake_context(conn, c, now.astimezone(UTC).date(), now)
        known = set(seen.loc[seen["source"] == "proof", "sha256"])
        return intake_batch(conn, "proof", scan_inbox(inbox, ["proof"]), ctx, seen=known).rejected


def test_a_confirmation_file_is_taken_in_with_bad_rows_rejected(ledger_engine: Engine, tmp_path: Path) -> None:
    ledger(ledger_engine, {5: MID, 6: MID, 7: MID})
    c = load_campaign(C)
    inbox = tmp_path / "inbox"
    _write(inbox, "城南社区证明材料审核.csv", [
        [pid(5), "王5", "通过", "与单位解除劳动关系", "李审核", "2020-03-06", ""],  # row 2: confirmed
        [pid(6), "王6", "不通过", "", "李审核", "2020-03-06", f"证件{pid(6)}不符"],  # row 3: refused (note masked)
        [pid(7), "王7", "待定", PROOF, "李审核", "2020-03-06", ""],  # row 4: no such decision
        [pid(7), "王7", "通过", "出国务工", "李审核", "2020-03-06", ""],  # row 5: not a reason the notice names
        [pid(8), "王8", "通过", "复员退伍", "李审核", "2020-03-06", ""],  # row 6: not registered
        [pid(7), "王7", "通过", PROOF, "", "2020-03-06", ""],  # row 7: no reviewer
        [pid(5), "王5", "通过", PROOF, "李审核", "2020-03-06", ""],  # row 8: the same person again
    ])
    rejected = _take_in(ledger_engine, inbox, at(date(2020, 3, 6), 10))
    assert rejected[["source_row", "column", "reason"]].values.tolist() == [
        [4, "decision", "proof_decision_unknown"], [5, "proof", "proof_kind_unknown"],
        [6, "id_number", "proof_not_registered"], [7, "reviewer", "reviewer_missing"],
        [8, "id_number", "proof_duplicate_row"]]
    assert set(rejected["source_file"]) == {"城南社区证明材料审核.csv"}
    stored = rows(ledger_engine)
    assert [(r["id_number"], r["decision"], r["proof"]) for r in stored] == [
        (pid(5), "confirmed", "与单位解除劳动关系"), (pid(6), "refused", None)]
    assert pid(6) not in (stored[1]["note"] or "") and stored[0]["import_id"] is not None

    with ledger_engine.connect() as conn:
        facts = load_facts(conn, C)
    for day in (date(2020, 3, 5), date(2020, 3, 6)):
        people = campaign_state(c, facts, day).people.set_index("id_number")
        for i, decision in [(5, ("confirmed", day.replace(day=6), day.replace(day=6))),
                            (6, ("refused", day.replace(day=6), day.replace(day=6))), (7, None)]:
            want = _oracle(MID, decision, day)
            got = people.loc[pid(i)]
            assert (bool(got["enrolled"]), bool(got["needs_proof"]), int(got["overpaid_fen"])) == (
                want["enrolled"], want["waiting"], want["refund"]), (i, day)

    # The same file again, and the same decisions re-sent under another name: nothing changes.
    assert _take_in(ledger_engine, inbox, at(date(2020, 3, 7))).empty
    shutil.copy(inbox / "proof" / "城南社区证明材料审核.csv", inbox / "proof" / "重报.csv")
    (inbox / "proof" / "城南社区证明材料审核.csv").unlink()
    _take_in(ledger_engine, inbox, at(date(2020, 3, 8)))
    assert rows(ledger_engine) == stored
    # A changed decision replaces the old one, audited with what it was.
    _write(inbox, "更正.csv", [[pid(6), "王6", "通过", "复员退伍", "李审核", "2020-03-09", ""]])
    _take_in(ledger_engine, inbox, at(date(2020, 3, 9), 10))
    with ledger_engine.connect() as conn:
        audit = conn.execute(select(Audit.before, Audit.after).where(
            Audit.table_name == "proof_confirmations")).all()
    assert [(a[0]["decision"], a[1]["decision"]) for a in audit] == [("refused", "confirmed")]


def test_a_decision_on_a_payment_that_needs_no_proof_changes_nothing() -> None:
    c = load_campaign(C)
    units = pd.DataFrame([("511723", "开江县", "county", None, None), (VILLAGE, "城南社区", "village", "511723", 1)],
                         columns=["code", "name", "level", "parent_code", "target"])
    regs = pd.DataFrame([{"id_number": pid(1), "unit_code": VILLAGE, "category": "resident", "tier": 1,
                          "channel": "service_window", "kind": "new", "registered_at": date(2019, 11, 1),
                          "birth_date": date(1985, 1, 1)}])
    pays = pd.DataFrame([{"channel": "service_window", "external_ref": "R1", "id_number": pid(1),
                          "unit_code": VILLAGE, "amount_fen": PART, "paid_on": date(2019, 11, 1)}])
    proofs = pd.DataFrame([{"id_number": pid(1), "decision": "refused", "proof": None, "reviewer": "李",
                            "decided_at": at(date(2019, 11, 2))}])
    got = campaign_state(c, make_facts(C, units, regs, pays, pd.DataFrame(), proofs=proofs),
                         date(2019, 12, 1)).people.iloc[0]
    assert bool(got["enrolled"]) and not bool(got["refused"]) and int(got["overpaid_fen"]) == 0


day_in = st.integers(0, 40).map(lambda n: date(2019, 12, 15) + timedelta(days=n))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(day_in, st.none() | st.tuples(st.sampled_from(["confirmed", "refused"]), day_in,
                                                       st.integers(0, 5))), min_size=1, max_size=6), day_in)
def test_the_state_matches_the_oracle(people: list, as_of: date) -> None:
    c = load_campaign(C)
    units = pd.DataFrame([("511723", "开江县", "county", None, None), (VILLAGE, "城南社区", "village", "511723", 6)],
                         columns=["code", "name", "level", "parent_code", "target"])
    regs, pays, proofs, decisions = [], [], [], {}
    for i, (paid, decision) in enumerate(people, start=1):
        regs.append({"id_number": pid(i), "unit_code": VILLAGE, "category": "resident", "tier": 1,
                     "channel": "service_window", "kind": "new", "registered_at": date(2019, 12, 1),
                     "birth_date": date(1985, 1, 1)})
        pays.append({"channel": "service_window", "external_ref": f"R{i}", "id_number": pid(i),
                     "unit_code": VILLAGE, "amount_fen": PART, "paid_on": paid})
        if decision is not None:
            kind, decided, delay = decision
            recorded = decided + timedelta(days=delay)
            decisions[i] = (kind, decided, recorded)
            proofs.append({"id_number": pid(i), "decision": kind, "proof": PROOF, "reviewer": "李",
                           "decided_at": at(decided, 10), "known_at": at(recorded, 11)})
    facts = make_facts(C, units, pd.DataFrame(regs), pd.DataFrame(pays),
                       pd.DataFrame(columns=["id_number", "exemption", "agency", "approved_at"]),
                       proofs=pd.DataFrame(proofs) if proofs else None)
    state = campaign_state(c, facts, as_of).people.set_index("id_number")
    for i, (paid, _) in enumerate(people, start=1):
        want = _oracle(paid, decisions.get(i), as_of)
        got = state.loc[pid(i)]
        assert (bool(got["enrolled"]), bool(got["needs_proof"]), int(got["overpaid_fen"])) == (
            want["enrolled"], want["waiting"], want["refund"]), (people[i - 1], as_of)
        assert (None if pd.isna(got["enrolled_on"]) else got["enrolled_on"].date()) == want["enrolled_on"]
        assert (None if pd.isna(got["benefit_start"]) else got["benefit_start"].date()) == want["start"]
