"""The live demo's daily release: the held-back rows that have happened by today move into the county's inbox."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

from prefect import flow
from prefect.artifacts import create_table_artifact

from canbao.formats.sources import source_title
from canbao.live import release_due
from flows.params import BLANK, Blank, OptionalText, labelled
from tasks.runtime import clock_today

__all__ = ["live_release"]

Inbox = Annotated[str | None, Blank, OptionalText, labelled(
    "收件箱目录", "实时演示县的收件箱，由 `canbao live` 在启动演示时填写；留空则不放入任何文件")]
Later = Annotated[str | None, Blank, OptionalText, labelled(
    "待放入目录", "尚未发生的登记、缴费行所在目录（收件箱之外），由 `canbao live` 填写")]


@flow(name="live-release", log_prints=True)
def live_release(inbox: Inbox = BLANK, later: Later = BLANK) -> dict:
    """Move every held-back row of a day up to today (`canbao.clock`) from `later` into `inbox`, one new file
    per held-back file and day, so the registration flow sees them as new files; nothing without a live demo."""
    day = clock_today()
    if not inbox or not later:
        print("未设置实时演示的收件箱：没有待放入的文件")
        return {"day": day.isoformat(), "files": [], "rows": 0, "rows_held": 0}
    held = release_due(Path(later), Path(inbox), day)
    per_source = Counter(path.relative_to(inbox).parts[0] for path in held.files)
    records = [{"来源": source_title(code), "新文件数": n} for code, n in sorted(per_source.items())]
    if records:
        create_table_artifact(records, key="live-release",
                              description=f"实时演示：截至{day.isoformat()}已发生的{held.rows_now}行放入收件箱")
    print(f"{day.isoformat()}：放入{len(held.files)}个文件（{held.rows_now}行），尚有{held.rows_later}行待日后放入")
    return {"day": day.isoformat(), "files": [str(p) for p in held.files], "rows": held.rows_now,
            "rows_held": held.rows_later}
