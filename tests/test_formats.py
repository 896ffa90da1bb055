"""Readers and writers of the exchange formats: headers found, text kept, rows numbered as people see them."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import xlsxwriter

from canbao.formats import (
    SOURCES,
    FormatError,
    parse_amount_fen,
    parse_dates,
    read_source,
    write_csv,
    write_workbook,
)
from canbao.formats.headers import normalize_header
from canbao.formats.read import find_header
from canbao.formats.tables import cell_text, detect_encoding
from canbao.formats.write import display_width, fen_text
from canbao.generate.layouts import AGENCY_LAYOUTS, DEFAULT_AGENCY_LAYOUT, LAYOUTS
from canbao.policy.load import load_campaign

ROSTER = pd.DataFrame({
    "村（社区）代码": ["51172301001", "51172301001", "51172301002"],
    "村（社区）名称": ["红星村", "红星村", "桥头社区"],
    "姓名": [" 张伟 ", "李芳", "王强"],
    "身份证号码": ["511723198001011234", "5.10723E+17", "５１１７２３１９８００１０１１２３４"],
    "参保类别": ["其他正常参保人员（含未成年人、新生儿）", "老年居民", None],
    "缴费档次": ["一档", "三档", "一档"],
    "登记日期": ["2019-11-20", "2019/11/21", "20191122"],
})


def test_title_and_notes_above_header_rows_as_excel_shows(tmp_path):
    path = write_workbook(tmp_path / "r.xlsx", {"花名册": ROSTER}, title="开江县新宁镇红星村花名册",
                          notes=["填报单位：红星村（盖章）", "填报日期：2019年11月"])
    df = read_source(path, "roster")
    # title = row 1, two notes = rows 2-3, header = row 4, data from row 5.
    assert df["source_row"].tolist() == [5, 6, 7]
    assert df["source_file"].unique().tolist() == ["r.xlsx"]
    assert df["name"].tolist() == ["张伟", "李芳", "王强"]  # cell whitespace stripped
    assert df["id_number"].tolist() == ROSTER["身份证号码"].tolist()  # IDs untouched: the validator repairs
    assert df["registered_on"].tolist() == ["2019-11-20", "2019/11/21", "20191122"]
    assert df["phone"].isna().all() and list(df.columns[-2:]) == ["source_file", "source_row"]


def test_blank_rows_dropped_but_numbering_kept(tmp_path):
    frame = pd.concat([ROSTER.iloc[:1], pd.DataFrame([[None] * 7], columns=ROSTER.columns), ROSTER.iloc[1:]])
    path = write_workbook(tmp_path / "r.xlsx", {"s": frame.reset_index(drop=True)}, title="标题")
    assert read_source(path, "roster")["source_row"].tolist() == [3, 5, 6]


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
def test_csv_encodings_detected(tmp_path, encoding):
    path = write_csv(tmp_path / "r.csv", ROSTER, encoding, preamble=["红星村2020年度花名册"])
    raw = path.read_bytes()
    assert detect_encoding(raw) == ("utf-8" if encoding == "utf-8" else encoding)
    df = read_source(path, "roster")
    assert df["unit_name"].tolist() == ["红星村", "红星村", "桥头社区"]
    assert df["source_row"].tolist() == [3, 4, 5]
    assert df["id_number"].iat[2] == "５１１７２３１９８００１０１１２３４"


def test_numeric_cells_come_back_as_the_text_excel_shows(tmp_path):
    path = tmp_path / "n.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet()
    for j, header in enumerate(["收据编号", "村（社区）代码", "姓名", "身份证号码", "收款金额", "收款日期"]):
        sheet.write_string(0, j, header)
    sheet.write_row(1, 0, [1001, 51172301001, "张伟", 511723198001011234, 250.0, 43789])
    sheet.write_row(2, 0, ["1002", "51172301001", "李芳", "51172319800101123X", 250.5])
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    sheet.write_datetime(2, 5, datetime(2019, 11, 20, 10, 3, 4), stamp)
    book.close()
    df = read_source(path, "village_cash")
    assert df["external_ref"].tolist() == ["1001", "1002"]
    assert df["unit_code"].tolist() == ["51172301001", "51172301001"]
    numeric_id = df["id_number"].iat[0]
    assert numeric_id.isdigit() and len(numeric_id) == 18 and numeric_id.startswith("51172319800101")
    assert df["amount"].tolist() == ["250", "250.5"]
    assert df["paid_on"].tolist() == ["43789", "2019-11-20 10:03:04"]
    assert cell_text(1e17) == "100000000000000000" and cell_text(0.1) == "0.1" and cell_text(None) == ""


def test_missing_column_names_file_and_header(tmp_path):
    frame = ROSTER.drop(columns=["身份证号码", "参保类别"])
    path = write_workbook(tmp_path / "红星村_花名册.xlsx", {"s": frame})
    with pytest.raises(FormatError, match=r"^红星村_花名册\.xlsx: missing column\(s\) 身份证号码, 参保类别; "):
        read_source(path, "roster")
    with pytest.raises(FormatError, match="missing column"):
        read_source(write_workbook(tmp_path / "x.xlsx", {"s": pd.DataFrame({"甲": ["1"]})}), "deceased")


def test_header_variants_and_override(tmp_path):
    renamed = {"身份证号码": "公民身份号码", "村（社区）代码": "村(社区)代码", "姓名": "姓 名"}
    frame = ROSTER.rename(columns=renamed)
    assert read_source(write_workbook(tmp_path / "a.xlsx", {"s": frame}), "roster")["id_number"].notna().all()
    odd = ROSTER.rename(columns={"身份证号码": "证件号（居民）"})
    path = write_workbook(tmp_path / "b.xlsx", {"s": odd})
    with pytest.raises(FormatError):
        read_source(path, "roster")
    df = read_source(path, "roster", {"id_number": ["证件号（居民）"]})
    assert df["id_number"].iat[0] == "511723198001011234"
    with pytest.raises(ValueError, match="no column"):
        read_source(path, "roster", {"nonsense": ["x"]})


def test_labels_become_codes_with_a_campaign(tmp_path):
    path = write_workbook(tmp_path / "r.xlsx", {"s": ROSTER})
    df = read_source(path, "roster", campaign=load_campaign("kaijiang-2020"))
    # Unknown labels stay as written, for the validator to reject.
    assert df["category"].tolist()[:2] == ["resident", "老年居民"] and pd.isna(df["category"].iat[2])
    assert df["tier"].tolist() == ["1", "三档", "1"]
    wujin = read_source(path, "roster", campaign=load_campaign("wujin-2020"))
    assert wujin["category"].tolist()[:2] == ["其他正常参保人员（含未成年人、新生儿）", "elderly"]


def test_exemption_lists_agency_layouts(tmp_path):
    c = load_campaign("kaijiang-2020")
    folder = tmp_path / "exemption" / "disabled_federation"
    lst = pd.DataFrame({"姓名": ["张伟"], "身份证号码": ["511723198001011234"], "残疾等级": ["一级"],
                        "地址": ["新宁镇红星村3组"]})
    path = write_workbook(folder / "残联.xlsx", {"s": lst}, title="残联资助参保人员名单")
    df = read_source(path, "exemption", campaign=c)
    got = df[["agency", "exemption", "source_row"]].iloc[0].tolist()
    assert got == ["disabled_federation", "severe_disability", 3]
    civil = pd.DataFrame({"序号": ["1", "2", "3"], "姓名": ["甲", "乙", "丙"],
                          "公民身份号码": ["1", "2", "3"], "救助类别": ["特困人员", "低保", "五保户"],
                          "所属镇（街道）": ["新宁镇"] * 3, "村（社区）": ["红星村"] * 3})
    df = read_source(write_workbook(tmp_path / "exemption/civil_affairs/m.xlsx", {"s": civil}), "exemption",
                     campaign=c)
    assert df["exemption"].tolist() == ["tekun", "dibao", "tekun"] and df["village"].iat[0] == "红星村"
    # Civil affairs confirms three categories: without the category column the list is unreadable.
    unlabelled = civil.drop(columns="救助类别")
    path = write_workbook(tmp_path / "exemption/civil_affairs/n.xlsx", {"s": unlabelled})
    with pytest.raises(FormatError, match="救助类别"):
        read_source(path, "exemption", campaign=c)


def test_bank_status_and_target_levels(tmp_path):
    bank = pd.DataFrame({"扣款流水号": ["K1", "K2"], "户名": ["甲", "乙"], "身份证号码": ["1", "2"],
                         "扣款金额": ["250.00", "250.00"], "扣款日期": ["20191120"] * 2,
                         "扣款状态": ["成功", "失败"]})
    df = read_source(write_csv(tmp_path / "b.csv", bank), "bank_deduction")
    assert df["status"].tolist() == ["success", "failed"] and df["bank"].isna().all()
    targets = pd.DataFrame({"单位代码": ["51172301", "51172301001", "51172390"],
                            "单位名称": ["新宁镇", "红星村", "一中"], "级别": ["镇", "村", "学校"],
                            "目标任务数": ["100", "60", "40"]})
    df = read_source(write_workbook(tmp_path / "t.xlsx", {"s": targets}), "targets")
    assert df["level"].tolist() == ["town", "village", "school"]


@pytest.mark.parametrize(("text", "fen"), [
    ("250", 25000), ("250.00", 25000), ("250.5", 25050), ("0.01", 1), ("１２０", 12000), ("¥250", 25000),
    ("￥250.00", 25000), ("250元", 25000), ("1,250.00", 125000), ("12,345,678", 1234567800), (" 250 ", 25000),
    ("250.100", 25010), ("０.５", 50),
])
def test_amounts_parsed_to_fen(text, fen):
    got, bad = parse_amount_fen(pd.Series([text], dtype="str"))
    assert not bad.iat[0] and got.iat[0] == fen and str(got.dtype) == "Int64"


@pytest.mark.parametrize("text", ["-250", "250.001", "abc", "", None, "2,50", "250.", "1,2345", "250 元 整",
                                  "1e3"])
def test_bad_amounts_flagged(text):
    got, bad = parse_amount_fen(pd.Series([text], dtype="str"))
    assert bad.iat[0] and pd.isna(got.iat[0])


@pytest.mark.parametrize(("text", "when"), [
    ("2019-11-20", "2019-11-20"), ("2019/11/20", "2019-11-20"), ("20191120", "2019-11-20"),
    ("2019年11月20日", "2019-11-20"), ("2019.1.5", "2019-01-05"), ("43789", "2019-11-20"),
    ("43789.5", "2019-11-20 12:00:00"), ("2019-11-20 10:23:45", "2019-11-20 10:23:45"),
    ("2019/11/20 8:05", "2019-11-20 08:05:00"), ("20191120103045", "2019-11-20 10:30:45"),
    ("２０１９－１１－２０", "2019-11-20"), ("2019-11-20T10:23", "2019-11-20 10:23:00"),
])
def test_dates_parsed(text, when):
    got, bad = parse_dates(pd.Series([text], dtype="str"))
    assert not bad.iat[0] and got.iat[0] == pd.Timestamp(when)


@pytest.mark.parametrize("text", ["2019-02-30", "2019-13-01", "x", "", None, "191120", "2019年11月"])
def test_bad_dates_flagged(text):
    got, bad = parse_dates(pd.Series([text], dtype="str"))
    assert bad.iat[0] and pd.isna(got.iat[0])


def test_workbook_ids_as_text_amounts_formatted(tmp_path):
    frame = pd.DataFrame({"身份证号码": ["511723198001011234"], "姓名": ["欧阳娜娜"],
                          "缴费金额": pd.array([25050], dtype="Int64"),
                          "登记日期": pd.to_datetime(["2019-11-20"])})
    path = write_workbook(tmp_path / "w.xlsx", {"明细": frame}, title="标题", fen_columns=["缴费金额"])
    sheet = openpyxl.load_workbook(path)["明细"]
    assert sheet.freeze_panes == "A3"
    assert sheet["A2"].font.b and sheet["A1"].value == "标题"
    assert sheet["A3"].data_type == "s" and sheet["A3"].value == "511723198001011234"
    assert sheet["C3"].value == 250.5 and sheet["C3"].number_format == "0.00"
    assert sheet["D3"].is_date
    assert sheet.column_dimensions["B"].width >= display_width("欧阳娜娜") == 8
    again = write_workbook(tmp_path / "w2.xlsx", {"明细": frame}, title="标题", fen_columns=["缴费金额"])
    assert path.read_bytes() == again.read_bytes()  # fixed creation time: same content, same bytes


def test_fen_text():
    assert fen_text(pd.Series([25000, 5, None, 123456], dtype="Int64")).tolist()[:2] == ["250.00", "0.05"]
    assert fen_text(pd.Series([123456], dtype="Int64")).iat[0] == "1234.56"


@pytest.mark.parametrize("source", sorted(LAYOUTS))
def test_generated_layouts_map_to_their_columns(source):
    spec = SOURCES[source]
    layout = LAYOUTS[source]
    _, positions = find_header([[h for h, _ in layout]], spec.headers)
    fields = {"id_text": "id_number", "amount_fen": "amount", "deposited_on": "deposited_on"}
    for pos, (_, field) in enumerate(layout):
        wanted = fields.get(field, field)
        if wanted in spec.columns:
            assert positions.get(pos) == wanted, (source, layout[pos])
    assert set(spec.required) <= set(positions.values())


@pytest.mark.parametrize("layout", [*AGENCY_LAYOUTS.values(), DEFAULT_AGENCY_LAYOUT])
def test_agency_layouts_have_id_and_name(layout):
    _, positions = find_header([[h for h, _ in layout]], SOURCES["exemption"].headers)
    assert {"id_number", "name"} <= set(positions.values())
    assert ("exemption" in positions.values()) == any(f in ("exemption", "identity_word") for _, f in layout)


def test_header_normalisation():
    assert normalize_header(" 身份证号码* ") == normalize_header("身份证号码") == "身份证号码"
    assert normalize_header("村（社区）代码") == normalize_header("村(社区)代码")


def test_unknown_file_type(tmp_path):
    path = tmp_path / "a.pdf"
    path.write_bytes(b"%PDF")
    with pytest.raises(ValueError, match="unsupported"):
        read_source(path, "roster")
    with pytest.raises(KeyError, match="unknown source"):
        read_source(Path("x.xlsx"), "nope")
