"""One worksheet written with xlsxwriter: banners, a frozen bold header, fitted widths, typed cells."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["display_width", "fen_text", "write_sheet"]


def display_width(text: str) -> int:
    """Columns a text takes on screen: CJK and other wide characters count 2."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def fen_text(fen: pd.Series) -> pd.Series:
    """Integer fen as yuan text with two decimals ('25000' -> '250.00'); NA stays NA."""
    values = fen.astype("Int64")
    absolute = values.abs()
    text = (absolute // 100).astype("str") + "." + (absolute % 100).astype("str").str.zfill(2)
    return text.where(values >= 0, "-" + text).where(values.notna(), None).astype("str")


def _width(header: str, column: pd.Series) -> int:
    sample = column.head(500).dropna().astype("str").drop_duplicates()
    widest = max((display_width(v) for v in sample), default=0)
    return min(max(display_width(header), widest) + 2, 60)


def _values(column: pd.Series, fen: bool) -> list[Any]:
    """A column as Python values for xlsxwriter, None for blanks; fen as yuan floats (display only)."""
    if fen:
        yuan = column.astype("Int64").to_numpy(dtype="float64", na_value=np.nan) / 100
        return [None if v != v else v for v in yuan.tolist()]
    if pd.api.types.is_datetime64_any_dtype(column):
        return [None if pd.isna(v) else v.to_pydatetime() for v in column]
    return column.astype(object).where(column.notna(), None).tolist()


def _put(sheet: Any, r: int, j: int, value: Any, writer: tuple[Callable[..., Any], Any]) -> None:
    if isinstance(value, bool | np.bool_):
        sheet.write_boolean(r, j, bool(value))
        return
    write, fmt = writer
    if fmt is None:
        write(r, j, value)
    else:
        write(r, j, value, fmt)


def _header(sheet: Any, df: pd.DataFrame, row: int, fen_columns: set[str],
            formats: Mapping[str, Any]) -> list[tuple[Callable[..., Any], Any]]:
    writers: list[tuple[Callable[..., Any], Any]] = []
    for j, column in enumerate(df.columns):
        values = df[column]
        money = column in fen_columns or ("金额" in str(column) and pd.api.types.is_numeric_dtype(values))
        dated = pd.api.types.is_datetime64_any_dtype(values)
        head = values.head(500)
        sheet.set_column(j, j, _width(str(column), fen_text(head) if column in fen_columns else head))
        fmt = formats["money"] if money else formats["date"] if dated else None
        writers.append((sheet.write_datetime if dated else sheet.write, fmt))
        sheet.write_string(row, j, str(column), formats["header"])
    sheet.freeze_panes(row + 1, 0)
    return writers


def write_sheet(sheet: Any, df: pd.DataFrame, banners: list[tuple[str, Any]], fen_columns: set[str],
                formats: Mapping[str, Any], streaming: bool, footers: list[tuple[str, Any]] | None = None) -> None:
    """Banner rows (merged across the table), the header, every cell, then footer lines (e.g. signatures)."""
    last = max(len(df.columns) - 1, 0)
    for row, (text, fmt) in enumerate(banners):
        if last:
            sheet.merge_range(row, 0, row, last, text, fmt)
        else:
            sheet.write_string(row, 0, text, fmt)
    writers = _header(sheet, df, len(banners), fen_columns, formats)
    columns = [_values(df[c], c in fen_columns) for c in df.columns]
    first, text = len(banners) + 1, sheet.write_string
    # Streaming sheets (xlsxwriter constant_memory) must be written row by row, others go faster by column.
    cells = (((i, j, v) for i, row in enumerate(zip(*columns, strict=True)) for j, v in enumerate(row))
             if streaming else ((i, j, v) for j, values in enumerate(columns) for i, v in enumerate(values)))
    for i, j, value in cells:
        if type(value) is str:
            text(first + i, j, value)
        elif value is not None:
            _put(sheet, first + i, j, value, writers[j])
    for k, (text_line, fmt) in enumerate(footers or []):
        sheet.write_string(first + len(df) + 1 + k, 0, text_line, fmt)
