"""Writing Chinese-headed workbooks (xlsxwriter) and CSV files the way counties exchange them."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Literal

import pandas as pd
import xlsxwriter

from canbao.formats.protect import prepare_output
from canbao.formats.sheet import display_width, fen_text, write_sheet

__all__ = ["FIXED_CREATED", "display_width", "fen_text", "write_csv", "write_workbook"]

# Workbooks carry their creation time; a fixed one makes the same content give the same bytes.
FIXED_CREATED = datetime(2000, 1, 1)
_BIG = 1_000_000  # cells above which a workbook is streamed to disk (xlsxwriter constant_memory)


def write_workbook(path: Path, sheets: Mapping[str, pd.DataFrame], title: str | None = None,
                   notes: Iterable[str] | None = None, *, fen_columns: Iterable[str] = (),
                   created: datetime = FIXED_CREATED, footers: Mapping[str, Iterable[str]] | None = None) -> Path:
    """An .xlsx with one sheet per frame: title and note rows, bold frozen header, fitted widths; `footers`
    (sheet name → lines) are written one blank row below that sheet's table (signature lines, 盖章).

    Text cells (ID numbers included) are written as text, `fen_columns` (integer fen) and numeric
    columns named "…金额…" as yuan with the number format 0.00, datetime columns as dates.
    """
    path = prepare_output(path)
    streaming = sum(df.size for df in sheets.values()) > _BIG
    book = xlsxwriter.Workbook(str(path), {"constant_memory": streaming, "in_memory": not streaming,
                                           "strings_to_numbers": False, "strings_to_formulas": False,
                                           "strings_to_urls": False})
    book.set_properties({"created": created})
    formats = {
        "title": book.add_format({"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"}),
        "note": book.add_format({"font_color": "#595959"}),
        "header": book.add_format({"bold": True, "border": 1, "bg_color": "#DDEBF7", "align": "center"}),
        "money": book.add_format({"num_format": "0.00"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
    }
    banners = [(title, formats["title"])] if title else []
    banners += [(note, formats["note"]) for note in notes or []]
    for name, df in sheets.items():
        below = [(line, formats["note"]) for line in (footers or {}).get(name, [])]
        write_sheet(book.add_worksheet(name[:31]), df, banners, set(fen_columns), formats, streaming, below)
    book.close()
    return path


def write_csv(path: Path, df: pd.DataFrame, encoding: Literal["gb18030", "utf-8-sig", "utf-8"] = "gb18030", *,
              fen_columns: Iterable[str] = (), preamble: Iterable[str] = ()) -> Path:
    """A CSV (CRLF lines) in the given encoding; fen columns as yuan text, optional lines above the header."""
    path = prepare_output(path)
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
