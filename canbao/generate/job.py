"""A file to write: its display frame (Chinese headers), how it looks, and what each row is."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from canbao.generate.layouts import Layout

__all__ = ["META_COLUMNS", "FileJob", "display", "fmt_dates", "meta"]

# Per written row: the person (-1 for none), its known outcome, repair, injected defect, and what it
# counts as (an enrollment, a payment, a failed bank deduction) with its amount.
META_COLUMNS = ["person", "outcome", "repaired", "defect", "enrolls", "pays", "failed", "amount_fen"]


@dataclass
class FileJob:
    """One inbox file: source, path under the output folder, rows, banners and format."""

    source: str
    path: str
    frame: pd.DataFrame
    meta: pd.DataFrame
    title: str | None = None
    notes: tuple[str, ...] = ()
    fen_columns: tuple[str, ...] = ()
    encoding: str | None = None  # a CSV's encoding; None writes .xlsx
    footers: tuple[str, ...] = ()  # lines below the table (合计, 填表人, 审核人 …), one blank row after it

    @property
    def banner_rows(self) -> int:
        """Rows above the header."""
        return int(self.title is not None) + len(self.notes)


def display(rows: pd.DataFrame, layout: Layout) -> pd.DataFrame:
    """The rows as the sender lays them out: Chinese headers in the sender's order."""
    return pd.DataFrame({header: rows[field].to_numpy() for header, field in layout})


def fmt_dates(values: pd.Series, pattern: str) -> pd.Series:
    """Datetimes as text in a sender's format (e.g. '%Y年%m月%d日')."""
    return pd.to_datetime(values).dt.strftime(pattern).astype(object)


def meta(rows: pd.DataFrame, *, enrolls: bool | pd.Series = False, pays: bool | pd.Series = False,
         failed: bool | pd.Series = False) -> pd.DataFrame:
    """Row metadata for the manifest from a frame with optional person/outcome/repaired/defect/amount_fen."""
    n = len(rows)

    def col(name: str, default: object) -> object:
        return rows[name].to_numpy() if name in rows else [default] * n

    def flag(value: bool | pd.Series) -> object:
        return value.to_numpy(dtype=bool) if isinstance(value, pd.Series) else [value] * n

    return pd.DataFrame({
        "person": col("person", -1), "outcome": col("outcome", None), "repaired": col("repaired", False),
        "defect": col("defect", None), "enrolls": flag(enrolls), "pays": flag(pays), "failed": flag(failed),
        "amount_fen": col("amount_fen", 0),
    }, index=range(n))
