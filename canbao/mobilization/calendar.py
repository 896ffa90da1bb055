"""The campaign's deadline calendar in the ledger: one row per config deadline, its owner and due day."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, select

from canbao.ledger.bulk import upsert
from canbao.ledger.schema_settlement import DeadlineRecord
from canbao.policy.deadlines import deadline_calendar
from canbao.policy.model import Campaign

__all__ = ["CALENDAR_COLUMNS", "calendar_rows", "load_calendar", "store_calendar"]

CALENDAR_COLUMNS = ["name", "kind", "owner", "owner_name", "due_text", "start_on", "due_on", "source", "assumed"]


def calendar_rows(c: Campaign) -> pd.DataFrame:
    """The config's deadlines (working-day adjusted) as ledger rows, in date order."""
    rows = [{"campaign_id": c.id, "code": e.code, "name": e.name, "kind": e.kind, "owner": e.owner,
             "owner_name": e.owner_name, "due_text": e.due, "start_on": e.start, "due_on": e.last_day,
             "source": e.source, "assumed": e.assumed} for e in deadline_calendar(c)]
    return pd.DataFrame(rows, columns=["campaign_id", "code", *CALENDAR_COLUMNS])


def store_calendar(conn: Connection, c: Campaign) -> int:
    """Write the calendar (recorded completions are kept); returns the rows inserted or changed."""
    return upsert(conn, DeadlineRecord, calendar_rows(c), keys=["campaign_id", "code"], update=CALENDAR_COLUMNS)


def load_calendar(conn: Connection, campaign_id: str) -> pd.DataFrame:
    """The campaign's calendar with completions, ordered by due day."""
    t = DeadlineRecord.__table__
    cols = [col for col in t.columns if col.name != "id"]
    rows = conn.execute(select(*cols).where(t.c.campaign_id == campaign_id).order_by(t.c.due_on, t.c.code)).all()
    return pd.DataFrame(rows, columns=[col.name for col in cols])
