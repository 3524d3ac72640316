"""The server process: a Starlette application on uvicorn, bound to 127.0.0.1, in front of the
query workers.

Why a front of our own rather than the Oxigraph server binary alone: the binary's time limit
cancels evaluation cooperatively, keeps serving the answer it has begun, does not notice a client
that went away, and keeps the memory a query took (32 concurrent unbound catalogue queries kept
it at 0.93 GB). Here each evaluation runs in a worker process (:mod:`.pool`) that the front kills
at the limit, so the query ends and its memory returns to the system; the front itself only
routes, negotiates, caches and renders.

:func:`create_app` assembles the routes of :mod:`.protocol` (SPARQL endpoints) and :mod:`.terms`
(project IRIs) with the routes of any page given in ``pages``: every route gets the same request
size limit (:class:`BodyLimit`), and reaches the workers through the same
:class:`~.state.ServerState`, so a page added later keeps the server's limits.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys

import uvicorn
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute

from . import protocol, terms
from .config import ServerConfig
from .dispatch import Dispatcher
from .pool import WorkerPool
from .state import ServerState, error


class BodyLimit:
    """Refuse a request body larger than ``limit`` bytes with HTTP 413, whether or not it
    announces its length (the count is kept as the body arrives)."""

    def __init__(self, app, limit: int):
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            response = error(413, f"the request body is larger than the server's limit of {self.limit} bytes")
            return await response(scope, receive, send)
        received = 0

        async def limited():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise HTTPException(413, f"the request body is larger than the server's limit of {self.limit} bytes")
            return message

        await self.app(scope, limited, send)


async def _stop_with_parent(parent: int) -> None:
    """The server belongs to the process that started it: when that one is gone (killed
    without a chance to stop the server), stop as if told to."""
    while True:
        await asyncio.sleep(1)
        if os.getppid() != parent:
            os.kill(os.getpid(), signal.SIGTERM)
            return


def create_app(config: ServerConfig, pages: list[BaseRoute] = ()) -> Starlette:
    pool = WorkerPool(config.store, config.limits, {"prefixes": config.prefixes}, writable=config.writable,
                      snapshots=config.snapshots)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        await asyncio.to_thread(pool.start)
        app.state.server = ServerState(config, Dispatcher(pool, config.limits))
        watcher = asyncio.create_task(_stop_with_parent(os.getppid()))
        try:
            yield
        finally:
            watcher.cancel()
            await asyncio.to_thread(pool.close)

    app = Starlette(routes=[*protocol.ROUTES, *terms.ROUTES, *pages], lifespan=lifespan)
    app.add_middleware(BodyLimit, limit=config.limits.max_request_bytes)
    return app


def serve(config: ServerConfig) -> None:
    """Run the server until it is stopped (SIGINT or SIGTERM)."""
    limits = config.limits
    uvicorn.run(
        create_app(config), host=config.host, port=config.port, log_level="warning", access_log=False,
        # connections beyond what the queue can hold are answered 503 at once
        limit_concurrency=limits.max_queued + limits.max_concurrent_queries + 64,
        timeout_keep_alive=5, timeout_graceful_shutdown=5, lifespan="on",
        server_header=False,
    )


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m sarcoma_kg.sparql.server CONFIG_JSON", file=sys.stderr)
        return 2
    serve(ServerConfig.from_json(argv[0]))
    return 0
