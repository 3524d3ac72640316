import json

from rdflib import Graph, Namespace

from sarcoma_kg.cohort.synthetic import DEFECT_KINDS, generate

SKG = Namespace("https://w3id.org/sarcoma-kg/")


def test_same_seed_same_bytes(tmp_path):
    a = generate(60, tmp_path / "a.ttl", seed=11).path.read_bytes()
    b = generate(60, tmp_path / "b.ttl", seed=11).path.read_bytes()
    c = generate(60, tmp_path / "c.ttl", seed=12).path.read_bytes()
    assert a == b
    assert a != c


def test_turtle_and_ntriples_hold_the_same_graph(tmp_path):
    ttl = Graph().parse(generate(30, tmp_path / "x.ttl", seed=5, fmt="ttl").path)
    nt = Graph().parse(generate(30, tmp_path / "x.nt", seed=5, fmt="nt").path, format="nt")
    assert len(ttl) == len(nt)
    assert set(ttl) == set(nt)


def test_sidecar_defect_shares_match_the_data(tmp_path):
    result = generate(200, tmp_path / "c.ttl", seed=2)
    truth = json.loads(result.truth_path.read_text())
    g = Graph().parse(result.path)
    assert set(truth["defects"]) == set(DEFECT_KINDS)
    for kind, patients in truth["defects"].items():
        assert len(patients) == 2, kind          # 1 % of 200
    assert sum(truth["lesion_count_histogram"].values()) == 200
    assert truth["triples"] == len(g)
    # spot-check three defect kinds against the graph itself
    for pid in truth["defects"]["missing-primary"]:
        assert g.value(SKG[""] if False else Namespace(str(SKG) + "example/")[pid], SKG.hasPrimaryTumour) is None
    ex = Namespace(str(SKG) + "example/")
    for pid in truth["defects"]["ecog-out-of-range"]:
        assert int(g.value(ex[pid], SKG.ecogPerformanceStatus)) == 7
    for pid in truth["defects"]["missing-histology"]:
        assert g.value(ex[f"{pid}-primary"], SKG.hasHistology) is None
    lesions = {len(list(g.objects(p, SKG.hasLesion))) for p in g.subjects(SKG.ecogPerformanceStatus, None)}
    assert lesions <= set(range(1, 10)) and len(lesions) > 3


# --------------------------------------------------------------------------- FHIR R4 mCODE bulk NDJSON

def _codings(value):
    """Every coding (a dict with a system) anywhere in a resource."""
    if isinstance(value, dict):
        if "system" in value and "code" in value:
            yield value
        for v in value.values():
            yield from _codings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _codings(v)


def test_ndjson_same_seed_same_bytes(tmp_path):
    a = generate(40, tmp_path / "a.ndjson", seed=11, fmt="ndjson")
    b = generate(40, tmp_path / "b.ndjson", seed=11, fmt="ndjson")
    c = generate(40, tmp_path / "c.ndjson", seed=12, fmt="ndjson")
    assert a.path.read_bytes() == b.path.read_bytes()
    assert a.path.read_bytes() != c.path.read_bytes()
    truth = json.loads(a.truth_path.read_text())
    assert a.resources == len(a.path.read_text().splitlines()) == truth["resources"]
    assert set(truth["defects_not_held_by_format"]) < set(DEFECT_KINDS)


def test_ndjson_resources_pass_the_r4b_models_and_use_only_mapped_codes(tmp_path):
    from fhir.resources.R4B import get_fhir_model_class

    from sarcoma_kg.patients import codes, fhir

    path = generate(40, tmp_path / "c.ndjson", seed=3, fmt="ndjson").path
    kinds, patients = set(), []
    accepted_loinc = set(fhir.OBSERVATION_KINDS) | {fhir.LONGEST_DIMENSION}
    for line in path.read_text().splitlines():
        resource = json.loads(line)
        kinds.add(resource["resourceType"])
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)  # raises when rejected
        if resource["resourceType"] == "Patient":
            patients.append(resource["id"])
        for coding in _codings(resource):
            if coding["system"] == fhir.LOINC:
                assert coding["code"] in accepted_loinc, coding
            elif coding["system"] == "http://unitsofmeasure.org":  # a Quantity's unit
                assert coding["code"] in fhir.MM_PER_UNIT, coding
            else:  # a site, histology, agent, or the disorder code of a site (relatedMatch)
                terms = codes.terms_for_coding(coding["system"], coding["code"], related=True)
                assert terms is not None and len(terms) == 1, coding
    assert kinds == {"Patient", "Condition", "Observation", "BodyStructure", "Procedure", "MedicationRequest"}
    assert patients == [f"C{i:07d}" for i in range(1, 41)]  # the Patient line opens each patient's block


def test_ndjson_patient_blocks_name_only_their_patient(tmp_path):
    path = generate(20, tmp_path / "c.ndjson", seed=4, fmt="ndjson").path
    current = None
    for line in path.read_text().splitlines():
        resource = json.loads(line)
        if resource["resourceType"] == "Patient":
            current = resource["id"]
            continue
        ref = (resource.get("subject") or resource.get("patient"))["reference"]
        assert ref == f"Patient/{current}", (resource["id"], ref)
