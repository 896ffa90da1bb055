"""The day each row of an inbox file happens: its registration, payment, deposit or death date, or birth."""

from __future__ import annotations

from datetime import date

import pandas as pd

from canbao.formats.dates import parse_dates
from canbao.formats.sources import SOURCES
from canbao.identity import check_ids

__all__ = ["DATE_COLUMNS", "birth_days", "row_days"]

# The column saying when a row happens, per source (the readers' canonical names, canbao.formats.sources):
# registration, payment, cash deposit, death. Targets, last year's list and the agencies' exemption lists
# describe the campaign rather than its days and are never held back.
DATE_COLUMNS: dict[str, str] = {"roster": "registered_on", "cash_deposit": "deposited_on", "deceased": "died_on"} | {
    code: "paid_on" for code, spec in SOURCES.items() if spec.kind == "payment"}


def birth_days(ids: pd.Series) -> pd.Series:
    """The birth day an ID number carries (as `canbao.identity.check_ids` reads it; births after today count:
    they are what is held back), NaT where there is none."""
    births = check_ids(ids, today=date.max)["birth_date"]
    return pd.Series(births.to_numpy(dtype="datetime64[ns]"), index=ids.index).dt.normalize()


def row_days(frame: pd.DataFrame, column: str) -> pd.Series:
    """Per row of a read file (`canbao.formats.read`), the day it happens: its `column` date, or the birth day
    of its ID number when that is later (no one registers or pays before being born); NaT if it has no date."""
    day = parse_dates(frame[column])[0].dt.normalize()
    if "id_number" in frame:
        born = birth_days(frame["id_number"])
        day = day.where(~(born > day), born)
    return day
