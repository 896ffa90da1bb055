"""The weekly report workbook (参保情况周报表): a sheet per level with a totals row, special groups, notes."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter

from canbao.formats.protect import prepare_output
from canbao.formats.write import FIXED_CREATED, display_width
from canbao.reports.table import forecasts, level_table, pct, totals_row
from canbao.reports.weekly import WeeklyReport, rate
from canbao.reports.workbook_notes import notes_lines, special_rows
from canbao.state import rate_label

__all__ = ["RATE_HEADER", "columns_for", "write_weekly_workbook"]

Column = tuple[str, str, str]  # (table key, Chinese header, kind: text | int | rate | pp | change | flag)
# Columns left out of a sheet where they would be all zero (e.g. students outside the school sheet).
_OPTIONAL = {"students": ("students",), **{k: ("special_target",) for k in
                                          ("special_target", "special_enrolled", "special_rate")}}
RATE_HEADER = rate_label("own")  # each row's own target; the 合计 row: the sum of the rows' targets (see 说明)
_FORMATS = {"int": "#,##0", "rate": "0.00%", "pp": "+0.00;-0.00;0.00", "change": "+#,##0;-#,##0;0"}


def columns_for(r: WeeklyReport, level: str, noun: str) -> list[Column]:
    """The columns of one level's sheet, as a county lays them out."""
    cols: list[Column] = [("seq", "序号", "int"), ("code", "单位代码", "text")]
    if level == "village":
        cols.append(("parent_name", f"所属{noun}", "text"))
    cols += [("name", {"town": noun, "village": "村（社区）", "school": "学校"}[level] + "名称", "text"),
             ("target", "目标任务（人）", "int"), ("registered", "已登记（人）", "int"),
             ("paid", "已缴费（人）", "int"),
             ("exempt", "资助参保（人）", "int"), ("enrolled", "参保人数（人）", "int"), ("rate", RATE_HEADER, "rate"),
             ("change", "较上周增加（人）", "change"), ("change_pp", "较上周提高（百分点）", "pp")]
    if len(r.tiers) > 1:
        tier = r.tiers.get(2, "二档")
        cols += [("tier2", f"{tier}人数（人）", "int"), ("tier2_share", f"{tier}占比", "rate")]
    cols += [("special_target", "特殊群体应参保（人）", "int"), ("special_enrolled", "特殊群体已参保（人）", "int"),
             ("special_rate", "特殊群体参保率", "rate"), ("students", "学生参保（人）", "int"),
             ("pace", "时序进度", "rate"), ("status", "进度状态", "flag"), ("forecast", "预计期末参保率", "rate"),
             ("rank", "排名", "int")]
    return cols


def _value(row: pd.Series | dict[str, Any], key: str) -> Any:
    value = row.get(key)
    if key == "change_pp":
        now, before = row.get("rate"), row.get("rate_last_week")
        return None if now is None or before is None else float(pct(now - before))
    if key == "status":
        return "落后" if row.get("below_pace") else ""
    if value is None or value is pd.NA or (not isinstance(value, str | Fraction) and pd.isna(value)):
        return None
    if isinstance(value, Fraction):
        return float(pct(value, 4) / 100)  # presentation only: the exact rate rounded to 0.0001%
    return value if isinstance(value, str) else int(value)


def _formats(book: xlsxwriter.Workbook) -> dict[str, Any]:
    base = {"font_name": "宋体", "font_size": 10, "border": 1, "valign": "vcenter"}
    out = {"title": book.add_format({"bold": True, "font_size": 16, "align": "center", "font_name": "黑体"}),
           "sub": book.add_format({"font_size": 10, "align": "center", "font_name": "宋体"}),
           "note": book.add_format({"font_size": 9, "font_name": "宋体", "text_wrap": True, "valign": "top"}),
           "header": book.add_format({**base, "bold": True, "bg_color": "#D9E1F2", "align": "center",
                                      "text_wrap": True})}
    for total in (False, True):
        for kind in ("text", "int", "rate", "pp", "change", "flag", "behind"):
            spec = {**base, "num_format": _FORMATS.get("rate" if kind == "behind" else kind, "@")}
            if kind == "behind":
                spec.update(font_color="#C00000", bg_color="#FCE4D6")
            if kind == "flag":
                spec.update(font_color="#C00000", align="center")
            if total:
                spec.update(bold=True, bg_color="#F2F2F2", top=2)
            out[("total" if total else "") + kind] = book.add_format(spec)
    return out


def _sheet(book: xlsxwriter.Workbook, name: str, r: WeeklyReport, cols: list[Column],
           rows: list[dict[str, Any]], total: dict[str, Any], fmt: dict[str, Any]) -> None:
    sheet = book.add_worksheet(name)
    last = len(cols) - 1
    sheet.merge_range(0, 0, 0, last, r.title, fmt["title"])
    sheet.merge_range(1, 0, 1, last, f"截至{r.cutoff_text}　时序进度{pct(r.pace())}%　目标参保率{pct(r.goal_rate, 0)}%"
                      f"　集中参保期{r.period_start:%Y-%m-%d}至{r.period_end:%Y-%m-%d}", fmt["sub"])
    sheet.set_row(2, 54)
    for j, (key, header, kind) in enumerate(cols):
        sheet.write_string(2, j, header.replace("（人）", "\n（人）"), fmt["header"])
        values = [_value(x, key) for x in [*rows, total]]
        shown = [display_width(f"{v:,}" if isinstance(v, int) else "100.00%" if kind == "rate" else str(v))
                 for v in values if v is not None]
        sheet.set_column(j, j, min(max([*shown, 7 if kind != "text" else 4]) + 2, 30))
    for i, row in enumerate([*rows, total]):
        prefix = "total" if row is total else ""
        for j, (key, _, kind) in enumerate(cols):
            value = _value(row, key)
            style = "behind" if key == "rate" and row.get("below_pace") and not prefix else kind
            if value is None:
                sheet.write_blank(3 + i, j, None, fmt[prefix + style])
            else:
                sheet.write(3 + i, j, value, fmt[prefix + style])
    sheet.freeze_panes(3, 3 if cols[2][0] == "name" else 4)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0, 2)
    sheet.set_margins(left=0.3, right=0.3, top=0.5, bottom=0.5)


def write_weekly_workbook(path: Path, r: WeeklyReport) -> Path:
    """Write the workbook: 乡镇/村/学校 sheets (frozen header, number formats, totals), 特殊群体, 说明."""
    prepare_output(path)  # 内部: owner-only
    guesses = forecasts(r)
    book = xlsxwriter.Workbook(str(path))
    book.set_properties({"title": r.title, "created": FIXED_CREATED})
    fmt = _formats(book)
    noun = r.town_noun
    for level, sheet_name in (("town", noun), ("village", "村（社区）"), ("school", "学校")):
        table = level_table(r, level, guesses)
        if table.empty:
            continue
        rows = [{**row, "seq": i} for i, row in enumerate(table.to_dict("records"), start=1)]
        total = {**totals_row(table, r).to_dict(), "seq": None, "name": "合计", "code": None}
        empty = {k for k, keys in _OPTIONAL.items() if not any(total.get(x) for x in keys)}
        cols = [col for col in columns_for(r, level, noun) if col[0] not in empty]
        _sheet(book, sheet_name, r, cols, rows, total, fmt)
    groups = book.add_worksheet("特殊群体")
    header = ["群体", "单位", "应参保（人）", "已参保（人）", "未参保（人）", "参保率"]
    for j, h in enumerate(header):
        groups.write_string(0, j, h, fmt["header"])
        groups.set_column(j, j, 22 if j < 2 else 13)
    for i, (group, unit, target, done, is_total) in enumerate(special_rows(r), start=1):
        p = "total" if is_total else ""
        groups.write_string(i, 0, group, fmt[p + "text"])
        groups.write_string(i, 1, unit, fmt[p + "text"])
        for j, v in enumerate((target, done, target - done), start=2):
            groups.write_number(i, j, v, fmt[p + "int"])
        share = rate(done, target)
        groups.write(i, 5, None if share is None else float(pct(share, 4) / 100), fmt[p + "rate"])
    groups.freeze_panes(1, 0)
    notes = book.add_worksheet("说明")
    notes.set_column(0, 0, 110)
    for i, line in enumerate(notes_lines(r)):
        notes.write_string(i, 0, line, fmt["note"])
    book.close()
    return path
