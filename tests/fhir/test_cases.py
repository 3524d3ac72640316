"""The generated test bundles of tests/fixtures/fhir/cases/ and their expected facts (expected/): each bundle
parses with the R4B models, each expectation names resources of its bundle, and each expected term is the
one the mapping sets give for the code the bundle uses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle

from sarcoma_kg import resources
from sarcoma_kg.release import qc

CASES = Path(__file__).resolve().parents[1] / "fixtures" / "fhir" / "cases"
EXPECTED = sorted((CASES / "expected").glob("*.json"))
SYSTEM_PREFIX = {"http://snomed.info/sct": "http://snomed.info/id/",
                 "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl": "http://purl.obolibrary.org/obo/NCIT_"}
SKG = "https://w3id.org/sarcoma-kg/"


def _mappings() -> dict[str, set[str]]:
    terms: dict[str, set[str]] = {}
    for path in (resources.MAPPINGS_FILE, resources.MAPPINGS_FILE.parent / "clinical-codes.sssom.tsv"):
        for subject, _, code in qc.load_mappings(path):
            terms.setdefault(str(code), set()).add("skg:" + str(subject).removeprefix(SKG))
    return terms


def _resources(bundle: dict) -> dict[str, dict]:
    return {f"{e['resource']['resourceType']}/{e['resource']['id']}": e["resource"] for e in bundle["entry"]}


def test_every_bundle_has_its_expectation():
    assert sorted(p.name for p in CASES.glob("*.json")) == sorted(p.name for p in EXPECTED)
    assert len(EXPECTED) >= 4


@pytest.mark.parametrize("path", EXPECTED, ids=lambda p: p.stem)
def test_bundle_parses_and_expectation_names_its_resources(path):
    expected = json.loads(path.read_text(encoding="utf-8"))
    bundle = json.loads((CASES / expected["bundle"]).read_text(encoding="utf-8"))
    Bundle.model_validate(bundle)
    found = _resources(bundle)
    assert ("error" in expected) != ("patients" in expected)
    for row in expected.get("unmapped", []):
        assert row["resource"] in found, row
    for patient_id, facts in expected.get("patients", {}).items():
        assert f"Patient/{patient_id}" in found
        for item in [*facts.get("primaryTumours", []), *facts.get("lesions", []), *facts.get("systemicTherapy", [])]:
            assert item["from"] in found, item


@pytest.mark.parametrize("path", EXPECTED, ids=lambda p: p.stem)
def test_expected_terms_are_what_the_mapping_sets_give(path):
    expected = json.loads(path.read_text(encoding="utf-8"))
    bundle = json.loads((CASES / expected["bundle"]).read_text(encoding="utf-8"))
    found, terms = _resources(bundle), _mappings()

    def mapped(concept: dict) -> set[str]:
        return {t for c in concept.get("coding", []) if c.get("system") in SYSTEM_PREFIX
                for t in terms.get(SYSTEM_PREFIX[c["system"]] + c["code"], set())}

    for facts in expected.get("patients", {}).values():
        for primary in facts.get("primaryTumours", []):
            condition = found[primary["from"]]
            histology = [e["valueCodeableConcept"] for e in condition.get("extension", [])
                         if e["url"].endswith("mcode-histology-morphology-behavior")]
            assert ({primary["hasHistology"]} if "hasHistology" in primary else set()) == \
                set().union(*(mapped(h) for h in histology))
        for lesion in facts.get("lesions", []):
            assert mapped(found[lesion["from"]]["location"]) == {lesion["hasSite"]}
