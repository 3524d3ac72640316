"""Every backend binds a parameter to the same value, and refuses the same values.

A corpus of tricky values — injection payloads (quotes, braces, ``DROP ALL``, comments, newlines,
``\\u`` escapes written out, lone surrogates) and awkward IRIs — is bound on rdflib
(``initBindings``), pyoxigraph (substitutions) and a live endpoint (an escaped VALUES block
sent through SPARQLWrapper). For each value either all three refuse it with an InputError, or
all three answer with exactly the value bound, and the store is unchanged.
"""

from __future__ import annotations

import itertools

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.sparql.parser import parseQuery

from samples import MALICIOUS, catalogue_sample, release_graphs, sample_study_count

from sarcoma_kg.errors import InputError
from sarcoma_kg.namespaces import SKG, STUDY
from sarcoma_kg.release.build import write_release
from sarcoma_kg.sparql import backends, catalogue, query
from sarcoma_kg.sparql.server import start

ECHO = "SELECT ?value (STRLEN(STR(?value)) AS ?length) WHERE { BIND(1 AS ?one) }"

#: Pieces of injection attempts; the corpus joins them in pairs around plain text.
FRAGMENTS = [
    '"', "'", '"""', "'''", "}", "{", ")", "(", ".", ";", "#", " ; DROP ALL ; ", "DROP ALL", "CLEAR DEFAULT",
    " } UNION { ?s ?p ?o } ", "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "LOAD <http://127.0.0.1:9/x>",
    "SERVICE <http://127.0.0.1:9/x> { }", "\n", "\r\n", "\r", "\t", "\\", "\\\\", '\\"', "\\n", "\\u0022",
    "\\U00000022", "\\u005C", "\\u000A", "\\uD800", "\\u", "\\uZZZZ", "\\u0022\\u007D", "\x00", "\x08", "\x0c",
    "\x7f", "\x85", "\u2028", "\u202e", "\ufeff", "é", "😀", "<http://e/x>", "?x", "$x", "@en", "^^<urn:t>",
]
#: Values no backend can bind: lone surrogates are no Unicode scalar values.
REFUSED = ["\ud800", "x\udcff", "\ud83d\ude00", "\\u0022\ud800"]


def corpus() -> list[str]:
    values = [MALICIOUS, "", "x" * 5000] + FRAGMENTS + [f"x{f}" for f in FRAGMENTS]
    values += [f"x{a}{b}y" for a, b in itertools.product(FRAGMENTS[:20], FRAGMENTS[18:36])][:160]
    return list(dict.fromkeys(values))


IRIS = ["http://e/é", "urn:x", "mailto:a@b.c", "https://w3id.org/sarcoma-kg/Lung", "http://e/%41", "x:y"]
BAD_IRIS = ["http://e/a b", "http://e/%zz", "http://e/\\u0022", 'http://e/"', "http://e/{x}", "http://e/>",
            "relative", "http://e/a#b#c", "http://e/\ud800", "http://[::1"]


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    out = tmp_path_factory.mktemp("binding") / "dist"
    onto, full = release_graphs()
    write_release(out, onto, full)
    with start(out, port=0) as server:
        yield server


@pytest.fixture(scope="module")
def backends_under_test(live):
    graph = Graph()
    return [backends.RdflibBackend(graph), backends.OxigraphBackend(graph), backends.RemoteBackend(live.query_endpoint)]


def _echo(backend, term):
    try:
        rows = backend.query(ECHO, {"value": term}).rows
    except InputError:
        return "refused"
    assert len(rows) == 1, backend.name
    return rows[0][0]


@pytest.mark.server
def test_every_backend_binds_every_value_of_the_corpus_to_itself(backends_under_test):
    values = corpus()
    assert len(values) >= 148
    disagree = []
    for value in values:
        got = [_echo(b, Literal(value)) for b in backends_under_test]
        if any(g == "refused" or str(g) != value for g in got):
            disagree.append((value, got))
    assert disagree == []


@pytest.mark.server
def test_every_backend_refuses_lone_surrogates(backends_under_test):
    for value in REFUSED:
        assert [_echo(b, Literal(value)) for b in backends_under_test] == ["refused"] * 3, repr(value)


@pytest.mark.server
def test_every_backend_agrees_on_iris(backends_under_test):
    for iri in IRIS:
        assert [_echo(b, URIRef(iri)) for b in backends_under_test] == [URIRef(iri)] * 3, iri
    for iri in BAD_IRIS:
        assert [_echo(b, URIRef(iri)) for b in backends_under_test] == ["refused"] * 3, iri


@pytest.mark.server
def test_an_injected_value_matches_itself_as_data_on_every_backend(tmp_path):
    """Stored as an author and looked up through the catalogue: found on every backend, and
    nothing else is found or dropped."""
    values = [MALICIOUS, "\\u0022 } ; DROP ALL ; #", "a\\\\U00000022b", "x\ty\nz", "\\u000A\\u0027"]
    graph = catalogue_sample()
    rdf_type = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    for i, value in enumerate(values):
        graph.add((STUDY[f"Injected{i}"], URIRef(str(SKG.firstAuthor)), Literal(value)))
        graph.add((STUDY[f"Injected{i}"], rdf_type, SKG.Study))
    out = tmp_path / "dist"
    onto, _ = release_graphs()
    write_release(out, onto, onto + graph)
    q = catalogue.load_query("cq-study-bibliography")
    with start(out, port=0) as server:
        engines = [backends.RdflibBackend(graph), backends.OxigraphBackend(graph),
                   backends.RemoteBackend(server.query_endpoint)]
        for i, value in enumerate(values):
            bindings = query.parse_params(q, [f"author={value}"])
            for engine in engines:
                rows = query.run(q, engine, bindings).result.as_dicts()
                assert [(r["study"], str(r["author"])) for r in rows] == [(STUDY[f"Injected{i}"], value)], engine.name
        assert all(len(query.run(q, e).result) == sample_study_count() + len(values) for e in engines)


def test_the_values_block_reads_back_the_same_with_or_without_escape_expansion():
    """SPARQL lets an engine expand \\u escapes before parsing (rdflib does, Oxigraph does not):
    a value holding a backslash then 'u' must survive both readings."""
    for value in ["\\u0022", "\\U00000022", "\\\\u0022", "a\\u00e9b", "\\u0022 } ; DROP ALL ; #"]:
        text = backends.sparql_string(value)
        assert "\\u" not in text.replace("\\\\", ""), text
        bound = backends.bind_values(ECHO, {"value": Literal(value)})
        assert parseQuery(bound)[1].name == "SelectQuery"
        assert str(backends.RdflibBackend(Graph()).query(bound).rows[0][0]) == value
        assert str(backends.OxigraphBackend(Graph()).query(bound).rows[0][0]) == value
