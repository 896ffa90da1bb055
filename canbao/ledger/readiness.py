"""Whether the ledger is ready for a run: migrated to the code's head revision (migrating is the bring-up's job)."""

from __future__ import annotations

from functools import lru_cache

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from canbao.errors import CanbaoError
from canbao.ledger.engine import mask_url
from canbao.ledger.migrate import alembic_config

__all__ = ["LedgerNotReady", "require_head"]


class LedgerNotReady(CanbaoError):
    """The ledger is not at the revision this code needs; the message tells the coordinator what to run."""

    code = "ledger_not_ready"


@lru_cache(maxsize=1)
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def require_head(engine: Engine) -> str:
    """The ledger's revision when it is the newest migration; else `LedgerNotReady` (nothing is migrated here)."""
    with engine.connect() as conn:
        at = MigrationContext.configure(conn).get_current_revision()
    scripts = _scripts()
    head = scripts.get_current_head() or ""
    if at == head:
        return at
    where = mask_url(engine.url)
    if at is None:
        raise LedgerNotReady(f"台账数据库（{where}）尚未初始化：请先运行 `canbao db upgrade`（或 `make run`）"
                             "再重新运行")
    known = {rev.revision for rev in scripts.walk_revisions()}
    if at not in known:
        raise LedgerNotReady(f"台账数据库（{where}）的版本 {at} 比本程序新：请使用与台账一致的程序版本")
    raise LedgerNotReady(f"台账数据库（{where}）版本为 {at}，本程序需要 {head}：请先运行 `canbao db upgrade`"
                         "（或 `make run`）再重新运行")
