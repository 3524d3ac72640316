"""The documentation pages of the release: generated, escaped, deterministic."""

from __future__ import annotations

from sarcoma_kg.release.pages import catalogue_html
from sarcoma_kg.sparql.catalogue import catalogue

QUERIES = catalogue(include_qc=False)


def test_catalogue_page_lists_every_query_and_escapes_text():
    page = catalogue_html(QUERIES, version="0.1.0")
    for q in QUERIES:
        assert f'id="{q.name}"' in page
    assert "&lt;https://w3id.org/sarcoma-kg/&gt;" in page  # PREFIX IRIs escaped, not raw tags
    assert page == catalogue_html(QUERIES, version="0.1.0")
