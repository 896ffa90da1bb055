"""Reading a batch of inbox files, in a pool of processes when there are many: parsing is CPU-bound work
that one process does on one core, while the ledger keeps a single writer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from canbao.formats.read import FormatError, TableRead, read_table
from canbao.intake.inbox import InboxFile
from canbao.policy.limits import FileLimits
from canbao.policy.model import Campaign
from canbao.pool import POOL_MIN_ITEMS, pool_map

__all__ = ["POOL_MIN_ITEMS", "FilesRead", "ReadJob", "read_ahead", "read_files", "read_jobs"]


@dataclass(frozen=True)
class ReadJob:
    """One file to read as `source`, with the header override, campaign, sending agency and limits."""

    path: Path
    source: str
    override: Mapping[str, Sequence[str]] | None
    campaign: Campaign | None
    agency: str | None
    limits: FileLimits | None

    def same_read(self, other: ReadJob) -> bool:
        """Whether `other` reads this file the same way (the campaign compared by id: one run's config)."""
        return ((self.path, self.source, self.override, self.agency, self.limits)
                == (other.path, other.source, other.override, other.agency, other.limits)
                and getattr(self.campaign, "id", None) == getattr(other.campaign, "id", None))


@dataclass(frozen=True)
class FilesRead:
    """Files of one source read ahead of their batch: each job with its table or the FormatError refusing it."""

    source: str
    jobs: tuple[ReadJob, ...]
    results: tuple[TableRead | FormatError, ...]

    @cached_property
    def _by_path(self) -> dict[Path, tuple[ReadJob, TableRead | FormatError]]:
        return {job.path: (job, result) for job, result in zip(self.jobs, self.results, strict=True)}

    def result_for(self, job: ReadJob) -> TableRead | FormatError | None:
        """What was read for `job`, or None when this file was not read ahead, or read another way."""
        done = self._by_path.get(job.path)
        return done[1] if done is not None and done[0].same_read(job) else None


def _read(job: ReadJob) -> TableRead | FormatError:
    try:
        return read_table(job.path, job.source, job.override, campaign=job.campaign, agency=job.agency,
                          limits=job.limits)
    except FormatError as exc:  # a refused file is a result of the batch, not a failure of the pool
        return exc


def read_jobs(files: Sequence[InboxFile], source: str, campaign: Campaign,
              mappings: Mapping[str, Mapping[str, Sequence[str]]] | None = None) -> list[ReadJob]:
    """The jobs reading a source's files that can be opened (no refusal at scan time), in their order."""
    limits = campaign.intake_limits.for_source(source)
    return [ReadJob(f.path, source, (mappings or {}).get(f.agency or source), campaign, f.agency, limits)
            for f in files if f.refusal is None]


def read_files(jobs: Sequence[ReadJob], workers: int | None = None,
               ahead: FilesRead | None = None) -> list[TableRead | FormatError]:
    """Each file read as its table, or the FormatError that refused it, in the order given (`workers`: see
    canbao.pool; default the machine's cores); files `ahead` holds are taken from it, not read again."""
    known = [ahead.result_for(job) if ahead is not None else None for job in jobs]
    fresh = iter(pool_map(_read, [job for job, got in zip(jobs, known, strict=True) if got is None], workers))
    return [got if got is not None else next(fresh) for got in known]


# Reading ahead is background work: the workers yield the CPU to this process. Even one file goes to a worker
# when the source is big (read on a thread here, it would hold the interpreter lock the batch being stored
# needs); a small source is read here, cheaper than starting the pool (a second or two in a fresh process).
AHEAD_NICE = 5
AHEAD_POOL_BYTES = 1 << 20


def read_ahead(files: Sequence[InboxFile], source: str, campaign: Campaign,
               mappings: Mapping[str, Mapping[str, Sequence[str]]] | None = None,
               workers: int | None = None) -> FilesRead:
    """A source's files read before its batch (while another source's batch is validated and stored)."""
    jobs = tuple(read_jobs(files, source, campaign, mappings))
    big = sum(_size(job.path) for job in jobs) >= AHEAD_POOL_BYTES
    return FilesRead(source, jobs, tuple(pool_map(_read, jobs, workers, min_items=1 if big else POOL_MIN_ITEMS,
                                                  nice=AHEAD_NICE)))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # gone since the scan: its read reports it
        return 0
