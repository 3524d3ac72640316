"""The vendored sources are the team's originals, and every seed the KB cites is there."""

from pathlib import Path

import pytest
from rdflib import URIRef

from sarcoma_kg import resources

SHARED = resources.ROOT.parent / "shared"


def test_every_seed_document_named_in_the_kb_is_vendored(knowledge_graph):
    names = {str(o) for o in knowledge_graph.objects(None, URIRef("https://w3id.org/sarcoma-kg/fileName"))}
    assert len(names) == 4
    for name in names:
        assert (resources.SEEDS_DIR / name).is_file(), name


def _pairs():
    for folder in ("seeds", "mappings"):
        for vendored in sorted((resources.SOURCES_DIR / folder).iterdir()):
            yield vendored, SHARED / folder / vendored.name


@pytest.mark.skipif(not SHARED.is_dir(), reason="no ../shared next to this checkout (CI has it)")
@pytest.mark.parametrize("vendored, original", list(_pairs()), ids=lambda p: Path(p).name)
def test_vendored_copy_is_byte_identical_to_the_shared_original(vendored, original):
    assert original.is_file(), f"{original.name} is no longer in ../shared"
    assert vendored.read_bytes() == original.read_bytes()
