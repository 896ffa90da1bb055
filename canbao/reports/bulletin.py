"""The progress bulletin (进度通报): a short Chinese text drawn from the weekly report's numbers."""

from __future__ import annotations

from fractions import Fraction

import pandas as pd

from canbao.reports.bulletin_issued import bulletin_heading, section_marks, threshold_pct
from canbao.reports.bulletin_style import Marks
from canbao.reports.table import level_table, pct
from canbao.reports.weekly import WeeklyReport, rate
from canbao.state import rate_label

__all__ = ["bulletin_markdown", "bulletin_sections", "bulletin_text", "bulletin_title"]

_DIGITS = "零一二三四五六七八九"


def _ordinal(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (n < 100)."""
    tens, ones = divmod(n, 10)
    return (("" if tens < 2 else _DIGITS[tens]) + "十" if tens else "") + (_DIGITS[ones] if ones else "")
Section = tuple[str, list[str]]


def _area(r: WeeklyReport) -> str:
    """`全区`, `全县`, `全市`, `全街道`: how the bulletin names the whole campaign."""
    locality = r.locality.rstrip("）)")
    return "全街道" if locality.endswith("街道") else f"全{locality[-1]}" if locality[-1] in "区县市镇" else "全域"


def _p(value: Fraction | None, places: int) -> str:
    return "—" if value is None else f"{pct(value, places)}%"


def _named(rows: pd.DataFrame, places: int, column: str = "rate") -> str:
    return "、".join(f"{n}（{_p(v, places)}）" for n, v in zip(rows["name"], rows[column]))


def _sorted(table: pd.DataFrame, column: str, descending: bool) -> pd.DataFrame:
    keyed = table.assign(_k=[(-v if descending else v) for v in table[column]])
    return keyed.sort_values(["_k", "code"], kind="stable").drop(columns="_k")


def _named_level(r: WeeklyReport) -> tuple[str, pd.DataFrame]:
    """The units the bulletin names: the towns, or the villages where there is only one town."""
    level, noun = ("town", r.town_noun) if len(r.level("town")) > 1 else ("village", "村（社区）")
    table = level_table(r, level)
    return noun, table[table["rate"].notna()]


def _thresholds(noun: str, t: pd.DataFrame, column: str, marks: Marks, places: int) -> str:
    good, warn = Fraction(marks[0]), Fraction(marks[1])
    above = _sorted(t[[v >= good for v in t[column]]], column, True)
    below = _sorted(t[[v < warn for v in t[column]]], column, False)
    good_pct = threshold_pct(good)
    first = (f"参保率达到{good_pct}%以上的{noun}{len(above)}个：{_named(above, places, column)}。" if len(above)
             else f"暂无参保率达到{good_pct}%的{noun}。")
    rest = len(t) - len(above)
    second = f"其余{rest}个{noun}未达到{threshold_pct(good)}%" + (
        f"，其中低于{threshold_pct(warn)}%的{len(below)}个：{_named(below, places, column)}。" if len(below)
        else f"，均不低于{threshold_pct(warn)}%。") if rest else ""
    return first + second


def bulletin_title(r: WeeklyReport) -> str:
    """E.g. `渝中区2021年度城乡居民医保参保工作进度通报`."""
    return f"{r.locality}{r.insurance_year}年度城乡居民医保参保工作进度通报"


def _special(r: WeeklyReport, noun: str, t: pd.DataFrame, places: int) -> list[str]:
    """One paragraph per group that gets a section, with its own thresholds."""
    out = []
    sections = [g for g in (r.bulletin.sections or r.group_names) if g in r.group_names]
    for i, code in enumerate(sections):
        name = r.group_names[code]
        rows = r.groups[r.groups["group"] == code].set_index("code")
        total = rows.loc[r.county["code"]] if r.county["code"] in rows.index else None
        if total is None or int(total["target"]) == 0:
            out.append(f"（{_ordinal(i + 1)}）{name}：名单暂无人员。")
            continue
        g = t[["code", "name"]].assign(rate=[rate(rows["enrolled"].get(c, 0), rows["target"].get(c, 0))
                                              for c in t["code"]]).dropna(subset=["rate"])
        text = _thresholds(noun, g, "rate", section_marks(r, code), places) if len(g) else ""
        out.append(f"（{_ordinal(i + 1)}）{name}：应参保{int(total['target']):,}人，"
                   f"已参保{int(total['enrolled']):,}人，参保率{_p(rate(total['enrolled'], total['target']), places)}"
                   f"（目标{pct(r.special_goal, 0)}%）。{text}")
    return out


def bulletin_sections(r: WeeklyReport) -> list[Section]:
    """The bulletin as (heading, paragraphs): overall, units, special groups, forecast."""
    places = r.bulletin.decimals
    noun, t = _named_level(r)
    county = level_table(r, "county").iloc[0]
    target = "未下达目标任务" if pd.isna(county["target"]) else f"目标任务{int(county['target']):,}人"
    head = (f"{_area(r)}{target}，已参保{county['enrolled']:,}人（缴费参保"
            f"{county['paid']:,}人、资助参保{county['exempt']:,}人），{rate_label(county.get('target_basis'))}"
            f"{_p(county['rate'], places)}，较上周新增{county['change']:,}人、提高"
            f"{pct((county['rate'] or 0) - (county['rate_last_week'] or 0), places)}个百分点；"
            f"按时序进度应达{_p(r.pace(), places)}，目标参保率{pct(r.goal_rate, 0)}%。")
    behind = _sorted(t[t["below_pace"]], "rate", False)
    units = [_thresholds(noun, t, "rate", section_marks(r), places),
             f"落后于时序进度的{noun}{len(behind)}个" + (f"：{_named(behind, places)}。" if len(behind) else "。")]
    special = _special(r, noun, t, places)
    sections: list[Section] = [("一、总体进度", [head]), (f"二、各{noun}进度", units),
                               ("三、特殊群体参保", special or ["本地区未设特殊群体目标。"])]
    if r.as_of < r.period_end:
        final = county["forecast"]
        short = _sorted(t[[f is not None and f < Fraction(r.goal_rate) for f in t["forecast"]]], "forecast", False)
        sections.append(("四、期末预测", [
            f"按各单位近几周的登记趋势和已登记人员的缴费比例推算，预计到{r.period_end.month}月{r.period_end.day}日"
            f"{_area(r)}参保率约{_p(final, places)}；预计达不到{pct(r.goal_rate, 0)}%目标的{noun}{len(short)}个"
            + (f"：{_named(short, places, 'forecast')}。" if len(short) else "。")]))
    return sections


def bulletin_markdown(r: WeeklyReport) -> str:
    """The bulletin as markdown (Prefect artifact, chat groups)."""
    lines = [f"# {bulletin_title(r)}", ""]
    for line in bulletin_heading(r):
        lines += [f"**{line}**" if line.startswith(("第", "（截至")) else line, ""]
    for heading, paragraphs in bulletin_sections(r):
        lines += [f"## {heading}", "", *[p + "\n" for p in paragraphs]]
    if r.footnote:
        lines += ["---", "", f"*{r.footnote}*"]
    return "\n".join(lines).rstrip() + "\n"


def bulletin_text(r: WeeklyReport) -> str:
    """The bulletin as plain text for Word: title, date line, headings, indented paragraphs, CRLF lines."""
    lines = [bulletin_title(r), *bulletin_heading(r), ""]
    for heading, paragraphs in bulletin_sections(r):
        lines += [heading, *[f"\u3000\u3000{p}" for p in paragraphs], ""]
    if r.footnote:
        lines += [r.footnote, ""]
    return "\r\n".join(lines).rstrip() + "\r\n"
