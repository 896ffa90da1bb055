"""A flow run's tags mark the run, not its tasks.

A local run is tagged with its owner (flows.local_run), and Prefect gives a flow's tags to every task run it
creates; each tagged task run then asks the server for concurrency slots and a lease before it starts. That
is a round trip or more per task (0.3–0.6 s each measured under load: about 10 s of a full-scale registration
run). So a flow's body runs with no tags, and gives the run's tags back to the subflows it starts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from prefect.context import TagsContext

__all__ = ["run_tags", "untagged_tasks"]

_RUN_TAGS: ContextVar[frozenset[str]] = ContextVar("canbao_run_tags", default=frozenset())


@contextmanager
def untagged_tasks() -> Iterator[None]:
    """Inside a flow's body: tasks created here carry no tags; the run's tags are kept for `run_tags`."""
    token = _RUN_TAGS.set(frozenset(TagsContext.get().current_tags))
    try:
        with TagsContext(current_tags=set()):
            yield
    finally:
        _RUN_TAGS.reset(token)


@contextmanager
def run_tags() -> Iterator[None]:
    """The enclosing flow run's tags again, for a subflow started here (its owner finds it after a crash)."""
    with TagsContext(current_tags=set(TagsContext.get().current_tags) | set(_RUN_TAGS.get())):
        yield
