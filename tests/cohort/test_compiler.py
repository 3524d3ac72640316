"""The SHACL -> SPARQL compiler: refusals that name the feature, and results equal to pySHACL's."""

import re

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from sarcoma_kg.cohort import components, evaluate, literals
from sarcoma_kg.cohort.compiler import UnsupportedShape, compile_shapes

PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""


def shapes(text: str) -> Graph:
    return Graph().parse(data=PREFIXES + text, format="turtle")


@pytest.mark.parametrize("text, feature", [
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:node ex:T . ex:T sh:property [ sh:path ex:p ; sh:not ex:S ] .",
     "recursive shape that reaches itself through sh:not"),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:rule [ a sh:TripleRule ] .", "sh:rule"),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select \"SELECT $this WHERE { $this ?p ?o } LIMIT 1\" ] .",
     "LIMIT"),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select "
     "\"SELECT $this WHERE { GRAPH $shapesGraph { $this ?p ?o } }\" ] .", "GRAPH"),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select "
     "\"SELECT ?n WHERE { $this <urn:p> ?o } HAVING (COUNT(?o) > 2)\" ] .", "aggregates without GROUP BY"),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select \"SELECT $this WHERE { $this zz:p ?o }\" ] .",
     "prefix zz:"),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:target [ a ex:SomeTargetType ] .", "sh:target"),
    ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:minCount 1 .", "sh:minCount on a node shape"),
])
def test_refusals_name_the_shape_and_the_feature(text, feature):
    with pytest.raises(UnsupportedShape, match=re.escape(feature)) as err:
        compile_shapes(shapes(text))
    assert "ex:S" in str(err.value) or "ex:T" in str(err.value)


def test_paths_and_counts_compile_to_sparql():
    program = compile_shapes(shapes("""
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
           sh:property [ sh:path [ sh:inversePath ex:p ] ; sh:minCount 2 ] ,
                       [ sh:path ( ex:a [ sh:zeroOrMorePath ex:b ] ) ; sh:maxCount 1 ] ."""))
    queries = [c.query for c in program]
    assert any("^<https://example.org/p>" in q and "< 2" in q for q in queries)
    # maxCount 1: two different values of the path (a self-join, no grouping)
    assert any(q.count("(<https://example.org/a>/(<https://example.org/b>)*)") == 2 and "!sameTerm" in q
               for q in queries)


def test_every_component_function_cites_its_section_of_the_spec():
    for table in (components.VALUE_TESTS, components.CHECKS):
        for param, fn in table.items():
            doc = fn.__doc__ or ""
            assert doc.startswith("https://www.w3.org/TR/shacl/#"), (param, fn.__name__)
            assert doc.split()[0].rstrip(":").split("#")[1] == str(components.COMPONENT[param]).split("#")[1], fn


def run_program(shapes_graph: Graph, data: str, closure=None) -> set:
    program = compile_shapes(shapes_graph, closure=closure)
    encoder = literals.Encoder(lexical=program.lexical)
    encoder.fix(program.constants, None)
    store = ox.Store()
    decode = encoder.load(store, data.encode(), "ttl")
    return {(r.focus.value, r.shape, r.component.rsplit("#", 1)[-1], r.value.value if r.value is not None else None)
            for r in evaluate.validate(store, program, decode)}


def pyshacl_keys(shapes_graph: Graph, data: str) -> set:
    from pyshacl import validate

    _, report, _ = validate(Graph().parse(data=data, format="turtle"), shacl_graph=shapes_graph,
                            advanced=True, allow_warnings=True)
    top = next(report.subjects(URIRef(str(SH.conforms)), None))
    return {(str(report.value(r, SH.focusNode)), str(report.value(r, SH.sourceShape)))
            for r in report.objects(top, SH.result)}


NESTED_SHAPES = """
    ex:Dataset a sh:NodeShape ; sh:targetClass ex:Dataset ;
        sh:property [ sh:path ex:distribution ; sh:node ex:Distribution ; sh:minCount 1 ] ,
                    [ sh:path ex:issued ; sh:or ( [ sh:datatype xsd:date ] [ sh:datatype xsd:dateTime ] ) ] ,
                    [ sh:path ex:title ; sh:uniqueLang true ; sh:languageIn ( "en" "de" ) ] ,
                    [ sh:path ex:size ; sh:qualifiedValueShape [ sh:datatype xsd:nonNegativeInteger ] ;
                      sh:qualifiedMinCount 1 ] ;
        sh:closed true ; sh:ignoredProperties ( rdf:type ) ; sh:xone ( ex:HasLicence ex:HasRights ) .
    ex:Distribution a sh:NodeShape ;
        sh:property [ sh:path ex:url ; sh:nodeKind sh:IRI ; sh:minCount 1 ] ;
        sh:not [ sh:property [ sh:path ex:deprecated ; sh:hasValue true ] ] .
    ex:HasLicence sh:property [ sh:path ex:licence ; sh:minCount 1 ] .
    ex:HasRights sh:property [ sh:path ex:rights ; sh:minCount 1 ] .
"""
NESTED_DATA = """@prefix ex: <https://example.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    ex:good a ex:Dataset ; ex:distribution ex:d1 ; ex:issued "2020-01-01"^^xsd:date ; ex:title "a"@en , "b"@de ;
        ex:size "5"^^xsd:nonNegativeInteger ; ex:licence ex:l ; ex:distribution ex:d1 .
    ex:d1 ex:url <https://example.org/file> .
    ex:bad a ex:Dataset ; ex:distribution ex:d2 , ex:d3 ; ex:issued "2020" ; ex:title "a"@en , "c"@en , "x"@fr ;
        ex:size "-5"^^xsd:nonNegativeInteger ; ex:licence ex:l ; ex:rights ex:r ; ex:extra 1 .
    ex:d2 ex:url "not an IRI" .
    ex:d3 ex:url ex:u ; ex:deprecated true .
    ex:empty a ex:Dataset .
"""


def test_nested_shapes_and_logical_constraints_equal_pyshacl():
    """sh:node, sh:not, sh:or, sh:xone over shapes with property shapes (checked through marks),
    sh:closed, sh:uniqueLang, sh:languageIn, qualified value shapes and a derived integer type."""
    g = shapes(NESTED_SHAPES.replace("rdf:type", "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"))
    ours = run_program(g, NESTED_DATA)
    assert {(f, s) for f, s, _, _ in ours} == pyshacl_keys(g, NESTED_DATA)
    components_seen = {c for _, _, c, _ in ours}
    assert {"NodeConstraintComponent", "OrConstraintComponent", "XoneConstraintComponent", "ClosedConstraintComponent",
            "UniqueLangConstraintComponent", "LanguageInConstraintComponent", "MinCountConstraintComponent",
            "QualifiedMinCountConstraintComponent"} <= components_seen


SPARQL_SHAPES = PREFIXES + """
    ex:Optional a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select
        "SELECT $this WHERE { OPTIONAL { $this <https://example.org/p> ?x } FILTER (!BOUND(?x)) }" ] .
    ex:PerFocus a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select
        "SELECT $this ?value WHERE { <https://example.org/k> <https://example.org/limit> ?limit . { SELECT $this (COUNT(?x) AS ?value) WHERE { $this <https://example.org/p> ?x } GROUP BY $this } FILTER (?value > ?limit) }" ] .
    ex:Union a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select
        "SELECT $this WHERE { { FILTER (false) } UNION { FILTER (NOT EXISTS { $this <https://example.org/q> ?y }) } }" ] .
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


def test_sparql_constraints_with_prebinding_equal_pyshacl():
    """$this in OPTIONAL, in a sub-select grouped by it: the same (focus node, shape) results as
    pySHACL, which evaluates per focus node. In a UNION branch whose group never binds it, under
    NOT EXISTS: SHACL's pre-binding (pySHACL also reports ex:a there)."""
    g = Graph().parse(data=SPARQL_SHAPES, format="turtle")
    ours = {(f, s) for f, s, _, _ in run_program(g, SPARQL_DATA)}
    union = "https://example.org/Union"
    assert {k for k in ours if k[1] != union} == {k for k in pyshacl_keys(g, SPARQL_DATA) if k[1] != union}
    assert ("https://example.org/b", "https://example.org/Optional") in ours
    assert ("https://example.org/a", "https://example.org/PerFocus") in ours
    assert {f for f, s in ours if s == union} == {"https://example.org/b"}


def test_literal_focus_nodes_are_marked_and_checked():
    """Focus marks hold literals (objects of the mark triples): sh:targetObjectsOf a literal-valued
    property and sh:targetNode "x" are checked like any focus node."""
    g = shapes("""ex:S a sh:NodeShape ; sh:targetObjectsOf ex:age ; sh:datatype xsd:integer .
                  ex:T a sh:NodeShape ; sh:targetNode "abc" ; sh:minLength 5 .""")
    found = run_program(g, "@prefix ex: <https://example.org/> . ex:a ex:age \"abc\" . ex:b ex:age 42 .")
    assert {(f, s) for f, s, _, _ in found} == {("abc", "https://example.org/S"), ("abc", "https://example.org/T")}


@pytest.mark.parametrize("constraint, data, violations", [
    ('sh:datatype xsd:int', '"5"^^xsd:int , "+7"^^xsd:int', set()),
    ('sh:datatype xsd:int', '"5"^^xsd:integer , "abc"^^xsd:int , "3000000000"^^xsd:int', {"5", "abc", "3000000000"}),
    ('sh:datatype xsd:integer', '"abc"^^xsd:integer , 5', {"abc"}),
    ('sh:datatype xsd:boolean', '"none"^^xsd:boolean , "1"^^xsd:boolean', {"none"}),
    ('sh:in ( 1 )', '"1"^^xsd:int , 1 , "01"^^xsd:integer', {"1", "01"}),
    ('sh:hasValue "1"^^xsd:int', '1', None),
    ('sh:minInclusive 3', '"5"^^xsd:int , "2"^^xsd:byte , "x"^^xsd:int', {"2", "x"}),
    ('sh:maxCount 1', '8.0 , 8.00', None),
    ('sh:pattern "^8\\\\.0$"', '8.0', set()),
])
def test_literals_are_checked_as_written(constraint, data, violations):
    """The store rewrites "5"^^xsd:int as "5"^^xsd:integer and 8.0 as 8: checks see them as written."""
    g = shapes(f"ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; {constraint} ] .")
    found = run_program(g, f"@prefix ex: <https://example.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> . "
                           f"ex:a ex:p {data} .")
    if violations is None:
        assert {f for f, *_ in found} == {"https://example.org/a"}
    else:
        assert {v for *_, v in found} == violations


def test_unknown_shacl_properties_are_ignored_aloud():
    program = compile_shapes(shapes("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:minCoun 1 ; sh:shape ex:T ."))
    assert not program.constraints
    assert any("sh:minCoun" in n and "ignored" in n for n in program.notes)
    assert any("sh:shape" in n for n in program.notes)


def test_recursive_shapes_are_checked_to_a_fixpoint():
    """A list shape that uses itself for the rest of the list: a bad value deep in the list makes
    every node before it violate; a list that closes on itself without a bad value conforms
    (pySHACL: the same, after backing out of its recursion)."""
    g = shapes("""ex:ListShape a sh:NodeShape ; sh:targetClass ex:Head ;
        sh:property [ sh:path ex:value ; sh:datatype xsd:integer ] ;
        sh:property [ sh:path ex:next ; sh:node ex:ListShape ] .""")
    data = """@prefix ex: <https://example.org/> .
        ex:a a ex:Head ; ex:value 1 ; ex:next ex:b . ex:b ex:value 2 ; ex:next ex:c . ex:c ex:value "x" .
        ex:h a ex:Head ; ex:value 1 ; ex:next ex:i . ex:i ex:value 2 .
        ex:p a ex:Head ; ex:value 1 ; ex:next ex:q . ex:q ex:value 2 ; ex:next ex:p ."""
    found = run_program(g, data)
    assert {(f, v) for f, _, _, v in found} == {("https://example.org/a", "https://example.org/b")}
    assert {(f, s) for f, s, _, _ in found} == pyshacl_keys(g, data)


def test_sparql_constraints_read_stand_ins_as_their_values():
    """A value the store holds as a stand-in ("5"^^xsd:int) still compares as a number in a
    SHACL-SPARQL query, and is reported as written; sh:datatype sees its datatype as written."""
    g = shapes("""ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:n ;
        sh:property [ sh:path ex:n ; sh:datatype xsd:int ] ;
        sh:sparql [ sh:select "SELECT $this ?value WHERE { $this <https://example.org/n> ?value FILTER (?value > 3 && isNumeric(?value)) }" ] .""")
    data = """@prefix ex: <https://example.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        ex:a ex:n "5"^^xsd:int . ex:b ex:n "2"^^xsd:int . ex:c ex:n 7 ."""
    found = run_program(g, data)
    assert {(f, c, v) for f, _, c, v in found} == {
        ("https://example.org/a", "SPARQLConstraintComponent", "5"),
        ("https://example.org/c", "SPARQLConstraintComponent", "7"),
        ("https://example.org/c", "DatatypeConstraintComponent", "7")}


def test_a_class_with_shacl_properties_is_a_shape_with_an_implicit_target():
    g = shapes("ex:C a rdfs:Class ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .")
    found = run_program(g, "@prefix ex: <https://example.org/> . ex:a a ex:C . ex:b a ex:C ; ex:p 1 .")
    assert {f for f, *_ in found} == {"https://example.org/a"}
