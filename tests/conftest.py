"""Shared fixtures: the assembled graphs, parsed once per test session."""

from __future__ import annotations

import pytest

from sarcoma_kg import rdf as graphs


@pytest.fixture(scope="session")
def ontology_graph():
    return graphs.ontology_graph()


@pytest.fixture(scope="session")
def knowledge_graph():
    return graphs.knowledge_graph()
