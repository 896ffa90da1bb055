"""纳入资助时间: the day an agency says a person was included, kept on list entries and on `exemptions`.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Add `included_on` to `exemption_entries` and `exemptions`."""
    op.add_column("exemption_entries", sa.Column("included_on", sa.Date(), nullable=True))
    op.add_column("exemptions", sa.Column("included_on", sa.Date(), nullable=True))


def downgrade() -> None:
    """Drop the columns again."""
    with op.batch_alter_table("exemptions") as batch:
        batch.drop_column("included_on")
    with op.batch_alter_table("exemption_entries") as batch:
        batch.drop_column("included_on")
