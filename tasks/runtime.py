"""What tasks share at run time: the ledger engine, the clock and the current flow run's id."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Engine

from canbao.clock import now as clock_now
from canbao.clock import today as clock_today
from canbao.errors import CanbaoError
from canbao.ledger.engine import database_url, make_engine
from canbao.ledger.readiness import require_head

__all__ = ["clock_now", "clock_today", "flow_run_id", "ledger_engine"]


@lru_cache(maxsize=4)
def _engine(url: str) -> Engine:
    engine = make_engine(url)
    try:
        require_head(engine)  # a failed check is not cached: the next task checks again
    except CanbaoError:  # not at head, or the database refused (LedgerError)
        engine.dispose()
        raise
    return engine


def ledger_engine() -> Engine:
    """The ledger's engine for `CANBAO_DATABASE_URL`, checked once per process to be at the migrations' head.

    Tasks never migrate: `canbao db upgrade`, the bring-up and the CLI's flow commands do (`LedgerNotReady`)."""
    return _engine(database_url())


def flow_run_id() -> str | None:
    """The id of the flow run this code runs in, if any."""
    from prefect.runtime import flow_run

    run_id = flow_run.get_id()
    return str(run_id) if run_id else None
