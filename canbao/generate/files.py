"""Writing the inbox: every file job to disk (in worker processes when big), with hashes and row numbers."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from pathlib import Path

import pandas as pd

from canbao.formats.write import write_csv, write_workbook
from canbao.generate.job import FileJob

__all__ = ["PARALLEL_CELLS", "write_jobs"]

PARALLEL_CELLS = 300_000  # below this many cells, worker processes cost more than they save
_PENDING: tuple[Path, list[FileJob]] | None = None  # jobs handed to forked workers without pickling frames


def _write(job: FileJob, inbox: Path) -> str:
    path = inbox / job.path
    if job.encoding:
        preamble = [job.title] if job.title else []
        write_csv(path, job.frame, job.encoding, fen_columns=job.fen_columns,  # type: ignore[arg-type]
                  preamble=[*preamble, *job.notes])
    else:
        sheet = job.path.rsplit("/", 1)[-1].split("_")[-1].removesuffix(".xlsx")[:31]
        name = sheet or "Sheet1"
        write_workbook(path, {name: job.frame}, job.title, job.notes, fen_columns=job.fen_columns,
                       footers={name: job.footers} if job.footers else None)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_pending(i: int) -> tuple[int, str]:
    assert _PENDING is not None
    inbox, jobs = _PENDING
    return i, _write(jobs[i], inbox)


def _hashes(inbox: Path, jobs: list[FileJob], workers: int) -> list[str]:
    global _PENDING
    order = sorted(range(len(jobs)), key=lambda i: -jobs[i].frame.size)
    cells = sum(j.frame.size for j in jobs)
    if workers < 2 or cells < PARALLEL_CELLS or "fork" not in multiprocessing.get_all_start_methods():
        return [_write(job, inbox) for job in jobs]
    _PENDING = (inbox, jobs)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            done = dict(pool.imap_unordered(_write_pending, order, chunksize=1))
    finally:
        _PENDING = None
    return [done[i] for i in range(len(jobs))]


def write_jobs(inbox: Path, jobs: list[FileJob],
               workers: int | None = None) -> tuple[list[dict], pd.DataFrame]:
    """Write every job under `inbox`; file entries (path, source, rows, sha256) and a row ledger
    (source, file, row = the row number a person sees, plus each row's metadata). Output bytes do
    not depend on `workers` (default: up to two processes)."""
    jobs = sorted(jobs, key=lambda j: j.path)
    hashes = _hashes(inbox, jobs, workers if workers is not None else min(2, os.cpu_count() or 1))
    files, ledgers = [], []
    for job, sha in zip(jobs, hashes, strict=True):
        files.append({"path": f"inbox/{job.path}", "source": job.source, "rows": len(job.frame),
                      "sha256": sha})
        first = job.banner_rows + 2  # 1-based: banners, the header, then the first data row
        ledgers.append(job.meta.assign(source=job.source, file=f"inbox/{job.path}",
                                       row=range(first, first + len(job.frame))))
    ledger = pd.concat(ledgers, ignore_index=True) if ledgers else pd.DataFrame()
    return files, ledger
