"""The FHIR reader (sarcoma_kg.patients.fhir): the case bundles of tests/fixtures/fhir/cases/ give, fact by
fact, the patient graph and the report their expectation (expected/*.json) states; NDJSON gives the same graph
as the Bundle; every input error names file (and line), resource and element and exits 2 without a traceback;
the mCODE IG's own examples import without a traceback and report what they carry beyond the patient model."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Literal
from rdflib.compare import to_isomorphic
from rdflib.namespace import RDF

from sarcoma_kg.cli import main
from sarcoma_kg.errors import InputError
from sarcoma_kg.namespaces import EX, SKG
from sarcoma_kg.patients.fhir import read_fhir
from sarcoma_kg.patients.read import read_patients
from sarcoma_kg.patients.validate import validate_paths
from sarcoma_kg.rdf import curie

FHIR = Path(__file__).resolve().parents[1] / "fixtures" / "fhir"
CASES = FHIR / "cases"
MCODE = FHIR / "mcode"
EXPECTED = sorted((CASES / "expected").glob("*.json"))
LIVER = CASES / "liver-oligo-tumors.json"


def _expected(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _node(graph, patient_id: str, ref: str):
    """The node the reader made for resource ``ref`` (``Type/id``) of the patient."""
    return EX[f"{patient_id}-{ref.split('/', 1)[1]}"]


def _value(graph, node, prop):
    values = list(graph.objects(node, prop))
    assert len(values) <= 1, (node, prop, values)
    if not values:
        return None
    value = values[0]
    return value.toPython() if isinstance(value, Literal) else curie(value)


def _same(found, wanted) -> bool:
    if isinstance(wanted, (int, float)) and not isinstance(wanted, bool):
        return found is not None and float(found) == pytest.approx(wanted, abs=0.01)
    return str(found) == str(wanted) if not isinstance(wanted, bool) else found is wanted


PRIMARY = {"hasHistology": SKG.hasHistology, "diagnosisDate": SKG.diagnosisDate, "primaryResected": SKG.primaryResected,
           "hasSite": SKG.hasSite}
LESION = {"hasSite": SKG.hasSite, "longestDiameterMm": SKG.longestDiameterMm, "detectionDate": SKG.detectionDate}


@pytest.mark.parametrize("path", [p for p in EXPECTED if "patients" in _expected(p)], ids=lambda p: p.stem)
def test_case_bundle_gives_its_facts(path):
    expected = _expected(path)
    bundle = CASES / expected["bundle"]
    graph = read_fhir(bundle)
    result = validate_paths([bundle])
    assert not result.errors
    facts = {f.patient: f for f in result.derivation.facts}
    assert sorted(graph.subjects(RDF.type, SKG.Patient)) == sorted(EX[p] for p in expected["patients"])
    for pid, want in expected["patients"].items():
        patient = EX[pid]
        for key, prop in (("ageAtDiagnosisYears", SKG.ageAtDiagnosisYears), ("ecogPerformanceStatus", SKG.ecogPerformanceStatus)):
            if key in want:
                assert _same(_value(graph, patient, prop), want[key]), key
            else:
                assert _value(graph, patient, prop) is None or key == "ageAtDiagnosisYears", key
        primaries = sorted(graph.objects(patient, SKG.hasPrimaryTumour))
        assert primaries == sorted(_node(graph, pid, p["from"]) for p in want["primaryTumours"])
        for item in want["primaryTumours"]:
            node = _node(graph, pid, item["from"])
            for key, prop in PRIMARY.items():
                found = _value(graph, node, prop)
                assert _same(found, item[key]) if key in item else found is None, (item["from"], key, found)
        counted = sorted(l for l in graph.objects(patient, SKG.hasLesion)
                         if (l, SKG.lesionNumberUnknown, Literal(True)) not in graph)
        assert counted == sorted(_node(graph, pid, l["from"]) for l in want["lesions"])
        for item in want["lesions"]:
            node = _node(graph, pid, item["from"])
            for key, prop in LESION.items():
                assert _same(_value(graph, node, prop), item[key]), (item["from"], key)
        courses = sorted(graph.objects(patient, SKG.receivedSystemicTherapy))
        assert courses == sorted(_node(graph, pid, c["from"]) for c in want.get("systemicTherapy", []))
        for item in want.get("systemicTherapy", []):
            assert _value(graph, _node(graph, pid, item["from"]), SKG.ongoing) is item["ongoing"]
        f = facts[patient]
        if "lesionCount" in want:
            assert f.lesion_count == (None if want["lesionCount"] == "cannot tell" else want["lesionCount"])
        if "organSites" in want:
            assert [curie(o) for o in f.organ_sites] == want["organSites"]
        if "metastasisTiming" in want:
            assert curie(f.timing) == want["metastasisTiming"]
        if "lesionCountReason" in want:
            assert graph.notes[patient] == [want["lesionCountReason"]]
            verdicts = [a for a in result.derivation.assessments if a.patient == patient]
            assert verdicts and all(a.verdict == SKG.CannotTell for a in verdicts)
            assert all(any("number of lesions" in m for m in a.missing) for a in verdicts)


@pytest.mark.parametrize("path", [p for p in EXPECTED if "patients" in _expected(p)], ids=lambda p: p.stem)
def test_case_bundle_reports_exactly_what_is_not_mapped(path):
    expected = _expected(path)
    graph = read_fhir(CASES / expected["bundle"])
    found = sorted((r.resource, r.element, r.code, r.reason) for r in graph.unmapped)
    assert found == sorted((r["resource"], r["element"], r["code"], r["reason"]) for r in expected["unmapped"])
    assert all(r.file == str(CASES / expected["bundle"]) for r in graph.unmapped)


@pytest.mark.parametrize("path", [p for p in EXPECTED if "error" in _expected(p)], ids=lambda p: p.stem)
def test_case_bundle_error(path):
    expected = _expected(path)
    with pytest.raises(InputError) as caught:
        read_fhir(CASES / expected["bundle"])
    for words in [expected["bundle"], *expected["error"]]:
        assert words in str(caught.value)


# --------------------------------------------------------------------------- generated variants

def _liver() -> dict:
    return json.loads(LIVER.read_text(encoding="utf-8"))


def _entry(bundle: dict, key: str) -> dict:
    return next(e["resource"] for e in bundle["entry"] if f"{e['resource']['resourceType']}/{e['resource']['id']}" == key)


def _write(tmp_path: Path, bundle: dict, name: str = "case.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(bundle), encoding="utf-8")
    return path


def test_ndjson_gives_the_same_graph_as_the_bundle(tmp_path):
    lines = [json.dumps(e["resource"]) for e in _liver()["entry"]]
    path = tmp_path / "cohort.ndjson"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert to_isomorphic(read_fhir(path)) == to_isomorphic(read_fhir(LIVER))
    assert {r.line for r in read_fhir(path).unmapped} >= {len(lines)}  # the medication line is named


def _mutations():
    def not_json(b):
        return "{ not json"

    def not_bundle(b):
        return _entry(b, "Patient/patient-liver-oligo")

    def rejected(b):
        _entry(b, "Condition/primary-lms")["clinicalStatus"] = "active"
        return b

    def bad_date(b):
        _entry(b, "Condition/primary-lms")["onsetDateTime"] = "2023-13-45"
        return b

    def ecog(b):
        _entry(b, "Observation/ecog-1")["valueInteger"] = 7
        return b

    def unit(b):
        _entry(b, "Observation/size-liver-1")["component"][0]["valueQuantity"].update(code="g", unit="g")
        return b

    def duplicate(b):
        b["entry"].append(copy.deepcopy(b["entry"][0]))
        return b

    return [
        ("not-json", not_json, ["not JSON"]),
        ("not-bundle", not_bundle, ["a FHIR Patient, not a Bundle"]),
        ("r4b-rejects", rejected, ["Condition/primary-lms", "clinicalStatus", "R4B"]),
        ("bad-date", bad_date, ["Condition/primary-lms", "onsetDateTime"]),
        ("ecog-out-of-range", ecog, ["Observation/ecog-1", "Observation.valueInteger", "7", "0 to 5"]),
        ("size-unit", unit, ["Observation/size-liver-1", "component[0].valueQuantity", "'g'"]),
        ("duplicate-patient", duplicate, ["Patient/patient-liver-oligo", "twice"]),
    ]


@pytest.mark.parametrize("name, mutate, words", _mutations(), ids=[m[0] for m in _mutations()])
def test_input_errors_name_file_resource_element_and_exit_2(tmp_path, name, mutate, words):
    changed = mutate(_liver())
    path = tmp_path / f"{name}.json"
    path.write_text(changed if isinstance(changed, str) else json.dumps(changed), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_fhir(path)
    message = str(caught.value)
    for word in [str(path), *words]:
        assert word in message, (word, message)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output and str(path) in result.output
    if name != "not-json":  # a .json file that is not JSON is not known to be FHIR: the JSON-LD reader says so
        assert message in result.output


def test_ndjson_error_names_the_line(tmp_path):
    lines = [json.dumps(e["resource"]) for e in _liver()["entry"]]
    lines.insert(3, '{"resourceType": "Observation", "id": "broken"')
    path = tmp_path / "cohort.ndjson"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(InputError, match=rf"^{path}:4: not JSON"):
        read_fhir(path)


def test_a_folder_of_bundles_and_every_verb_reads_them(tmp_path):
    for case in ("liver-oligo-tumors", "secondary-code-only"):
        (tmp_path / f"{case}.json").write_bytes((CASES / f"{case}.json").read_bytes())
    assert sorted(curie(p) for p in read_patients([tmp_path]).patients) == [
        "ex:patient-brain-code-only", "ex:patient-liver-oligo"]
    runner = CliRunner()
    for verb in (["validate"], ["recommend"]):
        result = runner.invoke(main, [*verb, str(tmp_path / "liver-oligo-tumors.json")])
        assert result.exit_code == 0, result.output
        assert "patient-liver-oligo" in result.output


def test_cohort_validate_takes_ndjson(tmp_path):
    lines = [json.dumps(e["resource"]) for case in ("liver-oligo-tumors", "secondary-code-only")
             for e in json.loads((CASES / f"{case}.json").read_text())["entry"]]
    path = tmp_path / "registry.ndjson"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["cohort", "validate", str(path), "--workers", "1"])
    assert result.exit_code == 0, result.output
    rows = [line.split(",") for line in result.stdout.splitlines()[1:]]
    verdicts = {(r[0], r[1]): r[2] for r in rows}
    assert any("patient-brain-code-only" in p and v == "CannotTell" for (p, _), v in verdicts.items()), rows
    assert any("patient-liver-oligo" in p and v in ("Meets", "MeetsAtStrictBound") for (p, _), v in verdicts.items())


# --------------------------------------------------------------------------- the IG's own examples

@pytest.mark.parametrize("path", sorted(MCODE.glob("*.json")), ids=lambda p: p.stem)
def test_ig_example_imports_or_is_a_clear_input_error(path):
    try:
        graph = read_fhir(path)
    except InputError as exc:  # single resources are not Bundles; nothing else may escape
        assert str(path) in str(exc)
        assert "not a Bundle" in str(exc)
    else:
        assert path.stem == "mcode-patient-bundle-jenny-m"
        assert list(graph.subjects(RDF.type, SKG.Patient)) == [EX["cancer-patient-jenny-m"]]


def test_jenny_m_bundle_reports_what_it_cannot_map():
    graph = read_fhir(MCODE / "mcode-patient-bundle-jenny-m.json")
    rows = {(r.resource, r.element, r.code, r.reason) for r in graph.unmapped}
    assert ("Condition/primary-cancer-condition-jenny-m",
            "Condition.extension[histologyMorphologyBehavior].valueCodeableConcept",
            "http://snomed.info/sct|82711006", "no mapping row") in rows
    assert not list(graph.objects(EX["cancer-patient-jenny-m"], SKG.hasLesion))  # no metastasis recorded
    kinds = {r.resource.split("/")[0] for r in graph.unmapped}
    assert {"Observation", "Procedure", "MedicationRequest"} <= kinds
    bundle = json.loads((MCODE / "mcode-patient-bundle-jenny-m.json").read_text())
    keys = {f"{e['resource']['resourceType']}/{e['resource']['id']}" for e in bundle["entry"]}
    assert {r.resource for r in graph.unmapped} <= keys


def test_ig_brain_metastasis_from_the_code_alone(tmp_path):
    names = ("cancer-patient-john-anyperson", "primary-cancer-condition-nsclc", "secondary-cancer-condition-brain-mets")
    path = tmp_path / "john.ndjson"
    path.write_text("\n".join(json.dumps(json.loads((MCODE / f"{n}.json").read_text())) for n in names), encoding="utf-8")
    graph = read_fhir(path)
    patient = EX["cancer-patient-john-anyperson"]
    lesions = list(graph.objects(patient, SKG.hasLesion))
    assert len(lesions) == 1 and (lesions[0], SKG.lesionNumberUnknown, Literal(True)) in graph
    assert (lesions[0], SKG.hasSite, SKG.Brain) in graph
    assert "sites: brain" in graph.notes[patient][0]
    primary = next(graph.objects(patient, SKG.hasPrimaryTumour))
    assert (primary, SKG.hasSite, SKG.Lung) in graph


# --------------------------------------------------------------------------- every mapping path (generated)

P = "patient-liver-oligo"
SCT, NCIT_SYSTEM = "http://snomed.info/sct", "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl"
MCODE_SD = "http://hl7.org/fhir/us/mcode/StructureDefinition/"


def _add(bundle: dict, resource: dict) -> None:
    bundle["entry"].append({"fullUrl": f"http://example.org/fhir/{resource['resourceType']}/{resource['id']}",
                            "resource": resource})


def _size(id_: str, tumor: str, when: str, value, unit: str = "mm", specimen: bool = False) -> dict:
    size = copy.deepcopy(_entry(_liver(), "Observation/size-liver-2"))
    size["id"], size["effectiveDateTime"] = id_, when
    size["component"][0]["valueQuantity"].update(value=value, unit=unit, code=unit)
    if specimen:
        del size["focus"]
        size["specimen"] = {"reference": "Specimen/resected"}
    else:
        size["focus"] = [{"reference": f"BodyStructure/{tumor}"}]
    return size


def _remove(bundle: dict, *keys: str) -> None:
    bundle["entry"] = [e for e in bundle["entry"]
                       if f"{e['resource']['resourceType']}/{e['resource']['id']}" not in keys]


def _secondary_lung() -> dict:
    lung = copy.deepcopy(_entry(_liver(), "Condition/secondary-liver"))
    lung["id"], lung["onsetDateTime"] = "secondary-lung", "2024-02-01"
    lung["bodySite"] = [{"coding": [{"system": SCT, "code": "39607008", "display": "Lung structure (body structure)"}]}]
    return lung


def test_the_later_tumour_size_wins_and_the_earlier_is_reported(tmp_path):
    bundle = _liver()
    _add(bundle, _size("size-liver-1-later", "tumor-liver-1", "2024-03-01", 3.1, "cm"))
    graph = read_fhir(_write(tmp_path, bundle))
    assert _value(graph, EX[f"{P}-tumor-liver-1"], SKG.longestDiameterMm) == 31
    assert ("Observation/size-liver-1", "superseded by a later measurement") in {(r.resource, r.reason) for r in graph.unmapped}


def test_a_specimen_size_is_not_a_lesion(tmp_path):
    bundle = _liver()
    _add(bundle, _size("size-specimen", "", "2023-04-12", 80, specimen=True))
    graph = read_fhir(_write(tmp_path, bundle))
    assert len(list(graph.objects(EX[P], SKG.hasLesion))) == 2
    assert ("Observation/size-specimen", "Observation.specimen", "specimen, not a lesion") in {
        (r.resource, r.element, r.reason) for r in graph.unmapped}


def test_a_secondary_condition_without_tumors_beside_one_with_them(tmp_path):
    bundle = _liver()
    _add(bundle, _secondary_lung())
    path = _write(tmp_path, bundle)
    graph = read_fhir(path)
    lesions = set(graph.objects(EX[P], SKG.hasLesion))
    assert len(lesions) == 3 and (EX[f"{P}-secondary-lung"], SKG.lesionNumberUnknown, Literal(True)) in graph
    assert (EX[f"{P}-secondary-lung"], SKG.hasSite, SKG.Lung) in graph
    assert graph.notes[EX[P]] == ["the record has secondary cancer conditions (sites: lung) but no Tumor resource, "
                                  "and mCODE carries no lesion count"]
    result = validate_paths([path])
    facts = result.derivation.facts[0]
    assert facts.lesion_count is None and [curie(o) for o in facts.organ_sites] == ["skg:Liver", "skg:Lung"]
    falk = next(a for a in result.derivation.assessments if a.definition.endswith("Falk2015"))
    assert falk.verdict == SKG.CannotTell and any("at least 3" in m for m in falk.missing)


def test_laterality_has_no_row_and_is_reported(tmp_path):
    bundle = _liver()
    _entry(bundle, "BodyStructure/tumor-liver-1")["locationQualifier"] = [
        {"coding": [{"system": SCT, "code": "7771000", "display": "Left (qualifier value)"}]}]
    graph = read_fhir(_write(tmp_path, bundle))
    assert _value(graph, EX[f"{P}-tumor-liver-1"], SKG.hasSite) == "skg:Liver"
    assert ("BodyStructure/tumor-liver-1", "BodyStructure.locationQualifier[0]", f"{SCT}|7771000", "no mapping row") in {
        (r.resource, r.element, r.code, r.reason) for r in graph.unmapped}


def test_a_recorded_date_is_not_a_diagnosis_date(tmp_path):
    bundle = _liver()
    primary = _entry(bundle, "Condition/primary-lms")
    del primary["onsetDateTime"]
    primary["recordedDate"] = "2023-03-05"
    graph = read_fhir(_write(tmp_path, bundle))
    assert _value(graph, EX[f"{P}-primary-lms"], SKG.diagnosisDate) is None
    assert _value(graph, EX[P], SKG.ageAtDiagnosisYears) is None
    assert ("Condition/primary-lms", "Condition.recordedDate") in {(r.resource, r.element) for r in graph.unmapped}


def test_no_secondary_condition_is_no_metastasis(tmp_path):
    bundle = _liver()
    _remove(bundle, "Condition/secondary-liver", "BodyStructure/tumor-liver-1", "BodyStructure/tumor-liver-2",
            "Observation/size-liver-1", "Observation/size-liver-2")
    path = _write(tmp_path, bundle)
    assert not list(read_fhir(path).objects(EX[P], SKG.hasLesion))
    result = validate_paths([path])
    assert result.derivation.facts[0].lesion_count == 0
    assert all(a.verdict == SKG.DoesNotMeet for a in result.derivation.assessments)


def test_two_primaries_are_both_kept(tmp_path):
    bundle = _liver()
    second = copy.deepcopy(_entry(bundle, "Condition/primary-lms"))
    second["id"], second["onsetDateTime"] = "primary-second", "2019-05-01"
    _add(bundle, second)
    graph = read_fhir(_write(tmp_path, bundle))
    assert sorted(graph.objects(EX[P], SKG.hasPrimaryTumour)) == [EX[f"{P}-primary-lms"], EX[f"{P}-primary-second"]]
    assert float(_value(graph, EX[P], SKG.ageAtDiagnosisYears)) == pytest.approx(48.17, abs=0.01)  # the earlier


@pytest.mark.parametrize("status, ongoing", [("stopped", False), ("completed", False), ("on-hold", True), ("draft", None)])
def test_medication_status_gives_ongoing(tmp_path, status, ongoing):
    bundle = _liver()
    _entry(bundle, "MedicationRequest/doxorubicin")["status"] = status
    graph = read_fhir(_write(tmp_path, bundle))
    assert _value(graph, EX[f"{P}-doxorubicin"], SKG.ongoing) is ongoing


def test_two_codings_for_two_terms_are_ambiguous(tmp_path):
    bundle = _liver()
    _entry(bundle, "Condition/primary-lms")["extension"][0]["valueCodeableConcept"]["coding"].append(
        {"system": NCIT_SYSTEM, "code": "C3088", "display": "Angiosarcoma"})
    graph = read_fhir(_write(tmp_path, bundle))
    assert _value(graph, EX[f"{P}-primary-lms"], SKG.hasHistology) is None
    assert ("Condition/primary-lms", "ambiguous: 2 terms") in {(r.resource, r.reason) for r in graph.unmapped}


def test_histology_from_a_histologic_behavior_and_type_observation(tmp_path):
    bundle = _liver()
    primary = _entry(bundle, "Condition/primary-lms")
    histology = primary.pop("extension")[0]["valueCodeableConcept"]
    _add(bundle, {
        "resourceType": "Observation", "id": "histology-lms", "status": "final",
        "meta": {"profile": [MCODE_SD + "mcode-histologic-behavior-and-type"]},
        "extension": [{"url": MCODE_SD + "mcode-related-condition", "valueReference": {"reference": "Condition/primary-lms"}}],
        "code": {"coding": [{"system": "http://loinc.org", "code": "31206-6"}]},
        "subject": {"reference": f"Patient/{P}"}, "valueCodeableConcept": histology})
    graph = read_fhir(_write(tmp_path, bundle))
    assert _value(graph, EX[f"{P}-primary-lms"], SKG.hasHistology) == "skg:Leiomyosarcoma"


def test_a_tumour_of_no_secondary_condition_is_not_a_lesion(tmp_path):
    bundle = _liver()
    del _entry(bundle, "BodyStructure/tumor-liver-2")["extension"]
    graph = read_fhir(_write(tmp_path, bundle))
    assert list(graph.objects(EX[P], SKG.hasLesion)) == [EX[f"{P}-tumor-liver-1"]]
    reasons = {(r.resource, r.reason) for r in graph.unmapped}
    assert ("BodyStructure/tumor-liver-2", "not linked to a secondary cancer condition: not counted as a lesion") in reasons
    assert ("Observation/size-liver-2", "the size of a tumour that is not a counted lesion") in reasons


def test_a_resource_outside_the_model_needs_no_patient(tmp_path):
    bundle = _liver()
    _add(bundle, {"resourceType": "Provenance", "id": "export", "recorded": "2024-02-02T10:00:00Z",
                  "target": [{"reference": f"Patient/{P}"}], "agent": [{"who": {"display": "registry export"}}]})
    graph = read_fhir(_write(tmp_path, bundle))
    assert ("Provenance/export", "Provenance", "not in the patient model") in {
        (r.resource, r.element, r.reason) for r in graph.unmapped}


def test_a_mapped_resource_without_its_patient_is_an_input_error(tmp_path):
    bundle = _liver()
    del _entry(bundle, "Observation/ecog-1")["subject"]
    with pytest.raises(InputError, match="Observation/ecog-1: subject: no reference to a Patient"):
        read_fhir(_write(tmp_path, bundle))


def test_a_size_without_a_value_is_reported(tmp_path):
    bundle = _liver()
    del _entry(bundle, "Observation/size-liver-2")["component"][0]["valueQuantity"]["value"]
    graph = read_fhir(_write(tmp_path, bundle))
    assert _value(graph, EX[f"{P}-tumor-liver-2"], SKG.longestDiameterMm) is None
    assert ("Observation/size-liver-2", "Observation.component[0].valueQuantity", "no value") in {
        (r.resource, r.element, r.reason) for r in graph.unmapped}


def test_a_mapped_resource_without_an_id_is_an_input_error(tmp_path):
    lines = [dict(e["resource"]) for e in _liver()["entry"]]
    del lines[-1]["id"]
    path = tmp_path / "no-id.ndjson"
    path.write_text("\n".join(json.dumps(r) for r in lines), encoding="utf-8")
    with pytest.raises(InputError, match=rf"^{path}:{len(lines)}: MedicationRequest/\?: id: no id"):
        read_fhir(path)
