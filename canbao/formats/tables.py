"""Raw cell grids from Excel, CSV and HTML files, every cell as the text a person sees, within limits.

A file is read as what its bytes say it is (a CSV or an HTML page saved as .xls is read as such), after
its size and its sheet's extent are checked; every way a file can fail to read becomes a FormatError
with a file-level reason code. Only the failures a damaged file causes are caught here: anything else is
a bug and propagates.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
import zipfile
import zlib
from datetime import date, datetime, time, timedelta
from pathlib import Path

from python_calamine import (
    CalamineError,
    CalamineSheet,
    CalamineWorkbook,
    PasswordError,
    SheetTypeEnum,
    SheetVisibleEnum,
)

from canbao.formats.errors import FormatError
from canbao.formats.extent import sheet_extent
from canbao.formats.html_table import html_grid
from canbao.formats.sniff import sniff
from canbao.policy.limits import FileLimits

__all__ = ["EXCEL_SUFFIXES", "TEXT_SUFFIXES", "Sheet", "cell_text", "detect_encoding", "read_grid", "read_sheets"]

Sheet = tuple[str | None, list[list[str]]]  # (sheet name, None for CSV and HTML; its rows)

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
TEXT_SUFFIXES = (".csv", ".txt")
_DEFAULT = FileLimits()
_MB = 1 << 20


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
    """'utf-8-sig' with a BOM, 'utf-16' with its BOM, 'utf-8' when the bytes decode as such, else 'gb18030'."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def _too_big(what: str, found: int, limit: int) -> FormatError:
    reason, unit = {"rows": ("file_too_many_rows", "行"), "columns": ("file_too_many_columns", "列"),
                    "cells": ("file_too_many_cells", "个单元格")}[what]
    return FormatError(f"{found} {what} (limit {limit})", reason, f"至少{found:,}{unit}，上限{limit:,}{unit}")


def _check_shape(grid: list[list[str]], limits: FileLimits) -> list[list[str]]:
    if len(grid) > limits.max_rows:
        raise _too_big("rows", len(grid), limits.max_rows)
    width = max((len(r) for r in grid), default=0)
    if width > limits.max_columns:
        raise _too_big("columns", width, limits.max_columns)
    if len(grid) * width > limits.max_cells:
        raise _too_big("cells", len(grid) * width, limits.max_cells)
    return grid


def _filled(sheet: CalamineSheet, grid: list[list[str]]) -> list[list[str]]:
    """Merged ranges carry their top-left value in every cell (a town merged down its villages' rows)."""
    for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or []:
        if r0 >= len(grid) or c0 >= len(grid[r0]):
            continue
        value = grid[r0][c0]
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            row = grid[r]
            if len(row) <= c1:
                row.extend([""] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                if not row[c]:
                    row[c] = value
    return grid


def _excel_sheets(path: Path, limits: FileLimits, zipped: bool) -> list[Sheet]:
    if zipped:
        with zipfile.ZipFile(path) as archive:
            declared, real = sheet_extent(archive, limits)
        height, width = max(declared.rows, real.rows), max(declared.columns, real.columns)
        for what, found, limit in (("rows", height, limits.max_rows), ("columns", width, limits.max_columns),
                                   ("cells", height * width, limits.max_cells)):
            if found > limit:
                raise _too_big(what, found, limit)
    # calamine picks its parser by the name; an .xlsx saved as .xls (or the reverse) is detected by content.
    named = path.suffix.lower() in ((".xlsx", ".xlsm") if zipped else (".xls",))
    sheets: list[Sheet] = []
    with path.open("rb") as fh:
        book = CalamineWorkbook.from_path(str(path)) if named else CalamineWorkbook.from_filelike(fh)
        try:
            for index, meta in enumerate(book.sheets_metadata):
                if meta.visible != SheetVisibleEnum.Visible or meta.typ != SheetTypeEnum.WorkSheet:
                    continue  # hidden sheets (lookup lists, old versions) and chart sheets are not data
                sheet = book.get_sheet_by_index(index)
                if sheet.start is None:
                    sheets.append((meta.name, []))
                    continue
                # Rows must be anchored at A1, so list index + 1 is the Excel row number.
                rows = sheet.iter_rows() if sheet.start == (0, 0) else sheet.to_python(skip_empty_area=False)
                grid = [[c if type(c) is str else cell_text(c) for c in row] for row in rows]
                sheets.append((meta.name, _filled(sheet, _check_shape(grid, limits))))
        finally:
            book.close()
    return sheets or [(None, [])]


def _decoded(path: Path) -> str:
    data = path.read_bytes()
    return data.decode(detect_encoding(data))


def _delimiter(text: str) -> str:
    """',' unless the first line has more tabs (a 'text' export saved as .xls) or semicolons."""
    first = text[:4096].split("\n", 1)[0]
    return max(",\t;", key=lambda d: (first.count(d), d == ","))


def _csv_grid(path: Path, limits: FileLimits) -> list[list[str]]:
    text = _decoded(path)
    grid = []
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)):
        grid.append(row)
        if len(grid) > limits.max_rows:
            raise _too_big("rows", len(grid), limits.max_rows)
        if len(row) > limits.max_columns:
            raise _too_big("columns", len(row), limits.max_columns)
        if row and max(map(len, row)) > limits.max_cell_chars:
            raise FormatError(f"a cell over {limits.max_cell_chars} characters", "file_cell_too_long",
                              f"第{len(grid)}行有超过{limits.max_cell_chars:,}个字符的单元格")
    return grid


def _html_grid(path: Path, limits: FileLimits) -> list[list[str]]:
    try:
        return html_grid(_decoded(path), limits.max_rows, limits.max_columns)
    except OverflowError as exc:
        limit = limits.max_rows if str(exc) == "rows" else limits.max_columns
        raise _too_big(str(exc), limit + 1, limit) from None


def _sheets(path: Path, limits: FileLimits) -> list[Sheet]:
    suffix = path.suffix.lower()
    if suffix not in (*EXCEL_SUFFIXES, *TEXT_SUFFIXES):
        raise FormatError(f"unsupported file type '{path.suffix}' (expected .xlsx, .xls or .csv)",
                          "file_type_unknown", f"不支持的文件类型“{path.suffix}”")
    size = path.stat().st_size
    if size > limits.max_megabytes * _MB:
        raise FormatError(f"{size} bytes (limit {limits.max_megabytes} MB)", "file_too_large",
                          f"{size / _MB:,.1f}MB，上限{limits.max_megabytes}MB")
    kind = sniff(path)
    if kind == "empty":
        raise FormatError("empty file", "file_empty")
    if kind == "ole" and suffix in (".xlsx", ".xlsm"):
        raise FormatError("an encrypted Office file", "file_encrypted")  # OOXML with a password is OLE
    if kind in ("zip", "ole"):
        return _excel_sheets(path, limits, zipped=kind == "zip")
    if kind == "html":
        return [(None, _html_grid(path, limits))]
    if kind == "text":
        return [(None, _csv_grid(path, limits))]
    raise FormatError(f"content is {kind}, not a table", "file_type_unknown")


def read_sheets(path: Path, limits: FileLimits | None = None) -> list[Sheet]:
    """Every visible sheet (hidden ones skipped; one unnamed sheet for CSV and HTML) as rows of text, merged
    ranges filled; row i is the file's row i + 1.

    Raises FormatError (with a file-level reason code) for any file that cannot be read within `limits`.
    """
    path = Path(path)
    limits = limits or _DEFAULT
    try:
        return _sheets(path, limits)
    except PasswordError as exc:
        raise FormatError(f"password protected: {exc}", "file_encrypted") from None
    except (CalamineError, zipfile.BadZipFile, zlib.error, EOFError, ET.ParseError) as exc:
        raise FormatError(f"damaged: {type(exc).__name__}: {exc}", "file_damaged") from None
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise FormatError(f"csv: {exc}", "file_cell_too_long",
                              f"有超过{limits.max_cell_chars:,}个字符的单元格") from None
        raise FormatError(f"csv: {exc}", "file_damaged") from None
    except UnicodeDecodeError as exc:
        raise FormatError(f"encoding: {exc.reason}", "file_encoding") from None
    except OSError as exc:
        raise FormatError(f"cannot read: {exc.strerror or type(exc).__name__}", "file_io_error") from None


def read_grid(path: Path, limits: FileLimits | None = None) -> list[list[str]]:
    """The rows of the first visible sheet (or of the CSV or HTML table); see read_sheets."""
    return read_sheets(path, limits)[0][1]
