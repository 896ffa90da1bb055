"""What cannot be true of a row: a date far from the campaign, an amount no one pays, a silent transfer."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from canbao.money import fen
from canbao.policy.model import Campaign
from canbao.policy.window import payment_window

__all__ = ["ENROLLED_COLUMNS", "IntakeBounds", "amount_checks", "date_checks", "intake_bounds", "transfers"]

# The ledger's enrollments a registration is checked against: who, where, and the file that put them there.
ENROLLED_COLUMNS = ["id_number", "unit_code", "source", "file_name"]
Check = tuple[str, pd.Series]


@dataclass(frozen=True)
class IntakeBounds:
    """A campaign's plausible dates (`earliest`..`latest`), last accepted day, largest payment and transfer rule."""

    earliest: date
    last: date
    latest: date
    max_fen: int
    allow_transfers: bool


def intake_bounds(c: Campaign) -> IntakeBounds:
    """The bounds of `c`: its payment window widened by the configured margin, and `plausibility.max_amount`."""
    window, margin = payment_window(c), timedelta(days=c.plausibility.margin_days)
    return IntakeBounds(window.period_start - margin, window.last, window.last + margin,
                        fen(c.plausibility.max_amount), c.plausibility.allow_transfers)


def date_checks(dates: pd.Series, bounds: IntakeBounds, after_code: str | None) -> list[Check]:
    """Checks for parsed dates: outside `earliest..latest` is `date_implausible`; after `last`, `after_code`
    (None: a date after `last` within the margin is fine, e.g. a deposit of cash taken on the last day)."""
    day = pd.to_datetime(dates).dt.normalize()
    earliest, last, latest = (pd.Timestamp(d) for d in (bounds.earliest, bounds.last, bounds.latest))
    checks = [("date_implausible", (day < earliest) | (day > latest))]
    return checks if after_code is None else [*checks, (after_code, day > last)]


def amount_checks(amount_fen: pd.Series, bounds: IntakeBounds) -> list[Check]:
    """The check for parsed amounts: more than the configured maximum is `amount_implausible`."""
    return [("amount_implausible", amount_fen.astype("Int64") > bounds.max_fen)]


def transfers(rows: pd.DataFrame, enrolled: pd.DataFrame, source: str, incoming: Collection[str]) -> pd.Series:
    """Which registration rows would move a person enrolled in another unit (True: refuse as a transfer).

    `rows` carry id_number and unit_code; `enrolled` has ENROLLED_COLUMNS. An enrollment put there by a file
    this batch corrects (same source and file name among `incoming`) does not count: the correction wins.
    """
    kept = enrolled[~((enrolled["source"] == source) & enrolled["file_name"].isin(list(incoming)))]
    where = kept.drop_duplicates("id_number").set_index("id_number")["unit_code"]
    current = rows["id_number"].map(where)
    return (current.notna() & (current.astype("string") != rows["unit_code"].astype("string"))).astype(bool)
