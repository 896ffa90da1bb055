"""Raw cell grids from Excel and CSV files, every cell as the text a person sees."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta
from pathlib import Path

from python_calamine import CalamineWorkbook

__all__ = ["EXCEL_SUFFIXES", "cell_text", "detect_encoding", "read_grid"]

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


def cell_text(value: object) -> str:
    """One cell as text: integral numbers without '.0', dates in ISO form, blanks as ''."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d" if value.time() == time() else "%Y-%m-%d %H:%M:%S")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def detect_encoding(data: bytes) -> str:
    """'utf-8-sig' with a BOM, 'utf-8' when the bytes decode as such, else 'gb18030'."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def _excel_grid(path: Path) -> list[list[str]]:
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    # skip_empty_area=False keeps the grid anchored at A1, so list index + 1 is the Excel row number.
    rows = sheet.to_python(skip_empty_area=False)
    return [[c if type(c) is str else cell_text(c) for c in row] for row in rows]


def _csv_grid(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    text = data.decode(detect_encoding(data))
    return list(csv.reader(io.StringIO(text, newline="")))


def read_grid(path: Path) -> list[list[str]]:
    """Every row of the first sheet (or of the CSV) as text cells; row i is the file's row i + 1."""
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return _excel_grid(path)
    if suffix in (".csv", ".txt"):
        return _csv_grid(path)
    raise ValueError(f"{path.name}: unsupported file type '{path.suffix}' (expected .xlsx, .xls or .csv)")
