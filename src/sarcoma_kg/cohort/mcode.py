"""The synthetic cohort as FHIR R4 mCODE bulk NDJSON: one resource per line, patient by patient.

Each generated patient (:class:`~sarcoma_kg.cohort.synthetic.PatientRecord`) is written as the
resources the FHIR reader (:mod:`sarcoma_kg.patients.fhir`, docs/fhir.md) maps, with the elements it
reads and nothing else, its Patient line first (so ``cohort validate`` can cut the file into chunks
of whole patients):

* ``Patient`` (mcode-cancer-patient): ``birthDate`` chosen so that the reader's age at diagnosis is the
  generated ``skg:ageAtDiagnosisYears``;
* ``Condition`` (mcode-primary-cancer-condition): histology (``extension[histologyMorphologyBehavior]``
  and ``code``), ``onsetDateTime`` = the diagnosis date;
* ``Procedure`` (mcode-cancer-related-surgical-procedure, completed, ``reasonReference`` = the primary)
  when the primary was resected;
* ``Observation`` (mcode-ecog-performance-status, LOINC 89247-1) ``valueInteger``;
* per lesion: a ``Condition`` (mcode-secondary-cancer-condition: ``bodySite``, ``onsetDateTime`` = the
  detection date), a ``BodyStructure`` (mcode-tumor: ``location``, ``extension[relatedCondition]``) and,
  with a size, an ``Observation`` (mcode-tumor-size: LOINC 21889-1, component 33728-7 in mm);
* ``MedicationRequest`` (mcode-cancer-related-medication-request, status ``unknown``) for the course.

Codes: only codings the reader maps back to the generated term alone
(:func:`sarcoma_kg.patients.codes.codings_for`, the project's mapping sets): SNOMED CT for sites, NCIt
for histologies and agents, ICD-O-3 for a histology with no NCIt code of its own (fibrosarcoma, malignant
fibrous histiocytoma, hepatocellular and sarcomatoid carcinoma). A site without one is coded by the nearest broader site that has one
(right lung → lung, right lobe of liver → liver), its exact name kept as the concept's text; a term
with neither (soft tissue, lymph node, pleura) is written as text alone, which the reader reports and does not
map, as it does for such a record from a hospital. Facts mCODE has no element for (serosal involvement,
surgical candidacy, amenability to radical treatment, best response, a primary *not* resected) are not
written; docs/cohorts.md lists every difference from the Turtle form.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from functools import lru_cache

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDFS

from .. import resources
from ..namespaces import EX, SKG
from ..patients import codes
from ..patients.fhir import LONGEST_DIMENSION, MCODE, RELATED_CONDITION, years_between
from .synthetic import RDF_TYPE, PatientRecord

#: Defect kinds (synthetic.DEFECT_KINDS) FHIR cannot hold: the NDJSON form writes those patients without them
#: (docs/cohorts.md). A lesion site that is a histology is held when that histology has a code of its own.
DEFECTS_NOT_HELD = ("diagnosis-date-not-date", "two-diagnosis-dates", "size-not-number", "ecog-out-of-range",
                    "serosal-not-boolean", "lesion-untyped")

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
ECOG_CODE, TUMOR_SIZE_CODE = "89247-1", "21889-1"
HISTOLOGY_EXTENSION = MCODE + "mcode-histology-morphology-behavior"


def _profile(name: str) -> dict:
    return {"profile": [MCODE + name]}


def _loinc(code: str) -> dict:
    return {"coding": [{"system": LOINC, "code": code}]}


def _ref(kind: str, id_: str) -> dict:
    return {"reference": f"{kind}/{id_}"}


@lru_cache(maxsize=1)
def _anatomy() -> Graph:
    return Graph().parse(resources.ONTOLOGY_DIR / "anatomy.ttl", format="turtle")


def _broader(term: URIRef) -> list[URIRef]:
    """The named superclasses of a site, then what it is part of (``partOf some``), in file order."""
    graph, found = _anatomy(), []
    for parent in graph.objects(term, RDFS.subClassOf):
        if isinstance(parent, URIRef):
            found.append(parent)
        elif (parent, OWL.onProperty, SKG.partOf) in graph:
            found.extend(o for o in graph.objects(parent, OWL.someValuesFrom) if isinstance(o, URIRef))
    return found


@lru_cache(maxsize=None)
def concept(term: URIRef, site: bool = False) -> dict:
    """The CodeableConcept of a term: its coding when one maps back to it alone; for a ``site``, else the
    coding of the nearest broader site; the term's name as text whenever the coding is not its own."""
    own = codes.codings_for(term)
    if own:
        return {"coding": [{"system": own[0][0], "code": own[0][1]}]}
    todo, seen = list(_broader(term)) if site else [], set()
    while todo:
        broader = todo.pop(0)
        if broader in seen:
            continue
        seen.add(broader)
        found = codes.codings_for(broader)
        if found:
            return {"coding": [{"system": found[0][0], "code": found[0][1]}], "text": codes.label(term)}
        todo.extend(_broader(broader))
    return {"text": codes.label(term)}


def _secondary_code(site: URIRef | None) -> dict:
    """A secondary cancer condition's code: the disorder coding of its site where a row gives one."""
    related = codes.codings_for(site, related=True) if site is not None else []
    if related:
        return {"coding": [{"system": related[0][0], "code": related[0][1]}]}
    return {"text": "secondary malignant neoplasm" + (f" of {codes.label(site)}" if site is not None else "")}


# --------------------------------------------------------------------------- the generated facts

def _value(nt: str) -> tuple[str, str | None]:
    """(IRI or lexical form, datatype local name or None for an IRI) of an N-Triples term."""
    if nt.startswith("<"):
        return nt[1:-1], None
    lex, _, datatype = nt[1:].partition('"')
    return lex, datatype.removeprefix("^^<").rsplit("#", 1)[-1].rstrip(">") or "string"


def facts(rec: PatientRecord) -> dict[str, dict[str, list[tuple[str, str | None]]]]:
    """Subject local name → predicate local name (``type`` for rdf:type) → [(value, datatype)] of a record."""
    out: dict[str, dict[str, list]] = {}
    for subject, pairs in rec.blocks:
        node = out.setdefault(subject.nt[1:-1].removeprefix(str(EX)), {})
        for p, o in pairs:
            name = "type" if p.nt == f"<{RDF_TYPE}>" else p.nt[1:-1].removeprefix(str(SKG))
            node.setdefault(name, []).append(_value(o.nt))
    return out


def _first(node: dict, name: str) -> tuple[str, str | None] | None:
    return (node.get(name) or [None])[0]


def _local(iri: str) -> str:
    return iri.removeprefix(str(EX))


def birth_date(age: str, diagnosis: str) -> str | None:
    """A birth date from which the reader's age at ``diagnosis`` is ``age`` (to its two places), or None."""
    years, day = int(float(age)), dt.date.fromisoformat(diagnosis)
    try:
        anniversary = day.replace(year=day.year - years)
    except ValueError:  # 29 February
        anniversary = day.replace(year=day.year - years, day=28)
    estimate = int((Decimal(age) - years) * 365)
    for days in sorted(range(0, 367), key=lambda d: abs(d - estimate)):  # the nearest days first
        birth = (anniversary - dt.timedelta(days=days)).isoformat()
        if years_between(birth, diagnosis) == Decimal(age):
            return birth
    return None


def _patient(pid: str, node: dict, diagnosis: str | None) -> dict:
    resource = {"resourceType": "Patient", "id": pid, "meta": _profile("mcode-cancer-patient")}
    age = _first(node, "ageAtDiagnosisYears")
    birth = birth_date(age[0], diagnosis) if age and diagnosis else None
    if birth:
        resource["birthDate"] = birth
    return resource


def _primary(pid: str, cid: str, node: dict) -> dict:
    resource = {"resourceType": "Condition", "id": cid, "meta": _profile("mcode-primary-cancer-condition")}
    histology = _first(node, "hasHistology")
    if histology:
        resource["extension"] = [{"url": HISTOLOGY_EXTENSION, "valueCodeableConcept": concept(URIRef(histology[0]))}]
        resource["code"] = concept(URIRef(histology[0]))
    resource["subject"] = _ref("Patient", pid)
    diagnosis = _first(node, "diagnosisDate")
    if diagnosis:
        resource["onsetDateTime"] = diagnosis[0]
    return resource


def _resection(pid: str, cid: str) -> dict:
    return {"resourceType": "Procedure", "id": f"{pid}-resection",
            "meta": _profile("mcode-cancer-related-surgical-procedure"), "status": "completed",
            "code": {"text": "resection of the primary tumour"}, "subject": _ref("Patient", pid),
            "reasonReference": [_ref("Condition", cid)]}


def _ecog(pid: str, value: int) -> dict:
    return {"resourceType": "Observation", "id": f"{pid}-ecog", "meta": _profile("mcode-ecog-performance-status"),
            "status": "final", "code": _loinc(ECOG_CODE), "subject": _ref("Patient", pid), "valueInteger": value}


def _lesion(pid: str, lid: str, node: dict) -> list[dict]:
    """The secondary condition, the Tumor and (with a size) the TumorSize observation of one lesion."""
    site = _first(node, "hasSite")
    term = URIRef(site[0]) if site else None
    detected = _first(node, "detectionDate")
    condition = {"resourceType": "Condition", "id": f"{lid}-condition",
                 "meta": _profile("mcode-secondary-cancer-condition"), "code": _secondary_code(term)}
    if term is not None:
        condition["bodySite"] = [concept(term, site=True)]
    condition["subject"] = _ref("Patient", pid)
    if detected:
        condition["onsetDateTime"] = detected[0]
    tumor = {"resourceType": "BodyStructure", "id": lid, "meta": _profile("mcode-tumor"),
             "extension": [{"url": RELATED_CONDITION[0], "valueReference": _ref("Condition", f"{lid}-condition")}]}
    if term is not None:
        tumor["location"] = concept(term, site=True)
    tumor["patient"] = _ref("Patient", pid)
    found = [condition, tumor]
    size = _first(node, "longestDiameterMm")
    if size:
        found.append(_size(pid, lid, size, detected))
    return found


def _size(pid: str, lid: str, size: tuple[str, str | None], detected) -> dict:
    """A TumorSize observation; a size that is not a number (a defect) is sent as text, which mCODE's
    reader takes as no value."""
    component: dict = {"code": _loinc(LONGEST_DIMENSION)}
    if size[1] == "decimal":
        component["valueQuantity"] = {"value": float(size[0]), "unit": "mm", "system": UCUM, "code": "mm"}
    else:
        component["valueString"] = size[0]
    resource = {"resourceType": "Observation", "id": f"{lid}-size", "meta": _profile("mcode-tumor-size"),
                "status": "final", "code": _loinc(TUMOR_SIZE_CODE), "subject": _ref("Patient", pid),
                "focus": [_ref("BodyStructure", lid)]}
    if detected:
        resource["effectiveDateTime"] = detected[0]
    resource["component"] = [component]
    return resource


def _course(pid: str, course_id: str, node: dict) -> dict:
    resource = {"resourceType": "MedicationRequest", "id": course_id,
                "meta": _profile("mcode-cancer-related-medication-request"), "status": "unknown", "intent": "order"}
    agent = _first(node, "usesAgent")
    resource["medicationCodeableConcept"] = concept(URIRef(agent[0])) if agent else {"text": "systemic therapy"}
    resource["subject"] = _ref("Patient", pid)
    return resource


def patient_resources(rec: PatientRecord) -> list[dict]:
    """The FHIR resources of one generated patient, its Patient first."""
    found = facts(rec)
    pid = next(iter(found))
    patient = found[pid]
    primary_id = _local(_first(patient, "hasPrimaryTumour")[0]) if "hasPrimaryTumour" in patient else None
    primary = found.get(primary_id, {}) if primary_id else {}
    diagnosis = _first(primary, "diagnosisDate")
    out = [_patient(pid, patient, diagnosis[0] if diagnosis else None)]
    if primary_id:
        out.append(_primary(pid, primary_id, primary))
        if _first(primary, "primaryResected") == ("true", "boolean"):
            out.append(_resection(pid, primary_id))
    ecog = _first(patient, "ecogPerformanceStatus")
    if ecog and 0 <= int(ecog[0]) <= 5:  # the reader refuses any other value, for the whole file
        out.append(_ecog(pid, int(ecog[0])))
    for lesion, _ in patient.get("hasLesion", []):
        out.extend(_lesion(pid, _local(lesion), found.get(_local(lesion), {})))
    for course, _ in patient.get("receivedSystemicTherapy", []):
        out.append(_course(pid, _local(course), found.get(_local(course), {})))
    return out


def render_ndjson(rec: PatientRecord) -> str:
    """One patient as NDJSON lines (compact JSON, keys in a fixed order: the same seed gives the same bytes)."""
    return "".join(json.dumps(r, separators=(",", ":")) + "\n" for r in patient_resources(rec))
