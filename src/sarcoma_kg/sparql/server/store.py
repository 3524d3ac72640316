"""The store a server answers from: the release in the default graph, each patient file (with
its verdicts written back) in a named graph of its own, bulk-loaded with the ``oxigraph`` CLI."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from ...errors import ServeError
from ...namespaces import BASE

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


def _patient_ntriples(path: Path, knowledge, out: Path) -> Path:
    """The patient file's graph plus its written-back verdicts, as N-Triples. A file stating what a
    patient record may not say (:mod:`sarcoma_kg.patients.boundary`) is refused."""
    from ...errors import InputError
    from ...patients.read import read_patient_file
    from ...patients.verdicts import derive

    pf = read_patient_file(path)
    if pf.errors:
        raise pf.errors[0]
    if pf.refused:
        raise InputError(pf.refused[0].message.replace("; ignored for every verdict", ""))
    graph = pf.graph
    graph += derive(graph, knowledge)
    graph.serialize(out, format="nt", encoding="utf-8")
    return out


def load_store(location: Path, release_nt: Path, patients: list[Path] = (), knowledge=None) -> None:
    """Bulk-load the release (default graph) and patient files (a named graph each) into
    ``location``; the patients' verdicts are derived against ``knowledge`` (default: the release)."""
    exe = oxigraph_executable()
    if patients and knowledge is None:
        from rdflib import Graph

        from ...rdf import parse_into

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
