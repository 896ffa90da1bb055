"""Payments keyed by (campaign, channel, external reference): two counties' banks may number receipts alike.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27

Widening a unique key cannot collide, so every existing payment is kept as it is. Narrowing it back
(downgrade) would merge payments of different campaigns that share a reference: it refuses instead.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None

_OLD = "uq_payments_channel_external_ref"
_NEW = "uq_payments_campaign_id_channel_external_ref"


def upgrade() -> None:
    """Swap the (channel, external_ref) key for (campaign_id, channel, external_ref)."""
    with op.batch_alter_table("payments") as batch:
        batch.drop_constraint(op.f(_OLD), type_="unique")
        batch.create_unique_constraint(op.f(_NEW), ["campaign_id", "channel", "external_ref"])


def downgrade() -> None:
    """Back to (channel, external_ref), unless two campaigns' payments share one (that would lose payments)."""
    shared = op.get_bind().execute(sa.text(
        "SELECT count(*) FROM (SELECT channel, external_ref FROM payments GROUP BY channel, external_ref "
        "HAVING count(*) > 1) AS shared")).scalar_one()
    if shared:
        raise RuntimeError(f"{shared} (channel, external_ref) pair(s) are used by more than one campaign: "
                           "the old key would merge their payments; not downgrading")
    with op.batch_alter_table("payments") as batch:
        batch.drop_constraint(op.f(_NEW), type_="unique")
        batch.create_unique_constraint(op.f(_OLD), ["channel", "external_ref"])
