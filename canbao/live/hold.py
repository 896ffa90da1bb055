"""A generated inbox split at a day: what has happened stays, later rows are held back and released day by day."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from canbao.formats.errors import FormatError
from canbao.formats.read import read_table
from canbao.live.rows import DATE_COLUMNS, row_days
from canbao.live.subsets import write_subsets

__all__ = ["HeldBack", "day_file", "release_due", "split_files", "split_inbox"]

_SPLITTABLE = (".csv", ".xlsx")


@dataclass(frozen=True)
class HeldBack:
    """What a split did: rows left (or released) in the inbox, rows held back, and the rows each later day has."""

    rows_now: int = 0
    rows_later: int = 0
    days: dict[date, int] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)  # the inbox files written (kept or released)


def day_file(relative: Path, day: date) -> Path:
    """The name a day's share of a held-back file gets in the inbox: the generator's name with the day appended."""
    return relative.with_name(f"{relative.stem}_{day:%Y%m%d}{relative.suffix}")


def split_files(folder: Path, today: date, now_path: Callable[[Path, date], Path], later: Path) -> HeldBack:
    """Every dated file under `folder` (rows as `row_days` dates them): rows happening by `today` to
    `now_path(relative, day)` (rows whose paths coincide share a file), later rows to `later/<relative>`; the
    file itself rewritten, left as it is when all its rows stay, or removed when none does."""
    days: dict[date, int] = {}
    files: list[Path] = []
    rows_now = rows_later = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder)
        column = DATE_COLUMNS.get(relative.parts[0])
        if column is None or path.suffix.lower() not in _SPLITTABLE:
            continue
        try:
            table = read_table(path, relative.parts[0])
        except FormatError:
            continue  # a broken file is the intake's to refuse, whole, as it stands
        rows, when = table.frame["source_row"], row_days(table.frame, column)
        due = (when.isna() | (when <= pd.Timestamp(today))).to_numpy(dtype=bool)
        for stamp, n in when[~due].dt.date.value_counts().items():
            days[stamp] = days.get(stamp, 0) + int(n)
        rows_now, rows_later = rows_now + int(due.sum()), rows_later + int((~due).sum())
        targets: dict[Path, list[int]] = {}
        for day, held in rows[due].groupby(when[due].dt.date.fillna(today).to_numpy()):
            targets.setdefault(now_path(relative, day), []).extend(held.tolist())
        if not due.all():
            targets[later / relative] = rows[~due].tolist()
        if list(targets) == [path]:
            continue  # every row stays where it is: the file is left as written
        write_subsets(path, table.sheet, table.header_row, table.footer_rows, list(targets.items()))
        files += [out for out in targets if not out.is_relative_to(later)]
        if path not in targets:
            path.unlink()
    return HeldBack(rows_now, rows_later, dict(sorted(days.items())), files)


def split_inbox(inbox: Path, later: Path, today: date) -> HeldBack:
    """Keep in `inbox` the rows that happen on or before `today` (`row_days`; rows without a date too) and
    hold each later row back in `later/<source>/<name>`, the same file with only those rows. A file with no
    row left is removed; files of undated sources, and files that cannot be read, stay whole."""
    return split_files(inbox, today, lambda relative, _: inbox / relative, later)


def release_due(later: Path, inbox: Path, today: date) -> HeldBack:
    """Move every held-back row happening by `today` into `inbox`, one new file per held-back file and day
    (`day_file`: days missed are caught up, each under its own name); the rest stays held back. Running it
    again the same day moves nothing."""
    if not later.is_dir():
        return HeldBack()
    held = split_files(later, today, lambda relative, day: inbox / day_file(relative, day), later)
    for folder in sorted((p for p in later.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    return held
