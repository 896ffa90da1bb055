"""The bring-up's summary, from the server itself: every deployment with its next run and V2 UI link."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence

from dateutil.rrule import rrulestr
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    DeploymentFilter,
    DeploymentFilterId,
    FlowRunFilter,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import DeploymentSchedule, StateType
from prefect.client.schemas.schedules import RRuleSchedule
from prefect.client.schemas.sorting import FlowRunSort

from canbao.clock import SHANGHAI, wall_now

__all__ = ["deployment_lines", "main"]


async def deployment_lines(ui: str) -> list[str]:
    """One line per deployment on the server: `flow/name`, its next scheduled run (Beijing time) and its page."""
    lines = []
    async with get_client() as client:
        flows = {f.id: f.name for f in await client.read_flows()}
        for d in sorted(await client.read_deployments(), key=lambda d: (flows.get(d.flow_id, ""), d.name)):
            runs = await client.read_flow_runs(
                deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[d.id])),
                flow_run_filter=FlowRunFilter(state=FlowRunFilterState(
                    type=FlowRunFilterStateType(any_=[StateType.SCHEDULED]))),
                sort=FlowRunSort.EXPECTED_START_TIME_ASC, limit=1)
            when = runs[0].expected_start_time if runs and runs[0].expected_start_time else None
            nxt = f"下次 {when.astimezone(SHANGHAI):%Y-%m-%d %H:%M}" if when else _unscheduled(d.schedules or [])
            lines += [f"  - {flows.get(d.flow_id, '?')}/{d.name}: {nxt}", f"      {ui}/deployments/deployment/{d.id}"]
    return lines


def _unscheduled(schedules: list[DeploymentSchedule]) -> str:
    """Why a deployment has no scheduled run yet: on demand, its calendar is over, or the scheduler is due."""
    rules = [s.schedule for s in schedules if s.active]
    if not rules:
        return "按需运行"
    local_now = wall_now().replace(tzinfo=None)
    ahead = [r for r in rules if not isinstance(r, RRuleSchedule) or rrulestr(r.rrule).after(local_now)]
    return "定时（调度器稍后排出运行）" if ahead else "日程已结束（活动日历在过去）"


def main(argv: Sequence[str] | None = None) -> int:
    """Print the deployment lines for the V2 UI at argv[0] (e.g. http://127.0.0.1:4200/v2)."""
    args = list(sys.argv[1:] if argv is None else argv)
    print("\n".join(asyncio.run(deployment_lines(args[0].rstrip("/")))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
