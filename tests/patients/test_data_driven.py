"""Criteria are data: a definition added to the knowledge base is checked without code, and a
criterion of a kind no shape evaluates makes the verdict "cannot tell", never "meets"."""

from __future__ import annotations

from rdflib import Graph

from sarcoma_kg.patients import verdicts
from sarcoma_kg.namespaces import DEFINITION, EX, SKG

NEW_DEFINITIONS = """
@prefix skg: <https://w3id.org/sarcoma-kg/> .
@prefix definition: <https://w3id.org/sarcoma-kg/definition/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
definition:TestSingleOrgan a skg:OligometastaticDiseaseDefinition ;
    rdfs:label "test: one organ, lesions up to 20 mm"@en ;
    skg:hasCriterion definition:TestSingleOrgan-sites , definition:TestSingleOrgan-size .
definition:TestSingleOrgan-sites a skg:OrganSiteCountCriterion ; rdfs:label "one organ"@en ;
    skg:upperBound 1 .
definition:TestSingleOrgan-size a skg:LesionSizeCriterion ; rdfs:label "up to 20 mm"@en ;
    skg:upperBound 20 ; skg:upperBoundInclusive true .
definition:TestOrganRange a skg:OligometastaticDiseaseDefinition ;
    skg:hasCriterion definition:TestOrganRange-sites .
definition:TestOrganRange-sites a skg:OrganSiteCountCriterion ; rdfs:label "1-2 organs"@en ;
    skg:upperBound 1 ; skg:lenientUpperBound 2 .
skg:TestNewKindCriterion rdfs:subClassOf skg:DefinitionCriterion .
definition:TestNewKind a skg:OligometastaticDiseaseDefinition ;
    skg:hasCriterion definition:TestNewKind-c .
definition:TestNewKind-c a skg:TestNewKindCriterion .
"""
PATIENTS = """
@prefix skg: <https://w3id.org/sarcoma-kg/> .
@prefix ex: <https://w3id.org/sarcoma-kg/example/> .
ex:TwoOrgans a skg:Patient ; skg:hasLesion ex:TwoOrgans-L1 , ex:TwoOrgans-L2 .
ex:TwoOrgans-L1 a skg:MetastaticLesion ; skg:hasSite skg:Liver ; skg:longestDiameterMm 20 .
ex:TwoOrgans-L2 a skg:MetastaticLesion ; skg:hasSite skg:LeftLung ; skg:longestDiameterMm 21 .
ex:OneOrgan a skg:Patient ; skg:hasLesion ex:OneOrgan-L1 .
ex:OneOrgan-L1 a skg:MetastaticLesion ; skg:hasSite skg:Liver ; skg:longestDiameterMm 20 .
"""


def test_a_new_definition_is_checked_without_code(knowledge_graph):
    knowledge = Graph()
    knowledge += knowledge_graph
    knowledge.parse(data=NEW_DEFINITIONS, format="turtle")
    d = verdicts.derive_all(Graph().parse(data=PATIENTS, format="turtle"), knowledge)
    by = {(a.patient, a.definition): a for a in d.assessments}

    two = by[(EX.TwoOrgans, DEFINITION.TestSingleOrgan)]
    assert two.verdict == SKG.DoesNotMeet
    assert "2 organ sites > 1: liver, lung" in two.reasons
    assert "1 lesion of 21 mm > 20 mm" in two.reasons
    assert by[(EX.OneOrgan, DEFINITION.TestSingleOrgan)].verdict == SKG.Meets  # 20 mm is inclusive

    assert by[(EX.OneOrgan, DEFINITION.TestOrganRange)].verdict == SKG.MeetsAtStrictBound
    ranged = by[(EX.TwoOrgans, DEFINITION.TestOrganRange)]
    assert ranged.verdict == SKG.MeetsOnlyAtLenientBound
    assert ranged.reasons == ["2 organ sites: > 1 (strict end), <= 2 (lenient end)"]

    new_kind = by[(EX.OneOrgan, DEFINITION.TestNewKind)]
    assert new_kind.verdict == SKG.CannotTell
    assert new_kind.missing == ["criterion definition:TestNewKind-c is of a kind no shape evaluates"]
