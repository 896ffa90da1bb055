"""The one clock: real Asia/Shanghai time, or a pinned moment for simulations and tests."""

from __future__ import annotations

import os
from datetime import date, datetime
from zoneinfo import ZoneInfo

__all__ = ["CLOCK_ENV", "SHANGHAI", "now", "today", "wall_now"]

SHANGHAI = ZoneInfo("Asia/Shanghai")
CLOCK_ENV = "CANBAO_CLOCK"


def now() -> datetime:
    """Now in Asia/Shanghai; `CANBAO_CLOCK` (an ISO date or datetime) pins it."""
    pinned = os.environ.get(CLOCK_ENV)
    if pinned:
        moment = datetime.fromisoformat(pinned)
        return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)
    return datetime.now(SHANGHAI)


def today() -> date:
    """Today's date in Asia/Shanghai (see `now`)."""
    return now().date()


def wall_now() -> datetime:
    """The real time in Asia/Shanghai even when `CANBAO_CLOCK` pins `now`: what Prefect's scheduler runs on."""
    return datetime.now(SHANGHAI)
