#!/usr/bin/env python3
"""Write the generated pages of the documentation site: docs/reference/queries.md, the query
reference, from the ``#+`` headers of queries/*.rq and queries/qc/*.rq (tests/release/test_pages.py
checks it is current); docs/clinical-rules.md, from the applicability data of the knowledge base
(tests/release/test_rules.py checks it is current)."""

from __future__ import annotations

from pathlib import Path

from sarcoma_kg.rdf import knowledge_graph
from sarcoma_kg.release.pages import catalogue_markdown
from sarcoma_kg.release.rules import clinical_rules_markdown
from sarcoma_kg.sparql.catalogue import catalogue

DOCS = Path(__file__).resolve().parents[1] / "docs"
REFERENCE = DOCS / "reference" / "queries.md"
RULES = DOCS / "clinical-rules.md"

if __name__ == "__main__":
    REFERENCE.parent.mkdir(parents=True, exist_ok=True)
    REFERENCE.write_text(catalogue_markdown(catalogue(include_qc=True)), encoding="utf-8")
    print(f"wrote {REFERENCE}")
    RULES.write_text(clinical_rules_markdown(knowledge_graph()), encoding="utf-8")
    print(f"wrote {RULES}")
