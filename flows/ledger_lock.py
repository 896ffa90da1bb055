"""One ledger writer per campaign: the Prefect global concurrency limit `canbao-ledger-<campaign>`, one slot.

Every flow that writes a campaign's ledger holds that slot while it writes, so two runs for the same campaign
take turns and two campaigns never wait for each other. The bring-up creates the limits (`ensure_limits`);
where one does not exist (a local run on Prefect's temporary server) the flow runs without waiting.
"""

from __future__ import annotations

import functools
import inspect
import logging
import typing
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from prefect import get_run_logger
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
from prefect.concurrency.sync import concurrency
from prefect.exceptions import MissingContextError, ObjectAlreadyExists, ObjectNotFound

__all__ = ["LEASE_SECONDS", "ensure_limits", "holds_ledger", "ledger_lock", "limit_name"]

LEASE_SECONDS = 300  # renewed every 225 s while held; a killed holder's slot returns once it lapses
_held: ContextVar[frozenset[str]] = ContextVar("canbao_ledger_held", default=frozenset())
P = ParamSpec("P")
R = TypeVar("R")


def limit_name(campaign: str) -> str:
    """The concurrency limit guarding one campaign's ledger writes."""
    return f"canbao-ledger-{campaign}"


def _logger() -> logging.Logger | logging.LoggerAdapter[logging.Logger]:
    try:
        return get_run_logger()
    except MissingContextError:
        return logging.getLogger(__name__)


def _exists(name: str) -> bool:
    with get_client(sync_client=True) as client:
        try:
            client.read_global_concurrency_limit_by_name(name)
        except ObjectNotFound:
            return False
    return True


def ensure_limits(campaigns: Iterable[str]) -> list[str]:
    """Create the one-slot limit of each campaign that has none; the names created."""
    created = []
    with get_client(sync_client=True) as client:
        for campaign in campaigns:
            name = limit_name(campaign)
            try:
                client.read_global_concurrency_limit_by_name(name)
                continue
            except ObjectNotFound:
                pass
            try:
                client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=name, limit=1))
            except ObjectAlreadyExists:  # created by another process meanwhile
                continue
            created.append(name)
    return created


@contextmanager
def ledger_lock(campaign: str) -> Iterator[bool]:
    """Hold the campaign's ledger slot for the block (True), or run unguarded where no limit exists (False).

    Re-entrant within a run: a subflow of a flow that holds the slot does not wait for itself."""
    name = limit_name(campaign)
    if name in _held.get():
        yield True
        return
    if not _exists(name):
        _logger().info("未设置并发限制 %s：本次写台账不排队（本地运行；部署环境由 make run 创建）", name)
        yield False
        return
    _logger().info("等待台账写入许可 %s（同一地区同一时间只有一个运行写台账）", name)
    with concurrency(name, occupy=1, strict=True, lease_duration=LEASE_SECONDS):
        token = _held.set(_held.get() | {name})
        try:
            _logger().info("已取得台账写入许可 %s", name)
            yield True
        finally:
            _held.reset(token)


def holds_ledger(fn: Callable[P, R]) -> Callable[P, R]:
    """Decorate a flow function (under `@flow`) taking `campaign`: its whole body holds that campaign's slot."""
    signature = inspect.signature(fn)
    hints = typing.get_type_hints(fn, include_extras=True)

    @functools.wraps(fn)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        campaign: Any = signature.bind(*args, **kwargs).arguments["campaign"]
        with ledger_lock(str(campaign)):
            return fn(*args, **kwargs)

    # Prefect validates parameters against the signature, resolving string annotations (`from __future__ import
    # annotations`) in the wrapper's module: hand it the flow's signature with the annotations already resolved.
    guarded.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[p.replace(annotation=hints.get(p.name, p.annotation)) for p in signature.parameters.values()],
        return_annotation=hints.get("return", signature.return_annotation))
    return guarded
