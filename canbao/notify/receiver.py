"""A loopback HTTP receiver that answers like a group robot: the demo's and the tests' stand-in endpoint."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = ["REFUSAL", "Receiver", "main"]

REFUSAL = {"errcode": 310000, "errmsg": "keywords not in content"}  # what DingTalk says to a wrong keyword


class Receiver:
    """Records every POST (path, query, JSON body); answers `errcode 0`, or REFUSAL while `refuse` is set."""

    def __init__(self, port: int = 0, out: Path | None = None) -> None:
        self.received: list[dict[str, Any]] = []
        self.refuse = False
        self.out = out
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        """The base URL, e.g. http://127.0.0.1:43123."""
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def record(self, entry: dict[str, Any]) -> dict[str, Any]:
        """Keep one received request and answer it."""
        with self._lock:
            self.received.append(entry)
            if self.out is not None:
                self.out.parent.mkdir(parents=True, exist_ok=True)
                with self.out.open("a", encoding="utf-8") as fh:
                    fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
        return REFUSAL if self.refuse else {"errcode": 0, "errmsg": "ok"}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    body: Any = json.loads(raw.decode("utf-8"))
                except (UnicodeDecodeError, json.JSONDecodeError):
                    body = raw.decode("utf-8", errors="replace")
                parts = urlsplit(self.path)
                answer = receiver.record({"path": parts.path, "query": {k: v[0] for k, v in
                                                                        parse_qs(parts.query).items()}, "body": body})
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:  # quiet: tests and the demo read `received`
                return

        return Handler

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m canbao.notify.receiver --port N --out FILE`: run until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m canbao.notify.receiver", description=main.__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True, help="JSON-lines file of received messages")
    args = parser.parse_args(argv)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    with Receiver(args.port, args.out) as receiver:
        print(receiver.url, flush=True)
        while not stop.wait(0.5):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
