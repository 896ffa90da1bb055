"""Report snapshots: the per-unit numbers each published report was drawn from.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
# TEMPORARY until 0002 lands: then this becomes the literal "0002".
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    """Create `report_snapshots`."""
    op.create_table(
        "report_snapshots",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("campaign_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("config_sha256", sa.CHAR(length=64), nullable=True),
        sa.Column("content_sha256", sa.CHAR(length=64), nullable=False),
        sa.Column("content", _JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("flow_run_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"],
                                name=op.f("fk_report_snapshots_campaign_id_campaigns")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_snapshots")),
        sa.UniqueConstraint("campaign_id", "kind", "as_of", "content_sha256",
                            name=op.f("uq_report_snapshots_campaign_id_kind_as_of_content_sha256")),
    )
    op.create_index("ix_report_snapshots_campaign_id_kind_as_of", "report_snapshots",
                    ["campaign_id", "kind", "as_of"])


def downgrade() -> None:
    """Drop `report_snapshots`."""
    op.drop_index("ix_report_snapshots_campaign_id_kind_as_of", table_name="report_snapshots")
    op.drop_table("report_snapshots")
