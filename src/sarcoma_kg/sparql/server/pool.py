"""The query workers, and the only code that ends them: time limits, memory limits, cancellation.

:class:`WorkerPool` keeps ``max_concurrent_queries`` reader processes (and, on a writable
server, one writer) forked from a ``multiprocessing`` fork server that has pyoxigraph loaded, so
a replacement is ready in milliseconds. Memory limits count what a worker took beyond what it
held when it was ready (its code and its copy of the store). :meth:`WorkerPool.run` hands a job to an idle reader
and waits for the reply in the calling thread, checking every 50 ms whether

* the query's time is up        → the worker is killed, the reply is HTTP 503;
* the worker's memory is over   → the worker is killed, the reply is HTTP 422;
* nobody waits for the answer   → the worker is killed (the client went away);
* it has run ``heavy_after`` seconds while ``max_heavy_queries`` others that long are still
  running → the worker is killed, the reply is HTTP 503 with Retry-After: long queries can
  never take every worker, so short ones are always answered.

Killing is the one way to end an Oxigraph evaluation from outside that also gives its memory
back: the process goes, and with it every page it held. A killed worker is replaced before its
slot is given to the next job. After a job, a worker that still holds
more than :attr:`Limits.recycle_bytes` beyond its start is replaced too.

Writes (``--writable``) go to the writer, one at a time; after each, the writer leaves a
snapshot of the store (a RocksDB checkpoint) and readers switch to it at their next job, so
readers never open a store that another process writes (undefined behaviour in RocksDB).
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .limits import MIB, Limits
from .worker import main as worker_main

POLL_SECONDS = 0.05
MEMORY_POLL_SECONDS = 0.1
START_TIMEOUT = 60.0
#: Readers copy a store of at most this size on disk into memory (the release is 2 MB).
IN_MEMORY_BYTES = 256 * 1024 * 1024
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass
class Reply:
    """What a job produced: a payload, or an HTTP status and a message for the client."""

    status: int = 200
    payload: object = None
    message: str = ""
    headers: dict = field(default_factory=dict)
    #: Why the pool stopped the job, if it did: time, heavy, memory, cancelled.
    stopped: str = ""

    @property
    def ok(self) -> bool:
        return self.status < 400

    @classmethod
    def error(cls, status: int, message: str, stopped: str = "", **headers) -> "Reply":
        return cls(status=status, message=message, headers=headers, stopped=stopped)


CANCELLED = Reply.error(499, "the client went away; the query was stopped", stopped="cancelled")


def rss_bytes(pid: int) -> int:
    """Resident memory of process ``pid`` (Linux ``/proc``; 0 where unknown)."""
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0


class Worker:
    def __init__(self, context, role: str, path: str, settings: dict):
        self.role = role
        self.store = path
        parent, child = context.Pipe()
        self.process = context.Process(target=worker_main, args=(child, role, path, settings),
                                       name=f"sarcoma-kg-{role}", daemon=True)
        self.process.start()
        child.close()
        self.conn = parent
        self.jobs = 0
        self.baseline = 0

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self, timeout: float = START_TIMEOUT) -> None:
        if not self.conn.poll(timeout):
            self.kill()
            raise RuntimeError(f"a {self.role} worker did not start within {timeout:g} s")
        try:
            message = self.conn.recv()
        except (EOFError, OSError):
            message = ("failed", "it exited while starting")
        if message[0] != "ready":
            self.kill()
            raise RuntimeError(f"a {self.role} worker could not start: {message[1]}")
        self.baseline = self.rss()

    def used(self) -> int:
        """Memory taken since the worker was ready (its store and code excluded)."""
        return max(0, self.rss() - self.baseline)

    def rss(self) -> int:
        return rss_bytes(self.pid)

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=10)
        self.conn.close()


class WorkerPool:
    """Reader processes over ``store`` (and a writer over ``location`` when ``writable``)."""

    def __init__(self, store: str, limits: Limits, settings: dict, writable: bool = False,
                 snapshots: str | None = None):
        self.limits = limits
        self.settings = {"in_memory_bytes": IN_MEMORY_BYTES, **settings, "memory_bytes": limits.query_memory_bytes}
        self.writable = writable
        self.location = store
        self.snapshots = Path(snapshots) if snapshots else None
        self.store = store
        self.generation = 0
        self.killed = {"time": 0, "memory": 0, "cancelled": 0, "died": 0, "recycled": 0, "heavy": 0}
        self.heavy = 0
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["pyoxigraph", "sarcoma_kg.sparql.server.worker"])
        self._lock = threading.Lock()
        self._idle: list[Worker] = []
        self._busy: set[Worker] = set()
        self._writer: Worker | None = None
        self._closed = False

    # --- life cycle ---------------------------------------------------------------------------

    def start(self) -> None:
        if self.writable:
            self.snapshots.mkdir(parents=True, exist_ok=True)
            self._writer = Worker(self._context, "writer", self.location, self.settings)
            self._writer.wait_ready()
            first = str(self.snapshots / "0")
            reply = self._exchange(self._writer, {"kind": "snapshot", "snapshot": first},
                                   threading.Event(), START_TIMEOUT, reader=False)
            if not Path(first).exists():
                raise RuntimeError(f"the writer could not snapshot the store: {reply.message}")
            self.store = first
        workers = [Worker(self._context, "reader", self.store, self.settings)
                   for _ in range(self.limits.max_concurrent_queries)]
        for worker in workers:
            worker.wait_ready()
        self._idle.extend(workers)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = self._idle + list(self._busy) + ([self._writer] if self._writer else [])
            self._idle, self._busy = [], set()
        for worker in workers:
            worker.kill()

    def pids(self) -> list[int]:
        with self._lock:
            return [w.pid for w in self._idle + list(self._busy)] + ([self._writer.pid] if self._writer else [])

    def status(self) -> list[dict]:
        with self._lock:
            workers = [(w, "idle") for w in self._idle] + [(w, "busy") for w in self._busy]
            if self._writer:
                workers.append((self._writer, "writer"))
        return [{"pid": w.pid, "state": state, "rss_mib": round(w.rss() / MIB, 1), "jobs": w.jobs}
                for w, state in workers]

    # --- readers ------------------------------------------------------------------------------

    def _take(self) -> Worker:
        with self._lock:
            worker = self._idle.pop() if self._idle else None
            if worker is not None:
                self._busy.add(worker)
                return worker
        worker = Worker(self._context, "reader", self.store, self.settings)  # the pool had shrunk
        worker.wait_ready()
        with self._lock:
            self._busy.add(worker)
        return worker

    def _release(self, worker: Worker) -> None:
        with self._lock:
            self._busy.discard(worker)
            if not self._closed:
                self._idle.append(worker)
                return
        worker.kill()

    def _replace(self, worker: Worker, reason: str) -> None:
        """Kill ``worker`` and put a fresh one in its place."""
        self.killed[reason] = self.killed.get(reason, 0) + 1
        worker.kill()
        if worker.role == "writer":
            self._writer = Worker(self._context, "writer", self.location, self.settings)
            self._writer.wait_ready()
            return
        with self._lock:
            self._busy.discard(worker)
            if self._closed:
                return
        try:
            fresh = Worker(self._context, "reader", self.store, self.settings)
            fresh.wait_ready()
        except RuntimeError:
            return  # _take() starts one when a job needs it
        with self._lock:
            if self._closed:
                fresh.kill()
            else:
                self._idle.append(fresh)

    def run(self, job: dict, cancel: threading.Event, timeout: float | None = None) -> Reply:
        """Evaluate a reader job (the caller holds one of ``max_concurrent_queries`` slots)."""
        worker = self._take()
        job = {**job, "store": self.store}
        worker.store = self.store
        reply = self._exchange(worker, job, cancel, timeout or self.limits.query_timeout, reader=True)
        self._forget_old_snapshots()
        return reply

    def _take_heavy_slot(self) -> bool:
        with self._lock:
            if self.heavy >= self.limits.max_heavy_queries:
                return False
            self.heavy += 1
            return True

    def _give_heavy_slot(self) -> None:
        with self._lock:
            self.heavy -= 1

    def _exchange(self, worker: Worker, job: dict, cancel: threading.Event, timeout: float,
                  reader: bool) -> Reply:
        started = time.monotonic()
        deadline = started + timeout
        heavy_at = started + self.limits.heavy_after if reader else float("inf")
        heavy = False
        next_memory_check = 0.0
        worker.jobs += 1
        try:
            worker.conn.send(job)
        except (OSError, ValueError):
            self._replace(worker, "died")
            return Reply.error(500, "the query worker was not running; try again")
        try:
            while True:
                if worker.conn.poll(POLL_SECONDS):
                    try:
                        message = worker.conn.recv()
                    except (EOFError, OSError):
                        self._replace(worker, "died")
                        return Reply.error(422, "the query stopped its worker (it needed more memory than "
                                                f"the limit of {self.limits.query_memory_bytes / MIB:g} MiB allows)",
                                           stopped="died")
                    break
                now = time.monotonic()
                if cancel.is_set():
                    self._replace(worker, "cancelled")
                    return CANCELLED
                if now >= deadline:
                    self._replace(worker, "time")
                    what = "query" if reader else "update"
                    return Reply.error(503, f"the {what} was stopped at the server's time limit of {timeout:g} s",
                                       stopped="time")
                if not heavy and now >= heavy_at:
                    heavy = self._take_heavy_slot()
                    if not heavy:
                        self._replace(worker, "heavy")
                        return Reply.error(503, f"the query was stopped after {self.limits.heavy_after:g} s: the "
                                                f"server already runs {self.limits.max_heavy_queries} long queries, "
                                                "its limit; try again shortly", stopped="heavy",
                                           **{"Retry-After": "10"})
                if now >= next_memory_check:
                    next_memory_check = now + MEMORY_POLL_SECONDS
                    if worker.used() > self.limits.query_memory_bytes:
                        self._replace(worker, "memory")
                        return Reply.error(422, "the query was stopped: it needed more than the server's "
                                                f"limit of {self.limits.query_memory_bytes / MIB:g} MiB of memory",
                                           stopped="memory")
        finally:
            if heavy:
                self._give_heavy_slot()
        if reader and worker.used() > self.limits.recycle_bytes:
            self._replace(worker, "recycled")
        elif reader:
            self._release(worker)
        if message[0] == "ok":
            return Reply(payload=message[1])
        return Reply.error(message[1], message[2])

    # --- the writer ---------------------------------------------------------------------------

    def write(self, job: dict, cancel: threading.Event, timeout: float | None = None) -> Reply:
        """Apply a writer job (the caller serialises writes), then move readers to its snapshot."""
        if self._writer is None:
            return Reply.error(403, "the server is read-only")
        target = str(self.snapshots / str(self.generation + 1))
        reply = self._exchange(self._writer, {**job, "snapshot": target}, cancel,
                               timeout or self.limits.update_timeout, reader=False)
        if Path(target).exists():
            self.store = target
            self.generation += 1
        self._forget_old_snapshots()
        return reply

    def _forget_old_snapshots(self) -> None:
        if self.snapshots is None:
            return
        with self._lock:
            in_use = {self.store} | {w.store for w in self._idle} | {w.store for w in self._busy}
        for path in self.snapshots.iterdir():
            if str(path) not in in_use:
                shutil.rmtree(path, ignore_errors=True)
