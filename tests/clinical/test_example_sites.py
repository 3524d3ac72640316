"""The example patients code sites as a clinician would: a soft-tissue primary is not sited in a bone
(a synovial sarcoma of the thigh is skg:SoftTissueOfThigh, not skg:Femur), and every site is a class
of the anatomy hierarchy."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import RDFS

from sarcoma_kg import resources
from sarcoma_kg.namespaces import SKG
from sarcoma_kg.patients.csv_mapping import read_csv

EXAMPLES = resources.EXAMPLES_DIR


def _example_files() -> list[Path]:
    return sorted(p for p in EXAMPLES.rglob("*") if p.suffix in (".ttl", ".csv"))


def _load(path: Path) -> Graph:
    return read_csv(path) if path.suffix == ".csv" else Graph().parse(path)


def _under(graph: Graph, cls, root) -> bool:
    return root in set(graph.transitive_objects(cls, RDFS.subClassOf))


@pytest.mark.parametrize("path", _example_files(), ids=lambda p: p.name)
def test_a_soft_tissue_primary_is_not_sited_in_a_bone(path, ontology_graph):
    data = _load(path)
    wrong = []
    for primary in data.subjects(SKG.hasHistology, None):
        histologies = list(data.objects(primary, SKG.hasHistology))
        if not any(_under(ontology_graph, h, SKG.SoftTissueSarcoma) for h in histologies):
            continue
        wrong += [(primary, site) for site in data.objects(primary, SKG.hasSite)
                  if _under(ontology_graph, site, SKG.Bone)]
    assert wrong == []


@pytest.mark.parametrize("path", _example_files(), ids=lambda p: p.name)
def test_every_site_is_an_anatomy_class(path, ontology_graph):
    data = _load(path)
    unknown = sorted({str(site) for site in data.objects(None, SKG.hasSite)
                      if not _under(ontology_graph, site, SKG.AnatomicalSite)})
    assert unknown == []
