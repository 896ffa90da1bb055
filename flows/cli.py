"""The `canbao` console script: domain commands plus the ones that run Prefect flows."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from canbao.cli import Command
from canbao.cli import main as domain_main
from canbao.cli.app import parse_date
from canbao.cli.commands import COMMANDS

__all__ = ["FLOW_COMMANDS", "main"]


def _registration_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--campaign", required=True, help="config stem in configs/ or the path of a config file")
    p.add_argument("--inbox", required=True)
    p.add_argument("--as-of", type=parse_date)
    p.add_argument("--out", help="output folder for reports (default out/<campaign>)")
    p.add_argument("--keep-files", action="store_true", help="do not move taken-in files to processed/")
    p.add_argument("--take-again", action="store_true", help="take in files identical to ones taken in before")


def _campaign_and_path(name: str) -> tuple[str, str | None]:
    """The campaign id a `--campaign` argument names, and its config path when it is a path (None for a stem)."""
    from canbao.policy.load import load_campaign

    return load_campaign(name).id, _config_path(name)


def _run_registration(args: argparse.Namespace) -> Any:
    from flows.local_run import local_run
    from flows.registration_payment import registration_payment

    campaign, path = _campaign_and_path(args.campaign)
    with local_run():
        return registration_payment(campaign=campaign, inbox=args.inbox, as_of=args.as_of, output_dir=args.out,
                                    move_processed=not args.keep_files, take_again=args.take_again,
                                    config_path=path)


def _simulate_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--campaign", required=True, help="config stem in configs/ or the path of a config file")
    p.add_argument("--scale", type=float, default=0.02, help="share of the county's population (default 0.02)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--out", help="output folder (default out/simulate/<campaign>)")
    p.add_argument("--step-weeks", type=int, default=1, help="deliver files and report every N weeks (default 1)")


def _run_simulate(args: argparse.Namespace) -> Any:
    from flows.local_run import local_run
    from flows.simulate import simulate

    campaign, path = _campaign_and_path(args.campaign)
    with local_run(migrate=False):  # the simulation creates and migrates its own ledger
        result = simulate(campaign=campaign, scale=args.scale, seed=args.seed, out=args.out,
                          step_weeks=args.step_weeks, config_path=path)
    return {k: v for k, v in result.items() if k != "log"} | {"steps_run": [f"{s['day']} {s['action']}"
                                                                            for s in result["log"]]}


def _db_upgrade(args: argparse.Namespace) -> Any:
    from canbao.ledger.engine import database_url, mask_url
    from canbao.ledger.migrate import head, upgrade

    url = database_url()
    upgrade(url)
    return {"database": mask_url(url), "revision": head()}


def _purge_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--campaign", required=True, help="the campaign whose rows are deleted from the ledger")
    p.add_argument("--yes", action="store_true", help="really delete (without it: only count what would go)")


def _db_purge(args: argparse.Namespace) -> Any:
    from canbao.ledger.engine import database_url, make_engine, mask_url
    from canbao.ledger.purge import purge_campaign
    from canbao.ledger.readiness import require_head

    engine = make_engine(database_url())
    try:
        require_head(engine)
        with engine.connect() as conn, conn.begin() as tx:
            deleted = purge_campaign(conn, args.campaign)
            if not args.yes:
                tx.rollback()
    finally:
        engine.dispose()
    return {"database": mask_url(database_url()), "campaign": args.campaign, "deleted" if args.yes else
            "would_delete": deleted}


def _exemption_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--campaign", required=True, help="config stem in configs/ or the path of a config file")
    p.add_argument("--inbox", required=True, help="inbox whose exemption/<agency>/ folders hold the lists")
    p.add_argument("--as-of", type=parse_date)
    p.add_argument("--out", help="output folder (default out/<campaign>; files go to its 免缴名单/)")
    p.add_argument("--auto-approve", action="store_true", help="approve every list without waiting (simulations)")
    p.add_argument("--timeout-hours", type=int, help="how long to wait for each decision (default from config)")
    p.add_argument("--keep-files", action="store_true", help="do not move taken-in lists to processed/")
    p.add_argument("--take-again", action="store_true", help="take in files identical to a version taken in before")


def _config_path(name: str) -> str | None:
    """The config file a `--campaign` argument names when it is a path (None for a stem of configs/)."""

    from canbao.policy.load import CONFIG_DIR, resolve

    path = resolve(name).resolve()
    return None if path == (CONFIG_DIR / f"{path.stem}.yaml").resolve() else str(path)


def _run_exemptions(args: argparse.Namespace) -> Any:
    from flows.exemption_handoff import exemption_handoff
    from flows.local_run import local_run

    campaign, path = _campaign_and_path(args.campaign)
    with local_run():
        return exemption_handoff(campaign=campaign, inbox=args.inbox, as_of=args.as_of,
                                 output_dir=args.out, auto_approve=args.auto_approve,
                                 approval_timeout_hours=args.timeout_hours, move_processed=not args.keep_files,
                                 take_again=args.take_again, config_path=path)


def _demo_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--campaign", default="kaijiang-2020")
    p.add_argument("--scale", type=float, default=0.01)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--dir", default="demo", help="where the demo county's files and reports go")


def _demo(args: argparse.Namespace) -> Any:
    from canbao.generate import generate
    from canbao.policy.load import load_campaign
    from flows.local_run import local_run
    from flows.registration_payment import registration_payment

    campaign, path = _campaign_and_path(args.campaign)
    c = load_campaign(path or campaign)
    root = Path(args.dir) / c.id
    if not (root / "manifest.json").exists():
        generate(c, args.scale, args.seed, root)
    from flows.exemption_handoff import exemption_handoff  # exemption lists first: they decide what is due

    with local_run():
        exemption_handoff(campaign=c.id, inbox=str(root / "inbox"), output_dir=str(root / "out"), auto_approve=True,
                          config_path=path)
        summary: Any = registration_payment(campaign=c.id, inbox=str(root / "inbox"),
                                            output_dir=str(root / "out"), config_path=path)
    return {"demo": str(root), "manifest": str(root / "manifest.json"), **summary}


def _live_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--campaign", default="kaijiang-2020", help="config stem in configs/ to replay as running now")
    p.add_argument("--dir", required=True, help="where the moved configs and the county's files go")
    p.add_argument("--scale", type=float, default=0.01)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--no-server", action="store_true", help="only write the files (no deployment updates)")
    p.add_argument("--no-history", action="store_true",
                   help="leave the past weeks' rows in the inbox instead of taking them in week by week")


def _live(args: argparse.Namespace) -> Any:
    from dataclasses import asdict

    from canbao.clock import today
    from canbao.ledger.engine import database_url, make_engine
    from canbao.ledger.readiness import require_head
    from canbao.live import prepare_live

    ledger = None if args.no_history else make_engine(database_url())
    try:
        if ledger is not None:
            require_head(ledger)  # the bring-up migrates first; the history is taken in as the flows would
        demo = prepare_live(args.campaign, Path(args.dir), today(), args.scale, args.seed, ledger)
    finally:
        if ledger is not None:
            ledger.dispose()
    if args.no_server:
        return asdict(demo)
    from flows.live_demo import apply_live_demo

    return asdict(demo) | apply_live_demo(demo)


FLOW_COMMANDS = [
    Command(("live",), "replay a campaign as running now: its config moved by whole weeks, a county generated on "
            "it, its deployments pointed at them, one deadline watch started", _live_args, _live),
    Command(("demo",), "generate a demo county (once) and run the registration-and-payment flow on it",
            _demo_args, _demo),
    Command(("run", "registration"), "run the registration-and-payment flow locally", _registration_args,
            _run_registration),
    Command(("run", "exemptions"), "run the exemption-list handoff flow locally (waits for approval in the UI)",
            _exemption_args, _run_exemptions),
    Command(("simulate",), "simulate a whole campaign on a generated county (every phase, every report)",
            _simulate_args, _run_simulate),
    Command(("db", "upgrade"), "migrate the ledger (CANBAO_DATABASE_URL) to the latest revision",
            lambda p: None, _db_upgrade),
    Command(("db", "purge"), "delete one campaign's rows from the ledger when its retention ends (dry run without"
            " --yes)", _purge_args, _db_purge),
]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `canbao` command."""
    return domain_main(argv, [*COMMANDS, *FLOW_COMMANDS])


if __name__ == "__main__":
    sys.exit(main())
