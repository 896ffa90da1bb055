"""Prefect's temporary (ephemeral) server for local runs, started so that it dies with the process that runs flows.

Without `PREFECT_API_URL`, Prefect starts `python -m uvicorn ... prefect.server.api.server:create_app` as a
subprocess (`SubprocessASGIServer`) and stops it only from an `atexit` hook: a run killed by SIGKILL, or a
native crash (SIGABRT), leaves that server running. Here the server is started before any flow, from the main
thread, with `PR_SET_PDEATHSIG` set in the child: the kernel kills it when its parent dies, however it dies.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import subprocess
import sys
import types
from functools import partial
from typing import Any

from prefect.server.api import server as prefect_server
from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED

__all__ = ["DyingServer", "start_ephemeral_server"]

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_log = logging.getLogger(__name__)


def _die_with(parent: int, prctl: Any) -> None:
    """In the forked child, before exec: ask for SIGKILL when the parent goes, and go now if it already went."""
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died between fork and prctl
        os._exit(1)


class DyingServer(prefect_server.SubprocessASGIServer):
    """Prefect's subprocess server whose process receives SIGKILL when the process that started it dies."""

    def _run_uvicorn_command(self) -> subprocess.Popen[Any]:
        prctl = ctypes.CDLL(None, use_errno=True).prctl  # resolved before fork: the child only calls it
        popen = partial(subprocess.Popen, preexec_fn=partial(_die_with, os.getpid(), prctl))
        # Prefect builds the command and its environment; only its `subprocess.Popen` is swapped, for this call.
        prefect_server.subprocess = types.SimpleNamespace(Popen=popen)  # type: ignore[assignment]
        try:
            return super()._run_uvicorn_command()
        finally:
            prefect_server.subprocess = subprocess


def start_ephemeral_server() -> str | None:
    """In ephemeral mode, start the temporary server now (dying with this process); its API URL, else None.

    Call it from the main thread before running flows: Prefect's own lazy start would happen in whichever
    thread first needs a client, and a death signal follows the thread that forked, not the process."""
    if PREFECT_API_URL.value() or not PREFECT_SERVER_EPHEMERAL_ENABLED.value():
        return None
    existing = prefect_server.SubprocessASGIServer._instances.get(None)
    if existing is not None and existing.running:
        return existing.api_url
    if not sys.platform.startswith("linux"):
        _log.warning("本机不是 Linux：临时 Prefect 服务无法随进程退出（被强制结束时可能残留）")
        return None
    server = DyingServer()  # registered under Prefect's default key: every later lookup finds this one
    server.start()
    return server.api_url
