"""Ledger tables of the exemption-list handoff: list versions per agency, their entries, handoff batches."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CHAR,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.naming import conv

from canbao.ledger.schema import VOLATILE, Base
from canbao.ledger.types import AwareDateTime, JsonDocument, NoFullIdText

__all__ = ["LIST_STATUSES", "ExemptionBatch", "ExemptionEntry", "ExemptionList", "ExemptionRequest"]

# received → approved | approved_with_exclusions | rejected; a newer delivery supersedes a pending one.
LIST_STATUSES = ("received", "approved", "approved_with_exclusions", "rejected", "superseded")
_ID: dict[str, Any] = {"primary_key": True, "autoincrement": True, "info": VOLATILE}


class ExemptionList(Base):
    """One version of an agency's exemption list (one delivery, maybe several files) and its decision."""

    __tablename__ = "exemption_lists"
    __table_args__ = (
        UniqueConstraint("campaign_id", "agency", "version"),
        UniqueConstraint("campaign_id", "agency", "content_sha256"),
        CheckConstraint(f"status IN ({', '.join(repr(s) for s in LIST_STATUSES)})", name="status"),
    )
    id: Mapped[int] = mapped_column(Integer, **_ID)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"))
    agency: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer)
    content_sha256: Mapped[str] = mapped_column(CHAR(64))
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"))  # the delivery's first file
    files: Mapped[list[str]] = mapped_column(JsonDocument)
    rows_total: Mapped[int] = mapped_column(Integer)
    rows_rejected: Mapped[int] = mapped_column(Integer)
    persons: Mapped[int] = mapped_column(Integer)
    base_version: Mapped[int | None] = mapped_column(Integer)  # the approved version the diff is against
    diff: Mapped[dict[str, Any]] = mapped_column(JsonDocument)  # counts per change kind
    status: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(NoFullIdText(500))
    decided_by: Mapped[str | None] = mapped_column(String(64))
    excluded: Mapped[int] = mapped_column(Integer, server_default="0")
    received_at: Mapped[datetime] = mapped_column(AwareDateTime, info=VOLATILE)
    decided_at: Mapped[datetime | None] = mapped_column(AwareDateTime, info=VOLATILE)
    flow_run_id: Mapped[str | None] = mapped_column(String(64), info=VOLATILE)
    # Which flow run is waiting for the coordinator's decision, and until when (bookkeeping, not content).
    awaiting_run_id: Mapped[str | None] = mapped_column(String(64), info=VOLATILE)
    awaiting_until: Mapped[datetime | None] = mapped_column(AwareDateTime, info=VOLATILE)


class ExemptionEntry(Base):
    """A person on one list version, with the category the agency confirmed (one row per person)."""

    __tablename__ = "exemption_entries"
    __table_args__ = (
        UniqueConstraint("campaign_id", "agency", "version", "id_number"),
        ForeignKeyConstraint(["campaign_id", "agency", "version"], ["exemption_lists.campaign_id",
                             "exemption_lists.agency", "exemption_lists.version"],
                             name=conv("fk_exemption_entries_exemption_lists")),
    )
    id: Mapped[int] = mapped_column(Integer, **_ID)
    campaign_id: Mapped[str] = mapped_column(String(64))
    agency: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer)
    id_number: Mapped[str] = mapped_column(ForeignKey("residents.id_number"))
    exemption: Mapped[str] = mapped_column(String(32))
    also_listed: Mapped[str | None] = mapped_column(String(200))  # other categories the same list gave
    town: Mapped[str | None] = mapped_column(String(64))
    village: Mapped[str | None] = mapped_column(String(64))
    included_on: Mapped[date | None] = mapped_column(Date)  # 纳入资助时间 as the agency wrote it
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"))
    source_row: Mapped[int] = mapped_column(Integer)
    excluded: Mapped[bool] = mapped_column(Boolean, server_default=false())


class ExemptionBatch(Base):
    """One handoff: the consolidated list as it stood when it went to the tax bureau and the towns."""

    __tablename__ = "exemption_handoffs"
    __table_args__ = (UniqueConstraint("campaign_id", "batch"),)
    id: Mapped[int] = mapped_column(Integer, **_ID)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"))
    batch: Mapped[int] = mapped_column(Integer)
    consolidated_sha256: Mapped[str] = mapped_column(CHAR(64))
    versions: Mapped[dict[str, Any]] = mapped_column(JsonDocument)  # agency → version handed off
    persons: Mapped[int] = mapped_column(Integer)
    new_persons: Mapped[int] = mapped_column(Integer)
    paid_on_behalf_fen: Mapped[int] = mapped_column(BigInteger)
    handed_off_at: Mapped[datetime] = mapped_column(AwareDateTime, info=VOLATILE)
    flow_run_id: Mapped[str | None] = mapped_column(String(64), info=VOLATILE)


class ExemptionRequest(Base):
    """The funding-request batch (请款批次) in which a person was first requested from the tax bureau."""

    __tablename__ = "exemption_requests"
    __table_args__ = (
        UniqueConstraint("campaign_id", "id_number"),
        ForeignKeyConstraint(["campaign_id", "batch"], ["exemption_handoffs.campaign_id", "exemption_handoffs.batch"]),
    )
    id: Mapped[int] = mapped_column(Integer, **_ID)
    campaign_id: Mapped[str] = mapped_column(String(64))
    id_number: Mapped[str] = mapped_column(String(18))
    batch: Mapped[int] = mapped_column(Integer)
