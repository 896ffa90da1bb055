"""A local run's owner tag marks its flow runs, subflows included, and none of its task runs (a tagged task run
costs a concurrency-slot request to the server)."""

from __future__ import annotations

import pytest
from prefect import flow, tags, task
from prefect.client.orchestration import get_client
from prefect.context import FlowRunContext, TaskRunContext

from flows.failures import reports_failure
from flows.run_tags import run_tags

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]

OWNER = "canbao-local:host:4242:17"


@task
def task_tags() -> list[str]:
    context = TaskRunContext.get()
    assert context is not None
    return sorted(context.task_run.tags)


@flow
@reports_failure("测试子流程")
def child() -> tuple[str, list[str]]:
    context = FlowRunContext.get()
    assert context is not None
    return str(context.flow_run.id), task_tags()


@flow
@reports_failure("测试流程")
def parent() -> dict[str, object]:
    context = FlowRunContext.get()
    assert context is not None
    with run_tags():
        child_id, child_task_tags = child()
    return {"id": str(context.flow_run.id), "tasks": task_tags(), "child": child_id, "child_tasks": child_task_tags}


def test_the_owner_tag_stays_on_runs_and_off_tasks():
    with tags(OWNER):
        got = parent()
    assert got["tasks"] == [] and got["child_tasks"] == []
    with get_client(sync_client=True) as client:
        for run_id in (got["id"], got["child"]):
            assert OWNER in client.read_flow_run(run_id).tags  # a crashed local run is found by it
