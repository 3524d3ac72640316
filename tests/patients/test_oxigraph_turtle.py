"""The Turtle read by pyoxigraph (patients/oxigraph_turtle.py) holds the terms and prefixes rdflib's
parser reads from the same text, or is declined and left to rdflib."""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph
from rdflib.compare import to_canonical_graph

from bad_inputs import PREFIXES, lesion_patient
from sarcoma_kg.namespaces import bind_prefixes
from sarcoma_kg.patients.lexical_forms import as_written
from sarcoma_kg.patients.oxigraph_turtle import parse_turtle

S = "<https://w3id.org/sarcoma-kg/example/S> <https://w3id.org/sarcoma-kg/p> "
#: Texts the two parsers could read apart: each must be read alike or declined.
TRICKY = [
    S + '"x"@EN .', S + '"x"@en-US .', S + '"x"@en30 .', S + '"x"@en--ltr .', S + '"x" @en .',
    S + "+5 , -0 , .5 , 007 , 1e5 , 1E+5 , 5.0 , -.5e-3 , true , false .",
    S + '"007"^^<http://www.w3.org/2001/XMLSchema#integer> .', S + '"1.50"^^<http://www.w3.org/2001/XMLSchema#decimal> .',
    S + '"x"^^<http://www.w3.org/2001/XMLSchema#string> .', S + '"x"^^<http://www.w3.org/2001/XMLSchema#\\u0073tring> .',
    S + '"2023-05-01"\n^^<http://www.w3.org/2001/XMLSchema#date> .', S + '"""a\r\nb""" .', S + "<relative> .",
    "@base <https://w3id.org/sarcoma-kg/example/> .\n" + S + "<O> .", S + "<< <a:s> <a:p> <a:o> >> .",
    "@prefix ex: <a:one/> .\n@prefix ex: <a:two/> .\nex:s ex:p ex:o .",
    "@prefix ex: <a:one/> .\nPREFIX e2: <a:two/>\n# @prefix e3: <a:three/> .\nex:s ex:p e2:o .",
    "@prefix ex: <https://w3id.org/sarcoma-kg/example/> .\nex:s ex:p ex:a.b , ex:1x , ex:a\\~b , ex:a%20b , ex: .",
    S + "[ <a:p> ( 1 2 ) ] , _:b1 , _:b1 .", S + "<https://w3id.org/sarcoma-kg/example/a b> .",
    S + '"é\\t\\\\" , "\\U0001F600" .', PREFIXES + lesion_patient("P1") + lesion_patient("P2", size="8.5"),
]


def _rdflib(text: bytes) -> Graph:
    graph = Graph()
    bind_prefixes(graph)
    with as_written():
        graph.parse(data=text, format="turtle")
    return graph


def _terms(graph: Graph) -> set:
    """The triples as their terms' reprs (lexical form, datatype and language told apart); blank
    nodes named canonically."""
    if any(isinstance(term, BNode) for triple in graph for term in triple):
        graph = to_canonical_graph(graph)
    return {tuple(map(repr, triple)) for triple in graph}


@pytest.mark.parametrize("text", TRICKY)
def test_read_alike_or_declined(text):
    data = text.encode("utf-8")
    graph = Graph()
    bind_prefixes(graph)
    with as_written():
        read = parse_turtle(data, graph)
    if not read:
        assert len(graph) == 0
        return
    expected = _rdflib(data)
    assert _terms(graph) == _terms(expected)
    assert list(graph.namespaces()) == list(expected.namespaces())


def test_plain_patient_file_is_read():
    graph = Graph()
    with as_written():
        assert parse_turtle((PREFIXES + lesion_patient("P1")).encode(), graph)
    assert len(graph) == len(_rdflib((PREFIXES + lesion_patient("P1")).encode()))


@pytest.mark.parametrize("text", [S + '"x"@EN .', S + "007 .", S + '"x"^^<http://www.w3.org/2001/XMLSchema#string> .',
                                  S + '"""a\r\nb""" .', S + '"2023-05-01"\n^^<http://www.w3.org/2001/XMLSchema#date> .',
                                  S + '"x"@en30 .', S + "<relative> ."])
def test_declines_what_rdflib_reads_otherwise(text):
    assert not parse_turtle(text.encode("utf-8"), Graph())
