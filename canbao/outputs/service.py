"""The file service: the output root served read-only on loopback (Starlette's StaticFiles under uvicorn),
behind the same basic auth as the Prefect API when `PREFECT_SERVER_API_AUTH_STRING` is set.

Run: `python -m canbao.outputs.service --port 4201 [--root out]`."""

from __future__ import annotations

import argparse
import base64
import binascii
import hmac
import os
from collections.abc import Sequence
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from canbao.outputs.links import output_root

__all__ = ["AUTH_ENV", "file_app", "main"]

AUTH_ENV = "PREFECT_SERVER_API_AUTH_STRING"


class _BasicAuth(BaseHTTPMiddleware):
    """Refuse (401, with a browser login prompt) any request without the configured `user:password`."""

    def __init__(self, app: object, auth: str) -> None:
        super().__init__(app)  # type: ignore[arg-type]
        self.expected = auth.encode()

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        try:
            given = base64.b64decode(token, validate=True) if scheme.lower() == "basic" else b""
        except (binascii.Error, ValueError):
            given = b""
        if not hmac.compare_digest(given, self.expected):
            return PlainTextResponse("需要登录（与 Prefect 相同的用户名和密码）", status_code=401,
                                     headers={"WWW-Authenticate": 'Basic realm="canbao-files", charset="UTF-8"'})
        return await call_next(request)


def file_app(root: Path, auth: str | None = None) -> Starlette:
    """An ASGI app serving the files under `root` (nothing outside it: StaticFiles refuses `..` and links out)."""
    middleware = [Middleware(_BasicAuth, auth=auth)] if auth else []
    return Starlette(routes=[Mount("/", app=StaticFiles(directory=root, check_dir=False))], middleware=middleware)


def main(argv: Sequence[str] | None = None) -> None:
    """Serve the output root on 127.0.0.1 until stopped."""
    import uvicorn

    p = argparse.ArgumentParser(prog="python -m canbao.outputs.service", description=__doc__)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--root", type=Path, default=None, help="default $CANBAO_OUTPUT_DIR, else out/")
    args = p.parse_args(argv)
    root = (args.root or output_root()).resolve()
    root.mkdir(parents=True, exist_ok=True)
    uvicorn.run(file_app(root, os.environ.get(AUTH_ENV) or None), host="127.0.0.1", port=args.port,
                log_level="warning")


if __name__ == "__main__":
    main()
