"""Intake reference tables: last year's insured (renewal vs new) and villages' cash deposits.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def _fk(columns: list[str], table: str, refs: list[str], owner: str) -> sa.ForeignKeyConstraint:
    """A foreign key named by the models' naming convention."""
    name = f"fk_{owner}_{'_'.join(columns)}_{table}"
    return sa.ForeignKeyConstraint(columns, [f"{table}.{c}" for c in refs], name=op.f(name))


def upgrade() -> None:
    """Create prior_insured and cash_deposits."""
    op.create_table(
        "prior_insured",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("campaign_id", sa.String(length=64), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("unit_code", sa.String(length=64), nullable=True),
        sa.Column("category", sa.String(length=32), nullable=True),
        _fk(["campaign_id"], "campaigns", ["id"], "prior_insured"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prior_insured")),
        sa.UniqueConstraint("campaign_id", "id_number", name=op.f("uq_prior_insured_campaign_id_id_number")),
    )
    op.create_table(
        "cash_deposits",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("campaign_id", sa.String(length=64), nullable=False),
        sa.Column("external_ref", sa.String(length=128), nullable=False),
        sa.Column("unit_code", sa.String(length=64), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("deposited_on", sa.Date(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=False),
        _fk(["campaign_id"], "campaigns", ["id"], "cash_deposits"),
        _fk(["import_id"], "imports", ["id"], "cash_deposits"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cash_deposits")),
        sa.UniqueConstraint("campaign_id", "external_ref", name=op.f("uq_cash_deposits_campaign_id_external_ref")),
    )


def downgrade() -> None:
    """Drop them."""
    op.drop_table("cash_deposits")
    op.drop_table("prior_insured")
