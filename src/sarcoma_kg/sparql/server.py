"""A real SPARQL 1.1 endpoint over the release: the Oxigraph server from PyPI (``oxigraph``).

``start()`` loads the release N-Triples (``dist/sarcoma-kg.nt``) into the default graph of an
Oxigraph store directory, optional patient files (every form :mod:`~sarcoma_kg.patients.read`
reads, each with its verdicts written back) into named graphs, and runs
``oxigraph serve-read-only`` (or ``oxigraph serve`` when ``writable``) bound to 127.0.0.1.
With patient graphs the server uses ``--union-default-graph``, so the catalogue queries see the
release and the patients together. Endpoints (Oxigraph server):

* ``/query``  SPARQL 1.1 Protocol queries (GET/POST); ``/`` the browser query page (YASGUI);
* ``/update`` SPARQL 1.1 Update (only with ``writable``);
* ``/store``  SPARQL 1.1 Graph Store Protocol (writes only with ``writable``).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from ..errors import ServeError
from ..namespaces import BASE
from ..patients.read import expand, read_patient_file
from ..patients.verdicts import derive
from ..rdf import parse_into
from ..release.build import release_files

PATIENT_GRAPH_BASE = BASE + "graph/patients/"

def oxigraph_executable() -> str:
    """The ``oxigraph`` CLI installed with the Python environment (the ``oxigraph`` PyPI package)."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.exists():
        return str(beside)
    found = shutil.which("oxigraph")
    if not found:
        raise ServeError("the oxigraph server is not installed (pip install oxigraph==0.5.13)")
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def patient_graph_iri(path: Path) -> str:
    return PATIENT_GRAPH_BASE + Path(path).stem


def _patient_ntriples(path: Path, knowledge: Graph, out: Path) -> Path:
    """The patient file's graph plus its written-back verdicts, as N-Triples."""
    graph = read_patient_file(path).graph
    graph += derive(graph, knowledge)
    graph.serialize(out, format="nt", encoding="utf-8")
    return out


def load_store(location: Path, release_nt: Path, patients: list[Path] = (), knowledge: Graph | None = None) -> None:
    """Bulk-load the release (default graph) and patient files (a named graph each) into
    ``location``; the patients' verdicts are derived against ``knowledge`` (default: the release)."""
    exe = oxigraph_executable()
    if patients and knowledge is None:
        knowledge = parse_into(Graph(), release_nt)

    def run(args):
        proc = subprocess.run([exe, "load", "--location", str(location), *args], capture_output=True, text=True)
        if proc.returncode != 0:
            raise ServeError(f"oxigraph load failed: {proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else proc.returncode}")

    run(["--file", str(release_nt)])
    with tempfile.TemporaryDirectory() as tmp:
        for path in patients:
            nt = _patient_ntriples(Path(path), knowledge, Path(tmp) / f"{Path(path).stem}.nt")
            run(["--file", str(nt), "--graph", patient_graph_iri(path)])


@dataclass
class Server:
    process: subprocess.Popen
    host: str
    port: int
    location: Path
    writable: bool
    _owns_location: bool = False
    patients: list[str] = field(default_factory=list)
    log: object = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def query_endpoint(self) -> str:
        return f"{self.url}/query"

    @property
    def update_endpoint(self) -> str:
        return f"{self.url}/update"

    @property
    def store_endpoint(self) -> str:
        return f"{self.url}/store"

    def stop(self, timeout: float = 10) -> None:
        """Stop the server process (terminate, then kill) and remove a temporary store."""
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
        if self._owns_location:
            shutil.rmtree(self.location, ignore_errors=True)

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _wait_ready(server: Server, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            err = ""
            if server.log is not None:
                server.log.seek(0)
                err = server.log.read().decode("utf-8", "replace")
            raise ServeError(f"oxigraph exited with code {server.process.returncode}: {err.strip()[-500:]}")
        try:
            with urllib.request.urlopen(f"{server.query_endpoint}?query=ASK%7B%7D", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.1)
    server.stop()
    raise ServeError(f"oxigraph did not answer on {server.url} within {timeout:.0f} s")


def start(release_dir: Path | str | None = None, patients: list[Path] = (), port: int = 7878,
          host: str = "127.0.0.1", writable: bool = False, location: Path | str | None = None,
          timeout_s: int | None = None, ready_timeout: float = 60) -> Server:
    """Load the release (and patient files; a folder stands for the files in it) into a store and
    start the Oxigraph server.

    ``port=0`` picks a free port. ``location`` keeps the store on disk (it is reloaded when
    empty); without it a temporary store is used and removed by :meth:`Server.stop`.
    """
    release_nt = release_files(release_dir, "full", "nt")
    patients = expand(patients)
    owns = location is None
    location = Path(location) if location else Path(tempfile.mkdtemp(prefix="sarcoma-kg-store-"))
    try:
        if owns or not location.exists() or not any(location.iterdir()):
            location.mkdir(parents=True, exist_ok=True)
            load_store(location, release_nt, patients)
        port = port or free_port()
        exe = oxigraph_executable()
        args = [exe, "serve" if writable else "serve-read-only", "--location", str(location),
                "--bind", f"{host}:{port}"]
        if patients:
            args.append("--union-default-graph")
        if timeout_s:
            args += ["--timeout-s", str(timeout_s)]
        log = tempfile.TemporaryFile()  # a file, not a pipe: a chatty server can never block on it
        process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=log)
    except BaseException:
        if owns:
            shutil.rmtree(location, ignore_errors=True)
        raise
    server = Server(process, host, port, location, writable, owns, [patient_graph_iri(p) for p in patients], log)
    _wait_ready(server, ready_timeout)
    return server
