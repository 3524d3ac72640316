"""The page's application in-process (Starlette's TestClient, no browser, no reasoner): the upload limit, term
pages, input errors worded as the CLI's, and the small form turned into tumour-board CSV."""

from __future__ import annotations

import csv
import io

import pytest
from starlette.testclient import TestClient

from sarcoma_kg.page import check
from sarcoma_kg.page.app import create_app


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app(max_bytes=4096))


def test_the_forms_are_served(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'id="paste-form"' in response.text and 'id="patient-form"' in response.text


def test_a_body_over_the_limit_is_refused_before_it_is_read(client):
    response = client.post("/check", content=b"kind=csv&text=" + b"x" * 5000,
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413
    assert "larger than the limit of 4 KiB" in response.text


@pytest.mark.parametrize("kind, text, words", [
    ("csv", "patient_id,ecog\nP1,7.5\n", "error: patient.csv:2: column ecog: &#x27;7.5&#x27; is not a whole number"),
    ("ndjson", '{"resourceType": "Bundle", "id": "b"}\n', "error: patient.ndjson:1: a Bundle; NDJSON holds one resource per line"),
    ("fhir", '{"resourceType": "Bundle", "type": "collection", "entry": []}', "error: patient.json: no FHIR resource in it"),
    ("nonsense", "x", "error: unknown input kind"),
])
def test_input_errors_are_on_the_page_as_the_cli_words_them(client, kind, text, words):
    response = client.post("/check", data={"kind": kind, "text": text})
    assert response.status_code == 400
    assert words in response.text
    assert "Traceback" not in response.text


def test_term_pages(client):
    study = client.get("/term/study:Falk2015")
    assert study.status_code == 200 and "Falk AT" in study.text
    assert client.get("/term/skg:NoSuchTerm").status_code == 404
    assert client.get("/term/nosuchprefix:X").status_code == 404


def test_the_small_form_becomes_tumour_board_csv():
    text = check.form_to_csv({"patient_id": "F1", "primary_histology": "NCIT:C3158", "ecog": "1",
                              "lesion_site_1": "Liver", "lesion_diameter_mm_1": "20",
                              "lesion_site_3": "Lung", "detection_date_3": "2024-01-01"})
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["patient_id"], r["lesion_site"], r["lesion_diameter_mm"], r["detection_date"]) for r in rows] == [
        ("F1", "Liver", "20", ""), ("F1", "Lung", "", "2024-01-01")]
    assert rows[0]["primary_histology"] == "NCIT:C3158" and rows[0]["ecog"] == "1"


@pytest.mark.parametrize("name, kind, expected", [
    (None, "csv", "patient.csv"), ("../../etc/passwd", "turtle", "passwd.ttl"), ("cohort.ndjson", "fhir", "cohort.ndjson"),
    ("record.json", "fhir", "record.json"), ("a b;c.csv", "csv", "a_b_c.csv"),
])
def test_submitted_names_stay_inside_the_temporary_folder(name, kind, expected):
    assert check.safe_name(name, kind) == expected


def test_an_outcome_figure_shows_statistic_ci_p_and_its_seed_passage():
    from rdflib import Graph

    from sarcoma_kg.page import html
    from sarcoma_kg.patients import shapes
    from sarcoma_kg.reasoning.recommend import Outcome

    graph = Graph()
    graph += shapes.knowledge_context()
    graph += check.terms_graph()
    figure = html._figure(Outcome(outcome="outcome:Brudvik2015-rfs-median-lms-adjuvant", measure="recurrence-free survival",
                                  value=7.9, unit="month", timepoint=None, subgroup="LMS, adjuvant chemotherapy",
                                  sources=["https://w3id.org/sarcoma-kg/source/seed003-table-adjuvant"]), graph)
    assert "(median)" in figure.lower() and ": 7.9 month" in figure and "p = 0.434" in figure
    assert '<q class="passage">Median RFS in LMS: 7.9 vs. 9.0 months, p = 0.434</q>' in figure
    assert 'href="/term/source:seed003-table-adjuvant"' in figure
    assert 'href="/term/outcome:Brudvik2015-rfs-median-lms-adjuvant"' in figure
    hazard = html._figure(Outcome(outcome="outcome:Goumard2018-preop-os-hr-univariate", measure="overall survival",
                                  value=None, unit=None, timepoint=None, subgroup=None, sources=[]), graph)
    assert ", CI 0.86–" in hazard
