"""Transcribe the example instances of the mCODE implementation guide (FHIR Shorthand, ``EX_*.fsh``) to
FHIR R4 JSON, one file per instance, named by instance id.

Run it from the repository root to rewrite the fixtures::

    .venv/bin/python -m tests.fhir.fsh tests/fixtures/fhir/mcode/fsh tests/fixtures/fhir/mcode

What it reads (FSH 3.0, https://build.fhir.org/ig/HL7/fhir-shorthand/reference.html) and how:

* ``Alias:`` lines of every ``AL_*.fsh`` beside the examples, plus the US Core aliases of the IG's
  ``AL_USCore.fsh`` (:data:`US_CORE_ALIASES`), which is not among the copied files.
* ``Instance:`` blocks with ``InstanceOf``, ``Usage``, ``Title``, ``Description`` and assignment rules
  ``* path = value``. Indented rules continue the path of the rule above them (FSH path context); a rule
  without ``=`` only sets that context. ``//`` comments (at the start of a token, so ``http://`` is not one)
  and ``/* ... */`` blocks are dropped. Any other construct (``insert``, caret rules, ``RuleSet``,
  ``obeys``...) is rejected with :class:`FSHError`, so nothing is dropped silently.
* Paths: ``[n]`` is the n-th element of an array, ``[+]`` / ``[=]`` the next / the same soft index, no
  index is element 0; ``[sliceName]`` is an element that carries the slice's discriminator (an extension's
  ``url``, a component's ``code``, an identifier's ``type`` or ``system``: :data:`SLICES`), so an index and
  a slice that reach the same element are the same element. A later assignment to the same path replaces
  the earlier one (``tumor-size-pathology`` assigns ``tumorOtherDimension`` twice; 0.5 cm stands).
* Values: ``SYSTEM#code "display"`` (a CodeableConcept gets it as ``coding[0]``, a Coding as itself, a
  ``code`` element as the bare code), ``number 'ucum' "unit"`` quantities, ``Reference(id)`` (typed as
  ``ResourceType/id`` when the id is an instance of the guide), strings, numbers, booleans, unquoted dates,
  and instance names (a Bundle entry's ``resource`` gets that instance's JSON).

What it adds that the instance's rules do not state, each from the profile source named in the table:
``meta.profile`` (the canonical URL of ``InstanceOf``: :data:`PROFILES`), the url of each extension slice
and the code of each component slice the instance names (:data:`SLICES`), and the ``code`` (or Bundle
``type``) that the instance's profile fixes when the instance does not state it (:data:`PROFILES`).
The FSH compiler (SUSHI) also fills fixed values of other required slices of parent profiles from US Core
and Genomics Reporting (for example ``category`` = laboratory of US Core lab observations); those are not
in these files and are not added. Element types are read from the ``fhir.resources`` R4B models.
"""

from __future__ import annotations

import copy
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from fhir.resources.R4B import get_fhir_model_class

MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"
US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition/"
FHIR_SD = "http://hl7.org/fhir/StructureDefinition/"
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
NCIT = "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl"
UCUM = "http://unitsofmeasure.org"

#: The IG's input/fsh/AL_USCore.fsh (HL7/fhir-mCODE-ig @ 543477b5), not among the copied files.
US_CORE_ALIASES = {
    "USCoreCondition": US_CORE + "us-core-condition-problems-health-concerns",
    "USCoreDiagnosticReportLab": US_CORE + "us-core-diagnosticreport-lab",
    "USCorePractitioner": US_CORE + "us-core-practitioner",
    "USCoreProcedure": US_CORE + "us-core-procedure",
    "USCoreObservationLab": US_CORE + "us-core-observation-lab",
    "USCoreOrganization": US_CORE + "us-core-organization",
    "USCoreBirthSex": US_CORE + "us-core-birthsex",
    "USCoreRace": US_CORE + "us-core-race",
    "USCoreEthnicity": US_CORE + "us-core-ethnicity",
}


@dataclass(frozen=True)
class Profile:
    """A profile an instance may be ``InstanceOf``: its resource type, canonical URL (None for a base
    resource), and the value it fixes for a required element (``(element, value)``), with its source."""

    resource_type: str
    url: str | None
    fixed: tuple = ()
    source: str = ""


def _mcode(resource_type: str, profile_id: str, fixed: tuple = (), source: str = "") -> Profile:
    return Profile(resource_type, MCODE + profile_id, fixed, source)


def _code(system: str, code: str, display: str | None = None) -> tuple:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return ("code", {"coding": [coding]})


#: InstanceOf name -> profile. Ids and fixed codes from the IG's SD_*.fsh (HL7/fhir-mCODE-ig @ 543477b5),
#: Genomics Reporting's CGFindings.fsh (HL7/genomics-reporting), and FHIR R4's vital-signs profiles.
PROFILES: dict[str, Profile] = {
    "PrimaryCancerCondition": _mcode("Condition", "mcode-primary-cancer-condition"),
    "SecondaryCancerCondition": _mcode("Condition", "mcode-secondary-cancer-condition"),
    "CancerDiseaseStatus": _mcode("Observation", "mcode-cancer-disease-status", _code(LOINC, "97509-4"),
                                  "SD_DiseaseStatus.fsh: * code = LNC#97509-4"),
    "Comorbidities": _mcode("Observation", "mcode-comorbidities", _code(SNOMED, "398192003"),
                            "SD_ComorbidCondition.fsh: * code = SCT#398192003"),
    "CancerPatient": _mcode("Patient", "mcode-cancer-patient"),
    "ECOGPerformanceStatus": _mcode("Observation", "mcode-ecog-performance-status", _code(LOINC, "89247-1"),
                                    "SD_PerformanceStatus.fsh: * code = LNC#89247-1"),
    "KarnofskyPerformanceStatus": _mcode("Observation", "mcode-karnofsky-performance-status",
                                         _code(LOINC, "89243-0"), "SD_PerformanceStatus.fsh: * code = LNC#89243-0"),
    "LanskyPlayPerformanceStatus": _mcode("Observation", "mcode-lansky-play-performance-status",
                                          _code(NCIT, "C38144"), "SD_PerformanceStatus.fsh: * code = NCIT#C38144"),
    "DeauvilleScale": _mcode("Observation", "mcode-deauville-scale",
                             _code(SNOMED, "708895006", "Deauville five point scale (assessment scale)"),
                             'SD_PerformanceStatus.fsh: * code = SCT#708895006 "Deauville five point scale '
                             '(assessment scale)"'),
    "BodySurfaceArea": _mcode("Observation", "mcode-body-surface-area", _code(LOINC, "8277-6"),
                              "SD_PerformanceStatus.fsh: * code = LNC#8277-6"),
    "CancerRelatedSurgicalProcedure": _mcode("Procedure", "mcode-cancer-related-surgical-procedure"),
    "RadiotherapyCourseSummary": _mcode("Procedure", "mcode-radiotherapy-course-summary",
                                        _code(SNOMED, "1217123003"), "SD_Radiotherapy.fsh: * code = SCT#1217123003"),
    "RadiotherapyVolume": _mcode("BodyStructure", "mcode-radiotherapy-volume"),
    "TNMStageGroup": _mcode("Observation", "mcode-tnm-stage-group"),
    "TNMPrimaryTumorCategory": _mcode("Observation", "mcode-tnm-primary-tumor-category"),
    "TNMRegionalNodesCategory": _mcode("Observation", "mcode-tnm-regional-nodes-category"),
    "TNMDistantMetastasesCategory": _mcode("Observation", "mcode-tnm-distant-metastases-category"),
    "CancerRelatedMedicationRequest": _mcode("MedicationRequest", "mcode-cancer-related-medication-request"),
    "CancerRelatedMedicationAdministration": _mcode("MedicationAdministration",
                                                    "mcode-cancer-related-medication-administration"),
    "HistoryOfMetastaticCancer": _mcode("Observation", "mcode-history-of-metastatic-cancer"),
    "HistologicBehaviorAndType": _mcode("Observation", "mcode-histologic-behavior-and-type", _code(LOINC, "31206-6"),
                                        "SD_Histology.fsh: * code = LNC#31206-6"),
    "HistologicGrade": _mcode("Observation", "mcode-histologic-grade", _code(NCIT, "C18000"),
                              "SD_Histology.fsh: * code = NCIT#C18000"),
    "TumorMorphology": _mcode("Observation", "mcode-tumor-morphology", _code(LOINC, "77753-2"),
                              "SD_Histology.fsh: * code = LNC#77753-2"),
    "RhabdomyosarcomaRiskAssessment": _mcode("Observation", "mcode-rhabdomyosarcoma-risk-assessment",
                                             _code(NCIT, "C148010"), "SD_RiskAssessment.fsh: * code = NCIT#C148010"),
    "ALLRiskAssessment": _mcode("Observation", "mcode-ALL-risk-assessment", _code(NCIT, "C167435"),
                                "SD_RiskAssessment.fsh: * code = NCIT#C167435"),
    "TumorSize": _mcode("Observation", "mcode-tumor-size", _code(LOINC, "21889-1"),
                        "SD_TumorSize.fsh: * code = LNC#21889-1"),
    "Tumor": _mcode("BodyStructure", "mcode-tumor"),
    "HumanSpecimen": _mcode("Specimen", "mcode-human-specimen"),
    "TumorMarkerTest": _mcode("Observation", "mcode-tumor-marker-test"),
    "GenomicsReport": _mcode("DiagnosticReport", "mcode-genomics-report"),
    "GenomicRegionStudied": _mcode("Observation", "mcode-genomic-region-studied"),
    "GenomicVariant": _mcode("Observation", "mcode-genomic-variant", _code(LOINC, "69548-6"),
                             "genomics-reporting CGFindings.fsh, profile Variant: * code = $LNC#69548-6"),
    "MCODEPatientBundle": _mcode("Bundle", "mcode-patient-bundle", ("type", "collection"),
                                 "SD_Bundle.fsh: * type = #collection"),
    "MCODEPatientGroup": _mcode("Group", "mcode-patient-group"),
    "USCoreCondition": Profile("Condition", US_CORE_ALIASES["USCoreCondition"]),
    "USCoreDiagnosticReportLab": Profile("DiagnosticReport", US_CORE_ALIASES["USCoreDiagnosticReportLab"]),
    "USCorePractitioner": Profile("Practitioner", US_CORE_ALIASES["USCorePractitioner"]),
    "USCoreProcedure": Profile("Procedure", US_CORE_ALIASES["USCoreProcedure"]),
    "USCoreObservationLab": Profile("Observation", US_CORE_ALIASES["USCoreObservationLab"]),
    "USCoreOrganization": Profile("Organization", US_CORE_ALIASES["USCoreOrganization"]),
    "USCoreSmokingStatusProfile": Profile("Observation", US_CORE + "us-core-smokingstatus"),
    FHIR_SD + "bodyweight": Profile("Observation", FHIR_SD + "bodyweight", _code(LOINC, "29463-7"),
                                    "FHIR R4 profile bodyweight: code.coding:BodyWeightCode = LOINC 29463-7"),
    FHIR_SD + "bodyheight": Profile("Observation", FHIR_SD + "bodyheight", _code(LOINC, "8302-2"),
                                    "FHIR R4 profile bodyheight: code.coding:BodyHeightCode = LOINC 8302-2"),
    "Observation": Profile("Observation", None),
    "FamilyMemberHistory": Profile("FamilyMemberHistory", None),
}

#: Instances of the IG referenced by the copied examples but defined in IG files that were not copied
#: (EX_Genomics.fsh, EX_Staging_Other.fsh): their resource type types the reference.
OTHER_IG_INSTANCES = {"human-specimen-lung": "Specimen", "primary-cancer-condition-nonspecific": "Condition"}


def _url(value: str) -> dict:
    return {"url": value}


#: (element, slice name) -> the discriminator value an element of that slice carries.
#: Extension urls: the IG's SD_*.fsh ``extension contains X named name`` with X's Id from SD_Extensions.fsh /
#: SD_Radiotherapy.fsh; a sub-extension declared without a type has its name as url. Component codes:
#: SD_TumorSize.fsh and Genomics Reporting's CGFindings.fsh. Identifier slices: SD_TumorSize.fsh
#: (BodyStructureIdentifier: type = resource-types#BodyStructure) and US Core Practitioner (NPI system).
SLICES: dict[tuple[str, str], dict] = {
    ("extension", "histologyMorphologyBehavior"): _url(MCODE + "mcode-histology-morphology-behavior"),
    ("extension", "lateralityQualifier"): _url(MCODE + "mcode-laterality-qualifier"),
    ("extension", "locationQualifier"): _url(MCODE + "mcode-body-location-qualifier"),
    ("extension", "relatedPrimaryCancerCondition"): _url(FHIR_SD + "condition-related"),
    ("extension", "relatedCondition"): _url(MCODE + "mcode-related-condition"),
    ("extension", "comorbidConditionPresent"): _url(MCODE + "mcode-related-condition"),
    ("extension", "comorbidConditionAbsent"): _url(MCODE + "mcode-related-condition-absent"),
    ("extension", "evidenceType"): _url(MCODE + "mcode-cancer-disease-status-evidence-type"),
    ("extension", "treatmentIntent"): _url(MCODE + "mcode-procedure-intent"),
    ("extension", "normalizationBasis"): _url(MCODE + "mcode-normalization-basis"),
    ("extension", "actualNumberOfSessions"): _url(MCODE + "mcode-radiotherapy-sessions"),
    ("extension", "modalityAndTechnique"): _url(MCODE + "mcode-radiotherapy-modality-and-technique"),
    ("extension", "modality"): _url(MCODE + "mcode-radiotherapy-modality"),
    ("extension", "technique"): _url(MCODE + "mcode-radiotherapy-technique"),
    ("extension", "doseDeliveredToVolume"): _url(MCODE + "mcode-radiotherapy-dose-delivered-to-volume"),
    ("extension", "volume"): _url("volume"),
    ("extension", "totalDoseDelivered"): _url("totalDoseDelivered"),
    ("extension", "fractionsDelivered"): _url("fractionsDelivered"),
    ("extension", "USCoreRace"): _url(US_CORE_ALIASES["USCoreRace"]),
    ("extension", "race"): _url(US_CORE_ALIASES["USCoreRace"]),
    ("extension", "USCoreEthnicity"): _url(US_CORE_ALIASES["USCoreEthnicity"]),
    ("extension", "USCoreBirthSex"): _url(US_CORE_ALIASES["USCoreBirthSex"]),
    ("extension", "birthsex"): _url(US_CORE_ALIASES["USCoreBirthSex"]),
    ("extension", "ombCategory"): _url("ombCategory"),
    ("extension", "text"): _url("text"),
    ("extension", "condition-assertedDate"): _url(FHIR_SD + "condition-assertedDate"),
    ("component", "tumorLongestDimension"): {"code": {"coding": [{"system": LOINC, "code": "33728-7"}]}},
    ("component", "tumorOtherDimension"): {"code": {"coding": [{"system": LOINC, "code": "33729-5"}]}},
    ("component", "gene-studied"): {"code": {"coding": [{"system": LOINC, "code": "48018-6"}]}},
    ("component", "variation-code"): {"code": {"coding": [{"system": LOINC, "code": "81252-9"}]}},
    ("component", "genomic-hgvs"): {"code": {"coding": [{"system": LOINC, "code": "81290-9"}]}},
    ("component", "genomic-source-class"): {"code": {"coding": [{"system": LOINC, "code": "48002-0"}]}},
    ("component", "coding-change-type"): {"code": {"coding": [{"system": LOINC, "code": "48019-4"}]}},
    ("identifier", "bodyStructureIdentifier"): {
        "type": {"coding": [{"system": "http://hl7.org/fhir/resource-types", "code": "BodyStructure"}]}},
    ("identifier", "NPI"): {"system": "http://hl7.org/fhir/sid/us-npi"},
    # US Core lab observations: category slice us-core (the instances assign its value themselves).
    ("category", "us-core"): {},
}


class FSHError(ValueError):
    """A construct this transcriber does not read, or a rule it cannot place (file and line)."""


# ----------------------------------------------------------------------------------------------- lexing

def strip_comments(text: str) -> str:
    """``text`` without ``//`` line comments and ``/* */`` blocks, strings kept; line breaks kept, so
    line numbers stay right. A comment starts only at the start of a token (``http://x`` is no comment)."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        at_token_start = i == 0 or text[i - 1] in " \t\r\n"
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif at_token_start and text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("\n" * text.count("\n", i, j))
            i = j
        elif at_token_start and text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def read_aliases(folder: Path) -> dict[str, str]:
    aliases = dict(US_CORE_ALIASES)
    for path in sorted(folder.glob("AL_*.fsh")):
        for line in strip_comments(path.read_text(encoding="utf-8")).splitlines():
            m = re.match(r"\s*Alias:\s*(\S+)\s*=\s*(\S+)", line)
            if m:
                aliases[m.group(1)] = m.group(2)
    return aliases


@dataclass
class Rule:
    path: str            # full path, soft indices still in it
    value: str | None    # None for a path-only (context) rule
    line: int


@dataclass
class Instance:
    id: str
    instance_of: str
    file: str
    line: int
    usage: str | None = None
    rules: list[Rule] = field(default_factory=list)


_KEYWORD = re.compile(r"^(Instance|InstanceOf|Usage|Title|Description):\s*(.*)$")
_REJECT = re.compile(r"^(Profile|Extension|RuleSet|ValueSet|CodeSystem|Logical|Resource|Invariant|Mapping|"
                     r"Alias|Parent|Id)\s*:")


def read_instances(path: Path) -> list[Instance]:
    """The ``Instance`` blocks of one FSH file (see the module docstring for what is read)."""
    instances: list[Instance] = []
    current: Instance | None = None
    context: list[tuple[int, str]] = []      # (indent, path) of the enclosing rules
    in_description = False
    for number, raw in enumerate(strip_comments(path.read_text(encoding="utf-8")).splitlines(), start=1):
        where = f"{path.name}:{number}"
        if in_description:                      # a Description string spread over lines
            in_description = raw.count('"') % 2 == 0
            continue
        if not raw.strip():
            continue
        keyword = _KEYWORD.match(raw)
        if keyword:
            name, rest = keyword.groups()
            if name == "Instance":
                current = Instance(rest.strip(), "", path.name, number)
                instances.append(current)
                context = []
            elif current is None:
                raise FSHError(f"{where}: {name} outside an Instance")
            elif name == "InstanceOf":
                current.instance_of = rest.strip()
            elif name == "Usage":
                current.usage = rest.strip()
            elif name == "Description":
                in_description = rest.count('"') % 2 == 1
            continue
        if _REJECT.match(raw):
            raise FSHError(f"{where}: only Instance blocks are read here: {raw.strip()!r}")
        m = re.match(r"^(\s*)\*\s+(.*)$", raw)
        if not m or current is None:
            raise FSHError(f"{where}: not an assignment rule: {raw.strip()!r}")
        indent, body = len(m.group(1)), m.group(2).strip()
        if body.startswith(("insert ", "^")) or " ^" in body.split("=")[0] or " obeys " in f" {body} ":
            raise FSHError(f"{where}: unsupported rule {body!r}")
        lhs, sep, rhs = body.partition(" = ")
        lhs = lhs.strip()
        while context and context[-1][0] >= indent:
            context.pop()
        full = f"{context[-1][1]}.{lhs}" if context else lhs
        if sep:
            current.rules.append(Rule(full, rhs.strip(), number))
        else:
            if " " in lhs:
                raise FSHError(f"{where}: unsupported rule {body!r}")
            current.rules.append(Rule(full, None, number))
        # Children of a rule continue its path at the same element: its [+] is [=] for them.
        context.append((indent, full.replace("[+]", "[=]")))
    return instances


# ------------------------------------------------------------------------------------------------ values

@dataclass(frozen=True)
class Code:
    system: str | None
    code: str
    display: str | None


@dataclass(frozen=True)
class Quantity:
    value: int | float
    code: str
    unit: str | None


@dataclass(frozen=True)
class Ref:
    target: str


@dataclass(frozen=True)
class Name:
    """A bare instance name (``entry[0].resource = cancer-patient-jenny-m``)."""

    id: str


_STRING = r'"((?:[^"\\]|\\.)*)"'
_NUMBER = r"-?\d+(?:\.\d+)?"


def _number(text: str) -> int | float:
    return float(text) if "." in text else int(text)


def parse_value(text: str, aliases: dict[str, str], where: str):
    """One FSH value (the right-hand side of ``=``)."""
    if m := re.fullmatch(_STRING, text):
        return bytes(m.group(1), "utf-8").decode("unicode_escape") if "\\" in m.group(1) else m.group(1)
    if m := re.fullmatch(r"Reference\(\s*([^)\s]+)\s*\)", text):
        return Ref(m.group(1))
    if m := re.fullmatch(rf"({_NUMBER})\s+'([^']+)'(?:\s+{_STRING})?", text):
        return Quantity(_number(m.group(1)), m.group(2), m.group(3))
    if m := re.fullmatch(rf'([^\s#"]*)#([^\s"]+)(?:\s+{_STRING})?', text):
        system = m.group(1) or None
        if system is not None:
            system = aliases.get(system, system)
            if not re.match(r"^(https?:|urn:)", system):
                raise FSHError(f"{where}: unknown code system alias {m.group(1)!r}")
        return Code(system, m.group(2), m.group(3))
    if re.fullmatch(_NUMBER, text):
        return _number(text)
    if text in ("true", "false"):
        return text == "true"
    if re.fullmatch(r"\d{4}(-\d\d(-\d\d(T[\d:.]+(Z|[+-]\d\d:\d\d)?)?)?)?", text):
        return text
    if re.fullmatch(r"[A-Za-z][\w.-]*", text):
        return Name(text)
    raise FSHError(f"{where}: cannot read the value {text!r}")


# ------------------------------------------------------------------------------------------------- paths

_SEGMENT = re.compile(r"([A-Za-z][\w-]*)((?:\[[^\]]+\])*)")


def split_path(path: str, where: str) -> list[tuple[str, list[str]]]:
    """``a[x][0].b`` -> ``[("a", ["x", "0"]), ("b", [])]``."""
    segments = []
    for part in path.split("."):
        m = _SEGMENT.fullmatch(part)
        if not m:
            raise FSHError(f"{where}: cannot read the path {path!r}")
        segments.append((m.group(1), re.findall(r"\[([^\]]+)\]", m.group(2))))
    return segments


def resolve_soft_indices(rules: list[Rule], where_file: str) -> list[tuple[list[tuple[str, str | None, int]], Rule]]:
    """Each rule's path as ``[(element, slice or None, index)]``, with ``[+]``/``[=]`` replaced by numbers.
    The counter of an array is keyed by the resolved path up to it, as FSH soft indexing requires."""
    last: dict[str, int] = {}
    resolved = []
    for rule in rules:
        where = f"{where_file}:{rule.line}"
        out: list[tuple[str, str | None, int]] = []
        prefix = ""
        for name, brackets in split_path(rule.path, where):
            slice_name = None
            index_text = None
            for b in brackets:
                if b in ("+", "=") or b.isdigit():
                    index_text = b
                else:
                    slice_name = b
            key = f"{prefix}.{name}[{slice_name or ''}]"
            if index_text == "+":
                index = last.get(key, -1) + 1
            elif index_text == "=":
                if key not in last:
                    raise FSHError(f"{where}: [=] before any index of {name}")
                index = last[key]
            elif index_text is not None:
                index = int(index_text)
            else:
                index = 0
            if index_text is not None:
                last[key] = index
            out.append((name, slice_name, index))
            prefix = f"{key}{index}"
        resolved.append((out, rule))
    return resolved


# ------------------------------------------------------------------------------------------ model types

def _field_type(model, name: str, where: str) -> tuple[bool, str]:
    """(is a list, FHIR type name) of element ``name`` of the R4B model class ``model``."""
    info = model.model_fields.get(name)
    if info is None:
        raise FSHError(f"{where}: {model.__name__} has no element {name!r}")
    text = str(info.annotation)
    is_list = "List[" in text
    m = re.search(r"abc\.(\w+)Type\b", text)
    if m:
        return is_list, m.group(1)
    return is_list, "primitive"


def _model_class(type_name: str, where: str):
    try:
        return get_fhir_model_class(type_name)
    except Exception:
        pass
    import importlib
    parts = re.findall(r"[A-Z][a-z0-9]*", type_name)
    for k in range(len(parts), 0, -1):
        module_name = "".join(parts[:k]).lower()
        try:
            module = importlib.import_module(f"fhir.resources.R4B.{module_name}")
        except ImportError:
            continue
        if hasattr(module, type_name):
            return getattr(module, type_name)
    raise FSHError(f"{where}: no R4B model for type {type_name}")


# ------------------------------------------------------------------------------------------ assignment

def _matches(element: dict, discriminator: dict) -> bool:
    for key, want in discriminator.items():
        have = element.get(key)
        if isinstance(want, dict) and "coding" in want:
            codings = (have or {}).get("coding", []) if isinstance(have, dict) else []
            target = want["coding"][0]
            if not any(c.get("system") == target["system"] and c.get("code") == target["code"] for c in codings):
                return False
        elif have != want:
            return False
    return True


def _slice_element(items: list, name: str, slice_name: str, index: int, where: str) -> int:
    """Position in ``items`` of element ``index`` of slice ``slice_name`` (created when missing)."""
    key = (name, slice_name)
    if key not in SLICES:
        raise FSHError(f"{where}: unknown slice {name}[{slice_name}]")
    discriminator = SLICES[key]
    if not discriminator:                   # a slice without a discriminator here: positional
        while len(items) <= index:
            items.append({})
        return index
    positions = [i for i, element in enumerate(items) if isinstance(element, dict) and _matches(element, discriminator)]
    while len(positions) <= index:
        items.append(copy.deepcopy(discriminator))
        positions.append(len(items) - 1)
    return positions[index]


def _assign_final(container, key, type_name: str, value, context: "Transcription", where: str) -> None:
    """Put ``value`` at ``container[key]`` (a dict key or list position) as an element of ``type_name``."""
    current = container[key] if (isinstance(container, dict) and key in container) or \
        (isinstance(container, list) and key < len(container)) else None
    if isinstance(value, Code):
        if type_name == "CodeableConcept":
            node = current if isinstance(current, dict) else {}
            codings = node.setdefault("coding", [])
            if not codings:
                codings.append({})
            _set_coding(codings[0], value)
            new = node
        elif type_name == "Coding":
            node = current if isinstance(current, dict) else {}
            _set_coding(node, value)
            new = node
        elif type_name == "primitive":
            new = value.code
        else:
            raise FSHError(f"{where}: a code cannot be assigned to a {type_name}")
    elif isinstance(value, Quantity):
        if type_name not in ("Quantity", "Age", "Duration", "Distance", "Count", "SimpleQuantity"):
            raise FSHError(f"{where}: a quantity cannot be assigned to a {type_name}")
        node = current if isinstance(current, dict) else {}
        node["value"] = value.value
        if value.unit is not None:
            node["unit"] = value.unit
        node["system"] = UCUM
        node["code"] = value.code
        new = node
    elif isinstance(value, Ref):
        if type_name != "Reference":
            raise FSHError(f"{where}: a reference cannot be assigned to a {type_name}")
        node = current if isinstance(current, dict) else {}
        node["reference"] = context.reference(value.target)
        new = node
    elif isinstance(value, Name):
        if type_name != "Resource":
            raise FSHError(f"{where}: {value.id!r} is not a value for a {type_name}")
        new = context.resource(value.id, where)
    else:
        if type_name != "primitive":
            raise FSHError(f"{where}: {value!r} cannot be assigned to a {type_name}")
        new = value
    if isinstance(container, list):
        while len(container) <= key:
            container.append(None)
    container[key] = new


def _set_coding(node: dict, value: Code) -> None:
    if value.system:
        node["system"] = value.system
    node["code"] = value.code
    if value.display is not None:
        node["display"] = value.display


class Transcription:
    """All instances of a folder of FSH files, transcribed together (references and bundle entries
    need the other instances)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.aliases = read_aliases(self.folder)
        self.instances: dict[str, Instance] = {}
        for path in sorted(self.folder.glob("EX_*.fsh")):
            for instance in read_instances(path):
                if instance.id in self.instances:
                    raise FSHError(f"{path.name}:{instance.line}: instance {instance.id} defined twice")
                self.instances[instance.id] = instance
        self._json: dict[str, dict] = {}
        self._building: set[str] = set()

    def profile(self, instance: Instance) -> Profile:
        profile = PROFILES.get(instance.instance_of)
        if profile is None:
            raise FSHError(f"{instance.file}:{instance.line}: unknown profile {instance.instance_of!r}")
        return profile

    def reference(self, target: str) -> str:
        if "/" in target:
            return target
        if target in self.instances:
            return f"{self.profile(self.instances[target]).resource_type}/{target}"
        if target in OTHER_IG_INSTANCES:
            return f"{OTHER_IG_INSTANCES[target]}/{target}"
        return target

    def resource(self, instance_id: str, where: str) -> dict:
        if instance_id not in self.instances:
            raise FSHError(f"{where}: no instance {instance_id!r}")
        return copy.deepcopy(self.json(instance_id))

    def json(self, instance_id: str) -> dict:
        """The FHIR R4 JSON of one instance."""
        if instance_id in self._json:
            return self._json[instance_id]
        if instance_id in self._building:
            raise FSHError(f"instance {instance_id} contains itself")
        self._building.add(instance_id)
        instance = self.instances[instance_id]
        profile = self.profile(instance)
        resource: dict = {"resourceType": profile.resource_type, "id": instance.id}
        if profile.url:
            resource["meta"] = {"profile": [profile.url]}
        if profile.fixed:
            element, value = profile.fixed
            resource[element] = copy.deepcopy(value)
        model = _model_class(profile.resource_type, instance.file)
        for segments, rule in resolve_soft_indices(instance.rules, instance.file):
            where = f"{instance.file}:{rule.line}"
            value = None if rule.value is None else parse_value(rule.value, self.aliases, where)
            self._apply(resource, model, segments, value, where)
        self._json[instance_id] = resource
        self._building.discard(instance_id)
        return resource

    def _apply(self, node: dict, model, segments, value, where: str) -> None:
        for position, (name, slice_name, index) in enumerate(segments):
            last = position == len(segments) - 1
            is_list, type_name = _field_type(model, name, where)
            if is_list:
                items = node.setdefault(name, [])
                if slice_name is not None:
                    index = _slice_element(items, name, slice_name, index, where)
                elif index > len(items):
                    raise FSHError(f"{where}: index {index} of {name} skips elements")
                if last:
                    if value is not None:
                        _assign_final(items, index, type_name, value, self, where)
                    elif index == len(items):
                        items.append({})
                    return
                if index == len(items):
                    items.append({})
                node = items[index]
            else:
                if slice_name is not None or index != 0:
                    raise FSHError(f"{where}: {name} is not an array")
                if last:
                    if value is not None:
                        _assign_final(node, name, type_name, value, self, where)
                    else:
                        node.setdefault(name, {})
                    return
                node = node.setdefault(name, {})
            if type_name == "primitive":
                raise FSHError(f"{where}: {name} has no child elements")
            model = _model_class(type_name, where)

    def all_json(self) -> dict[str, dict]:
        return {instance_id: self.json(instance_id) for instance_id in self.instances}


def write(folder: Path, out: Path) -> list[Path]:
    """Transcribe every instance of ``folder`` into ``out/<id>.json``; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for instance_id, resource in Transcription(folder).all_json().items():
        path = out / f"{instance_id}.json"
        path.write_text(dumps(resource), encoding="utf-8")
        written.append(path)
    return written


def dumps(resource: dict) -> str:
    return json.dumps(resource, indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python -m tests.fhir.fsh FSH_FOLDER OUT_FOLDER")
    for written_path in write(Path(sys.argv[1]), Path(sys.argv[2])):
        print(written_path)
