"""On the run page: every file a run wrote (links to the file service), and tables split to fit the UI."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from uuid import UUID

from prefect import get_run_logger, task
from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client
from prefect.runtime import flow_run

from canbao.outputs import FILES_URL_ENV, column_groups, download_url, output_root

__all__ = ["link_outputs", "publish_table"]


def _key(campaign: str, flow: str, path: Path, taken: set[str]) -> str:
    """`<campaign>-<flow>-<extension>` (then -2, -3…): each run's workbook a new version of the same key."""
    base = f"{campaign}-{flow}-{path.suffix.lstrip('.').lower() or 'file'}"
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    taken.add(key)
    return key


def _run_started() -> float:
    """When the flow run started (epoch seconds); 0 outside a run (every file counts)."""
    if flow_run.id is None:
        return 0.0
    with get_client(sync_client=True) as client:
        started = client.read_flow_run(UUID(flow_run.id)).start_time
    return started.timestamp() - 1 if started else 0.0  # a second's slack for file systems' coarse clocks


@task(name="link-outputs", cache_policy=NO_CACHE, persist_result=False)
def link_outputs(campaign: str, out: str | Path, reused: Sequence[str | Path] = ()) -> list[str]:
    """Every file under `out` written since the run started, and the earlier files the run `reused` (an
    unchanged rerun's workbooks), downloadable from the run page: one list of links (`<campaign>-<flow>-files`)
    and a link artifact per file at the top of `out` (the main workbooks); the addresses linked."""
    root, logger = output_root(), get_run_logger()
    if not os.environ.get(FILES_URL_ENV):
        logger.info("未配置文件服务（%s）：输出文件在 %s，未生成下载链接", FILES_URL_ENV, out)
        return []
    since, top = _run_started(), Path(out).resolve()
    flow = re.sub(r"[^a-z0-9-]+", "-", (flow_run.flow_name or "run").lower())
    rows, links, keys = [], [], set[str]()
    # Hidden files (the intake's stamp) are bookkeeping, not outputs.
    kept = {Path(p).resolve() for p in reused}
    for path in sorted(p for p in top.rglob("*") if p.is_file() and not p.name.startswith(".")
                       and (p.stat().st_mtime >= since or p.resolve() in kept)):
        url = download_url(path, root)
        if url is None:
            logger.info("输出文件 %s 不在文件服务目录 %s 下，无下载链接", path, root)
            continue
        relative = path.relative_to(root).as_posix()
        rows.append(f"| [{path.relative_to(top).as_posix()}]({url}) | {path.stat().st_size / 1024:,.1f} KB |")
        if path.parent == top:
            create_link_artifact(url, link_text=path.name, key=_key(campaign, flow, path, keys),
                                 description=f"下载 {path.name}（{relative}）")
        links.append(url)
    if rows:
        head = [f"# 输出文件（{len(rows)}个，点击下载）", "", "| 文件 | 大小 |", "|---|---:|"]
        create_markdown_artifact("\n".join([*head, *rows]), key=f"{campaign}-{flow}-files",
                                 description=f"本次运行{'写出或沿用' if kept else '写出'}的{len(rows)}个文件"
                                             f"（点击查看并下载），位于 {top}")
    return links


def publish_table(records: list[dict[str, object]], key: str, description: str, keep: int = 1) -> list[str]:
    """A table artifact `key`, split into `key`, `key-2`… (each repeating the first `keep` label columns) when
    it is too wide for the run page; the keys created."""
    groups = column_groups(records, keep)
    keys = [key if i == 0 else f"{key}-{i + 1}" for i in range(len(groups))]
    for i, (part, part_key) in enumerate(zip(groups, keys, strict=True)):
        note = "" if len(groups) == 1 else f"（{i + 1}/{len(groups)}）"
        create_table_artifact(part, key=part_key, description=f"{description}{note}")
    return keys
