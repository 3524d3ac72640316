"""The limits a served endpoint keeps, whoever asks: one value object, with its defaults.

Every query, graph read and term page is evaluated by a query worker process (see
:mod:`.pool`); the limits below bound what one request can take and how many run at once:

``query_timeout``
    A query (or graph read, or term page) still running after this many seconds is stopped:
    its worker process is killed, which ends the evaluation and returns all its memory to the
    system; the client gets HTTP 503. A replacement worker is started at once.
``update_timeout``
    The same for SPARQL Update and Graph Store writes (``--writable``); the interrupted
    transaction is not committed.
``max_result_bytes``
    A serialised answer larger than this is refused with HTTP 422 (bind the query's parameters
    or add ``LIMIT``); the worker stops serialising at the limit, so it never holds more.
``max_concurrent_queries``
    How many query workers evaluate at the same time (the bound on concurrent heavy work).
    Requests beyond it wait in a queue; cached answers do not take a worker.
``max_heavy_queries`` / ``heavy_after``
    A query that has run ``heavy_after`` seconds is a long one; at most ``max_heavy_queries``
    long ones run at once (fewer than the workers), and one more is stopped at that moment
    with HTTP 503 and Retry-After. Short queries therefore always find a worker, whatever
    long ones clients send. A query stopped at its time limit is refused at once, without
    being evaluated again, for twice ``query_timeout``; one stopped as a long query too many,
    for its Retry-After (10 s).
``max_queued`` / ``queue_timeout``
    At most this many requests wait for a worker, each at most this many seconds; beyond
    either the client gets HTTP 503 with ``Retry-After``.
``query_memory_bytes``
    A worker whose resident memory grows by more than this during a query is killed (HTTP 422);
    after a query, a worker still holding more than an eighth of it (at least 64 MiB) is
    replaced, so memory a large query took is given back to the system.
``cache_bytes``
    Answers are cached per store version (a write empties the cache); identical requests that
    arrive while one is being evaluated wait for it instead of starting their own. 0 disables it.
``max_request_bytes``
    The largest request body accepted (queries, updates, Graph Store uploads, form posts):
    HTTP 413 beyond it.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, fields

MIB = 1024 * 1024


def default_workers() -> int:
    """One query worker per processor, at least 2 and at most 8."""
    return max(2, min(os.cpu_count() or 2, 8))


@dataclass(frozen=True)
class Limits:
    query_timeout: float = 30.0
    update_timeout: float = 300.0
    max_result_bytes: int = 16 * MIB
    max_concurrent_queries: int = default_workers()
    max_heavy_queries: int = 0  # 0: half the workers, at least 1
    heavy_after: float = 1.0
    max_queued: int = 64
    queue_timeout: float = 15.0
    query_memory_bytes: int = 1024 * MIB
    cache_bytes: int = 64 * MIB
    max_request_bytes: int = 32 * MIB

    def __post_init__(self):
        if self.max_heavy_queries == 0:
            object.__setattr__(self, "max_heavy_queries", max(1, self.max_concurrent_queries // 2))
        for f in fields(self):
            value = getattr(self, f.name)
            if value < 0 or (value == 0 and f.name not in ("cache_bytes",)):
                raise ValueError(f"limit {f.name} must be positive, got {value!r}")
        if self.max_heavy_queries > self.max_concurrent_queries:
            raise ValueError("max_heavy_queries cannot exceed max_concurrent_queries")

    @property
    def recycle_bytes(self) -> int:
        """A worker holding more than this (beyond its start) after a query is replaced."""
        return max(64 * MIB, self.query_memory_bytes // 8)

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Limits":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def describe(self) -> list[tuple[str, str]]:
        """(name, value in words) for the status page and the start-up message."""
        mib = lambda n: f"{n / MIB:g} MiB"  # noqa: E731
        return [
            ("query time limit", f"{self.query_timeout:g} s"),
            ("update time limit", f"{self.update_timeout:g} s"),
            ("largest answer", mib(self.max_result_bytes)),
            ("concurrent queries", str(self.max_concurrent_queries)),
            ("long queries", f"{self.max_heavy_queries} at once (running more than {self.heavy_after:g} s)"),
            ("queued requests", f"{self.max_queued}, each waiting at most {self.queue_timeout:g} s"),
            ("memory per query worker", mib(self.query_memory_bytes)),
            ("answer cache", mib(self.cache_bytes) if self.cache_bytes else "off"),
            ("largest request body", mib(self.max_request_bytes)),
        ]
