"""The process pool's workers skip the parent's `__main__` (a flow's entry point imports Prefect) and still
return what the calling process would compute."""

from __future__ import annotations

import sys
from multiprocessing import spawn
from pathlib import Path

import pytest

from canbao.pool import POOL_MIN_ITEMS, pool_map, worker_preparation


def square(item: int) -> int:
    """The item squared (a module-level function outside `__main__`, as pooled work must be)."""
    return item * item


def test_worker_preparation_is_multiprocessing_s_without_main(monkeypatch):
    monkeypatch.setattr(sys.modules["__main__"], "__file__", "/somewhere/entry.py", raising=False)
    full = spawn.get_preparation_data("w")
    mine = worker_preparation("w")
    assert "init_main_from_path" in full or "init_main_from_name" in full
    assert "init_main_from_path" not in mine and "init_main_from_name" not in mine
    assert {k: v for k, v in full.items() if not k.startswith("init_main_from")} == mine


def test_pooled_workers_do_not_import_main(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # An entry script that leaves a mark when imported: multiprocessing's workers would import it as __mp_main__.
    marker = tmp_path / "imported"
    entry = tmp_path / "entry.py"
    entry.write_text(f"open({str(marker)!r}, 'a').write('x')\n")
    main = sys.modules["__main__"]
    monkeypatch.setattr(main, "__spec__", None, raising=False)
    monkeypatch.setattr(main, "__file__", str(entry), raising=False)
    items = list(range(POOL_MIN_ITEMS))
    assert pool_map(square, items, workers=2) == [i * i for i in items]
    assert not marker.exists()
