"""A generated cohort as FHIR R4 mCODE bulk NDJSON: the same seed as Turtle gives, patient by patient, the
same facts and the same verdicts, except where mCODE cannot carry a fact (each such difference is named in
:func:`carried` below); the chunked NDJSON reading of ``cohort validate`` gives the graph of the whole-file
reader, with its errors (file, line, resource) and exit codes."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal
from rdflib.compare import to_isomorphic
from rdflib.namespace import RDF, XSD

from sarcoma_kg.cli import main
from sarcoma_kg.cohort.ndjson import convert
from sarcoma_kg.cohort.run import validate_cohort
from sarcoma_kg.cohort.synthetic import generate
from sarcoma_kg.errors import InputError
from sarcoma_kg.namespaces import EX, SKG
from sarcoma_kg.patients.fhir import patient_ntriples, read_fhir

N, SEED = 40, 9

# ---- what mCODE cannot carry (docs/cohorts.md, "As FHIR R4 mCODE NDJSON")
#: Facts with no mCODE element, by the node that holds them.
NO_ELEMENT = {
    "patient": {SKG.hasDiffuseSerosalInvolvement, SKG.hasSerosalInvolvement, SKG.surgicalCandidate},
    "primary": {SKG.amenableToRadicalTreatment},
    "lesion": {SKG.amenableToRadicalTreatment},
    "course": {SKG.bestResponse},
}
#: Sites without a SNOMED CT code of their own in the mapping sets: written with the broader site's code.
BROADER_SITE = {SKG.RightLung: SKG.Lung, SKG.LeftLung: SKG.Lung,
                SKG.RightLobeOfLiver: SKG.Liver, SKG.LeftLobeOfLiver: SKG.Liver}
#: Terms with no coding the reader maps back to them alone: written as text, which the reader does not map.
NOT_CODED = {SKG.SoftTissue, SKG.LymphNode, SKG.Pleura}


def _one(graph: Graph, node, prop):
    return next(iter(graph.objects(node, prop)), None)


def carried(turtle: Graph) -> Graph:
    """The Turtle cohort with every fact mCODE cannot carry changed as the NDJSON form writes it."""
    g = Graph()
    g += turtle
    for patient in set(g.subjects(RDF.type, SKG.Patient)):
        primary = _one(g, patient, SKG.hasPrimaryTumour)
        roles = [("patient", patient), ("primary", primary)]
        roles += [("lesion", les) for les in g.objects(patient, SKG.hasLesion)]
        roles += [("course", c) for c in g.objects(patient, SKG.receivedSystemicTherapy)]
        for role, node in roles:
            for prop in NO_ELEMENT[role]:
                g.remove((node, prop, None))
        if primary is not None:
            _primary(g, primary)
        for lesion in list(g.objects(patient, SKG.hasLesion)):
            _lesion(g, lesion)
        ecog = _one(g, patient, SKG.ecogPerformanceStatus)
        if ecog is not None and not 0 <= int(ecog) <= 5:  # the reader refuses it for the whole file
            g.remove((patient, SKG.ecogPerformanceStatus, None))
        dates = [d for d in g.objects(primary, SKG.diagnosisDate)] if primary is not None else []
        if not dates:  # the age comes from the birth date and the diagnosis date
            g.remove((patient, SKG.ageAtDiagnosisYears, None))
    return g


def _primary(g: Graph, primary) -> None:
    if _one(g, primary, SKG.primaryResected) == Literal(False):  # no Procedure resource says "not done"
        g.remove((primary, SKG.primaryResected, None))
    if _one(g, primary, SKG.hasHistology) in NOT_CODED:
        g.remove((primary, SKG.hasHistology, None))
    dates = sorted(str(d) for d in g.objects(primary, SKG.diagnosisDate))
    g.remove((primary, SKG.diagnosisDate, None))
    if dates:  # one onsetDateTime, a dateTime: the first date, as xsd:date
        g.add((primary, SKG.diagnosisDate, Literal(dates[0], datatype=XSD.date)))


def _lesion(g: Graph, lesion) -> None:
    g.add((lesion, RDF.type, SKG.MetastaticLesion))  # every Tumor is a lesion
    site = _one(g, lesion, SKG.hasSite)
    if site in NOT_CODED:
        g.remove((lesion, SKG.hasSite, None))
    elif site in BROADER_SITE:
        g.set((lesion, SKG.hasSite, BROADER_SITE[site]))
    size = _one(g, lesion, SKG.longestDiameterMm)
    if size is not None and size.datatype != XSD.decimal:  # a Quantity value is a number; text is no value
        g.remove((lesion, SKG.longestDiameterMm, None))


def _value(term):
    if isinstance(term, Literal) and term.datatype in (XSD.decimal, XSD.integer):
        return ("number", Decimal(str(term)).normalize())
    return term


def _facts(g: Graph, node) -> dict:
    return {p: sorted(map(_value, g.objects(node, p)), key=str) for p in sorted(set(g.predicates(node)))
            if p not in (SKG.hasPrimaryTumour, SKG.hasLesion, SKG.receivedSystemicTherapy)}


def patient_facts(g: Graph, patient) -> dict:
    """A patient's facts without its nodes' names (the reader names them from the resource ids)."""
    return {"patient": _facts(g, patient),
            "primaries": [_facts(g, p) for p in g.objects(patient, SKG.hasPrimaryTumour)],
            "lesions": sorted((_facts(g, les) for les in g.objects(patient, SKG.hasLesion)), key=repr),
            "courses": [_facts(g, c) for c in g.objects(patient, SKG.receivedSystemicTherapy)]}


@pytest.fixture(scope="module")
def cohorts(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ndjson")
    ttl = generate(N, tmp / "cohort.ttl", seed=SEED, fmt="ttl")
    ndjson = generate(N, tmp / "cohort.ndjson", seed=SEED, fmt="ndjson")
    nt = tmp / "from-ndjson.nt"
    convert(ndjson.path, nt, workers=1, chunk_patients=7)
    return ttl, ndjson, Graph().parse(ttl.path), Graph().parse(nt, format="nt"), tmp


def test_every_patient_has_the_turtle_facts_mcode_can_carry(cohorts):
    _, _, turtle, from_fhir, _ = cohorts
    expected = carried(turtle)
    patients = sorted(turtle.subjects(RDF.type, SKG.Patient))
    assert patients == sorted(from_fhir.subjects(RDF.type, SKG.Patient)) and len(patients) == N
    for patient in patients:
        assert patient_facts(from_fhir, patient) == patient_facts(expected, patient), patient


def test_the_differences_are_there_to_be_seen(cohorts):
    """The cohort exercises the listed differences (so the comparison above is not vacuous)."""
    _, _, turtle, _, _ = cohorts
    sites = set(turtle.objects(None, SKG.hasSite))
    assert sites & set(BROADER_SITE) and sites & NOT_CODED
    assert any(set(turtle.predicates(s)) & NO_ELEMENT["patient"] for s in turtle.subjects(RDF.type, SKG.Patient))
    assert carried(turtle) != turtle


def _verdicts(path: Path) -> dict:
    result = validate_cohort(path, workers=1, collect=True)
    # (patient, definition) -> verdict, failed, unknown and lenient criteria (the reasons name nodes)
    return {(row[0], row[1]): row[2:6] for row in result.all_rows}


def test_every_patient_has_the_verdicts_of_the_carried_turtle_facts(cohorts):
    _, ndjson, turtle, _, tmp = cohorts
    carried_nt = tmp / "carried.nt"
    carried_nt.write_text(patient_ntriples(carried(turtle)), encoding="utf-8")
    expected, found = _verdicts(carried_nt), _verdicts(ndjson.path)
    assert len(found) > N and set(found) == set(expected)
    assert {k: v for k, v in found.items() if v != expected[k]} == {}
    assert len({v[0] for v in found.values()}) > 2  # several verdict kinds, not one everywhere


# ---------------------------------------------------------------------------- chunked reading

def test_chunks_give_the_whole_file_graph(cohorts, tmp_path):
    _, ndjson, _, from_fhir, _ = cohorts
    assert to_isomorphic(from_fhir) == to_isomorphic(read_fhir(ndjson.path))
    two = tmp_path / "two.nt"
    result = convert(ndjson.path, two, workers=2, chunk_patients=11)
    assert result.patients == N and result.grouped and result.notes == []
    assert two.read_bytes() == patient_ntriples(read_fhir(ndjson.path)).encode()


def test_a_file_sorted_by_resource_type_is_read_whole_with_a_note(cohorts, tmp_path):
    _, ndjson, _, from_fhir, _ = cohorts
    lines = ndjson.path.read_text().splitlines()
    by_type = tmp_path / "by-type.ndjson"
    by_type.write_text("\n".join(sorted(lines, key=lambda l: json.loads(l)["resourceType"])) + "\n")
    out = tmp_path / "by-type.nt"
    result = convert(by_type, out, workers=1, chunk_patients=5)
    assert not result.grouped and "read whole" in result.notes[0]
    assert to_isomorphic(Graph().parse(out, format="nt")) == to_isomorphic(from_fhir)


def _broken(ndjson: Path, tmp_path: Path, line_number: int, change) -> Path:
    lines = ndjson.read_text().splitlines()
    lines[line_number - 1] = change(lines[line_number - 1])
    path = tmp_path / "broken.ndjson"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_an_error_in_a_later_chunk_names_file_line_and_resource(cohorts, tmp_path):
    _, ndjson, _, _, _ = cohorts
    lines = ndjson.path.read_text().splitlines()
    number = next(i for i, l in enumerate(lines, 1) if '"id":"C0000031-ecog"' in l)
    path = _broken(ndjson.path, tmp_path, number, lambda l: l.replace('"valueInteger":', '"valueInteger":9,"x":'))
    with pytest.raises(InputError) as caught:
        convert(path, tmp_path / "out.nt", workers=2, chunk_patients=4)
    assert str(caught.value).startswith(f"{path}:{number}: ") and "Observation/C0000031-ecog" in str(caught.value)
    result = CliRunner().invoke(main, ["cohort", "validate", str(path), "--workers", "2"])
    assert result.exit_code == 2 and f"{path}:{number}: " in result.output and "Traceback" not in result.output


def test_a_patient_twice_in_separate_chunks_is_an_input_error(cohorts, tmp_path):
    _, ndjson, _, _, _ = cohorts
    lines = ndjson.path.read_text().splitlines()
    first = next(l for l in lines if l.startswith('{"resourceType":"Patient"'))
    path = tmp_path / "twice.ndjson"
    path.write_text("\n".join([*lines, first]) + "\n")
    with pytest.raises(InputError, match=rf"^{path}:{len(lines) + 1}: Patient/C0000001: .*twice"):
        convert(path, tmp_path / "out.nt", workers=1, chunk_patients=5)


def test_cohort_validate_on_generated_ndjson_exits_1_with_a_row_per_patient_and_definition(cohorts):
    ttl, ndjson, _, _, _ = cohorts
    result = CliRunner().invoke(main, ["cohort", "validate", str(ndjson.path), "--workers", "2"])
    assert result.exit_code == 1, result.output  # the defects mCODE carries are sh:Violations
    rows = result.stdout.splitlines()[1:]
    turtle = CliRunner().invoke(main, ["cohort", "validate", str(ttl.path), "--workers", "2"])
    assert len(rows) == len(turtle.stdout.splitlines()[1:]) and {r.split(",")[0] for r in rows} == {
        str(EX[f"C{i:07d}"]) for i in range(1, N + 1)}


def test_a_resource_id_twice_in_separate_chunks_is_an_input_error(cohorts, tmp_path):
    """A Condition of the first patient given again, for the last patient, in the last chunk: the
    two patients would share one lesion node; the file is refused as the whole-file reader refuses it."""
    _, ndjson, _, _, _ = cohorts
    lines = ndjson.path.read_text().splitlines()
    patients = [json.loads(l)["id"] for l in lines if l.startswith('{"resourceType":"Patient"')]
    condition = next(json.loads(l) for l in lines if l.startswith('{"resourceType":"Condition"'))
    condition["subject"]["reference"] = f"Patient/{patients[-1]}"
    path = tmp_path / "condition-twice.ndjson"
    path.write_text("\n".join([*lines, json.dumps(condition)]) + "\n")
    key = f"Condition/{condition['id']}"
    with pytest.raises(InputError, match=rf"^{path}:{len(lines) + 1}: {key}: id: .*twice.*first at line"):
        convert(path, tmp_path / "out.nt", workers=1, chunk_patients=5)
    with pytest.raises(InputError, match=rf"{key} is given twice"):
        convert(path, tmp_path / "out.nt", workers=1, chunk_patients=len(patients))
