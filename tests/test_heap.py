"""The collector's thresholds inside and after a bulk block."""

from __future__ import annotations

import gc

import pytest

from canbao.heap import BULK_THRESHOLDS, bulk_allocation


def test_thresholds_rise_inside_and_come_back_after_even_on_error() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), bulk_allocation():
        inside = gc.get_threshold()
        with bulk_allocation():  # nested: the outer block's thresholds stay
            assert gc.get_threshold() == inside
        raise RuntimeError("batch failed")
    assert inside == tuple(max(a, b) for a, b in zip(BULK_THRESHOLDS, before)) and inside[0] >= 50_000
    assert gc.get_threshold() == before


def test_a_decorated_function_runs_under_the_block_each_call() -> None:
    seen = []

    @bulk_allocation()
    def work() -> None:
        seen.append(gc.get_threshold()[0])

    work()
    work()
    assert seen == [max(BULK_THRESHOLDS[0], gc.get_threshold()[0])] * 2
