"""From a request to a worker and back: the queue, the answer cache, and the client's presence.

:class:`Dispatcher` is the async side of :class:`~.pool.WorkerPool`. A read (query, graph,
term page, page work):

1. is answered from the cache when the same request was answered at the same store version;
2. else joins an identical request already being evaluated (one evaluation, many waiters);
3. else waits for one of ``max_concurrent_queries`` slots — at most ``max_queued`` requests
   wait, each at most ``queue_timeout`` seconds, or the client gets HTTP 503 with Retry-After —
   and runs on a worker in a thread, under the pool's time and memory limits.

While it waits, the request watches its connection: when the last client waiting for an
evaluation goes away, the evaluation is stopped (its worker killed). Writes run one at a time
and empty the cache.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

import anyio

from .limits import Limits
from .pool import CANCELLED, Reply, WorkerPool


class ClientGone(Exception):
    """The client closed the connection before its answer was ready."""


class AnswerCache:
    """Least-recently-used answers, bounded by their size in bytes."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.size = 0
        self.hits = 0
        self.misses = 0
        self._items: OrderedDict = OrderedDict()

    @staticmethod
    def _cost(reply: Reply) -> int:
        payload = reply.payload
        body = payload.get("body", b"") if isinstance(payload, dict) else b""
        return len(body) + len(reply.message) + 512

    def get(self, key):
        item = self._items.get(key)
        if item is None or item[1] < time.monotonic():
            if item is not None:
                self._drop(key)
            self.misses += 1
            return None
        self._items.move_to_end(key)
        self.hits += 1
        return item[0]

    def _drop(self, key) -> None:
        reply, _ = self._items.pop(key)
        self.size -= self._cost(reply)

    def put(self, key, reply: Reply, seconds: float = float("inf")) -> None:
        """Keep ``reply`` for ``seconds`` (or until the store changes)."""
        cost = self._cost(reply)
        if self.max_bytes <= 0 or cost > self.max_bytes // 4:
            return
        if key in self._items:
            self._drop(key)
        self._items[key] = (reply, time.monotonic() + seconds)
        self.size += cost
        while self.size > self.max_bytes:
            self._drop(next(iter(self._items)))

    def clear(self) -> None:
        self._items.clear()
        self.size = 0

    def __len__(self) -> int:
        return len(self._items)


#: A query stopped because the long queries' slots were taken is refused this long (its Retry-After).
HEAVY_REFUSAL_SECONDS = 10.0


def _keep_for(reply: Reply, limits: Limits) -> float:
    """How long an answer may be reused (0: not at all). Answers, and refusals that the same
    request would meet again (bad query, too large) last until the store changes; a query
    stopped at its time limit is refused for twice ``query_timeout`` without running again, and
    one stopped as one long query too many for its Retry-After."""
    if reply.stopped == "time":
        return 2 * limits.query_timeout
    if reply.stopped == "heavy":
        return HEAVY_REFUSAL_SECONDS
    if reply.stopped:
        return 0
    if reply.ok or reply.status in (400, 404, 406, 422):
        return float("inf")
    return 0


@dataclass
class _Flight:
    future: asyncio.Future
    cancel: threading.Event = field(default_factory=threading.Event)
    waiters: int = 0


async def _until_disconnected(receive) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return


class Dispatcher:
    def __init__(self, pool: WorkerPool, limits: Limits):
        self.pool = pool
        self.limits = limits
        self.cache = AnswerCache(limits.cache_bytes)
        self.queued = 0
        self.running = 0
        self.refused_busy = 0
        self._slots = asyncio.Semaphore(limits.max_concurrent_queries)
        self._threads = anyio.CapacityLimiter(limits.max_concurrent_queries + 1)
        self._write_lock = asyncio.Lock()
        self._flights: dict = {}

    @property
    def generation(self) -> int:
        return self.pool.generation

    # --- reads --------------------------------------------------------------------------------

    async def read(self, receive, job: dict, key=None, timeout: float | None = None) -> Reply:
        """Answer a reader job for the client whose ASGI ``receive`` is given (to notice when it
        goes away). ``key`` (hashable, or None for no caching) identifies identical requests."""
        if key is not None:
            key = (self.generation, key)
            cached = self.cache.get(key)
            if cached is not None:
                return cached
        flight = self._flights.get(key) if key is not None else None
        if flight is None:
            flight = _Flight(asyncio.get_running_loop().create_future())
            if key is not None:
                self._flights[key] = flight
            asyncio.create_task(self._evaluate(job, flight, key, timeout))
        flight.waiters += 1
        watcher = asyncio.create_task(_until_disconnected(receive))
        try:
            done, _ = await asyncio.wait({flight.future, watcher}, return_when=asyncio.FIRST_COMPLETED)
            if flight.future in done:
                return flight.future.result()
            raise ClientGone()
        finally:
            watcher.cancel()
            flight.waiters -= 1
            if flight.waiters == 0 and not flight.future.done():
                flight.cancel.set()

    async def _evaluate(self, job: dict, flight: _Flight, key, timeout: float | None) -> None:
        try:
            reply = await self._queued(job, flight.cancel, timeout)
            keep = _keep_for(reply, self.limits)
            if key is not None and keep > 0:
                self.cache.put(key, reply, keep)
            flight.future.set_result(reply)
        except BaseException as exc:  # never leave a waiter hanging
            if not flight.future.done():
                flight.future.set_exception(exc)
            if isinstance(exc, asyncio.CancelledError):
                raise
        finally:
            if key is not None and self._flights.get(key) is flight:
                del self._flights[key]

    def _busy(self) -> Reply:
        self.refused_busy += 1
        return Reply.error(503, "the server is busy: every query worker is taken and the queue is "
                                "full or too slow; try again shortly", **{"Retry-After": "5"})

    async def _queued(self, job: dict, cancel: threading.Event, timeout: float | None) -> Reply:
        if self.queued >= self.limits.max_queued:
            return self._busy()
        self.queued += 1
        try:
            await asyncio.wait_for(self._slots.acquire(), self.limits.queue_timeout)
        except asyncio.TimeoutError:
            return self._busy()
        finally:
            self.queued -= 1
        self.running += 1
        try:
            if cancel.is_set():
                return CANCELLED
            return await anyio.to_thread.run_sync(self.pool.run, job, cancel, timeout, limiter=self._threads)
        finally:
            self.running -= 1
            self._slots.release()

    # --- writes -------------------------------------------------------------------------------

    async def write(self, job: dict) -> Reply:
        """Apply a writer job; writes are serialised, and each empties the cache."""
        async with self._write_lock:
            reply = await anyio.to_thread.run_sync(self.pool.write, job, threading.Event())
            self.cache.clear()
        return reply

    def status(self) -> dict:
        return {
            "generation": self.generation,
            "running": self.running,
            "queued": self.queued,
            "refused_busy": self.refused_busy,
            "stopped": dict(self.pool.killed),
            "cache": {"entries": len(self.cache), "mib": round(self.cache.size / 1048576, 2),
                      "hits": self.cache.hits, "misses": self.cache.misses},
            "workers": self.pool.status(),
        }
