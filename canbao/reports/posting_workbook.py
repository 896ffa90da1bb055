"""A printable roster sheet for the notice board: A4 portrait, one page wide, header repeated on every page."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import xlsxwriter

from canbao.formats.write import FIXED_CREATED, display_width

__all__ = ["write_roster_sheet"]


def write_roster_sheet(path: Path, title: str, notes: list[str], table: pd.DataFrame,
                       fen_column: str | None = None) -> Path:
    """Write `table` under a title and notes; `fen_column` holds integer fen shown as yuan (0.00)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                           "strings_to_urls": False})
    book.set_properties({"title": title, "created": FIXED_CREATED})
    base = {"font_name": "宋体", "font_size": 10, "border": 1, "valign": "vcenter"}
    fmt = {"title": book.add_format({"bold": True, "font_size": 15, "align": "center", "valign": "vcenter",
                                     "font_name": "黑体", "text_wrap": True}),
           "note": book.add_format({"font_size": 9, "font_name": "宋体"}),
           "header": book.add_format({**base, "bold": True, "align": "center", "bg_color": "#D9E1F2"}),
           "text": book.add_format({**base, "num_format": "@"}),
           "center": book.add_format({**base, "align": "center"}),
           "money": book.add_format({**base, "num_format": "0.00"})}
    sheet = book.add_worksheet("公示名单")
    last = max(len(table.columns) - 1, 0)
    sheet.merge_range(0, 0, 0, last, title, fmt["title"])
    sheet.set_row(0, 42)
    for i, note in enumerate(notes, start=1):
        sheet.merge_range(i, 0, i, last, note, fmt["note"])
    head = len(notes) + 1
    for j, column in enumerate(table.columns):
        values = table[column].tolist()
        money = column == fen_column
        shown = [display_width(f"{v / 100:.2f}" if money else str(v)) for v in values]
        sheet.set_column(j, j, max([display_width(str(column)), *shown]) + 2)
        sheet.write_string(head, j, str(column), fmt["header"])
        for i, value in enumerate(values, start=head + 1):
            if money:
                sheet.write_number(i, j, int(value) / 100, fmt["money"])
            elif isinstance(value, int):
                sheet.write_number(i, j, value, fmt["center"])
            else:
                sheet.write_string(i, j, str(value), fmt["text"])
    sheet.freeze_panes(head + 1, 0)
    sheet.repeat_rows(head)
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.center_horizontally()
    sheet.set_footer("&C第 &P 页，共 &N 页")
    book.close()
    return path
