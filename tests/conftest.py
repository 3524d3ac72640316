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
from sarcoma_kg.patients import shapes
from run_once import SharedReports, run_folder


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite the golden files from the results of this run")


@pytest.fixture(scope="session", autouse=True)
def shared_pyshacl_reports(tmp_path_factory):
    """pySHACL's patient-shape reports computed once per run over the same data and shapes, and
    read by every test process (:mod:`run_once`; the folder is this run's)."""
    shared = SharedReports(run_folder(tmp_path_factory, "pyshacl-reports"), shapes.run_shapes, shapes.shape_graph)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(shapes, "run_shapes", shared)
        yield shared


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
