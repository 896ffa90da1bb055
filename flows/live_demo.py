"""Point the demo county's deployments at the live demo (config, inbox, moved schedules, the daily release of
held-back rows); start the deadline watch."""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID

from prefect.client.orchestration import PrefectClient, get_client
from prefect.client.schemas.actions import DeploymentScheduleCreate, DeploymentUpdate
from prefect.client.schemas.schedules import RRuleSchedule

from canbao.clock import now, wall_now
from canbao.live import RELEASE, LiveDemo, clock_lag_weeks, live_schedules
from canbao.policy.load import load_campaign

__all__ = ["apply_live_demo"]

WATCH = "deadline-watch/deadline-watch"


def _parameters(c_id: str, demo: LiveDemo) -> dict[str, dict[str, Any]]:
    """Parameters each of the county's deployments takes from the live demo (merged into what it has)."""
    inbox = {"inbox": demo.inbox}
    return {"registration-payment/registration-payment": inbox, f"exemption-handoff/exemption-handoff-{c_id}": inbox,
            f"weekly-report/weekly-report-{c_id}": {}, f"roster-posting/roster-posting-{c_id}": {},
            "mobilization/mobilization": {}, "cleanup/cleanup": {}, "subsidy-settlement/subsidy-settlement": {},
            RELEASE: {"inbox": demo.inbox, "later": demo.later}}


async def _update(client: PrefectClient, name: str, extra: dict[str, Any], config_path: str,
                  rule: str | None, timezone: str) -> None:
    d = await client.read_deployment_by_name(name)
    accepted = (d.parameter_openapi_schema or {}).get("properties", {})
    parameters = d.parameters | extra | ({"config_path": config_path} if "config_path" in accepted else {})
    await client.update_deployment(d.id, DeploymentUpdate(parameters=parameters))
    if rule is None:
        return
    for old in await client.read_deployment_schedules(d.id):
        await client.delete_deployment_schedule(d.id, old.id)
    slug = d.schedules[0].slug if d.schedules else None
    await client.create_deployment_schedules(d.id, [DeploymentScheduleCreate(
        schedule=RRuleSchedule(rrule=rule, timezone=timezone), active=True, slug=slug)])


async def _apply(demo: LiveDemo, watch: bool) -> dict[str, Any]:
    c = load_campaign(demo.config_path)
    lag = clock_lag_weeks(now(), wall_now())
    rules = live_schedules(c, lag)
    async with get_client() as client:
        for name, extra in _parameters(c.id, demo).items():
            await _update(client, name, extra, demo.config_path, rules.get(name), c.campaign.timezone)
        run_id: UUID | None = None
        if watch:
            deployment = await client.read_deployment_by_name(WATCH)
            run = await client.create_flow_run_from_deployment(deployment.id, parameters={"campaigns": [c.id]})
            run_id = run.id
    return {"schedules": rules, "clock_lag_weeks": lag, "deadline_watch_run": str(run_id) if run_id else None}


def apply_live_demo(demo: LiveDemo, watch: bool = True) -> dict[str, Any]:
    """Update the county's deployments on the server (PREFECT_API_URL) for `demo` and, with `watch`, start one
    deadline-watch run for its campaign; what was set and the run's id."""
    return asyncio.run(_apply(demo, watch))
