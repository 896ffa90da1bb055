"""Exemption lists: list versions per agency, their entries, handoff batches and request batches.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_STATUSES = "status IN ('received', 'approved', 'approved_with_exclusions', 'rejected', 'superseded')"


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), autoincrement=True, nullable=False)


def _campaign_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], name=op.f(f"fk_{table}_campaign_id_campaigns"))


def upgrade() -> None:
    """Create `exemption_handoffs`, `exemption_lists`, `exemption_requests` and `exemption_entries`."""
    op.create_table(
        "exemption_handoffs",
        _id(),
        sa.Column("campaign_id", sa.String(length=64), nullable=False),
        sa.Column("batch", sa.Integer(), nullable=False),
        sa.Column("consolidated_sha256", sa.CHAR(length=64), nullable=False),
        sa.Column("versions", _JSON, nullable=False),
        sa.Column("persons", sa.Integer(), nullable=False),
        sa.Column("new_persons", sa.Integer(), nullable=False),
        sa.Column("paid_on_behalf_fen", sa.BigInteger(), nullable=False),
        sa.Column("handed_off_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("flow_run_id", sa.String(length=64), nullable=True),
        _campaign_fk("exemption_handoffs"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exemption_handoffs")),
        sa.UniqueConstraint("campaign_id", "batch", name=op.f("uq_exemption_handoffs_campaign_id_batch")),
    )
    op.create_table(
        "exemption_lists",
        _id(),
        sa.Column("campaign_id", sa.String(length=64), nullable=False),
        sa.Column("agency", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_sha256", sa.CHAR(length=64), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("files", _JSON, nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("rows_rejected", sa.Integer(), nullable=False),
        sa.Column("persons", sa.Integer(), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=True),
        sa.Column("diff", _JSON, nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("excluded", sa.Integer(), server_default="0", nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("flow_run_id", sa.String(length=64), nullable=True),
        sa.Column("awaiting_run_id", sa.String(length=64), nullable=True),
        sa.Column("awaiting_until", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(_STATUSES, name=op.f("ck_exemption_lists_status")),
        _campaign_fk("exemption_lists"),
        sa.ForeignKeyConstraint(["import_id"], ["imports.id"], name=op.f("fk_exemption_lists_import_id_imports")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exemption_lists")),
        sa.UniqueConstraint("campaign_id", "agency", "content_sha256",
                            name=op.f("uq_exemption_lists_campaign_id_agency_content_sha256")),
        sa.UniqueConstraint("campaign_id", "agency", "version",
                            name=op.f("uq_exemption_lists_campaign_id_agency_version")),
    )
    op.create_table(
        "exemption_requests",
        _id(),
        sa.Column("campaign_id", sa.String(length=64), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("batch", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id", "batch"],
                                ["exemption_handoffs.campaign_id", "exemption_handoffs.batch"],
                                name=op.f("fk_exemption_requests_campaign_id_batch_exemption_handoffs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exemption_requests")),
        sa.UniqueConstraint("campaign_id", "id_number", name=op.f("uq_exemption_requests_campaign_id_id_number")),
    )
    op.create_table(
        "exemption_entries",
        _id(),
        sa.Column("campaign_id", sa.String(length=64), nullable=False),
        sa.Column("agency", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("exemption", sa.String(length=32), nullable=False),
        sa.Column("also_listed", sa.String(length=200), nullable=True),
        sa.Column("town", sa.String(length=64), nullable=True),
        sa.Column("village", sa.String(length=64), nullable=True),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=False),
        sa.Column("excluded", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id", "agency", "version"],
                                ["exemption_lists.campaign_id", "exemption_lists.agency", "exemption_lists.version"],
                                name=op.f("fk_exemption_entries_exemption_lists")),
        sa.ForeignKeyConstraint(["id_number"], ["residents.id_number"],
                                name=op.f("fk_exemption_entries_id_number_residents")),
        sa.ForeignKeyConstraint(["import_id"], ["imports.id"], name=op.f("fk_exemption_entries_import_id_imports")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exemption_entries")),
        sa.UniqueConstraint("campaign_id", "agency", "version", "id_number",
                            name=op.f("uq_exemption_entries_campaign_id_agency_version_id_number")),
    )


def downgrade() -> None:
    """Drop the exemption-handoff tables."""
    for table in ("exemption_entries", "exemption_requests", "exemption_lists", "exemption_handoffs"):
        op.drop_table(table)
