"""A pool of processes for CPU-bound work on independent items (reading files, writing workbooks): its workers
started from a fork server rather than forked from this (threaded) process, and without importing this
process's `__main__` (a flow's entry point imports Prefect: seconds per worker, for work that never needs it)."""

from __future__ import annotations

import io
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import forkserver, popen_forkserver, reduction, spawn, util
from multiprocessing.context import ForkServerContext, ForkServerProcess, set_spawning_popen
from typing import Any, TypeVar

__all__ = ["POOL_MIN_ITEMS", "WORKERS_ENV", "pool_map", "pool_workers", "worker_preparation"]

WORKERS_ENV = "CANBAO_WORKERS"  # processes for parallel work; 1 does everything in the calling process
POOL_MIN_ITEMS = 8  # fewer items than this are done in the calling process (a pool costs ~0.1 s to start)
_MAIN_KEYS = ("init_main_from_path", "init_main_from_name")  # what makes a spawned child re-import __main__
_T = TypeVar("_T")
_R = TypeVar("_R")


def pool_workers() -> int:
    """How many processes do parallel work: `$CANBAO_WORKERS`, else the machine's cores."""
    text = os.environ.get(WORKERS_ENV, "").strip()
    return max(1, int(text)) if text else max(1, os.cpu_count() or 1)


def worker_preparation(name: str) -> dict[str, Any]:
    """What a worker is told of this process before it runs: multiprocessing's own preparation data less the
    `__main__` to import (pooled functions are module-level functions of canbao, never of `__main__`)."""
    return {k: v for k, v in spawn.get_preparation_data(name).items() if k not in _MAIN_KEYS}


class _Popen(popen_forkserver.Popen):
    """Starts a worker through the fork server as multiprocessing does (`_launch` of CPython 3.11-3.13, the
    same in all three), sending `worker_preparation` instead of the full preparation data."""

    def _launch(self, process_obj: Any) -> None:
        prep_data = worker_preparation(process_obj._name)
        buf = io.BytesIO()
        set_spawning_popen(self)
        try:
            reduction.dump(prep_data, buf)
            reduction.dump(process_obj, buf)
        finally:
            set_spawning_popen(None)
        self.sentinel, w = forkserver.connect_to_new_process(self._fds)  # type: ignore[attr-defined]
        parent_w = os.dup(w)  # the parent's sentinel of the child, as in multiprocessing
        self.finalizer = util.Finalize(self, util.close_fds, (parent_w, self.sentinel))  # type: ignore[attr-defined]
        with open(w, "wb", closefd=True) as f:
            f.write(buf.getbuffer())
        self.pid = forkserver.read_signed(self.sentinel)


class _WorkerProcess(ForkServerProcess):
    @staticmethod
    def _Popen(process_obj: Any) -> _Popen:
        return _Popen(process_obj)


class _WorkerContext(ForkServerContext):
    Process = _WorkerProcess


def _context() -> multiprocessing.context.BaseContext:
    context = _WorkerContext()
    context.set_forkserver_preload(["canbao.formats.read", "canbao.formats.write"])
    return context


def _yield_cpu(nice: int) -> None:
    """A worker's start: lower its priority by `nice` (0: none)."""
    if nice:
        os.nice(nice)


def pool_map(fn: Callable[[_T], _R], items: Sequence[_T], workers: int | None = None, *,
             min_items: int = POOL_MIN_ITEMS, nice: int = 0) -> list[_R]:
    """`fn` over the items in order, in the pool when there are at least `min_items` of them (`fn` must be a
    module-level function outside `__main__`, items and results picklable; an exception `fn` raises is raised
    here). `nice`: the workers' niceness increment, for work done in the background of this process's own."""
    workers = pool_workers() if workers is None else workers
    if workers <= 1 or len(items) < max(min_items, 1):
        return [fn(item) for item in items]
    chunk = max(1, len(items) // (workers * 8))
    # A pool per call: its workers live only while there is work (forked from the server: ~50 ms each).
    with ProcessPoolExecutor(min(workers, len(items)), mp_context=_context(), initializer=_yield_cpu,
                             initargs=(nice,)) as pool:
        return list(pool.map(fn, items, chunksize=chunk))
