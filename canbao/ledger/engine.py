"""Where the ledger lives: its URL from the environment and a configured SQLAlchemy engine."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url

from canbao.ledger.failures import raise_ledger_error

__all__ = ["DEFAULT_URL", "ENV_VAR", "database_url", "make_engine", "mask_url", "normalize_url"]

ENV_VAR = "CANBAO_DATABASE_URL"
DEFAULT_URL = "sqlite:///data/canbao.db"
SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_CACHE_KIB = 64 * 1024  # page cache per connection: keeps big indexes in memory during imports
_log = logging.getLogger(__name__)


def database_url() -> str:
    """The ledger URL: `$CANBAO_DATABASE_URL`, else a SQLite file `data/canbao.db` under the CWD."""
    return os.environ.get(ENV_VAR, "").strip() or DEFAULT_URL


def normalize_url(url: str | URL) -> URL:
    """The URL with plain `postgresql://` / `postgres://` pointed at the psycopg 3 driver."""
    text = url.render_as_string(hide_password=False) if isinstance(url, URL) else url
    if text.startswith("postgres://"):
        text = "postgresql://" + text.removeprefix("postgres://")
    parsed = make_url(text)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def mask_url(url: str | URL) -> str:
    """The URL as text with its password replaced by `***`, safe for logs and messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL may still hold a secret: show only its scheme
        return str(url).split(":", 1)[0] + "://***"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Per-connection SQLite settings: WAL, enforced foreign keys, waiting on locks."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    cursor.close()


def make_engine(url: str | URL | None = None, **kwargs: Any) -> Engine:
    """An engine for the ledger at `url` (default `database_url()`); extra kwargs go to `create_engine`."""
    parsed = normalize_url(url if url is not None else database_url())
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.database and parsed.database != ":memory:" and not parsed.database.startswith("file:"):
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, **{"hide_parameters": True, **kwargs})
        event.listen(engine, "connect", _sqlite_pragmas)
    elif backend == "postgresql":
        engine = create_engine(parsed, **{"pool_pre_ping": True, "hide_parameters": True, **kwargs})
    else:
        raise ValueError(f"unsupported ledger database {mask_url(parsed)}: use sqlite or postgresql")
    # Database errors quote bound parameters and rows (ID numbers, names): none may reach a log or a state.
    event.listen(engine, "handle_error", raise_ledger_error)
    _log.debug("ledger engine for %s", mask_url(parsed))
    return engine
