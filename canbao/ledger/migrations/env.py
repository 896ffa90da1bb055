"""Alembic environment of the ledger: migrates a passed-in connection, or the configured URL."""

from __future__ import annotations

from typing import Any

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection
from sqlalchemy.types import TypeDecorator

from canbao.ledger.engine import database_url, make_engine
from canbao.ledger.schema import Base

config = context.config
target_metadata = Base.metadata


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | bool:
    """Render the ledger's own column types as their plain SQLAlchemy base, so revisions stay frozen."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


def _configure(**kwargs: Any) -> None:
    """Alembic settings shared by the online and offline modes."""
    context.configure(target_metadata=target_metadata, compare_type=True, render_item=render_item, **kwargs)


def run_offline() -> None:
    """Emit the migration SQL for the configured URL without connecting (`--sql`)."""
    _configure(url=config.get_main_option("sqlalchemy.url") or database_url(), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def _sqlite_begin(connection: Connection) -> None:
    """Open the SQLite transaction now: pysqlite only begins one before DML, so a DDL step (DROP TABLE) would
    otherwise be committed at once and survive a later step's failure in the same upgrade or downgrade."""
    raw = connection.connection.driver_connection
    if connection.dialect.name == "sqlite" and raw is not None and not raw.in_transaction:
        connection.exec_driver_sql("BEGIN")


def run_on(connection: Connection) -> None:
    """Run the pending migrations on an open connection (batch mode on SQLite for ALTERs), all or nothing."""
    _configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
    _sqlite_begin(connection)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Run the migrations on `config.attributes["connection"]`, else on a new engine for the URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        run_on(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or database_url())
    try:
        with engine.begin() as conn:
            run_on(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
