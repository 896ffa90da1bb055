"""Writing Chinese-headed workbooks (xlsxwriter) and CSV files the way counties exchange them."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import xlsxwriter

__all__ = ["FIXED_CREATED", "display_width", "fen_text", "write_csv", "write_workbook"]

# Workbooks carry their creation time; a fixed one makes the same content give the same bytes.
FIXED_CREATED = datetime(2000, 1, 1)
_BIG = 1_000_000  # cells above which a sheet is streamed (xlsxwriter constant_memory)


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


def _banner(sheet: Any, row: int, last: int, text: str, fmt: Any) -> None:
    if last:
        sheet.merge_range(row, 0, row, last, text, fmt)
    else:
        sheet.write_string(row, 0, text, fmt)


def _sheet(book: xlsxwriter.Workbook, name: str, df: pd.DataFrame, title: str | None, notes: list[str],
           fen_columns: set[str], formats: Mapping[str, Any], streaming: bool) -> None:
    sheet = book.add_worksheet(name[:31])
    last = max(len(df.columns) - 1, 0)
    banners = [(title, formats["title"])] if title else []
    banners += [(note, formats["note"]) for note in notes]
    for row, (text, fmt) in enumerate(banners):
        _banner(sheet, row, last, text, fmt)
    row = len(banners)
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
    columns = [_values(df[c], c in fen_columns) for c in df.columns]
    first, text = row + 1, sheet.write_string
    if streaming:  # constant_memory: rows must be written in order
        for i, cells in enumerate(zip(*columns, strict=True) if columns else []):
            for j, value in enumerate(cells):
                if type(value) is str:
                    text(first + i, j, value)
                elif value is not None:
                    _put(sheet, first + i, j, value, writers[j])
    else:
        for j, values in enumerate(columns):
            for i, value in enumerate(values):
                if type(value) is str:
                    text(first + i, j, value)
                elif value is not None:
                    _put(sheet, first + i, j, value, writers[j])


def _put(sheet: Any, r: int, j: int, value: Any, writer: tuple[Callable[..., Any], Any]) -> None:
    if isinstance(value, bool | np.bool_):
        sheet.write_boolean(r, j, bool(value))
    else:
        write, fmt = writer
        if fmt is None:
            write(r, j, value)
        else:
            write(r, j, value, fmt)


def write_workbook(path: Path, sheets: Mapping[str, pd.DataFrame], title: str | None = None,
                   notes: Iterable[str] | None = None, *, fen_columns: Iterable[str] = (),
                   created: datetime = FIXED_CREATED) -> Path:
    """An .xlsx with one sheet per frame: title and note rows, bold frozen header, fitted widths.

    Text cells (ID numbers included) are written as text, `fen_columns` (integer fen) and numeric
    columns named "…金额…" as yuan with the number format 0.00, datetime columns as dates.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    streaming = sum(df.size for df in sheets.values()) > _BIG
    book = xlsxwriter.Workbook(str(path), {"constant_memory": streaming, "in_memory": not streaming,
                                           "strings_to_numbers": False, "strings_to_formulas": False,
                                           "strings_to_urls": False})
    book.set_properties({"created": created})
    formats = {
        "title": book.add_format({"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"}),
        "note": book.add_format({"font_color": "#595959", "text_wrap": False}),
        "header": book.add_format({"bold": True, "border": 1, "bg_color": "#DDEBF7", "align": "center"}),
        "money": book.add_format({"num_format": "0.00"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
    }
    for name, df in sheets.items():
        _sheet(book, name, df, title, list(notes or []), set(fen_columns), formats, streaming)
    book.close()
    return path


def write_csv(path: Path, df: pd.DataFrame, encoding: Literal["gb18030", "utf-8-sig", "utf-8"] = "gb18030", *,
              fen_columns: Iterable[str] = (), preamble: Iterable[str] = ()) -> Path:
    """A CSV (CRLF lines) in the given encoding; fen columns as yuan text, optional lines above the header."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    out = df.copy()
    for column in fen_columns:
        if column in out.columns:
            out[column] = fen_text(out[column])
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        for line in preamble:
            writer.writerow([line])
        out.to_csv(handle, index=False, lineterminator="\r\n")
    return path
