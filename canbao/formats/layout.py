"""Where the table is in a government sheet: the data sheet, its header row, and the footer rows to skip.

Agencies' Excel has a merged title, notes such as 填报单位/填报日期 above the header, and 合计/小计 rows and
填表人/审核人/联系电话/盖章 lines below the data. Those rows are recognised and skipped, never bounced.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from canbao.formats.headers import normalize_header
from canbao.formats.tables import Sheet

__all__ = ["FOOTER_WORDS", "HEADER_SCAN_ROWS", "NOT_DATA", "HeaderMatch", "find_header", "footer_rows", "pick_sheet"]

HEADER_SCAN_ROWS = 20
NOT_DATA = frozenset({"序号", "编号", "备注", "说明"})  # headers never worth a warning when left unused
# A row whose first filled cell starts with one of these, and which holds no ID number, is not a person.
FOOTER_WORDS = ("合计", "小计", "总计", "共计", "累计", "填表人", "填报人", "制表人", "审核人", "审批人", "负责人",
                "单位负责人", "分管领导", "经办人", "联系电话", "联系人", "盖章", "单位盖章", "（盖章）", "(盖章)",
                "日期", "填表日期", "填报日期", "制表日期", "填报单位", "注：", "注:", "说明：", "说明:", "备注：")


def _fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


_FOOTER = re.compile("^(?:" + "|".join(re.escape(_fold(w)) for w in FOOTER_WORDS) + ")")
_FIRST = frozenset(_fold(w)[0] for w in FOOTER_WORDS)
_ID_LIKE = re.compile(r"\d{15}|\d{17}[\dXx]")


@dataclass(frozen=True)
class HeaderMatch:
    """The header row (index into the grid, -1 if none) and {cell position: canonical column}."""

    row: int
    positions: dict[int, str]


def find_header(grid: list[list[str]], variants: Mapping[str, Sequence[str]]) -> tuple[int, dict[int, str]]:
    """The header row index among the first rows and {cell position: canonical column}."""
    priority: dict[str, tuple[str, int]] = {}
    for column, names in variants.items():
        for rank, name in enumerate(names):
            priority.setdefault(normalize_header(name), (column, rank))
    best, best_hits = -1, 0
    for i, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        hits = len({priority[h][0] for h in map(normalize_header, row) if h in priority})
        if hits > best_hits:
            best, best_hits = i, hits
    if best < 0:
        return -1, {}
    chosen: dict[str, tuple[int, int]] = {}
    for pos, cell in enumerate(grid[best]):
        hit = priority.get(normalize_header(cell))
        if hit is not None and (hit[0] not in chosen or hit[1] < chosen[hit[0]][1]):
            chosen[hit[0]] = (pos, hit[1])
    return best, {pos: column for column, (pos, _) in chosen.items()}


def pick_sheet(sheets: Sequence[Sheet], variants: Mapping[str, Sequence[str]],
               required: Sequence[str]) -> tuple[Sheet, HeaderMatch]:
    """The visible sheet whose header row names the required columns (then the most columns); the first wins
    ties, so a one-sheet file or a workbook with a note sheet in front reads the same."""
    best: tuple[tuple[int, int], Sheet, HeaderMatch] | None = None
    for sheet in sheets:
        row, positions = find_header(sheet[1], variants)
        found = set(positions.values())
        score = (sum(c in found for c in required), len(found))
        if best is None or score > best[0]:
            best = (score, sheet, HeaderMatch(row, positions))
    if best is None:
        empty: Sheet = (None, [])
        return empty, HeaderMatch(-1, {})
    return best[1], best[2]


def footer_rows(grid: list[list[str]], start: int) -> list[int]:
    """Indexes (from `start`) of rows that are totals, signatures or notes rather than persons."""
    out = []
    could_start: dict[str, bool] = {}  # per first character: whether a footer word may start with it
    for i in range(start, len(grid)):
        row = grid[i]
        first = row[0] if row and row[0] else ""
        if not first.strip():
            first = next((c for c in row if c and not c.isspace()), "")
        # Cheap test first (most rows start with a digit or a name): only a footer word's first character goes on.
        head = first.lstrip()[:1]
        if not head:
            continue
        starts = could_start.get(head)
        if starts is None:
            starts = could_start[head] = head in _FIRST or unicodedata.normalize("NFKC", head) in _FIRST
        if not starts:
            continue
        if _FOOTER.match(_fold(first)) and not any(_ID_LIKE.search(c) for c in row if c):
            out.append(i)
    return out
