#!/usr/bin/env python3
"""Write docs/reference/queries.md, the query reference of the documentation site, from the
``#+`` headers of queries/*.rq and queries/qc/*.rq (tests/release/test_pages.py checks it is current)."""

from __future__ import annotations

from pathlib import Path

from sarcoma_kg.release.pages import catalogue_markdown
from sarcoma_kg.sparql.catalogue import catalogue

REFERENCE = Path(__file__).resolve().parents[1] / "docs" / "reference" / "queries.md"

if __name__ == "__main__":
    REFERENCE.parent.mkdir(parents=True, exist_ok=True)
    REFERENCE.write_text(catalogue_markdown(catalogue(include_qc=True)), encoding="utf-8")
    print(f"wrote {REFERENCE}")
