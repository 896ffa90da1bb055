"""The bulletin as a bureau issues it: 第N期 from the weekly schedule, issuing office, per-section thresholds,
which groups get a section, one-decimal rates. Figures are hand-computed from a small frame, not from the code."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from canbao.policy.checks import cross_check
from canbao.policy.load import load_campaign
from canbao.policy.model import Bulletin, Campaign, Thresholds
from canbao.reports.bulletin import bulletin_markdown, bulletin_sections, bulletin_text
from canbao.reports.bulletin_style import BulletinStyle
from canbao.reports.issue import bulletin_style, issue_number
from canbao.reports.ledger_frames import bulletin_groups
from canbao.reports.snapshot import from_content, to_content
from canbao.reports.weekly import COUNT_COLUMNS, WeeklyReport
from canbao.reports.workbook_notes import notes_lines
from canbao.state import known_by


def _with_bulletin(c: Campaign, **fields: object) -> Campaign:
    reporting = c.reporting.model_copy(update={"bulletin": Bulletin(**fields)})  # type: ignore[arg-type]
    return c.model_copy(update={"reporting": reporting})


@pytest.mark.parametrize(("day", "number"), [
    (date(2019, 9, 1), None),          # before the first weekly report (Monday 2019-09-02)
    (date(2019, 9, 2), 1),
    (date(2019, 9, 8), 1),             # a Sunday report belongs to the week of issue 1
    (date(2019, 9, 9), 2),
    (date(2019, 11, 18), 12),          # 11 weeks after 09-02
    (date(2019, 11, 20), 12),          # a Wednesday re-issue keeps its week's number
    (date(2019, 12, 30), 18),          # the closing report after the window (12-25)
])
def test_kaijiang_issue_number_counts_scheduled_mondays(day: date, number: int | None) -> None:
    assert issue_number(load_campaign("kaijiang-2020"), day) == number


def test_yuzhong_window_starting_on_a_sunday_numbers_from_the_first_monday() -> None:
    c = load_campaign("yuzhong-2021")  # weekly_start 2020-11-01 is a Sunday
    assert [issue_number(c, d) for d in (date(2020, 11, 1), date(2020, 11, 2), date(2020, 11, 9),
                                         date(2020, 12, 21))] == [None, 1, 2, 8]


def test_first_issue_and_number_from_config() -> None:
    c = _with_bulletin(load_campaign("kaijiang-2020"), first_issue=date(2019, 10, 14), first_number=5)
    assert [issue_number(c, d) for d in (date(2019, 10, 13), date(2019, 10, 14), date(2019, 11, 18))] == [
        None, 5, 10]


@given(st.dates(date(2019, 9, 2), date(2020, 3, 1)), st.integers(0, 20))
def test_same_date_same_number_one_more_per_week(day: date, weeks: int) -> None:
    c = load_campaign("kaijiang-2020")
    n = issue_number(c, day)
    assert n is not None and issue_number(c, day) == n
    assert issue_number(c, day + timedelta(weeks=weeks)) == n + weeks


def test_every_config_names_its_issuing_office() -> None:
    offices = {"wujin-2020": "常州市医疗保障局武进分局", "rucheng-2020": "如皋工业园区工作委员会",
               "kaijiang-2020": "开江县医疗保障局", "haimen-2020": "海门市医疗保障局",
               "yuzhong-2021": "重庆市渝中区医疗保障局"}
    for cid, office in offices.items():
        assert bulletin_style(load_campaign(cid), date(2020, 1, 1)).office == office
    bare = _with_bulletin(load_campaign("kaijiang-2020"))
    assert bulletin_style(bare, date(2019, 11, 18)).office == "开江县人民政府办公室"  # default: the notice's issuer


def test_section_list_must_name_exemptions_and_sets_the_order() -> None:
    c = load_campaign("yuzhong-2021")
    assert list(bulletin_groups(c)) == ["tekun", "dibao", "severe_disability"]  # default: the special groups
    chosen = _with_bulletin(c, groups=["family_planning_special", "dibao"])
    assert list(bulletin_groups(chosen)) == ["family_planning_special", "dibao"]
    wrong = _with_bulletin(c, groups=["dibao", "nobody"], group_thresholds={"ghost": Thresholds(good=D(1),
                                                                                                  warning=D(1))})
    assert ("reporting.bulletin.groups", "unknown exemption 'nobody'") in cross_check(wrong)
    assert ("reporting.bulletin.group_thresholds", "unknown exemption 'ghost'") in cross_check(wrong)
    with pytest.raises(ValueError, match="warning is above good"):
        Thresholds(good=D("0.7"), warning=D("0.8"))


# A county of three towns; targets and counts chosen so every rate is known by hand.
TOWNS = [("01", "甲镇", 150, 123), ("02", "乙镇", 200, 150), ("03", "丙镇", 300, 200)]
# 甲 123/150 = 82.0%, 乙 150/200 = 75.0%, 丙 200/300 = 66.67% (66.7%); county 473/650 = 72.77% (72.8%)
GROUPS = {"dibao": [(10, 9), (10, 7), (20, 17)],      # 90.0%, 70.0%, 85.0%; county 33/40 = 82.5%
          "tekun": [(1, 1), (1, 0), (2, 2)],          # 100%, 0%, 100%; county 3/4 = 75.0%
          "orphan": [(1, 1), (0, 0), (0, 0)]}         # followed, but given no section below
DAY = date(2020, 12, 20)


def _report(style: BulletinStyle) -> WeeklyReport:
    rows = [("9", "某县", "county", None, 650, 473)] + [(c, n, "town", "9", t, e) for c, n, t, e in TOWNS]
    units = pd.DataFrame([{"code": c, "name": n, "level": lv, "parent_code": p, "target_basis": "own",
                           **dict.fromkeys(COUNT_COLUMNS, 0), "target": t, "registered": e, "paid": e,
                           "enrolled": e, "enrolled_last_week": e} for c, n, lv, p, t, e in rows])
    units["target"] = units["target"].astype("Int64")
    groups = pd.DataFrame([{"group": g, "code": code, "target": t, "enrolled": e}
                           for g, counts in GROUPS.items()
                           for code, (t, e) in zip(["9", "01", "02", "03"],
                                                   [tuple(map(sum, zip(*counts))), *counts])])
    series = pd.DataFrame({DAY: units.set_index("code")["enrolled"]})
    return WeeklyReport("x-2021", "某县", 2021, DAY, known_by(DAY), date(2020, 9, 1), DAY, D("0.98"), D("1"), D("0.95"),
                        D("0.80"), {1: "一档"}, {"dibao": "低保对象", "tekun": "特困人员", "orphan": "孤儿"},
                        units, groups, series, series, "", style)


STYLE = BulletinStyle(issue=7, office="某县医疗保障局", units=(D("0.80"), D("0.70")),
                      special=(D("0.90"), D("0.80")), per_group={"tekun": (D("1"), D("0.95"))},
                      sections=("tekun", "dibao"), decimals=1)


def test_thresholds_per_section_and_one_decimal() -> None:
    sections = dict(bulletin_sections(_report(STYLE)))
    head, (units, _) = sections["一、总体进度"][0], sections["二、各乡镇进度"]
    assert "72.8%" in head and "较上周新增0人、提高0.0个百分点" in head
    assert units == ("参保率达到80%以上的乡镇1个：甲镇（82.0%）。"
                     "其余2个乡镇未达到80%，其中低于70%的1个：丙镇（66.7%）。")
    tekun, dibao = sections["三、特殊群体参保"]
    assert tekun == ("（一）特困人员：应参保4人，已参保3人，参保率75.0%（目标100%）。"
                     "参保率达到100%以上的乡镇2个：甲镇（100.0%）、丙镇（100.0%）。"
                     "其余1个乡镇未达到100%，其中低于95%的1个：乙镇（0.0%）。")
    assert dibao == ("（二）低保对象：应参保40人，已参保33人，参保率82.5%（目标100%）。"
                     "参保率达到90%以上的乡镇1个：甲镇（90.0%）。"
                     "其余2个乡镇未达到90%，其中低于80%的1个：乙镇（70.0%）。")
    assert notes_lines(_report(STYLE))[-1] == ("通报阈值：参保率达到80%为进度较好，低于70%为进度滞后；"
                                              "特殊群体（较好/滞后）：特困人员100%/95%、低保对象90%/80%。")


def test_defaults_use_the_reports_thresholds_every_group_and_two_decimals() -> None:
    sections = dict(bulletin_sections(_report(BulletinStyle())))
    assert sections["二、各乡镇进度"][0] == ("暂无参保率达到95%的乡镇。"
                                        "其余3个乡镇未达到95%，其中低于80%的2个：丙镇（66.67%）、乙镇（75.00%）。")
    special = sections["三、特殊群体参保"]
    assert [p.split("：")[0] for p in special] == ["（一）低保对象", "（二）特困人员", "（三）孤儿"]
    assert "参保率达到95%以上的乡镇2个：甲镇（100.00%）、丙镇（100.00%）" in special[1]


def test_heading_carries_number_office_and_date_and_survives_the_snapshot() -> None:
    r = _report(STYLE)
    md, text = bulletin_markdown(r), bulletin_text(r)
    assert md.startswith("# 某县2021年度城乡居民医保参保工作进度通报\n\n**第7期**\n\n"
                         "某县医疗保障局\u3000\u30002020年12月20日\n\n**（截至2020年12月20日24时）**\n")
    assert text.startswith("某县2021年度城乡居民医保参保工作进度通报\r\n第7期\r\n"
                           "某县医疗保障局\u3000\u30002020年12月20日\r\n（截至2020年12月20日24时）\r\n")
    again = from_content(to_content(r))
    assert again.bulletin == STYLE and bulletin_markdown(again) == md
    old = to_content(r)
    del old["bulletin"]  # a snapshot stored before bulletins had a style
    assert from_content(old).bulletin == BulletinStyle()
    assert "第" not in bulletin_markdown(_report(BulletinStyle())).split("（截至")[0]


def test_a_named_group_gets_a_section_without_entering_the_special_goal(sqlite_url: str) -> None:
    """Metamorphic: dibao taken off the special groups but named for a section keeps its own counts, leaves the
    special-group totals, and the bulletin shows only the named sections, in their order."""
    from report_data import CAMPAIGN, write_campaign

    from canbao.ledger.engine import make_engine
    from canbao.ledger.migrate import upgrade
    from canbao.reports.progress import build_report
    from canbao.state import load_facts

    upgrade(sqlite_url)
    engine = make_engine(sqlite_url)
    write_campaign(engine, seed=5)
    c = load_campaign(CAMPAIGN)
    demoted = [e.model_copy(update={"special_group": False}) if e.code == "dibao" else e for e in c.exemptions]
    named = _with_bulletin(c.model_copy(update={"exemptions": demoted}), groups=["dibao", "tekun"])
    with engine.connect() as conn:
        facts = load_facts(conn, c.id)
    engine.dispose()
    before, after = build_report(facts, c, date(2020, 12, 1)), build_report(facts, named, date(2020, 12, 1))

    def rows(r: WeeklyReport, group: str) -> list[tuple[str, int, int]]:
        g = r.groups[r.groups["group"] == group].sort_values("code")
        return list(zip(g["code"], g["target"], g["enrolled"]))

    assert rows(after, "dibao") == rows(before, "dibao") and rows(before, "dibao")
    county = before.county["code"]
    dibao_total = dict((code, (t, e)) for code, t, e in rows(before, "dibao"))[county]
    assert after.county["special_target"] == before.county["special_target"] - dibao_total[0]
    assert after.county["special_enrolled"] == before.county["special_enrolled"] - dibao_total[1]
    special = dict(bulletin_sections(after))["三、特殊群体参保"]
    assert [p.split("：")[0] for p in special] == ["（一）低保对象", "（二）特困人员"]
    assert f"应参保{dibao_total[0]:,}人，已参保{dibao_total[1]:,}人" in special[0]
