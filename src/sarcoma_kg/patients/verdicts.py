"""Verdicts: per patient and per definition of oligometastatic disease, assembled from the
results of the criteria shapes (shapes/patient-criteria.ttl), plus the derived counts and
metastasis timing, written back as RDF with provenance (docs/model.md, "Verdicts written back").

Mapping from criteria results to a verdict (for one patient and one definition, over the
results whose ``sh:value`` is one of the definition's criteria):

1. any ``skg:CriterionNotMet``                → ``skg:DoesNotMeet`` (a reason per failed criterion)
2. else any ``skg:CriterionUnknown``          → ``skg:CannotTell`` (a missing fact per criterion)
3. else any ``skg:CriterionMetOnlyAtLenientBound`` → ``skg:MeetsOnlyAtLenientBound``
4. else, when a criterion gives a range (``skg:lenientUpperBound``) → ``skg:MeetsAtStrictBound``
5. else                                        → ``skg:Meets``

A criterion whose class no criteria shape evaluates (``skg:criterionClass``) cannot be checked,
so its definition gets at best ``skg:CannotTell``, naming it: a new *kind* of criterion needs
a shape; a new definition made of known kinds needs nothing.

Timing (recommendations 2.1 and 2.2 of the Ibero-American consensus; the window comes from the
knowledge base, ``skg:synchronousWindowMonths`` of the ``skg:TimingRule``): the first detection of
metastatic disease is the earliest ``skg:detectionDate`` of the lesions; it is synchronous when it
is on or before the diagnosis date of the primary tumour plus the window in calendar months
("within six months thereafter": detection exactly 6 calendar months later is synchronous, one
day later metachronous; 31 August + 6 months = 28/29 February), metachronous otherwise. A
detection before diagnosis is synchronous (negative interval). The interval in months is whole
calendar months plus the remaining days as a fraction of the next calendar month, to 2 decimals.
Without dates, a timing recorded by the source (``skg:recordedMetastasisTiming``) is carried over.
"""

from __future__ import annotations

import calendar
import re
import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SH, XSD

from .. import __version__
from ..namespaces import DEFINITION, EX, SKG, VERDICT, bind_prefixes
from . import read as patients_mod

ACTIVITY = VERDICT["activity-sarcoma-kg-validate"]
OUTCOME_ORDER = (SKG.CriterionNotMet, SKG.CriterionUnknown, SKG.CriterionMetOnlyAtLenientBound)


@dataclass(frozen=True)
class CriterionResult:
    """One result of a criteria shape: ``criterion`` of some definition, for ``patient``."""

    patient: URIRef
    criterion: URIRef
    outcome: URIRef
    shape: URIRef
    message: str

    @property
    def short(self) -> str:
        """The message without the trailing ``[criterion label]``."""
        text = self.message
        if text.endswith("]") and " [" in text:
            return text.rsplit(" [", 1)[0]
        return text


@dataclass
class Assessment:
    patient: URIRef
    definition: URIRef
    verdict: URIRef
    reasons: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def iri(self) -> URIRef:
        return VERDICT[f"{local_name(self.patient)}--{local_name(self.definition)}"]


@dataclass
class PatientFacts:
    patient: URIRef
    lesion_count: int
    organ_sites: list[URIRef]
    organ_site_count: int | None  # None when a lesion's organ site is unknown
    timing: URIRef | None = None
    interval_months: Decimal | None = None
    timing_basis: str | None = None  # "dates" or "recorded"


def local_name(iri: URIRef) -> str:
    text = str(iri)
    if text.startswith(str(EX)):
        return text[len(str(EX)):].replace("/", "-")
    if text.startswith(str(DEFINITION)):
        return text[len(str(DEFINITION)):]
    return text.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


# --------------------------------------------------------------------------- criteria results

def criteria_results(report: Graph, shapes: Graph) -> list[CriterionResult]:
    """The criteria results of a SHACL report (results of shapes that carry skg:criterionOutcome)."""
    outcome_of = {s: o for s, o in shapes.subject_objects(SKG.criterionOutcome)}
    out = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        shape = report.value(result, SH.sourceShape)
        if shape not in outcome_of:
            continue
        out.append(CriterionResult(
            patient=report.value(result, SH.focusNode),
            criterion=report.value(result, SH.value),
            outcome=outcome_of[shape],
            shape=shape,
            message=_sorted_list(str(report.value(result, SH.resultMessage) or "")),
        ))
    return sorted(out, key=lambda r: (str(r.patient), str(r.criterion), str(r.shape), r.message))


_LISTED = re.compile(r"^(\d+ organ sites?(?: >|, not <) [0-9.]+[^:]*: )([^\[]*?)( \[.*)?$")


_SEROSAE = re.compile(r"^(.+?)( sarcomatosis excludes(?: \[.*)?)$")


def _sorted_list(message: str) -> str:
    """Sort the organ-site (or serosa) names a message lists: GROUP_CONCAT order is not defined in SPARQL
    (it differs between engines and runs), and reasons written back must be deterministic."""
    if "organ site" not in message and "sarcomatosis" not in message:
        return message  # neither pattern can match (a cheap test: the cohort path calls this per result)
    serosae = _SEROSAE.match(message)
    if serosae:
        return " and ".join(sorted(serosae.group(1).split(" and "))) + serosae.group(2)
    match = _LISTED.match(message)
    if not match:
        return message
    names = ", ".join(sorted(match.group(2).split(", ")))
    return match.group(1) + names + (match.group(3) or "")


def definitions(knowledge: Graph) -> list[URIRef]:
    return sorted(set(knowledge.subjects(RDF.type, SKG.OligometastaticDiseaseDefinition)), key=str)


def _criterion_classes(graph: Graph, criterion) -> set:
    classes = set()
    todo = list(graph.objects(criterion, RDF.type))
    while todo:
        c = todo.pop()
        if c in classes:
            continue
        classes.add(c)
        todo.extend(graph.objects(c, RDFS.subClassOf))
    return classes


def assess(data: Graph, patients: list[URIRef], results: list[CriterionResult], shapes: Graph) -> list[Assessment]:
    """Assemble one assessment per patient x definition (sorted) from the criteria results."""
    evaluated = set(shapes.objects(None, SKG.criterionClass))
    by_key: dict[tuple, list[CriterionResult]] = {}
    for r in results:
        by_key.setdefault((r.patient, r.criterion), []).append(r)
    assessments = []
    for definition in definitions(data):
        criteria = sorted(set(data.objects(definition, SKG.hasCriterion)), key=str)
        has_range = any((c, SKG.lenientUpperBound, None) in data for c in criteria)
        unevaluated = [c for c in criteria if not (_criterion_classes(data, c) & evaluated)]
        for patient in patients:
            found = [r for c in criteria for r in by_key.get((patient, c), [])]
            failed = [r.short for r in found if r.outcome == SKG.CriterionNotMet]
            unknown = [r.short for r in found if r.outcome == SKG.CriterionUnknown]
            lenient = [r.short for r in found if r.outcome == SKG.CriterionMetOnlyAtLenientBound]
            unknown += [f"criterion {patients_mod.compact(data, c)} is of a kind no shape evaluates" for c in unevaluated]
            if not criteria:
                unknown.append("the definition has no criteria")
            if failed:
                verdict, reasons, missing = SKG.DoesNotMeet, failed, unknown
            elif unknown:
                verdict, reasons, missing = SKG.CannotTell, lenient, unknown
            elif lenient:
                verdict, reasons, missing = SKG.MeetsOnlyAtLenientBound, lenient, []
            elif has_range:
                verdict, reasons, missing = SKG.MeetsAtStrictBound, [], []
            else:
                verdict, reasons, missing = SKG.Meets, [], []
            assessments.append(Assessment(patient, definition, verdict, sorted(set(reasons)), sorted(set(missing))))
    return sorted(assessments, key=lambda a: (str(a.patient), str(a.definition)))


# --------------------------------------------------------------------------- counts and timing

def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar-month arithmetic, clamping to the end of the month (31 Aug + 6 → 28/29 Feb)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_between(start: dt.date, end: dt.date) -> Decimal:
    """Months from ``start`` to ``end`` (negative if ``end`` is earlier), to 2 decimals."""
    if end < start:
        return -months_between(end, start)
    whole = (end.year - start.year) * 12 + (end.month - start.month)
    while whole > 0 and add_months(start, whole) > end:
        whole -= 1
    anchor = add_months(start, whole)
    span = (add_months(start, whole + 1) - anchor).days
    value = Decimal(whole) + Decimal((end - anchor).days) / Decimal(span)
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def synchronous_window(knowledge: Graph) -> int | None:
    """The synchronous window in months of the timing rule in the knowledge base."""
    rules = sorted(set(knowledge.subjects(RDF.type, SKG.TimingRule)), key=str)
    preferred = DEFINITION["IberoAmerican2025-timing"]
    if preferred in rules:
        rules.remove(preferred)
        rules.insert(0, preferred)
    for rule in rules:
        value = knowledge.value(rule, SKG.synchronousWindowMonths)
        if value is not None:
            try:
                return int(Decimal(str(value)))
            except Exception:
                continue
    return None


def _date(value) -> dt.date | None:
    """A well-formed xsd:date (other values are structural violations, and ignored here)."""
    if value is None or getattr(value, "datatype", None) != XSD.date:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def patient_facts(data: Graph, patient: URIRef, window: int | None) -> PatientFacts:
    lesions = sorted(set(data.objects(patient, SKG.hasLesion)), key=str)
    organs: set = set()
    unknown_site = False
    for lesion in lesions:
        site_organs = {o for s in data.objects(lesion, SKG.hasSite) for o in data.objects(s, SKG.organLevelSite)}
        if not site_organs:
            unknown_site = True
        organs |= site_organs
    facts = PatientFacts(patient, len(lesions), sorted(organs, key=str), None if unknown_site else len(organs))
    diagnoses = [d for primary in data.objects(patient, SKG.hasPrimaryTumour)
                 for value in data.objects(primary, SKG.diagnosisDate) if (d := _date(value)) is not None]
    diagnosis = min(diagnoses) if diagnoses else None
    detections = [d for lesion in lesions for value in data.objects(lesion, SKG.detectionDate)
                  if (d := _date(value)) is not None]
    if diagnosis is not None and detections:
        first = min(detections)
        facts.interval_months = months_between(diagnosis, first)
        facts.timing_basis = "dates"
        if window is not None:
            facts.timing = SKG.Synchronous if first <= add_months(diagnosis, window) else SKG.Metachronous
    if facts.timing is None:
        recorded = data.value(patient, SKG.recordedMetastasisTiming)
        if recorded in (SKG.Synchronous, SKG.Metachronous):
            facts.timing, facts.timing_basis = recorded, "recorded"
    return facts


# --------------------------------------------------------------------------- write-back

def to_graph(assessments: list[Assessment], facts: list[PatientFacts], data: Graph | None = None) -> Graph:
    """The write-back triples: assessments, counts, organ sites and timing, with provenance."""
    g = Graph()
    bind_prefixes(g)
    g.add((ACTIVITY, RDF.type, PROV.Activity))
    g.add((ACTIVITY, RDFS.label, Literal(
        f"sarcoma-kg {__version__} validation of patient graphs against the definitions of oligometastatic disease",
        lang="en")))
    g.add((ACTIVITY, PROV.used, URIRef("https://w3id.org/sarcoma-kg/shapes/patient-criteria")))
    g.add((ACTIVITY, PROV.used, URIRef("https://w3id.org/sarcoma-kg/shapes/patient-structure")))
    for a in assessments:
        node = a.iri
        g.add((a.patient, SKG.hasAssessment, node))
        g.add((node, RDF.type, SKG.OligometastaticAssessment))
        g.add((node, RDFS.label, Literal(
            f"Assessment of {local_name(a.patient)} against {local_name(a.definition)}", lang="en")))
        g.add((node, SKG.assessedDefinition, a.definition))
        g.add((node, SKG.verdict, a.verdict))
        for reason in a.reasons:
            g.add((node, SKG.reason, Literal(reason, lang="en")))
        for missing in a.missing:
            g.add((node, SKG.missingFact, Literal(missing, lang="en")))
        g.add((node, PROV.wasGeneratedBy, ACTIVITY))
        g.add((node, PROV.wasDerivedFrom, a.definition))
    for f in facts:
        g.add((f.patient, SKG.lesionCount, Literal(f.lesion_count, datatype=XSD.integer)))
        if f.organ_site_count is not None:
            g.add((f.patient, SKG.organSiteCount, Literal(f.organ_site_count, datatype=XSD.integer)))
        for organ in f.organ_sites:
            g.add((f.patient, SKG.involvesOrganSite, organ))
        if f.timing is not None:
            g.add((f.patient, SKG.metastasisTiming, f.timing))
        if f.interval_months is not None:
            g.add((f.patient, SKG.timingIntervalMonths, Literal(f.interval_months, datatype=XSD.decimal)))
    return g


@dataclass
class Derivation:
    """Everything validation derives for a set of patients (the CLI renders it)."""

    report: Graph
    results: list[CriterionResult]
    assessments: list[Assessment]
    facts: list[PatientFacts]
    graph: Graph


def derive_all(patients: Graph, knowledge: Graph, data: Graph | None = None, report: Graph | None = None) -> Derivation:
    """Run the shapes (unless a report is given) and assemble verdicts, facts and write-back."""
    shapes = patients_mod.shape_graph()
    data = data if data is not None else patients_mod.data_graph(patients, knowledge)
    report = report if report is not None else patients_mod.run_shapes(data, shapes)
    who = patients_mod.patients_in(patients)
    results = criteria_results(report, shapes)
    assessments = assess(data, who, results, shapes)
    window = synchronous_window(data)
    facts = [patient_facts(data, p, window) for p in who]
    return Derivation(report, results, assessments, facts, to_graph(assessments, facts))


def derive(patients: Graph, knowledge: Graph) -> Graph:
    """The write-back triples for every patient of ``patients`` against every definition of
    ``knowledge`` (per docs/model.md): assessments with verdict, reasons and missing facts,
    skg:lesionCount, skg:organSiteCount, skg:involvesOrganSite, skg:metastasisTiming,
    skg:timingIntervalMonths; deterministic, no blank nodes, HermiT-safe datatypes."""
    return derive_all(patients, knowledge).graph
