"""The page's application in-process (Starlette's TestClient, no browser, no reasoner): the upload limit, term
pages, input errors worded as the CLI's, and the small form turned into tumour-board CSV."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from rdflib import Graph
from starlette.testclient import TestClient

from sarcoma_kg.namespaces import SKG
from sarcoma_kg.page import check, html
from sarcoma_kg.page.app import create_app
from sarcoma_kg.patients import shapes
from sarcoma_kg.patients.validate import as_dict, validate_paths
from sarcoma_kg.rdf import patients_in
from sarcoma_kg.reasoning.reasoners import Classification

TB_001 = Path(__file__).resolve().parents[2] / "examples" / "tumour-board.csv"
#: The classes HermiT infers for TB-001 (two liver lesions, metachronous, leiomyosarcoma), frozen so that
#: the page's answer is checked without a reasoner run.
TB_001_CLASSES = frozenset(SKG[name] for name in (
    "LesionAmenableToLocalTreatment", "SomeLesionNotResectable", "LiverLesionAmenableToAblation",
    "SomeLiverLesionNotResectable", "ActiveMetastaticDisease", "RespondingToSystemicTherapy", "BilobarLiverDisease",
    "BilobarOligometastaticLiverDisease", "LiverMetastaticDisease", "LiverOnlyMetastaticDisease",
    "MetachronousMetastaticDisease", "MetachronousOligometastaticDisease",
    "MetachronousLiverOnlyOligometastaticDisease", "MetachronousOligometastaticLiverDisease",
    "MetastaticSarcomaPatient", "MetastaticSarcomaAmenableToFocalTreatment", "MetastaticSoftTissueSarcomaPatient",
    "NoDiffuseSerosalDisease", "NoPriorLiverResection", "NotLiverAndLungOnlyMetastaticDisease",
    "IberoAmericanOligometastaticDisease", "OligometastaticSarcomaPatient",
    "IberoAmericanOligometastaticSoftTissueSarcoma", "ResectablePrimaryTumourPatient",
    "ResectedPrimaryTumourPatient", "SoftTissueSarcomaLiverMetastasisPatient",
    "SoftTissueSarcomaPresentLiverMetastasisPatient", "SarcomaPatient", "SoftTissueSarcomaPatient"))


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app(max_bytes=4096))


@pytest.fixture(scope="module")
def knowledge() -> Graph:
    graph = Graph()
    graph += shapes.knowledge_context()
    graph += check.terms_graph()
    return graph


@pytest.fixture(scope="module")
def answered() -> str:
    """The answer page for TB-001 of examples/tumour-board.csv, the reasoner's classes given."""
    def frozen(data, terms, reasoner, **_options):
        return Classification("frozen", {p: TB_001_CLASSES for p in patients_in(data)})

    rows = "\n".join(TB_001.read_text(encoding="utf-8").splitlines()[:3])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sarcoma_kg.reasoning.recommend.classify_patients", frozen)
        response = TestClient(create_app()).post("/check", data={"kind": "csv", "text": rows, "name": "tb.csv"})
    assert response.status_code == 200
    return response.text


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


def _rec_block(text: str, notation: str) -> str:
    """The HTML of one recommendation of the answer page."""
    match = re.search(rf'<div class="rec [a-z]+" data-notation="{re.escape(notation)}".*?(?=<div class="rec |<h3>|</section>)',
                      text, re.S)
    assert match, notation
    return match.group(0)


def _section(text: str, kind: str) -> str:
    match = re.search(rf'<div class="{kind}">(.*?)(?=<h3>|</section>)', text, re.S)
    assert match, kind
    return match.group(1)


def test_the_three_lists_hold_what_recommend_judged(answered):
    for kind, status in (("applicable", "applies"), ("to-confirm", "to confirm"), ("not-applicable", "does not apply")):
        statuses = re.findall(r'data-status="([^"]+)"', _section(answered, kind))
        assert statuses and set(statuses) == {status}, kind
    assert 'data-notation="5.5"' in _section(answered, "applicable")
    assert 'data-notation="8.1"' in _section(answered, "to-confirm")
    assert 'data-notation="2.1"' in _section(answered, "not-applicable")


def test_a_condition_left_to_the_clinician_and_a_fact_to_record_are_shown_to_confirm(answered):
    r55 = _rec_block(answered, "5.5")
    assert ('<div class="confirm">to confirm: &quot;requiring complex hepatectomies (e.g.,with vascular involvement, '
            "or central location)&quot; (left to the clinician: vascular involvement and central location are not "
            "recorded)</div>") in r55
    r81 = _rec_block(answered, "8.1")  # to confirm: what to record, and the fact that bears on it
    assert "to confirm: &quot;DFI ≥ 6 months&quot; (record the resection date of the primary tumour" in r81
    assert "[disease-free interval (months): not recorded]" in r81


def test_level_grade_votes_consensus_and_conflicts(answered):
    r55 = _rec_block(answered, "5.5")
    assert '<span class="meta">level V, grade D, votes 20/35, NO CONSENSUS, 57% agreement</span>' in r55
    assert ('<div class="conflict">CONFLICTS WITH: <a href="/term/rec:IAC-8.1">rec:IAC-8.1</a> '
            "(both possible for this patient)</div>") in r55
    assert 'CONFLICTS WITH: <a href="/term/rec:IAC-5.5">rec:IAC-5.5</a>' in _rec_block(answered, "8.1")
    assert '<div class="definition">assumes the definition: <a href="/term/definition:IberoAmerican2025">' in r55
    assert "CONFLICTS WITH" not in _rec_block(answered, "4.1")


def test_outside_the_population_is_said(answered):
    hakime = _rec_block(answered, "Hakime2013-rfa-after-best-response")
    assert ('<div class="outside">outside the population: &ldquo;Hepatic Metastases from Gastrointestinal Stromal '
            "Tumors (GIST)&rdquo;</div>") in hakime
    assert "outside the population" not in _rec_block(answered, "2.1")


def test_each_evidence_line_shows_its_directness(answered):
    r22 = _rec_block(answered, "2.2")
    assert '<a class="evidence" href="/term/study:Outani2022">' in r22
    assert ('<div class="directness">directness: direct evidence (89 patients with metastatic soft tissue sarcoma, '
            "surgical resection of metastases at any site") in r22


def test_a_figure_shows_statistic_ci_p_comparison_and_its_seed_passage(answered):
    figure = re.search(r'<li class="outcome"><a href="/term/outcome:Goumard2018-adjuvant-os-hr-univariate">.*?</li>',
                       answered).group(0)
    assert ">overall survival: hazard ratio 1.27 (95% CI 0.74–2.17), p = 0.39; adjuvant treatment vs. " in figure
    assert '<q class="passage">OS univariate analysis: HR 1.27 (0.74–2.17), p = 0.39</q>' in figure
    assert 'href="/term/source:seed003-table-adjuvant">seed source:seed003-table-adjuvant</a>' in figure


def test_a_figure_inconsistent_as_printed_is_flagged(knowledge):
    from sarcoma_kg.namespaces import REC
    from sarcoma_kg.reasoning.evidence import evidence_for
    from sarcoma_kg.sparql.backends import backend_for

    rec = REC["RadiotherapyReview-consolidative-rt-multidisciplinary"]
    lines = evidence_for(backend_for(knowledge, engine="oxigraph"), rec, knowledge)[rec]
    falk = next(o for e in lines for o in e.outcomes if o.outcome == "outcome:Falk2015-localtreatment")
    figure = html._figure(falk, knowledge)
    assert figure.startswith('<li class="outcome inconsistent">')
    assert "[164/281]" in figure and "INCONSISTENT AS PRINTED" in figure
    assert '<q class="passage">' in figure


def test_an_evidence_link_leads_to_the_study_page(client, answered):
    study = re.search(r'<a class="evidence" href="(/term/study:[^"]+)"', answered).group(1)
    page = client.get(study)
    assert page.status_code == 200 and ">skg:firstAuthor</a>" in page.text


def test_the_verdict_table_shows_not_checked_clauses_as_validate_does(answered):
    row = re.search(r"<tr><th>not checked</th>(.*?)</tr>", answered, re.S).group(1)
    cells = re.findall(r"<td>(.*?)</td>", row, re.S)
    assert len(cells) == 4 and "confirmed by morphologic staging" in cells[3]  # definition:IberoAmerican2025


def test_outside_the_population_of_a_definition_on_the_page(tmp_path, knowledge):
    path = tmp_path / "osteo.csv"
    path.write_text("patient_id,primary_histology,diagnosis_date,lesion_site,detection_date\n"
                    "O1,Osteosarcoma,2022-01-01,RightLung,2023-06-01\n", encoding="utf-8")
    result = validate_paths([path], knowledge=shapes.knowledge_context())
    text = html.answer_html(check.Answer(name="osteo.csv", validation=as_dict(result)), knowledge)
    assert '<td class="verdict v-OutsidePopulation">outside its population</td>' in text
    assert ('<p class="outside">the Ibero-American consensus six-month rule for synchronous and metachronous '
            "oligometastatic disease (2.1, 2.2) is outside this patient&#x27;s population like "
            "definition:IberoAmerican2025: the timing is shown") in text
    row = re.search(r"<tr><th>not checked</th>(.*?)</tr>", text, re.S).group(1)
    assert re.findall(r"<td>(.*?)</td>", row, re.S)[3] == '<ul class="not-checked"></ul>'  # not applied at all
