"""The benchmark's memory sampler sees a child process's memory, and finds a PostgreSQL server run here."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.memory import TreeMemory, local_server_pid, pss_kib, tree_pids

# 300 MiB, every page written, held for a few samples
HOLD = "import time; b = bytearray(300 * 2**20); b[::4096] = b'x' * (300 * 256); print(1, flush=True); time.sleep(1)"


def test_the_sampler_counts_a_child_holding_memory():
    with TreeMemory(interval=0.2) as memory:
        child = subprocess.Popen([sys.executable, "-c", HOLD], stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None and child.stdout.readline().strip() == "1"  # its 300 MiB are touched
        assert child.pid in tree_pids(os.getpid())
        assert pss_kib([child.pid]) > 290 * 1024
        child.wait()
    assert memory.peak_run_mib > 300 and memory.peak_server_mib == 0


def test_a_sqlite_ledger_has_no_server(tmp_path: Path):
    assert local_server_pid(f"sqlite:///{tmp_path / 'l.db'}") is None


@pytest.mark.postgres
def test_the_local_postgresql_server_is_found(postgres_url: str):
    pid = local_server_pid(postgres_url)
    assert pid is not None and Path(f"/proc/{pid}/comm").read_text().strip() in ("postgres", "postmaster")
    assert pss_kib(tree_pids(pid)) > 1024  # the postmaster and its workers hold memory
