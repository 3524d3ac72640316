"""Fixtures of the query tests: the knowledge-base sample every catalogue query runs on."""

from __future__ import annotations

import pytest
from rdflib import Graph
from samples import catalogue_sample


@pytest.fixture(scope="session")
def fixture_graph() -> Graph:
    """The sample of tests/fixtures/catalogue.ttl, shared: do not modify it (use catalogue_sample())."""
    return catalogue_sample()
