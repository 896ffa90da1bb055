"""Shared fixtures: a fresh, empty ledger database per test (SQLite and PostgreSQL), the Prefect harness, and a
count of the inbox files the reader opens."""

from __future__ import annotations

import os
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import NullPool

from canbao.formats.read import TableRead
from canbao.intake import reading
from canbao.ledger.engine import make_engine, normalize_url
from canbao.ledger.migrate import upgrade
from tests.simulated import simulated_campaigns

__all__ = ["simulated_campaigns"]  # a session fixture defined in tests/simulated.py

POSTGRES_ENV = "CANBAO_TEST_POSTGRES_URL"
MARKERS = (
    "postgres: needs a PostgreSQL server (CANBAO_TEST_POSTGRES_URL, e.g. from .ci/postgres.sh)",
    "prefect_server: starts a real Prefect server",
    "slow: slower end-to-end test",
)


def pytest_configure(config: pytest.Config) -> None:
    """Register the project's markers (pytest runs with --strict-markers)."""
    for line in MARKERS:
        config.addinivalue_line("markers", line)


@contextmanager
def fresh_postgres_database(server_url: str) -> Iterator[str]:
    """A uniquely named database on the server at `server_url`, dropped (even if in use) afterwards."""
    server = normalize_url(server_url)
    name = f"canbao_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        for attempt in range(5):  # a background worker may still hold the database for a moment
            try:
                with admin.connect() as conn:
                    conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                break
            except Exception:
                if attempt == 4:
                    raise
                time.sleep(1)
        admin.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """URL of a fresh, empty PostgreSQL database (skips when CANBAO_TEST_POSTGRES_URL is unset)."""
    server = os.environ.get(POSTGRES_ENV, "").strip()
    if not server:
        pytest.skip(f"{POSTGRES_ENV} is not set (export {POSTGRES_ENV}=$(bash .ci/postgres.sh))")
    with fresh_postgres_database(server) as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """URL of a fresh, empty SQLite file database in the test's temporary directory."""
    return f"sqlite:///{tmp_path / 'ledger.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def ledger_url(request: pytest.FixtureRequest) -> str:
    """URL of a fresh, empty (unmigrated) ledger database: once on SQLite, once on PostgreSQL."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return request.getfixturevalue(fixture)


@pytest.fixture
def ledger_engine(ledger_url: str) -> Iterator[Engine]:
    """An engine on a fresh ledger database migrated to head (SQLite and PostgreSQL)."""
    yield from _migrated(ledger_url)


@pytest.fixture
def sqlite_ledger(sqlite_url: str) -> Iterator[Engine]:
    """An engine on a fresh SQLite ledger migrated to head, for tests whose subject is not the database."""
    yield from _migrated(sqlite_url)


def _migrated(url: str) -> Iterator[Engine]:
    upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """A temporary Prefect server for flow tests (started once per session, heartbeats off for speed)."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60), temporary_settings(
            updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Counter[Path]:
    """How many times each file is opened by the reader (in this process: one worker)."""
    opened: Counter[Path] = Counter()
    real = reading.read_table

    def read_table(path: Path, *args: object, **kwargs: object) -> TableRead:
        opened[Path(path)] += 1
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(reading, "read_table", read_table)
    monkeypatch.setenv("CANBAO_WORKERS", "1")
    return opened
