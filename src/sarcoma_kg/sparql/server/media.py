"""Content negotiation (RFC 9110 section 12.5.1) over the formats the endpoint writes.

Query solutions and booleans are written as SPARQL 1.1 Query Results JSON, XML, CSV or TSV;
graphs in the RDF syntaxes pyoxigraph writes; browsers get HTML. A ``format`` URL parameter
(``json``, ``xml``, ``csv``, ``tsv``, ``turtle``, ``ntriples``, ``rdfxml``, ``jsonld``,
``html``) overrides the ``Accept`` header, for links and forms that cannot set headers.
This module is shared by the front and the query workers, and imports only the standard library.
"""

from __future__ import annotations

HTML = "text/html"

#: Media types of query results (SELECT, ASK), in the server's order of preference.
RESULTS = ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
           "text/tab-separated-values")
#: Media types of graphs (CONSTRUCT, DESCRIBE, Graph Store reads), in the server's order of preference.
GRAPHS = ("text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json",
          "application/n-quads", "application/trig", "text/n3")
#: Media types of whole datasets (Graph Store reads without a graph).
DATASETS = ("application/n-quads", "application/trig")

#: Other names clients use for the same formats.
ALIASES = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
    "application/x-turtle": "text/turtle",
    "application/turtle": "text/turtle",
    "text/plain": "application/n-triples",
    "application/json+ld": "application/ld+json",
}

#: Values of the ``format`` URL parameter.
FORMAT_PARAMETER = {
    "json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
    "csv": "text/csv", "tsv": "text/tab-separated-values", "turtle": "text/turtle", "ttl": "text/turtle",
    "ntriples": "application/n-triples", "nt": "application/n-triples", "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json", "nquads": "application/n-quads", "trig": "application/trig",
    "html": HTML,
}


def _ranges(header: str) -> list[tuple[str, str, float]]:
    """``(type, subtype, q)`` for each media range of an Accept header."""
    out = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        kind = fields[0].lower()
        if "/" not in kind:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        main, _, sub = kind.partition("/")
        out.append((main, sub, q))
    return out


def _quality(offer: str, ranges) -> tuple[float, int]:
    """The q of the most specific range matching ``offer`` and how specific it is (2 exact, 0 */*)."""
    main, _, sub = offer.partition("/")
    best = (-1.0, -1)
    for r_main, r_sub, q in ranges:
        if r_main == main and r_sub == sub:
            spec = 2
        elif r_main == main and r_sub == "*":
            spec = 1
        elif r_main == "*" and r_sub == "*":
            spec = 0
        else:
            continue
        if spec > best[1]:
            best = (q, spec)
    return best


def choose(accept: str | None, offers: tuple[str, ...] | list[str]) -> str | None:
    """The offer the client prefers (``offers`` in the server's order breaks ties); ``None`` when
    the client accepts none of them. No header, or an empty one, accepts the first offer."""
    if not accept or not accept.strip():
        return offers[0] if offers else None
    ranges = _ranges(accept)
    aliased = [(ALIASES.get(f"{m}/{s}", f"{m}/{s}").partition("/")[0],
                ALIASES.get(f"{m}/{s}", f"{m}/{s}").partition("/")[2], q) for m, s, q in ranges]
    best, best_key = None, None
    for index, offer in enumerate(offers):
        q, spec = _quality(offer, aliased)
        if q <= 0:
            continue
        key = (q, spec, -index)
        if best_key is None or key > best_key:
            best, best_key = offer, key
    return best


def accept_for(format_param: str | None, accept: str | None) -> str | None:
    """The Accept header a request stands for: its ``format`` parameter, else its header.
    Raises ``KeyError`` for an unknown ``format``."""
    if format_param:
        return FORMAT_PARAMETER[format_param.strip().lower()]
    return accept
