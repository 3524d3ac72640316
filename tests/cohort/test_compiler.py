"""The SHACL → SPARQL compiler refuses what it does not implement, instead of skipping it."""

import pytest
from rdflib import Graph

from sarcoma_kg.cohort.compiler import UnsupportedShape, compile_shapes

PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> ."""


def test_unsupported_component_is_named():
    g = Graph().parse(data=PREFIXES + """
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:node ex:T ] .""",
                      format="turtle")
    with pytest.raises(UnsupportedShape, match="sh:node"):
        compile_shapes(g)


def test_paths_and_counts_compile_to_sparql():
    g = Graph().parse(data=PREFIXES + """
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
           sh:property [ sh:path [ sh:inversePath ex:p ] ; sh:minCount 2 ] ,
                       [ sh:path ( ex:a [ sh:zeroOrMorePath ex:b ] ) ; sh:maxCount 1 ] .""", format="turtle")
    queries = [c.query for c in compile_shapes(g)]
    assert any("^<https://example.org/p>" in q and "< 2" in q for q in queries)
    # maxCount 1: two different values of the path (a self-join, no grouping)
    assert any(q.count("(<https://example.org/a>/(<https://example.org/b>)*)") == 2 and "!sameTerm" in q
               for q in queries)


@pytest.mark.parametrize("group, bound", [
    (" ?this <p> ?x . ", True),
    (" { { ?this <p> ?x } } ", True),
    (" ?d <q> ?v . { SELECT ?this (COUNT(?l) AS ?n) WHERE { ?this <p> ?l } GROUP BY ?this } ", True),
    (" OPTIONAL { ?this <p> ?x } ", False),
    (" { ?this <p> ?x } UNION { ?y <p> ?x } ", False),
    (" { ?this <p> ?x } UNION { ?this <q> ?x } UNION { { SELECT ?this WHERE { ?this <r> ?y } } } ", True),
    (" { ?this <p> ?x } UNION { ?this <q> ?x } UNION { OPTIONAL { ?this <r> ?y } } ", False),
    (" OPTIONAL { ?a <p> ?b } { ?this <p> ?x } UNION { ?this <q> ?x } ", True),
    (" MINUS { ?this <p> ?x } ", False),
    (" FILTER EXISTS { ?this <p> ?x } ", False),
    (" FILTER (?this = 1) BIND (1 AS ?this) ", False),
    (" VALUES ?this { <a> UNDEF } ", False),
    (' ?x <p> "?this" . ', False),
    (" ?x <p> ?y # ?this\n ", False),
    (" { SELECT (COUNT(?l) AS ?n) WHERE { ?this <p> ?l } } ", False),
    (" { SELECT ?this WHERE { OPTIONAL { ?this <p> ?l } } } ", False),
    (" { SELECT ?this (COUNT(?l) AS ?n) WHERE { ?this <p> ?l } GROUP BY ?l } ", False),
    (" { SELECT (?x AS ?this) WHERE { ?x <p> ?l } } ", False),
])
def test_this_always_bound_is_conservative(group, bound):
    """The focus join may move to the end of a query only when ?this is bound in every solution."""
    from sarcoma_kg.cohort.compiler import _this_always_bound

    assert _this_always_bound(group) is bound


SPARQL_SHAPES = PREFIXES + """
    ex:Optional a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select
        "SELECT $this WHERE { OPTIONAL { $this <https://example.org/p> ?x } FILTER (!BOUND(?x)) }" ] .
    ex:PerFocus a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select
        "SELECT $this ?value WHERE { <https://example.org/k> <https://example.org/limit> ?limit . { SELECT $this (COUNT(?x) AS ?value) WHERE { $this <https://example.org/p> ?x } GROUP BY $this } FILTER (?value > ?limit) }" ] .
    ex:Values a sh:NodeShape ; sh:targetSubjectsOf ex:p ; sh:property [ sh:path ex:p ; sh:datatype <http://www.w3.org/2001/XMLSchema#integer> ; sh:maxCount 1 ] ,
        [ sh:path ex:q ; sh:minCount 1 ] .
"""
SPARQL_DATA = """@prefix ex: <https://example.org/> .
    ex:k ex:limit 1 .
    ex:a a ex:C ; ex:p 1 , 2 ; ex:q 1 .
    ex:b a ex:C .
    ex:c ex:p "x" .
    ex:d ex:p 1 , 2 , 3 .
"""


def _run(compiled, data: str, marks=None) -> set:
    import pyoxigraph as ox

    store = ox.Store()
    store.load(data.encode(), format=ox.RdfFormat.TURTLE)
    for update in (marks or {}).values():
        store.update(update)
    found = set()
    for c in compiled:
        for row in store.query(c.query):
            value = row["value"].value if c.has_value and row["value"] is not None else None
            found.add((row["this"].value, str(c.source_shape), str(c.component), value))
    return found


def test_focus_placement_and_marks_give_pyshacl_results():
    """Focus joined first, last (when ?this is always bound) or read from marks: the same
    (focus node, source shape) results as pyshacl."""
    from pyshacl import validate
    from rdflib import URIRef
    from rdflib.namespace import SH

    shapes = Graph().parse(data=SPARQL_SHAPES, format="turtle")
    plain = _run(compile_shapes(shapes), SPARQL_DATA)
    marks: dict = {}
    marked_queries = compile_shapes(shapes, marks=marks)
    assert marks and all("urn:sarcoma-kg:focus" in c.query for c in marked_queries)
    assert _run(marked_queries, SPARQL_DATA, marks) == plain

    _, report, _ = validate(Graph().parse(data=SPARQL_DATA, format="turtle"), shacl_graph=shapes, advanced=True)
    expected = set()
    for r in report.subjects(URIRef(str(SH.resultSeverity)), None):
        shape = report.value(r, SH.sourceShape)
        expected.add((str(report.value(r, SH.focusNode)), str(shape) if isinstance(shape, URIRef) else "_"))
    got = {(focus, shape if shape.startswith("http") else "_") for focus, shape, _, _ in plain}
    assert got == expected
    assert ("https://example.org/b", "https://example.org/Optional") in got  # OPTIONAL: every focus node
    assert ("https://example.org/a", "https://example.org/PerFocus") in got
