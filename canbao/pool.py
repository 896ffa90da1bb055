"""A pool of processes for CPU-bound work on independent items (reading files, writing workbooks): its workers
started from a fork server rather than forked from this (threaded) process."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

__all__ = ["POOL_MIN_ITEMS", "WORKERS_ENV", "pool_map", "pool_workers"]

WORKERS_ENV = "CANBAO_WORKERS"  # processes for parallel work; 1 does everything in the calling process
POOL_MIN_ITEMS = 8  # fewer items than this are done in the calling process (a pool costs ~0.1-1 s to start)
_T = TypeVar("_T")
_R = TypeVar("_R")


def pool_workers() -> int:
    """How many processes do parallel work: `$CANBAO_WORKERS`, else the machine's cores."""
    text = os.environ.get(WORKERS_ENV, "").strip()
    return max(1, int(text)) if text else max(1, os.cpu_count() or 1)


def _context() -> multiprocessing.context.BaseContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["canbao.formats.read", "canbao.formats.write"])
    return context


def pool_map(fn: Callable[[_T], _R], items: Sequence[_T], workers: int | None = None) -> list[_R]:
    """`fn` over the items in order, in the pool when there are enough of them (`fn` must be a module-level
    function, items and results picklable; an exception `fn` raises is raised here)."""
    workers = pool_workers() if workers is None else workers
    if workers <= 1 or len(items) < POOL_MIN_ITEMS:
        return [fn(item) for item in items]
    chunk = max(1, len(items) // (workers * 8))
    # A pool per call: its workers live only while there is work (forked from the server: ~50 ms each).
    with ProcessPoolExecutor(min(workers, len(items)), mp_context=_context()) as pool:
        return list(pool.map(fn, items, chunksize=chunk))
