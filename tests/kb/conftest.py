"""Fixtures of the knowledge-base tests: the studies curated from seeds 000, 001 and 004 (the
``studies-lecture*.ttl`` files), alone and with the ontology, and the seed texts."""

from __future__ import annotations

from pathlib import Path

import pytest

from sarcoma_kg import resources
from sarcoma_kg.rdf import load

#: The seed documents the knowledge base is curated from.
SEEDS_DIR = resources.SEEDS_DIR

LECTURE_FILES = sorted(resources.KB_DIR.glob("studies-lecture*.ttl"))


@pytest.fixture(scope="session")
def lecture_graph():
    """Only the studies of seeds 000, 001 and 004."""
    assert LECTURE_FILES, "no ontology/kb/studies-lecture*.ttl file"
    return load(LECTURE_FILES)


@pytest.fixture(scope="session")
def lecture_with_ontology():
    """The ontology, the sources file and the studies of seeds 000, 001 and 004."""
    return load([*resources.ontology_files(), resources.KB_DIR / "sources.ttl", *LECTURE_FILES])


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    """Each seed's text with runs of whitespace collapsed to one space (OCR tables use tabs)."""
    assert SEEDS_DIR.is_dir(), f"seed documents not found at {SEEDS_DIR}"
    texts = {p.name[:3]: " ".join(p.read_text(encoding="utf-8").split()) for p in sorted(Path(SEEDS_DIR).glob("0*.txt"))}
    assert set(texts) >= {"000", "001", "003", "004"}
    return texts
