"""The release writers: pyoxigraph's serialisers over one canonical, sorted list of triples.

Every file of a release holds the same RDF graph, and two builds give byte-identical files
whatever ``PYTHONHASHSEED``:

* the rdflib graph reaches pyoxigraph as N-Triples, so every literal keeps its exact lexical form
  and datatype (``"13"^^xsd:decimal`` stays ``"13"``, never ``13.0``);
* blank nodes are relabelled by the W3C RDF Dataset Canonicalization algorithm (RDFC-1.0,
  https://www.w3.org/TR/rdf-canon/), so their labels depend only on the graph;
* the triples are sorted (N-Triples order, the ontology header first) before a serialiser sees them; pyoxigraph writes them
  in that order: Turtle groups a subject's triples, RDF/XML writes one element per subject,
  JSON-LD one node object per subject;
* Turtle's ``@prefix`` lines are sorted; JSON-LD (expanded form, absolute IRIs) is indented.

The documentation pages of the release are written by :mod:`~sarcoma_kg.release.pages`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from ..namespaces import PREFIXES

#: Release formats: suffix → (pyoxigraph format, media type, what it is for).
FORMATS: dict[str, tuple[ox.RdfFormat, str, str]] = {
    "ttl": (ox.RdfFormat.TURTLE, "text/turtle", "Turtle: human-readable, for Git diffs and most RDF tools"),
    "nt": (ox.RdfFormat.N_TRIPLES, "application/n-triples",
           "N-Triples, sorted: for bulk loaders (Oxigraph, Fuseki tdb2.tdbloader, GraphDB, Virtuoso, QLever) "
           "and line diffs"),
    "jsonld": (ox.RdfFormat.JSON_LD, "application/ld+json",
               "JSON-LD (expanded form): for web applications and JSON tooling"),
    "owl": (ox.RdfFormat.RDF_XML, "application/rdf+xml", "RDF/XML: for Protégé, owlready2 and OWL API tools"),
}

_PREFIXES = {prefix: str(ns) for prefix, ns in PREFIXES.items()}


def canonical_triples(graph: Graph, first: str | None = None) -> list[ox.Triple]:
    """The triples of ``graph`` with RDFC-1.0 blank-node labels, in sorted N-Triples order; those
    whose subject is the IRI ``first`` (the ontology header) come before the others."""
    data = graph.serialize(format="nt", encoding="utf-8")
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                         for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    head = ox.NamedNode(first) if first else None
    return sorted((quad.triple for quad in dataset), key=lambda t: (t.subject != head, str(t)))


def _sorted_prefix_block(turtle: bytes) -> bytes:
    """Turtle with its leading ``@prefix`` lines in name order (the writer's own order is not fixed)."""
    lines = turtle.split(b"\n")
    head = 0
    while head < len(lines) and lines[head].startswith(b"@prefix "):
        head += 1
    return b"\n".join(sorted(lines[:head]) + lines[head:])


def serialize(triples: list[ox.Triple], suffix: str) -> bytes:
    """The bytes of ``triples`` (from :func:`canonical_triples`) in the release format ``suffix``."""
    fmt = FORMATS[suffix][0]
    data = ox.serialize(triples, format=fmt, prefixes=None if fmt == ox.RdfFormat.N_TRIPLES else _PREFIXES)
    if suffix == "ttl":
        return _sorted_prefix_block(data)
    if suffix == "jsonld":
        return (json.dumps(json.loads(data), indent=1, ensure_ascii=False) + "\n").encode("utf-8")
    return data


def parse(path: Path) -> list[ox.Triple]:
    """Read a release file back with pyoxigraph (format by suffix)."""
    fmt = FORMATS[Path(path).suffix.lstrip(".")][0]
    return [quad.triple for quad in ox.parse(path=str(path), format=fmt)]


def write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
