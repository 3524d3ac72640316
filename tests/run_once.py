"""Results computed once per test run and read by every test process.

Several test files compute the same expensive oracle over the same input: pySHACL's report on a
shape case (``patients/test_cases.py``, ``patients/test_compiled.py``, ``patients/test_portability.py``)
or on the reasoning fixture patients (every ``recommend`` over them writes their verdicts back from
one); HermiT's classes of the reasoning fixture patients (a fixture of ``reasoning/`` kept for the whole
run, asked for on both pytest-xdist workers). :func:`once` computes a result the first time it is asked
for in a run and writes it into the run's own temporary folder (:func:`run_folder`: pytest's base
temporary directory, shared by the workers of one run, so nothing outlives the run); every later
request with the same key, in any worker, reads it. A worker that asks for a result another worker
is computing waits for it (one lock file per key).

A key is the content of every input (:func:`sarcoma_kg.rdf.graph_fingerprint`: every triple, blank
nodes by what they say) with the versions of the engine that computes the result: a result is read
only where the very same computation would run again.

:class:`SharedReports` stands in for :func:`sarcoma_kg.patients.shapes.run_shapes` (the root
``conftest.py`` puts it in place for the whole run). A report is stored only when reading it back
gives the same triples (literals with their lexical forms) and it names no blank node of the data or
shapes graph (a node a caller could look up there); any other report, and any data graph that cannot
be fingerprinted, is computed by pySHACL on every call, as without sharing.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import Callable, TypeVar

from rdflib import BNode, Graph

from sarcoma_kg.rdf import graph_fingerprint

try:
    import fcntl
except ImportError:  # not POSIX: no lock, two workers may both compute a result (the same one)
    fcntl = None

T = TypeVar("T")


def run_folder(tmp_path_factory, name: str) -> Path:
    """``name`` in the temporary folder of this run, the same for every worker (the pytest-xdist
    recipe: a worker's base temporary directory is in the run's)."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def key_of(*parts: str | Graph) -> str:
    """A key for a result computed from ``parts``: graphs by their content, strings as they are."""
    texts = [graph_fingerprint(p) if isinstance(p, Graph) else p for p in parts]
    return hashlib.sha256("\x00".join(texts).encode()).hexdigest()[:32]


@contextmanager
def _locked(path: Path):
    with path.open("a") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _write(path: Path, data: bytes) -> None:
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    partial.write_bytes(data)
    partial.replace(path)


def once(folder: Path, key: str, compute: Callable[[], T]) -> T:
    """``compute()``, computed by the first process of the run that asks for ``key`` and read (a
    pickle) by the others."""
    stored = folder / f"{key}.pickle"
    with _locked(folder / f"{key}.lock"):
        if stored.exists():
            return pickle.loads(stored.read_bytes())
        value = compute()
        _write(stored, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        return value


def _names_a_node_of(report: Graph, *graphs: Graph) -> bool:
    nodes = {t for triple in report for t in triple if isinstance(t, BNode)}
    return any((n, None, None) in g or (None, None, n) in g for n in nodes for g in graphs)


class SharedReports:
    """``run_shapes(data, shapes=None)`` as :func:`sarcoma_kg.patients.shapes.run_shapes` computes
    it, each report computed once per run (see the module docstring); ``computed`` and ``read``
    count the reports this process ran and read."""

    def __init__(self, folder: Path, run_shapes: Callable[..., Graph], default_shapes: Callable[[], Graph]):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.real = run_shapes
        self.default_shapes = default_shapes
        self.versions = f"pyshacl {version('pyshacl')}\x00rdflib {version('rdflib')}"
        self.computed = 0
        self.read = 0

    def key(self, data: Graph, shapes: Graph) -> str | None:
        from pyshacl.shapes_graph import ShapesGraph

        # pySHACL adds its system triples to the shapes graph it is given (owl:Class rdfs:subClassOf
        # rdfs:Class ...) before it validates: the shapes it runs are those with them, before or after
        as_run = Graph()
        as_run += shapes
        for triple in ShapesGraph.system_triples:
            as_run.add(triple)
        try:
            return key_of(self.versions, as_run, data)
        except ValueError:  # a cycle of blank nodes: no fingerprint
            return None

    def __call__(self, data: Graph, shapes: Graph | None = None) -> Graph:
        shapes_graph = shapes if shapes is not None else self.default_shapes()
        key = self.key(data, shapes_graph)
        if key is None:
            self.computed += 1
            return self.real(data, shapes)
        stored = self.folder / f"{key}.nt"
        with _locked(self.folder / f"{key}.lock"):
            if stored.exists():
                self.read += 1
                return Graph().parse(stored, format="nt")
            report = self.real(data, shapes)
            self.computed += 1
            text = report.serialize(format="nt", encoding="utf-8")
            if (not _names_a_node_of(report, data, shapes_graph)
                    and graph_fingerprint(Graph().parse(data=text, format="nt")) == graph_fingerprint(report)):
                _write(stored, text)
            return report
