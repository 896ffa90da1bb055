"""Column types the ledger needs beyond SQLAlchemy's: aware timestamps, ID-free text, portable JSON."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Dialect, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator, TypeEngine

__all__ = ["FULL_ID_RE", "AwareDateTime", "JsonDocument", "NoFullIdText"]

# Exactly 18 characters shaped like a national ID (17 digits + digit/X), not part of a longer number.
FULL_ID_RE = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")

# JSONB on PostgreSQL (it has equality, which the upsert's change check needs); JSON text elsewhere.
JsonDocument: TypeEngine[Any] = JSON().with_variant(JSONB(), "postgresql")


class AwareDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC that refuses naive datetimes and always reads back timezone-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """The value in UTC; a naive datetime is an error."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: timestamps in the ledger must be timezone-aware")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """The stored value, marked UTC where the database (SQLite) dropped the zone."""
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class NoFullIdText(TypeDecorator[str]):
    """Free text that must not contain a full, unmasked national ID number."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        """The text unchanged; an 18-character ID inside it is an error."""
        if value is not None and FULL_ID_RE.search(value):
            raise ValueError(
                "text holds what looks like a full ID number: mask it (canbao.identity.mask_id) first"
            )
        return value
