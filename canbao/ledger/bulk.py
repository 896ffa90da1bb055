"""Idempotent bulk upserts on natural keys (INSERT ... ON CONFLICT), with COPY for big PostgreSQL loads."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date
from itertools import compress
from typing import Any

from sqlalchemy import Connection, Date, Dialect, Insert, Select, Table, bindparam, column, or_, select
from sqlalchemy import table as table_clause
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase

from canbao.ledger.failures import scrubbed
from canbao.ledger.rows import Rows, to_columns

__all__ = [
    "CHUNK_ROWS", "COPY_THRESHOLD", "SQLITE_MAX_VARIABLES", "insert_rows", "update_by_id", "upsert",
    "upsert_statement",
]

_DATE_PROBES = (date(1, 2, 3), date(1999, 12, 31), date(2020, 2, 29))
COPY_THRESHOLD = 20_000  # PostgreSQL: more rows than this go through COPY into a staging table
SQLITE_MAX_VARIABLES = 32_766  # SQLITE_MAX_VARIABLE_NUMBER since SQLite 3.32
CHUNK_ROWS = 10_000  # rows per executemany call, bounding the parameter lists held at once


def _resolve(target: Table | type[DeclarativeBase]) -> Table:
    """The Core table of a model class, or the table itself."""
    found = getattr(target, "__table__", target)
    if not isinstance(found, Table):
        raise TypeError(f"not a table or mapped class: {target!r}")
    return found


def upsert_statement(
    dialect: str, table: Table, keys: Sequence[str], update: Sequence[str], source: Select[Any] | None = None
) -> Insert:
    """INSERT ... ON CONFLICT (keys): update `update` columns only where they differ, else do nothing."""
    factory = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}.get(dialect)
    if factory is None:
        raise ValueError(f"upsert supports sqlite and postgresql, not {dialect}")
    stmt = factory(table)
    if source is not None:
        stmt = stmt.from_select([c.name for c in source.selected_columns], source)
    if not update:
        return stmt.on_conflict_do_nothing(index_elements=list(keys))
    changed = or_(*(table.c[c].is_distinct_from(stmt.excluded[c]) for c in update))
    return stmt.on_conflict_do_update(
        index_elements=list(keys), set_={c: stmt.excluded[c] for c in update}, where=changed
    )


def _bound(dialect: Dialect, table: Table, columns: list[str], values: list[list[Any]]) -> list[list[Any]]:
    """Each column's values through its type's bind processing (dates on SQLite, JSON, ID-free text...)."""
    processed = []
    for name, column_values in zip(columns, values):
        process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None and _iso_dates(table.c[name].type, process):
            # to_columns made them dates or None; date.isoformat is what the processor writes, without its call,
            # and once per distinct day (a batch holds a few hundred of them in 100,000s of rows).
            texts = {d: d.isoformat() for d in set(column_values) if d is not None}
            processed.append(list(map(texts.get, column_values)))
        else:
            processed.append(column_values if process is None else [process(v) for v in column_values])
    return processed


def _iso_dates(sqltype: Any, process: Callable[[Any], Any]) -> bool:
    """Whether a column's bind processor writes a date as its ISO text (SQLite's DATE in its default format)."""
    return type(sqltype) is Date and all(process(d) == d.isoformat() for d in _DATE_PROBES)


def _refuse_duplicate_keys(
    table: Table, columns: list[str], values: list[list[Any]], keys: Sequence[str]
) -> None:
    """Two rows with one key would make the result depend on row order: an error, not a silent pick."""
    key_values = [values[columns.index(k)] for k in keys]
    # A key column holding one value throughout (the campaign) cannot tell two rows apart: left out.
    varying = [v for v in key_values if v.count(v[0]) != len(v)] if key_values[0] else []
    distinct = (len(set(varying[0])) if len(varying) == 1 else len(set(zip(*varying))) if varying
                else min(1, len(key_values[0])))
    if distinct != len(key_values[0]):
        raise ValueError(
            f"upsert into {table.name}: {len(key_values[0]) - distinct} row(s) repeat a key {list(keys)}; "
            "deduplicate first (e.g. frame.drop_duplicates(keys, keep='last'))"
        )


def _copy(conn: Connection, into: str, columns: list[str], values: list[list[Any]]) -> None:
    """PostgreSQL: COPY bound column values into the table named `into` (psycopg 3 `cursor.copy`)."""
    names = ", ".join(conn.dialect.identifier_preparer.quote(c) for c in columns)
    raw = conn.connection.driver_connection
    try:
        with raw.cursor() as cursor, cursor.copy(f"COPY {into} ({names}) FROM STDIN") as copy:
            for row in zip(*values):
                copy.write_row(row)
    except conn.dialect.loaded_dbapi.Error as exc:  # raw COPY bypasses the engine's handle_error; CONTEXT quotes rows
        raise scrubbed(exc) from None


def _copy_upsert(
    conn: Connection, table: Table, columns: list[str], values: list[list[Any]], keys: Sequence[str],
    update: Sequence[str],
) -> int:
    """PostgreSQL: COPY into a temporary copy of `table`, then one INSERT ... SELECT ... ON CONFLICT."""
    names = ", ".join(conn.dialect.identifier_preparer.quote(c) for c in columns)
    stage = f"canbao_stage_{uuid.uuid4().hex[:12]}"
    source = conn.dialect.identifier_preparer.format_table(table)
    conn.exec_driver_sql(f"CREATE TEMPORARY TABLE {stage} AS SELECT {names} FROM {source} WITH NO DATA")
    _copy(conn, stage, columns, values)
    staged = select(*table_clause(stage, *(column(c) for c in columns)).c)
    stmt = upsert_statement("postgresql", table, keys, update, staged)
    count = conn.execute(stmt.execution_options(preserve_rowcount=True)).rowcount
    conn.exec_driver_sql(f"DROP TABLE {stage}")
    return count


def _executemany(conn: Connection, stmt: Insert, columns: list[str], values: list[list[Any]]) -> int:
    """Run one compiled statement over bound column values in chunks; the summed DBAPI rowcount."""
    compiled = stmt.compile(dialect=conn.dialect, column_keys=columns)
    positional = list(compiled.positiontup or [])
    order = positional or columns
    if sorted(order) != sorted(columns):
        raise RuntimeError(f"unexpected parameters {order} for columns {columns}")
    rows = list(zip(*(values[columns.index(name)] for name in order)))
    count = 0
    for start in range(0, len(rows), CHUNK_ROWS):
        chunk = rows[start:start + CHUNK_ROWS]
        params = chunk if positional else [dict(zip(order, row)) for row in chunk]
        result = conn.exec_driver_sql(str(compiled), params, execution_options={"preserve_rowcount": True})
        count += max(result.rowcount, 0)
    return count


def upsert(
    conn: Connection,
    table: Table | type[DeclarativeBase],
    rows: Rows,
    keys: Sequence[str],
    update: Sequence[str] | None = None,
    *,
    copy_threshold: int | None = COPY_THRESHOLD,
    absent: Sequence[bool] | None = None,
) -> int:
    """Insert rows, updating existing ones on `keys`; returns how many rows were inserted or changed.

    `update=None` updates every non-key column the rows carry; `update=[]` only inserts new keys.
    A row whose update columns already hold the same values is left alone and not counted, so
    writing the same rows twice changes nothing the second time. Rows repeating a key are refused.
    On PostgreSQL, more than `copy_threshold` rows go through COPY (`None`: never).
    `absent`, one flag per row, marks the rows whose key the caller has just read to be missing from the table
    (in this transaction, with no other writer of those keys): they are inserted without conflict handling,
    which with foreign keys checked costs SQLite more than the insert itself. A key that is there after all
    fails the write; it is never overwritten unseen.
    """
    target = _resolve(table)
    columns, values = to_columns(rows, target)
    if not values or not values[0]:
        return 0
    update = [c for c in columns if c not in keys] if update is None else list(update)
    missing = [c for c in [*keys, *update] if c not in columns]
    if missing or not keys or set(keys) & set(update):
        raise ValueError(f"upsert into {target.name}: bad keys {list(keys)} / update {update} for {columns}")
    _refuse_duplicate_keys(target, columns, values, keys)
    bound = _bound(conn.dialect, target, columns, values)
    inserted = 0
    if absent is not None:
        flags = [bool(flag) for flag in absent]
        if len(flags) != len(values[0]):
            raise ValueError(f"upsert into {target.name}: {len(flags)} absent flags for {len(values[0])} rows")
        known = [not flag for flag in flags]
        inserted = _insert(conn, target, columns, [list(compress(v, flags)) for v in bound], copy_threshold)
        bound = [list(compress(v, known)) for v in bound]
        if not bound[0]:
            return inserted
    if conn.dialect.name == "postgresql" and copy_threshold is not None and len(bound[0]) > copy_threshold:
        return inserted + _copy_upsert(conn, target, columns, bound, keys, update)
    # Each row is one execution of a prepared statement: len(columns) variables, whatever the chunk size.
    if len(columns) > SQLITE_MAX_VARIABLES:
        raise ValueError(f"{len(columns)} columns exceed SQLite's variable limit")
    return inserted + _executemany(conn, upsert_statement(conn.dialect.name, target, keys, update), columns, bound)


def _insert(conn: Connection, table: Table, columns: list[str], bound: list[list[Any]],
            copy_threshold: int | None) -> int:
    """Append bound column values to `table` (COPY for many rows on PostgreSQL); how many rows were written."""
    if not bound[0]:
        return 0
    if conn.dialect.name == "postgresql" and copy_threshold is not None and len(bound[0]) > copy_threshold:
        _copy(conn, conn.dialect.identifier_preparer.format_table(table), columns, bound)
    else:
        _executemany(conn, table.insert(), columns, bound)
    return len(bound[0])


def insert_rows(
    conn: Connection,
    table: Table | type[DeclarativeBase],
    rows: Rows,
    *,
    copy_threshold: int | None = COPY_THRESHOLD,
) -> int:
    """Append rows to a table without a natural key (rejections, audit); returns how many were written."""
    target = _resolve(table)
    columns, values = to_columns(rows, target)
    if not values or not values[0]:
        return 0
    return _insert(conn, target, columns, _bound(conn.dialect, target, columns, values), copy_threshold)


def update_by_id(conn: Connection, table: Table | type[DeclarativeBase], rows: Rows, columns: Sequence[str]) -> int:
    """Set `columns` of existing rows found by their `id` (rows carry `id` and `columns`); returns rows changed.

    Writes only the named columns: the narrow path for refreshing a cached status on rows known to differ."""
    target = _resolve(table)
    names, values = to_columns(rows, target)
    if not values or not values[0]:
        return 0
    if "id" not in names or not set(columns) <= set(names):
        raise ValueError(f"update {target.name}: rows need id and {list(columns)}, have {names}")
    keep = ["id", *columns]
    values = [values[names.index(c)] for c in keep]
    bound = _bound(conn.dialect, target, keep, values)
    # Parameters are named apart from the columns: a bind named like a column would add it to the SET clause.
    stmt = target.update().where(target.c.id == bindparam("p_id")).values(
        {c: bindparam(f"p_{c}") for c in columns})
    compiled = stmt.compile(dialect=conn.dialect)
    order = [name.removeprefix("p_") for name in (compiled.positiontup or [])] or keep
    rows_ = list(zip(*(bound[keep.index(name)] for name in order)))
    count = 0
    for start in range(0, len(rows_), CHUNK_ROWS):
        chunk = rows_[start:start + CHUNK_ROWS]
        params = chunk if compiled.positiontup else [{f"p_{k}": v for k, v in zip(order, row)} for row in chunk]
        result = conn.exec_driver_sql(str(compiled), params, execution_options={"preserve_rowcount": True})
        count += max(result.rowcount, 0)
    return count
