"""Past campaigns' schedules moved by whole weeks: on every day of a year each declared schedule has a run within
the horizon of Prefect's scheduler, judged by Prefect's own schedule code (the oracle), weekday and hour kept."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import yaml
from prefect.server.schemas.schedules import CronSchedule, RRuleSchedule
from prefect_stack import ROOT

from canbao.policy.shift import SCHEDULER_HORIZON, rrule_into_horizon, shift_rrule, weeks_until

SHANGHAI = ZoneInfo("Asia/Shanghai")
DECLARED = [(d["name"], s) for d in yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))["deployments"]
            for s in d.get("schedules") or []]
# 2027-12-01 .. 2028-11-30: a whole year, 29 February included; at the schedules' own minute and just before midnight
MOMENTS = [datetime.combine(date(2027, 12, 1) + timedelta(days=n), at)
           for n in range(366) for at in (time(8, 30), time(9, 0), time(23, 59))]


def _first_runs(schedule: RRuleSchedule | CronSchedule, local_now: datetime) -> list[datetime]:
    start = local_now.replace(tzinfo=SHANGHAI)
    return list(schedule._get_dates_generator(n=3, start=start, end=start + SCHEDULER_HORIZON))


def test_the_declared_schedules_are_the_ones_checked() -> None:
    kinds = {name.rsplit("-", 2)[0] for name, _ in DECLARED}
    assert kinds == {"weekly-report", "roster-posting", "deadline", "exemption-handoff"}
    assert sum("rrule" in s for _, s in DECLARED) == 11  # 5 weekly, 1 monthly, 5 daily handoff windows


@pytest.mark.parametrize(("name", "declared"), DECLARED, ids=[n for n, _ in DECLARED])
def test_every_day_of_a_year_each_schedule_has_a_run_within_the_horizon(name: str, declared: dict) -> None:
    tz = declared["timezone"]
    original = list(RRuleSchedule(rrule=declared["rrule"], timezone=tz)._get_dates_generator(
        n=3, start=datetime(2000, 1, 1, tzinfo=SHANGHAI))) if "rrule" in declared else None
    for moment in MOMENTS:
        if "cron" in declared:
            runs = _first_runs(CronSchedule(cron=declared["cron"], timezone=tz), moment)
        else:
            runs = _first_runs(RRuleSchedule(rrule=rrule_into_horizon(declared["rrule"], moment), timezone=tz), moment)
        assert runs, (name, moment)
        first = runs[0].astimezone(SHANGHAI).replace(tzinfo=None)
        assert moment <= first <= moment + SCHEDULER_HORIZON, (name, moment, first)
        if original is None:
            continue
        assert first > moment  # the shifted rules never start at a run already due
        assert {r.astimezone(SHANGHAI).time() for r in runs} == {original[0].time()}, (name, moment)
        if "WEEKLY" in declared["rrule"]:
            assert {r.weekday() for r in runs} == {original[0].weekday()}, (name, moment)
            assert first <= moment + timedelta(weeks=1)
        elif "DAILY" in declared["rrule"]:
            assert first <= moment + timedelta(weeks=1) and len(runs) == 3
        else:  # month ends
            assert all(r.day == calendar.monthrange(r.year, r.month)[1] for r in runs), (name, moment)


def test_weeks_until_lands_on_the_same_weekday_at_or_after() -> None:
    friday = date(2019, 11, 8)
    assert weeks_until(friday, date(2026, 11, 27)) == 368  # 2026-11-27 is a Friday too, 2,576 days later
    for offset in range(-20, 21):
        moment = date(2026, 11, 27) + timedelta(days=offset)
        moved = friday + timedelta(weeks=weeks_until(friday, moment))
        assert moved.weekday() == friday.weekday() and 0 <= (moved - moment).days < 7


def test_shift_rrule_moves_every_stamp_and_nothing_else() -> None:
    rule = "DTSTART:20191107T083000\nRRULE:FREQ=DAILY;UNTIL=20191125T083000"
    assert shift_rrule(rule, 2) == "DTSTART:20191121T083000\nRRULE:FREQ=DAILY;UNTIL=20191209T083000"
    assert shift_rrule(rule, -1) == "DTSTART:20191031T083000\nRRULE:FREQ=DAILY;UNTIL=20191118T083000"
    assert rrule_into_horizon(rule, datetime(2026, 11, 27, 14, 0)) == \
        "DTSTART:20261203T083000\nRRULE:FREQ=DAILY;UNTIL=20261221T083000"  # Thursday, as 2019-11-07 was
    # a run due at this very minute is already gone: the next week's
    assert rrule_into_horizon(rule, datetime(2026, 12, 3, 8, 30)).startswith("DTSTART:20261210T083000")
