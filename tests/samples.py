"""The small sample graphs of tests/fixtures/ that the query, release and server tests run on.

``catalogue.ttl`` is a knowledge-base sample (5 studies, 4 recommendations) on which every
catalogue query returns rows; ``release-ontology.ttl`` is a small ontology whose header gets the package version as the
assembled ontology does (:func:`sarcoma_kg.rdf.with_version`).
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from sarcoma_kg.namespaces import bind_prefixes
from sarcoma_kg.rdf import with_version

FIXTURES = Path(__file__).parent / "fixtures"
CATALOGUE_SAMPLE = FIXTURES / "catalogue.ttl"
ONTOLOGY_SAMPLE = FIXTURES / "release-ontology.ttl"
GOLDEN_DIR = Path(__file__).parent / "golden" / "queries"
#: An injection attempt: it must stay one plain literal on every backend.
MALICIOUS = 'x" } ; DROP ALL ; #'


def _graph(*paths: Path) -> Graph:
    graph = Graph()
    bind_prefixes(graph)
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


def catalogue_sample() -> Graph:
    """A fresh copy of the knowledge-base sample."""
    return _graph(CATALOGUE_SAMPLE)


def sample_study_count() -> int:
    """How many studies (skg:Study) the knowledge-base sample holds."""
    from rdflib.namespace import RDF

    from sarcoma_kg.namespaces import SKG

    return len(set(catalogue_sample().subjects(RDF.type, SKG.Study)))


def release_graphs() -> tuple[Graph, Graph]:
    """(ontology, ontology + knowledge base) of the samples, as a release is built from."""
    return with_version(_graph(ONTOLOGY_SAMPLE)), with_version(_graph(ONTOLOGY_SAMPLE, CATALOGUE_SAMPLE))
