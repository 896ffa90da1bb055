"""Memory of a whole run, sampled: the proportional set size (PSS) summed over a process and all its
descendants, and over a local PostgreSQL server's processes — what the machine holds at once, where the peak
RSS of each process alone misses processes running side by side and counts shared pages more than once."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from types import TracebackType

__all__ = ["TreeMemory", "local_server_pid", "pss_kib", "tree_pids"]


def _parents() -> dict[int, int]:
    out = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            out[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):  # the process ended meanwhile
            continue
    return out


def tree_pids(root: int) -> list[int]:
    """`root` and every process descending from it."""
    parents, found = _parents(), [root]
    for pid in found:  # grows while walked: breadth first
        found.extend(child for child, parent in parents.items() if parent == pid)
    return found


def pss_kib(pids: list[int]) -> int:
    """The processes' PSS summed, KiB (0 for a process gone or unreadable)."""
    total = 0
    for pid in pids:
        try:
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in text.splitlines() if line.startswith("Pss:")), 0)
    return total


def local_server_pid(url: str) -> int | None:
    """The postmaster's pid of the PostgreSQL server at `url` when it runs on this machine, else None."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        if engine.dialect.name != "postgresql":
            return None
        with engine.connect() as conn:
            backend = int(conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())
            parent = _parents().get(backend)  # read while the backend lives
    finally:
        engine.dispose()
    try:
        local = Path(f"/proc/{parent}/comm").read_text().strip() in ("postgres", "postmaster")
    except OSError:
        return None
    return parent if local else None


class TreeMemory:
    """A sampler thread: the peak PSS, MiB, of this process's tree and (given its postmaster's pid) of a local
    PostgreSQL server's processes, each and together, every `interval` seconds while the block runs."""

    def __init__(self, server_pid: int | None = None, interval: float = 1.0) -> None:
        self.server_pid, self.interval = server_pid, interval
        self.peak_run_mib = self.peak_server_mib = self.peak_total_mib = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="tree-memory", daemon=True)

    def _sample(self) -> None:
        while True:
            run = pss_kib(tree_pids(os.getpid())) / 1024
            server = pss_kib(tree_pids(self.server_pid)) / 1024 if self.server_pid else 0.0
            self.peak_run_mib = max(self.peak_run_mib, run)
            self.peak_server_mib = max(self.peak_server_mib, server)
            self.peak_total_mib = max(self.peak_total_mib, run + server)
            if self._stop.wait(self.interval):
                return

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
                 ) -> None:
        self._stop.set()
        self._thread.join()
