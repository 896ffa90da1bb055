"""Reading a batch of inbox files, in a pool of processes when there are many: parsing is CPU-bound work
that one process does on one core, while the ledger keeps a single writer."""

from __future__ import annotations

import atexit
import multiprocessing
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from canbao.formats.read import FormatError, TableRead, read_table
from canbao.policy.limits import FileLimits
from canbao.policy.model import Campaign

__all__ = ["POOL_MIN_FILES", "WORKERS_ENV", "ReadJob", "read_files", "read_workers"]

WORKERS_ENV = "CANBAO_READ_WORKERS"  # processes reading files; 1 reads in the calling process
POOL_MIN_FILES = 8  # fewer files than this are read in the calling process (a pool costs ~0.1-1 s to start)
_pool: ProcessPoolExecutor | None = None
_pool_size = 0


@dataclass(frozen=True)
class ReadJob:
    """One file to read as `source`, with the header override, campaign, sending agency and limits."""

    path: Path
    source: str
    override: Mapping[str, Sequence[str]] | None
    campaign: Campaign | None
    agency: str | None
    limits: FileLimits | None


def read_workers() -> int:
    """How many processes read files: `$CANBAO_READ_WORKERS`, else the machine's cores."""
    text = os.environ.get(WORKERS_ENV, "").strip()
    return max(1, int(text)) if text else max(1, os.cpu_count() or 1)


def _read(job: ReadJob) -> TableRead | FormatError:
    try:
        return read_table(job.path, job.source, job.override, campaign=job.campaign, agency=job.agency,
                          limits=job.limits)
    except FormatError as exc:  # a refused file is a result of the batch, not a failure of the pool
        return exc


def _executor(workers: int) -> ProcessPoolExecutor:
    """One pool per process, reused by every batch; workers come from a fork server, never from this
    (threaded) process itself."""
    global _pool, _pool_size
    if _pool is None or _pool_size != workers:
        if _pool is not None:
            _pool.shutdown()
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["canbao.formats.read"])
        _pool, _pool_size = ProcessPoolExecutor(workers, mp_context=context), workers
    return _pool


@atexit.register
def _close() -> None:
    if _pool is not None:
        _pool.shutdown(cancel_futures=True)


def read_files(jobs: Sequence[ReadJob], workers: int | None = None) -> list[TableRead | FormatError]:
    """Each file read as its table, or the FormatError that refused it, in the order given."""
    workers = read_workers() if workers is None else workers
    if workers <= 1 or len(jobs) < POOL_MIN_FILES:
        return [_read(job) for job in jobs]
    chunk = max(1, len(jobs) // (workers * 8))
    return list(_executor(workers).map(_read, jobs, chunksize=chunk))
