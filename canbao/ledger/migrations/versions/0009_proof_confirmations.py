"""Proof confirmations: a coordinator's decision on the proof a mid-year enrollment needs (Kaijiang 三(二)).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Create `proof_confirmations`, one decision per (campaign, resident)."""
    op.create_table(
        "proof_confirmations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("campaign_id", sa.String(length=64), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("proof", sa.String(length=64), nullable=True),
        sa.Column("reviewer", sa.String(length=64), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("flow_run_id", sa.String(length=64), nullable=True),
        sa.CheckConstraint("decision IN ('confirmed', 'refused')", name=op.f("ck_proof_confirmations_decision")),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"],
                                name=op.f("fk_proof_confirmations_campaign_id_campaigns")),
        sa.ForeignKeyConstraint(["id_number"], ["residents.id_number"],
                                name=op.f("fk_proof_confirmations_id_number_residents")),
        sa.ForeignKeyConstraint(["import_id"], ["imports.id"], name=op.f("fk_proof_confirmations_import_id_imports")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proof_confirmations")),
        sa.UniqueConstraint("campaign_id", "id_number", name=op.f("uq_proof_confirmations_campaign_id_id_number")),
    )


def downgrade() -> None:
    """Drop `proof_confirmations` (its decisions are lost)."""
    op.drop_table("proof_confirmations")
