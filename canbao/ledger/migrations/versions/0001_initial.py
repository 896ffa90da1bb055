"""The initial ledger: campaigns, units, residents, enrollments, payments, exemptions, imports, audit.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _id() -> sa.Column:
    """A surrogate integer key (SERIAL on PostgreSQL, INTEGER PRIMARY KEY on SQLite)."""
    return sa.Column("id", sa.Integer(), autoincrement=True, nullable=False)


def _fk(columns: list[str], table: str, refs: list[str], owner: str) -> sa.ForeignKeyConstraint:
    """A foreign key named by the models' naming convention."""
    name = f"fk_{owner}_{'_'.join(columns)}_{table}"
    return sa.ForeignKeyConstraint(columns, [f"{table}.{c}" for c in refs], name=op.f(name))


def upgrade() -> None:
    """Create every ledger table with its keys, checks and indexes."""
    op.create_table(
        "campaigns",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("locality", sa.String(length=64), nullable=False),
        sa.Column("insurance_year", sa.Integer(), nullable=False),
        sa.Column("config_sha256", sa.CHAR(length=64), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
        sa.UniqueConstraint("locality", "insurance_year", name=op.f("uq_campaigns_locality_insurance_year")),
    )
    op.create_table(
        "residents",
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("person_number", sa.String(length=32), nullable=True),
        sa.Column("household_id", sa.String(length=64), nullable=True),
        sa.Column("deceased_on", sa.Date(), nullable=True),
        sa.CheckConstraint("sex IN ('M', 'F')", name=op.f("ck_residents_sex")),
        sa.PrimaryKeyConstraint("id_number", name=op.f("pk_residents")),
    )
    op.create_table(
        "units",
        sa.Column("campaign_id", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("parent_code", sa.String(length=64), nullable=True),
        sa.Column("target", sa.Integer(), nullable=True),
        sa.CheckConstraint("level IN ('county', 'town', 'village', 'school')", name=op.f("ck_units_level")),
        _fk(["campaign_id"], "campaigns", ["id"], "units"),
        sa.PrimaryKeyConstraint("campaign_id", "code", name=op.f("pk_units")),
    )
    op.create_table(
        "imports",
        _id(),
        sa.Column("campaign_id", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.CHAR(length=64), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("rows_accepted", sa.Integer(), nullable=False),
        sa.Column("rows_rejected", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("flow_run_id", sa.String(length=64), nullable=True),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        _fk(["campaign_id"], "campaigns", ["id"], "imports"),
        _fk(["supersedes_id"], "imports", ["id"], "imports"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imports")),
        sa.UniqueConstraint(
            "campaign_id", "source", "sha256", name=op.f("uq_imports_campaign_id_source_sha256")
        ),
    )
    op.create_table(
        "enrollments",
        _id(),
        sa.Column("campaign_id", sa.String(length=64), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("unit_code", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("registered_at", sa.Date(), nullable=False),
        sa.Column("benefit_start", sa.Date(), nullable=True),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('renewal', 'new')", name=op.f("ck_enrollments_kind")),
        _fk(["campaign_id", "unit_code"], "units", ["campaign_id", "code"], "enrollments"),
        _fk(["id_number"], "residents", ["id_number"], "enrollments"),
        _fk(["import_id"], "imports", ["id"], "enrollments"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrollments")),
        sa.UniqueConstraint("campaign_id", "id_number", name=op.f("uq_enrollments_campaign_id_id_number")),
    )
    op.create_index("ix_enrollments_campaign_id_unit_code", "enrollments", ["campaign_id", "unit_code"])
    op.create_table(
        "payments",
        _id(),
        sa.Column("campaign_id", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("external_ref", sa.String(length=128), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("unit_code", sa.String(length=64), nullable=True),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="unchecked", nullable=False),
        sa.Column("expected_fen", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "status IN ('matched', 'underpaid', 'overpaid', 'orphan', 'duplicate', 'unchecked')",
            name=op.f("ck_payments_status"),
        ),
        _fk(["campaign_id", "unit_code"], "units", ["campaign_id", "code"], "payments"),
        _fk(["campaign_id"], "campaigns", ["id"], "payments"),
        _fk(["import_id"], "imports", ["id"], "payments"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("channel", "external_ref", name=op.f("uq_payments_channel_external_ref")),
    )
    op.create_index("ix_payments_campaign_id_id_number", "payments", ["campaign_id", "id_number"])
    op.create_index("ix_payments_campaign_id_unit_code", "payments", ["campaign_id", "unit_code"])
    op.create_table(
        "exemptions",
        _id(),
        sa.Column("campaign_id", sa.String(length=64), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("agency", sa.String(length=32), nullable=False),
        sa.Column("source_list", sa.String(length=128), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("import_id", sa.Integer(), nullable=False),
        _fk(["campaign_id"], "campaigns", ["id"], "exemptions"),
        _fk(["id_number"], "residents", ["id_number"], "exemptions"),
        _fk(["import_id"], "imports", ["id"], "exemptions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exemptions")),
        sa.UniqueConstraint("campaign_id", "id_number", name=op.f("uq_exemptions_campaign_id_id_number")),
    )
    op.create_table(
        "rejections",
        _id(),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=False),
        sa.Column("column", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.String(length=1000), nullable=False),
        sa.Column("unit_code", sa.String(length=64), nullable=True),
        _fk(["import_id"], "imports", ["id"], "rejections"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rejections")),
    )
    op.create_index("ix_rejections_import_id", "rejections", ["import_id"])
    op.create_table(
        "audit",
        _id(),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("flow_run_id", sa.String(length=64), nullable=True),
        sa.Column("campaign_id", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("record_key", sa.String(length=255), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("source_file", sa.String(length=255), nullable=True),
        sa.Column("source_row", sa.Integer(), nullable=True),
        sa.Column("before", _JSON, nullable=True),
        sa.Column("after", _JSON, nullable=True),
        _fk(["campaign_id"], "campaigns", ["id"], "audit"),
        _fk(["import_id"], "imports", ["id"], "audit"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit")),
    )
    op.create_index("ix_audit_table_name_record_key", "audit", ["table_name", "record_key"])
    op.create_index("ix_audit_campaign_id", "audit", ["campaign_id"])


def downgrade() -> None:
    """Drop every ledger table (indexes go with them)."""
    for table in ("audit", "rejections", "exemptions", "payments", "enrollments", "imports", "units"):
        op.drop_table(table)
    op.drop_table("residents")
    op.drop_table("campaigns")
