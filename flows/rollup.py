"""Roll-up (参保情况汇总): every county's figures from its ledger, summed into its cities and the province.

Per-county work fans out over a task runner chosen by parameter: threads in the flow's process, or Dask
(`prefect-dask`): a local cluster started for the run, or a running cluster at `dask_address`.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import pandas as pd
from prefect import flow
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from canbao.rollup import CountyFigures, load_hierarchy, roll_up
from canbao.state.figures import pct
from flows.params import BLANK, AsOf, Blank, OptionalText, OutputDir, labelled
from tasks.rollup import county_figures_task, publish_rollup, write_rollup_files
from tasks.runtime import clock_today

__all__ = ["county_figures", "make_task_runner", "rollup_report"]

RunnerKind = Literal["threads", "dask"]


def make_task_runner(kind: RunnerKind, workers: int, address: str | None = None,
                     processes: bool = True) -> TaskRunner[Any]:
    """Threads, a local Dask cluster of `workers` processes (threads with `processes=False`), or the Dask
    cluster at `address`."""
    if kind == "threads":
        return ThreadPoolTaskRunner(max_workers=workers)
    from prefect_dask import DaskTaskRunner

    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": processes,
                                          "dashboard_address": "127.0.0.1:0"})  # a free loopback port


@flow(name="county-figures", flow_run_name="{region}-county-figures")
def county_figures(region: str, counties: list[dict[str, Any]], as_of: date,
                   cutoff_hour: int) -> list[dict[str, Any] | None]:
    """Each county's figures, one task per county, on the run's task runner."""
    futures = [county_figures_task.submit(**county, as_of=as_of, cutoff_hour=cutoff_hour) for county in counties]
    return [f.result() for f in futures]


def _run_name() -> str:
    """E.g. `rollup-jiangsu-2020`: the config file's stem."""
    from prefect.runtime import flow_run

    return f"rollup-{Path(str(flow_run.parameters.get('hierarchy', ''))).stem}"


@flow(name="rollup-report", flow_run_name=_run_name, log_prints=True)
def rollup_report(
    hierarchy: Annotated[str, labelled("汇总配置", "configs/rollup/ 中的配置文件：哪些县组成哪些市、省")] =
    "configs/rollup/jiangsu-2020.yaml",
    as_of: AsOf = BLANK,
    output_dir: OutputDir = BLANK,
    task_runner: Annotated[RunnerKind, labelled("并行方式", "threads：本进程多线程；dask：Dask 集群")] = "threads",
    dask_address: Annotated[str | None, Blank, OptionalText, labelled(
        "Dask 集群地址", "如 tcp://10.0.0.5:8786；留空则启动本机集群")] = BLANK,
    workers: Annotated[int, labelled("并行数", "线程数或本机 Dask 集群的进程数")] = 2,
    dask_processes: Annotated[bool, labelled("本机 Dask 集群用多进程", "否则本机集群的各 worker 为线程")] = True,
) -> dict[str, Any]:
    """Gather every county's figures as of the day, sum them up the hierarchy, write and publish the report."""
    h = load_hierarchy(hierarchy)
    day = as_of or clock_today()
    counties = [{"campaign": c.campaign, "config": c.config, "ledger_env": c.ledger_env} for c in h.counties()]
    gather = county_figures.with_options(task_runner=make_task_runner(task_runner, workers, dask_address,
                                                                     dask_processes))
    found = [CountyFigures.from_dict(f) for f in gather(h.top.code, counties, day, h.cutoff_hour) if f is not None]
    r = roll_up(h, found, day)
    base = Path(output_dir) if output_dir else Path(os.environ.get("CANBAO_OUTPUT_DIR", "out")) / "rollup"
    files = write_rollup_files(r, h.top.code, str(base / h.top.code))
    key = publish_rollup(r, h.top.code)
    top = r.row(h.top.code)
    target = None if pd.isna(top["target"]) else int(top["target"])
    print(f"{h.top.name} as of {day}: {top['enrolled']} enrolled of {target}; missing: {list(r.missing)}")
    return {"region": h.top.code, "as_of": day.isoformat(), "counties": int(top["counties"]),
            "reported": int(top["reported"]), "missing": list(r.missing),
            "target": target, "enrolled": int(top["enrolled"]),
            "rate_pct": None if top["rate"] is None else str(pct(top["rate"])),
            "resident_paid_fen": int(top["resident_paid_fen"]), "artifact": key, "files": files}
