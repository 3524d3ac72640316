"""The tumour-board page driven in a real browser: Debian's headless Chromium (/usr/bin/chromium, installed by
``scripts/setup.sh --with-browser``, which test.sh passes) through Playwright. Without the browser these tests
fail; they are never skipped. One server (127.0.0.1, a free port) serves the module and is stopped after it."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from pageserver import CHROMIUM, running_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "fixtures" / "fhir" / "cases"
ANSWER_TIMEOUT = 240_000  # ms: validation and two reasoner runs on a busy machine
DEFINITIONS = ["definition:DeSouza2017", "definition:Falk2015", "definition:Gangi2010", "definition:IberoAmerican2025"]
TB_001 = ROOT / "examples" / "tumour-board.csv"


@pytest.fixture(scope="module")
def base():
    with running_page(max_kib=256) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, base):
    tab = browser.new_page()
    tab.set_default_timeout(ANSWER_TIMEOUT)
    tab.goto(base + "/")
    yield tab
    tab.close()


def _verdicts(page) -> dict[str, str]:
    """definition → verdict, read from the first patient's verdict table."""
    table = page.locator("table.verdicts").first
    heads = table.locator("tr").nth(0).locator("th").all_inner_texts()[1:]
    cells = table.locator("tr").nth(1).locator("td").all_inner_texts()
    return dict(zip(heads, cells))


def _paste(page, kind: str, text: str) -> None:
    page.select_option("#kind", kind)
    page.fill("#text", text)
    page.click("#submit-paste")
    page.wait_for_load_state()


def test_the_page_loads_with_every_input_form(page):
    assert "tumour board" in page.title()
    assert page.locator("#paste-form").is_visible() and page.locator("#patient-form").is_visible()
    assert page.locator("#kind option").all_inner_texts()[:3] == [
        "CSV (tumour-board columns, one row per lesion)", "Turtle patient graph", "FHIR R4 mCODE Bundle (JSON)"]


def test_a_pasted_csv_row_gets_verdicts_recommendations_and_evidence(page):
    rows = TB_001.read_text(encoding="utf-8").splitlines()[:3]  # TB-001: two liver lesions
    _paste(page, "csv", "\n".join(rows))
    assert _verdicts(page) == dict(zip(DEFINITIONS, ["meets", "meets", "meets at the strict bound", "meets"]))
    not_checked = page.locator("table.verdicts tr").nth(4)
    assert "confirmed by morphologic staging" in not_checked.inner_text()  # a clause the consensus does not check
    applicable = page.locator(".applicable .rec")
    assert applicable.count() >= 1
    assert page.locator(".to-confirm .rec").count() >= 1
    assert page.locator(".not-applicable .rec").count() >= 1
    meta = page.locator(".applicable .rec .meta").all_inner_texts()
    assert any("level" in m and "grade" in m and "votes" in m for m in meta), meta
    assert "seed passage:" in page.locator(".applicable .rec").first.inner_text()  # the recommendation's own
    r55 = page.locator('.applicable .rec[data-notation="5.5"]')
    assert "NO CONSENSUS" in r55.locator(".meta").first.inner_text()
    conflict = r55.locator(".conflict")
    assert conflict.is_visible() and "CONFLICTS WITH: rec:IAC-8.1" in conflict.inner_text()
    confirm = r55.locator(".confirm").filter(has_text="left to the clinician")
    assert confirm.first.is_visible() and "complex hepatectomies" in confirm.first.inner_text()
    r81 = page.locator('.to-confirm .rec[data-notation="8.1"]')
    assert "disease-free interval (months): not recorded" in " ".join(r81.locator(".confirm").all_inner_texts())
    assert page.locator(".applicable .directness").first.inner_text().startswith("directness: ")
    outcomes = page.locator(".applicable .outcome")
    assert outcomes.count() >= 1
    figure = outcomes.first.inner_text()
    assert "rate at a timepoint" in figure and "seed source:seed003" in figure, figure
    assert outcomes.first.locator("q.passage").count() == 1  # the passage the figure was read from
    hazard = outcomes.filter(has_text="95% CI").filter(has_text="p = ").first
    assert hazard.is_visible()
    assert "hazard ratio" in hazard.inner_text() and " vs. " in hazard.inner_text()
    evidence = page.locator("a.evidence").first
    study = evidence.get_attribute("href")
    assert study.startswith("/term/study:")
    evidence.click()
    page.wait_for_load_state()
    assert page.url.endswith(study)
    assert "skg:firstAuthor" in page.locator("table#term").inner_text()


def test_pasted_turtle(page):
    turtle = """@prefix skg: <https://w3id.org/sarcoma-kg/> .
@prefix ex: <https://w3id.org/sarcoma-kg/example/> .
ex:T1 a skg:Patient ; skg:hasDiffuseSerosalInvolvement false ;
  skg:hasLesion ex:T1-L1 , ex:T1-L2 , ex:T1-L3 , ex:T1-L4 , ex:T1-L5 , ex:T1-L6 .
ex:T1-L1 a skg:MetastaticLesion ; skg:hasSite skg:RightLung . ex:T1-L2 a skg:MetastaticLesion ; skg:hasSite skg:RightLung .
ex:T1-L3 a skg:MetastaticLesion ; skg:hasSite skg:RightLung . ex:T1-L4 a skg:MetastaticLesion ; skg:hasSite skg:LeftLung .
ex:T1-L5 a skg:MetastaticLesion ; skg:hasSite skg:LeftLung . ex:T1-L6 a skg:MetastaticLesion ; skg:hasSite skg:LeftLung .
"""
    _paste(page, "turtle", turtle)
    verdicts = _verdicts(page)
    assert list(verdicts) == DEFINITIONS
    assert verdicts["definition:IberoAmerican2025"] == "does not meet"  # 6 lesions > 5
    reasons = page.locator("table.verdicts tr").nth(2).inner_text()
    assert "6 lesions > 5" in reasons


def test_an_uploaded_fhir_bundle_shows_what_was_not_mapped(page):
    page.set_input_files("#upload", str(CASES / "secondary-code-only.json"))
    page.wait_for_selector("#upload[data-loaded]")
    assert page.locator("#kind").input_value() == "fhir"
    page.click("#submit-paste")
    page.wait_for_load_state()
    assert set(_verdicts(page).values()) == {"cannot tell"}
    assert page.locator(".lesion-count").inner_text() == "unknown"
    assert "sites: brain" in page.locator(".notes").inner_text()
    assert "ex:patient-brain-code-only" in page.locator("section.patient h2").inner_text()


def test_fhir_report_rows_are_on_the_page(page):
    _paste(page, "fhir", (CASES / "unmapped-codes.json").read_text(encoding="utf-8"))
    report = page.locator("#unmapped").inner_text()
    for words in ("Observation/karnofsky-80", "http://example.org/local-histology|LMS", "unknown code system"):
        assert words in report


def test_the_small_form(page):
    page.fill("input[name=patient_id]", "F1")
    page.fill("input[name=primary_histology]", "NCIT:C3158")
    page.fill("input[name=diagnosis_date]", "2023-01-10")
    page.select_option("select[name=diffuse_serosal_involvement]", "no")
    page.fill("input[name=lesion_site_1]", "SNOMEDCT:39607008")
    page.fill("input[name=lesion_diameter_mm_1]", "12")
    page.fill("input[name=detection_date_1]", "2023-11-20")
    page.select_option("select[name=lesion_amenable_radical_1]", "yes")
    page.click("#submit-form")
    page.wait_for_load_state()
    assert "ex:F1" in page.locator("section.patient h2").inner_text()
    verdicts = _verdicts(page)
    assert verdicts["definition:Falk2015"] == "meets"
    assert "skg:Metachronous" in page.locator(".facts").inner_text()


@pytest.mark.parametrize("kind, text, words", [
    ("csv", "patient_id,ecog\nP1,x\n", "error: patient.csv:2: column ecog: 'x' is not a number"),
    ("turtle", "ex:P1 a skg:Patient", "error: patient.ttl"),
    ("fhir", "{ not json", "error: patient.json:1: not JSON"),
    ("fhir", '{"resourceType": "Patient", "id": "p"}', "error: patient.json: a FHIR Patient, not a Bundle"),
])
def test_malformed_input_shows_the_error_as_the_cli_does(page, kind, text, words):
    _paste(page, kind, text)
    assert words in page.locator("#errors").inner_text()
    assert page.locator("table.verdicts").count() == 0
    assert page.locator("#text").input_value() == text  # the input is given back for correction


def test_a_submission_over_the_limit_is_refused_on_the_page(page):
    page.eval_on_selector("#text", "(el, v) => { el.value = v; }", "patient_id\n" + "P1\n" * 150_000)  # ~450 KiB
    page.click("#submit-paste")
    page.wait_for_load_state()
    assert "larger than the limit of 256 KiB" in page.locator("#errors").inner_text()
