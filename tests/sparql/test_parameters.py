"""Parameters are bound as RDF terms, never pasted into query text."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef
from rdflib.plugins.sparql.parser import parseQuery

from samples import MALICIOUS, catalogue_sample

from sarcoma_kg.sparql import backends, catalogue, query
from sarcoma_kg.errors import InputError
from sarcoma_kg.namespaces import SKG, STUDY


BIBLIOGRAPHY = "cq-study-bibliography"


def _engines(graph):
    return [backends.RdflibBackend(graph), backends.OxigraphBackend(graph)]


def test_malicious_value_is_a_plain_literal_on_embedded_engines():
    graph = catalogue_sample()
    size = len(graph)
    q = catalogue.load_query(BIBLIOGRAPHY)
    bindings = query.parse_params(q, [f"author={MALICIOUS}"])
    assert bindings == {"author": Literal(MALICIOUS)}
    for engine in _engines(graph):
        result = query.run(q, engine, bindings).result
        assert result.rows == [], engine.name
    assert len(graph) == size, "nothing was dropped"


def test_malicious_value_matches_itself_as_data():
    """The proof that it is a literal: a study whose author *is* that string is found."""
    graph = catalogue_sample()
    graph.add((STUDY.Injected, URIRef(str(SKG.firstAuthor)), Literal(MALICIOUS)))
    graph.add((STUDY.Injected, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), SKG.Study))
    q = catalogue.load_query(BIBLIOGRAPHY)
    bindings = query.parse_params(q, [f"author={MALICIOUS}"])
    for engine in _engines(graph):
        rows = query.run(q, engine, bindings).result.as_dicts()
        assert [(r["study"], str(r["author"])) for r in rows] == [(STUDY.Injected, MALICIOUS)], engine.name


def test_remote_binding_keeps_the_value_inside_one_literal():
    q = catalogue.load_query(BIBLIOGRAPHY)
    bound = backends.bind_values(q.text, {"author": Literal(MALICIOUS)})
    assert 'VALUES (?author) { ("x\\" } ; DROP ALL ; #") }' in bound
    parsed = parseQuery(bound)  # still one query, not an update
    assert parsed[1].name == "SelectQuery"
    assert "DROP" not in bound.replace(Literal(MALICIOUS).n3(), "")


def test_remote_binding_finds_the_where_group_despite_braces_in_comments_and_strings():
    text = ('# a comment with { and WHERE\nPREFIX ex: <http://e/x#WHERE>\nSELECT ?s ("WHERE {" AS ?t)\n'
            'WHERE { ?s ?p ?o } ORDER BY ?s')
    bound = backends.bind_values(text, {"s": URIRef("http://e/a")})
    assert bound.index("VALUES") > bound.index("WHERE {")
    assert parseQuery(bound)


@pytest.mark.parametrize("bad", ["skg:Lung>", "http://e/a b", 'http://e/"x', "nope:thing", "relative", "<x>"])
def test_bad_iri_parameter_is_an_input_error(bad):
    q = catalogue.load_query("cq-studies-by-histology")
    with pytest.raises(InputError):
        query.parse_params(q, [f"histology={bad}"])


def test_unknown_and_missing_parameters_are_input_errors():
    q = catalogue.load_query("cq-studies-by-histology")
    with pytest.raises(InputError, match="no parameter 'colour'"):
        query.parse_params(q, ["colour=red", "histology=skg:Sarcoma"])
    with pytest.raises(InputError, match="needs --param histology"):
        query.parse_params(q, [])
    with pytest.raises(InputError, match="expected name=value"):
        query.parse_params(q, ["histology"])


def test_typed_parameters():
    param = catalogue.Parameter("n", "integer")
    assert query.make_term(param, "42") == Literal(42)
    with pytest.raises(InputError):
        query.make_term(param, "forty")
    assert query.make_term(catalogue.Parameter("b", "boolean"), "TRUE") == Literal(True)
    assert query.make_term(catalogue.Parameter("i", "iri"), "<http://e/x>") == URIRef("http://e/x")


def test_gist_query_finds_gist_studies_and_sts_query_finds_subtype_studies(fixture_graph):
    q = catalogue.load_query("cq-studies-by-histology")
    for engine in _engines(fixture_graph):
        gist = query.run(q, engine, query.parse_params(q, ["histology=skg:GastrointestinalStromalTumour"])).result
        assert {r["study"] for r in gist.as_dicts()} == {STUDY.Brudvik2015}
        sts = query.run(q, engine, query.parse_params(q, ["histology=skg:SoftTissueSarcoma"])).result
        assert {r["study"] for r in sts.as_dicts()} == {STUDY.Brudvik2015, STUDY.Navarria2015}
        assert {r["studyHistology"] for r in sts.as_dicts()} == {SKG.Leiomyosarcoma, SKG.SoftTissueSarcoma}


def test_recommendation_parameter_restricts_the_chain(fixture_graph):
    q = catalogue.load_query("cq-recommendation-evidence")
    for engine in _engines(fixture_graph):
        rows = query.run(q, engine, query.parse_params(q, ["rec=rec:IAC-12.1"])).result.as_dicts()
        assert {str(r["notation"]) for r in rows} == {"12.1"}
        assert {float(r["value"]) for r in rows} == {48.4, 44.9}


def test_updates_are_refused_unless_allowed(tmp_path):
    update = tmp_path / "drop.rq"
    update.write_text("DELETE WHERE { ?s ?p ?o }", encoding="utf-8")
    graph = catalogue_sample()
    q = query.resolve(update)
    for engine in _engines(graph):
        with pytest.raises(backends.QueryError, match="refused"):
            query.run(q, engine)
    assert len(graph) > 0
    engine = backends.RdflibBackend(graph)
    query.run(q, engine, allow_update=True)
    assert len(graph) == 0


def test_backends_refuse_updates_through_query():
    for engine in _engines(catalogue_sample()):
        with pytest.raises(backends.QueryError):
            engine.query("DELETE WHERE { ?s ?p ?o }")


def test_invalid_query_is_an_input_error(tmp_path):
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT ?s WHERE { ?s ?p }", encoding="utf-8")
    with pytest.raises(InputError):
        query.run(query.resolve(bad), backends.RdflibBackend(catalogue_sample()))


def test_regression_no_spurious_row_for_an_unknown_recommendation(fixture_graph):
    """rdflib returned one all-empty group for GROUP BY over no solutions; HAVING prevents it."""
    q = catalogue.load_query("cq-recommendation-evidence")
    for engine in _engines(fixture_graph):
        result = query.run(q, engine, query.parse_params(q, ["rec=rec:IAC-99.9"])).result
        assert result.rows == [], engine.name


def test_regression_decimal_timepoints_match_integer_constants(fixture_graph):
    """rdflib's IN compared 12.0 (xsd:decimal) and 12 as terms; the query uses = instead."""
    q = catalogue.load_query("cq-survival-by-modality-site")
    for engine in _engines(fixture_graph):
        rows = query.run(q, engine).result.as_dicts()
        assert any(str(r["outcome"]).endswith("DeBaereLungRFA-os-1y-sarcoma") for r in rows), engine.name


def test_remote_binding_without_the_where_keyword(fixture_graph):
    text = "PREFIX skg: <https://w3id.org/sarcoma-kg/>\nSELECT ?study ?author { ?study skg:firstAuthor ?author } ORDER BY ?study"
    bound = backends.bind_values(text, {"author": Literal("Falk AT")})
    rows = backends.RdflibBackend(fixture_graph).query(bound).as_dicts()
    assert [r["study"] for r in rows] == [STUDY.Falk2015]
