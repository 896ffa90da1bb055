"""How many task runs per second a running Prefect server persists (PREFECT_API_URL): one flow of N trivial tasks,
then the server is polled until it holds all of them. Prints one JSON line.

    PREFECT_API_URL=http://127.0.0.1:4200/api python bench/server_rate.py --tasks 2000
"""

from __future__ import annotations

import argparse
import json
import time

import httpx
from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.settings import PREFECT_API_URL


@task(cache_policy=NO_CACHE, persist_result=False)
def unit(i: int) -> int:
    """A task that does nothing worth measuring."""
    return i


@flow(name="server-rate")
def many(n: int) -> str:
    """N trivial tasks, submitted at once; returns the flow run's id."""
    from prefect.runtime import flow_run

    for f in [unit.submit(i) for i in range(n)]:
        f.result()
    return str(flow_run.get_id())


def persisted(run_id: str) -> int:
    """Task runs of the flow run the server holds in state Completed."""
    body = {"flow_runs": {"id": {"any_": [run_id]}}, "task_runs": {"state": {"type": {"any_": ["COMPLETED"]}}}}
    return int(httpx.post(f"{PREFECT_API_URL.value()}/task_runs/count", json=body, timeout=30).json())


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tasks", type=int, default=1000)
    n = p.parse_args().tasks
    start = time.monotonic()
    run_id = many(n)
    in_flow = time.monotonic() - start
    while persisted(run_id) < n and time.monotonic() - start < 600:
        time.sleep(0.5)
    total = time.monotonic() - start
    print(json.dumps({"tasks": n, "flow_seconds": round(in_flow, 1), "persisted_seconds": round(total, 1),
                      "persisted_per_second": round(n / total, 1)}))


if __name__ == "__main__":
    main()
