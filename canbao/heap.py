"""Bulk work and Python's cyclic garbage collector: collect less often while a batch allocates millions of
short-lived objects (cells, rows, Timestamps) that form no reference cycles."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["BULK_THRESHOLDS", "bulk_allocation"]

# CPython's defaults are (700, 10, 10): a young collection every 700 net allocations, and a full one, which walks
# every tracked object (a county's frames included), every 100 young ones. Measured on Kaijiang's full-scale
# intake: about 3 s less of 65 without Prefect, 6 s less of 82 with it.
BULK_THRESHOLDS = (50_000, 50, 1_000)


@contextmanager
def bulk_allocation() -> Iterator[None]:
    """Raise the collector's thresholds for the block, then restore them (nested blocks keep the outer ones)."""
    before = gc.get_threshold()
    gc.set_threshold(*(max(a, b) for a, b in zip(BULK_THRESHOLDS, before)))
    try:
        yield
    finally:
        gc.set_threshold(*before)
