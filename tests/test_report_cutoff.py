"""A report's cut-off (canbao.reports.cutoff): the moment it is made on its own day, else the end of its day.

A yuzhong-2021 village (DOMAIN.md: tier-1 individual part 280 yuan): one resident registered and paid on
2020-11-08 and imported that day; a second registered on 11-08, paid 280 yuan on 11-09 and was imported at 03:15
on 11-09. A report made at 03:18 on 11-09 counts both; a report for 11-08 made then counts the first only.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from report_data import CAMPAIGN, write_campaign
from sqlalchemy import Engine

from canbao import clock
from canbao.clock import SHANGHAI
from canbao.identity import make_id
from canbao.ledger.bulk import upsert
from canbao.ledger.schema import PAYMENT_KEY, Enrollment, Import, Payment, Resident
from canbao.policy.load import load_campaign
from canbao.reports.cutoff import cutoff_text, report_cutoff
from canbao.reports.progress import build_report
from canbao.reports.snapshot import from_content, load_snapshot, save_snapshot, to_content
from canbao.reports.weekly_workbook import write_weekly_workbook
from canbao.state import Facts, load_facts, make_facts

VILLAGE = "5001030101"
UNITS = pd.DataFrame([("500103", "渝中区", "county", None, None), ("50010301", "七星岗街道", "town", "500103", 4),
                      (VILLAGE, "金汤街社区", "village", "50010301", 4)],
                     columns=["code", "name", "level", "parent_code", "target"])
TODAY, YESTERDAY = date(2020, 11, 9), date(2020, 11, 8)
IMPORTED = datetime(2020, 11, 9, 3, 15, tzinfo=SHANGHAI)
MADE = datetime(2020, 11, 9, 3, 18, 40, tzinfo=SHANGHAI)
END_OF_YESTERDAY = datetime(2020, 11, 9, 0, 0, tzinfo=SHANGHAI)  # 11-08 24时, written out (the oracle)


def _facts() -> Facts:
    first, second = (make_id("500103", date(1980, 1, 1), i) for i in (1, 2))
    known = [datetime(2020, 11, 8, 10, tzinfo=SHANGHAI), IMPORTED]
    regs = pd.DataFrame([{"id_number": pid, "unit_code": VILLAGE, "category": "resident", "tier": 1,
                          "channel": "service_window", "kind": "renewal", "birth_date": date(1980, 1, 1),
                          "registered_at": YESTERDAY, "known_at": when}
                         for pid, when in zip((first, second), known)])
    pays = pd.DataFrame([{"channel": "service_window", "external_ref": f"R{k}", "id_number": pid,
                          "unit_code": VILLAGE, "amount_fen": 28000, "paid_on": day, "known_at": when}
                         for k, (pid, day, when) in enumerate(zip((first, second), (YESTERDAY, TODAY), known))])
    return make_facts("yuzhong-2021", UNITS, regs, pays, pd.DataFrame(
        columns=["id_number", "exemption", "agency", "approved_at", "known_at"]))


def _enrolled(as_of: date, cutoff: datetime) -> int:
    report = build_report(_facts(), load_campaign("yuzhong-2021"), as_of, cutoff)
    return int(report.county["enrolled"])


def test_a_report_made_on_its_day_stands_at_the_moment_it_is_made(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(clock.CLOCK_ENV, "2020-11-09T03:18:40")
    cut = report_cutoff(TODAY, clock.now())
    assert cut == MADE
    assert _enrolled(TODAY, cut) == 2  # the 03:15 import counts
    assert _enrolled(TODAY, datetime(2020, 11, 9, 3, tzinfo=SHANGHAI)) == 1  # what the whole-hour cut showed


def test_a_report_for_yesterday_counts_nothing_imported_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(clock.CLOCK_ENV, "2020-11-09T03:18:40")
    cut = report_cutoff(YESTERDAY, clock.now())
    assert cut == END_OF_YESTERDAY
    assert _enrolled(YESTERDAY, cut) == 1


def test_the_day_is_shanghais_whatever_the_zone_of_the_clock() -> None:
    utc = datetime(2020, 11, 8, 19, 18, 40, tzinfo=UTC)  # still 11-08 in UTC, 03:18:40 on 11-09 in Shanghai
    assert report_cutoff(TODAY, utc) == MADE
    assert report_cutoff(YESTERDAY, utc) == END_OF_YESTERDAY


def test_a_report_for_a_day_to_come_stands_at_now_and_says_so() -> None:
    cut = report_cutoff(date(2020, 11, 16), MADE)
    assert cut == MADE and cutoff_text(date(2020, 11, 16), cut) == "2020年11月9日3时18分"


@pytest.mark.parametrize(("as_of", "cut", "text", "hour"), [
    (TODAY, MADE, "2020年11月9日3时18分", 3),
    (TODAY, datetime(2020, 11, 9, 9, tzinfo=SHANGHAI), "2020年11月9日9时", 9),
    (YESTERDAY, END_OF_YESTERDAY, "2020年11月8日24时", 24),
    (TODAY, datetime(2020, 11, 9, 0, 5, tzinfo=SHANGHAI), "2020年11月9日0时5分", 0),
])
def test_cutoff_text_names_the_moment_and_keeps_the_hour_readable(as_of: date, cut: datetime, text: str,
                                                                  hour: int) -> None:
    assert cutoff_text(as_of, cut) == text
    assert int(re.search(r"日(\d+)时", text).group(1)) == hour  # how tests/test_consistency.py reads cell A2


def test_the_snapshot_keeps_the_moment_and_reads_old_whole_hours() -> None:
    report = build_report(_facts(), load_campaign("yuzhong-2021"), TODAY, MADE)
    content = to_content(report)
    assert content["cutoff"] == "2020-11-09T03:18:40+08:00" and from_content(content).cutoff == MADE
    old = {k: v for k, v in content.items() if k != "cutoff"} | {"cutoff_hour": 9}
    assert from_content(old).cutoff == datetime(2020, 11, 9, 9, tzinfo=SHANGHAI)
    assert from_content(old).cutoff_text == "2020年11月9日9时"


def test_the_workbook_states_the_minute_in_a2(tmp_path: Path) -> None:
    report = build_report(_facts(), load_campaign("yuzhong-2021"), TODAY, MADE)
    a2 = load_workbook(write_weekly_workbook(tmp_path / "w.xlsx", report)).worksheets[0]["A2"].value
    assert a2.startswith("截至2020年11月9日3时18分")


def test_the_ledger_keeps_the_moment_of_a_stored_report(ledger_engine: Engine) -> None:
    write_campaign(ledger_engine, seed=7)
    c = load_campaign(CAMPAIGN)
    with ledger_engine.begin() as conn:
        report = build_report(load_facts(conn, c.id), c, TODAY, MADE)
        sha, _ = save_snapshot(conn, report, config_sha256=None, now=MADE)
    with ledger_engine.connect() as conn:
        stored = load_snapshot(conn, CAMPAIGN, TODAY, sha)
    assert stored is not None and stored.cutoff == MADE and stored.cutoff_text == "2020年11月9日3时18分"


def _import_at_0315(engine: Engine) -> None:
    """One more resident, registered on 11-08 and paid 280 yuan on 11-09, imported at 03:15 on 11-09."""
    pid = make_id("500103", date(1985, 5, 5), 991)
    with engine.begin() as conn:
        upsert(conn, Import, [{"id": 2, "campaign_id": CAMPAIGN, "source": "service_window", "file_name": "0315.xlsx",
                               "sha256": "2" * 64, "rows_total": 1, "rows_accepted": 1, "rows_rejected": 0,
                               "imported_at": IMPORTED}], keys=["id"])
        upsert(conn, Resident, [{"id_number": pid, "name": "周明", "sex": "M", "birth_date": date(1985, 5, 5)}],
               keys=["id_number"])
        upsert(conn, Enrollment, [{"campaign_id": CAMPAIGN, "id_number": pid, "unit_code": VILLAGE,
                                   "category": "resident", "tier": 1, "channel": "service_window", "kind": "renewal",
                                   "registered_at": YESTERDAY, "import_id": 2, "source_row": 1}],
               keys=["campaign_id", "id_number"])
        upsert(conn, Payment, [{"campaign_id": CAMPAIGN, "channel": "service_window", "external_ref": "R0315",
                                "id_number": pid, "unit_code": VILLAGE, "amount_fen": 28000, "paid_on": TODAY,
                                "import_id": 2, "source_row": 1}], keys=PAYMENT_KEY)


def test_an_import_at_0315_counts_in_the_report_at_0318_through_the_ledger(ledger_engine: Engine) -> None:
    write_campaign(ledger_engine, seed=7)
    c = load_campaign(CAMPAIGN)

    def county(as_of: date, cutoff: datetime) -> tuple[int, int]:
        with ledger_engine.connect() as conn:
            row = build_report(load_facts(conn, c.id), c, as_of, cutoff).county
        return int(row["registered"]), int(row["enrolled"])

    before_today, before_yesterday = county(TODAY, MADE), county(YESTERDAY, END_OF_YESTERDAY)
    _import_at_0315(ledger_engine)
    registered, enrolled = before_today
    assert county(TODAY, report_cutoff(TODAY, MADE)) == (registered + 1, enrolled + 1)
    assert county(TODAY, datetime(2020, 11, 9, 3, tzinfo=SHANGHAI)) == before_today  # the old whole-hour cut
    assert county(YESTERDAY, report_cutoff(YESTERDAY, MADE)) == before_yesterday
