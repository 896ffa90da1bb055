"""The ledger's tables as SQLAlchemy 2 declarative models (Core tables at `Model.__table__`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CHAR,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from canbao.ledger.types import AwareDateTime, JsonDocument, NoFullIdText

__all__ = [
    "NAMING_CONVENTION",
    "PAYMENT_KEY",
    "UNIT_LEVELS",
    "VOLATILE",
    "Audit",
    "Base",
    "Campaign",
    "CashDeposit",
    "Enrollment",
    "Exemption",
    "Import",
    "Payment",
    "PriorInsured",
    "Rejection",
    "Resident",
    "Unit",
]

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
# A payment's natural key: references come from outside (banks, the tax app) and repeat across counties.
PAYMENT_KEY = ("campaign_id", "channel", "external_ref")
UNIT_LEVELS = ("county", "town", "village", "school")
# Column.info flag: bookkeeping (surrogate ids, write times, run ids) that `snapshot` leaves out.
VOLATILE = {"volatile": True}
_ID: dict[str, Any] = {"primary_key": True, "autoincrement": True, "info": VOLATILE}


class Base(DeclarativeBase):
    """Declarative base of every ledger table, with the constraint naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Campaign(Base):
    """One enrollment campaign: a locality's drive for one insurance year."""

    __tablename__ = "campaigns"
    __table_args__ = (UniqueConstraint("locality", "insurance_year"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    locality: Mapped[str] = mapped_column(String(64))
    insurance_year: Mapped[int] = mapped_column(Integer)
    config_sha256: Mapped[str] = mapped_column(CHAR(64))
    opened_at: Mapped[datetime] = mapped_column(AwareDateTime, info=VOLATILE)


class Unit(Base):
    """A collection unit (county, town, village or school) with its target."""

    __tablename__ = "units"
    __table_args__ = (CheckConstraint(f"level IN ({', '.join(repr(s) for s in UNIT_LEVELS)})", name="level"),)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    level: Mapped[str] = mapped_column(String(16))
    parent_code: Mapped[str | None] = mapped_column(String(64))
    target: Mapped[int | None] = mapped_column(Integer)


class Resident(Base):
    """A person, identified by the normalised 18-character national ID number."""

    __tablename__ = "residents"
    __table_args__ = (CheckConstraint("sex IN ('M', 'F')", name="sex"),)
    id_number: Mapped[str] = mapped_column(String(18), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    sex: Mapped[str] = mapped_column(String(1))
    birth_date: Mapped[date] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(32))
    person_number: Mapped[str | None] = mapped_column(String(32))
    household_id: Mapped[str | None] = mapped_column(String(64))
    deceased_on: Mapped[date | None] = mapped_column(Date)


class Enrollment(Base):
    """A resident's registration in a campaign: at most one per (campaign, resident)."""

    __tablename__ = "enrollments"
    __table_args__ = (
        UniqueConstraint("campaign_id", "id_number"),
        ForeignKeyConstraint(["campaign_id", "unit_code"], ["units.campaign_id", "units.code"]),
        CheckConstraint("kind IN ('renewal', 'new')", name="kind"),
        Index("ix_enrollments_campaign_id_unit_code", "campaign_id", "unit_code"),
    )
    id: Mapped[int] = mapped_column(Integer, **_ID)
    campaign_id: Mapped[str] = mapped_column(String(64))  # checked through the (campaign_id, unit_code) key
    id_number: Mapped[str] = mapped_column(ForeignKey("residents.id_number"))
    unit_code: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(32))
    tier: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(8))
    registered_at: Mapped[date] = mapped_column(Date)
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"))
    source_row: Mapped[int] = mapped_column(Integer)


class Payment(Base):
    """A payment record from a channel, identified by (campaign, channel, external reference)."""

    __tablename__ = "payments"
    __table_args__ = (
        # Channels number their receipts per county: the same reference in two campaigns is two payments.
        UniqueConstraint(*PAYMENT_KEY),
        ForeignKeyConstraint(["campaign_id", "unit_code"], ["units.campaign_id", "units.code"]),
        Index("ix_payments_campaign_id_id_number", "campaign_id", "id_number"),
        Index("ix_payments_campaign_id_unit_code", "campaign_id", "unit_code"),
    )
    id: Mapped[int] = mapped_column(Integer, **_ID)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"))
    channel: Mapped[str] = mapped_column(String(32))
    external_ref: Mapped[str] = mapped_column(String(128))
    id_number: Mapped[str] = mapped_column(String(18))
    unit_code: Mapped[str | None] = mapped_column(String(64))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    paid_on: Mapped[date] = mapped_column(Date)
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"))
    source_row: Mapped[int] = mapped_column(Integer)


class Exemption(Base):
    """A resident on an agency's exemption list for a campaign: at most one per (campaign, resident)."""

    __tablename__ = "exemptions"
    __table_args__ = (UniqueConstraint("campaign_id", "id_number"),)
    id: Mapped[int] = mapped_column(Integer, **_ID)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"))
    id_number: Mapped[str] = mapped_column(ForeignKey("residents.id_number"))
    category: Mapped[str] = mapped_column(String(32))
    agency: Mapped[str] = mapped_column(String(32))
    source_list: Mapped[str] = mapped_column(String(128))
    approved_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"))
    included_on: Mapped[date | None] = mapped_column(Date)  # 纳入资助时间 from the winning agency's list


class Import(Base):
    """One received file, identified by (campaign, source, SHA-256 of its bytes)."""

    __tablename__ = "imports"
    __table_args__ = (UniqueConstraint("campaign_id", "source", "sha256"),)
    id: Mapped[int] = mapped_column(Integer, **_ID)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"))
    source: Mapped[str] = mapped_column(String(32))
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(CHAR(64))
    rows_total: Mapped[int] = mapped_column(Integer)
    rows_accepted: Mapped[int] = mapped_column(Integer)
    rows_rejected: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(AwareDateTime, info=VOLATILE)
    flow_run_id: Mapped[str | None] = mapped_column(String(64), info=VOLATILE)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"))


class Rejection(Base):
    """A source row refused at import, with its reason code (detail never holds a full ID)."""

    __tablename__ = "rejections"
    __table_args__ = (Index("ix_rejections_import_id", "import_id"),)
    id: Mapped[int] = mapped_column(Integer, **_ID)
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"))
    source_row: Mapped[int] = mapped_column(Integer)
    column: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(NoFullIdText(1000))
    unit_code: Mapped[str | None] = mapped_column(String(64))


class Audit(Base):
    """One change to the ledger: what, when, by which run, from which file and row."""

    __tablename__ = "audit"
    __table_args__ = (
        Index("ix_audit_table_name_record_key", "table_name", "record_key"),
        Index("ix_audit_campaign_id", "campaign_id"),
    )
    id: Mapped[int] = mapped_column(Integer, **_ID)
    at: Mapped[datetime] = mapped_column(AwareDateTime, info=VOLATILE)
    flow_run_id: Mapped[str | None] = mapped_column(String(64), info=VOLATILE)
    campaign_id: Mapped[str | None] = mapped_column(ForeignKey("campaigns.id"))
    action: Mapped[str] = mapped_column(String(32))
    table_name: Mapped[str] = mapped_column(String(64))
    record_key: Mapped[str] = mapped_column(String(255))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"))
    source_file: Mapped[str | None] = mapped_column(String(255))
    source_row: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    after: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)



class PriorInsured(Base):
    """Someone insured last year (from last year's roster): tells renewals from new enrollees."""

    __tablename__ = "prior_insured"
    __table_args__ = (UniqueConstraint("campaign_id", "id_number"),)
    id: Mapped[int] = mapped_column(Integer, **_ID)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"))
    id_number: Mapped[str] = mapped_column(String(18))
    unit_code: Mapped[str | None] = mapped_column(String(64))
    category: Mapped[str | None] = mapped_column(String(32))


class CashDeposit(Base):
    """A village's deposit of collected cash into the tax bureau's account (for the double limit)."""

    __tablename__ = "cash_deposits"
    __table_args__ = (UniqueConstraint("campaign_id", "external_ref"),)
    id: Mapped[int] = mapped_column(Integer, **_ID)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"))
    external_ref: Mapped[str] = mapped_column(String(128))
    unit_code: Mapped[str] = mapped_column(String(64))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    deposited_on: Mapped[date] = mapped_column(Date)
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"))
    source_row: Mapped[int] = mapped_column(Integer)


# One registration line per topic module, appended in any order (so not sorted):
# isort: off
from canbao.ledger import schema_alerts  # noqa: E402, F401 - registers the deadline alert log
from canbao.ledger import schema_exemptions  # noqa: E402, F401 - registers the exemption-handoff tables
from canbao.ledger import schema_reports  # noqa: E402, F401 - registers the report tables on Base.metadata
from canbao.ledger import schema_settlement  # noqa: E402, F401 - registers the deadline calendar and fiscal transfers
from canbao.ledger import schema_proofs  # noqa: E402, F401 - registers the proof confirmations
