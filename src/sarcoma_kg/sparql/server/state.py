"""What every route of the server shares: its configuration, its dispatcher, and how a worker's
reply becomes an HTTP response. Routes reach it as ``request.app.state.server``.

A page added to the server (the tumour-board page) does its heavy work through
:meth:`ServerState.call`, which runs a function of the package on a query worker: it then waits
in the same queue, under the same time and memory limits, and is stopped when its client goes
away, exactly like a query. Its request bodies pass through the same size limit (:mod:`.app`).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from . import pages
from .config import ServerConfig
from .dispatch import ClientGone, Dispatcher
from .pool import Reply


def error(status: int, message: str, headers: dict | None = None) -> Response:
    """A refusal: the status and one line of plain text saying why."""
    return PlainTextResponse(message.rstrip() + "\n", status_code=status,
                             headers={"X-Content-Type-Options": "nosniff", **(headers or {})})


class ServerState:
    def __init__(self, config: ServerConfig, dispatcher: Dispatcher):
        self.config = config
        self.limits = config.limits
        self.dispatcher = dispatcher
        self._home: str | None = None
        self._catalogue: dict | None = None

    async def read(self, request: Request, job: dict, key=None, timeout: float | None = None) -> Reply:
        """Run a reader job for ``request`` (see :meth:`Dispatcher.read`); raises ClientGone."""
        return await self.dispatcher.read(request.receive, job, key, timeout)

    async def call(self, request: Request, function: str, payload: dict | None = None, key=None) -> Reply:
        """Run ``function`` (``"sarcoma_kg.module:name"``, called as ``name(store, **payload)``)
        on a query worker under the server's limits; its return value is ``reply.payload``."""
        return await self.read(request, {"kind": "call", "function": function, "payload": payload or {}}, key)

    async def answer(self, request: Request, job: dict, key=None, query: str | None = None) -> Response:
        """Run a reader job and turn its reply into the response (HTML for a browser)."""
        try:
            reply = await self.read(request, job, key)
        except ClientGone:
            return Response(status_code=499)
        if not reply.ok:
            return error(reply.status, reply.message, reply.headers)
        payload = reply.payload
        if payload.get("html"):
            return HTMLResponse(pages.results_page(payload["body"], payload["form"], query), headers=pages.HEADERS)
        return Response(payload["body"], media_type=payload["media_type"])

    def catalogue(self) -> dict:
        """The catalogue's queries by name (``cq-...``, ``qc/qc-...``), read once."""
        if self._catalogue is None:
            from ..catalogue import catalogue

            self._catalogue = {(f"qc/{q.name}" if q.family == "qc" else q.name): q for q in catalogue(include_qc=True)}
        return self._catalogue

    def home_page(self) -> str:
        if self._home is None:
            entries = [(name, q.question or q.summary,
                        {p.name: p.example for p in q.parameters if p.example is not None})
                       for name, q in self.catalogue().items() if q.family != "qc"]
            self._home = pages.home_page(self.limits.describe(), entries, self.config.writable,
                                         self.config.patient_graphs)
        return self._home
