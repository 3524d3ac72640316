"""The documentation pages of the release: the ontology page and the query catalogue page.

Both are self-contained, deterministic HTML generated from the graph (labels, definitions,
cross-references, hierarchies) and from the ``#+`` headers of the query files. pyLODE 3.4.1 fails
to import outside its source tree and crashes on OWL set-class expressions, so a small generator
of our own gives a stable ontology page.
"""

from __future__ import annotations

import html
from collections import defaultdict

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from .. import resources
from ..rdf import curie, label
from ..sparql.catalogue import CatalogueQuery

esc = html.escape
_STYLE = "body{font-family:sans-serif;max-width:70em;margin:auto;padding:1em}"


def _head(title: str, style: str) -> list[str]:
    return ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">', f"<title>{esc(title)}</title>",
            f"<style>{_STYLE}{style}</style>", "</head>", "<body>", f"<h1>{esc(title)}</h1>"]


# --- the ontology page ------------------------------------------------------------------------

def _one(graph: Graph, node, prop) -> str:
    """The first (sorted) English or untagged value of ``prop``, or ``""``."""
    values = sorted(str(v) for v in graph.objects(node, prop) if not isinstance(v, Literal) or v.language in (None, "en"))
    return values[0] if values else ""


def _anchor(term) -> str:
    return curie(term).replace(":", "-")


def _entry(graph: Graph, term) -> str:
    """A term: anchor, label, CURIE, definition and cross-references."""
    definition = _one(graph, term, SKOS.definition)
    xrefs = sorted(str(x) for x in (*graph.objects(term, SKOS.exactMatch), *graph.objects(term, SKOS.closeMatch)))
    out = f'<a id="{esc(_anchor(term))}"></a><strong>{esc(label(graph, term))}</strong> <code>{esc(curie(term))}</code>'
    if definition:
        out += f"<br><span>{esc(definition)}</span>"
    if xrefs:
        out += "<br><small>" + ", ".join(f'<a href="{esc(x)}">{esc(curie(URIRef(x)))}</a>' for x in xrefs) + "</small>"
    return out


def _class_trees(graph: Graph) -> list[str]:
    """Every named class, in trees from the classes without a named superclass."""
    classes = sorted(c for c in graph.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef))
    class_set = set(classes)
    parents, children = defaultdict(list), defaultdict(list)
    for c in classes:
        for p in graph.objects(c, RDFS.subClassOf):
            if isinstance(p, URIRef) and p in class_set:
                parents[c].append(p)
                children[p].append(c)

    def tree(node, seen) -> list[str]:
        if node in seen:
            return []
        seen = seen | {node}
        kids = sorted(children[node])
        lines = [f"<li>{_entry(graph, node)}"]
        if kids:
            lines.append("<ul>")
            for kid in kids:
                lines += tree(kid, seen)
            lines.append("</ul>")
        lines.append("</li>")
        return lines

    out = [f"<h2>Classes ({len(classes)})</h2><ul>"]
    for root in (c for c in classes if not parents[c]):
        out += tree(root, frozenset())
    out.append("</ul>")
    return out


def _properties(graph: Graph) -> list[str]:
    out = []
    for kind, title in ((OWL.ObjectProperty, "Object properties"), (OWL.DatatypeProperty, "Data properties"),
                        (OWL.AnnotationProperty, "Annotation properties")):
        props = sorted(p for p in graph.subjects(RDF.type, kind) if isinstance(p, URIRef) and _one(graph, p, RDFS.label))
        out.append(f"<h2>{title} ({len(props)})</h2><ul>")
        out += [f"<li>{_entry(graph, p)}</li>" for p in props]
        out.append("</ul>")
    return out


def _concept_schemes(graph: Graph) -> list[str]:
    schemes = sorted(s for s in graph.subjects(RDF.type, SKOS.ConceptScheme) if isinstance(s, URIRef))
    out = [f"<h2>Concept schemes ({len(schemes)})</h2>"]
    for scheme in schemes:
        concepts = sorted(c for c in graph.subjects(SKOS.inScheme, scheme) if not isinstance(c, BNode))
        out.append(f"<h3>{_entry(graph, scheme)}</h3><ul>")
        out += [f"<li>{_entry(graph, c)}</li>" for c in concepts]
        out.append("</ul>")
    return out


def ontology_html(graph: Graph, title: str, version: str, version_iri: str) -> str:
    """A self-contained, deterministic HTML page: class trees, properties, concept schemes."""
    out = _head(title, "li{margin:.3em 0}code{color:#555}")
    out.append(f"<p>Version {esc(version)} — <code>{esc(version_iri)}</code></p>")
    header = next(iter(sorted(graph.subjects(RDF.type, OWL.Ontology))), None)
    if header is not None:
        desc = _one(graph, header, DCTERMS.description)
        if desc:
            out.append(f"<p>{esc(desc)}</p>")
    out += _class_trees(graph) + _properties(graph) + _concept_schemes(graph)
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


# --- the query catalogue page -----------------------------------------------------------------

def _query_section(q: CatalogueQuery) -> list[str]:
    out = [f'<section id="{esc(q.name)}"><h2><code>{esc(q.name)}</code>: {esc(q.summary)}</h2>']
    if q.question:
        out.append(f"<p><strong>Question.</strong> {esc(q.question)}</p>")
    if q.parameters:
        out.append("<p><strong>Parameters.</strong></p><ul>")
        for p in q.parameters:
            extra = "optional" if p.optional else "required"
            if p.example:
                extra += f", e.g. <code>{esc(p.example)}</code>"
            out.append(f"<li><code>{esc(p.name)}</code> ({esc(p.type)}, {extra})</li>")
        out.append("</ul>")
    if q.returns:
        out.append("<p><strong>Returns.</strong> " + ", ".join(f"<code>{esc(r)}</code>" for r in q.returns) + "</p>")
    if q.notes:
        out.append(f"<p><strong>Notes.</strong> {esc(q.notes)}</p>")
    rel = q.path.relative_to(resources.ROOT) if q.path.is_relative_to(resources.ROOT) else q.path.name
    out.append(f"<p><strong>File.</strong> <code>{esc(str(rel))}</code></p>")
    out.append(f"<pre>{esc(q.text)}</pre></section>")
    return out


def catalogue_html(queries: list[CatalogueQuery], title: str = "sarcoma-kg SPARQL query catalogue",
                   version: str = "") -> str:
    """A self-contained HTML page of the catalogue, generated from the headers (deterministic)."""
    out = _head(title, "pre{background:#f4f4f4;padding:.8em;overflow-x:auto}table{border-collapse:collapse}"
                       "td,th{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}")
    if version:
        out.append(f"<p>Release {esc(version)}. Run any query with <code>sarcoma-kg query NAME "
                   "[--param name=value ...]</code>, or paste it into the endpoint started by "
                   "<code>sarcoma-kg serve</code>.</p>")
    out.append("<table><thead><tr><th>query</th><th>kind</th><th>question</th></tr></thead><tbody>")
    for q in queries:
        out.append(f'<tr><td><a href="#{esc(q.name)}"><code>{esc(q.name)}</code></a></td>'
                   f"<td>{esc(q.kind)}</td><td>{esc(q.question or q.summary)}</td></tr>")
    out.append("</tbody></table>")
    for q in queries:
        out += _query_section(q)
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def release_pages(ontology: Graph, queries: list[CatalogueQuery], version: str, version_iri: str) -> dict[str, tuple[str, str]]:
    """The pages of a release: path → (HTML text, description)."""
    return {
        "docs/ontology.html": (ontology_html(ontology, "sarcoma-kg ontology", version, version_iri),
                               "ontology documentation (HTML)"),
        "docs/queries.html": (catalogue_html(queries, version=version),
                              "SPARQL query catalogue (HTML), generated from the query headers"),
    }
