"""The ledger (台账): tables, engine, bulk writes and shared queries (migrations: `canbao.ledger.migrate`)."""

from canbao.ledger.bulk import insert_rows, upsert
from canbao.ledger.engine import database_url, make_engine, mask_url
from canbao.ledger.queries import find_import, import_seen, record_import, snapshot
from canbao.ledger.schema import (
    Audit,
    Base,
    Campaign,
    Enrollment,
    Exemption,
    Import,
    Payment,
    Rejection,
    Resident,
    Unit,
)

__all__ = [
    "Audit", "Base", "Campaign", "Enrollment", "Exemption", "Import", "Payment", "Rejection", "Resident",
    "Unit", "database_url", "find_import", "import_seen", "insert_rows", "make_engine", "mask_url",
    "record_import", "snapshot", "upsert",
]
