"""Starting and stopping a server: :func:`start` loads the store and runs the server process
(:mod:`.app`) on 127.0.0.1; :class:`Server` is the handle that stops it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import ServeError
from ...namespaces import PREFIXES
from .config import ServerConfig
from .limits import Limits
from .store import free_port, load_store, patient_graph_iri
from .urls import DEFAULT_HOST, DEFAULT_PORT, QUERY, STORE, UPDATE

#: glibc: return freed memory of 128 KiB and more to the system at once (no dynamic threshold),
#: and keep two malloc arenas; answers pass through the front as large buffers.
MALLOC_ENV = {"MALLOC_MMAP_THRESHOLD_": "131072", "MALLOC_ARENA_MAX": "2"}


@dataclass
class Server:
    process: subprocess.Popen
    host: str
    port: int
    location: Path
    writable: bool
    _run_dir: Path | None = None
    _owns_location: bool = False
    patients: list[str] = field(default_factory=list)
    log: object = None
    limits: Limits = field(default_factory=Limits)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def query_endpoint(self) -> str:
        return self.url + QUERY

    @property
    def update_endpoint(self) -> str:
        return self.url + UPDATE

    @property
    def store_endpoint(self) -> str:
        return self.url + STORE

    def log_text(self) -> str:
        if self.log is None:
            return ""
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def stop(self, timeout: float = 15) -> None:
        """Stop the server (SIGTERM, then SIGKILL) with its workers, and remove its temporary files."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=timeout)
        if self.log is not None:
            self.log.close()
            self.log = None
        if self._run_dir is not None:
            shutil.rmtree(self._run_dir, ignore_errors=True)

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _wait_ready(server: Server, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            server.stop()
            raise ServeError(f"the server exited with code {server.process.returncode}: "
                             f"{server.log_text().strip()[-500:]}")
        try:
            with urllib.request.urlopen(f"{server.query_endpoint}?query=ASK%7B%7D", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.1)
    log = server.log_text().strip()[-500:]
    server.stop()
    raise ServeError(f"the server did not answer on {server.url} within {timeout:.0f} s{': ' + log if log else ''}")


def start(release_dir: Path | str | None = None, patients: list[Path] = (), port: int = DEFAULT_PORT,
          host: str = DEFAULT_HOST, writable: bool = False, location: Path | str | None = None,
          timeout_s: float | None = None, limits: Limits | None = None, allow_remote_fetch: bool = False,
          ready_timeout: float = 60) -> Server:
    """Load the release (and patient files; a folder stands for the files in it) into a store and
    start the server on ``host:port`` (``port=0``: a free port).

    ``location`` keeps the store on disk (it is loaded when empty); without it a temporary store
    is used and removed by :meth:`Server.stop`. ``timeout_s`` sets ``limits.query_timeout``.
    """
    from ...patients.read import expand
    from ...release.build import release_files

    limits = limits or Limits()
    if timeout_s:
        limits = Limits.from_dict({**limits.as_dict(), "query_timeout": float(timeout_s)})
    release_nt = release_files(release_dir, "full", "nt")
    patients = expand(patients)
    run_dir = Path(tempfile.mkdtemp(prefix="sarcoma-kg-serve-"))
    owns = location is None
    store = run_dir / "store" if owns else Path(location)
    try:
        if not store.exists() or not any(store.iterdir()):
            store.mkdir(parents=True, exist_ok=True)
            load_store(store, release_nt, patients)
        port = port or free_port()
        config = ServerConfig(
            store=str(store), host=host, port=port, writable=writable, allow_remote_fetch=allow_remote_fetch,
            union_default_graph=bool(patients), snapshots=str(run_dir / "snapshots") if writable else None,
            patient_graphs=[patient_graph_iri(p) for p in patients],
            prefixes={p: str(ns) for p, ns in PREFIXES.items()}, limits=limits)
        log = tempfile.TemporaryFile()  # a file, not a pipe: a chatty server can never block on it
        env = {**os.environ, **MALLOC_ENV}
        process = subprocess.Popen([sys.executable, "-m", "sarcoma_kg.sparql.server", config.to_json()],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log, env=env)
    except BaseException:
        shutil.rmtree(run_dir, ignore_errors=True)
        raise
    server = Server(process, host, port, store, writable, run_dir, owns,
                    [patient_graph_iri(p) for p in patients], log, limits)
    _wait_ready(server, ready_timeout)
    return server
