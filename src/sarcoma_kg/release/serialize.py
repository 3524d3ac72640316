"""Deterministic writers for the release files: one function per format (after KGX).

Two builds of the same graph give byte-identical files, whatever ``PYTHONHASHSEED``:

* blank nodes get labels derived from their content and position (a hash), so their labels
  depend only on the graph (``rdflib.compare.to_canonical_graph`` is the fallback for cyclic
  blank-node structures; it is exact but takes ~20 s on the release);
* triples are added to a fresh graph in sorted N-Triples order before any serializer sees it
  (rdflib's memory store keeps insertion order), and N-Triples lines are sorted;
* JSON-LD is post-processed: nodes sorted by ``@id``, property values sorted, keys sorted.

The documentation pages of the release are written by :mod:`~sarcoma_kg.release.pages`.
"""

from __future__ import annotations

import hashlib
import json
import re
from xml.sax.saxutils import escape as xml_escape, quoteattr
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph

from ..namespaces import PREFIXES, bind_prefixes

#: Release formats: suffix → (rdflib format, media type, what it is for).
FORMATS: dict[str, tuple[str, str, str]] = {
    "ttl": ("turtle", "text/turtle", "Turtle: human-readable, for Git diffs and most RDF tools"),
    "nt": ("nt", "application/n-triples", "N-Triples, sorted: for bulk loaders (Oxigraph, Fuseki tdb2.tdbloader, GraphDB, Virtuoso, QLever) and line diffs"),
    "jsonld": ("json-ld", "application/ld+json", "JSON-LD: for web applications and JSON tooling"),
    "owl": ("xml", "application/rdf+xml", "RDF/XML: for Protégé, owlready2 and OWL API tools"),
}


class _Cyclic(Exception):
    pass


def _memoised(compute):
    """``of(node)``: ``compute(node, of_neighbour)`` once per blank node, where ``of_neighbour``
    is ``of`` one level deeper; raises :class:`_Cyclic` when the recursion comes back to a node."""
    cache: dict[BNode, str] = {}

    def of(node: BNode, stack: frozenset = frozenset()) -> str:
        if node not in cache:
            if node in stack:
                raise _Cyclic()
            cache[node] = compute(node, lambda other: of(other, stack | {node}))
        return cache[node]

    return of


def _bnode_labels(graph: Graph) -> dict[BNode, BNode]:
    """Content-derived labels for blank nodes (OWL restrictions, lists, axioms are trees).

    A blank node's label hashes what it says (its outgoing triples, nested blank nodes by their
    own content) and where it hangs (the subjects and predicates pointing at it). Blank nodes
    with the same label are interchangeable, so numbering them in any order gives the same
    output. Raises :class:`_Cyclic` for cyclic blank-node structures.
    """
    def ref(term, of) -> str:
        return ("_:" + of(term)) if isinstance(term, BNode) else term.n3()

    def content(node: BNode, of) -> str:
        parts = sorted(f"{p.n3()} {ref(o, of)}" for p, o in graph.predicate_objects(node))
        return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()

    content_of = _memoised(content)

    def placed(node: BNode, of) -> str:
        parents = sorted(f"{ref(s, of)} {p.n3()}" for s, p in graph.subject_predicates(node))
        text = content_of(node) + "\n" + "\n".join(parents)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]

    label_of = _memoised(placed)
    nodes = sorted({t for triple in graph for t in triple if isinstance(t, BNode)}, key=str)
    groups: dict[str, list[BNode]] = {}
    for node in nodes:
        groups.setdefault(label_of(node), []).append(node)
    out = {}
    for key, members in groups.items():
        for i, node in enumerate(members):
            out[node] = BNode(f"b{key}" if len(members) == 1 else f"b{key}x{i}")
    return out


def canonical(graph: Graph) -> Graph:
    """A copy of ``graph`` with content-derived blank-node labels and triples in sorted order.

    Falls back to ``rdflib.compare.to_canonical_graph`` for cyclic blank-node structures.
    """
    try:
        mapping = _bnode_labels(graph)
        triples = [tuple(mapping.get(t, t) for t in triple) for triple in graph]
    except _Cyclic:
        triples = list(to_canonical_graph(graph))
    ordered = Graph()
    bind_prefixes(ordered)
    for triple in sorted(triples, key=lambda t: tuple(term.n3() for term in t)):
        ordered.add(triple)
    return ordered


def ntriples(graph: Graph) -> bytes:
    lines = graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
    return ("\n".join(sorted(line for line in lines if line.strip())) + "\n").encode("utf-8")


def _sort_jsonld(value):
    if isinstance(value, dict):
        return {k: (v if k == "@list" else _sort_jsonld(v)) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sort_jsonld(v) for v in value]
        return sorted(items, key=lambda v: (v.get("@id", "") if isinstance(v, dict) else "",
                                            json.dumps(v, sort_keys=True, ensure_ascii=False)))
    return value


def _blank_types_as_property(value):
    """rdflib writes ``rdf:type`` to a blank node (an OWL restriction) as ``"@type": {"@id": "_:b"}``,
    which JSON-LD forbids (``@type`` values are strings); state those as ``rdf:type`` instead."""
    if isinstance(value, list):
        return [_blank_types_as_property(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: (v if k == "@type" else _blank_types_as_property(v)) for k, v in value.items()}
    if "@type" in out:
        types = out["@type"] if isinstance(out["@type"], list) else [out["@type"]]
        objects = [t for t in types if isinstance(t, dict)]
        if objects:
            names = [t for t in types if not isinstance(t, dict)]
            if names:
                out["@type"] = names
            else:
                del out["@type"]
            existing = out.get("rdf:type", [])
            out["rdf:type"] = (existing if isinstance(existing, list) else [existing]) + objects
    return out


def jsonld(graph: Graph) -> bytes:
    context = {p: str(ns) for p, ns in PREFIXES.items()}
    data = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
    data = _blank_types_as_property(data)
    if isinstance(data, dict) and "@graph" in data:
        data["@graph"] = _sort_jsonld(data["@graph"])
    else:
        data = _sort_jsonld(data)
    return (json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


_NCNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*$")


def _split_predicate(iri: str) -> tuple[str, str]:
    """Namespace and local name of a predicate IRI for an RDF/XML element name."""
    for i in range(len(iri) - 1, -1, -1):
        if iri[i] in "#/:":
            local = iri[i + 1:]
            if _NCNAME.match(local):
                return iri[: i + 1], local
            break
    raise ValueError(f"cannot write predicate <{iri}> as an RDF/XML element name")


def rdfxml(graph: Graph) -> bytes:
    """Flat RDF/XML (one rdf:Description per subject), subjects and predicates in sorted order.

    rdflib's XML serializer iterates its store's subjects in hash order, so it is not
    byte-stable across interpreter runs; this writer is.
    """
    known = {str(ns): prefix for prefix, ns in PREFIXES.items()}
    namespaces: dict[str, str] = {}
    for predicate in sorted({str(p) for p in graph.predicates()}):
        ns, _ = _split_predicate(predicate)
        if ns not in namespaces:
            namespaces[ns] = known.get(ns) or f"ns{len([v for v in namespaces.values() if v.startswith('ns')]) + 1}"
    namespaces["http://www.w3.org/1999/02/22-rdf-syntax-ns#"] = "rdf"
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<rdf:RDF"]
    lines += [f"   xmlns:{prefix}={quoteattr(ns)}" for ns, prefix in sorted(namespaces.items(), key=lambda kv: kv[1])]
    lines[-1] += ">"

    def key(term):
        return term.n3()

    for subject in sorted(set(graph.subjects()), key=key):
        attr = f'rdf:nodeID="{subject}"' if isinstance(subject, BNode) else f"rdf:about={quoteattr(str(subject))}"
        lines.append(f"  <rdf:Description {attr}>")
        for predicate, obj in sorted(graph.predicate_objects(subject), key=lambda po: (key(po[0]), key(po[1]))):
            ns, local = _split_predicate(str(predicate))
            name = f"{namespaces[ns]}:{local}"
            if isinstance(obj, BNode):
                lines.append(f'    <{name} rdf:nodeID="{obj}"/>')
            elif isinstance(obj, URIRef):
                lines.append(f"    <{name} rdf:resource={quoteattr(str(obj))}/>")
            else:
                attrs = ""
                if obj.language:
                    attrs = f" xml:lang={quoteattr(obj.language)}"
                elif obj.datatype:
                    attrs = f" rdf:datatype={quoteattr(str(obj.datatype))}"
                lines.append(f"    <{name}{attrs}>{xml_escape(str(obj))}</{name}>")
        lines.append("  </rdf:Description>")
    lines.append("</rdf:RDF>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def serialize(graph: Graph, suffix: str) -> bytes:
    """The bytes of ``graph`` (already :func:`canonical`) in the release format ``suffix``."""
    if suffix == "nt":
        return ntriples(graph)
    if suffix == "jsonld":
        return jsonld(graph)
    if suffix == "owl":
        return rdfxml(graph)
    fmt = FORMATS[suffix][0]
    return graph.serialize(format=fmt, encoding="utf-8")


def write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
