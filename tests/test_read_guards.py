"""The readers' guards: content sniffed, extent checked before calamine, any damage a FormatError with a reason."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from canbao.formats import FormatError, read_source
from canbao.formats.tables import read_grid
from canbao.policy.limits import FileLimits, IntakeLimits, SourceLimits
from canbao.policy.load import load_campaign
from canbao.reasons import FILE_REFUSALS
from tests.bad_inputs import ROSTER_HEADERS, roster_frame


def _xlsx(cells: dict[tuple[int, int], str]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for (row, col), value in cells.items():
        sheet.write(row, col, value)
    book.close()
    return buffer.getvalue()


GOOD = _xlsx({(0, 0): "姓名", (1, 0): "张三", (2, 3): "x"})


def _refusal(path: Path, limits: FileLimits | None = None) -> str:
    with pytest.raises(FormatError) as caught:
        read_grid(path, limits)
    assert caught.value.reason in FILE_REFUSALS
    return caught.value.reason


@pytest.mark.parametrize(("column", "ref", "reason"), [(16_383, b"XFD1048576", "file_too_many_columns"),
                                                      (30, b"AE1048576", "file_too_many_cells")])
def test_a_lying_dimension_does_not_hide_a_far_cell(tmp_path: Path, column: int, ref: bytes, reason: str) -> None:
    data = _xlsx({(0, 0): "姓名", (1_048_575, column): "x"})
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(tmp_path / "s.xlsx", "w") as out:
        for name in src.namelist():
            part = src.read(name)
            out.writestr(name, part.replace(b"A1:" + ref, b"A1:A1") if "worksheets" in name else part)
    assert b"A1:A1" in zipfile.ZipFile(tmp_path / "s.xlsx").read("xl/worksheets/sheet1.xml")
    # Excel's full height is allowed by default; the far cell's rectangle is what is refused.
    assert _refusal(tmp_path / "s.xlsx") == reason
    assert _refusal(tmp_path / "s.xlsx", FileLimits(max_rows=200_000, max_columns=20_000)) == "file_too_many_rows"


def test_default_rows_fit_a_county_roster_in_one_file() -> None:
    limits = FileLimits()
    # Kaijiang's full-scale last-year roster is 494,906 rows in one file; Excel stops at 1,048,576.
    assert limits.max_rows == 1_048_576 and limits.max_cells >= 494_906 * 12


def test_columns_counted_from_cell_references(tmp_path: Path) -> None:
    (tmp_path / "w.xlsx").write_bytes(_xlsx({(0, 0): "姓名", (0, 150): "x"}))
    assert _refusal(tmp_path / "w.xlsx") == "file_too_many_columns"
    assert len(read_grid(tmp_path / "w.xlsx", FileLimits(max_columns=151))[0]) == 151


def test_limits_per_source_from_the_config(tmp_path: Path) -> None:
    c = load_campaign("kaijiang-2020")
    strict = c.model_copy(update={"intake_limits": IntakeLimits(sources={"roster": SourceLimits(max_rows=3)})})
    (tmp_path / "r.xlsx").write_bytes(_xlsx({(r, i): str(v) for r, row in enumerate(
        [ROSTER_HEADERS, *roster_frame([1, 2, 3]).values.tolist()]) for i, v in enumerate(row)}))
    assert len(read_source(tmp_path / "r.xlsx", "roster", campaign=c)) == 3
    with pytest.raises(FormatError) as caught:
        read_source(tmp_path / "r.xlsx", "roster", campaign=strict)
    assert caught.value.reason == "file_too_many_rows" and caught.value.detail == "至少4行，上限3行"
    assert strict.intake_limits.for_source("roster").max_columns == FileLimits().max_columns
    assert strict.intake_limits.for_source("tax_app") == FileLimits()


def test_file_size_checked_before_reading(tmp_path: Path) -> None:
    (tmp_path / "big.csv").write_bytes(b"a,b\n" * 300_000)
    assert _refusal(tmp_path / "big.csv", FileLimits(max_megabytes=1)) == "file_too_large"


@pytest.mark.parametrize(("encoding", "text"), [("utf-16", "身份证号码\t姓名\r\n1\t张三\r\n"),
                                                ("gb18030", "身份证号码,姓名\r\n1,张三\r\n")])
def test_text_saved_as_xls_is_read_as_text(tmp_path: Path, encoding: str, text: str) -> None:
    (tmp_path / "t.xls").write_bytes(text.encode(encoding) if encoding != "utf-16" else
                                     b"\xff\xfe" + text.encode("utf-16-le"))
    assert read_grid(tmp_path / "t.xls") == [["身份证号码", "姓名"], ["1", "张三"]]


def test_xlsx_saved_as_xls_and_html_with_spans(tmp_path: Path) -> None:
    (tmp_path / "x.xls").write_bytes(GOOD)
    assert read_grid(tmp_path / "x.xls")[1][0] == "张三"
    (tmp_path / "h.xls").write_text("<table><tr><th colspan='2'>名单</th></tr><tr><td>姓名<br>全名</td>"
                                    "<td>&nbsp;张三 </td></tr><tr><td><table><tr><td>内</td></tr></table>x</td></tr>"
                                    "</table><table><tr><td>第二表</td></tr></table>", encoding="utf-8")
    assert read_grid(tmp_path / "h.xls") == [["名单", ""], ["姓名\n全名", "张三"], ["x"]]


def test_an_encrypted_xlsx_is_named_as_such(tmp_path: Path) -> None:
    (tmp_path / "p.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    assert _refusal(tmp_path / "p.xlsx") == "file_encrypted"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(0, len(GOOD)), flips=st.lists(st.tuples(st.integers(0, len(GOOD) - 1),
                                                                 st.integers(0, 255)), max_size=4),
       suffix=st.sampled_from([".xlsx", ".xls", ".csv"]))
def test_damaged_bytes_never_raise_anything_but_a_format_error(tmp_path: Path, cut: int, flips: list,
                                                               suffix: str) -> None:
    data = bytearray(GOOD[:cut])
    for at, byte in flips:
        if at < len(data):
            data[at] = byte
    path = tmp_path / f"f{suffix}"
    path.write_bytes(bytes(data))
    try:
        grid = read_grid(path)
    except FormatError as exc:
        assert exc.reason in FILE_REFUSALS
    else:
        assert isinstance(grid, list) and all(isinstance(c, str) for row in grid for c in row)


@pytest.mark.parametrize("rewrite", [
    lambda xml: re.sub(rb' r="[A-Z]*\d+"', b"", xml),  # references left out (allowed by the standard)
    lambda xml: xml.replace(b"<row", b"<x:row").replace(b"</row", b"</x:row").replace(b"<c ", b"<x:c ")
    .replace(b"</c>", b"</x:c>").replace(b"<worksheet ", b'<worksheet xmlns:x="http://schemas.openxmlformats.org'
                                          b'/spreadsheetml/2006/main" '),  # prefixed tags
])
def test_rows_counted_without_references_or_with_prefixes(tmp_path: Path, rewrite) -> None:
    data = _xlsx({(r, c): f"{r}-{c}" for r in range(5) for c in range(3)})
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(tmp_path / "n.xlsx", "w") as out:
        for name in src.namelist():
            part = src.read(name)
            out.writestr(name, rewrite(part).replace(b'<dimension ref="A1:C5"/>', b"") if "worksheets/" in name
                         else part)
    assert _refusal(tmp_path / "n.xlsx", FileLimits(max_rows=4)) == "file_too_many_rows"
    assert _refusal(tmp_path / "n.xlsx", FileLimits(max_columns=2)) == "file_too_many_columns"
    assert _refusal(tmp_path / "n.xlsx", FileLimits(max_cells=14)) == "file_too_many_cells"
    exact = FileLimits(max_rows=5, max_columns=3, max_cells=15)
    assert read_grid(tmp_path / "n.xlsx", exact)[4] == ["4-0", "4-1", "4-2"]


def test_a_workbook_saved_as_csv_is_read_as_a_workbook(tmp_path: Path) -> None:
    (tmp_path / "w.csv").write_bytes(GOOD)
    assert read_grid(tmp_path / "w.csv")[:2] == [["姓名", "", "", ""], ["张三", "", "", ""]]
