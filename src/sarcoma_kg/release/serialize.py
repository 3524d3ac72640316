"""Deterministic writers for the release files: one function per format (after KGX).

Two builds of the same graph give byte-identical files, whatever ``PYTHONHASHSEED``:

* blank nodes get labels derived from their content and position (a hash), so their labels
  depend only on the graph (``rdflib.compare.to_canonical_graph`` is the fallback for cyclic
  blank-node structures; it is exact but takes ~20 s on the release);
* triples are added to a fresh graph in sorted N-Triples order before any serializer sees it
  (rdflib's memory store keeps insertion order), and N-Triples lines are sorted;
* JSON-LD is post-processed: nodes sorted by ``@id``, property values sorted, keys sorted.

The ontology documentation page is generated here too, from labels and definitions (pyLODE
3.4.1 fails to import outside its source tree and crashes on OWL set-class expressions, so a
small own generator gives a stable page).
"""

from __future__ import annotations

import html
import json
import re
from xml.sax.saxutils import escape as xml_escape, quoteattr
from collections import defaultdict
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import OWL, RDF, RDFS, SKOS

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


def _bnode_labels(graph: Graph) -> dict[BNode, BNode]:
    """Content-derived labels for blank nodes (OWL restrictions, lists, axioms are trees).

    A blank node's label hashes what it says (its outgoing triples, nested blank nodes by their
    own content) and where it hangs (the subjects and predicates pointing at it). Blank nodes
    with the same label are interchangeable, so numbering them in any order gives the same
    output. Raises :class:`_Cyclic` for cyclic blank-node structures.
    """
    import hashlib

    content: dict[BNode, str] = {}
    label: dict[BNode, str] = {}

    def content_of(node: BNode, stack: frozenset) -> str:
        if node in content:
            return content[node]
        if node in stack:
            raise _Cyclic()
        parts = sorted(
            f"{p.n3()} {('_:' + content_of(o, stack | {node})) if isinstance(o, BNode) else o.n3()}"
            for p, o in graph.predicate_objects(node)
        )
        content[node] = hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()
        return content[node]

    def label_of(node: BNode, stack: frozenset) -> str:
        if node in label:
            return label[node]
        if node in stack:
            raise _Cyclic()
        parents = sorted(
            f"{('_:' + label_of(s, stack | {node})) if isinstance(s, BNode) else s.n3()} {p.n3()}"
            for s, p in graph.subject_predicates(node)
        )
        text = content_of(node, frozenset()) + "\n" + "\n".join(parents)
        label[node] = hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]
        return label[node]

    nodes = sorted({t for triple in graph for t in triple if isinstance(t, BNode)}, key=str)
    groups: dict[str, list[BNode]] = {}
    for node in nodes:
        groups.setdefault(label_of(node, frozenset()), []).append(node)
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


# --- ontology documentation -----------------------------------------------------------------

def _one(graph: Graph, node, prop) -> str:
    values = sorted(str(v) for v in graph.objects(node, prop) if not isinstance(v, Literal) or v.language in (None, "en"))
    return values[0] if values else ""


def _curie(iri) -> str:
    text = str(iri)
    for prefix, ns in PREFIXES.items():
        if text.startswith(str(ns)) and "/" not in text[len(str(ns)):]:
            return f"{prefix}:{text[len(str(ns)):]}"
    return text


def ontology_html(graph: Graph, title: str, version: str, version_iri: str) -> str:
    """A self-contained, deterministic HTML page: class trees, properties, concept schemes."""
    esc = html.escape
    classes = sorted(c for c in graph.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef))
    parents = defaultdict(list)
    children = defaultdict(list)
    class_set = set(classes)
    for c in classes:
        for p in graph.objects(c, RDFS.subClassOf):
            if isinstance(p, URIRef) and p in class_set:
                parents[c].append(p)
                children[p].append(c)
    anchor = lambda iri: _curie(iri).replace(":", "-")  # noqa: E731

    def entry(term) -> str:
        label = _one(graph, term, RDFS.label) or _curie(term)
        definition = _one(graph, term, SKOS.definition)
        xrefs = sorted(str(x) for x in (*graph.objects(term, SKOS.exactMatch), *graph.objects(term, SKOS.closeMatch)))
        out = f'<a id="{esc(anchor(term))}"></a><strong>{esc(label)}</strong> <code>{esc(_curie(term))}</code>'
        if definition:
            out += f"<br><span>{esc(definition)}</span>"
        if xrefs:
            out += "<br><small>" + ", ".join(f'<a href="{esc(x)}">{esc(_curie(x))}</a>' for x in xrefs) + "</small>"
        return out

    def tree(node, seen) -> list[str]:
        if node in seen:
            return []
        seen = seen | {node}
        kids = sorted(children[node])
        lines = [f"<li>{entry(node)}"]
        if kids:
            lines.append("<ul>")
            for kid in kids:
                lines += tree(kid, seen)
            lines.append("</ul>")
        lines.append("</li>")
        return lines

    roots = [c for c in classes if not parents[c]]
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">', f"<title>{esc(title)}</title>",
           "<style>body{font-family:sans-serif;max-width:70em;margin:auto;padding:1em}li{margin:.3em 0}"
           "code{color:#555}</style>", "</head>", "<body>", f"<h1>{esc(title)}</h1>",
           f"<p>Version {esc(version)} — <code>{esc(version_iri)}</code></p>"]
    header = next(iter(sorted(graph.subjects(RDF.type, OWL.Ontology))), None)
    if header is not None:
        desc = _one(graph, header, URIRef("http://purl.org/dc/terms/description"))
        if desc:
            out.append(f"<p>{esc(desc)}</p>")
    out.append(f"<h2>Classes ({len(classes)})</h2><ul>")
    for root in roots:
        out += tree(root, frozenset())
    out.append("</ul>")
    for kind, title_ in ((OWL.ObjectProperty, "Object properties"), (OWL.DatatypeProperty, "Data properties"),
                         (OWL.AnnotationProperty, "Annotation properties")):
        props = sorted(p for p in graph.subjects(RDF.type, kind) if isinstance(p, URIRef) and _one(graph, p, RDFS.label))
        out.append(f"<h2>{title_} ({len(props)})</h2><ul>")
        out += [f"<li>{entry(p)}</li>" for p in props]
        out.append("</ul>")
    schemes = sorted(s for s in graph.subjects(RDF.type, SKOS.ConceptScheme) if isinstance(s, URIRef))
    out.append(f"<h2>Concept schemes ({len(schemes)})</h2>")
    for scheme in schemes:
        concepts = sorted(c for c in graph.subjects(SKOS.inScheme, scheme) if not isinstance(c, BNode))
        out.append(f"<h3>{entry(scheme)}</h3><ul>")
        out += [f"<li>{entry(c)}</li>" for c in concepts]
        out.append("</ul>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
