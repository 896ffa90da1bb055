"""Tasks of cleanup: the lists per unit from the ledger, one task per town writing its villages' notices."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from canbao.cleanup.dues import dues_today
from canbao.cleanup.lists import cleanup_items, late_payments
from canbao.cleanup.load import load_cleanup
from canbao.cleanup.workbooks import summary_table, write_summary, write_village_notice
from canbao.policy.load import load_campaign
from canbao.settlement.people import town_of
from tasks.runtime import ledger_engine

__all__ = ["cleanup_batches", "write_cleanup_summary", "write_town_notices"]


@task(name="cleanup-lists", retries=2, retry_delay_seconds=10, cache_policy=NO_CACHE, persist_result=False)
def cleanup_batches(campaign: str, as_of: date) -> dict[str, Any]:
    """Every item to chase with what is due today, late payers, and the units, batched per town."""
    c = load_campaign(campaign)
    with ledger_engine().connect() as conn:
        data = load_cleanup(conn, c, as_of)
    items = cleanup_items(c, data)
    items = pd.concat([items, dues_today(c, items, as_of)], axis=1)
    late = late_payments(c, data.settlement.people)
    units = data.settlement.units
    towns = town_of(units)
    names = dict(zip(units["code"], units["name"]))
    by_town: dict[str, list[str]] = {}
    for unit in sorted(set(items["unit_code"].dropna()) | set(late["unit_code"].dropna())):
        by_town.setdefault(towns.get(unit, unit), []).append(unit)
    batches = [{"town": town, "units": [{"code": u, "name": names.get(u, u), "items": items[items["unit_code"] == u],
                                         "late": late[late["unit_code"] == u]} for u in units_of]}
               for town, units_of in sorted(by_town.items())]
    get_run_logger().info("%s 截至 %s：%s；逾期未缴 %d 人", campaign, as_of,
                          items["item"].value_counts().to_dict(), len(late))
    return {"items": items, "late": late, "units": units, "batches": batches}


@task(name="write-town-notices", task_run_name="notices-{batch[town]}", cache_policy=NO_CACHE, persist_result=False)
def write_town_notices(campaign: str, batch: dict[str, Any], as_of: date, out: str) -> list[str]:
    """The notice workbook of every unit of one town that has someone to chase or a late payer."""
    c = load_campaign(campaign)
    return [str(write_village_notice(Path(out), c, u["code"], u["name"], u["items"], u["late"], as_of))
            for u in batch["units"]]


@task(name="write-cleanup-summary", cache_policy=NO_CACHE, persist_result=False)
def write_cleanup_summary(campaign: str, lists: dict[str, Any], as_of: date, out: str) -> tuple[str, list[dict]]:
    """The county's summary workbook (counts only) and its rows for the artifact."""
    table = summary_table(lists["items"], lists["late"], lists["units"])
    path = write_summary(Path(out), load_campaign(campaign), table, as_of)
    return str(path), table.drop(columns=["单位代码"]).astype(str).to_dict("records")
