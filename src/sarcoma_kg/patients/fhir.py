"""FHIR R4 mCODE records → patient graph (docs/fhir.md is the mapping, element by element).

Input: a Bundle (``.json``) or bulk NDJSON (``.ndjson``, one resource per line, the FHIR Bulk Data
format). Every resource is checked with the ``fhir.resources`` R4B models (they accept R4 JSON); the
mapping then reads the checked JSON. Resources join their patient through ``subject`` / ``patient``;
one ``skg:Patient`` (``ex:<Patient.id>``) is emitted per FHIR Patient, in the vocabulary the CSV mapping
uses (docs/model.md).

Nothing is dropped silently: every element that is read but cannot be mapped becomes an
:class:`Unmapped` row (file, line for NDJSON, resource, element, code, reason), and a resource type
outside the patient model is one row per resource. A secondary cancer condition without a Tumor stands
for an unknown number of lesions at its site: it becomes one lesion node marked
``skg:lesionNumberUnknown true``, so that the lesion-count criteria say *cannot tell* while its site
and detection date still count (a note per patient says why).

Input errors (:class:`~sarcoma_kg.errors.InputError`, exit code 2) name the file, the line (NDJSON),
the resource and the element: not JSON, not a Bundle, a resource the R4B models reject, a reference
to a Patient not in the input, two Patients with one id, an ECOG value outside 0..5, a tumour size
whose unit is not a length.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from .. import rdf, resources
from ..errors import InputError
from ..namespaces import EX, SKG, bind_prefixes
from . import codes

log = logging.getLogger(__name__)

MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"
HISTOLOGY_EXTENSION = MCODE + "mcode-histology-morphology-behavior"
RELATED_CONDITION = (MCODE + "mcode-related-condition", "http://hl7.org/fhir/StructureDefinition/condition-related")
LOINC = "http://loinc.org"
#: LOINC codes that identify an mCODE observation when it carries no profile.
OBSERVATION_KINDS = {"21889-1": "tumor-size", "89247-1": "ecog-performance-status",
                     "89243-0": "karnofsky-performance-status", "97509-4": "cancer-disease-status"}
LONGEST_DIMENSION = "33728-7"
MM_PER_UNIT = {"mm": Decimal(1), "cm": Decimal(10)}
ONGOING = {"active": True, "on-hold": True, "in-progress": True, "completed": False, "stopped": False}
#: The resource types the mapping reads: each must name its Patient. Any other type is one report row.
MAPPED_TYPES = frozenset({"Condition", "Observation", "BodyStructure", "Procedure", "MedicationRequest",
                          "MedicationAdministration"})


@dataclass(frozen=True)
class Unmapped:
    """One element read but not mapped (docs/fhir.md, "The report of what was not mapped")."""

    file: str
    line: int | None
    resource: str
    element: str
    code: str | None
    display: str | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        code = f" {self.code}" if self.code else ""
        shown = f' "{self.display}"' if self.display else ""
        return f"{where}: {self.resource} {self.element}{code}{shown}: not mapped: {self.reason}"


class FhirGraph(Graph):
    """A patient graph read from FHIR, with the report of what was not mapped and per-patient notes."""

    def __init__(self) -> None:
        super().__init__()
        self.unmapped: list[Unmapped] = []
        self.notes: dict[URIRef, list[str]] = {}


@dataclass
class _Res:
    """One resource of the input with where it came from."""

    data: dict
    line: int | None
    full_url: str | None = None

    @property
    def key(self) -> str:
        return f"{self.data['resourceType']}/{self.data.get('id', '?')}"

    @property
    def profiles(self) -> list[str]:
        return list((self.data.get("meta") or {}).get("profile") or [])

    def has_profile(self, name: str) -> bool:
        return any(p.split("|")[0] == MCODE + name for p in self.profiles)


# --------------------------------------------------------------------------- parsing

def is_fhir_json(path: Path) -> bool:
    """Whether a ``.json`` file holds FHIR (a top-level object with ``resourceType``), not JSON-LD."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096).decode("utf-8", "replace")
    except OSError:
        return False
    return '"resourceType"' in head


def _parse_json(path: Path, text: str, line: int | None = None) -> dict:
    where = f"{path}:{line}" if line else str(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        at = f"{path}:{line}" if line else f"{path}:{exc.lineno}"
        raise InputError(f"{at}: not JSON: {exc.msg} (column {exc.colno})") from None
    if not isinstance(data, dict) or "resourceType" not in data:
        raise InputError(f"{where}: not a FHIR resource (a JSON object with resourceType)")
    return data


def load_resources(path: Path) -> list[_Res]:
    """The resources of a Bundle (``.json``) or NDJSON file, each checked with the R4B models."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot be read: {exc.strerror}") from exc
    found: list[_Res] = []
    if path.suffix.lower() == ".ndjson":
        found = _ndjson_lines(path, enumerate(text.splitlines(), start=1))
    else:
        data = _parse_json(path, text)
        if data["resourceType"] != "Bundle":
            raise InputError(f"{path}: a FHIR {data['resourceType']}, not a Bundle "
                             "(give a Bundle, or NDJSON with one resource per line)")
        _check(path, _Res(data, None), bundle=True)
        found = [_Res(e["resource"], None, e.get("fullUrl")) for e in data.get("entry") or []
                 if isinstance(e.get("resource"), dict)]
    if not found:
        raise InputError(f"{path}: no FHIR resource in it")
    for res in found:
        _check(path, res)
    return found


def _ndjson_lines(path: Path, lines) -> list[_Res]:
    """The resources of numbered NDJSON lines (``(line number, text)``), not yet checked."""
    found = []
    for number, line in lines:
        if line.strip():
            data = _parse_json(path, line, number)
            if data["resourceType"] == "Bundle":
                raise InputError(f"{path}:{number}: a Bundle; NDJSON holds one resource per line")
            found.append(_Res(data, number))
    return found


def ndjson_resources(path: Path, lines) -> list[_Res]:
    """The resources of some numbered lines (``(line number, text)``) of an NDJSON file, not yet checked
    (:func:`check_resources`): ``cohort validate`` reads bulk NDJSON in chunks of whole patients."""
    return _ndjson_lines(path, lines)


def check_resources(path: Path, found: list[_Res]) -> None:
    """Check each resource with its R4B model; the first rejection is an InputError naming the element."""
    for res in found:
        _check(path, res)


@lru_cache(maxsize=None)
def _model(resource_type: str):
    from fhir.resources.R4B import get_fhir_model_class

    return get_fhir_model_class(resource_type)


def _check(path: Path, res: _Res, bundle: bool = False) -> None:
    """Validate one resource with its R4B model; a rejection is an input error naming the element."""
    from pydantic import ValidationError

    where = f"{path}:{res.line}" if res.line else str(path)
    kind = res.data["resourceType"]
    try:
        model = _model(kind)
    except (KeyError, ValueError):
        raise InputError(f"{where}: {kind!r} is not a FHIR R4 resource type") from None
    data = res.data
    if bundle:  # the entries are checked one by one, each with its own message
        data = {k: v for k, v in data.items() if k != "entry"}
    try:
        model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        element = ".".join(str(p) for p in (kind, *first.get("loc", ())))
        raise InputError(f"{where}: {res.key}: {element}: rejected by the FHIR R4B model: {first.get('msg')}") from None


class FhirReader:
    """FHIR R4 (mCODE) Bundles (``.json`` holding a ``resourceType``) and bulk NDJSON (``.ndjson``)."""

    suffixes = frozenset({".json", ".ndjson"})

    def accepts(self, path: Path) -> bool:
        suffix = path.suffix.lower()
        return suffix == ".ndjson" or (suffix == ".json" and is_fhir_json(path))

    def read(self, path: Path) -> tuple[Graph, list[InputError]]:
        """The file's patient graph; a resource that cannot be read stops the file (FHIR records
        reference each other: a Condition without its Patient is not a record of its own)."""
        return read_fhir(path), []


# --------------------------------------------------------------------------- the mapping

def read_fhir(path: Path | str) -> FhirGraph:
    """Read a FHIR Bundle or NDJSON file into a patient graph with its report. Raise InputError."""
    path = Path(path)
    return map_resources(path, load_resources(path))


def map_resources(path: Path, found: list[_Res], log_rows: bool = True) -> FhirGraph:
    """The patient graph of checked resources of ``path``; with ``log_rows`` False the report rows are
    only kept (``FhirGraph.unmapped``), for a caller that logs them in its own order. Raise InputError."""
    mapper = _Mapper(path, found, log_rows)
    try:
        return mapper.run()
    except (KeyError, TypeError, ValueError, ArithmeticError) as exc:  # valid R4 the mapping cannot read
        where = mapper.current.key if mapper.current is not None else "the file"
        raise InputError(f"{path}: {where}: cannot be read into the patient graph "
                         f"({type(exc).__name__}: {exc})") from None


def _date(value) -> Literal | None:
    if not value:
        return None
    return Literal(str(value)[:10], datatype=XSD.date)


def _concept_code(concept: dict | None) -> tuple[str | None, str | None]:
    codings = (concept or {}).get("coding") or []
    if not codings:
        return None, None
    first = codings[0]
    return f"{first.get('system', '')}|{first.get('code', '')}", first.get("display")


def years_between(birth: str, diagnosis: str) -> Decimal | None:
    """Decimal years (two places) from ``birth`` to ``diagnosis``, as `skg:ageAtDiagnosisYears` takes them."""
    try:
        b, d = dt.date.fromisoformat(birth[:10]), dt.date.fromisoformat(diagnosis[:10])
    except ValueError:
        return None
    years = d.year - b.year - ((d.month, d.day) < (b.month, b.day))
    anniversary = _add_years(b, years)
    fraction = Decimal((d - anniversary).days) / Decimal(366 if _is_leap_span(anniversary) else 365)
    return (Decimal(years) + fraction).quantize(Decimal("0.01"))


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _is_leap_span(start: dt.date) -> bool:
    return (_add_years(start, 1) - start).days == 366


@lru_cache(maxsize=1)
def _histology_terms() -> frozenset[URIRef]:
    graph = Graph().parse(resources.ONTOLOGY_DIR / "histology.ttl", format="turtle")
    return frozenset(s for s in graph.subjects(RDFS.label, None) if isinstance(s, URIRef))


@lru_cache(maxsize=1)
def _hepatectomy_terms() -> frozenset[URIRef]:
    graph = Graph().parse(resources.ONTOLOGY_DIR / "modality.ttl", format="turtle")
    found = {SKG.Hepatectomy}
    for narrower in graph.transitive_subjects(RDFS.subClassOf, SKG.Hepatectomy):
        found.add(narrower)
    return frozenset(found)


class _Mapper:
    """Maps the resources of one file; collects the report rows."""

    def __init__(self, path: Path, found: list[_Res], log_rows: bool = True):
        self.path, self.found, self.log_rows = path, found, log_rows
        self.graph = FhirGraph()
        bind_prefixes(self.graph)
        self.by_key: dict[str, _Res] = {}
        self.patients: dict[str, _Res] = {}
        self.primaries: dict[str, URIRef] = {}  # Condition key → primary node
        self.secondaries: dict[str, _Res] = {}
        self.secondary_sites: dict[str, URIRef | None] = {}
        self.tumors: dict[str, URIRef] = {}  # BodyStructure key → lesion node
        self.latest: dict[tuple, tuple[str, _Res]] = {}  # (node, property) → (date, resource)
        self.current: _Res | None = None  # the resource being mapped, named by an unexpected failure

    # ---- report
    def report(self, res: _Res, element: str, reason: str, concept: dict | None = None, code: str | None = None) -> None:
        display = None
        if concept is not None:
            code, display = _concept_code(concept)
        row = Unmapped(str(self.path), res.line, res.key, element, code, display, reason)
        self.graph.unmapped.append(row)
        if self.log_rows:
            log.warning("%s", row)

    def error(self, res: _Res, element: str, message: str) -> InputError:
        where = f"{self.path}:{res.line}" if res.line else str(self.path)
        return InputError(f"{where}: {res.key}: {element}: {message}")

    def term(self, res: _Res, element: str, concept: dict | None, related: bool = False, report: bool = True,
             kinds: frozenset | None = None) -> URIRef | None:
        """The one term a CodeableConcept maps to, or None with a report row saying why."""
        if not concept or not concept.get("coding"):
            if report:
                self.report(res, element, "no coding", code=None)
            return None
        found: set[URIRef] = set()
        known = False
        for coding in concept["coding"]:
            terms = codes.terms_for_coding(coding.get("system"), coding.get("code"), related)
            if terms is not None or coding.get("system") in codes.KNOWN_SYSTEMS_WITHOUT_ROWS:
                known = True
            found |= {t for t in terms or () if kinds is None or t in kinds}
        if len(found) == 1:
            return next(iter(found))
        if report:
            reason = (f"ambiguous: {len(found)} terms" if found else
                      "no mapping row" if known else "unknown code system")
            self.report(res, element, reason, concept)
        return None

    # ---- joining
    def patient_of(self, res: _Res) -> str | None:
        ref = (res.data.get("subject") or res.data.get("patient") or {}).get("reference")
        element = "patient" if "patient" in res.data or res.data["resourceType"] == "BodyStructure" else "subject"
        if not ref:
            if res.data["resourceType"] not in MAPPED_TYPES:
                return None  # a practitioner, an organisation, a provenance record ...
            raise self.error(res, element, "no reference to a Patient")
        key = self._key(ref)
        if key not in self.patients:
            raise self.error(res, element, f"{ref} is not in the input (every resource's Patient must be)")
        return self.patients[key].data["id"]

    def _key(self, reference: str) -> str:
        reference = self.full_urls.get(reference, reference)
        parts = reference.rstrip("/").split("/")
        return "/".join(parts[-2:]) if len(parts) >= 2 else reference

    def related(self, res: _Res) -> str | None:
        for ext in res.data.get("extension") or []:
            if ext.get("url") in RELATED_CONDITION:
                ref = (ext.get("valueReference") or {}).get("reference")
                if ref:
                    return self._key(ref)
        return None

    # ---- the run
    def run(self) -> FhirGraph:
        self.full_urls = {res.full_url: res.key for res in self.found if res.full_url}
        for res in self.found:
            if "id" not in res.data and res.data["resourceType"] in MAPPED_TYPES | {"Patient"}:
                raise self.error(res, "id", "no id: the patient graph names every resource it maps by its id")
            if res.key in self.by_key:
                raise self.error(res, "id", f"{res.key} is given twice in the file")
            self.by_key[res.key] = res
            if res.data["resourceType"] == "Patient":
                self.patients[res.key] = res
        for res in self.found:
            if res.data["resourceType"] != "Patient":
                self.patient_of(res)
        for res in self.patients.values():
            self.current = res
            self.patient(res)
        conditions = [r for r in self.found if r.data["resourceType"] == "Condition"]
        for res in conditions:
            self.current = res
            self.condition(res)
        for res in self.found:
            self.current = res
            kind = res.data["resourceType"]
            if kind in ("Patient", "Condition"):
                continue
            handler = {"BodyStructure": self.tumor, "Observation": self.observation, "Procedure": self.procedure,
                       "MedicationRequest": self.medication, "MedicationAdministration": self.medication}.get(kind)
            if handler is None:
                self.report(res, kind, "not in the patient model")
            else:
                handler(res)
        for res in [r for r in self.found if r.data["resourceType"] == "Observation"]:
            self.late_observation(res)
        self.uncounted()
        self.ages()
        return self.graph

    def patient(self, res: _Res) -> None:
        patient = EX[res.data["id"]]
        self.graph.add((patient, RDF.type, SKG.Patient))
        gender = res.data.get("gender")
        if gender in ("male", "female"):
            self.graph.add((patient, SKG.sex, SKG.Male if gender == "male" else SKG.Female))

    def condition(self, res: _Res) -> None:
        pid = self.patient_of(res)
        if res.has_profile("mcode-secondary-cancer-condition"):
            self.secondaries[res.key] = res
            site = None
            if res.data.get("bodySite"):
                site = self.term(res, "Condition.bodySite[0]", res.data["bodySite"][0])
            concept = res.data.get("code")
            from_code = self.term(res, "Condition.code", concept, related=True)
            self.secondary_sites[res.key] = site or from_code
            return
        extension = [e for e in res.data.get("extension") or [] if e.get("url") == HISTOLOGY_EXTENSION]
        if not (res.has_profile("mcode-primary-cancer-condition") or extension):
            self.report(res, "Condition", "not in the patient model")
            return
        primary = EX[f"{pid}-{res.data['id']}"]
        self.primaries[res.key] = primary
        self.graph.add((EX[pid], SKG.hasPrimaryTumour, primary))
        self.graph.add((primary, RDF.type, SKG.PrimaryTumour))
        histology = None
        if extension:
            histology = self.term(res, "Condition.extension[histologyMorphologyBehavior].valueCodeableConcept",
                                  extension[0].get("valueCodeableConcept"))
        if histology is None:
            histology = self.term(res, "Condition.code", res.data.get("code"), kinds=_histology_terms())
        if histology is not None:
            self.graph.add((primary, SKG.hasHistology, histology))
        if res.data.get("bodySite"):
            site = self.term(res, "Condition.bodySite[0]", res.data["bodySite"][0])
            if site is not None:
                self.graph.add((primary, SKG.hasSite, site))
        onset = res.data.get("onsetDateTime") or (res.data.get("onsetPeriod") or {}).get("start")
        if onset:
            self.graph.add((primary, SKG.diagnosisDate, _date(onset)))
        elif res.data.get("recordedDate"):
            self.report(res, "Condition.recordedDate", "the date it was recorded, not diagnosed: not used",
                        code=str(res.data["recordedDate"]))

    def tumor(self, res: _Res) -> None:
        pid = self.patient_of(res)
        related = self.related(res)
        if related in self.primaries:
            return  # the primary tumour itself, not a lesion
        if related not in self.secondaries:
            self.report(res, "BodyStructure.extension[relatedCondition]",
                        "not linked to a secondary cancer condition: not counted as a lesion")
            return
        lesion = EX[f"{pid}-{res.data['id']}"]
        self.tumors[res.key] = lesion
        self.graph.add((EX[pid], SKG.hasLesion, lesion))
        self.graph.add((lesion, RDF.type, SKG.MetastaticLesion))
        site = None
        if res.data.get("location"):
            site = self.term(res, "BodyStructure.location", res.data["location"])
        for i, qualifier in enumerate(res.data.get("locationQualifier") or []):
            self.report(res, f"BodyStructure.locationQualifier[{i}]", "no mapping row", qualifier)
        site = site or self.secondary_sites.get(related)
        if site is not None:
            self.graph.add((lesion, SKG.hasSite, site))
        onset = self.secondaries[related].data.get("onsetDateTime")
        if onset:
            self.graph.add((lesion, SKG.detectionDate, _date(onset)))

    def _observation_kind(self, res: _Res) -> str | None:
        for profile in res.profiles:
            name = profile.split("|")[0].removeprefix(MCODE).removeprefix("mcode-")
            if name in OBSERVATION_KINDS.values() or name == "histologic-behavior-and-type":
                return name
        for coding in (res.data.get("code") or {}).get("coding") or []:
            if coding.get("system") == LOINC and coding.get("code") in OBSERVATION_KINDS:
                return OBSERVATION_KINDS[coding["code"]]
        return None

    def observation(self, res: _Res) -> None:
        pid = self.patient_of(res)
        kind = self._observation_kind(res)
        when = str(res.data.get("effectiveDateTime") or (res.data.get("effectivePeriod") or {}).get("start") or "")
        if kind == "ecog-performance-status":
            value = res.data.get("valueInteger")
            if value is None or not 0 <= value <= 5:
                raise self.error(res, "Observation.valueInteger", f"ECOG performance status {value!r} is not 0 to 5")
            self.keep_latest(EX[pid], SKG.ecogPerformanceStatus, when, res, Literal(value, datatype=XSD.integer),
                             "Observation.valueInteger")
        elif kind == "tumor-size":
            self.tumor_size(res, when)
        elif kind == "karnofsky-performance-status":
            self.report(res, "Observation.valueInteger", "not in the patient model")
        elif kind == "cancer-disease-status":
            self.report(res, "Observation.valueCodeableConcept", "not in the patient model",
                        res.data.get("valueCodeableConcept"))
        elif kind != "histologic-behavior-and-type":
            self.report(res, "Observation", "not in the patient model")

    def late_observation(self, res: _Res) -> None:
        """A histologic behaviour and type observation: the histology of its primary, when the
        condition itself gave none."""
        if self._observation_kind(res) != "histologic-behavior-and-type":
            return
        primary = self.primaries.get(self.related(res) or "")
        element = "Observation.valueCodeableConcept"
        if primary is None:
            self.report(res, "Observation.extension[relatedCondition]", "not linked to a primary cancer condition")
            return
        histology = self.term(res, element, res.data.get("valueCodeableConcept"))
        if histology is None:
            return
        already = set(self.graph.objects(primary, SKG.hasHistology))
        if not already:
            self.graph.add((primary, SKG.hasHistology, histology))
        elif histology not in already:
            self.report(res, element, "a different histology than its condition's: not used",
                        res.data.get("valueCodeableConcept"))

    def keep_latest(self, node: URIRef, prop: URIRef, when: str, res: _Res, value: Literal, element: str) -> None:
        """Keep the value of the latest measurement; report the one it supersedes."""
        previous = self.latest.get((node, prop))
        if previous is not None:
            if previous[0] > when:
                self.report(res, element, "superseded by a later measurement", code=str(value))
                return
            self.graph.remove((node, prop, None))
            self.report(previous[1], element, "superseded by a later measurement")
        self.latest[(node, prop)] = (when, res)
        self.graph.add((node, prop, value))

    def tumor_size(self, res: _Res, when: str) -> None:
        focus = [self._key(f.get("reference", "")) for f in res.data.get("focus") or []]
        lesion = next((self.tumors[f] for f in focus if f in self.tumors), None)
        if lesion is None:
            reason = ("specimen, not a lesion" if res.data.get("specimen") and not focus else
                      "the size of a tumour that is not a counted lesion")
            self.report(res, "Observation.focus" if focus else "Observation.specimen", reason)
            return
        for i, component in enumerate(res.data.get("component") or []):
            codings = (component.get("code") or {}).get("coding") or []
            element = f"Observation.component[{i}].valueQuantity"
            if not any(c.get("code") == LONGEST_DIMENSION for c in codings):
                self.report(res, element, "not the longest dimension: not in the patient model",
                            component.get("code"))
                continue
            quantity = component.get("valueQuantity") or {}
            if quantity.get("value") is None:
                self.report(res, element, "no value", component.get("code"))
                continue
            unit = quantity.get("code") or quantity.get("unit")
            if unit not in MM_PER_UNIT:
                raise self.error(res, element, f"unit {unit!r} is not a length in mm or cm")
            mm = (Decimal(str(quantity["value"])) * MM_PER_UNIT[unit]).normalize()
            self.keep_latest(lesion, SKG.longestDiameterMm, when, res,
                             Literal(mm, datatype=XSD.decimal), element)

    def procedure(self, res: _Res) -> None:
        pid = self.patient_of(res)
        if not res.has_profile("mcode-cancer-related-surgical-procedure"):
            self.report(res, "Procedure", "not in the patient model")
            return
        if res.data.get("status") != "completed":
            self.report(res, "Procedure.status", "not completed: not used", code=res.data.get("status"))
            return
        performed = res.data.get("performedDateTime") or (res.data.get("performedPeriod") or {}).get("start")
        code = self.term(res, "Procedure.code", res.data.get("code"))
        if code in _hepatectomy_terms():
            self.graph.add((EX[pid], SKG.priorLiverResection, Literal(True)))
            if performed:
                self.graph.add((EX[pid], SKG.priorLiverResectionDate, _date(performed)))
        reasons = [self._key(r.get("reference", "")) for r in res.data.get("reasonReference") or []]
        for key in reasons:
            if key in self.primaries:
                self.graph.add((self.primaries[key], SKG.primaryResected, Literal(True)))
                if performed:
                    self.graph.add((self.primaries[key], SKG.primaryResectionDate, _date(performed)))

    def medication(self, res: _Res) -> None:
        pid = self.patient_of(res)
        kind = res.data["resourceType"]
        if not any("cancer-related-medication" in p for p in res.profiles):
            self.report(res, kind, "not in the patient model")
            return
        course = EX[f"{pid}-{res.data['id']}"]
        self.graph.add((EX[pid], SKG.receivedSystemicTherapy, course))
        self.graph.add((course, RDF.type, SKG.SystemicTherapyCourse))
        agent = self.term(res, f"{kind}.medicationCodeableConcept", res.data.get("medicationCodeableConcept"))
        if agent is not None:
            self.graph.add((course, SKG.usesAgent, agent))
        ongoing = ONGOING.get(res.data.get("status", ""))
        if ongoing is not None:
            self.graph.add((course, SKG.ongoing, Literal(ongoing)))

    def uncounted(self) -> None:
        """Secondary conditions without a Tumor: one lesion node each, standing for an unknown number."""
        with_tumor = {self.related(self.by_key[key]) for key in self.tumors}
        missing: dict[str, list[str]] = {}
        for key, res in self.secondaries.items():
            if key in with_tumor:
                continue
            pid = self.patient_of(res)
            lesion = EX[f"{pid}-{res.data['id']}"]
            self.graph.add((EX[pid], SKG.hasLesion, lesion))
            self.graph.add((lesion, RDF.type, SKG.MetastaticLesion))
            self.graph.add((lesion, SKG.lesionNumberUnknown, Literal(True)))
            site = self.secondary_sites.get(key)
            if site is not None:
                self.graph.add((lesion, SKG.hasSite, site))
            onset = res.data.get("onsetDateTime")
            if onset:
                self.graph.add((lesion, SKG.detectionDate, _date(onset)))
            missing.setdefault(pid, []).append(codes.label(site) if site is not None else "site not mapped")
        for pid, sites in missing.items():
            self.graph.notes.setdefault(EX[pid], []).append(
                f"the record has secondary cancer conditions (sites: {', '.join(sorted(set(sites)))}) "
                "but no Tumor resource, and mCODE carries no lesion count")

    def ages(self) -> None:
        for res in self.patients.values():
            patient = EX[res.data["id"]]
            dates = sorted(str(d) for p in self.graph.objects(patient, SKG.hasPrimaryTumour)
                           for d in self.graph.objects(p, SKG.diagnosisDate))
            birth = res.data.get("birthDate")
            if dates and birth:
                years = years_between(str(birth), dates[0])
                if years is not None:
                    # the canonical form ("45.3", not "45.30"): a value written two ways in one cohort
                    # makes the cohort path hold literals as stand-ins
                    self.graph.add((patient, SKG.ageAtDiagnosisYears,
                                    Literal(format(years.normalize(), "f"), datatype=XSD.decimal)))


def write_cohort(path: Path | str, out: Path) -> FhirGraph:
    """Read a FHIR file and write its patient graph as N-Triples grouped by patient, each patient's
    triples after its ``rdf:type skg:Patient`` line: the form ``cohort validate`` cuts into records."""
    graph = read_fhir(path)
    with open(out, "w", encoding="utf-8") as handle:
        handle.write(patient_ntriples(graph))
    return graph


def patient_ntriples(graph: Graph) -> str:
    """The patients of a graph as N-Triples, grouped by patient (sorted), each block opening with the
    patient's ``rdf:type skg:Patient`` line and holding every ``ex:`` node reachable from it."""
    return rdf.patient_blocks(graph, lambda o: isinstance(o, URIRef) and o.startswith(str(EX)))
