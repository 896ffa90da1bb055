from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from canbao.policy.calendar import ADJUST_RULES, CalendarYearMissing, WorkCalendar

CAL = WorkCalendar()


@pytest.mark.parametrize("day", range(1, 8))
def test_national_day_2019_is_a_holiday(day: int) -> None:
    assert not CAL.is_workday(date(2019, 10, day))


@pytest.mark.parametrize(
    "d",
    [
        date(2019, 9, 29),  # Sunday, adjusted working day for National Day
        date(2019, 10, 12),  # Saturday, adjusted working day for National Day
        date(2020, 1, 19),  # Sunday, adjusted working day before Spring Festival
        date(2019, 12, 20),  # Friday
        date(2020, 6, 30),  # Tuesday
        date(2021, 6, 30),  # Wednesday
    ],
)
def test_workdays(d: date) -> None:
    assert CAL.is_workday(d)


def test_new_year_2020_and_plain_weekend_are_not_workdays() -> None:
    assert not CAL.is_workday(date(2020, 1, 1))
    assert not CAL.is_workday(date(2019, 12, 21))  # Saturday


def test_overrides_win() -> None:
    cal = WorkCalendar(
        extra_holidays=frozenset({date(2020, 6, 30)}), extra_workdays=frozenset({date(2019, 10, 1)})
    )
    assert not cal.is_workday(date(2020, 6, 30))
    assert cal.is_workday(date(2019, 10, 1))
    assert cal.is_workday(datetime(2019, 10, 1, 9, 30))


def test_overrides_accept_lists_and_reject_conflicts() -> None:
    cal = WorkCalendar(extra_holidays=[date(2020, 6, 30)])  # type: ignore[arg-type]
    assert cal.extra_holidays == frozenset({date(2020, 6, 30)})
    assert hash(cal) == hash(WorkCalendar(extra_holidays=frozenset({date(2020, 6, 30)})))
    with pytest.raises(ValueError, match="both"):
        WorkCalendar(
            extra_holidays=frozenset({date(2020, 1, 2)}), extra_workdays=frozenset({date(2020, 1, 2)})
        )


def test_adjust() -> None:
    assert ADJUST_RULES == ("none", "next_working_day", "previous_working_day")
    assert CAL.adjust(date(2019, 10, 1), "none") == date(2019, 10, 1)
    assert CAL.adjust(date(2019, 10, 1), "next_working_day") == date(2019, 10, 8)
    assert CAL.adjust(date(2019, 10, 1), "previous_working_day") == date(2019, 9, 30)
    assert CAL.adjust(date(2019, 9, 29), "next_working_day") == date(2019, 9, 29)
    with pytest.raises(ValueError, match="adjust rule"):
        CAL.adjust(date(2019, 10, 1), "following")


def test_add_working_days() -> None:
    assert CAL.add_working_days(date(2019, 9, 30), 1) == date(2019, 10, 8)
    assert CAL.add_working_days(date(2019, 9, 28), 1) == date(2019, 9, 29)
    assert CAL.add_working_days(date(2019, 10, 8), -1) == date(2019, 9, 30)
    assert CAL.add_working_days(date(2019, 10, 8), -2) == date(2019, 9, 29)
    assert CAL.add_working_days(date(2019, 10, 5), 0) == date(2019, 10, 5)


def test_working_days_between() -> None:
    # (2019-09-30, 2019-10-12]: 8, 9, 10, 11 and the adjusted Saturday 12 October.
    assert CAL.working_days_between(date(2019, 9, 30), date(2019, 10, 12)) == 5
    assert CAL.working_days_between(date(2019, 9, 28), date(2019, 9, 29)) == 1
    assert CAL.working_days_between(date(2019, 10, 12), date(2019, 10, 12)) == 0
    assert CAL.working_days_between(date(2019, 10, 12), date(2019, 9, 30)) == 0


def test_2026_is_covered_2027_is_not() -> None:
    assert CAL.is_workday(date(2026, 12, 31))
    with pytest.raises(CalendarYearMissing, match="2027") as error:
        CAL.is_workday(date(2027, 3, 1))
    assert isinstance(error.value, ValueError)
    assert error.value.year == 2027
    assert "holidays" in str(error.value) and "workdays" in str(error.value)
    with pytest.raises(CalendarYearMissing):
        CAL.add_working_days(date(2026, 12, 31), 2)


def test_2027_falls_back_to_weekdays_when_config_gives_dates() -> None:
    cal = WorkCalendar(
        extra_holidays=frozenset({date(2027, 1, 1)}), extra_workdays=frozenset({date(2027, 2, 6)})
    )
    assert not cal.is_workday(date(2027, 1, 1))  # Friday, configured holiday
    assert cal.is_workday(date(2027, 2, 6))  # Saturday, configured workday
    assert not cal.is_workday(date(2027, 1, 2))  # Saturday
    assert cal.is_workday(date(2027, 1, 4))  # Monday
    assert cal.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert cal.working_days_between(date(2027, 1, 1), date(2027, 1, 1) + timedelta(days=7)) == 5
    with pytest.raises(CalendarYearMissing, match="2028"):
        cal.is_workday(date(2028, 1, 3))
