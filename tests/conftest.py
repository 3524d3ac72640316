"""Shared fixtures: the assembled graphs (parsed once per test run) and golden files.

``pytest --update-golden`` rewrites every golden file from the results of the run (review the
diff before committing). The fast subset, without reasoner-heavy and server tests::

    .venv/bin/python -m pytest -m "not slow and not server"
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from sarcoma_kg import rdf


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite the golden files from the results of this run")


@pytest.fixture(scope="session")
def ontology_graph():
    return rdf.ontology_graph()


@pytest.fixture(scope="session")
def knowledge_graph():
    return rdf.knowledge_graph()


@pytest.fixture(scope="session")
def golden(request) -> Callable[[Path, str], str]:
    """``golden(path, actual)``: the expected text stored at ``path``; with ``--update-golden``,
    ``actual`` is written there first. The test parses and compares (as a graph, a result set ...)."""
    update = request.config.getoption("--update-golden")

    def expected(path: Path, actual: str) -> str:
        if update:
            path.write_text(actual, encoding="utf-8")
        return path.read_text(encoding="utf-8")

    return expected
