"""What needs the coordinator's attention after taking in lists: files refused, columns not used, files re-sent.

The same text goes to the top of the run's summary artifact, the log, the note back to the agency and the
coordinator's notification; it holds headers and reason codes, never a person's data (IDs are masked).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from canbao.exemptions.summary import agency_name
from canbao.policy.model import Campaign
from canbao.reasons import label

__all__ = ["ATTENTION", "agency_notice", "attention_lines", "problem_lines", "warning_lines"]

ATTENTION = "需处理"  # the name of the run's final state when something needs attention


def _base(file: str) -> str:
    return file.split("/")[-1]


def problem_lines(problem: Mapping[str, Any]) -> list[str]:
    """One refused file: the reason, the headers found, the headers expected, the config line that maps them."""
    lines = [f"- 文件“{_base(problem['file'])}”未能导入：{label(problem['reason'])}。{problem['detail']}"]
    if problem.get("found"):
        lines.append(f"  - 表头中有：{'、'.join(problem['found'])}")
    for column, names in (problem.get("expected") or {}).items():
        lines.append(f"  - 可识别为“{names[0]}”的列名：{'、'.join(names)}（{column}）")
    for hint in problem.get("hint") or ():
        lines.append(f"  - 在活动配置中加入：`{hint}`")
    return lines


def warning_lines(c: Campaign, received: Sequence[Mapping[str, Any]]) -> list[str]:
    """Markdown lines naming the columns of each file that were not used (a warning: the rows went in)."""
    return [f"- 警告：{agency_name(c, r['agency'])}“{_base(file)}”中未使用的列：{'、'.join(columns)}"
            for r in received for file, columns in (r.get("ignored_columns") or {}).items() if columns]


def attention_lines(c: Campaign, received: Sequence[Mapping[str, Any]]) -> list[str]:
    """Markdown lines for every agency whose delivery had refused files or was sent again unchanged."""
    lines: list[str] = []
    for r in received:
        name = agency_name(c, r["agency"])
        for p in r.get("problems", []):
            lines += [f"**{name}**：", *problem_lines(p)]
        if r.get("repeated"):
            lines.append(f"- {name}重新报送的文件与已导入的第{r['repeated']}版完全相同，未再导入"
                         "（如需重新导入，运行时勾选“重新导入相同文件”）")
    return lines


def agency_notice(c: Campaign, agency: str, problems: Sequence[Mapping[str, Any]]) -> str:
    """The note back to the agency when some of its files could not be read (markdown)."""
    return "\n".join([
        f"### 免缴对象名单文件未能导入：{agency_name(c, agency)}", "",
        *[line for p in problems for line in problem_lines(p) if "活动配置" not in line],
        "", "请按上述可识别的列名修改表头后重新报送完整名单，或联系医保局在配置中登记贵单位的列名。",
    ])
