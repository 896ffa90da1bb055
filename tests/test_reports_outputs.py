"""The weekly outputs as a reader meets them: workbook, chart, bulletin, posting; and a LibreOffice render."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image
from report_data import CAMPAIGN, write_campaign

from canbao.ledger.types import FULL_ID_RE
from canbao.policy.load import load_campaign
from canbao.reports import fonts
from canbao.reports.bulletin import bulletin_markdown, bulletin_text
from canbao.reports.chart import chart_units, write_progress_chart
from canbao.reports.posting import posting_rows, write_posting
from canbao.reports.progress import build_report
from canbao.reports.table import level_table, pct
from canbao.reports.weekly import WeeklyReport
from canbao.reports.weekly_workbook import RATE_HEADER, write_weekly_workbook
from canbao.state import DENOMINATORS, campaign_state, known_by, load_facts

DAY = date(2020, 11, 9)


@pytest.fixture
def report(sqlite_url: str) -> WeeklyReport:
    from canbao.ledger.engine import make_engine
    from canbao.ledger.migrate import upgrade

    upgrade(sqlite_url)
    engine = make_engine(sqlite_url)
    write_campaign(engine, seed=11)
    c = load_campaign(CAMPAIGN)
    with engine.connect() as conn:
        built = build_report(load_facts(conn, c.id), c, DAY, known_by(DAY, 9))
    engine.dispose()
    return built


def test_workbook_has_level_sheets_headers_formats_and_totals(tmp_path: Path, report: WeeklyReport) -> None:
    path = write_weekly_workbook(tmp_path / "weekly.xlsx", report)
    book = load_workbook(path)
    assert book.sheetnames == ["街道", "村（社区）", "学校", "特殊群体", "说明"]
    towns = book["街道"]
    assert towns["A1"].value == "渝中区2021年度城乡居民基本医疗保险参保情况周报表"
    assert "截至2020年11月9日9时" in towns["A2"].value
    headers = [c.value.replace("\n", "") for c in towns[3]]
    assert headers[:9] == ["序号", "单位代码", "街道名称", "目标任务（人）", "已登记（人）", "已缴费（人）",
                           "资助参保（人）", "参保人数（人）", RATE_HEADER]
    wanted = {"二档占比", "特殊群体参保率", "时序进度", "进度状态", "预计期末参保率", "排名"}
    assert wanted <= set(headers) and "学生参保（人）" not in headers  # all zero here: students are at schools
    assert "学生参保（人）" in [c.value.replace("\n", "") for c in book["学校"][3]]
    assert towns.freeze_panes == "D4"
    col = {h: i for i, h in enumerate(headers)}
    rows = [[c.value for c in row] for row in towns.iter_rows(min_row=4)]
    body, total = rows[:-1], rows[-1]
    assert [r[col["街道名称"]] for r in body] == ["七星岗街道", "解放碑街道"] and total[col["街道名称"]] == "合计"
    for key in ("目标任务（人）", "参保人数（人）", "资助参保（人）", "已缴费（人）"):
        assert total[col[key]] == sum(r[col[key]] for r in body)
    assert abs(total[col[RATE_HEADER]] - total[col["参保人数（人）"]] / total[col["目标任务（人）"]]) < 1e-6
    assert towns.cell(4, col[RATE_HEADER] + 1).number_format == "0.00%"
    assert towns.cell(4, col["参保人数（人）"] + 1).number_format == "#,##0"
    table = level_table(report, "town")
    assert [r[col[RATE_HEADER]] for r in body] == [float(pct(x, 4) / 100) for x in table["rate"]]
    assert [r[col["进度状态"]] or "" for r in body] == ["落后" if b else "" for b in table["below_pace"]]
    villages = [[c.value for c in row] for row in book["村（社区）"].iter_rows(min_row=4)]
    assert len(villages) == 5 and villages[-1][3] == "合计"
    cells = " ".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value is not None)
    assert not FULL_ID_RE.search(cells)


def test_chart_uses_a_cjk_font_and_draws_a_panel_per_town(tmp_path: Path, report: WeeklyReport) -> None:
    family, font_file = fonts.cjk_font()
    assert font_file.is_file() and family
    path = write_progress_chart(tmp_path / "chart.png", report)  # raises if a glyph would be missing
    assert chart_units(report) == ["500103", "50010301", "50010302"]
    with Image.open(path) as image:
        assert image.format == "PNG" and image.width >= 1200 and image.height >= 300


def test_missing_font_fails_with_a_clear_message(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fonts.cjk_font.cache_clear()
    monkeypatch.setenv(fonts.FONT_ENV, str(tmp_path / "none.ttf"))
    try:
        with pytest.raises(fonts.MissingFontError, match="fonts-wqy-microhei"):
            fonts.cjk_font()
    finally:
        fonts.cjk_font.cache_clear()


def test_bulletin_names_units_by_thresholds_and_special_groups(report: WeeklyReport) -> None:
    md, text = bulletin_markdown(report), bulletin_text(report)
    county = level_table(report, "county").iloc[0]
    assert md.startswith("# 渝中区2021年度城乡居民医保参保工作进度通报") and "截至2020年11月9日9时" in md
    # the second Monday of weekly reports (from 2020-11-02), issued by the district bureau (config)
    assert "**第2期**\n\n重庆市渝中区医疗保障局\u3000\u30002020年11月9日\n" in md
    rate_text = f"参保率（分母：{DENOMINATORS['towns_and_schools']}）{pct(county['rate'])}%"
    assert f"已参保{int(county['enrolled']):,}人" in md and rate_text in md
    towns = level_table(report, "town")
    for name, rate in zip(towns["name"], towns["rate"]):
        if rate < report.warning_threshold:
            assert f"{name}（{pct(rate)}%）" in md.split("## 二")[1].split("## 三")[0]
    for group in ("特困人员", "低保对象", "重度残疾人员"):
        assert f"{group}：" in md
    assert "计划生育" not in md  # not a special group in yuzhong's config
    assert text.endswith("\r\n") and "\r\n一、总体进度\r\n" in text and "#" not in text
    assert md.count("%") == text.count("%")


def test_posting_masks_names_and_ids_and_is_marked_public(sqlite_url: str, tmp_path: Path) -> None:
    from canbao.ledger.engine import make_engine
    from canbao.ledger.migrate import upgrade

    upgrade(sqlite_url)
    engine = make_engine(sqlite_url)
    people = write_campaign(engine, seed=11)
    c = load_campaign(CAMPAIGN)
    with engine.connect() as conn:
        facts = load_facts(conn, c.id)
    rows = posting_rows(c, campaign_state(c, facts, DAY))
    engine.dispose()
    village = rows[rows["unit_code"] == "5001030101"]
    path = write_posting(tmp_path, c, "5001030101", "金汤街社区", "七星岗街道", village, DAY)
    assert path.name == "5001030101_金汤街社区_2020年11月参保缴费名单（公示）.xlsx"
    sheet = load_workbook(path).active
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=5)]
    assert len(values) == len(village) > 0
    assert all(re.fullmatch(r"500103\*{8}\d{3}[\dX]", v[2]) for v in values)
    assert all(v[1].endswith("*") or "*" in v[1] for v in values)
    names = set(people["name"])
    cells = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)
    assert not FULL_ID_RE.search(cells) and not any(f" {n} " in f" {cells} " for n in names)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftoppm") is None,
                    reason="needs LibreOffice and poppler (apt-get install libreoffice-calc-nogui poppler-utils)")
def test_workbook_renders_with_libreoffice_readably(tmp_path: Path, report: WeeklyReport) -> None:
    """Render as a person would print it: Chinese from a CJK font, no ### for too-narrow columns."""
    path = write_weekly_workbook(tmp_path / "weekly.xlsx", report)
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "weekly.pdf"
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True, timeout=60)
    assert list(tmp_path.glob("page*.png"))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "渝中区2021年度城乡居民基本医疗保险参保情况周报表" in text and "七星岗街道" in text and "合计" in text
    assert "###" not in text
    used = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert re.search(r"WenQuanYi|Noto\w*CJK|Droid|Source ?Han|AR ?PL|ZenHei", used), used
