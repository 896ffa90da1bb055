"""The weekly workbook's 特殊群体 rows and 说明 (definitions) sheet."""

from __future__ import annotations

from canbao.reports.bulletin_issued import section_marks, threshold_pct
from canbao.reports.table import pct
from canbao.reports.weekly import WeeklyReport
from canbao.state import DENOMINATORS

__all__ = ["notes_lines", "special_rows"]


def special_rows(r: WeeklyReport) -> list[tuple[str, str, int, int, bool]]:
    """(group name, unit name, target, enrolled, is_total): each group's whole-campaign row, then its towns."""
    names = dict(zip(r.units["code"], r.units["name"]))
    towns = list(r.level("town")["code"])
    county = r.county["code"]
    rows = []
    for code, group in r.group_names.items():
        found = r.groups[r.groups["group"] == code].set_index("code")
        if county not in found.index:
            rows.append((group, "合计", 0, 0, True))
            continue
        rows.append((group, "合计", int(found.at[county, "target"]), int(found.at[county, "enrolled"]), True))
        rows += [(group, names[t], int(found.at[t, "target"]), int(found.at[t, "enrolled"]), False)
                 for t in towns if t in found.index and int(found.at[t, "target"]) > 0]
    return rows


def _thresholds_line(r: WeeklyReport) -> str:
    """The bulletin's marks: the units', then the special groups' where they differ."""
    good, warn = section_marks(r)
    line = f"通报阈值：参保率达到{threshold_pct(good)}%为进度较好，低于{threshold_pct(warn)}%为进度滞后"
    special = {code: section_marks(r, code) for code in r.bulletin.sections or r.group_names}
    other = [f"{r.group_names.get(code, code)}{threshold_pct(g)}%/{threshold_pct(w)}%"
             for code, (g, w) in special.items() if (g, w) != (good, warn)]
    return line + (f"；特殊群体（较好/滞后）：{'、'.join(other)}。" if other else "。")


def notes_lines(r: WeeklyReport) -> list[str]:
    """What every column means, in Chinese, with this report's dates and thresholds."""
    return [
        f"{r.title}：说明",
        f"统计截至{r.cutoff_text}；集中参保期{r.period_start:%Y年%m月%d日}至{r.period_end:%Y年%m月%d日}。",
        "已登记：参保登记日期不晚于统计日的人数。",
        "已缴费：已登记且个人缴费已到账（金额相符或多缴）的人数；资助参保：已登记且资助（全额资助，或定额资助足以"
        "抵缴全部个人缴费）已审批的人数。",
        "定额资助不足以抵缴个人缴费的，须自付差额，差额缴清后计入已缴费。参保人数 = 已缴费 + 资助参保。"
        "统计日之后缴费、审批或导入台账的，不计入。",
        "参保率 = 参保人数 ÷ 目标任务（分母为本单位目标任务）；乡镇（街道）未单列目标的，取所辖村（社区）目标之和，"
        f"仍无目标的取上年参保人数。合计行的分母为本表各单位目标任务之和；全域的分母为{DENOMINATORS['towns_and_schools']}。",
        "较上周：与7天前同一时点相比。特殊群体：名单人员按其参保单位（未登记的按上年参保单位）统计。",
        "学生参保：通过学校参保的人数。排名：同一层级按参保率从高到低，并列同名次。",
        f"时序进度：集中参保期内按天数均匀推进应达到的参保率（目标{pct(r.goal_rate, 0)}%），低于时序进度的标为“落后”。",
        "预计期末参保率 = 预计期末登记率 × 缴费比例，仅供参考。预计期末登记率按近几周登记率的周增量推算（周增量按近两周"
        "与前两周之比递减；数据不足或仍在加速时按近两周平均周增量线性推算）；缴费比例为登记满3周的人员中已参保的比例。",
        _thresholds_line(r),
    ]
