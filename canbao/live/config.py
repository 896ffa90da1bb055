"""A campaign config moved by whole weeks: every date in it, its insurance year and its working-day calendar."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from canbao.live.calendar import moved_overrides
from canbao.policy.calendar import WorkCalendar
from canbao.policy.load import check_config, read_raw
from canbao.policy.model import Campaign

__all__ = ["MovedConfig", "move_config", "moved_years", "write_moved"]

# Keys holding calendar years (not dates): they move by the years the insurance year moves.
_YEAR_KEYS = ("insurance_year", "insured_years")


def moved_years(weeks: int) -> int:
    """Whole years the insurance year moves: the weeks in (mean Gregorian) years, rounded, so a campaign
    registering in the autumn before its insurance year still does (its benefit days move by the weeks)."""
    return round(weeks * 7 / 365.2425)


def _move(node: Any, weeks: int, years: int, key: str = "") -> Any:
    if isinstance(node, dict):
        return {k: _move(v, weeks, years, str(k)) for k, v in node.items()}
    if isinstance(node, list):
        return [_move(v, weeks, years, key) for v in node]
    if isinstance(node, date | datetime):  # datetime is a date
        return node + timedelta(weeks=weeks)
    if key in _YEAR_KEYS and isinstance(node, int) and not isinstance(node, bool):
        return node + years
    return node


class MovedConfig(dict[str, Any]):
    """The raw config tree of a moved campaign (what `write_moved` writes), with the weeks it moved by."""

    weeks: int = 0


def move_config(raw: dict[str, Any], source: Campaign, weeks: int) -> MovedConfig:
    """`raw` (the parsed YAML of `source`) with every date moved by `weeks` weeks, the insurance year (and
    `insured_years`) by the whole years that is (`moved_years`), and holidays/workdays listed for every year
    the moved dates reach so the moved calendar works on exactly the days the source one did."""
    years = moved_years(weeks)
    moved = MovedConfig(_move({k: v for k, v in raw.items() if k not in ("holidays", "workdays")}, weeks, years))
    moved.weeks = weeks
    dates = _dates(moved)
    span = range(min(dates).year - 1, max(dates).year + 2)  # a year's margin: deadlines adjust across it
    source_calendar = WorkCalendar(frozenset(source.holidays), frozenset(source.workdays))
    moved["holidays"], moved["workdays"] = moved_overrides(source_calendar, weeks, span)
    return moved


def _dates(node: Any) -> list[date]:
    if isinstance(node, dict):
        return [d for v in node.values() for d in _dates(v)]
    if isinstance(node, list):
        return [d for v in node for d in _dates(v)]
    return [node] if isinstance(node, date) else []


_HEADER = """# Live demo: configs/{stem}.yaml moved forward by {weeks} whole weeks ({shown}), written by `canbao live`.
# Every date moved by the same weeks (weekdays kept); campaign.id unchanged (the ledger key).
# insurance_year (and insured_years) moved by {years} year(s): the weeks in years, rounded; benefit-start dates
# moved by the weeks like every other date (so a fixed start day keeps its weekday, not its month and day).
# ASSUMED: holidays/workdays below are the source years' official holidays moved by the same weeks, listed
# for every year the moved dates reach (chinese-calendar has no data past 2026, and the real holidays of a
# future year are published only each November), so working-day counts are exactly those of the source.
"""


def write_moved(moved: MovedConfig, source_path: Path, out: Path) -> Path:
    """Write the moved config as `out/<stem>.yaml` and check that it loads; the path written."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / source_path.name
    years = moved["campaign"]["insurance_year"] - read_raw(source_path)["campaign"]["insurance_year"]
    header = _HEADER.format(stem=source_path.stem, weeks=moved.weeks, years=years,
                            shown=f"{moved['campaign']['window_start']} to {moved['campaign']['window_end']}")
    body = yaml.safe_dump(dict(moved), allow_unicode=True, sort_keys=False, width=120)
    path.write_text(header + body, encoding="utf-8")
    _, problems = check_config(path)
    if problems:
        raise ValueError("moved config does not load: " + "; ".join(problems))
    return path
