"""Database failures as `LedgerError`: the kind, table, column and constraint, never a row's values."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import ExceptionContext

from canbao.errors import LedgerError, scrub_personal_data

__all__ = ["ledger_error", "raise_ledger_error", "scrubbed"]

_LABELS = {
    "IntegrityError": "违反台账约束（重复或缺少关联记录）",
    "DataError": "数据不符合台账字段要求（长度、类型或非法字符）",
    "OperationalError": "台账数据库操作失败（连接、锁或磁盘）",
    "StatementError": "数据无法写入台账",
}


def _diag(orig: Any, name: str) -> str | None:
    """A psycopg diagnostic field (table, column, constraint names: schema, not data)."""
    value = getattr(getattr(orig, "diag", None), name, None)
    return str(value) if value else None


def ledger_error(exc: BaseException) -> LedgerError:
    """The error as a `LedgerError` whose message holds no bound parameter and no row value.

    PostgreSQL's DETAIL and CONTEXT lines quote the offending key or row (ID numbers, names): they are
    dropped; only schema names from the diagnostics are kept. SQLite's constraint messages list columns only.
    """
    orig = getattr(exc, "orig", None) or exc
    kind = type(exc).__name__ if type(exc).__name__ in _LABELS else type(orig).__name__
    label = _LABELS.get(kind) or _LABELS.get(type(exc).__name__) or "台账语句执行失败"
    parts = [kind]
    table, column, constraint = _diag(orig, "table_name"), _diag(orig, "column_name"), _diag(orig, "constraint_name")
    if table:
        parts.append(f"表 {table}")
    if column:
        parts.append(f"字段 {column}")
    if constraint:
        parts.append(f"约束 {constraint}")
    text = str(orig).splitlines()[0] if str(orig) else ""
    if type(orig).__module__.startswith("sqlite3") and "constraint failed" in text:
        parts.append(text)  # "UNIQUE constraint failed: payments.channel, ...": column names, no values
    if kind == "StatementError" or isinstance(orig, ValueError):
        parts.append(scrub_personal_data(text)[:200])  # our own column types' refusals (canbao.ledger.types)
    return LedgerError(f"台账写入失败：{label}（{'，'.join(parts)}）", kind=kind, constraint=constraint)


def scrubbed(exc: BaseException) -> LedgerError:
    """The `LedgerError` for `exc`, with `exc` (and its DBAPI original) emptied of their text in place.

    SQLAlchemy chains the original as `__cause__`, which tracebacks print: its text must go too.
    """
    error = ledger_error(exc)
    for holder in (exc, getattr(exc, "orig", None)):
        if holder is not None:
            holder.args = (error.message,)
    return error


def raise_ledger_error(context: ExceptionContext) -> None:
    """`handle_error` hook: replace the DB error (which quotes parameters and rows) with a `LedgerError`."""
    if context.is_disconnect or getattr(context, "is_pre_ping", False):
        return  # the pool's reconnect logic needs the original
    raise scrubbed(context.sqlalchemy_exception or context.original_exception) from None
