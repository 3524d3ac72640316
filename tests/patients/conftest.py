"""Fixtures for the patient tests: the knowledge context the shapes run against."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from sarcoma_kg.namespaces import SKG

HERE = Path(__file__).parent
CASES = HERE.parent / "cases" / "patients"
ANATOMY_FIXTURE = HERE / "fixtures" / "anatomy-min.ttl"


@pytest.fixture(scope="session")
def patient_knowledge(knowledge_graph) -> Graph:
    """Ontology + kb; adds a minimal anatomy/histology fixture only while ontology/anatomy.ttl
    lacks the organ-level sites (the ontology part writes it in parallel)."""
    if (SKG.Lung, SKG.organLevelSite, SKG.Lung) in knowledge_graph and (
        SKG.Leiomyosarcoma, None, None) in knowledge_graph:
        return knowledge_graph
    g = Graph()
    for t in knowledge_graph:
        g.add(t)
    g.parse(ANATOMY_FIXTURE)
    return g
