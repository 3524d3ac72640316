"""SHACL-SPARQL pre-binding, evaluated for every focus node at once (sarcoma_kg.cohort.prebinding)."""

import pyoxigraph as ox
import pytest

from sarcoma_kg.cohort.prebinding import Prebinding, QueryRefused, rewrite_ask, rewrite_select, select_query

FOCUS = "{ GRAPH <urn:f> { <urn:m> <urn:member> ?this } }"
PRE = Prebinding(("this",), FOCUS, test="EXISTS { GRAPH <urn:f> { <urn:m> <urn:member> ?this } }")
DATA = """
<urn:a> <urn:p> 1 ; <urn:q> "x" .
<urn:b> <urn:p> 2 , 3 .
<urn:c> <urn:q> "y" .
<urn:other> <urn:p> 9 .
GRAPH <urn:f> { <urn:m> <urn:member> <urn:a> , <urn:b> , <urn:c> , "lit" }
"""


def focus_results(query: str, pre: Prebinding = PRE) -> set:
    store = ox.Store()
    store.load(DATA.encode(), format=ox.RdfFormat.TRIG)
    rewritten = rewrite_select(query, {}, pre).select
    return {r["this"].value for r in store.query(rewritten)}


@pytest.mark.parametrize("where, expected", [
    # a FILTER in a group of its own: $this is bound there too
    ("{ FILTER (isIRI($this)) }", {"urn:a", "urn:b", "urn:c"}),
    ("{ { FILTER (false) } UNION { FILTER (isLiteral($this)) } }", {"lit"}),
    ("{ { { FILTER (bound($this)) } } $this <urn:p> ?v . FILTER (?v > 1) }", {"urn:b"}),
    # OPTIONAL keeps every focus node
    ("{ OPTIONAL { $this <urn:p> ?v } FILTER (!bound(?v)) }", {"urn:c", "lit"}),
    ("{ BIND (STR($this) AS ?s) FILTER (STRENDS(?s, \"c\")) }", {"urn:c"}),
    # NOT EXISTS inside a UNION branch that never binds $this itself
    ("{ { FILTER (false) } UNION { FILTER NOT EXISTS { $this <urn:q> ?x } } }", {"urn:b", "lit"}),
    # a sub-select grouped by another variable is grouped by $this too
    ("{ { SELECT $this (COUNT(?v) AS ?n) WHERE { $this <urn:p> ?v } GROUP BY ?v } FILTER (?n = 1) }",
     {"urn:a", "urn:b"}),
    ("{ { SELECT $this (COUNT(?v) AS ?n) WHERE { OPTIONAL { $this <urn:p> ?v } } GROUP BY $this } FILTER (?n = 0) }",
     {"urn:c", "lit"}),
    # a triple pattern on $this: only the focus nodes' own values
    ("{ $this <urn:p> ?v . }", {"urn:a", "urn:b"}),
])
def test_every_focus_node_gets_the_pre_binding(where, expected):
    assert focus_results(f"SELECT $this WHERE {where}") == expected


@pytest.mark.parametrize("query, construct", [
    ("SELECT $this WHERE { $this ?p ?o MINUS { $this ?p 1 } }", "MINUS"),
    ("SELECT $this WHERE { VALUES ?o { 1 } $this ?p ?o }", "VALUES"),
    ("SELECT $this WHERE { SERVICE <urn:s> { $this ?p ?o } }", "SERVICE"),
    ("SELECT $this WHERE { { SELECT * WHERE { $this ?p ?o } } }", "SELECT *"),
    ("SELECT $this WHERE { { SELECT ?o WHERE { ?s ?p ?o } } }", "does not project $this"),
    ("SELECT $this WHERE { BIND (1 AS $this) }", "AS ?this"),
    ("SELECT $this WHERE { $this ?p ?o } LIMIT 1", "LIMIT"),
    ("SELECT $this WHERE { $this ?p ?o } OFFSET 1", "OFFSET"),
    ("SELECT $this WHERE { GRAPH ?g { $this ?p ?o } }", "GRAPH"),
    ("SELECT $this FROM <urn:g> WHERE { $this ?p ?o }", "FROM"),
    ("SELECT $this WHERE { { SELECT $this (COUNT(?o) AS ?n) WHERE { $this ?p ?o } } }", "no GROUP BY"),
    ("SELECT $this WHERE { $this ex:p ?o }", "prefix ex:"),
])
def test_what_pre_binding_forbids_is_refused_by_name(query, construct):
    with pytest.raises(QueryRefused, match=construct.replace("*", r"\*").replace("$", r"\$").replace("?", r"\?")):
        rewrite_select(query, {}, PRE)


def test_a_group_that_binds_this_gets_no_injected_join():
    """The project's criteria queries: ?this is bound by a sub-select grouped by it; only the outer
    group is joined with the focus nodes, at its end (not in the sub-select, not in EXISTS)."""
    query = """SELECT $this ?value WHERE {
        ?d <urn:has> ?value . FILTER NOT EXISTS { ?value <urn:x> ?y }
        { SELECT $this (COUNT(?l) AS ?n) WHERE { $this <urn:l> ?l . OPTIONAL { $this <urn:m> ?z } } GROUP BY $this }
        FILTER (?n > 1) }"""
    rewritten = rewrite_select(query, {}, PRE).select
    assert rewritten.count("urn:member") == 1
    assert rewritten.rstrip().endswith(FOCUS + " }")


def test_a_group_opening_with_a_pattern_on_this_tests_focus_membership_first():
    rewritten = rewrite_select("SELECT $this ?value WHERE { $this <urn:p> ?value . }", {}, PRE).select
    assert rewritten.startswith("SELECT ?this ?value WHERE { FILTER(EXISTS")


def test_prefixes_are_expanded_so_the_query_nests():
    rewritten = rewrite_select("PREFIX ex: <urn:ex:> SELECT $this WHERE { $this ex:p ?o ; sh:q ?v }",
                               {"sh": "http://www.w3.org/ns/shacl#"}, PRE).select
    assert "PREFIX" not in rewritten and "<urn:ex:p>" in rewritten and "<http://www.w3.org/ns/shacl#q>" in rewritten


def test_ask_validators_test_every_focus_and_value_pair():
    pre = Prebinding(("this", "value"), "{ " + FOCUS[2:-2] + " ?this <urn:p> ?value }", (("limit", "2"),))
    store = ox.Store()
    store.load(DATA.encode(), format=ox.RdfFormat.TRIG)
    query = rewrite_ask("ASK { FILTER ($value < $limit) }", {}, pre).select
    assert {(r["this"].value, r["value"].value) for r in store.query(query)} == {("urn:b", "2"), ("urn:b", "3")}
    with pytest.raises(QueryRefused, match="AS ?value".replace("?", r"\?")):
        rewrite_ask("ASK { BIND (1 AS ?value) }", {}, pre)


def test_sparql_targets_project_this():
    assert "?this" in select_query("SELECT $this WHERE { $this a <urn:C> }", {})
    with pytest.raises(QueryRefused, match="project"):
        select_query("SELECT ?x WHERE { ?x a <urn:C> }", {})


def test_oxigraph_substitutes_the_row_into_every_group_of_exists():
    """The rewrite leaves groups inside EXISTS alone: the store must substitute the tested row's
    bindings into nested groups, UNION branches and sub-selects (SPARQL 1.1's substitute)."""
    store = ox.Store()
    for query in ("SELECT ?x WHERE { VALUES ?x { 1 2 } FILTER EXISTS { { FILTER (false) } UNION { FILTER (?x = 1) } } }",
                  "SELECT ?x WHERE { VALUES ?x { 1 2 } FILTER EXISTS { { { FILTER (?x = 1) } } } }",
                  "SELECT ?x WHERE { VALUES ?x { 1 2 } FILTER EXISTS { { SELECT ?x WHERE { FILTER (bound(?x) && ?x = 1) } } } }"):
        assert [r["x"].value for r in store.query(query)] == ["1"], query
