"""Link every file a run wrote in its output folder from the run page (link artifacts to the file service)."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from pathlib import Path

from prefect import get_run_logger, task
from prefect.artifacts import create_link_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from canbao.outputs import download_url, output_root

__all__ = ["link_outputs"]

_DATES = re.compile(r"\d{4}-?\d{2}-?\d{2}(T\d+)?")


def _key(campaign: str, relative: str) -> str:
    """One key per kind of file (dates left out), so each run's file is a new version of the same artifact."""
    kind = hashlib.sha1(_DATES.sub("", relative).encode()).hexdigest()[:10]
    return f"{campaign}-file-{kind}"


@task(name="link-outputs", cache_policy=NO_CACHE, persist_result=False)
def link_outputs(campaign: str, out: str | Path) -> list[str]:
    """A link artifact per file under `out` written since the run started; the addresses linked."""
    started: datetime | None = flow_run.start_time
    since = started.timestamp() if started else 0.0
    root, logger = output_root(), get_run_logger()
    links = []
    for path in sorted(p for p in Path(out).rglob("*") if p.is_file() and p.stat().st_mtime >= since):
        url = download_url(path, root)
        if url is None:
            logger.info("输出文件 %s 不在文件服务目录 %s 下（或未配置 CANBAO_FILES_URL），未生成下载链接", path, root)
            continue
        relative = path.resolve().relative_to(root).as_posix()
        create_link_artifact(url, link_text=path.name, key=_key(campaign, relative),
                             description=f"输出文件（点击下载）：{relative}")
        links.append(url)
    return links
