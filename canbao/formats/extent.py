"""The extent of an .xlsx sheet read from its XML before calamine allocates the whole rectangle.

calamine builds a dense grid from A1 (well, from the first cell) to the last cell: one cell at XFD1048576
asks for 16,384 × 1,048,576 cells and aborts the process. So the sheet's part is streamed here first, in
bounded memory, and the file refused as soon as its declared or real extent passes the limits.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass

from canbao.formats.errors import FormatError
from canbao.policy.limits import FileLimits

__all__ = ["Extent", "column_number", "first_sheet_part", "past_limits", "sheet_extent", "sheet_parts"]

_MB = 1 << 20
_CHUNK = 1 << 20
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*\bref=\"[A-Z]*\d*:?([A-Z]+)(\d+)\"")
_TAG = re.compile(rb"<(?:\w+:)?(row|c)\b([^>]*)>")
_ROW_R = re.compile(rb"\br=\"(\d+)\"")
_ROW_FAST = re.compile(rb"<row r=\"(\d+)\"")
_COL_FAST = re.compile(rb"<c r=\"([A-Z]{1,3})\d")
_CELL_ROW_FAST = re.compile(rb"<c r=\"[A-Z]{1,3}(\d+)\"")
_PREFIXED = re.compile(rb"<\w+:(?:c|row)\b")
_CELL_R = re.compile(rb"\br=\"([A-Z]+)(\d+)\"")


@dataclass(frozen=True)
class Extent:
    """The last row and column (1-based) a sheet declares or holds."""

    rows: int
    columns: int


def column_number(letters: bytes) -> int:
    """'A' → 1, 'XFD' → 16384."""
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _small_part(book: zipfile.ZipFile, name: str) -> ET.Element:
    if name not in book.NameToInfo:
        raise zipfile.BadZipFile(f"no part {name}: not an .xlsx workbook")
    info = book.getinfo(name)
    if info.file_size > 16 * _MB:
        raise zipfile.BadZipFile(f"{name} is {info.file_size} bytes unpacked")
    return ET.fromstring(book.read(name))


def sheet_parts(book: zipfile.ZipFile) -> list[str]:
    """The zip members of the workbook's sheets, in the order calamine indexes them."""
    sheets = _small_part(book, "xl/workbook.xml").find(f"{_MAIN}sheets")
    listed = [] if sheets is None else sheets.findall(f"{_MAIN}sheet")
    if not listed:
        raise zipfile.BadZipFile("workbook lists no sheet")
    rels = _small_part(book, "xl/_rels/workbook.xml.rels")
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(_PKG_REL)}
    parts = []
    for sheet in listed:
        target = targets.get(sheet.get(_REL), "")
        if not target:
            raise zipfile.BadZipFile("a sheet has no part")
        parts.append(target.lstrip("/") if target.startswith("/")
                     else posixpath.normpath(posixpath.join("xl", target)))
    return parts


def first_sheet_part(book: zipfile.ZipFile) -> str:
    """The zip member of the workbook's first sheet (the one calamine reads at index 0)."""
    return sheet_parts(book)[0]


def past_limits(rows: int, columns: int, limits: FileLimits) -> bool:
    """Whether an extent of `rows` × `columns` is more than a file may hold."""
    return rows > limits.max_rows or columns > limits.max_columns or rows * columns > limits.max_cells


def _slow_scan(part: bytes, rows: int, cols: int, row: int, col: int) -> tuple[int, int, int, int]:
    """Rows and cells one by one: for writers that leave out the optional `r` references."""
    for tag, attrs in _TAG.findall(part):
        if tag == b"row":
            found = _ROW_R.search(attrs)
            row, col = (int(found.group(1)) if found else row + 1), 0
            rows = max(rows, row)
        else:
            found = _CELL_R.search(attrs)
            col = column_number(found.group(1)) if found else col + 1
            cols = max(cols, col)
            if found:
                rows = max(rows, int(found.group(2)))
    return rows, cols, row, col


def _fast_scan(part: bytes) -> tuple[int, int, int] | None:
    """(last row, last column, last row tag) of a chunk where every row and cell starts with its reference,
    as Excel, WPS and xlsxwriter write them; None when some do not (or tags are prefixed)."""
    row_refs = _ROW_FAST.findall(part)
    letters = _COL_FAST.findall(part)
    if (len(row_refs) != part.count(b"<row ") + part.count(b"<row>")
            or len(letters) != part.count(b"<c ") + part.count(b"<c>") or _PREFIXED.search(part)):
        return None
    numbers = set(_CELL_ROW_FAST.findall(part)) | set(row_refs)
    rows = max(map(int, numbers), default=0)
    cols = max(map(column_number, set(letters)), default=0)
    return rows, cols, int(row_refs[-1]) if row_refs else 0


def _scan(stream, limits: FileLimits) -> Extent:
    """Stream the sheet XML, tracking the last row and column; stops once past a limit."""
    rows = cols = row = col = 0
    carry = b""
    while True:
        chunk = stream.read(_CHUNK)
        data = carry + chunk
        cut = data.rfind(b"<") if chunk else len(data)
        part = data[:cut]
        fast = _fast_scan(part)
        if fast is None:
            rows, cols, row, col = _slow_scan(part, rows, cols, row, col)
        else:
            rows, cols, row, col = max(rows, fast[0]), max(cols, fast[1]), fast[2] or row, 0
        if past_limits(rows, cols, limits) or not chunk:
            return Extent(rows, cols)
        carry = data[cut:][-_CHUNK:]


def _part_extent(book: zipfile.ZipFile, part: str, limits: FileLimits) -> tuple[Extent, Extent]:
    if part not in book.NameToInfo:
        raise zipfile.BadZipFile(f"no part {part}")
    with book.open(part) as stream:
        head = stream.read(64 * 1024)
    found = _DIMENSION.search(head)
    declared = Extent(int(found.group(2)), column_number(found.group(1))) if found else Extent(0, 0)
    if past_limits(declared.rows, declared.columns, limits):
        return declared, declared
    with book.open(part) as stream:
        return declared, _scan(stream, limits)


def sheet_extent(book: zipfile.ZipFile, limits: FileLimits) -> tuple[Extent, Extent]:
    """The largest declared extent (`<dimension>`, else 0 × 0) and real one over every sheet (past limits: early).

    Every sheet is measured, not only the first: the data sheet is found by its headers and may be any one.
    """
    bound = limits.max_unpacked_megabytes * _MB
    big = [i for i in book.infolist() if i.file_size > bound]
    if big:
        raise FormatError(f"part {big[0].filename} is {big[0].file_size} bytes unpacked", "file_too_large",
                          f"解压后超过{limits.max_unpacked_megabytes}MB")
    declared, real = Extent(0, 0), Extent(0, 0)
    for part in sheet_parts(book):
        d, r = _part_extent(book, part, limits)
        declared = Extent(max(declared.rows, d.rows), max(declared.columns, d.columns))
        real = Extent(max(real.rows, r.rows), max(real.columns, r.columns))
        if past_limits(max(declared.rows, real.rows), max(declared.columns, real.columns), limits):
            break
    return declared, real
