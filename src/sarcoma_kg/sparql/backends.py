"""One query protocol, several backends (after oaklib's SPARQL implementations).

* :class:`RdflibBackend`   – an embedded ``rdflib.Graph``; parameters bound with ``initBindings``.
* :class:`OxigraphBackend` – an embedded ``pyoxigraph.Store``; parameters bound with
  ``substitutions`` (SPARQL-dev SEP-0007).
* :class:`RemoteBackend`   – any SPARQL 1.1 endpoint through SPARQLWrapper; parameters bound as
  an inline ``VALUES`` block placed at the start of the query's outermost ``WHERE`` group, each
  value written by :func:`sparql_term`; the bound query is then re-parsed to prove the block
  added exactly one solution and nothing else.

Every backend checks its parameters with :func:`check_term` first, so the embedded stores and a
remote endpoint accept and refuse the same values.

Parameter values never reach query text unescaped: a value such as ``x" } ; DROP ALL ; #``
is one plain literal on every backend. Every backend returns the same Python objects:
:class:`ResultSet` (rdflib terms) for SELECT, an ``rdflib.Graph`` for CONSTRUCT/DESCRIBE, a
``bool`` for ASK. Updates run only through :meth:`Backend.update`, which the query layer calls
only when the user allows it explicitly.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Mapping, Protocol

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef, Variable
from rdflib.term import Identifier

from ..errors import InputError, QueryError
from ..namespaces import bind_prefixes


@dataclass
class ResultSet:
    """A SELECT result: column names and rows of rdflib terms (``None`` for unbound)."""

    variables: list[str]
    rows: list[tuple] = field(default_factory=list)

    def as_dicts(self) -> list[dict[str, Identifier | None]]:
        return [dict(zip(self.variables, row)) for row in self.rows]

    def __len__(self) -> int:
        return len(self.rows)


Bindings = Mapping[str, Identifier]


class Backend(Protocol):
    name: str

    def query(self, text: str, bindings: Bindings | None = None) -> ResultSet | Graph | bool: ...

    def update(self, text: str) -> None: ...


# --- query kinds ----------------------------------------------------------------------------

def query_kind(text: str) -> str:
    """``SELECT``/``CONSTRUCT``/``ASK``/``DESCRIBE`` for a query, ``UPDATE`` for an update.

    Raises :class:`QueryError` when the text is neither a valid query nor a valid update. Parsing
    with rdflib's grammar takes a quarter of a second for a catalogue query, so the kind of a text
    is kept: in this process, and in the cache folder (:func:`~sarcoma_kg.resources.cache_dir`),
    named by the hash of the text and of the rdflib version (what parsed it)."""
    return _kept_kind(text)


@lru_cache(maxsize=256)
def _kept_kind(text: str) -> str:
    import hashlib

    import rdflib

    from .. import resources
    from ..rdf import cached

    key = hashlib.sha256(f"{rdflib.__version__}\x00{text}".encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return cached(resources.cache_dir() / "query-kinds" / f"{key}.pickle", lambda: _parsed_kind(text))


def _parsed_kind(text: str) -> str:
    """The kind of ``text`` from rdflib's parsers (:func:`query_kind`)."""
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        parsed = parseQuery(text)
    except Exception as query_exc:  # pyparsing raises its own exception types
        try:
            parseUpdate(text)
        except Exception:
            raise QueryError(f"not a valid SPARQL 1.1 query: {str(query_exc).splitlines()[0]}") from query_exc
        return "UPDATE"
    name = parsed[1].name  # SelectQuery, ConstructQuery, AskQuery, DescribeQuery
    return name.replace("Query", "").upper()


# --- term conversion ------------------------------------------------------------------------

def to_oxigraph(term: Identifier):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot convert {term!r} to a pyoxigraph term")


def from_oxigraph(term) -> Identifier | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value if term.datatype else None
        if dt == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(dt) if dt else None)
    raise TypeError(f"unexpected pyoxigraph term {term!r}")


def graph_to_store(graph: Graph, store: ox.Store | None = None) -> ox.Store:
    """Copy an rdflib graph into a (new) pyoxigraph store, in its default graph."""
    return ntriples_store(graph.serialize(format="nt", encoding="utf-8"), store)


def ntriples_store(data: bytes, store: ox.Store | None = None) -> ox.Store:
    """N-Triples ``data`` loaded into a (new) pyoxigraph store, in its default graph."""
    store = store or ox.Store()
    store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    return store


def _literal_from_json(value: dict) -> Identifier | None:
    kind = value.get("type")
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if kind in ("literal", "typed-literal"):
        lang = value.get("xml:lang")
        dt = value.get("datatype")
        if lang:
            return Literal(value["value"], lang=lang)
        if dt and dt != "http://www.w3.org/2001/XMLSchema#string":
            return Literal(value["value"], datatype=URIRef(dt))
        return Literal(value["value"])
    raise QueryError(f"unexpected term in SPARQL JSON results: {value!r}")


def result_set_from_json(data: dict) -> ResultSet:
    """Read SPARQL 1.1 Query Results JSON (https://www.w3.org/TR/sparql11-results-json/)."""
    variables = list(data["head"]["vars"])
    rows = [
        tuple(_literal_from_json(b[v]) if v in b else None for v in variables)
        for b in data["results"]["bindings"]
    ]
    return ResultSet(variables, rows)


# --- binding into query text for remote endpoints -----------------------------------------------

_SAFE_IRI_FORBIDDEN = set('<>"{}|^`\\ \t\r\n')
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20]+$")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _unicode(text: str, what: str) -> None:
    """Refuse text that holds a lone surrogate: it is no Unicode scalar value, so it can be
    neither an RDF term nor UTF-8 (rdflib would keep it, pyoxigraph and any endpoint refuse it)."""
    match = _SURROGATE.search(text)
    if match:
        raise InputError(f"{what} is not valid Unicode: a lone surrogate U+{ord(match.group()):04X} "
                         f"at character {match.start() + 1}")


def _check_iri(iri: str, what: str) -> None:
    _unicode(iri, what)
    if not _ABSOLUTE_IRI.match(iri) or set(iri) & _SAFE_IRI_FORBIDDEN:
        raise InputError(f"not a valid absolute IRI: {iri!r}")
    try:
        ox.NamedNode(iri)  # RFC 3987, as every engine of the project reads it
    except ValueError as exc:
        raise InputError(f"not a valid absolute IRI: {iri!r} ({exc})") from None


def check_term(term: Identifier) -> Identifier:
    """Accept exactly the terms every backend binds to the same value: IRIs that are absolute
    and valid (RFC 3987), and literals of valid Unicode. The same check runs before rdflib,
    pyoxigraph and a remote endpoint, so the three accept and refuse the same values."""
    if isinstance(term, URIRef):
        _check_iri(str(term), "the IRI")
        return term
    if not isinstance(term, Literal):
        raise InputError(f"parameters must be IRIs or literals, not {type(term).__name__}")
    _unicode(str(term), "the value")
    if term.datatype is not None:
        _check_iri(str(term.datatype), "the datatype IRI")
    return term


#: Escapes of a string in SPARQL text (SPARQL 1.1 section 19.7, ECHAR). Tab and the other
#: control characters are escaped too: rdflib's parser expands a raw tab to spaces.
_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def sparql_string(value: str) -> str:
    """``value`` as a SPARQL string literal that every engine reads back as ``value``.

    SPARQL 1.1 (section 19.2) lets an engine expand code point escapes anywhere in the text
    before parsing (both ``\\u`` and ``\\U`` forms): rdflib expands ``\\u`` followed by 4 or 8
    hex digits, Oxigraph expands escapes only inside strings and IRIs. A backslash of the value
    followed by ``u`` or ``U`` is therefore written ``\\\\`` then the letter as ``\\U00000075``
    (or ``\\U00000055``): expanded first or not, every engine reads a backslash then the letter,
    and the text never holds a lower-case ``\\u`` escape that rdflib could misread.
    """
    out, i, n = ['"'], 0, len(value)
    while i < n:
        ch = value[i]
        out.append(_ECHAR.get(ch, ch))
        if ch == "\\" and i + 1 < n and value[i + 1] in "uU":
            out.append("\\U00000075" if value[i + 1] == "u" else "\\U00000055")
            i += 1
        i += 1
    out.append('"')
    return "".join(out)


def sparql_term(term: Identifier) -> str:
    """A checked term written for a query's VALUES block."""
    check_term(term)
    if isinstance(term, URIRef):
        return f"<{term}>"
    text = sparql_string(str(term))
    if term.language:
        return f"{text}@{term.language}"
    if term.datatype is not None:
        return f"{text}^^<{term.datatype}>"
    return text


def _where_brace(text: str) -> int:
    """Index of the ``{`` that opens the outermost WHERE group (lexing past comments, strings, IRIs)."""
    i, n, depth = 0, len(text), 0
    seen_where = False
    first_top = None  # the group of "SELECT * { ... }" / "ASK { ... }", where WHERE is optional
    upper = text.upper()
    while i < n:
        ch = text[i]
        if ch == "#":
            nl = text.find("\n", i)
            i = n if nl < 0 else nl + 1
            continue
        if ch in "\"'":
            if text.startswith(ch * 3, i):
                end = text.find(ch * 3, i + 3)
                i = n if end < 0 else end + 3
                continue
            j = i + 1
            while j < n and text[j] != ch:
                j += 2 if text[j] == "\\" else 1
            i = j + 1
            continue
        if ch == "<" and not seen_where:
            end = text.find(">", i)
            if end > 0 and not set(text[i + 1:end]) & set(' \t\n"{}'):
                i = end + 1
                continue
        if ch == "{" and seen_where and depth == 0:
            return i
        if ch == "{" and depth == 0 and first_top is None:
            first_top = i
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if depth == 0 and upper.startswith("WHERE", i) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "_?$:")) \
                and (i + 5 >= n or not (text[i + 5].isalnum() or text[i + 5] == "_")):
            seen_where = True
            i += 5
            continue
        i += 1
    if first_top is not None and query_kind(text) != "CONSTRUCT":
        return first_top
    raise QueryError("cannot bind parameters for a remote endpoint: the query has no WHERE { ... } group")



def bind_values(text: str, bindings: Bindings) -> str:
    """The query with an inline ``VALUES`` block of ``bindings`` opening its outermost WHERE group.

    Values are checked and written by :func:`sparql_term` (strings escaped so that they read
    back the same whether or not the endpoint expands ``\\u`` escapes first), and the result is
    re-parsed, so a value can never close the block or add a statement.
    """
    if not bindings:
        return text
    names = sorted(bindings)
    block = "VALUES (" + " ".join(f"?{n}" for n in names) + ") { (" + " ".join(
        sparql_term(bindings[name]) for name in names) + ") }"
    brace = _where_brace(text)
    bound = f"{text[:brace + 1]}\n  {block}\n{text[brace + 1:]}"
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parsed = parseQuery(bound)
    except Exception as exc:
        raise QueryError(f"binding parameters produced an invalid query: {exc}") from exc
    if parsed[1].name.replace("Query", "").upper() != query_kind(text):  # as _parsed_kind names it
        raise QueryError("binding parameters changed the kind of the query")
    return bound


# --- backends -------------------------------------------------------------------------------

class RdflibBackend:
    """An embedded rdflib graph (the reference implementation of SPARQL 1.1 in Python)."""

    name = "rdflib"

    def __init__(self, graph: Graph):
        self.graph = graph
        self._dataset: Dataset | None = None

    def _as_dataset(self) -> Dataset:
        """The graph as the default graph of a dataset, for queries with GRAPH clauses."""
        if self._dataset is None:
            self._dataset = Dataset()
            for triple in self.graph:
                self._dataset.add(triple)
        return self._dataset

    def query(self, text: str, bindings: Bindings | None = None):
        kind = query_kind(text)
        if kind == "UPDATE":
            raise QueryError("this is an update; use update()")
        init = {Variable(k): check_term(v) for k, v in (bindings or {}).items()}
        try:
            try:
                return self._materialise(self.graph, text, init, kind)
            except Exception as exc:
                if "requiring a dataset" not in str(exc) or isinstance(self.graph, Dataset):
                    raise
                return self._materialise(self._as_dataset(), text, init, kind)
        except QueryError:
            raise
        except Exception as exc:
            raise QueryError(f"rdflib could not run the query: {exc}") from exc

    @staticmethod
    def _materialise(target: Graph, text: str, init: dict, kind: str):
        result = target.query(text, initBindings=init)
        if kind == "SELECT":
            variables = [str(v) for v in result.vars]
            return ResultSet(variables, [tuple(row) for row in result])
        if kind == "ASK":
            return bool(result.askAnswer)
        graph = Graph()
        bind_prefixes(graph)
        for triple in result:
            graph.add(triple)
        return graph

    def update(self, text: str) -> None:
        self.graph.update(text)


class OxigraphBackend:
    """An embedded pyoxigraph store (the same engine as ``sarcoma-kg serve``)."""

    name = "oxigraph"

    def __init__(self, source: Graph | ox.Store):
        self.store = source if isinstance(source, ox.Store) else graph_to_store(source)

    def query(self, text: str, bindings: Bindings | None = None):
        kind = query_kind(text)
        if kind == "UPDATE":
            raise QueryError("this is an update; use update()")
        subs = {ox.Variable(k): to_oxigraph(check_term(v)) for k, v in (bindings or {}).items()}
        try:
            result = self.store.query(text, substitutions=subs or None)
        except SyntaxError as exc:
            raise QueryError(f"oxigraph could not parse the query: {exc}") from exc
        if kind == "SELECT":
            variables = [v.value for v in result.variables]
            terms: dict = {}  # each distinct term converted once (rows repeat their IRIs and labels)

            def term(value):
                if value not in terms:
                    terms[value] = from_oxigraph(value)
                return terms[value]

            rows = [tuple(term(sol[v]) for v in variables) for sol in result]
            del result  # pyoxigraph results must be dropped on the thread that made them
            return ResultSet(variables, rows)
        if kind == "ASK":
            return bool(result)
        graph = Graph()
        bind_prefixes(graph)
        for t in result:
            graph.add((from_oxigraph(t.subject), from_oxigraph(t.predicate), from_oxigraph(t.object)))
        return graph

    def update(self, text: str) -> None:
        self.store.update(text)


class RemoteBackend:
    """Any SPARQL 1.1 endpoint (Oxigraph, Fuseki, GraphDB, Virtuoso, QLever ...) via SPARQLWrapper."""

    name = "remote"

    def __init__(self, endpoint: str, update_endpoint: str | None = None, timeout: int = 60):
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint or endpoint
        self.timeout = timeout

    def _wrapper(self, url: str):
        from SPARQLWrapper import SPARQLWrapper, POST

        sparql = SPARQLWrapper(url)
        sparql.setMethod(POST)
        sparql.setTimeout(self.timeout)
        return sparql

    def query(self, text: str, bindings: Bindings | None = None):
        from SPARQLWrapper import JSON, TURTLE
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        kind = query_kind(text)
        if kind == "UPDATE":
            raise QueryError("this is an update; use update()")
        bound = bind_values(text, bindings or {})
        sparql = self._wrapper(self.endpoint)
        sparql.setQuery(bound)
        try:
            if kind in ("SELECT", "ASK"):
                sparql.setReturnFormat(JSON)
                raw = sparql.query().response.read()
                data = json.loads(raw)
                if kind == "ASK":
                    return bool(data["boolean"])
                return result_set_from_json(data)
            sparql.setReturnFormat(TURTLE)
            raw = sparql.query().response.read()
        except (SPARQLWrapperException, OSError) as exc:
            raise QueryError(f"endpoint {self.endpoint} failed: {exc}") from exc
        graph = Graph()
        bind_prefixes(graph)
        graph.parse(data=raw.decode("utf-8"), format="turtle")
        return graph

    def update(self, text: str) -> None:
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        sparql = self._wrapper(self.update_endpoint)
        sparql.setQuery(text)
        try:
            sparql.query()
        except (SPARQLWrapperException, OSError) as exc:
            raise QueryError(f"endpoint {self.update_endpoint} refused the update: {exc}") from exc


def backend_for(graph: Graph | None = None, engine: str = "oxigraph", endpoint: str | None = None,
                update_endpoint: str | None = None) -> Backend:
    """The backend for an endpoint URL, or an embedded one (``oxigraph`` or ``rdflib``) over ``graph``."""
    if endpoint:
        return RemoteBackend(endpoint, update_endpoint)
    if graph is None:
        raise ValueError("an embedded backend needs a graph")
    if engine == "rdflib":
        return RdflibBackend(graph)
    if engine == "oxigraph":
        return OxigraphBackend(graph)
    raise InputError(f"unknown engine {engine!r} (rdflib or oxigraph)")
