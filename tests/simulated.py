"""One simulated campaign per config per test session, shared by the tests that only read what it made.

`test_simulate` and `test_consistency` simulate the same configs at the same scale, seed and step; running each
once keeps CI time down without weakening either test (neither writes to the simulation's ledger or outputs).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

__all__ = ["SCALE", "SEED", "STEP_WEEKS", "Simulated", "simulated_campaigns"]

SCALE = 0.004
SEED = 11
STEP_WEEKS = 4  # deliveries and reports every four weeks: the whole calendar, fewer flow runs


@dataclass(frozen=True)
class Simulated:
    """A finished simulation: its output folder, its SQLite ledger's URL and the flow's summary."""

    out: Path
    ledger_url: str
    result: dict[str, Any]


@pytest.fixture(scope="session")
def simulated_campaigns(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None) -> Callable[[str], Simulated]:
    """`get(campaign)`: the campaign simulated once per session from configs/ on a fresh SQLite ledger."""
    made: dict[str, Simulated] = {}

    def get(campaign: str) -> Simulated:
        if campaign not in made:
            from flows.simulate import simulate

            out = tmp_path_factory.mktemp(f"sim-{campaign}") / campaign
            url = f"sqlite:///{out / 'ledger.db'}"
            pinned = os.environ.pop("CANBAO_CLOCK", None)  # the simulation sets the clock per step itself
            try:
                result = simulate(campaign=campaign, scale=SCALE, seed=SEED, out=str(out), step_weeks=STEP_WEEKS,
                                  ledger=url)
            finally:
                if pinned is not None:
                    os.environ["CANBAO_CLOCK"] = pinned
            made[campaign] = Simulated(out, url, result)
        return made[campaign]

    return get
