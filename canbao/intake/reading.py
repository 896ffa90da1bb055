"""Reading a batch of inbox files, in a pool of processes when there are many: parsing is CPU-bound work
that one process does on one core, while the ledger keeps a single writer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from canbao.formats.read import FormatError, TableRead, read_table
from canbao.policy.limits import FileLimits
from canbao.policy.model import Campaign
from canbao.pool import POOL_MIN_ITEMS, pool_map

__all__ = ["POOL_MIN_ITEMS", "ReadJob", "read_files"]


@dataclass(frozen=True)
class ReadJob:
    """One file to read as `source`, with the header override, campaign, sending agency and limits."""

    path: Path
    source: str
    override: Mapping[str, Sequence[str]] | None
    campaign: Campaign | None
    agency: str | None
    limits: FileLimits | None


def _read(job: ReadJob) -> TableRead | FormatError:
    try:
        return read_table(job.path, job.source, job.override, campaign=job.campaign, agency=job.agency,
                          limits=job.limits)
    except FormatError as exc:  # a refused file is a result of the batch, not a failure of the pool
        return exc


def read_files(jobs: Sequence[ReadJob], workers: int | None = None) -> list[TableRead | FormatError]:
    """Each file read as its table, or the FormatError that refused it, in the order given (`workers`: see
    canbao.pool; default the machine's cores)."""
    return pool_map(_read, jobs, workers)
