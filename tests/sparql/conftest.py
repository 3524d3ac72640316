"""Fixtures of the query-catalogue tests, and the ``--update-golden`` option.

Run ``pytest tests/sparql --update-golden`` to rewrite tests/golden/queries/ from the rdflib
results over tests/fixtures/catalogue.ttl (review the diff before committing).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from rdflib import Graph

from sarcoma_kg.namespaces import bind_prefixes

TESTS = Path(__file__).resolve().parents[1]
FIXTURE = TESTS / "fixtures" / "catalogue.ttl"
GOLDEN_DIR = TESTS / "golden" / "queries"
#: The exact value the issue names: it must stay one plain literal on every backend.
MALICIOUS = 'x" } ; DROP ALL ; #'


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite the golden results of the query catalogue")


@pytest.fixture(scope="session")
def update_golden(request) -> bool:
    try:
        flag = request.config.getoption("--update-golden")
    except ValueError:  # option not registered (conftest not initial): fall back to the env
        flag = False
    return bool(flag) or os.environ.get("SARCOMA_KG_UPDATE_GOLDEN") == "1"


def load_fixture() -> Graph:
    graph = Graph()
    bind_prefixes(graph)
    graph.parse(FIXTURE, format="turtle")
    return graph


@pytest.fixture(scope="session")
def fixture_graph() -> Graph:
    return load_fixture()
