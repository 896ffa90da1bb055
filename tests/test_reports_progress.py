"""The weekly report's numbers against independent counts straight from the ledger (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pandas as pd
import pytest
from report_data import CAMPAIGN, UNITS, independent_counts, write_campaign
from sqlalchemy import Engine

from canbao.clock import SHANGHAI
from canbao.policy.load import load_campaign
from canbao.reports.forecast import damped, final_rate, linear
from canbao.reports.progress import build_report
from canbao.reports.snapshot import from_content, load_snapshot, save_snapshot, to_content
from canbao.reports.table import forecasts, level_table, pct, totals_row
from canbao.reports.weekly import reporting_dates
from canbao.state import load_facts

DAYS = [date(2020, 10, 12), date(2020, 11, 9), date(2020, 12, 20)]
PARENT = {code: parent for code, _, _, parent, _ in UNITS}


@pytest.fixture
def ledger(ledger_engine: Engine) -> Engine:
    write_campaign(ledger_engine, seed=7)
    return ledger_engine


def _report(engine: Engine, day: date):
    c = load_campaign(CAMPAIGN)
    with engine.connect() as conn:
        return build_report(load_facts(conn, c.id), c, day)


@pytest.mark.parametrize("day", DAYS)
def test_counts_match_independent_sql_counts(ledger: Engine, day: date) -> None:
    units = _report(ledger, day).units.set_index("code")
    expected = independent_counts(ledger, CAMPAIGN, day)
    last_week = independent_counts(ledger, CAMPAIGN, day - timedelta(days=7))
    for code, counts in expected.items():
        for column in ("registered", "paid", "exempt", "enrolled", "special_target", "special_enrolled"):
            assert units.at[code, column] == counts[column], (code, column)
        assert units.at[code, "enrolled_last_week"] == last_week[code]["enrolled"]


def test_targets_roll_up_and_rates_are_exact(ledger: Engine) -> None:
    r = _report(ledger, DAYS[1])
    units = r.units.set_index("code")
    assert units.at["50010302", "target"] == 85  # no own target: its villages' 45 + 40
    assert units.at["50010301", "target"] == 60  # its own, not its villages' 65
    assert units.at["500103", "target"] == 145 and pd.isna(units.at["50010390", "target"])
    towns = level_table(r, "town")
    assert all(rate == Fraction(int(n), int(t)) for rate, n, t in zip(towns["rate"], towns["enrolled"],
                                                                        towns["target"]))
    total = totals_row(towns, r)
    assert total["enrolled"] == towns["enrolled"].sum() and total["rate"] == Fraction(int(total["enrolled"]), 145)
    assert r.pace(date(2020, 9, 1)) == Fraction(1, 111) and r.pace(date(2021, 1, 1)) == 1
    assert list(towns["below_pace"]) == [rate < r.pace() for rate in towns["rate"]]


def test_weekly_series_counts_enrolled_at_each_reporting_date(ledger: Engine) -> None:
    r = _report(ledger, DAYS[1])
    assert list(r.series.columns) == reporting_dates(date(2020, 9, 1), DAYS[1])
    for day in list(r.series.columns)[-3:]:
        expected = independent_counts(ledger, CAMPAIGN, day)
        assert {c: int(r.series.at[c, day]) for c in PARENT} == {c: expected[c]["enrolled"] for c in PARENT}


def test_rank_ties_share_a_place_and_pct_rounds_half_up(ledger: Engine) -> None:
    villages = level_table(_report(ledger, DAYS[2]), "village")
    rates = list(villages["rate"])
    assert list(villages["rank"]) == [1 + sum(o > v for o in rates) for v in rates]
    assert pct(Fraction(1, 8)) == Decimal("12.50") and pct(Fraction(2, 3)) == Decimal("66.67")
    assert pct(Fraction(1, 200000)) == Decimal("0.00") and pct(Fraction(1, 40000)) == Decimal("0.00")
    assert pct(Fraction(5, 100000)) == Decimal("0.01")


def test_snapshot_reproduces_the_report_after_the_ledger_moves_on(ledger: Engine) -> None:
    r = _report(ledger, DAYS[1])
    content = to_content(r)
    assert to_content(from_content(content)) == content
    with ledger.begin() as conn:
        sha, _ = save_snapshot(conn, r, config_sha256=None, now=datetime(2020, 11, 9, 9, tzinfo=SHANGHAI))
        save_snapshot(conn, r, config_sha256=None, now=datetime(2020, 11, 9, 10, tzinfo=SHANGHAI))  # no-op
    write_campaign(ledger, seed=8, n=260)  # more registrations and payments arrive, some backdated
    moved = _report(ledger, DAYS[1])
    assert not moved.units.equals(r.units)
    with ledger.connect() as conn:
        stored = load_snapshot(conn, CAMPAIGN, DAYS[1], sha[:12])
        assert load_snapshot(conn, CAMPAIGN, DAYS[0]) is None
    assert stored is not None and to_content(stored) == content
    assert "id_number" not in str(content) and all(len(str(u["code"])) < 18 for u in content["units"])


def test_forecast_methods() -> None:
    start, end = date(2020, 9, 1), date(2020, 12, 20)
    weeks = [date(2020, 10, 5) + timedelta(days=7 * i) for i in range(5)]
    steady = [(d, Decimal("0.1") * i) for i, d in enumerate(weeks, start=1)]
    assert abs(linear(steady, start, end) - (Decimal("0.5") + Decimal("0.1") * 48 / 7)) < Decimal("1e-20")
    slowing = [(d, v) for d, v in zip(weeks, map(Decimal, ("0.40", "0.60", "0.70", "0.75", "0.775")))]
    guess = damped(slowing, start, end)
    assert Decimal("0.775") < guess < Decimal("0.81")  # increments halve: at most 0.025 more
    assert damped(slowing[:3], start, end) == linear(slowing[:3], start, end)
    enrolled = [(d, v * Decimal("0.5")) for d, v in slowing]
    piped = final_rate(enrolled, slowing, Decimal("0.9"), start, end)
    assert piped == guess * Decimal("0.9")  # registrations expected by the end × the paid share
    assert final_rate(enrolled, slowing, Decimal("0.9"), start, end, "damped") == max(
        damped(enrolled, start, end), enrolled[-1][1])
    assert final_rate([(end, Decimal("0.9"))], [(end, Decimal("1"))], Decimal(1), start, end) == Decimal("0.9")
    falling = [(d, Decimal("0.5") - Decimal("0.01") * i) for i, d in enumerate(weeks)]
    assert final_rate(falling, falling, Decimal(1), start, end) == falling[-1][1]  # never below today's rate
    assert final_rate([], [], Decimal(1), start, end) is None


def test_forecast_uses_each_units_paid_share(ledger: Engine) -> None:
    r = _report(ledger, DAYS[1])
    guesses = forecasts(r)
    county = r.county
    overall = Decimal(int(county["cohort_enrolled"])) / Decimal(int(county["cohort_registered"]))
    for u in r.level("town").itertuples():
        share = (Decimal(int(u.cohort_enrolled)) / Decimal(int(u.cohort_registered))
                 if u.cohort_registered >= 20 else overall)
        whole = Decimal(int(u.target))
        enrolled = [(d, Decimal(int(n)) / whole) for d, n in r.series.loc[u.code].items()]
        registered = [(d, Decimal(int(n)) / whole) for d, n in r.registered_series.loc[u.code].items()]
        expected = final_rate(enrolled, registered, share, r.period_start, r.period_end)
        assert pct(guesses[u.code], 4) == pct(expected, 4)
        assert guesses[u.code] >= Fraction(int(u.enrolled), int(u.target))
    end = _report(ledger, date(2020, 12, 20))
    assert pct(forecasts(end)["50010301"]) == pct(Fraction(int(end.units.set_index("code").at["50010301",
                                                                                             "enrolled"]), 60))
