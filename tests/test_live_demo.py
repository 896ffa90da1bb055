"""The live demo: kaijiang-2020 moved by whole weeks to run on a given day (injected, never today's date).

Oracles are independent of the code under test: the source YAML walked in parallel with the moved one (every
date moved by the same whole weeks), chinese-calendar on the source day (working days kept), Prefect's own
schedule code (the next run after "now"), the notice's dates from the shipped config, and for the held-back rows
a date read off each cell by a regular expression and the generator's manifest (rows per file)."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from prefect.server.schemas.schedules import RRuleSchedule
from sqlalchemy import Engine

from canbao.formats.read import read_source
from canbao.live import LiveDemo, clock_lag_weeks, live_schedules, live_weeks, move_config, prepare_live, take_in_inbox
from canbao.policy.calendar import WorkCalendar
from canbao.policy.load import SHIPPED_CONFIG_DIR, load_campaign, read_raw
from canbao.policy.model import Campaign
from canbao.reports.progress import build_report
from canbao.reports.table import forecasts
from canbao.state import load_facts

SHANGHAI = ZoneInfo("Asia/Shanghai")
SOURCE_PATH = SHIPPED_CONFIG_DIR / "kaijiang-2020.yaml"
SOURCE, RAW = load_campaign(SOURCE_PATH), read_raw(SOURCE_PATH)
# Monday, Thursday to Sunday, New Year's Eve and Day, 29 February and the day after, a Spring Festival week, 2030
DAYS = [date(2026, 11, 23) + timedelta(days=n) for n in (0, 3, 4, 5, 6)] + [
    date(2026, 12, 31), date(2027, 1, 1), date(2028, 2, 29), date(2028, 3, 1), date(2027, 2, 8), date(2030, 6, 15)]
EXEMPTION_LISTS_DUE = date(2019, 10, 31)  # a Thursday: the four agencies' lists (configs/kaijiang-2020.yaml)


def _pairs(source: Any, moved: Any) -> list[tuple[date, date]]:
    """(source date, moved date) at every place of the tree (holidays/workdays aside: they are rebuilt)."""
    if isinstance(source, dict):
        return [p for k, v in source.items() if k not in ("holidays", "workdays") for p in _pairs(v, moved[k])]
    if isinstance(source, list):
        assert len(source) == len(moved)
        return [p for a, b in zip(source, moved, strict=True) for p in _pairs(a, b)]
    return [(source, moved)] if isinstance(source, date) else []


@pytest.fixture(scope="module", params=DAYS, ids=[d.isoformat() for d in DAYS])
def moved(request: pytest.FixtureRequest) -> tuple[date, int, dict[str, Any], Campaign]:
    today = request.param
    weeks = live_weeks(RAW, SOURCE, today)
    tree = move_config(RAW, SOURCE, weeks)
    return today, weeks, tree, Campaign.model_validate(tree)


def test_every_date_moves_by_the_same_whole_weeks_weekday_kept(moved) -> None:
    _, weeks, tree, _ = moved
    pairs = _pairs(RAW, tree)
    assert len(pairs) > 20
    assert {(b - a).days for a, b in pairs} == {7 * weeks}
    assert all(a.weekday() == b.weekday() for a, b in pairs)
    assert tree["campaign"]["id"] == "kaijiang-2020"  # the ledger key stays
    # the insurance year moves with the dates (half a year either way at most)
    year_moved = date(tree["campaign"]["insurance_year"], 1, 1) - date(2020, 1, 1)
    assert abs(year_moved.days - 7 * weeks) <= 183


def test_registration_is_under_way_and_a_deadline_approaches(moved) -> None:
    today, weeks, _, c = moved
    registration = next(p for p in c.phases if p.code == "registration_payment")
    assert registration.start <= today <= registration.end
    lists_due = EXEMPTION_LISTS_DUE + timedelta(weeks=weeks)
    if today.weekday() <= 3:  # Monday to Thursday: the Thursday lists are 3 working days away or fewer
        assert lists_due - today == timedelta(days=3 - today.weekday())
    dated = [d.date for d in c.deadlines if d.date] + [d.end for d in c.deadlines if d.end]
    assert any(today <= d <= today + timedelta(days=7) for d in dated)  # something due in the coming week


def test_the_moved_calendar_works_when_the_source_did_and_never_raises(moved) -> None:
    _, weeks, _, c = moved
    cal = WorkCalendar(frozenset(c.holidays), frozenset(c.workdays))
    start, end = c.campaign.window_start - timedelta(days=60), c.campaign.window_end + timedelta(days=60)
    for n in range((end - start).days + 1):
        day = start + timedelta(days=n)
        assert cal.is_workday(day) == chinese_calendar.is_workday(day - timedelta(weeks=weeks)), day


def test_each_schedule_runs_within_days_of_now_at_its_weekday_and_hour(moved) -> None:
    today, _, _, c = moved
    now = datetime.combine(today, time(14, 0), tzinfo=SHANGHAI)
    limits = {"weekly-report": 7, "exemption-handoff": 1, "roster-posting": 31, "live-release": 1}
    rules = live_schedules(c)
    assert len(rules) == 4
    for name, rule in rules.items():
        runs = list(RRuleSchedule(rrule=rule, timezone="Asia/Shanghai")._get_dates_generator(n=1, start=now))
        assert runs, (name, today)
        first = runs[0].astimezone(SHANGHAI)
        kind = name.split("/")[0]
        assert now < first <= now + timedelta(days=limits[kind]), (name, first)
        if kind == "weekly-report":
            assert (first.weekday(), first.hour) == (0, 9)
        elif kind == "exemption-handoff":
            assert (first.hour, first.minute) == (8, 30)
        elif kind == "live-release":  # a day's rows are in before anything runs that day
            assert (first.hour, first.minute) == (0, 5)
        else:
            assert ((first + timedelta(days=1)).day, first.hour) == (1, 18)


def test_a_pinned_clock_moves_the_schedules_by_the_weeks_it_lags() -> None:
    pinned = datetime(2019, 12, 2, 8, 30, tzinfo=SHANGHAI)
    assert clock_lag_weeks(pinned, pinned) == 0
    assert clock_lag_weeks(pinned, datetime(2026, 11, 30, 8, 30, tzinfo=SHANGHAI)) == 365  # 2,555 days
    c = Campaign.model_validate(move_config(RAW, SOURCE, 5))
    lagged = live_schedules(c, 365)["weekly-report/weekly-report-kaijiang-2020"]
    assert lagged.startswith("DTSTART:20261005T090000")  # 2019-09-02 + 370 weeks, a Monday


def test_prepare_writes_every_config_and_keeps_the_demo_while_registration_lasts(tmp_path: Path,
                                                                                sqlite_ledger: Engine) -> None:
    ledger_engine = sqlite_ledger
    today = date(2026, 11, 30)
    demo = prepare_live("kaijiang-2020", tmp_path, today, scale=0.0005, seed=3, ledger=ledger_engine)
    configs = sorted(p.name for p in Path(demo.config_dir).glob("*.yaml"))
    assert configs == sorted(p.name for p in SHIPPED_CONFIG_DIR.glob("*.yaml"))
    assert (Path(demo.config_dir) / "haimen-2020.yaml").read_bytes() == \
        (SHIPPED_CONFIG_DIR / "haimen-2020.yaml").read_bytes()
    assert Path(demo.config_path).read_text(encoding="utf-8").startswith("# Live demo:")
    c = load_campaign(demo.config_path)
    assert c.campaign.window_start == date(2019, 9, 1) + timedelta(weeks=demo.weeks)
    manifest = Path(demo.inbox).parent / "manifest.json"
    stamp = manifest.stat().st_mtime_ns
    _check_held_back(demo, today)

    # The weekly report at bring-up: the past weeks were taken in week by week, so the trajectory rises week
    # after week and the forecast stays within 100% (taken in all at once it read over 200%).
    rate, forecast, registered = _county(ledger_engine, c, today)
    assert registered == sorted(registered) and len(set(registered) - {0}) >= 4
    assert 0 < rate <= forecast <= 1
    # The registration run of the day takes in the rows since the last weekly report day: none refused for a
    # day still to come (a birth, a registration or a payment after today).
    step = take_in_inbox(ledger_engine, c, Path(demo.inbox), today, time(10, 0))
    assert step.rows > 0
    assert [r for r in step.refused if _refused_day(Path(demo.inbox), *r[:3]) > today] == []
    rate2, forecast2, _ = _county(ledger_engine, c, today)
    assert rate < rate2 <= forecast2 <= 1

    week = today + timedelta(days=7)
    again = prepare_live("kaijiang-2020", tmp_path, week, scale=0.0005, seed=3, ledger=ledger_engine)
    assert again == demo and manifest.stat().st_mtime_ns == stamp  # same county: the ledger sees the same files
    _check_held_back(demo, week)  # with the week's rows released into the inbox


def _county(engine: Engine, c: Campaign, day: date) -> tuple[Fraction, Fraction, list[int]]:
    """The county's rate (enrolled / target), its forecast and its weekly registered counts as of `day`."""
    with engine.connect() as conn:
        report = build_report(load_facts(conn, c.id), c, day)
    code = report.county["code"]
    forecast = forecasts(report)[code]
    assert forecast is not None
    rate = Fraction(int(report.county["enrolled"]), int(report.county["target"]))
    return rate, forecast, [int(n) for n in report.registered_series.loc[code]]


def _refused_day(inbox: Path, source: str, name: str, row: int) -> date:
    """The day a refused row happens by the oracle (read back from the file the flow archived)."""
    path = next((inbox / "processed" / source).rglob(name))
    frame = read_source(path, source).set_index("source_row")
    column = {"roster": "registered_on", "cash_deposit": "deposited_on", "deceased": "died_on"}.get(source, "paid_on")
    number = frame.at[row, "id_number"] if "id_number" in frame else None
    return _oracle_day(frame.at[row, column], number) or date.min


_DATE = re.compile(r"(\d{4})\D?(\d{2})\D?(\d{2})")


def _day(text: str | None) -> date | None:
    found = _DATE.search(text or "")
    try:
        return date(*map(int, found.groups())) if found else None
    except ValueError:  # an impossible day (an injected defect): no day
        return None


def _oracle_day(cell: str | None, number: str | None) -> date | None:
    """The date read off the cell, or the birth day of an 18-digit ID when later; None without a date."""
    on = _day(cell)
    born = _day(number[6:14]) if number and re.fullmatch(r"\d{17}[\dX]", number) else None
    return None if on is None else max(on, born or on)


def _late_rows(folder: Path, today: date) -> tuple[int, list[str]]:
    """Rows of the dated sources under `folder` (taken-in files under processed/ too), and those (file: ID)
    happening after `today` by the oracle."""
    columns = {"roster": "registered_on", "cash_deposit": "deposited_on", "deceased": "died_on"}
    count, late = 0, []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        parts = path.relative_to(folder).parts
        source = parts[1] if parts[0] == "processed" else parts[0]
        if source in ("targets", "last_year_roster", "exemption"):
            continue
        frame = read_source(path, source)
        numbers = frame["id_number"] if "id_number" in frame else [None] * len(frame)
        for cell, number in zip(frame[columns.get(source, "paid_on")], numbers, strict=True):
            count += 1
            on = _oracle_day(cell, number)
            if on is not None and on > today:
                late.append(f"{path.name}: {str(number)[:6]}")
    return count, late


def _check_held_back(demo: LiveDemo, today: date) -> None:
    """Nothing in the inbox happens after `today`, every held-back row does, and no generated row is lost."""
    inbox, later = Path(demo.inbox), Path(demo.later)
    manifest = json.loads((inbox.parent / "manifest.json").read_text(encoding="utf-8"))
    dated = sum(f["rows"] for f in manifest["files"]
                if f["source"] not in ("targets", "last_year_roster") and not f["path"].startswith("inbox/exemption"))
    now, late_now = _late_rows(inbox, today)
    held, early = _late_rows(later, today)
    assert late_now == []  # nothing dated after today in the inbox
    assert held > 0 and len(early) == held  # every held-back row happens after today
    assert now + held == dated  # and no row lost or doubled
