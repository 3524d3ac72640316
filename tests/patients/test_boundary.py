"""A patient file cannot change the rules: statements about the project's vocabulary, definitions,
criteria or classes are reported and ignored, on ``validate`` and on ``cohort validate``, for
Turtle and CSV input."""

from __future__ import annotations

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from sarcoma_kg.cohort.run import validate_cohort
from sarcoma_kg.namespaces import DEFINITION, EX, SKG
from sarcoma_kg.patients import boundary, shapes
from sarcoma_kg.patients.validate import validate_paths

PREFIXES = """@prefix skg: <https://w3id.org/sarcoma-kg/> .
@prefix ex: <https://w3id.org/sarcoma-kg/example/> .
@prefix definition: <https://w3id.org/sarcoma-kg/definition/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
"""
#: A sarcoma with two liver lesions: meets Falk 2015 (1-5 lesions, written for sarcoma).
GOOD = """ex:Good a skg:Patient ; skg:hasLesion ex:Good-L1 , ex:Good-L2 ; skg:hasPrimaryTumour ex:Good-P . ex:Good-P a skg:PrimaryTumour ; skg:hasHistology skg:Leiomyosarcoma .
ex:Good-L1 a skg:MetastaticLesion ; skg:hasSite skg:Liver ; skg:longestDiameterMm 10 .
ex:Good-L2 a skg:MetastaticLesion ; skg:hasSite skg:Liver ; skg:longestDiameterMm 12 .
"""
#: A lesion on the Moon, which the same file then tries to make an anatomical site.
MOON = """ex:Lunar a skg:Patient ; skg:hasLesion ex:Lunar-L1 .
ex:Lunar-L1 a skg:MetastaticLesion ; skg:hasSite skg:Moon ; skg:longestDiameterMm 10 .
"""
ATTACK = """ex:Attacker a skg:Patient .
definition:Falk2015-lesions skg:upperBound 0 .
skg:Moon a owl:Class ;
    rdfs:subClassOf skg:AnatomicalSite .
ex:Crater rdfs:subClassOf skg:Lung .
"""
CSV = ("patient_id,primary_histology,lesion_id,lesion_site,lesion_diameter_mm\n"
       "Tab,Leiomyosarcoma,L1,Liver,10\nTab,Leiomyosarcoma,L2,Liver,12\nTabMoon,Leiomyosarcoma,L1,Moon,10\n")


@pytest.fixture(autouse=True)
def _knowledge(monkeypatch, knowledge_graph):
    monkeypatch.setattr(shapes, "knowledge_context", lambda fresh=False: knowledge_graph)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("triple", "refused"), [
    ((DEFINITION["Falk2015-lesions"], SKG.upperBound, Literal(0)), True),
    ((SKG.Moon, RDFS.subClassOf, SKG.AnatomicalSite), True),
    ((SKG.Moon, RDF.type, OWL.Class), True),
    ((EX.Crater, RDFS.subClassOf, SKG.Lung), True),
    ((EX.Crater, RDF.type, RDFS.Class), True),
    ((BNode(), OWL.onProperty, SKG.hasSite), True),
    ((EX.P1, RDF.type, SKG.Patient), False),
    ((EX.P1, RDF.type, OWL.NamedIndividual), False),
    ((URIRef("https://w3id.org/sarcoma-kg/verdict/P1--Falk2015"), SKG.verdict, SKG.Meets), False),
    ((URIRef("https://w3id.org/sarcoma-kg/study/Falk2015"), SKG.sampleSize, Literal(1)), True),
    ((EX.P1, SKG.hasLesion, EX["P1-L1"]), False),
    ((URIRef("http://other.org/P"), SKG.hasLesion, SKG.Moon), False),
    ((EX["P1-L1"], SKG.hasSite, SKG.Moon), False),
])
def test_the_rule_in_python_and_in_sparql_agree(triple, refused):
    import pyoxigraph as ox

    assert boundary.is_refused(*triple) is refused
    store = ox.Store()
    store.load(" ".join(t.n3() for t in triple).encode() + b" .", format=ox.RdfFormat.N_TRIPLES)
    assert bool(list(store.query(boundary.REFUSED_QUERY))) is refused


def verdict(result, patient, definition):
    return next(a.verdict for a in result.derivation.assessments
                if a.patient == patient and a.definition == definition)


def moon_violations(result, lesion):
    return [f for f in result.violations if f.focus == lesion and f.path == SKG.hasSite]


def test_validate_turtle_the_attack_changes_no_verdict_and_is_reported(tmp_path):
    good = write(tmp_path, "good.ttl", PREFIXES + GOOD)
    moon = write(tmp_path, "moon.ttl", PREFIXES + MOON + "skg:Moon rdfs:subClassOf skg:AnatomicalSite .\n")
    attack = write(tmp_path, "attack.ttl", PREFIXES + ATTACK)
    result = validate_paths([good, moon, attack])
    assert verdict(result, EX.Good, DEFINITION.Falk2015) == SKG.Meets
    assert moon_violations(result, EX["Lunar-L1"]), "skg:Moon must stay an unknown site"
    messages = [e.message for e in result.errors]
    assert any(m.startswith(f"{attack}:7: definition:Falk2015-lesions skg:upperBound") for m in messages), messages
    assert any(m.startswith(f"{moon}:8: skg:Moon rdfs:subClassOf skg:AnatomicalSite") for m in messages), messages
    assert any("ex:Crater rdfs:subClassOf skg:Lung" in m for m in messages), messages
    assert result.exit_code == 2
    assert not any(boundary.is_refused(*t) for pf in result.files for t in pf.graph)


def test_validate_csv_the_attack_changes_no_verdict(tmp_path):
    board = write(tmp_path, "board.csv", CSV)
    attack = write(tmp_path, "attack.ttl", PREFIXES + ATTACK)
    result = validate_paths([board, attack])
    assert verdict(result, EX.Tab, DEFINITION.Falk2015) == SKG.Meets
    assert moon_violations(result, EX["TabMoon-L1"])
    assert result.exit_code == 2


def cohort_rows(path):
    result = validate_cohort(path, workers=1, collect=True)
    return result, {(r[0], r[1]): r[2] for r in result.all_rows}


def test_cohort_validate_the_attack_changes_no_verdict_and_is_reported(tmp_path):
    path = write(tmp_path, "cohort.ttl", PREFIXES + GOOD + MOON + ATTACK)
    result, rows = cohort_rows(path)
    assert rows[(str(EX.Good), str(DEFINITION.Falk2015))] == "Meets"
    assert any(r[0] == str(EX["Lunar-L1"]) and r[2].endswith("Violation") for r in result.all_results)
    assert any(m.startswith(f"{path}:12: definition:Falk2015-lesions") for m in result.input_errors), result.input_errors
    assert len(result.input_errors) == 4


def test_cohort_validate_without_the_attack_refuses_nothing(tmp_path):
    path = write(tmp_path, "cohort.ttl", PREFIXES + GOOD)
    result, rows = cohort_rows(path)
    assert result.input_errors == []
    assert rows[(str(EX.Good), str(DEFINITION.Falk2015))] == "Meets"


def test_serve_refuses_a_patient_file_that_changes_the_rules(tmp_path, knowledge_graph):
    from sarcoma_kg.errors import InputError
    from sarcoma_kg.sparql.server.store import _patient_ntriples

    attack = write(tmp_path, "attack.ttl", PREFIXES + ATTACK)
    with pytest.raises(InputError, match="outside what a patient record may say"):
        _patient_ntriples(attack, knowledge_graph, tmp_path / "attack.nt")
    good = write(tmp_path, "good.ttl", PREFIXES + GOOD)
    served = _patient_ntriples(good, knowledge_graph, tmp_path / "good.nt").read_text(encoding="utf-8")
    assert "/verdict/Good--Falk2015>" in served
    assert "/definition/Falk2015-lesions> <https://w3id.org/sarcoma-kg/upperBound>" not in served
