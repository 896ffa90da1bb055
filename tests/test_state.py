"""The one state of a resident (canbao.state) on a hand-built yuzhong-2021 ledger, against an independent oracle.

Figures from DOMAIN.md (渝中区 2021): individual part 280 yuan (tier 1) or 655 (tier 2); 特困 fully
subsidised; 低保 280 yuan towards it (assumed), so a tier-1 低保 resident owes nothing and is enrolled.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from canbao.cleanup.lists import cleanup_items
from canbao.cleanup.load import load_cleanup
from canbao.cli import main as cli_main
from canbao.identity import make_id
from canbao.intake.settle import settle_campaign
from canbao.ledger.bulk import upsert
from canbao.ledger.schema import Campaign, Enrollment, Exemption, Import, Payment, Resident, Unit
from canbao.policy.load import load_campaign
from canbao.reports.posting import posting_rows
from canbao.reports.progress import build_report
from canbao.settlement.people import load_settlement
from canbao.settlement.statements import build_statements
from canbao.state import campaign_figures, campaign_state, load_facts, make_facts

C = "yuzhong-2021"
VILLAGE = "5001030101"
UNITS = [("500103", "渝中区", "county", None, None), ("50010301", "七星岗街道", "town", "500103", 4),
         (VILLAGE, "金汤街社区", "village", "50010301", 4)]
INDIVIDUAL = {1: 28000, 2: 65500}  # fen, DOMAIN.md yuzhong-2021
SUBSIDY = {None: 0, "tekun": None, "dibao": 28000}  # None: the whole individual part


def at(d: date, hour: int = 9) -> datetime:
    return datetime(d.year, d.month, d.day, hour, tzinfo=UTC) - timedelta(hours=8)  # Shanghai hour


def pid(i: int) -> str:
    return make_id("500103", date(1980, 1, 1), i)


def ledger(engine: Engine) -> None:
    """Four residents: a tier-1 低保 (subsidy approved 10-05), a payer (paid 11-10), a tier-2 低保 who paid 280
    (owes 375), a registration dated 10-01 but imported on 11-20."""
    c = load_campaign(C)
    with engine.begin() as conn:
        upsert(conn, Campaign, [{"id": C, "locality": "渝中区", "insurance_year": 2021, "config_sha256": "0" * 64,
                                 "opened_at": at(date(2020, 9, 1))}], keys=["id"])
        upsert(conn, Unit, [{"campaign_id": C, "code": a, "name": b, "level": lv, "parent_code": p, "target": t}
                            for a, b, lv, p, t in UNITS], keys=["campaign_id", "code"])
        upsert(conn, Import, [{"id": k, "campaign_id": C, "source": s, "file_name": f"{k}.xlsx", "sha256": str(k) * 64,
                               "rows_total": 1, "rows_accepted": 1, "rows_rejected": 0, "imported_at": when}
                              for k, s, when in [(1, "roster", at(date(2020, 10, 1))),
                                                 (2, "roster", at(date(2020, 11, 20))),
                                                 (3, "exemption", at(date(2020, 10, 2))),
                                                 (4, "service_window", at(date(2020, 11, 10)))]], keys=["id"])
        upsert(conn, Resident, [{"id_number": pid(i), "name": f"张{i}", "sex": "M", "birth_date": date(1980, 1, 1)}
                                for i in (1, 2, 3, 4)], keys=["id_number"])
        upsert(conn, Enrollment, [{"campaign_id": C, "id_number": pid(i), "unit_code": VILLAGE, "category": "resident",
                                   "tier": tier, "channel": "service_window", "kind": "renewal",
                                   "registered_at": date(2020, 10, 1), "import_id": imp, "source_row": i}
                                  for i, tier, imp in [(1, 1, 1), (2, 1, 1), (3, 2, 1), (4, 1, 2)]],
               keys=["campaign_id", "id_number"])
        upsert(conn, Exemption, [{"campaign_id": C, "id_number": pid(i), "category": "dibao",
                                  "agency": "medical_insurance", "source_list": "l.xlsx",
                                  "approved_at": at(date(2020, 10, 5)), "import_id": 3}
                                 for i in (1, 3)], keys=["campaign_id", "id_number"])
        upsert(conn, Payment, [{"campaign_id": C, "channel": "service_window", "external_ref": f"R{i}",
                                "id_number": pid(i), "unit_code": VILLAGE, "amount_fen": 28000, "paid_on": day,
                                "import_id": 4, "source_row": i}
                               for i, day in [(2, date(2020, 11, 10)), (3, date(2020, 11, 10))]],
               keys=["campaign_id", "channel", "external_ref"])
    assert c.id == C


def test_state_as_of_each_date(ledger_engine: Engine) -> None:
    ledger(ledger_engine)
    c = load_campaign(C)
    with ledger_engine.connect() as conn:
        facts = load_facts(conn, C)

    def people(day: date) -> pd.DataFrame:
        return campaign_state(c, facts, day).people.set_index("id_number")

    before = people(date(2020, 10, 4))  # the subsidy is approved on 10-05: not yet in effect
    assert set(before.index) == {pid(1), pid(2), pid(3)} and not before["enrolled"].any()
    on = people(date(2020, 11, 9))  # the payment of 11-10 does not count yet; imported 11-20: not known
    assert bool(on.at[pid(1), "covered"]) and bool(on.at[pid(1), "enrolled"])
    assert on.at[pid(1), "enrolled_on"] == pd.Timestamp(2020, 10, 5)
    assert on.at[pid(1), "benefit_start"] == pd.Timestamp(2021, 1, 1)  # paid within the period (一(一), assumed)
    assert not on.at[pid(2), "enrolled"] and pid(4) not in on.index
    after = people(date(2020, 11, 30))
    assert bool(after.at[pid(2), "paid_full"]) and after.at[pid(2), "benefit_start"] == pd.Timestamp(2021, 1, 1)
    assert bool(after.at[pid(3), "paid_part"]) and not after.at[pid(3), "enrolled"]  # 655 − 280 = 375 owed
    assert after.at[pid(3), "resident_due_fen"] == 37500 and pid(4) in after.index
    fig = campaign_figures(c, facts, date(2020, 11, 30)).units.set_index("code")
    assert fig.loc[VILLAGE, ["registered", "paid", "paid_part", "covered", "enrolled"]].tolist() == [4, 1, 1, 1, 2]
    assert fig.loc["500103", "basis"] == "towns_and_schools" and fig.loc[VILLAGE, "rate"] == 0.5


def test_the_dibao_resident_is_enrolled_in_every_output(ledger_engine: Engine, ledger_url: str,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    ledger(ledger_engine)
    c = load_campaign(C)
    day = date(2020, 11, 30)
    with ledger_engine.begin() as conn:
        facts = load_facts(conn, C)
        settled = settle_campaign(conn, c, day)
        statements = build_statements(c, load_settlement(conn, c, day), day)
        items = cleanup_items(c, load_cleanup(conn, c, day))
    starts = settled.enrollments.set_index("id_number")["benefit_start"]
    assert starts[pid(1)] == pd.Timestamp(2021, 1, 1) and pd.isna(starts[pid(3)])
    assert dict(zip(settled.payments["external_ref"], settled.payments["status"])) == {"R2": "matched",
                                                                                      "R3": "underpaid"}
    report = build_report(facts, c, day).units.set_index("code")
    assert report.loc[VILLAGE, ["exempt", "paid", "enrolled"]].tolist() == [1, 1, 2]
    posted = posting_rows(c, campaign_state(c, facts, day))
    assert list(posted["参保方式"]) == ["政府资助", "个人缴费"]
    assert int(statements.categories["enrolled"].sum()) == 2
    assert int(statements.on_behalf.set_index("exemption").at["dibao", "persons"]) == 1
    assert pid(1) not in set(items["id_number"]) and set(items.loc[items["item"] == "underpaid", "id_number"]) == {
        pid(3)}
    assert cli_main(["figures", "--campaign", C, "--as-of", "2020-11-30", "--database", ledger_url]) == 0
    printed = {u["code"]: u for u in json.loads(capsys.readouterr().out)["units"]}
    assert (printed[VILLAGE]["subsidy_covered"], printed[VILLAGE]["enrolled"], printed[VILLAGE]["rate_pct"]) == (
        1, 2, "50.00")
    assert printed["500103"]["rate_label"] == "参保率（分母：各乡镇（街道）和学校目标任务之和）"


def _oracle(tier: int, exemption: str | None, approved: int, payments: list[tuple[int, int]], as_of: int) -> bool:
    """Enrolled as of day `as_of` (days after 2020-10-01), by the notice's arithmetic."""
    in_effect = exemption if exemption is not None and approved <= as_of else None
    subsidy = SUBSIDY[in_effect]
    owed = 0 if subsidy is None else max(INDIVIDUAL[tier] - subsidy, 0)
    if in_effect is not None and owed == 0:
        return True
    made = sorted((d, i, amount) for i, (d, amount) in enumerate(payments) if d <= as_of)
    return bool(made) and made[0][2] >= owed


person = st.tuples(st.sampled_from([1, 2]), st.sampled_from([None, "tekun", "dibao"]), st.integers(0, 60),
                   st.lists(st.tuples(st.integers(0, 60), st.sampled_from([14000, 28000, 37500, 65500])), max_size=2),
                   st.integers(0, 40))


@settings(max_examples=60, deadline=None)
@given(st.lists(person, min_size=1, max_size=8), st.integers(0, 70))
def test_enrolled_matches_the_oracle(people: list, as_of: int) -> None:
    c = load_campaign(C)
    start = date(2020, 10, 1)
    regs, pays, lists = [], [], []
    for i, (tier, exemption, approved, payments, registered) in enumerate(people):
        regs.append({"id_number": pid(i + 1), "unit_code": VILLAGE, "category": "resident", "tier": tier,
                     "channel": "service_window", "kind": "renewal", "registered_at": start + timedelta(registered),
                     "birth_date": date(1980, 1, 1)})
        pays += [{"channel": "service_window", "external_ref": f"R{i}-{k}", "id_number": pid(i + 1),
                  "unit_code": VILLAGE, "amount_fen": amount, "paid_on": start + timedelta(d)}
                 for k, (d, amount) in enumerate(payments)]
        if exemption:
            lists.append({"id_number": pid(i + 1), "exemption": exemption, "agency": "medical_insurance",
                          "approved_at": at(start + timedelta(approved))})
    units = pd.DataFrame(UNITS, columns=["code", "name", "level", "parent_code", "target"])
    facts = make_facts(C, units, pd.DataFrame(regs), pd.DataFrame(pays, columns=["channel", "external_ref",
                       "id_number", "unit_code", "amount_fen", "paid_on"]), pd.DataFrame(lists))
    state = campaign_state(c, facts, start + timedelta(as_of)).people.set_index("id_number")
    for i, (tier, exemption, approved, payments, registered) in enumerate(people):
        if registered > as_of:
            assert pid(i + 1) not in state.index
            continue
        expected = _oracle(tier, exemption, approved, payments, as_of)
        assert bool(state.at[pid(i + 1), "enrolled"]) == expected, (people[i], as_of)
        assert pd.notna(state.at[pid(i + 1), "benefit_start"]) == expected
