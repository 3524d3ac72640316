"""Fixtures of the ontology tests: the term modules, the two SSSOM files, the seed texts."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from sarcoma_kg import rdf, resources

#: The verified mapping list shared by the project, from which our SSSOM rows are copied.
SHARED_SSSOM = resources.VERIFIED_MAPPINGS_FILE
SEEDS_DIR = resources.SEEDS_DIR

#: The term modules this area owns, by module name.
MODULES = ("histology", "anatomy", "modality", "agents", "metastasis", "evidence")


def sssom_lines(path: Path) -> list[str]:
    """Data lines of an SSSOM TSV (comment lines and the column header dropped)."""
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    return lines[1:]


@pytest.fixture(scope="session")
def module_graphs() -> dict[str, Graph]:
    return {name: rdf.load([resources.ONTOLOGY_DIR / f"{name}.ttl"]) for name in MODULES}


@pytest.fixture(scope="session")
def seed_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS_DIR.glob("*.txt")))


@pytest.fixture(scope="session")
def shared_sssom_lines() -> list[str]:
    return sssom_lines(SHARED_SSSOM)


@pytest.fixture(scope="session")
def project_sssom_lines() -> list[str]:
    return sssom_lines(resources.MAPPINGS_FILE)
