"""The HTML the server writes: the query page, result tables, and the page of a project IRI.

Pages are built from escaped fragments (``html.escape`` on every value that comes from data or
from the request) and carry no script: they work with a strict Content-Security-Policy
(:data:`HEADERS`). Every IRI is a link: project IRIs to their page on this server
(:mod:`.urls`), other IRIs to themselves.
"""

from __future__ import annotations

import json
from html import escape

from rdflib import URIRef

from ...rdf import curie
from . import urls

HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
                               "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDF_FIRST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first"
RDF_REST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest"
RDF_NIL = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SKG = "https://w3id.org/sarcoma-kg/"
LABELS = (RDFS + "label", SKOS + "prefLabel")
DEFINITIONS = (SKOS + "definition", "http://purl.obolibrary.org/obo/IAO_0000115", RDFS + "comment")
XREFS = {SKOS + "exactMatch": "exact match", SKOS + "closeMatch": "close match",
         SKOS + "broadMatch": "broader match", SKOS + "narrowMatch": "narrower match",
         SKOS + "relatedMatch": "related match", RDFS + "seeAlso": "see also",
         "http://www.geneontology.org/formats/oboInOwl#hasDbXref": "cross-reference"}
SUBCLASS = RDFS + "subClassOf"
#: Facts shown first on a page, in this order (studies, outcomes, recommendations, definitions).
KEY_FACTS = tuple(SKG + name for name in (
    "recommendationText", "firstAuthor", "publicationYear", "journal", "numberOfPatients", "hasDesign",
    "usesModality", "studiesSite", "studiesHistology", "measure", "statistic", "value", "unit",
    "timepointLabel", "subgroup", "valueText", "levelOfEvidence", "gradeOfRecommendation", "votesYes",
    "votesNo", "votesTotal", "agreementPercent", "consensusCategory", "answersQuestion", "appliesTo",
    "hasEvidenceLine", "supportingStudy", "hasOutcome")) + (
    SKOS + "notation", "http://purl.org/dc/terms/title", "http://purl.org/ontology/bibo/doi",
    "http://purl.org/spar/cito/citesAsEvidence", "http://www.w3.org/ns/prov#wasDerivedFrom")
DOI = "http://purl.org/ontology/bibo/doi"

_STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:0 1rem 3rem;color:#1d232a}
header{border-bottom:1px solid #ccd;padding:.6rem 0;margin-bottom:1rem}header a{margin-right:1rem}
a{color:#0b5cad}code,pre,textarea{font:13px/1.4 ui-monospace,monospace}
pre{background:#f5f6f8;padding:.7rem;overflow:auto}textarea{width:100%;box-sizing:border-box}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #dde;padding:.25rem .5rem;
vertical-align:top;text-align:left}th{background:#f0f2f5}.muted{color:#667}.iri{word-break:break-all}
.definition{font-size:1.05rem;max-width:50rem}dt{font-weight:600}
"""


def page(title: str, body: str) -> str:
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
            f"<title>{escape(title)} · sarcoma-kg</title><style>{_STYLE}</style></head><body>"
            f"<header><a href=\"{urls.HOME}\"><b>sarcoma-kg</b></a><a href=\"{urls.HOME}\">query</a>"
            f"<a href=\"{escape(urls.term_path(SKG + 'sarcoma-kg.owl'))}\">ontology</a>"
            f"<a href=\"{urls.STATUS}\">status</a></header>{body}</body></html>\n")


# --- terms as links ------------------------------------------------------------------------------

def iri_link(iri: str, labels: dict | None = None) -> str:
    text = (labels or {}).get(iri) or curie(URIRef(iri))
    href = urls.term_path(iri) if urls.is_project_iri(iri) else iri
    if not (urls.is_project_iri(iri) or iri.startswith(("http://", "https://"))):
        return f"<span class=\"iri\">{escape(text)}</span>"
    return f"<a href=\"{escape(href)}\" title=\"{escape(iri)}\">{escape(text)}</a>"


def _literal(value: str, datatype: str | None, language: str | None, predicate: str | None = None) -> str:
    text = escape(value)
    if predicate == DOI:
        return f"<a href=\"https://doi.org/{escape(value)}\">{text}</a>"
    if value.startswith(("http://", "https://")) and " " not in value:
        return f"<a href=\"{escape(value)}\">{text}</a>"
    if language:
        return f"{text} <span class=\"muted\">@{escape(language)}</span>"
    if datatype:
        return f"{text} <span class=\"muted\">{escape(curie(URIRef(datatype)))}</span>"
    return text


def term_html(term, labels: dict, bnodes: dict | None = None, predicate: str | None = None, depth: int = 0) -> str:
    """An encoded term (see :mod:`.worker`) as HTML; blank nodes in readable OWL (Manchester-like)."""
    kind = term[0]
    if kind == "u":
        return iri_link(term[1], labels)
    if kind == "l":
        return _literal(term[1], term[2], term[3], predicate)
    return _bnode_html(term[1], labels, bnodes or {}, depth)


def _list_items(node: str, bnodes: dict) -> list | None:
    items, seen = [], set()
    while node not in seen:
        seen.add(node)
        rows = dict((p[1], o) for p, o in bnodes.get(node, []))
        if RDF_FIRST not in rows:
            return None
        items.append(rows[RDF_FIRST])
        rest = rows.get(RDF_REST)
        if rest == ("u", RDF_NIL):
            return items
        if not rest or rest[0] != "b":
            return None
        node = rest[1]
    return None


def _bnode_html(node: str, labels: dict, bnodes: dict, depth: int) -> str:
    if depth > 6:
        return "…"
    rows = bnodes.get(node, [])
    props = {}
    for p, o in rows:
        props.setdefault(p[1], []).append(o)
    sub = lambda t: term_html(t, labels, bnodes, depth=depth + 1)  # noqa: E731
    on = props.get(OWL + "onProperty")
    if on:
        prop = sub(on[0])
        for key, word in (("someValuesFrom", "some"), ("allValuesFrom", "only"), ("hasValue", "value")):
            if OWL + key in props:
                return f"({prop} {word} {sub(props[OWL + key][0])})"
        for key, word in (("minQualifiedCardinality", "min"), ("maxQualifiedCardinality", "max"),
                          ("qualifiedCardinality", "exactly"), ("minCardinality", "min"),
                          ("maxCardinality", "max"), ("cardinality", "exactly")):
            if OWL + key in props:
                n = escape(props[OWL + key][0][1])
                filler = props.get(OWL + "onClass") or props.get(OWL + "onDataRange")
                return f"({prop} {word} {n}{' ' + sub(filler[0]) if filler else ''})"
    for key, word in (("intersectionOf", " and "), ("unionOf", " or "), ("oneOf", ", ")):
        if OWL + key in props and props[OWL + key][0][0] == "b":
            items = _list_items(props[OWL + key][0][1], bnodes) or []
            inner = word.join(sub(i) for i in items)
            return "{" + inner + "}" if key == "oneOf" else f"({inner})"
    if OWL + "complementOf" in props:
        return f"(not {sub(props[OWL + 'complementOf'][0])})"
    items = _list_items(node, bnodes)
    if items is not None:
        return "(" + " ".join(sub(i) for i in items) + ")"
    inner = "; ".join(f"{iri_link(p, labels)} {sub(o)}" for p, values in props.items() for o in values)
    return f"[ {inner} ]"


# --- the page of a term --------------------------------------------------------------------------

def _values(rows, predicates) -> list:
    return [o for p, o in rows if p[1] in predicates]


def term_page(data: dict) -> str:
    iri, labels, bnodes = data["iri"], data["labels"], data["bnodes"]
    out, incoming = data["out"], data["in"]
    title = labels.get(iri) or curie(URIRef(iri))
    show = lambda o, p=None: term_html(o, labels, bnodes, p)  # noqa: E731
    types = ", ".join(show(o) for o in _values(out, (RDF_TYPE,)))
    formats = " ".join(f"<a href=\"{escape(urls.term_path(iri))}{'&' if '?' in urls.term_path(iri) else '?'}"
                       f"format={f}\">{name}</a>" for f, name in (("turtle", "Turtle"), ("ntriples", "N-Triples"),
                                                                   ("rdfxml", "RDF/XML"), ("jsonld", "JSON-LD")))
    parts = [f"<h1>{escape(title)}</h1>",
             f"<p class=\"iri\"><code>{escape(iri)}</code><br><span class=\"muted\">"
             f"{'a ' + types + ' · ' if types else ''}as {formats}</span></p>"]
    for definition in _values(out, DEFINITIONS):
        parts.append(f"<p class=\"definition\">{show(definition)}</p>")
    xrefs = [(XREFS[p[1]], o) for p, o in out if p[1] in XREFS]
    if xrefs:
        parts.append("<h2>Cross-references</h2><ul>" + "".join(
            f"<li>{show(o)} <span class=\"muted\">({escape(kind)})</span></li>" for kind, o in xrefs) + "</ul>")
    supers = _values(out, (SUBCLASS,))
    if supers:
        parts.append("<h2>Superclasses</h2><ul>" + "".join(f"<li>{show(o)}</li>" for o in supers) + "</ul>")
    subs = [s for s, p in incoming if p[1] == SUBCLASS]
    if subs:
        parts.append("<h2>Subclasses</h2><ul>" + "".join(f"<li>{show(s)}</li>" for s in subs) + "</ul>")
    shown = set(LABELS) | set(DEFINITIONS) | set(XREFS) | {SUBCLASS, RDF_TYPE}
    facts: dict[str, list] = {}
    for p, o in out:
        if p[1] not in shown:
            facts.setdefault(p[1], []).append(o)
    order = {p: i for i, p in enumerate(KEY_FACTS)}
    ranked = sorted(facts, key=lambda p: (order.get(p, len(order)), (labels.get(p) or curie(URIRef(p))).lower()))
    if ranked:
        parts.append("<h2>Facts</h2><table>" + "".join(
            f"<tr><th>{iri_link(p, labels)}</th><td>{'<br>'.join(show(o, p) for o in facts[p])}</td></tr>"
            for p in ranked) + "</table>")
    others = [(s, p) for s, p in incoming if p[1] != SUBCLASS]
    if others:
        more = f"<p class=\"muted\">and {data['in_more']} more</p>" if data.get("in_more") else ""
        parts.append("<h2>Referenced by</h2><table>" + "".join(
            f"<tr><td>{show(s)}</td><td class=\"muted\">{show(p)}</td></tr>" for s, p in others) + "</table>" + more)
    return page(title, "".join(parts))


# --- results -------------------------------------------------------------------------------------

def _json_term(value: dict, labels=None) -> str:
    kind = value.get("type")
    if kind == "uri":
        return iri_link(value["value"])
    if kind == "bnode":
        return f"<span class=\"muted\">_:{escape(value['value'])}</span>"
    return _literal(value.get("value", ""), value.get("datatype"), value.get("xml:lang"))


def results_page(body: bytes, form: str, query: str | None = None) -> str:
    """SPARQL JSON results (or a graph in Turtle) as an HTML page."""
    head = f"<details><summary>query</summary><pre>{escape(query)}</pre></details>" if query else ""
    if form == "graph":
        return page("graph", head + f"<pre>{escape(body.decode('utf-8', 'replace'))}</pre>")
    data = json.loads(body)
    if form == "boolean":
        return page("answer", head + f"<p><b>{'yes' if data.get('boolean') else 'no'}</b></p>")
    variables = data["head"]["vars"]
    rows = data["results"]["bindings"]
    table = ("<table><tr>" + "".join(f"<th>{escape(v)}</th>" for v in variables) + "</tr>" + "".join(
        "<tr>" + "".join(f"<td>{_json_term(r[v]) if v in r else ''}</td>" for v in variables) + "</tr>"
        for r in rows) + "</table>")
    return page("results", head + f"<p class=\"muted\">{len(rows)} row{'s' if len(rows) != 1 else ''}</p>" + table)


# --- the query page ------------------------------------------------------------------------------

EXAMPLE_QUERY = """PREFIX skg: <https://w3id.org/sarcoma-kg/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?study ?label WHERE { ?study a skg:Study ; rdfs:label ?label } ORDER BY ?label LIMIT 20"""


def home_page(limits: list[tuple[str, str]], catalogue: list[tuple[str, str, dict]], writable: bool,
              patients: list[str]) -> str:
    """The query form, the catalogue (each query a link that runs it) and the limits in force."""
    form = (f"<form method=\"get\" action=\"{urls.QUERY}\"><textarea name=\"query\" rows=\"12\">"
            f"{escape(EXAMPLE_QUERY)}</textarea><p>answer as <select name=\"format\">"
            + "".join(f"<option>{f}</option>" for f in ("html", "json", "xml", "csv", "tsv", "turtle", "ntriples"))
            + "</select> <button>Run</button></p></form>")
    rows = "".join(
        f"<tr><td><a href=\"{escape(urls.catalogue_url(name, params, root=''))}\">{escape(name)}</a></td>"
        f"<td>{escape(question)}</td></tr>" for name, question, params in catalogue)
    mode = "read-write" if writable else "read-only"
    graphs = "".join(f"<li><code>{escape(g)}</code></li>" for g in patients)
    return page("SPARQL endpoint", (
        f"<h1>sarcoma-kg SPARQL endpoint</h1><p>SPARQL 1.1 Protocol at <code>{urls.QUERY}</code> "
        f"(GET or POST), Graph Store Protocol at <code>{urls.STORE}</code>; this server is {mode}.</p>"
        f"{form}<h2>Catalogue</h2><table>{rows}</table>"
        + (f"<h2>Patient graphs</h2><ul>{graphs}</ul>" if graphs else "")
        + "<h2>Limits</h2><dl>" + "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in limits)
        + "</dl>"))
