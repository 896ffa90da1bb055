"""Ledger table of sent deadline alerts: one row per deadline occurrence, state, day and target (no repeats)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from canbao.ledger.schema import VOLATILE, Base
from canbao.ledger.types import AwareDateTime, NoFullIdText

__all__ = ["ALERT_STATES", "ALERT_STATUSES", "Alert"]

ALERT_STATES = ("approaching", "missed")
ALERT_STATUSES = ("sent", "failed")


class Alert(Base):
    """An alert about a deadline occurrence on a day to one target: `event` (Prefect) or a channel name."""

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("campaign_id", "deadline", "due_on", "state", "day", "target"),
        CheckConstraint(f"state IN ({', '.join(repr(s) for s in ALERT_STATES)})", name="state"),
        CheckConstraint(f"status IN ({', '.join(repr(s) for s in ALERT_STATUSES)})", name="status"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True, info=VOLATILE)
    # No foreign key: a campaign is watched (reminders) before mobilization opens it in the ledger.
    campaign_id: Mapped[str] = mapped_column(String(64))
    deadline: Mapped[str] = mapped_column(String(64))
    due_on: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(16))
    day: Mapped[date] = mapped_column(Date)
    target: Mapped[str] = mapped_column(String(64))
    owner: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str | None] = mapped_column(NoFullIdText(500))
    sent_at: Mapped[datetime] = mapped_column(AwareDateTime, info=VOLATILE)
    flow_run_id: Mapped[str | None] = mapped_column(String(64), info=VOLATILE)
