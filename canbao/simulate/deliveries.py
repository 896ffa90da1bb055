"""A generated inbox cut into deliveries: reference files first, agency lists on their date, rows by week."""

from __future__ import annotations

import csv
import shutil
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from canbao.formats.amounts import parse_dates
from canbao.formats.read import find_header, read_source
from canbao.formats.sources import source_spec
from canbao.formats.tables import read_grid
from canbao.intake.inbox import scan_inbox
from canbao.policy.model import Campaign

__all__ = ["DATE_COLUMNS", "REFERENCE_SOURCES", "Delivery", "block_end", "split_inbox", "week_end"]

REFERENCE_SOURCES = ("targets", "last_year_roster", "deceased")  # known before the campaign starts
DATE_COLUMNS = {"roster": "registered_on", "school": "paid_on", "bank_deduction": "paid_on",
                "self_service_terminal": "paid_on", "tax_app": "paid_on", "bank_counter": "paid_on",
                "service_window": "paid_on", "village_cash": "paid_on", "cash_deposit": "deposited_on"}


@dataclass
class Delivery:
    """Files that arrive together on one day, in their own inbox folder."""

    day: date
    folder: Path
    sources: set[str] = field(default_factory=set)


def week_end(day: date) -> date:
    """The Sunday that closes the week of `day` (files of a week arrive together on its Sunday)."""
    return day + timedelta(days=6 - day.weekday())


def block_end(day: date, start: date, weeks: int) -> date:
    """The Sunday closing the block of `weeks` weeks (counted from the week of `start`) that holds `day`."""
    first = week_end(start)
    blocks = -(-max((day - first).days, 0) // (7 * weeks))
    return first + timedelta(weeks=weeks * blocks)


def _list_days(c: Campaign) -> dict[str, date]:
    """Each agency's exemption-list deadline (the earliest, where it has several)."""
    days: dict[str, date] = {}
    for d in c.deadlines:
        if d.kind == "exemption_list" and d.date is not None:
            days[d.owner] = min(days.get(d.owner, d.date), d.date)
    return days


def _rows_by_week(path: Path, source: str, c: Campaign, start: date, weeks: int
                  ) -> tuple[list[list[str]], dict[date, list[list[str]]]]:
    """The file's banner and header rows, and its data rows grouped by the block of weeks of their date."""
    grid = read_grid(path)
    header, _ = find_header(grid, source_spec(source).headers)
    frame = read_source(path, source, campaign=c)
    days, bad = parse_dates(frame[DATE_COLUMNS[source]])
    ends = pd.Series([block_end(d.date(), start, weeks) if not b else None for d, b in zip(days, bad)],
                     index=frame.index)
    first = ends.dropna().min() if ends.notna().any() else week_end(start)
    grouped: dict[date, list[list[str]]] = {}
    for row, week in zip(frame["source_row"], ends.fillna(first)):
        grouped.setdefault(week, []).append(grid[int(row) - 1])
    return grid[: header + 1], grouped


def _write(path: Path, top: list[list[str]], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows([*top, *rows])


def split_inbox(c: Campaign, inbox: Path, out: Path, start: date, weeks: int = 1) -> list[Delivery]:
    """Cut `inbox` into dated delivery folders under `out`, in date order.

    Reference sources arrive on `start`; each agency's exemption list on its list deadline (else on
    `start`); every other file's rows by the week (ending Sunday; or block of `weeks` weeks) of their
    registration, payment or deposit date, as a CSV named after the original and the week. A row keeps
    its text exactly.
    """
    deliveries: dict[date, Delivery] = {}

    def target(day: date, source: str) -> Path:
        found = deliveries.setdefault(day, Delivery(day, out / day.isoformat()))
        found.sources.add(source)
        return found.folder / source

    list_days = _list_days(c)
    lists = inbox / "exemption"
    for path in sorted(lists.rglob("*")) if lists.is_dir() else []:
        if path.is_file() and not path.name.startswith((".", "~$")):
            agency = path.relative_to(lists).parts[0]
            folder = target(max(start, list_days.get(agency, start)), "exemption") / agency
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, folder / path.name)
    for f in scan_inbox(inbox):
        if f.source in REFERENCE_SOURCES:
            folder = target(start, f.source)
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copy2(f.path, folder / f.path.name)
            continue
        top, blocks = _rows_by_week(f.path, f.source, c, start, weeks)
        for week, rows in sorted(blocks.items()):
            _write(target(week, f.source) / f"{f.path.stem}_{week.isoformat()}.csv", top, rows)
    return [deliveries[d] for d in sorted(deliveries)]
