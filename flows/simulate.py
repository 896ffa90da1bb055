"""A whole campaign, simulated: a generated county walked through its calendar on a simulated clock."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

from prefect import flow, get_run_logger

from canbao.clock import CLOCK_ENV
from canbao.intake.inbox import INTAKE_ORDER
from canbao.ledger.engine import ENV_VAR, mask_url
from canbao.ledger.migrate import upgrade
from canbao.policy.model import Campaign
from canbao.simulate.confirm import write_duty_file
from canbao.simulate.plan import Step, plan
from flows.cleanup import cleanup
from flows.failures import reports_failure
from flows.mobilization import mobilization
from flows.params import BLANK, Blank, CampaignName, ConfigPath, OptionalText, labelled
from flows.phase_params import SimulationOut, SimulationScale, SimulationSeed, StepWeeks
from flows.registration_payment import registration_payment
from flows.run_config import run_config
from flows.run_tags import run_tags
from flows.subsidy_settlement import subsidy_settlement
from tasks.simulate import LEDGER_FILE, bank_receipts, fresh_county

__all__ = ["simulate"]

_KEEP = ("files", "rows", "accepted", "rejections", "enrolled", "target", "items", "late_payers", "notices",
         "reconciled", "transfers", "overdue", "duties", "campaigns", "status", "decided", "exemption_persons")


@contextmanager
def _env(**values: str) -> Iterator[None]:
    """Environment variables set for a block (the simulated clock, the simulation's own ledger)."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _colleague(module: str, name: str) -> Any:
    """A flow another phase provides, or None where that module is not there (the step is then skipped)."""
    try:
        return getattr(__import__(f"flows.{module}", fromlist=[name]), name)
    except ImportError:
        return None


def _run(step: Step, c: Campaign, path: str | None, scale: float, root: Path) -> dict:
    """Run one step's flow with the simulation's config (`path`: its file, None for configs/); its result (or why
    it was skipped)."""
    reports, day, campaign = str(root / "reports"), step.day, c.id
    if step.action == "intake":
        return registration_payment(campaign=campaign, inbox=str(step.folder), sources=list(INTAKE_ORDER),
                                    as_of=day, output_dir=str(root / "reports" / "登记缴费" / day.isoformat()),
                                    move_processed=False, config_path=path)
    if step.action == "mobilization":
        return mobilization(campaign=campaign, as_of=day, output_dir=reports, target_scale=scale, config_path=path)
    if step.action == "duties":
        done = write_duty_file(root / "confirmations" / f"工作完成情况_{day.isoformat()}.csv", c, day)
        return mobilization(campaign=campaign, as_of=day, output_dir=reports, target_scale=scale,
                            confirmation_file=str(done), config_path=path)
    if step.action == "cleanup":
        return cleanup(campaign=campaign, as_of=day, output_dir=reports, config_path=path)
    if step.action == "settlement":
        return subsidy_settlement(campaign=campaign, as_of=day, output_dir=reports, config_path=path)
    if step.action == "confirmations":
        receipts = bank_receipts(campaign, day, str(root))
        return subsidy_settlement(campaign=campaign, as_of=day, output_dir=reports, confirmation_file=receipts,
                                  config_path=path)
    # Flows of other phases (issues 5, 7 and the exemption lists): called when present.
    if step.action == "exemptions":
        handoff = _colleague("exemption_handoff", "exemption_handoff")
        return {"status": "skipped: flows/exemption_handoff.py missing"} if handoff is None else handoff(
            campaign=campaign, inbox=str(step.folder), as_of=day, output_dir=reports, auto_approve=True,
            move_processed=False, config_path=path)
    if step.action == "weekly_report":
        weekly = _colleague("weekly_report", "weekly_report")
        return {"status": "skipped: flows/weekly_report.py missing"} if weekly is None else weekly(
            campaign=campaign, as_of=day, output_dir=reports, config_path=path)
    watch = _colleague("deadline_watch", "deadline_watch")
    if watch is None:
        return {"status": "skipped: flows/deadline_watch.py missing"}
    try:
        return watch(campaigns=[campaign], as_of=day, send=False, config_path=path)
    except Exception as exc:  # the watch is another phase's flow: a failure there is logged, not fatal here
        get_run_logger().warning("%s 的截止事项检查失败：%s", day, exc)
        return {"status": f"failed: {type(exc).__name__}"}


def _brief(result: Any) -> dict:
    return {k: v for k, v in result.items() if k in _KEEP} if isinstance(result, dict) else {}


LedgerUrl = Annotated[str | None, Blank, OptionalText, labelled(
    "台账数据库", "空台账的数据库地址；留空则在输出目录中新建 SQLite 文件")]


@flow(name="simulate", flow_run_name="{campaign}-simulate", log_prints=True)
@reports_failure("全程模拟")
def simulate(campaign: CampaignName, scale: SimulationScale = 0.02, seed: SimulationSeed = 7,
             out: SimulationOut = BLANK, step_weeks: StepWeeks = 1, ledger: LedgerUrl = BLANK,
             config_path: ConfigPath = BLANK) -> dict:
    """Generate a county, then run every phase's flow on its day; every report lands under `out/reports`.

    `step_weeks` > 1 delivers files and reports progress every that many weeks (quicker, coarser).
    `ledger`: the database URL of an empty ledger to use (default: a fresh SQLite file in `out`).
    `config_path`: the config file every phase runs with (default configs/<campaign>.yaml)."""
    root = Path(out or Path("out") / "simulate" / campaign).resolve()
    root.mkdir(parents=True, exist_ok=True)
    c, ref = run_config(campaign, config_path)
    deliveries = fresh_county(ref, scale, seed, str(root), step_weeks)
    steps = plan(c, deliveries, step_weeks)
    log = []
    url = ledger or f"sqlite:///{root / LEDGER_FILE}"
    upgrade(url)  # the simulation's own ledger: created and migrated here, before any task uses it
    with _env(**{ENV_VAR: url}):
        for step in steps:
            began = time.perf_counter()
            with _env(**{CLOCK_ENV: step.moment}), run_tags():  # the subflow is tagged as this run (its owner)
                result = _run(step, c, config_path, scale, root)
            log.append({"day": step.day.isoformat(), "action": step.action,
                        "seconds": round(time.perf_counter() - began, 2), **_brief(result)})
            get_run_logger().info("%s 模拟步骤 %s：%s", step.day, step.action, log[-1])
    summary = {"campaign": campaign, "config": ref, "scale": scale, "seed": seed, "step_weeks": step_weeks,
               "out": str(root),
               "steps": len(steps), "ledger": mask_url(ledger) if ledger else LEDGER_FILE,
               "deliveries": len(deliveries), "log": log}
    (root / "simulation.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1, default=str) + "\n",
                                          encoding="utf-8")
    return summary
