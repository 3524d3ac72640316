"""Smoke tests on the live knowledge base (rdf.knowledge_graph()): the key questions return
rows, and rdflib and pyoxigraph agree on them. These follow the curation work in ontology/kb/."""

from __future__ import annotations

import pytest

from resultsets import canonical_rows

from sarcoma_kg.sparql import backends, catalogue, query
from sarcoma_kg.namespaces import SKG

CATALOGUE = catalogue.catalogue(include_qc=False)


@pytest.fixture(scope="module")
def live(knowledge_graph):
    return backends.OxigraphBackend(knowledge_graph), backends.RdflibBackend(knowledge_graph)


def _rows(backend, name, *params):
    q = catalogue.load_query(name)
    return query.run(q, backend, query.parse_params(q, params)).result


def test_every_catalogue_query_agrees_across_engines_on_the_live_kb(live):
    oxigraph_engine, rdflib_engine = live
    for q in CATALOGUE:
        if not all(p.optional for p in q.parameters):
            continue
        a = oxigraph_engine.query(q.text, {})
        b = rdflib_engine.query(q.text, {})
        if q.kind == "CONSTRUCT":
            assert len(a) == len(b), q.name
        else:
            assert canonical_rows(a) == canonical_rows(b), q.name


def test_recommendation_chain_reaches_outcome_figures(live):
    rows = _rows(live[0], "cq-recommendation-evidence").as_dicts()
    assert len({r["rec"] for r in rows}) >= 34
    assert any(r["study"] is not None and r["value"] is not None for r in rows)


def test_definitions_side_by_side(live):
    rows = _rows(live[0], "cq-definitions-side-by-side").as_dicts()
    assert len({r["definition"] for r in rows}) >= 4


def test_histology_hierarchy_on_the_live_kb(live):
    gist = _rows(live[0], "cq-studies-by-histology", "histology=skg:GastrointestinalStromalTumour")
    assert len(gist) > 0
    sts = _rows(live[0], "cq-studies-by-histology", "histology=skg:SoftTissueSarcoma").as_dicts()
    assert any(r["studyHistology"] != SKG.SoftTissueSarcoma for r in sts), "subtype studies are found"


def test_outcome_questions_return_rows(live):
    assert len(_rows(live[0], "cq-survival-by-modality-site")) > 0
    assert len(_rows(live[0], "cq-local-control-by-modality")) > 0
    assert len(_rows(live[0], "cq-outcomes-by-modality-site", "modality=skg:ThermalAblation", "site=skg:Lung")) > 0
    assert len(_rows(live[0], "cq-recommendations-by-evidence")) >= 34
    assert len(_rows(live[0], "cq-fact-provenance")) > 0
