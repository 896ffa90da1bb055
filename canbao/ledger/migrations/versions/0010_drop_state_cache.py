"""Drop the stored cache of derived state: payments.status / expected_fen and enrollments.benefit_start.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28

A payment's status and a person's benefit start are computed from the ledger's facts as of a date
(`canbao.state`); no output read these columns, and refreshing them after every intake rewrote most of the
campaign. Downgrade brings the columns back empty (`unchecked`, no start): the state computes them anyway.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | None = None
depends_on: str | None = None

_STATUSES = "status IN ('matched', 'underpaid', 'overpaid', 'orphan', 'duplicate', 'unchecked')"


def upgrade() -> None:
    """Drop the three cache columns (and the status check)."""
    with op.batch_alter_table("payments") as batch:
        batch.drop_constraint(op.f("ck_payments_status"), type_="check")
        batch.drop_column("status")
        batch.drop_column("expected_fen")
    with op.batch_alter_table("enrollments") as batch:
        batch.drop_column("benefit_start")


def downgrade() -> None:
    """Bring the columns back, empty."""
    with op.batch_alter_table("enrollments") as batch:
        batch.add_column(sa.Column("benefit_start", sa.Date(), nullable=True))
    with op.batch_alter_table("payments") as batch:
        batch.add_column(sa.Column("status", sa.String(length=16), server_default="unchecked", nullable=False))
        batch.add_column(sa.Column("expected_fen", sa.BigInteger(), nullable=True))
        batch.create_check_constraint(op.f("ck_payments_status"), _STATUSES)
