"""The documentation pages: the ontology page and the query catalogue, as HTML (in every release)
and as the query reference of the documentation site (Markdown).

All of them are generated from the graph and the ``#+`` headers of the query files, and are
deterministic (sorted, no clock). Every project IRI links to where ``sarcoma-kg serve`` resolves it,
and every query to a URL that runs it on the endpoint of ``serve``, with the project's prefixes
(:func:`sarcoma_kg.namespaces.local_url` and :func:`~sarcoma_kg.namespaces.query_url` hold that
link base).

The ontology page has navigation by module (the source file that declares a term) and by family
(the hierarchy under a family root), and shows for every class its logical definition in
Manchester syntax (https://www.w3.org/TR/owl2-manchester-syntax/), for every property its domain,
range and characteristics, and every cross-reference as a link.
"""

from __future__ import annotations

import html
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from .. import rdf
from ..namespaces import BASE, LOCAL_SERVER, PREFIXES, local_url, query_url
from ..rdf import curie, label
from ..sparql.catalogue import CatalogueQuery

esc = html.escape
_STYLE = ("body{font-family:system-ui,sans-serif;max-width:72em;margin:auto;padding:1em;line-height:1.4}"
          "code{color:#444}.kw{color:#a0337a;font-weight:600}dt{font-weight:600;margin-top:.3em}"
          "dd{margin-left:1.5em}section.term{border-top:1px solid #ddd;padding:.4em 0}"
          "nav p{margin:.3em 0}pre{background:#f4f4f4;padding:.8em;overflow-x:auto}"
          "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .5em;text-align:left;"
          "vertical-align:top}ul.tree{margin:.1em 0}")

#: OWL cardinality restrictions → Manchester keyword.
_CARDINALITY = {
    OWL.minQualifiedCardinality: "min", OWL.maxQualifiedCardinality: "max", OWL.qualifiedCardinality: "exactly",
    OWL.minCardinality: "min", OWL.maxCardinality: "max", OWL.cardinality: "exactly",
}
#: XSD facets → Manchester facet.
_FACETS = {XSD.minInclusive: ">=", XSD.maxInclusive: "<=", XSD.minExclusive: ">", XSD.maxExclusive: "<",
           XSD.length: "length", XSD.minLength: "minLength", XSD.maxLength: "maxLength", XSD.pattern: "pattern"}
_CHARACTERISTICS = (OWL.FunctionalProperty, OWL.InverseFunctionalProperty, OWL.TransitiveProperty,
                    OWL.SymmetricProperty, OWL.AsymmetricProperty, OWL.ReflexiveProperty, OWL.IrreflexiveProperty)
_PROPERTY_KINDS = ((OWL.ObjectProperty, "object property"), (OWL.DatatypeProperty, "data property"),
                   (OWL.AnnotationProperty, "annotation property"))


def _document(title: str, body: list[str]) -> str:
    head = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
            f"<title>{esc(title)}</title>", f"<style>{_STYLE}</style>", "</head>", "<body>"]
    return "\n".join(head + body + ["</body>", "</html>", ""])


def anchor(term) -> str:
    """The fragment of a term on the ontology page: ``skg-Lung`` for ``skg:Lung``."""
    return curie(term).replace(":", "-").replace("/", "-").strip("<>")


def _kw(word: str) -> str:
    return f'<span class="kw">{word}</span>'


# --- Manchester syntax -------------------------------------------------------------------------

class Manchester:
    """Class expressions of ``graph`` in Manchester syntax, as HTML; ``name(term)`` renders a named term."""

    def __init__(self, graph: Graph, name: Callable[[URIRef], str]):
        self.graph = graph
        self.name = name

    def __call__(self, node) -> str:
        g = self.graph
        if isinstance(node, URIRef):
            return self.name(node)
        if isinstance(node, Literal):
            return esc(_manchester_literal(node))
        for prop, word in ((OWL.intersectionOf, "and"), (OWL.unionOf, "or")):
            members = g.value(node, prop)
            if members is not None:
                return f" {_kw(word)} ".join(self._wrapped(m) for m in Collection(g, members))
        if (node, OWL.complementOf, None) in g:
            return f"{_kw('not')} {self._wrapped(g.value(node, OWL.complementOf))}"
        if (node, OWL.oneOf, None) in g:
            return "{" + ", ".join(self(m) for m in Collection(g, g.value(node, OWL.oneOf))) + "}"
        if (node, OWL.inverseOf, None) in g:
            return f"{_kw('inverse')} {self(g.value(node, OWL.inverseOf))}"
        if (node, OWL.onProperty, None) in g:
            return self._restriction(node)
        if (node, OWL.onDatatype, None) in g:
            return self._datatype_restriction(node)
        return esc(f"_:{node}")

    def _wrapped(self, node) -> str:
        text = self(node)
        plain = isinstance(node, (URIRef, Literal)) or (node, OWL.oneOf, None) in self.graph
        return text if plain else f"({text})"

    def _restriction(self, node) -> str:
        g = self.graph
        prop = self(g.value(node, OWL.onProperty))
        for keyword, pred in (("some", OWL.someValuesFrom), ("only", OWL.allValuesFrom), ("value", OWL.hasValue)):
            filler = g.value(node, pred)
            if filler is not None:
                return f"{prop} {_kw(keyword)} {self._wrapped(filler)}"
        if (node, OWL.hasSelf, None) in g:
            return f"{prop} {_kw('Self')}"
        for pred, keyword in _CARDINALITY.items():
            number = g.value(node, pred)
            if number is not None:
                filler = g.value(node, OWL.onClass) or g.value(node, OWL.onDataRange)
                text = f"{prop} {_kw(keyword)} {esc(str(number))}"
                return f"{text} {self._wrapped(filler)}" if filler is not None else text
        return f"{prop} ?"

    def _datatype_restriction(self, node) -> str:
        g = self.graph
        facets = []
        for facet in Collection(g, g.value(node, OWL.withRestrictions)):
            for pred, value in sorted(g.predicate_objects(facet)):
                facets.append(f"{esc(_FACETS.get(pred, curie(pred)))} {esc(str(value))}")
        return f"{self(g.value(node, OWL.onDatatype))}[{', '.join(facets)}]"


def _manchester_literal(value: Literal) -> str:
    """A literal as Manchester syntax writes it: booleans, integers and decimals bare, a string
    quoted (with its language tag), any other (a decimal without a point too) datatype as "lexical form"^^prefix:name."""
    if value.language:
        return f'"{value}"@{value.language}'
    if value.datatype is None or value.datatype == XSD.string:
        return f'"{value}"'
    if value.datatype in (XSD.boolean, XSD.integer) or (value.datatype == XSD.decimal and "." in value):
        return str(value)
    return f'"{value}"^^{curie(value.datatype)}'


# --- the ontology page ---------------------------------------------------------------------------

@dataclass
class _Page:
    """What every entry of the ontology page needs."""

    graph: Graph
    server: str
    on_page: set

    def name(self, term: URIRef) -> str:
        """A named term in an expression: its short name, linked to its entry on the page (or to
        where it resolves, for a term of another vocabulary)."""
        short = curie(term)
        if short.startswith("skg:"):
            short = short[4:]
        target = f"#{anchor(term)}" if term in self.on_page else local_url(term, self.server)
        return f'<a href="{esc(target)}" title="{esc(label(self.graph, term))}">{esc(short)}</a>'

    def one(self, node, prop) -> str:
        """The first (sorted) English or untagged value of ``prop``, or ``""``."""
        values = sorted(str(v) for v in self.graph.objects(node, prop)
                        if not isinstance(v, Literal) or v.language in (None, "en"))
        return values[0] if values else ""


def _dl(rows: list[tuple[str, list[str]]]) -> str:
    out = []
    for title, values in rows:
        if values:
            out.append(f"<dt>{esc(title)}</dt>" + "".join(f"<dd>{v}</dd>" for v in values))
    return f"<dl>{''.join(out)}</dl>" if out else ""


def _xrefs(page: _Page, term) -> list[str]:
    out = []
    for prop, kind in ((SKOS.exactMatch, "exact"), (SKOS.closeMatch, "close"), (SKOS.broadMatch, "broad"),
                       (SKOS.narrowMatch, "narrow"), (SKOS.relatedMatch, "related")):
        for x in sorted(page.graph.objects(term, prop)):
            out.append(f'<a href="{esc(str(x))}">{esc(curie(x))}</a> ({kind} match)')
    return out


def _term_head(page: _Page, term, kind: str) -> list[str]:
    iri = str(term)
    out = [f'<section class="term" id="{esc(anchor(term))}">',
           f"<h4>{esc(label(page.graph, term))} <code>{esc(curie(term))}</code> <small>{esc(kind)}</small></h4>",
           f'<p><a href="{esc(local_url(iri, page.server))}">{esc(iri)}</a></p>']
    definition = page.one(term, SKOS.definition)
    if definition:
        out.append(f"<p>{esc(definition)}</p>")
    return out


def _class_entry(page: _Page, cls: URIRef, families: list[str]) -> list[str]:
    g, expr = page.graph, Manchester(page.graph, page.name)
    rows = [
        ("Equivalent to", [expr(e) for e in sorted(g.objects(cls, OWL.equivalentClass), key=expr)]),
        ("SubClass of", [expr(e) for e in sorted(g.objects(cls, RDFS.subClassOf), key=expr)]),
        ("Disjoint with", [expr(e) for e in sorted(g.objects(cls, OWL.disjointWith), key=expr)]),
        ("Subclasses", [", ".join(page.name(s) for s in sorted(
            (s for s in g.subjects(RDFS.subClassOf, cls) if isinstance(s, URIRef)), key=curie))]
         if any(isinstance(s, URIRef) for s in g.subjects(RDFS.subClassOf, cls)) else []),
        ("Cross-references", _xrefs(page, cls)),
        ("Family", [esc(", ".join(families))] if families else []),
        ("Notes", [esc(str(n)) for n in sorted(g.objects(cls, SKOS.scopeNote))]),
    ]
    return _term_head(page, cls, "class") + [_dl(rows), "</section>"]


def _property_entry(page: _Page, prop: URIRef, kind: str) -> list[str]:
    g, expr = page.graph, Manchester(page.graph, page.name)
    rows = [
        ("Domain", [expr(d) for d in sorted(g.objects(prop, RDFS.domain), key=expr)]),
        ("Range", [expr(r) for r in sorted(g.objects(prop, RDFS.range), key=expr)]),
        ("SubProperty of", [expr(p) for p in sorted(g.objects(prop, RDFS.subPropertyOf), key=expr)]),
        ("Inverse of", [expr(p) for p in sorted(g.objects(prop, OWL.inverseOf), key=expr)]),
        ("Characteristics", [", ".join(rdf.local_name(c).replace("Property", "")
                                       for c in _CHARACTERISTICS if (prop, RDF.type, c) in g)]
         if any((prop, RDF.type, c) in g for c in _CHARACTERISTICS) else []),
        ("Cross-references", _xrefs(page, prop)),
    ]
    return _term_head(page, prop, kind) + [_dl(rows), "</section>"]


def _concept_entry(page: _Page, concept: URIRef) -> list[str]:
    g = page.graph
    rows = [("Notation", [esc(str(n)) for n in sorted(g.objects(concept, SKOS.notation))]),
            ("Broader", [page.name(b) for b in sorted(g.objects(concept, SKOS.broader)) if isinstance(b, URIRef)]),
            ("Cross-references", _xrefs(page, concept))]
    return _term_head(page, concept, "concept") + [_dl(rows), "</section>"]


def term_modules(files: list[Path]) -> dict[URIRef, str]:
    """The module (source file stem) that declares each term of ``files`` (the first one, in order)."""
    out: dict[URIRef, str] = {}
    for path in files:
        graph = rdf.load([path])
        for term in sorted({s for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef)}):
            out.setdefault(term, Path(path).stem)
    return out


def _is_term(term) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(BASE) and "/" not in str(term)[len(BASE):]


def _family_tree(page: _Page, root: URIRef, members: set) -> list[str]:
    g = page.graph
    children = defaultdict(list)
    for sub, sup in g.subject_objects(RDFS.subClassOf):
        if sub in members and sup in members:
            children[sup].append(sub)

    def tree(node, seen) -> list[str]:
        kids = sorted(set(children[node]) - seen, key=lambda k: label(g, k).lower())
        out = [f"<li>{page.name(node)} <small>{esc(label(g, node))}</small>"]
        if kids:
            out.append('<ul class="tree">')
            for kid in kids:
                out += tree(kid, seen | {node})
            out.append("</ul>")
        out.append("</li>")
        return out

    return ['<ul class="tree">', *tree(root, frozenset()), "</ul>"]


def ontology_body(graph: Graph, *, title: str, version: str, version_iri: str,
                  modules: dict[URIRef, str] | None = None, families: dict[str, URIRef] | None = None,
                  server: str = LOCAL_SERVER) -> list[str]:
    """The ontology page as HTML lines (no ``<html>`` wrapper): navigation, modules, families."""
    classes = sorted(c for c in graph.subjects(RDF.type, OWL.Class) if _is_term(c))
    props = {kind: sorted(p for p in graph.subjects(RDF.type, kind) if _is_term(p)) for kind, _ in _PROPERTY_KINDS}
    concepts = sorted({c for c in graph.subjects(RDF.type, SKOS.Concept) if _is_term(c)} - set(classes))
    terms = set(classes) | {p for ps in props.values() for p in ps} | set(concepts)
    page = _Page(graph, server, terms)
    modules = {t: m for t, m in (modules or {}).items() if t in terms}
    module_names = sorted(set(modules.values()) | ({"other"} if terms - set(modules) else set()))
    by_module = {m: sorted((t for t in terms if modules.get(t, "other") == m), key=lambda t: label(graph, t).lower())
                 for m in module_names}
    family_members = {name: {c for c in rdf.subclass_closure(graph.subject_objects(RDFS.subClassOf), root)
                             if c in terms} for name, root in (families or {}).items() if root in terms}
    family_of = defaultdict(list)
    for name, members in sorted(family_members.items()):
        for member in members:
            family_of[member].append(name)

    out = [f"<h1>{esc(title)}</h1>", f"<p>Version {esc(version)}: <code>{esc(version_iri)}</code></p>"]
    header = next(iter(sorted(graph.subjects(RDF.type, OWL.Ontology))), None)
    if header is not None and page.one(header, DCTERMS.description):
        out.append(f"<p>{esc(page.one(header, DCTERMS.description))}</p>")
    out.append(f"<p>Every IRI links to where <code>sarcoma-kg serve</code> resolves it ({esc(server)}); names in "
               "class expressions link to their entry on this page. Class expressions are in Manchester syntax.</p>")
    out.append("<nav>")
    out.append("<p><strong>Modules:</strong> " + " · ".join(
        f'<a href="#module-{esc(m)}">{esc(m)}</a> ({len(by_module[m])})' for m in module_names) + "</p>")
    if family_members:
        out.append("<p><strong>Families:</strong> " + " · ".join(
            f'<a href="#family-{esc(n)}">{esc(n)}</a> ({len(family_members[n])})' for n in sorted(family_members)) + "</p>")
    out.append(f"<p><strong>Counts:</strong> {len(classes)} classes, "
               + ", ".join(f"{len(props[k])} {t[:-1]}ies" for k, t in _PROPERTY_KINDS)
               + f", {len(concepts)} concepts</p>")
    out.append("</nav>")

    for name in sorted(family_members):
        root = (families or {})[name]
        out.append(f'<h2 id="family-{esc(name)}">Family: {esc(name)} ({len(family_members[name])} terms under '
                   f"{page.name(root)})</h2>")
        out += _family_tree(page, root, family_members[name])

    kind_of = {p: k for k, ps in props.items() for p in ps}
    for module in module_names:
        out.append(f'<h2 id="module-{esc(module)}">Module: {esc(module)} ({len(by_module[module])} terms)</h2>')
        for term in by_module[module]:
            if term in kind_of:
                out += _property_entry(page, term, dict(_PROPERTY_KINDS)[kind_of[term]])
            elif term in concepts:
                out += _concept_entry(page, term)
            else:
                out += _class_entry(page, term, family_of.get(term, []))
    return out


def ontology_html(graph: Graph, title: str, version: str, version_iri: str, **options) -> str:
    """A self-contained, deterministic HTML page of the ontology (see :func:`ontology_body`)."""
    return _document(title, ontology_body(graph, title=title, version=version, version_iri=version_iri, **options))


# --- the query catalogue -------------------------------------------------------------------------

def runnable_text(q: CatalogueQuery) -> str:
    """The query as the endpoint should receive it: the project's prefixes it does not declare
    itself, then its text, with the required parameters bound to the header's examples (in a
    ``VALUES`` block, as for every remote endpoint); optional parameters stay open."""
    from ..sparql.backends import bind_values
    from ..sparql.query import make_term

    declared = {line.split()[1].rstrip(":") for line in q.text.splitlines()
                if line.strip().upper().startswith("PREFIX ") and len(line.split()) > 1}
    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items() if p not in declared)
    body = "\n".join(line for line in q.text.splitlines() if not line.startswith("#"))
    required = {p.name: make_term(p, p.example, f"{q.path}: example")
                for p in q.parameters if not p.optional and p.example is not None}
    return prologue + bind_values(body, required) if required else prologue + body


def run_link(q: CatalogueQuery, server: str = LOCAL_SERVER) -> str:
    """The URL that runs ``q`` on the endpoint of ``sarcoma-kg serve`` (SELECT, ASK, CONSTRUCT)."""
    return query_url(runnable_text(q), server)


def _query_section(q: CatalogueQuery, server: str) -> list[str]:
    out = [f'<section id="{esc(q.name)}"><h2><code>{esc(q.name)}</code>: {esc(q.summary)}</h2>']
    for title, text in (("Question", q.question), ("Problem", q.problem), ("Principle", q.principle),
                        ("Solution", q.solution), ("Notes", q.notes)):
        if text:
            out.append(f"<p><strong>{title}.</strong> {esc(text)}</p>")
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
    bound = ", ".join(f"{p.name} = {p.example}" for p in q.parameters if not p.optional and p.example)
    out.append(f'<p><a href="{esc(run_link(q, server))}">Run it on the endpoint</a> of <code>sarcoma-kg serve</code>'
               + (f" (with {esc(bound)})" if bound else "") + f"; or <code>sarcoma-kg query {esc(q.name)}</code>.</p>")
    out.append(f"<p><strong>File.</strong> <code>queries/{'qc/' if q.family == 'qc' else ''}{esc(q.path.name)}</code></p>")
    out.append(f"<pre>{esc(q.text)}</pre></section>")
    return out


def catalogue_html(queries: list[CatalogueQuery], title: str = "sarcoma-kg SPARQL query catalogue",
                   version: str = "", server: str = LOCAL_SERVER) -> str:
    """A self-contained HTML page of the catalogue, generated from the headers (deterministic)."""
    out = [f"<h1>{esc(title)}</h1>"]
    if version:
        out.append(f"<p>Release {esc(version)}. Run a query with <code>sarcoma-kg query NAME "
                   "[--param name=value ...]</code>, or follow its link while <code>sarcoma-kg serve</code> runs "
                   f"({esc(server)}).</p>")
    out.append("<table><thead><tr><th>query</th><th>kind</th><th>question</th></tr></thead><tbody>")
    for q in queries:
        out.append(f'<tr><td><a href="#{esc(q.name)}"><code>{esc(q.name)}</code></a></td>'
                   f"<td>{esc(q.kind)}</td><td>{esc(q.question or q.summary)}</td></tr>")
    out.append("</tbody></table>")
    for q in queries:
        out += _query_section(q, server)
    return _document(title, out)


def _md(text: str) -> str:
    """Text for a Markdown table cell or paragraph: no pipes, no line breaks, no HTML."""
    return esc(text.replace("|", "\\|").replace("\n", " "), quote=False)


def catalogue_markdown(queries: list[CatalogueQuery], server: str = LOCAL_SERVER) -> str:
    """The query reference of the documentation site (``docs/reference/queries.md``), from the headers."""
    out = ["# Query reference", "",
           "<!-- Generated from the #+ headers of queries/*.rq by scripts/docs.py; do not edit. -->", "",
           "Every query of the catalogue, with its question, parameters and result columns; the quality-control "
           "queries also say the problem, the principle and the solution. Run one with "
           "`sarcoma-kg query NAME [--param name=value ...]`, or follow its link while `sarcoma-kg serve` runs "
           f"(on {server}).", "",
           "| query | kind | question |", "|---|---|---|"]
    out += [f"| [`{q.name}`](#{q.name}) | {q.kind} | {_md(q.question or q.summary)} |" for q in queries]
    for q in queries:
        out += ["", f"## {q.name}", "", f"**{_md(q.summary)}**", ""]
        for title, text in (("Question", q.question), ("Problem", q.problem), ("Principle", q.principle),
                            ("Solution", q.solution), ("Notes", q.notes)):
            if text:
                out += [f"*{title}.* {_md(text)}", ""]
        if q.parameters:
            out.append("*Parameters:*")
            out.append("")
            for p in q.parameters:
                example = f", e.g. `{p.example}`" if p.example else ""
                out.append(f"- `{p.name}` ({p.type}, {'optional' if p.optional else 'required'}{example})")
            out.append("")
        if q.returns:
            out += ["*Returns:* " + ", ".join(f"`{r}`" for r in q.returns), ""]
        folder = "queries/qc/" if q.family == "qc" else "queries/"
        out += [f"[Run it on the endpoint]({run_link(q, server)}) · `sarcoma-kg query {q.name}` · "
                f"`{folder}{q.path.name}`", ""]
    return "\n".join(out).rstrip() + "\n"


def release_pages(ontology: Graph, queries: list[CatalogueQuery], version: str, version_iri: str,
                  modules: dict[URIRef, str] | None = None,
                  families: dict[str, URIRef] | None = None) -> dict[str, tuple[str, str]]:
    """The pages of a release: path → (HTML text, description)."""
    return {
        "docs/ontology.html": (ontology_html(ontology, "sarcoma-kg ontology", version, version_iri,
                                             modules=modules, families=families),
                               "ontology documentation (HTML): by module and family, class expressions in "
                               "Manchester syntax, domains and ranges, cross-references"),
        "docs/queries.html": (catalogue_html(queries, version=version),
                              "SPARQL query catalogue (HTML), generated from the query headers, each query "
                              "linked to run on the endpoint of sarcoma-kg serve"),
    }
