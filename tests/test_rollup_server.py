"""Two counties and their roll-up on a PostgreSQL-backed Prefect server with two workers (issue 14, item 4).

Each county has its own ledger database and its own work queue, served by its own worker; the roll-up runs on
the first worker and fans the counties out over a local Dask cluster. Its totals must equal the sum of the
counties' figures, each computed on its own by `canbao figures`.
"""

from __future__ import annotations

import io
import json
import os
import time
from contextlib import ExitStack, redirect_stdout
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import yaml
from conftest import POSTGRES_ENV, fresh_postgres_database
from province_stack import province

from canbao.cli import main as cli_main
from canbao.generate import generate
from canbao.ledger.migrate import upgrade
from canbao.policy.load import load_campaign
from canbao.rollup import parse_hierarchy
from flows.scale_out import deployments

pytestmark = [pytest.mark.prefect_server, pytest.mark.postgres]
CLOCK = "2019-12-02T08:30:00"
AS_OF = "2019-12-02"
COUNTIES = {"rucheng-2020": ("worker-a", 0.02), "kaijiang-2020": ("worker-b", 0.002)}
POOL = "canbao-city"


def _hierarchy() -> dict:
    return {"rollup": {"code": "9901", "name": "示范市", "level": "city", "counties": [
        {"campaign": c, "ledger_env": f"LEDGER_{c.split('-')[0].upper()}"} for c in COUNTIES]}}


class Laps:
    """Seconds per phase, printed with -s (the test's budget is 120 s in CI)."""

    def __init__(self) -> None:
        self.last, self.laps = time.monotonic(), list[tuple[str, float]]()

    def __call__(self, what: str) -> None:
        now = time.monotonic()
        self.laps.append((what, now - self.last))
        self.last = now

    def report(self) -> str:
        return "; ".join(f"{w} {s:.1f} s" for w, s in self.laps)


def _figures(campaign: str, url: str) -> dict:
    out = io.StringIO()
    with redirect_stdout(out):
        assert cli_main(["figures", "--campaign", campaign, "--as-of", AS_OF, "--database", url]) == 0
    return next(u for u in json.loads(out.getvalue())["units"] if u["level"] == "county")


def test_two_counties_and_the_rollup_on_two_workers(tmp_path: Path) -> None:
    server = os.environ.get(POSTGRES_ENV, "").strip()
    if not server:
        pytest.skip(f"{POSTGRES_ENV} is not set")
    with ExitStack() as stack:
        prefect_db = stack.enter_context(fresh_postgres_database(server))
        ledgers = {c: stack.enter_context(fresh_postgres_database(server)) for c in COUNTIES}
        hierarchy = tmp_path / "city.yaml"
        hierarchy.write_text(yaml.safe_dump(_hierarchy(), allow_unicode=True), encoding="utf-8")
        lap = Laps()

        def ledgers_and_inboxes() -> None:
            for campaign, (_, scale) in COUNTIES.items():
                upgrade(ledgers[campaign])
                generate(load_campaign(campaign), scale, 1, tmp_path / campaign)

        doc = deployments(parse_hierarchy(_hierarchy()), str(hierarchy), POOL, str(tmp_path))
        doc["deployments"] = [d for d in doc["deployments"] if not d["name"].startswith("weekly-report")]
        (tmp_path / "city-prefect.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
        env_of = {f"LEDGER_{c.split('-')[0].upper()}": url for c, url in ledgers.items()}
        common = {"CANBAO_CLOCK": CLOCK, "CANBAO_OUTPUT_DIR": str(tmp_path / "out"),
                  "DASK_TEMPORARY_DIRECTORY": str(tmp_path / "dask"), **env_of}
        workers = {name: {"queues": [c, *(["rollup"] if name == "worker-a" else [])],
                          "env": {"CANBAO_DATABASE_URL": ledgers[c]}} for c, (name, _) in COUNTIES.items()}
        p = stack.enter_context(province(tmp_path, prefect_db, POOL, tmp_path / "city-prefect.yaml", workers,
                                         common, ledgers_and_inboxes))
        lap("ledgers, inboxes; server, pool, workers, deployments")
        counties = [p.run_deployment(f"registration-payment/registration-payment-{c}",
                                     {"as_of": AS_OF}) for c in COUNTIES]
        runs = p.wait_runs(counties, 90)
        assert [r["state"]["type"] for r in runs.values()] == ["COMPLETED", "COMPLETED"]
        lap("two county runs")
        rollup = p.run_deployment("rollup-report/rollup-9901", {"as_of": AS_OF, "task_runner": "dask",
                                                                      "dask_processes": False})
        assert p.wait_runs([rollup], 60)[rollup]["state"]["type"] == "COMPLETED"
        lap("roll-up run")
        by_worker = p.workers_of([*counties, rollup])
        assert by_worker == dict(zip([*counties, rollup], ["worker-a", "worker-b", "worker-a"]))

        oracle = [_figures(c, ledgers[c]) for c in COUNTIES]
        book = openpyxl.load_workbook(next((tmp_path / "out/rollup/9901").glob("*.xlsx")))["汇总"]
        rows = [[c.value for c in row] for row in book.iter_rows()]
        head = next(i for i, row in enumerate(rows) if row[0] == "地区")
        table = {row[0].strip("　"): dict(zip(rows[head], row)) for row in rows[head + 1:] if row[0]}
        city = table["示范市"]
        for label, key in [("目标任务", "target"), ("已登记", "registered"), ("缴费参保", "paid"),
                           ("资助参保", "subsidy_covered"), ("参保人数", "enrolled"), ("缴费不足", "paid_part")]:
            assert city[label] == sum(o[key] for o in oracle), label
        for label, key in [("个人缴费已入账金额（元）", "resident_paid_fen"), ("待退费金额（元）", "overpaid_fen")]:
            assert Decimal(str(city[label])) == Decimal(sum(o[key] for o in oracle)) / 100, label  # fen → yuan
        assert sum(o["enrolled"] for o in oracle) > 0 and sum(o["resident_paid_fen"] for o in oracle) > 0
    lap("oracle, stop")
    print(lap.report(), "| start-up at", "; ".join(f"{w} {t:.1f} s" for w, t in p.started))
