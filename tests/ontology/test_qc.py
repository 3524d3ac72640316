"""The QC report queries: well-formed, clean on our ontology and knowledge base, and each one
catches a deliberately broken copy."""

from __future__ import annotations

import re

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.plugins.sparql import prepareQuery

from sarcoma_kg.release import qc
from sarcoma_kg.sparql.catalogue import parse_query_file
from sarcoma_kg.errors import InputError
from sarcoma_kg.namespaces import NCIT, ONTOLOGY_IRI, SKG

QUERIES = {p.stem: p for p in qc.query_files()}


def _drop(graph: Graph, s, p) -> None:
    graph.remove((s, p, None))


# query -> (how to break a copy of the ontology, the entity the query must then report)
BREAKS = {
    "qc-missing-label": (lambda g: _drop(g, SKG.Leiomyosarcoma, RDFS.label), SKG.Leiomyosarcoma),
    "qc-multiple-labels": (lambda g: g.add((SKG.Ilium, RDFS.label, Literal("iliac bone", lang="en"))), SKG.Ilium),
    "qc-label-not-english": (lambda g: (_drop(g, SKG.Femur, RDFS.label),
                                        g.add((SKG.Femur, RDFS.label, Literal("femur")))), SKG.Femur),
    "qc-duplicate-label": (lambda g: (_drop(g, SKG.Tibia, RDFS.label),
                                      g.add((SKG.Tibia, RDFS.label, Literal("Femur", lang="en")))), SKG.Tibia),
    "qc-missing-definition": (lambda g: _drop(g, SKG.Cryoablation, SKOS.definition), SKG.Cryoablation),
    "qc-multiple-definitions": (lambda g: g.add((SKG.Rib, SKOS.definition, Literal("A bone.", lang="en"))), SKG.Rib),
    "qc-missing-defined-by": (lambda g: _drop(g, SKG.GradeA, RDFS.isDefinedBy), SKG.GradeA),
    "qc-xref-not-in-mappings": (lambda g: g.add((SKG.Chondrosarcoma, SKOS.exactMatch, NCIT.C2945)), SKG.Chondrosarcoma),
    "qc-mapping-not-in-ontology": (lambda g: _drop(g, SKG.Liver, SKOS.exactMatch), SKG.Liver),
    "qc-missing-header-metadata": (lambda g: _drop(g, ONTOLOGY_IRI, DCTERMS.license), ONTOLOGY_IRI),
    "qc-ambiguous-synonym": (lambda g: g.add((SKG.Chordoma, SKOS.altLabel, Literal("ES", lang="en"))), SKG.Chordoma),
}


def test_every_query_has_a_break_case():
    assert sorted(QUERIES) == sorted(BREAKS)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_query_is_robot_style(name):
    text = QUERIES[name].read_text(encoding="utf-8")
    header = parse_query_file(QUERIES[name])
    for key in ("problem", "principle", "solution"):
        assert getattr(header, key).endswith((".", ")")), f"{name} lacks a {key} sentence"
    assert re.search(r"SELECT DISTINCT \?entity \?property \?value WHERE", text)
    assert "ORDER BY" in text
    prepareQuery(text)


def test_profile_names_every_query():
    profile = qc.load_profile()
    assert sorted(profile) == sorted(QUERIES)
    assert set(profile.values()) <= set(qc.SEVERITIES)


def test_profile_with_bad_severity_is_an_input_error(tmp_path):
    bad = tmp_path / "profile.tsv"
    bad.write_text("qc-missing-label\tFATAL\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"profile\.tsv:1: severity"):
        qc.load_profile(bad)


def test_ontology_is_clean(ontology_graph):
    findings = qc.run_qc(ontology_graph)
    assert findings == [], "\n".join(map(str, findings))


def test_ontology_and_knowledge_base_are_clean(knowledge_graph):
    findings = qc.run_qc(knowledge_graph)
    assert findings == [], "\n".join(map(str, findings))


@pytest.fixture(scope="module")
def mappings():
    return qc.load_mappings()


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_query_catches_a_broken_copy(name, ontology_graph, mappings):
    breaker, entity = BREAKS[name]
    clean = qc.run_qc(ontology_graph, mappings, queries=[QUERIES[name]])
    assert [f for f in clean if f.entity == str(entity)] == []
    broken = Graph()
    broken += ontology_graph
    breaker(broken)
    findings = qc.run_qc(broken, mappings, queries=[QUERIES[name]])
    hits = [f for f in findings if f.entity == str(entity)]
    assert hits, f"{name} did not catch the broken {entity}"
    severity = qc.load_profile()[name]
    assert all(f.query == name and f.severity == severity for f in hits)
    assert all(f.solution == parse_query_file(QUERIES[name]).solution != "" for f in hits)


def test_missing_ontology_header_is_caught(ontology_graph, mappings):
    broken = Graph()
    broken += ontology_graph
    broken.remove((ONTOLOGY_IRI, RDF.type, OWL.Ontology))
    findings = qc.run_qc(broken, mappings, queries=[QUERIES["qc-missing-header-metadata"]])
    assert [(f.property, f.value) for f in findings] == [(str(RDF.type), str(OWL.Ontology))]


def test_knowledge_base_individuals_are_not_terms(ontology_graph, mappings):
    graph = Graph()
    graph += ontology_graph
    study = URIRef(str(SKG) + "study/Unlabelled2020")
    graph.add((study, RDF.type, SKG.Study))
    graph.add((study, RDF.type, SKOS.Concept))  # even typed oddly, a study/ IRI is not a term
    assert qc.run_qc(graph, mappings, queries=[QUERIES["qc-missing-label"]]) == []


def test_malformed_query_is_an_input_error(tmp_path, ontology_graph, mappings):
    bad = tmp_path / "qc-bad.rq"
    bad.write_text("SELECT ?entity WHERE {", encoding="utf-8")
    with pytest.raises(InputError, match="qc-bad.rq: not a valid SPARQL query"):
        qc.run_qc(ontology_graph, mappings, queries=[bad])
