"""A corpus of broken and hostile inbox files, made byte by byte in the test, next to good ones."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
import xlsxwriter

from canbao.formats.write import write_csv, write_workbook
from canbao.identity import make_id

__all__ = ["ROSTER_HEADERS", "Corpus", "build_corpus", "person", "roster_frame"]

ROSTER_HEADERS = ["村（社区）代码", "姓名", "身份证号码", "参保类别", "登记日期"]
TOWN = "51172301"  # 新宁镇 in kaijiang-2020's config
CATEGORY = "其他正常参保人员（含未成年人、新生儿）"


def person(n: int) -> tuple[str, str]:
    """The n-th test person: a well-formed ID and a name."""
    return make_id("511723", date(1980, 1, 1 + n % 28), 100 + n), f"测试{n:02d}"


def roster_frame(people: list[int], unit: str = TOWN) -> pd.DataFrame:
    """Roster rows in the generator's headers for the given people."""
    rows = [[unit, *reversed(person(n)), CATEGORY, "2019-10-08"] for n in people]
    return pd.DataFrame(rows, columns=ROSTER_HEADERS)


@dataclass
class Corpus:
    """The inbox made, what each bad file must be refused for, and which people must be taken in."""

    inbox: Path
    refused: dict[str, str] = field(default_factory=dict)  # ledger file name → file-level reason code
    ignored: dict[str, str] = field(default_factory=dict)  # file name → IGNORED code
    enrolled: set[str] = field(default_factory=set)  # ID numbers of the good rows
    row_rejected: dict[str, int] = field(default_factory=dict)  # file name → rejected rows in it
    paid: set[str] = field(default_factory=set)


def _huge_cell(path: Path) -> None:
    """An .xlsx of 1.7 KB with one cell at XFD1048576 (calamine would ask for 512 GiB)."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write(0, 0, "姓名")
    sheet.write(1_048_575, 16_383, "x")
    book.close()


def _bad_sheet_xml(good: Path, path: Path) -> None:
    """A copy of a good workbook whose sheet XML has an unclosed cell."""
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as out:
        for name in src.namelist():
            data = src.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b'<row r="99"><c r="A99" t="s"><v>0</v></row></sheetData>')
            out.writestr(name, data)


def build_corpus(root: Path) -> Corpus:
    """An inbox with one file per way of breaking, good files beside them, and things to ignore."""
    inbox = root / "inbox"
    roster, bank = inbox / "roster", inbox / "bank_deduction"
    c = Corpus(inbox)
    good = write_workbook(roster / "红星村花名册.xlsx", {"花名册": roster_frame([1, 2])}, title="花名册")
    c.enrolled |= {person(1)[0], person(2)[0]}
    # A CSV and an HTML page saved as .xls: read as what they are, their rows taken in.
    write_csv(roster / "导出名单.xls", roster_frame([3]), encoding="gb18030")
    cells = "".join(f"<td>{v}</td>" for v in ROSTER_HEADERS)
    row = "".join(f"<td>{v}</td>" for v in roster_frame([4]).iloc[0])
    (roster / "网页导出.xls").write_text(f"<html><head><meta charset='utf-8'></head><body><table><tr>{cells}</tr>"
                                        f"<tr>{row}</tr></table></body></html>", encoding="utf-8")
    c.enrolled |= {person(3)[0], person(4)[0]}
    # Two files whose names differ by a space and an underscore, each with one row of an unknown unit.
    for i, name in enumerate(["新 村.xlsx", "新_村.xlsx"]):
        write_workbook(roster / name, {"s": pd.concat([roster_frame([10 + i]), roster_frame([20 + i], "99999999")])})
        c.enrolled.add(person(10 + i)[0])
        c.row_rejected[name] = 1
    # A readable file named after a person (ID and name): one good row, one bad.
    named = f"{person(30)[0]}王五.xlsx"
    write_workbook(roster / named, {"s": pd.concat([roster_frame([30]), roster_frame([31], "99999999")])})
    c.enrolled.add(person(30)[0])
    c.row_rejected[named] = 1
    # Files that cannot be read, each with the reason it must be refused for.
    (roster / "空文件.xlsx").write_bytes(b"")
    c.refused["空文件.xlsx"] = "file_empty"
    data = good.read_bytes()
    (roster / "截断.xlsx").write_bytes(data[: len(data) // 2])
    c.refused["截断.xlsx"] = "file_damaged"
    unreadable_named = f"{person(40)[0]}李四.xlsx"
    (roster / unreadable_named).write_bytes(data[: len(data) // 3])
    c.refused[unreadable_named] = "file_damaged"
    _bad_sheet_xml(good, roster / "坏表格.xlsx")
    c.refused["坏表格.xlsx"] = "file_damaged"
    _huge_cell(roster / "超大范围.xlsx")
    c.refused["超大范围.xlsx"] = "file_too_many_columns"
    long = roster_frame([50]).astype(str)
    long.loc[0, "姓名"] = "长" * 140_000
    write_csv(roster / "超长字段.csv", long, encoding="utf-8")
    c.refused["超长字段.csv"] = "file_cell_too_long"
    wide = pd.concat([roster_frame([51]), pd.DataFrame({f"备注{i}": ["x"] for i in range(120)})], axis=1)
    write_csv(roster / "列太多.csv", wide, encoding="utf-8")
    c.refused["列太多.csv"] = "file_too_many_columns"
    (roster / "乱码.xls").write_bytes(bytes(range(256)) * 8)
    c.refused["乱码.xls"] = "file_type_unknown"
    outside = write_workbook(root / "elsewhere" / "secret.xlsx", {"s": roster_frame([60])})
    (roster / "链接.xlsx").symlink_to(outside)
    c.refused["链接.xlsx"] = "file_outside_inbox"
    # Entries never read: listed as ignored.
    write_workbook(roster / ".隐藏.xlsx", {"s": roster_frame([70])})
    (roster / "~$红星村花名册.xlsx").write_bytes(b"lock")
    (roster / "说明.txt").write_text("请查收", encoding="utf-8")
    (roster / "宏.xlsm").write_bytes(data)
    c.ignored = {".隐藏.xlsx": "ignored_hidden", "~$红星村花名册.xlsx": "ignored_office_lock",
                 "说明.txt": "ignored_suffix", "宏.xlsm": "ignored_suffix"}
    # A payment source: a good bank return beside a broken one.
    ref_id, ref_name = person(1)
    write_csv(bank / "回盘.csv", pd.DataFrame({
        "扣款流水号": ["B0001"], "身份证号码": [ref_id], "姓名": [ref_name], "扣款金额": ["250.00"],
        "扣款日期": ["2019-10-09"], "扣款状态": ["成功"]}), encoding="gb18030")
    c.paid.add("B0001")
    (bank / "回盘2.csv").write_bytes(b"")
    c.refused["回盘2.csv"] = "file_empty"
    return c
