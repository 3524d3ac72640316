"""Patient graphs: reading them (Turtle, or a tumour-board CSV through :mod:`csv_input`),
finding the patients in them, and the knowledge context they are validated against.

A patient graph follows docs/model.md ("Patient graph"). Unknown is absence: a fact that is not
in the graph is unknown, never false.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, RDFS

from .. import rdf as graphs, resources
from ..rdf import InputError
from ..namespaces import SKG, bind_prefixes

TURTLE_SUFFIXES = {".ttl", ".turtle", ".nt", ".n3"}
CSV_SUFFIXES = {".csv", ".tsv"}


@dataclass(frozen=True)
class PatientFile:
    """One input file, parsed: its graph and the patients it describes (sorted by IRI)."""

    path: Path
    graph: Graph
    patients: tuple[URIRef, ...]


def read_patient_file(path: Path | str) -> PatientFile:
    """Parse one patient file (Turtle or CSV). Raise :class:`InputError` naming file and line."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: file not found")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a patient file (give the .ttl or .csv files in it)")
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        from .csv_mapping import read_csv

        graph = read_csv(path)
    else:
        graph = _parse_turtle(path, _RDF_FORMATS.get(suffix, "turtle"))
    if any(isinstance(s, BNode) for s in graph.subjects(RDF.type, SKG.Patient)):
        raise InputError(f"{path}: a patient is a blank node; give every patient an IRI (for example ex:P1), "
                         "so that its verdicts can be named and written back")
    found = patients_in(graph)
    if not found:
        raise InputError(f"{path}: no patient found (nothing is typed skg:Patient)")
    return PatientFile(path=path, graph=graph, patients=tuple(found))


_RDF_FORMATS = {".nt": "nt", ".jsonld": "json-ld", ".json": "json-ld", ".rdf": "xml", ".owl": "xml", ".n3": "n3"}
_FORMAT_NAMES = {"turtle": "Turtle", "nt": "N-Triples", "json-ld": "JSON-LD", "xml": "RDF/XML", "n3": "N3"}
_LINE = re.compile(r"line (\d+)", re.IGNORECASE)
_REASON = re.compile(r"Bad syntax \(([^)]*)\)")


def _parse_turtle(path: Path, fmt: str) -> Graph:
    """Parse Turtle; on failure raise InputError ``file:line: not valid Turtle: reason``."""
    graph = Graph()
    bind_prefixes(graph)
    try:
        graph.parse(path, format=fmt)
    except Exception as exc:  # rdflib raises several unrelated exception types
        text = str(exc)
        try:
            n_lines = max(1, len(path.read_text(encoding="utf-8", errors="replace").splitlines()))
        except OSError:  # pragma: no cover
            n_lines = None
        match = _LINE.search(text)
        line = int(match.group(1)) if match else None
        if line is not None and n_lines is not None:
            line = min(line, n_lines)  # rdflib counts past the end on a truncated file
        reason = _REASON.search(text)
        why = reason.group(1) if reason else (text.strip().splitlines() or [type(exc).__name__])[-1][:200]
        where = f"{path}:{line}" if line else str(path)
        raise InputError(f"{where}: not valid {_FORMAT_NAMES.get(fmt, fmt)}: {why}") from exc
    return graph


def patients_in(graph: Graph) -> list[URIRef]:
    """The patients of a graph (subjects typed skg:Patient), sorted for deterministic output."""
    return sorted({s for s in graph.subjects(RDF.type, SKG.Patient) if isinstance(s, URIRef)}, key=str)


@lru_cache(maxsize=1)
def _knowledge_cached() -> Graph:
    return graphs.knowledge_graph()


def knowledge_context(fresh: bool = False) -> Graph:
    """Ontology + knowledge base (definitions, anatomy, histology ...), loaded once per process.

    The returned graph is shared: callers must not modify it (copy it first).
    """
    if fresh:
        _knowledge_cached.cache_clear()
    return _knowledge_cached()


def label(graph: Graph, node) -> str:
    """The English label of a node, or its compact name (``skg:Lung``, ``ex:P1``)."""
    for value in graph.objects(node, RDFS.label):
        if getattr(value, "language", None) in (None, "en"):
            return str(value)
    return compact(graph, node)


def compact(graph: Graph, node) -> str:
    """``ex:P1`` rather than the full IRI, using the project prefix map."""
    if isinstance(node, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(node)
        except Exception:  # pragma: no cover - rdflib raises on odd IRIs
            return str(node)
    return str(node)


@lru_cache(maxsize=1)
def shape_graph() -> Graph:
    """The patient shapes (shapes/patient-structure.ttl and shapes/patient-criteria.ttl).

    Loaded once per process and shared: do not modify it."""
    return graphs.load(resources.shape_files("patient-"))


class _PreparedQueryGraph(Graph):
    """An rdflib graph that parses each SPARQL text once and reuses the prepared query.

    pySHACL runs every SHACL-SPARQL constraint once per focus node with the same query text;
    parsing dominates the cost in rdflib. Caching the parsed query changes nothing else.
    """

    def query(self, query_object, *args, **kwargs):  # type: ignore[override]
        if isinstance(query_object, str):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


@lru_cache(maxsize=512)
def _prepared(text: str):
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text)


def data_graph(patients: Graph, knowledge: Graph) -> Graph:
    """The SHACL data graph: patient triples merged with the ontology and knowledge base."""
    merged = _PreparedQueryGraph()
    bind_prefixes(merged)
    for triple in knowledge:
        merged.add(triple)
    for triple in patients:
        merged.add(triple)
    return merged


def run_shapes(data: Graph, shapes: Graph | None = None) -> Graph:
    """Run the patient shapes over ``data`` with pySHACL (no inference); return the report graph."""
    import pyshacl

    _conforms, report, _text = pyshacl.validate(
        data, shacl_graph=shapes if shapes is not None else shape_graph(), inference="none",
        advanced=False, abort_on_first=False, allow_warnings=True, meta_shacl=False,
    )
    return report
