"""The live demo's past, taken in as it would have arrived: each week's rows in the ledger before its weekly report."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import Engine, func, select

from canbao.clock import SHANGHAI
from canbao.intake.campaign import open_campaign
from canbao.intake.inbox import INTAKE_ORDER, archive, survey_inbox
from canbao.intake.pipeline import take_in_sources
from canbao.ledger.schema import Import
from canbao.live.hold import day_file, split_files, split_inbox
from canbao.policy.model import Campaign
from canbao.reports.schedules import weekly_runs

__all__ = ["HISTORY_TIME", "Step", "history_days", "take_in_history", "take_in_inbox"]

HISTORY_TIME = time(8, 0)  # each past weekly report day: the files are in an hour before the report runs


@dataclass(frozen=True)
class Step:
    """One day's intake: the files and rows read, and each refused row as (source, file, row, reason)."""

    day: date
    files: int
    rows: int
    refused: tuple[tuple[str, str, int, str], ...] = ()


def history_days(c: Campaign, today: date) -> list[date]:
    """The campaign's weekly report days before `today` (its first from the reporting window's start)."""
    first = weekly_runs(c)[0].date()
    return [first + timedelta(weeks=n) for n in range(max(0, (today - first).days // 7 + 1))
            if first + timedelta(weeks=n) < today]


def _has_history(engine: Engine, campaign_id: str) -> bool:
    with engine.connect() as conn:
        return bool(conn.execute(select(func.count()).select_from(Import)
                                 .where(Import.campaign_id == campaign_id)).scalar_one())


def take_in_inbox(engine: Engine, c: Campaign, inbox: Path, day: date, at: time = HISTORY_TIME) -> Step:
    """Every file of the intake's sources in `inbox` taken in as at `at` on `day` (files seen before skipped),
    then archived to `processed/` as the registration flow does; the agencies' exemption lists stay (their own
    flow takes them in). The registration flow's steps without Prefect, matching and reports aside."""
    moment = datetime.combine(day, at, SHANGHAI)
    with engine.begin() as conn:
        open_campaign(conn, c, moment)
    survey = survey_inbox(inbox, list(INTAKE_ORDER))
    rows, refused = 0, []
    for batch in take_in_sources(engine, c, survey.files, day, moment):
        rows += batch.rows
        refused += [(batch.source, str(r.source_file), int(r.source_row), str(r.reason))
                    for r in batch.rejected.itertuples()]
    for f in survey.files:
        archive(f, inbox)
    return Step(day, len(survey.files), rows, tuple(refused))


def take_in_history(engine: Engine, c: Campaign, inbox: Path, later: Path, today: date) -> list[Step]:
    """Split a freshly generated `inbox` and fill a ledger that knows nothing of `c` with its past: on each
    weekly report day before `today` the rows that happened since the one before are taken in at HISTORY_TIME,
    so each week's report sees what a county taking its files in weekly would have known; the rows since the
    last of those days wait in the inbox for the registration flow, later ones in `later`.

    A ledger already holding imports of `c` gets no history (the inbox is only split at `today`)."""
    days = history_days(c, today)
    if not days or _has_history(engine, c.id):
        split_inbox(inbox, later, today)
        return []
    weeks = inbox.parent / "history"
    shutil.rmtree(weeks, ignore_errors=True)
    def place(relative: Path, day: date) -> Path:  # a name of its own per week: a file's name is its identity
        week = _week_of(day, days, today)
        return weeks / week.isoformat() / day_file(relative, week)

    split_files(inbox, today, place, later)
    steps = []
    for day in [*days, today]:
        for src in sorted(p for p in (weeks / day.isoformat()).rglob("*") if p.is_file()):
            target = inbox / src.relative_to(weeks / day.isoformat())
            target.parent.mkdir(parents=True, exist_ok=True)
            src.replace(target)
        if day < today:
            steps.append(take_in_inbox(engine, c, inbox, day))
    shutil.rmtree(weeks)
    return steps


def _week_of(day: date, days: list[date], today: date) -> date:
    """The replay day a row of `day` is taken in on: the first of `days` not before it, else `today`."""
    return next((d for d in days if d >= day), today)
