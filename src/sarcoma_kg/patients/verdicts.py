"""Verdicts: per patient and per definition of oligometastatic disease, assembled from the
results of the criteria shapes (shapes/patient-criteria.ttl), plus the derived counts and
metastasis timing (:mod:`~sarcoma_kg.patients.timing`), written back as RDF with provenance
(docs/model.md, "Verdicts written back").

The verdict rule is :func:`decide`, the one place it is written (the cohort path uses it too).
For one patient and one definition, over the results whose ``sh:value`` is one of the
definition's criteria, or the definition itself (its population, ``skg:populationHistology``):

0. ``skg:PopulationNotMet`` on the definition  → ``skg:OutsidePopulation`` (written for other patients:
   said so, never computed)
1. any ``skg:CriterionNotMet``                → ``skg:DoesNotMeet`` (a reason per failed criterion)
2. else any ``skg:CriterionUnknown`` (a criterion, or the population) → ``skg:CannotTell`` (a missing fact each)
3. else any ``skg:CriterionMetOnlyAtLenientBound`` → ``skg:MeetsOnlyAtLenientBound``
4. else, when a criterion gives a range (``skg:lenientUpperBound``) → ``skg:MeetsAtStrictBound``
5. else                                        → ``skg:Meets``

Words of a definition the graph does not check (``skg:uncheckedClause``) go with every assessment of
it as notes ("not checked: ...").

A criterion whose class no criteria shape evaluates (``skg:criterionClass``) cannot be checked,
so its definition gets at best ``skg:CannotTell``, naming it: a new *kind* of criterion needs
a shape; a new definition made of known kinds needs nothing.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Callable, Sequence

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD

from .. import __version__
from ..namespaces import DEFINITION, EX, SKG, VERDICT, bind_prefixes
from ..rdf import curie, patients_in, subclass_closure
from . import shapes
from .shapes import ShapeResult, shape_results
from .fact_view import fact_view
from .lesions import derived_flags, organ_sites, present_lesions, lesions_of
from .timing import (TimingRule, current_episode, disease_free_interval, episodes, metastasis_timing, timing_rule,
                     treatment_free_interval)

ACTIVITY = VERDICT["activity-sarcoma-kg-validate"]


def decide(failed: bool, unknown: bool, lenient: bool, has_range: bool, outside: bool = False) -> str:
    """The verdict (local name of its ``skg:`` concept) of one patient for one definition: whether
    the patient is outside the definition's population, some criterion is not met, some (or the
    population) is unknown, some is met only at its lenient bound, and whether the definition gives
    a range (a strict and a lenient bound)."""
    if outside:
        return "OutsidePopulation"
    if failed:
        return "DoesNotMeet"
    if unknown:
        return "CannotTell"
    if lenient:
        return "MeetsOnlyAtLenientBound"
    return "MeetsAtStrictBound" if has_range else "Meets"


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
    not_checked: list[str] = field(default_factory=list)   # the definition's unchecked clauses

    @property
    def iri(self) -> URIRef:
        return VERDICT[f"{_slug(self.patient)}--{_slug(self.definition)}"]


@dataclass
class PatientFacts:
    """What validation derives for one patient, closed world (docs/model.md, "Verdicts written back")."""

    patient: URIRef
    lesion_count: int | None         # present lesions; None when one stands for an unknown number
    organ_sites: list[URIRef]        # of the present lesions, and the diffuse organs involved
    organ_site_count: int | None     # None when a present lesion's organ site is unknown
    timing: URIRef | None = None     # of the current episode
    interval_months: Decimal | None = None
    timing_basis: str | None = None  # "dates" or "recorded"
    present: list = field(default_factory=list)
    diffuse_organs: list[URIRef] = field(default_factory=list)   # counted as organ sites
    episode_date: object = None      # detection date of the current episode
    dfi_months: Decimal | None = None
    tfi_months: Decimal | None = None
    flags: dict[URIRef, bool] = field(default_factory=dict)      # the three-valued derived facts
    timing_rule: TimingRule | None = None                       # the rule that gave ``timing``


_PLAIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._]|-(?!-))*")


def _slug(iri: URIRef) -> str:
    """The part of a patient or definition IRI that names its assessment (``P1--IberoAmerican2025``).

    One IRI, one slug, and two IRIs never share one: a plain local name of ``ex:`` or
    ``definition:`` (letters, digits, ``.``, ``_``, single ``-``) is the slug itself; any other IRI
    (another namespace, a ``/``, ``--`` or other character in its name) gets its last segment made
    plain, then ``~`` and 16 hex digits of the SHA-256 of the full IRI (``DUP~1a2b...``), and ``~``
    is in no plain name."""
    text = str(iri)
    for ns in (str(EX), str(DEFINITION)):
        if text.startswith(ns) and _PLAIN.fullmatch(text[len(ns):]):
            return text[len(ns):]
    readable = re.sub(r"-{2,}", "-", re.sub(r"[^A-Za-z0-9._-]+", "-", text.rstrip("/#").rsplit("/", 1)[-1]
                                             .rsplit("#", 1)[-1])).strip("-") or "node"
    return f"{readable}~{hashlib.sha256(text.encode('utf-8', 'surrogatepass')).hexdigest()[:16]}"


# --------------------------------------------------------------------------- criteria results

def criteria_results(report: Graph | Sequence[ShapeResult], shapes: Graph) -> list[CriterionResult]:
    """The criteria results of a SHACL report (results of shapes that carry skg:criterionOutcome):
    a report graph, or its results (:func:`~sarcoma_kg.patients.shapes.shape_results`)."""
    outcome_of = {s: o for s, o in shapes.subject_objects(SKG.criterionOutcome)}
    out = []
    for result in shape_results(report):
        if result.shape not in outcome_of:
            continue
        out.append(CriterionResult(
            patient=result.focus,
            criterion=result.value,
            outcome=outcome_of[result.shape],
            shape=result.shape,
            message=sort_listed_names(result.message),
        ))
    return sorted(out, key=lambda r: (str(r.patient), str(r.criterion), str(r.shape), r.message))


_LISTED = re.compile(r"^(\d+ organ sites?(?: >|, not <) [0-9.]+[^:]*: )([^\[]*?)( \[.*)?$")
_SEROSAE = re.compile(r"^(.+?)( sarcomatosis excludes(?: \[.*)?)$")


def sort_listed_names(message: str) -> str:
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


def _evaluated_kinds(data: Graph, shapes: Graph) -> set:
    """The criterion classes some criteria shape evaluates, with every class below them."""
    edges = list(data.subject_objects(RDFS.subClassOf))
    kinds: set = set()
    for kind in set(shapes.objects(None, SKG.criterionClass)):
        kinds |= subclass_closure(edges, kind)
    return kinds


def _outcomes(found: list[CriterionResult]) -> tuple[list[str], list[str], list[str], list[str]]:
    """(outside, failed, unknown, lenient) messages of the results of one patient and definition."""
    pick = lambda outcome: [r.short for r in found if r.outcome == outcome]  # noqa: E731
    return (pick(SKG.PopulationNotMet), pick(SKG.CriterionNotMet), pick(SKG.CriterionUnknown),
            pick(SKG.CriterionMetOnlyAtLenientBound))


def assess(data: Graph, patients: list[URIRef], results: list[CriterionResult], shapes: Graph) -> list[Assessment]:
    """Assemble one assessment per patient x definition (sorted) from the criteria results."""
    evaluated = _evaluated_kinds(data, shapes)
    by_key: dict[tuple, list[CriterionResult]] = {}
    for r in results:
        by_key.setdefault((r.patient, r.criterion), []).append(r)
    assessments = []
    for definition in definitions(data):
        criteria = sorted(set(data.objects(definition, SKG.hasCriterion)), key=str)
        has_range = any((c, SKG.lenientUpperBound, None) in data for c in criteria)
        unevaluated = [c for c in criteria if not set(data.objects(c, RDF.type)) & evaluated]
        clauses = sorted(str(c) for c in data.objects(definition, SKG.uncheckedClause))
        for patient in patients:
            found = [r for c in [definition, *criteria] for r in by_key.get((patient, c), [])]
            outside, failed, unknown, lenient = _outcomes(found)
            unknown += [f"criterion {curie(c)} is of a kind no shape evaluates" for c in unevaluated]
            if not criteria:
                unknown.append("the definition has no criteria")
            verdict = decide(bool(failed), bool(unknown), bool(lenient), has_range, bool(outside))
            reasons = outside or failed or lenient
            missing = [] if outside else unknown
            assessments.append(Assessment(patient, definition, SKG[verdict], sorted(set(reasons)), sorted(set(missing)),
                                          clauses))
    return sorted(assessments, key=lambda a: (str(a.patient), str(a.definition)))


# --------------------------------------------------------------------------- counts and timing

def patient_facts(data: Graph, patient: URIRef, rule: TimingRule | None) -> PatientFacts:
    """Present lesions and their organ sites, the current episode's timing (by ``rule``), the intervals
    and the three-valued derived facts of ``patient``."""
    lesions = lesions_of(data, patient)
    present = present_lesions(data, patient)
    sites = organ_sites(data, patient, present)
    found = episodes(data, lesions, set(present))
    current = current_episode(found)
    timing = metastasis_timing(data, patient, current, rule.window if rule is not None else None)
    uncounted = any((lesion, SKG.lesionNumberUnknown, Literal(True)) in data for lesion in present)
    liver = {m for m in lesions if any((s, SKG.organLevelSite, SKG.Liver) in data for s in data.objects(m, SKG.hasSite))}
    return PatientFacts(
        patient, None if uncounted else len(present), sites.sites, sites.count, timing.timing, timing.interval_months, timing.basis,
        present=present, diffuse_organs=sites.diffuse, episode_date=current.detected if current else None,
        dfi_months=disease_free_interval(data, patient, current),
        tfi_months=treatment_free_interval(data, patient, found, liver),
        flags=derived_flags(data, patient, present), timing_rule=rule)


# --------------------------------------------------------------------------- write-back

def _provenance(g: Graph) -> None:
    g.add((ACTIVITY, RDF.type, PROV.Activity))
    g.add((ACTIVITY, RDFS.label, Literal(
        f"sarcoma-kg {__version__} validation of patient graphs against the definitions of oligometastatic disease",
        lang="en")))
    g.add((ACTIVITY, PROV.used, URIRef("https://w3id.org/sarcoma-kg/shapes/patient-criteria")))
    g.add((ACTIVITY, PROV.used, URIRef("https://w3id.org/sarcoma-kg/shapes/patient-structure")))


def _add_assessment(g: Graph, a: Assessment) -> None:
    node = a.iri
    g.add((a.patient, SKG.hasAssessment, node))
    g.add((node, RDF.type, SKG.OligometastaticAssessment))
    g.add((node, RDFS.label, Literal(f"Assessment of {_slug(a.patient)} against {_slug(a.definition)}", lang="en")))
    g.add((node, SKG.assessedDefinition, a.definition))
    g.add((node, SKG.verdict, a.verdict))
    for reason in a.reasons:
        g.add((node, SKG.reason, Literal(reason, lang="en")))
    for missing in a.missing:
        g.add((node, SKG.missingFact, Literal(missing, lang="en")))
    for clause in a.not_checked:
        g.add((node, SKG.uncheckedClause, Literal(clause)))
    g.add((node, PROV.wasGeneratedBy, ACTIVITY))
    g.add((node, PROV.wasDerivedFrom, a.definition))


def _add_facts(g: Graph, f: PatientFacts) -> None:
    if f.lesion_count is not None:
        g.add((f.patient, SKG.lesionCount, Literal(f.lesion_count, datatype=XSD.integer)))
    if f.organ_site_count is not None:
        g.add((f.patient, SKG.organSiteCount, Literal(f.organ_site_count, datatype=XSD.integer)))
    for organ in f.organ_sites:
        g.add((f.patient, SKG.involvesOrganSite, organ))
    if f.timing is not None:
        g.add((f.patient, SKG.metastasisTiming, f.timing))
    if f.interval_months is not None:
        g.add((f.patient, SKG.timingIntervalMonths, Literal(f.interval_months, datatype=XSD.decimal)))
    for lesion in f.present:
        g.add((f.patient, SKG.hasPresentLesion, lesion))
    for prop, value in ((SKG.diseaseFreeIntervalMonths, f.dfi_months), (SKG.treatmentFreeIntervalMonths, f.tfi_months)):
        if value is not None:
            g.add((f.patient, prop, Literal(value, datatype=XSD.decimal)))
    for prop, value in sorted(f.flags.items()):
        g.add((f.patient, prop, Literal(value)))


def to_graph(assessments: list[Assessment], facts: list[PatientFacts]) -> Graph:
    """The write-back triples: assessments, counts, organ sites and timing, with provenance."""
    g = Graph()
    bind_prefixes(g)
    return add_written_back(g, assessments, facts)


def add_written_back(g: Graph, assessments: list[Assessment], facts: list[PatientFacts]) -> Graph:
    """``g`` (changed in place and returned) with the triples of :func:`to_graph` added to it."""
    _provenance(g)
    for a in assessments:
        _add_assessment(g, a)
    for f in facts:
        _add_facts(g, f)
    return g


@dataclass
class Derivation:
    """Everything validation derives for a set of patients (the CLI renders it)."""

    report: Graph | Sequence[ShapeResult]
    results: list[CriterionResult]
    assessments: list[Assessment]
    facts: list[PatientFacts]

    @cached_property
    def graph(self) -> Graph:
        """The write-back triples (:func:`to_graph`), made when first asked for (the table and
        JSON reports do not need them: thousands of patients make hundreds of thousands)."""
        return to_graph(self.assessments, self.facts)


def derive_all(patients: Graph, knowledge: Graph, data: Graph | None = None,
               report: Graph | Sequence[ShapeResult] | None = None,
               progress: Callable[[int], None] | None = None) -> Derivation:
    """Run the shapes (unless a report, graph or results, is given) and assemble verdicts, facts and
    write-back; ``progress(patients done)`` as the per-patient facts are derived."""
    shape_graph = shapes.shape_graph()
    data = data if data is not None else shapes.data_graph(patients, knowledge)
    report = report if report is not None else shapes.run_shapes(data, shape_graph)
    results = criteria_results(report, shape_graph)
    assessments, facts = judge(data, patients_in(patients), results, shape_graph, progress)
    return Derivation(report, results, assessments, facts)


def judge(data: Graph, who: list[URIRef], results: list[CriterionResult], shape_graph: Graph,
          progress: Callable[[int], None] | None = None) -> tuple[list[Assessment], list[PatientFacts]]:
    """The verdict rule, for every path that checks patients: the assessment of each patient in
    ``who`` from its criteria ``results``, and its derived facts read from ``data`` (the patients
    with the knowledge graph); ``progress(patients done)`` as the facts are derived."""
    assessments = assess(data, who, results, shape_graph)
    rule = timing_rule(data)
    view = fact_view(data)  # the same answers as ``data``, read once per subject
    facts = []
    for done, patient in enumerate(who, start=1):
        facts.append(patient_facts(view, patient, rule))
        if progress is not None and (done % 100 == 0 or done == len(who)):
            progress(done)
    return assessments, facts


def derive(patients: Graph, knowledge: Graph) -> Graph:
    """The write-back triples for every patient of ``patients`` against every definition of
    ``knowledge`` (per docs/model.md): assessments with verdict, reasons, missing facts and unchecked
    clauses; skg:lesionCount, skg:organSiteCount, skg:involvesOrganSite, skg:hasPresentLesion,
    skg:metastasisTiming, skg:timingIntervalMonths, the intervals and the three-valued derived facts;
    deterministic, no blank nodes, HermiT-safe datatypes."""
    return derive_all(patients, knowledge).graph
