"""Typing axioms for punned class values (sarcoma_kg.owl_view)."""

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF

from sarcoma_kg.namespaces import EX, SKG
from sarcoma_kg.reasoning.owl_view import typing_axioms

TTL = """
@prefix skg: <https://w3id.org/sarcoma-kg/> .
@prefix ex: <https://w3id.org/sarcoma-kg/example/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
skg:Lung a owl:Class . skg:RadiofrequencyAblation a owl:Class .
ex:S1 skg:studiesSite skg:Lung ; skg:usesModality skg:RadiofrequencyAblation , skg:NotAClass ;
      skg:studiesHistology "Sarcoma" .
ex:S2 skg:studiesSite skg:Lung .
"""


def test_one_restriction_per_class_value_and_nothing_else():
    axioms = typing_axioms(Graph().parse(data=TTL, format="turtle"))
    typed = sorted((s, axioms.value(r, OWL.onProperty), axioms.value(r, OWL.someValuesFrom))
                   for s, r in axioms.subject_objects(RDF.type) if (r, RDF.type, OWL.Restriction) in axioms)
    assert typed == sorted([
        (EX.S1, SKG.studiesSite, SKG.Lung),
        (EX.S1, SKG.usesModality, SKG.RadiofrequencyAblation),
        (EX.S2, SKG.studiesSite, SKG.Lung),
    ])
    # no structure sharing: each restriction node is the type of exactly one individual
    restrictions = list(axioms.subjects(RDF.type, OWL.Restriction))
    assert len(restrictions) == len(set(restrictions)) == 3
    assert all(len(list(axioms.subjects(RDF.type, r))) == 1 for r in restrictions)


def test_output_is_byte_identical_across_runs():
    first = typing_axioms(Graph().parse(data=TTL, format="turtle")).serialize(format="nt")
    second = typing_axioms(Graph().parse(data=TTL, format="turtle")).serialize(format="nt")
    assert sorted(first.splitlines()) == sorted(second.splitlines())
    assert "_:tx" in first


def test_classes_may_come_from_a_separate_terms_graph():
    data = Graph()
    data.add((EX.L1, SKG.hasSite, SKG.Liver))
    data.add((EX.L1, SKG.longestDiameterMm, Literal(12)))
    terms = Graph()
    terms.add((SKG.Liver, RDF.type, OWL.Class))
    assert len(typing_axioms(data)) == 0
    axioms = typing_axioms(data, terms)
    assert (None, OWL.someValuesFrom, SKG.Liver) in axioms
    assert isinstance(next(axioms.objects(EX.L1, RDF.type)), type(next(axioms.subjects(RDF.type, OWL.Restriction))))
    assert URIRef(EX.L1) in set(axioms.subjects(RDF.type, None))
