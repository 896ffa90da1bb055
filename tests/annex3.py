"""Lists in the layout of real medical-assistance practice (附件3), written as a county's Excel has them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import xlsxwriter
import yaml

from canbao.policy.load import CONFIG_DIR

__all__ = ["ANNEX3_HEADERS", "config_with", "write_annex3"]

ANNEX3_HEADERS = ["序号", "身份证号", "姓名", "医疗救助身份", "镇（街）", "村（居）", "纳入资助时间"]


def write_annex3(path: Path, rows: Sequence[tuple[str, str, str, str, str, str]], *, title: str,
                 notes_sheet: bool = True, hidden_rows: Sequence[tuple[str, ...]] = ()) -> Path:
    """附件3: a notes sheet in front, a merged title, 填报单位/填报日期, the header, persons with the town merged down
    its rows, a 合计 row, 填表人/审核人/联系电话 lines; a hidden sheet with an old list that must not be read.

    `rows` are (ID number, name, identity word, town, village, 纳入资助时间).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path))
    bold = book.add_format({"bold": True, "align": "center", "valign": "vcenter"})
    if notes_sheet:
        notes = book.add_worksheet("填表说明")
        notes.write(0, 0, "1. 身份证号码须为18位；2. 医疗救助身份按民政认定填写；3. 纳入资助时间填写认定日期。")
    ws = book.add_worksheet("附件3")
    ws.merge_range(0, 0, 0, 6, title, bold)
    ws.write(1, 0, "填报单位（盖章）：开江县民政局")
    ws.write(1, 4, "填报日期：2019年10月15日")
    ws.write_row(2, 0, ANNEX3_HEADERS)
    first = 3
    r = first
    for i, (id_number, name, word, _, village, day) in enumerate(rows):
        ws.write_string(r + i, 0, str(i + 1))
        ws.write_string(r + i, 1, id_number)
        ws.write_row(r + i, 2, [name, word])
        ws.write_row(r + i, 5, [village, day])
    start = 0
    for i in range(1, len(rows) + 1):  # the town merged down consecutive rows of the same town
        if i == len(rows) or rows[i][3] != rows[start][3]:
            if i - start > 1:
                ws.merge_range(first + start, 4, first + i - 1, 4, rows[start][3])
            else:
                ws.write(first + start, 4, rows[start][3])
            start = i
    r = first + len(rows)
    ws.merge_range(r, 0, r, 1, "合计")
    ws.write(r, 2, f"{len(rows)}人")
    ws.write(r + 2, 0, "填表人：王芳")
    ws.write(r + 2, 2, "审核人：李军")
    ws.write(r + 2, 4, "联系电话：0818-8221234")
    ws.write(r + 3, 0, "注：本表一式三份，报县医保局、县税务局各一份。")
    if hidden_rows:
        old = book.add_worksheet("旧名单")
        old.write_row(0, 0, ANNEX3_HEADERS)
        for i, row in enumerate(hidden_rows):
            old.write_row(i + 1, 0, [str(i + 1), *row])
        old.hide()
    book.close()
    return path


def config_with(tmp: Path, campaign: str, exemptions: Sequence[dict] = (),
                aliases: dict[str, list[str]] | None = None, extra: dict | None = None) -> Path:
    """A copy of a shipped config with exemption categories added and aliases given (in `tmp`, same stem)."""
    raw = yaml.safe_load((CONFIG_DIR / f"{campaign}.yaml").read_text(encoding="utf-8"))
    for e in raw["exemptions"]:
        e["aliases"] = (aliases or {}).get(e["code"], [])
    raw["exemptions"] += list(exemptions)
    raw.update(extra or {})
    path = tmp / "configs" / f"{campaign}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
