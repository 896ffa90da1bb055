"""An inbox's sources taken in one after another, each source's files read while the one before is stored."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date, datetime

from sqlalchemy import Engine

from canbao.intake.batch import BatchResult, intake_batch
from canbao.intake.campaign import PEOPLE_SOURCES, intake_context, known_by_source
from canbao.intake.inbox import INTAKE_ORDER, InboxFile
from canbao.intake.reading import FilesRead, read_ahead
from canbao.policy.model import Campaign

__all__ = ["sources_in_order", "take_in_sources", "to_read"]


def sources_in_order(files: Sequence[InboxFile]) -> list[str]:
    """The sources the files belong to, in the order they must be taken in (INTAKE_ORDER)."""
    present = {f.source for f in files}
    return [s for s in INTAKE_ORDER if s in present]


def to_read(files: Sequence[InboxFile], source: str, known: Collection[str]) -> list[InboxFile]:
    """The files of `source` its batch will read: those whose content the ledger has not taken in (`known`)."""
    return [f for f in files if f.source == source and f.sha256 not in known]


def take_in_sources(engine: Engine, c: Campaign, files: Sequence[InboxFile], day: date, now: datetime,
                    flow_run_id: str | None = None) -> list[BatchResult]:
    """Each source's new files taken in, one transaction per source in INTAKE_ORDER, as the registration flow
    does; the next source's files are read (in the process pool) while a source is validated and stored."""
    with engine.connect() as conn:
        known = known_by_source(conn, c.id)
    order, results = sources_in_order(files), []

    def reading(source: str) -> Future[FilesRead]:
        return reader.submit(read_ahead, to_read(files, source, known.get(source, set())), source, c)

    # One reading thread: reads follow each other, one source ahead of the batch being stored.
    reader = ThreadPoolExecutor(1, thread_name_prefix="canbao-read-ahead")
    try:
        coming = [reading(order[0])] if order else []
        for i, source in enumerate(order):
            if i + 1 < len(order):
                coming.append(reading(order[i + 1]))
            ahead = coming.pop(0).result()
            with engine.begin() as conn:
                ctx = intake_context(conn, c, day, now, flow_run_id, source in PEOPLE_SOURCES)
                results.append(intake_batch(conn, source, to_read(files, source, ()), ctx,
                                            seen=known.get(source, set()), ahead=ahead))
    finally:  # a failed batch does not wait for reads nobody will use
        reader.shutdown(wait=True, cancel_futures=True)
    return results

