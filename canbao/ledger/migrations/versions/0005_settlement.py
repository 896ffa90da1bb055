"""Campaign phases: the deadline calendar with duty completions, and fiscal transfers between budgets.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Create `deadlines` and `fiscal_transfers`."""
    op.create_table(
        "deadlines",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("campaign_id", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("owner_name", sa.String(length=255), nullable=False),
        sa.Column("due_text", sa.String(length=1000), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=128), nullable=False),
        sa.Column("assumed", sa.Boolean(), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("completion_note", sa.String(length=1000), nullable=True),
        sa.Column("completion_source", sa.String(length=16), nullable=True),
        sa.CheckConstraint("completion_source IS NULL OR completion_source IN ('form', 'file', 'simulation')",
                           name=op.f("ck_deadlines_completion_source")),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], name=op.f("fk_deadlines_campaign_id_campaigns")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadlines")),
        sa.UniqueConstraint("campaign_id", "code", name=op.f("uq_deadlines_campaign_id_code")),
    )
    op.create_table(
        "fiscal_transfers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("campaign_id", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=128), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("basis", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("payer", sa.String(length=64), nullable=False),
        sa.Column("payer_name", sa.String(length=255), nullable=False),
        sa.Column("payee", sa.String(length=64), nullable=False),
        sa.Column("payee_name", sa.String(length=255), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("deadline_code", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), server_default="requested", nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("confirmed_on", sa.Date(), nullable=True),
        sa.Column("confirmed_fen", sa.BigInteger(), nullable=True),
        sa.Column("reference", sa.String(length=128), nullable=True),
        sa.CheckConstraint("status IN ('requested', 'confirmed')", name=op.f("ck_fiscal_transfers_status")),
        sa.CheckConstraint("basis IN ('subsidy_level', 'paid_on_behalf', 'advance', 'fund_transfer', 'award')",
                           name=op.f("ck_fiscal_transfers_basis")),
        sa.CheckConstraint("amount_fen >= 0", name=op.f("ck_fiscal_transfers_amount")),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"],
                                name=op.f("fk_fiscal_transfers_campaign_id_campaigns")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fiscal_transfers")),
        sa.UniqueConstraint("campaign_id", "code", name=op.f("uq_fiscal_transfers_campaign_id_code")),
    )
    op.create_index("ix_fiscal_transfers_status_due_on", "fiscal_transfers", ["status", "due_on"])


def downgrade() -> None:
    """Drop `fiscal_transfers` and `deadlines`."""
    op.drop_index("ix_fiscal_transfers_status_due_on", table_name="fiscal_transfers")
    op.drop_table("fiscal_transfers")
    op.drop_table("deadlines")
