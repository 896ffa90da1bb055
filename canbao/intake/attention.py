"""What needs the coordinator's attention after a registration-and-payment intake: refused and re-sent files.

The lines head the run's summary artifact and go to the log and the coordinator's notification; each refused
file is described by canbao.exemptions.problems.problem_lines (headers found, expected, config line), the
one wording for every list. File names have ID-like digits masked; no cell value is ever shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from canbao.exemptions.problems import problem_lines, unused_columns_line
from canbao.formats.sources import source_title
from canbao.identity import mask_ids_in

__all__ = ["intake_attention_lines", "intake_warning_lines"]


def intake_attention_lines(batches: Sequence[Mapping[str, Any]]) -> list[str]:
    """Markdown lines for every file refused whole and every file sent again unchanged, source by source."""
    lines: list[str] = []
    for b in batches:
        title = source_title(b["source"])
        for p in b.get("problems") or ():
            lines += [f"**{title}**：", *problem_lines(p)]
        for name in b.get("repeated") or ():
            lines.append(f"- {title}文件“{mask_ids_in(name)}”与已导入的文件完全相同，未再导入"
                         "（如需重新导入，运行时勾选“重新导入相同文件”）")
    return lines


def intake_warning_lines(batches: Sequence[Mapping[str, Any]]) -> list[str]:
    """Markdown lines naming the columns not used, one line per source (a warning: the rows went in)."""
    files: dict[str, dict[str, Sequence[str]]] = {}
    for b in batches:
        files.setdefault(b["source"], {}).update(b.get("ignored_columns") or {})
    return [line for source, of in files.items() if (line := unused_columns_line(source_title(source), of))]
