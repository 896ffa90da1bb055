"""What needs the coordinator's attention after taking in lists: files refused, columns not used, files re-sent.

The same text goes to the top of the run's summary artifact, the log, the note back to the agency and the
coordinator's notification; it holds headers and reason codes, never a person's data (IDs are masked).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from canbao.exemptions.summary import agency_name
from canbao.identity import mask_ids_in
from canbao.policy.model import Campaign
from canbao.reasons import label

__all__ = ["ATTENTION", "agency_notice", "attention_lines", "problem_lines", "unused_columns_line", "warning_lines"]

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


def unused_columns_line(owner: str, files: Mapping[str, Sequence[str]]) -> str | None:
    """One warning line for the columns not used in one source's (or agency's) files: the file named when there
    is one, else how many files, each column with the number of files that had it unless all did."""
    used = {mask_ids_in(_base(file)): columns for file, columns in files.items() if columns}
    if len(used) <= 1:
        return next((f"- 警告：{owner}“{file}”中未使用的列：{'、'.join(columns)}" for file, columns in used.items()),
                    None)
    counts = Counter(column for columns in used.values() for column in dict.fromkeys(columns))
    listed = "、".join(column if n == len(used) else f"{column}（{n}个文件）" for column, n in counts.items())
    return f"- 警告：{owner}{len(used)}个文件中未使用的列：{listed}"


def warning_lines(c: Campaign, received: Sequence[Mapping[str, Any]]) -> list[str]:
    """Markdown lines naming the columns not used, one line per agency, and the files whose 纳入资助时间 could not
    be read on some rows (warnings: the rows went in)."""
    files: dict[str, dict[str, Sequence[str]]] = {}
    for r in received:
        files.setdefault(r["agency"], {}).update(r.get("ignored_columns") or {})
    lines = [line for agency, of in files.items() if (line := unused_columns_line(agency_name(c, agency), of))]
    return lines + [f"- 警告：{agency_name(c, r['agency'])}“{mask_ids_in(_base(file))}”中{n}行的纳入资助时间无法识别"
                    "（人员已导入，未保存该时间）" for r in received for file, n in (r.get("undated") or {}).items()]


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
