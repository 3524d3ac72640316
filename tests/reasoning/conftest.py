"""Fixtures of the reasoning tests: the TBox, the test patients, and one reasoner run each."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import OWL, RDF

from sarcoma_kg import rdf as graphs, resources
from sarcoma_kg.reasoning import reasoners as reason

FIXTURES = Path(__file__).parent / "fixtures"


def with_stub_terms(terms: Graph) -> Graph:
    """``terms`` plus the stand-in hierarchy of fixtures/terms-stub.ttl, for terms it lacks."""
    stub = Graph().parse(FIXTURES / "terms-stub.ttl")
    out = Graph()
    out += terms
    for subject in set(stub.subjects()):
        if (subject, RDF.type, OWL.Class) not in terms:
            for triple in stub.triples((subject, None, None)):
                out.add(triple)
    return out


@pytest.fixture(scope="session")
def reasoning_terms(ontology_graph) -> Graph:
    """The ontology (with classes.ttl) as the reasoner's TBox."""
    return with_stub_terms(ontology_graph)


@pytest.fixture(scope="session")
def small_terms() -> Graph:
    """A small TBox (header, core, patient, classes + the stub hierarchy) for the OWL RL comparison,
    where owlrl on the whole ontology would take tens of seconds."""
    files = [resources.HEADER_FILE, resources.ONTOLOGY_DIR / "core.ttl", resources.ONTOLOGY_DIR / "patient.ttl",
             resources.ONTOLOGY_DIR / "classes.ttl"]
    return with_stub_terms(graphs.load(files))


@pytest.fixture(scope="session")
def ra_patients() -> Graph:
    return Graph().parse(FIXTURES / "patients.ttl")


@pytest.fixture(scope="session")
def hermit_result(ra_patients, reasoning_terms):
    return reason.classify_patients(ra_patients, reasoning_terms, "hermit")


@pytest.fixture(scope="session")
def pellet_result(ra_patients, reasoning_terms):
    return reason.classify_patients(ra_patients, reasoning_terms, "pellet")


@pytest.fixture(scope="session")
def defined(reasoning_terms) -> set:
    return set(reason.defined_classes(reasoning_terms))


@pytest.fixture(scope="session")
def small_hermit(ra_patients, small_terms):
    return reason.classify_patients(ra_patients, small_terms, "hermit")
