"""Every catalogue query runs on the fixture sample with rdflib and with pyoxigraph; the two
engines must agree, and both must equal the golden result (compared as result sets / graphs)."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, to_isomorphic

from resultsets import canonical_rows
from samples import GOLDEN_DIR

from sarcoma_kg.sparql import backends, catalogue, query

CATALOGUE = catalogue.catalogue(include_qc=False)
QC = [q for q in catalogue.catalogue(include_qc=True) if q.family == "qc"]


@pytest.fixture(scope="module")
def engines(fixture_graph):
    return backends.RdflibBackend(fixture_graph), backends.OxigraphBackend(fixture_graph)


def _golden_path(q):
    suffix = ".ttl" if q.kind == "CONSTRUCT" else ".srj"
    return GOLDEN_DIR / f"{q.name}{suffix}"


def _diff(a: Graph, b: Graph) -> str:
    _, only_a, only_b = graph_diff(to_isomorphic(a), to_isomorphic(b))
    return f"only in result: {sorted(only_a)[:5]} only in golden: {sorted(only_b)[:5]}"


@pytest.mark.parametrize("q", CATALOGUE, ids=[q.name for q in CATALOGUE])
def test_query_matches_golden_on_both_engines(q, engines, golden):
    rdflib_engine, oxigraph_engine = engines
    bindings = query.example_bindings(q)
    got_rdflib = rdflib_engine.query(q.text, bindings)
    got_oxigraph = oxigraph_engine.query(q.text, bindings)
    path = _golden_path(q)
    assert q.golden == str(path.relative_to(GOLDEN_DIR.parents[2])), "header golden: names the wrong file"
    if q.kind == "CONSTRUCT":
        assert to_isomorphic(got_rdflib) == to_isomorphic(got_oxigraph), _diff(got_rdflib, got_oxigraph)
        expected = Graph().parse(data=golden(path, got_rdflib.serialize(format="turtle")), format="turtle")
        assert len(got_rdflib) > 0, "a construct query should derive something from the fixtures"
        assert to_isomorphic(got_rdflib) == to_isomorphic(expected), _diff(got_rdflib, expected)
        return
    assert got_rdflib.variables == got_oxigraph.variables
    assert canonical_rows(got_rdflib) == canonical_rows(got_oxigraph)
    actual = json.dumps(query.to_sparql_json(got_rdflib), indent=1, ensure_ascii=False) + "\n"
    expected = backends.result_set_from_json(json.loads(golden(path, actual)))
    assert len(expected) > 0, "every golden result should hold at least one row on the fixtures"
    assert got_rdflib.variables == expected.variables
    assert canonical_rows(got_rdflib) == canonical_rows(expected)


def test_qc_queries_agree_across_engines(engines):
    """The ontology engineer's queries/qc/*.rq run on both engines with the same rows (no golden:
    their expected result on clean data is empty)."""
    rdflib_engine, oxigraph_engine = engines
    disagree = []
    for q in QC:
        a = rdflib_engine.query(q.text, {})
        b = oxigraph_engine.query(q.text, {})
        if canonical_rows(a) != canonical_rows(b):
            disagree.append(q.name)
    assert disagree == []


def test_returns_header_names_the_columns():
    for q in CATALOGUE:
        if q.kind == "SELECT":
            got = backends.RdflibBackend(Graph()).query(q.text, {})
            assert got.variables == q.returns, q.name
