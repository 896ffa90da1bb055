"""The query planner's statistics, refreshed after an intake has changed the size of the campaign's tables."""

from __future__ import annotations

from sqlalchemy import Connection

__all__ = ["STATISTICS_TABLES", "refresh_statistics"]

# The tables an intake grows and the state reads whole, by campaign.
STATISTICS_TABLES = ("enrollments", "payments", "prior_insured", "exemptions", "residents", "imports")


def refresh_statistics(conn: Connection) -> None:
    """ANALYZE the intake's tables. Without statistics SQLite reads a campaign's rows through its `campaign_id`
    index, one row lookup each, even when the campaign is the whole table; with them it scans (Kaijiang at full
    scale: payments 1.55 s → 0.62 s, last year's insured 1.25 s → 0.44 s, for about 0.4 s of ANALYZE).
    PostgreSQL's autovacuum would get there too, but only some time after a big COPY."""
    for table in STATISTICS_TABLES:
        conn.exec_driver_sql(f"ANALYZE {table}")
