"""ICD-O-3 codes in patient records: a FHIR primary cancer condition whose histology extension carries an
ICD-O-3 morphology code, and a CSV histology or site cell holding an ICD-O-3 CURIE, are read to the term
of the code's row in ontology/mappings/clinical-codes.sssom.tsv; a code with no row is reported, not dropped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sarcoma_kg import resources
from sarcoma_kg.errors import InputError
from sarcoma_kg.namespaces import EX, SKG
from sarcoma_kg.patients.csv_mapping import read_csv
from sarcoma_kg.patients.fhir import HISTOLOGY_EXTENSION, read_fhir
from sarcoma_kg.release import qc

ICDO3 = "http://terminology.hl7.org/CodeSystem/icd-o-3"
CLINICAL_CODES = resources.MAPPINGS_FILE.parent / "clinical-codes.sssom.tsv"
LIVER = Path(__file__).resolve().parents[1] / "fixtures" / "fhir" / "cases" / "liver-oligo-tumors.json"
PATIENT, PRIMARY = "patient-liver-oligo", "Condition/primary-lms"


def _icdo3_rows() -> dict[str, object]:
    """ICD-O-3 code (as written in a record: ``8890/3``, ``C34.9``) → the term of its row."""
    return {str(code).removeprefix(ICDO3 + "/"): term
            for term, _, code in qc.load_mappings(CLINICAL_CODES) if str(code).startswith(ICDO3 + "/")}


ROWS = _icdo3_rows()
#: A code in the form of an ICD-O-3 morphology code that no row names (checked below).
NO_ROW = "8000/3"


def _code_of(term) -> str:
    return next(code for code, t in ROWS.items() if t == term)


def _bundle_with_histology(tmp_path: Path, code: str) -> Path:
    bundle = json.loads(LIVER.read_text(encoding="utf-8"))
    primary = next(e["resource"] for e in bundle["entry"]
                   if f"{e['resource']['resourceType']}/{e['resource']['id']}" == PRIMARY)
    primary["extension"] = [{"url": HISTOLOGY_EXTENSION,
                             "valueCodeableConcept": {"coding": [{"system": ICDO3, "code": code}]}}]
    path = tmp_path / "icdo3.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    return path


def test_the_rows_give_morphology_and_topography_codes():
    assert NO_ROW not in ROWS
    assert ROWS[_code_of(SKG.Leiomyosarcoma)] == SKG.Leiomyosarcoma
    assert any(code.startswith("C") for code in ROWS) and any("/" in code for code in ROWS)


@pytest.mark.parametrize("code", sorted(c for c in ROWS if "/" in c))
def test_fhir_histology_extension_with_an_icdo3_morphology_code(tmp_path, code):
    graph = read_fhir(_bundle_with_histology(tmp_path, code))
    assert set(graph.objects(EX[f"{PATIENT}-primary-lms"], SKG.hasHistology)) == {ROWS[code]}
    assert not [r for r in graph.unmapped if r.element.startswith("Condition.extension")]


def test_fhir_icdo3_code_without_a_row_is_reported(tmp_path):
    graph = read_fhir(_bundle_with_histology(tmp_path, NO_ROW))
    assert list(graph.objects(EX[f"{PATIENT}-primary-lms"], SKG.hasHistology)) == []
    rows = {(r.resource, r.element, r.code, r.reason) for r in graph.unmapped}
    assert (PRIMARY, "Condition.extension[histologyMorphologyBehavior].valueCodeableConcept",
            f"{ICDO3}|{NO_ROW}", "no mapping row") in rows


def test_csv_histology_and_site_cells_take_icdo3_curies(tmp_path):
    histology, site = _code_of(SKG.Leiomyosarcoma), _code_of(SKG.Lung)
    path = tmp_path / "board.csv"
    path.write_text(f"patient_id,primary_histology,lesion_site\nP1,ICDO3:{histology},ICDO3:{site}\n", encoding="utf-8")
    graph = read_csv(path)
    assert (EX["P1-primary"], SKG.hasHistology, SKG.Leiomyosarcoma) in graph
    assert (EX["P1-L1"], SKG.hasSite, SKG.Lung) in graph


def test_csv_icdo3_curie_without_a_row_is_an_input_error(tmp_path):
    path = tmp_path / "board.csv"
    path.write_text(f"patient_id,primary_histology\nP1,ICDO3:{NO_ROW}\n", encoding="utf-8")
    with pytest.raises(InputError, match=f"board.csv:2: column primary_histology: 'ICDO3:{NO_ROW}': no mapping row"):
        read_csv(path)
