"""Ledger tables of the campaign phases: the deadline calendar with duty completions, and fiscal transfers."""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from canbao.ledger.schema import VOLATILE, Base

__all__ = ["COMPLETION_SOURCES", "TRANSFER_BASES", "TRANSFER_STATUSES", "DeadlineRecord", "FiscalTransfer"]

TRANSFER_STATUSES = ("requested", "confirmed")
TRANSFER_BASES = ("subsidy_level", "paid_on_behalf", "advance", "fund_transfer", "award")
COMPLETION_SOURCES = ("form", "file", "simulation")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class DeadlineRecord(Base):
    """One dated duty of the campaign's calendar (from its config) and, once recorded, its completion."""

    __tablename__ = "deadlines"
    __table_args__ = (
        UniqueConstraint("campaign_id", "code"),
        CheckConstraint(f"completion_source IS NULL OR {_in('completion_source', COMPLETION_SOURCES)}",
                        name="completion_source"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True, info=VOLATILE)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"))
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(32))
    owner: Mapped[str] = mapped_column(String(64))
    owner_name: Mapped[str] = mapped_column(String(255))
    due_text: Mapped[str] = mapped_column(String(1000))
    start_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(128))
    assumed: Mapped[bool] = mapped_column(Boolean)
    completed_on: Mapped[date | None] = mapped_column(Date)
    completion_note: Mapped[str | None] = mapped_column(String(1000))
    completion_source: Mapped[str | None] = mapped_column(String(16))


class FiscalTransfer(Base):
    """A transfer between budgets or funds that the settlement requests, until the bank confirms it."""

    __tablename__ = "fiscal_transfers"
    __table_args__ = (
        UniqueConstraint("campaign_id", "code"),
        CheckConstraint(_in("status", TRANSFER_STATUSES), name="status"),
        CheckConstraint(_in("basis", TRANSFER_BASES), name="basis"),
        CheckConstraint("amount_fen >= 0", name="amount"),
        Index("ix_fiscal_transfers_status_due_on", "status", "due_on"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True, info=VOLATILE)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"))
    code: Mapped[str] = mapped_column(String(128))
    rule: Mapped[str] = mapped_column(String(64))
    basis: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(255))
    payer: Mapped[str] = mapped_column(String(64))
    payer_name: Mapped[str] = mapped_column(String(255))
    payee: Mapped[str] = mapped_column(String(64))
    payee_name: Mapped[str] = mapped_column(String(255))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    due_on: Mapped[date] = mapped_column(Date)
    deadline_code: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), server_default="requested")
    requested_on: Mapped[date] = mapped_column(Date)
    confirmed_on: Mapped[date | None] = mapped_column(Date)
    confirmed_fen: Mapped[int | None] = mapped_column(BigInteger)
    reference: Mapped[str | None] = mapped_column(String(128))
