"""Ledger tables of the reports: snapshots of what each published report said, for exact reproduction."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import CHAR, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from canbao.ledger.schema import VOLATILE, Base
from canbao.ledger.types import AwareDateTime, JsonDocument

__all__ = ["ReportSnapshot"]


class ReportSnapshot(Base):
    """The numbers one report was drawn from (per unit, never per person), identified by their SHA-256."""

    __tablename__ = "report_snapshots"
    __table_args__ = (
        UniqueConstraint("campaign_id", "kind", "as_of", "content_sha256"),
        Index("ix_report_snapshots_campaign_id_kind_as_of", "campaign_id", "kind", "as_of"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True, info=VOLATILE)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"))
    kind: Mapped[str] = mapped_column(String(32))
    as_of: Mapped[date] = mapped_column(Date)
    config_sha256: Mapped[str | None] = mapped_column(CHAR(64))
    content_sha256: Mapped[str] = mapped_column(CHAR(64))
    content: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, info=VOLATILE)
    flow_run_id: Mapped[str | None] = mapped_column(String(64), info=VOLATILE)
