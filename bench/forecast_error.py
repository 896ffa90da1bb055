"""Forecast error on generated campaigns: generate, take in, report as of the period end, backtest.

    .venv/bin/python bench/forecast_error.py [--scale 0.02] [--seeds 1 2] [--campaigns NAME ...]

For each campaign and seed: `canbao.generate` writes a county's inbox, the registration-payment flow takes
it into a fresh SQLite ledger, and the weekly report of every past week of the registration period is
rebuilt; each report's forecast of every town and village is compared with the rate reached at the end
(`canbao.reports.backtest`). Prints MAE / bias / 90th percentile in percentage points by weeks left
(the numbers in docs/reports.md).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def run(campaigns: list[str], scale: float, seeds: list[int]) -> pd.DataFrame:
    """Backtest errors (one row per unit, k and method) over every campaign and seed."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    from canbao.generate import generate
    from canbao.ledger.engine import make_engine
    from canbao.policy.load import load_campaign
    from canbao.reports.backtest import backtest
    from canbao.state import load_facts
    from flows.registration_payment import registration_payment

    frames = []
    with prefect_test_harness(), temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        for name in campaigns:
            c = load_campaign(name)
            for seed in seeds:
                with tempfile.TemporaryDirectory() as tmp:
                    url = f"sqlite:///{tmp}/ledger.db"
                    os.environ["CANBAO_DATABASE_URL"] = url
                    generate(c, scale, seed, Path(tmp) / "gen")
                    registration_payment(campaign=name, inbox=str(Path(tmp) / "gen" / "inbox"),
                                         output_dir=str(Path(tmp) / "out"))
                    engine = make_engine(url)
                    with engine.connect() as conn:
                        inputs = load_facts(conn, c.id)
                    engine.dispose()
                    frames.append(backtest(inputs, c).assign(seed=seed))
    return pd.concat(frames, ignore_index=True)


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    from canbao.policy.load import available_campaigns
    from canbao.reports.backtest import summarize

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.02)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--campaigns", nargs="+", default=available_campaigns())
    parser.add_argument("--csv", help="also write every unit's error here")
    args = parser.parse_args(argv)
    errors = run(args.campaigns, args.scale, args.seeds)
    if args.csv:
        errors.to_csv(args.csv, index=False)
    errors["horizon"] = pd.cut(errors["weeks_left"], [0, 1, 3, 6, 100], labels=["1", "2-3", "4-6", "7+"])
    print(summarize(errors, ["level", "horizon", "method"]).to_string(index=False))
    print()
    print(summarize(errors[errors["level"] == "town"], ["campaign", "horizon", "method"]).to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
