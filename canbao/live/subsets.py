"""Copies of an inbox file keeping only some of its rows: a CSV line for line, a workbook rewritten as generated."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from decimal import Decimal
from pathlib import Path

import pandas as pd

from canbao.formats.tables import read_sheets
from canbao.formats.write import write_workbook

__all__ = ["write_subsets"]

_YUAN = re.compile(r"-?\d+(\.\d{1,2})?")


def write_subsets(src: Path, sheet: str | None, header_row: int, footer_rows: Collection[int],
                  outputs: Sequence[tuple[Path, Collection[int]]]) -> list[Path]:
    """For each (path, rows) of `outputs`, `src` with only the body rows numbered `rows` (1-based, as
    `source_row` counts them): rows above the header, the header and the footer rows as in `src`.

    A CSV keeps its bytes (encoding, banners) line for line; an .xlsx is written again with the project's
    writer (title, notes, header, text cells, amounts in yuan), as the generator wrote it."""
    footers = set(footer_rows)
    if src.suffix.lower() == ".csv":
        lines = src.read_bytes().splitlines(keepends=True)  # one line per row: no generated cell spans lines
        keeps = [set(rows) | footers for _, rows in outputs]
        contents = [b"".join(line for n, line in enumerate(lines, 1) if n <= header_row or n in keep)
                    for keep in keeps]
        for (out, _), content in zip(outputs, contents, strict=True):
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(content)
        return [out for out, _ in outputs]
    if src.suffix.lower() != ".xlsx":
        raise ValueError(f"{src.name}: only .csv and .xlsx files can be split by row")
    grid = dict(read_sheets(src))[sheet]
    banners = [text for text in (_first(row) for row in grid[:header_row - 1]) if text]
    header = [cell.strip() for cell in grid[header_row - 1]]
    if len(set(header)) < len(header):
        raise ValueError(f"{src.name}: repeated headers in row {header_row}; cannot rewrite it")
    below = [_first(grid[n - 1]) for n in sorted(footers) if n <= len(grid)]
    for out, rows in outputs:
        body = [(grid[n - 1] + [""] * len(header))[:len(header)] for n in sorted(rows)]
        frame, fen = _typed(pd.DataFrame(body, columns=header, dtype=object))
        out.parent.mkdir(parents=True, exist_ok=True)
        name = sheet or "Sheet1"
        write_workbook(out, {name: frame}, banners[0] if banners else None, banners[1:], fen_columns=fen,
                       footers={name: below} if below else None)
    return [out for out, _ in outputs]


def _first(row: list[str]) -> str:
    """A banner or footer line: the first filled cell of its row (merged across the table when written)."""
    return next((cell.strip() for cell in row if cell.strip()), "")


def _typed(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Blank cells as missing; an amount column (…金额) whose every cell is yuan as integer fen, so it is
    written as a number again; any other cell stays text (a defect injected into an amount included)."""
    frame = frame.where(frame != "", None)
    fen = []
    for column in frame.columns:
        cells = frame[column].dropna()
        if "金额" in column and len(cells) and cells.map(lambda t: bool(_YUAN.fullmatch(t))).all():
            frame[column] = pd.array([None if t is None else int(Decimal(t) * 100) for t in frame[column]],
                                     dtype="Int64")
            fen.append(column)
    return frame, fen
