"""The catalogue itself: headers, coverage of the competency questions, the generated page."""

from __future__ import annotations

import re

import pytest

from sarcoma_kg.sparql import catalogue
from sarcoma_kg.errors import InputError

QUERIES = catalogue.catalogue(include_qc=False)

REQUIRED_QUESTIONS = [
    "cq-recommendation-evidence", "cq-recommendations-for-patient", "cq-outcomes-by-modality-site",
    "cq-survival-by-modality-site", "cq-local-control-by-modality", "cq-recommendations-by-evidence",
    "cq-evidence-gaps", "cq-definitions-side-by-side", "cq-studies-by-histology",
    "cq-cohort-definitions", "cq-fact-provenance",
]


def test_at_least_twelve_competency_questions_including_the_required_ones():
    names = {q.name for q in QUERIES}
    assert len([n for n in names if n.startswith("cq-")]) >= 12
    assert set(REQUIRED_QUESTIONS) <= names


@pytest.mark.parametrize("q", QUERIES, ids=[q.name for q in QUERIES])
def test_header_is_complete(q):
    assert q.summary and q.question and q.returns and q.golden, q.name
    assert q.family in ("cq", "construct")
    assert re.search(r"\bORDER\s+BY\b", q.text, re.IGNORECASE), "always ORDER BY"
    for param in q.parameters:
        assert f"?{param.name}" in q.text.split("\nPREFIX", 1)[1], f"parameter {param.name} unused"
        if not param.optional:
            assert param.example, f"required parameter {param.name} needs an example for the tests"


def test_header_errors_name_file_and_line(tmp_path):
    bad = tmp_path / "cq-bad.rq"
    bad.write_text("#+ summary: x\n#+ parameters:\n#+   - {name: a, type: colour}\nSELECT * WHERE {}\n")
    with pytest.raises(InputError, match=r"cq-bad.rq:3: unknown parameter type 'colour'"):
        catalogue.parse_query_file(bad)


def test_parameter_header_is_parsed():
    q = catalogue.load_query("cq-study-bibliography")
    assert q.parameters == [catalogue.Parameter("author", "string", True, "Falk AT")]
    assert q.kind == "SELECT"
    assert catalogue.load_query("construct-citations").kind == "CONSTRUCT"
