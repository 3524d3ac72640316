"""The SHACL → SPARQL compiler refuses what it does not implement, instead of skipping it."""

import pytest
from rdflib import Graph

from sarcoma_kg.shaclc import UnsupportedShape, compile_shapes

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
