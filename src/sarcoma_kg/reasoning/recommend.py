"""Classify patients and judge every recommendation for them, with the evidence behind it
(:mod:`~sarcoma_kg.reasoning.render` turns the results into text, JSON and RDF).

The path:

1. the patient graph gets its closed-world facts written back (``verdicts.derive``: verdict per
   definition, present lesions, lesion and organ-site counts, timing of the current episode,
   intervals, the derived three-valued facts);
2. a DL reasoner (HermiT or Pellet, :mod:`~sarcoma_kg.reasoning.reasoners`) classifies each patient into the
   defined classes of ``ontology/classes.ttl`` (open world, over the class hierarchies);
3. each recommendation's conditions (``ontology/kb/applicability.ttl``: population, checked,
   clinician, branch) are evaluated over those classes (:mod:`~sarcoma_kg.reasoning.applicability`):
   it *applies*, is *to confirm* (a fact it needs is not recorded) or *does not apply*; every
   condition left open is listed to confirm, in the seed's words; recommendations that conflict
   (``skg:conflictsWith``) and are both possible are shown conflicting;
4. the evidence chain comes from the catalogue queries (:mod:`~sarcoma_kg.reasoning.evidence`).

For a recommendation that does not apply, :func:`why_not` names the class the patient is not in
and shows the patient's facts that the class looks at.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, SKOS

from ..namespaces import SKG, bind_prefixes
from ..patients.verdicts import derive
from ..rdf import (curie, knowledge_graph, label, notation_of, ontology_graph, ontology_key, patients_in,
                   recommendations)
from ..rdf import knowledge_key as rdf_knowledge_key
from ..union import union
from . import applicability
from .evidence import StudyEvidence, evidence_backend, evidence_for, plain as _plain
from .reasoners import (DEFAULT_CHUNK_SIZE, DEFAULT_WORKERS, Classification, classify_patients, defined_classes,
                        patient_subgraph)

def _silent(_step: str) -> None:
    pass


# --- preparing the patient graph -------------------------------------------------------------

def with_verdicts(patients: Graph, knowledge: Graph) -> Graph:
    """The patient graph plus the closed-world facts of :func:`~sarcoma_kg.patients.verdicts.derive`
    for every patient that does not carry its assessments already (a graph may mix validated
    patients with raw ones, as when a validated Turtle file and a tumour-board CSV are read together)."""
    assessed = set(patients.subjects(SKG.hasAssessment, None))
    raw = [p for p in patients_in(patients) if p not in assessed]
    if not raw:
        return patients
    source = patients
    if assessed:
        source = Graph()
        for patient in raw:
            source += patient_subgraph(patients, patient)
    merged = Graph()
    bind_prefixes(merged)
    merged += patients
    merged += derive(source, knowledge)
    return merged


# --- classification --------------------------------------------------------------------------

@dataclass
class InferredClass:
    iri: URIRef
    label: str
    explanation: str


@dataclass
class PatientClassification:
    patient: URIRef
    classes: list[InferredClass]
    facts: dict[str, list]

    @property
    def class_iris(self) -> set[URIRef]:
        return {c.iri for c in self.classes}


def facts_in_words(graph: Graph, terms: Graph, patient: URIRef) -> dict[str, list]:
    """The facts of ``patient`` that the defined classes look at, named in words (for explanations)."""
    lab = lambda t: label(terms, t) if isinstance(t, URIRef) else _plain(t)  # noqa: E731
    facts: dict[str, list] = {}
    for tumour in graph.objects(patient, SKG.hasPrimaryTumour):
        facts.setdefault("primary histology", []).extend(sorted(lab(h) for h in graph.objects(tumour, SKG.hasHistology)))
        for prop, name in ((SKG.primaryResectable, "primary resectable"), (SKG.primaryResected, "primary resected")):
            facts.setdefault(name, []).extend(_plain(v) for v in graph.objects(tumour, prop))
    facts["lesion sites"] = sorted(lab(s) for lesion in graph.objects(patient, SKG.hasLesion)
                                   for s in graph.objects(lesion, SKG.hasSite))
    simple = [
        (SKG.lesionCount, "lesion count"), (SKG.organSiteCount, "organ-site count"),
        (SKG.involvesOrganSite, "organ sites"), (SKG.metastasisTiming, "metastasis timing"),
        (SKG.timingIntervalMonths, "months from diagnosis to metastases"),
        (SKG.ageAtDiagnosisYears, "age at diagnosis (years)"),
        (SKG.hasDiffuseSerosalInvolvement, "diffuse serosal involvement"),
        (SKG.surgicalCandidate, "surgical candidate"), (SKG.priorLiverResection, "prior liver resection"),
    ]
    for prop, name in simple:
        facts[name] = sorted((lab(v) for v in graph.objects(patient, prop)), key=str)
    # every other recorded or derived fact of the patient, named by its label
    handled = {p for p, _ in simple} | _CONTAINERS
    for prop in sorted(set(graph.predicates(patient, None)) - handled):
        facts[label(terms, prop)] = sorted((lab(v) for v in graph.objects(patient, prop)), key=str)
    facts["lesion status"] = sorted(f"{lab(lesion)}: {lab(status)}" for lesion in graph.objects(patient, SKG.hasLesion)
                                    for status in graph.objects(lesion, SKG.lesionStatus))
    for course in graph.objects(patient, SKG.receivedSystemicTherapy):
        facts.setdefault("best response to systemic therapy", []).extend(lab(r) for r in graph.objects(course, SKG.bestResponse))
        facts.setdefault("systemic therapy ongoing", []).extend(_plain(v) for v in graph.objects(course, SKG.ongoing))
    looked_at = {terms.value(r, OWL.hasValue) for r in terms.subjects(OWL.onProperty, SKG.assessedDefinition)}
    for assessment in graph.objects(patient, SKG.hasAssessment):
        if graph.value(assessment, SKG.assessedDefinition) in looked_at - {None}:  # named by the classes' axioms
            facts.setdefault("Ibero-American OMD verdict", []).extend(lab(v) for v in graph.objects(assessment, SKG.verdict))
            facts.setdefault("Ibero-American OMD reasons", []).extend(sorted(str(r) for r in graph.objects(assessment, SKG.reason)))
            facts.setdefault("Ibero-American OMD missing facts", []).extend(sorted(str(r) for r in graph.objects(assessment, SKG.missingFact)))
    return {k: v for k, v in facts.items() if v}


def classify(patients: Graph, knowledge: Graph, terms: Graph | None = None, reasoner: str = "hermit",
             classification: Classification | None = None, report: Callable[[str], None] | None = None,
             progress: Callable[[int, int], None] | None = None,
             terms_key: str | None = None) -> dict[URIRef, PatientClassification]:
    """Classify every patient of ``patients`` (verdicts written back first) with HermiT or Pellet.

    ``knowledge`` is the ontology + knowledge base; ``terms`` the TBox given to the reasoner
    (default: the ontology alone, which holds the defined classes). A ``classification`` computed
    before (for example by chunked runs over a cohort) is used instead of a new reasoner run.
    ``report(step)`` hears each step as it starts, ``progress(done, total)`` the patients classified.
    ``terms_key``: the content key of ``terms`` read from files and unmodified (as for
    :func:`reasoners.classify_patients`); the key of the default ``terms`` is known."""
    report = report or _silent
    if terms is None:
        terms, terms_key = ontology_graph(), ontology_key()
    if not set(patients_in(patients)) <= set(patients.subjects(SKG.hasAssessment, None)):
        report("verdicts, counts and timing written back (SHACL, closed world)")
    data = with_verdicts(patients, knowledge)
    if classification is None:
        report(f"classifying {len(patients_in(data))} patient(s) with {reasoner} (open world)")
    result = classification or classify_patients(
        data, terms, reasoner, chunk_size=DEFAULT_CHUNK_SIZE, workers=DEFAULT_WORKERS, progress=progress,
        terms_key=terms_key)
    defined = set(defined_classes(terms))
    out: dict[URIRef, PatientClassification] = {}
    for patient in patients_in(data):
        classes = [
            InferredClass(c, label(terms, c), str(terms.value(c, SKOS.definition) or ""))
            for c in sorted(result.of(patient) & defined, key=lambda c: label(terms, c))
        ]
        out[patient] = PatientClassification(patient, classes, facts_in_words(data, terms, patient))
    return out


# --- why a class does not hold ------------------------------------------------------------------

def _operands(terms: Graph, cls: URIRef) -> list:
    expr = terms.value(cls, OWL.equivalentClass)
    if expr is None:
        return []
    members = terms.value(expr, OWL.intersectionOf)
    return list(Collection(terms, members)) if members is not None else [expr]


def _properties(terms: Graph, node, seen=None) -> list[URIRef]:
    """Properties restricted anywhere inside an anonymous class expression (not through named classes)."""
    seen = seen if seen is not None else set()
    if not isinstance(node, BNode) or node in seen:
        return []
    seen.add(node)
    found = []
    prop = terms.value(node, OWL.onProperty)
    if prop is not None:
        found.append(prop)
    for p, o in terms.predicate_objects(node):
        if p in (OWL.someValuesFrom, OWL.intersectionOf, OWL.unionOf, RDF.first, RDF.rest, OWL.equivalentClass):
            found.extend(_properties(terms, o, seen))
    return found


_CONTAINERS = {RDF.type, SKG.hasAssessment, SKG.hasPrimaryTumour, SKG.hasLesion, SKG.receivedSystemicTherapy}

_FACT_FOR = {
    # containers: their nested restrictions name the facts
    SKG.hasAssessment: [], SKG.assessedDefinition: [], SKG.hasPrimaryTumour: [], SKG.hasLesion: [],
    SKG.receivedSystemicTherapy: [],
    SKG.verdict: ["Ibero-American OMD verdict", "Ibero-American OMD reasons", "Ibero-American OMD missing facts"],
    SKG.hasHistology: ["primary histology"], SKG.primaryResectable: ["primary resectable"],
    SKG.primaryResected: ["primary resected"], SKG.hasSite: ["lesion sites"],
    SKG.bestResponse: ["best response to systemic therapy"], SKG.ongoing: ["systemic therapy ongoing"],
    SKG.organSiteCount: ["organ-site count"], SKG.involvesOrganSite: ["organ sites"],
    SKG.metastasisTiming: ["metastasis timing"], SKG.ageAtDiagnosisYears: ["age at diagnosis (years)"],
    SKG.hasDiffuseSerosalInvolvement: ["diffuse serosal involvement"],
    SKG.surgicalCandidate: ["surgical candidate"], SKG.priorLiverResection: ["prior liver resection"],
    SKG.lesionCount: ["lesion count"], SKG.lesionStatus: ["lesion status"],
}


def why_not(terms: Graph, cls: URIRef, types: set[URIRef], facts: dict[str, list], depth: int = 0) -> str:
    """Why the patient is not in ``cls``: the named parts of its definition he is not in, down to
    the facts (or their absence) that the failing part looks at."""
    parts = []
    for operand in _operands(terms, cls):
        if isinstance(operand, URIRef):
            if operand == SKG.Patient or operand in types:
                continue
            inner = why_not(terms, operand, types, facts, depth + 1) if depth < 3 else ""
            parts.append(f"not in {curie(operand)} ({label(terms, operand)})" + (f": {inner}" if inner else ""))
    if parts:
        return "; ".join(parts)
    return facts_looked_at(terms, cls, facts)


def facts_looked_at(terms: Graph, cls: URIRef, facts: dict[str, list]) -> str:
    """The patient's facts that the definition of ``cls`` looks at, in words ("not recorded" when absent)."""
    names: list[str] = []
    for operand in _operands(terms, cls):
        for prop in _properties(terms, operand):
            for name in _FACT_FOR.get(prop, [label(terms, prop)]):
                if name not in names:
                    names.append(name)
    shown = []
    for name in names:
        values = facts.get(name)
        if values:
            shown.append(f"{name}: {', '.join(str(v) for v in values)}")
        elif not name.endswith(("reasons", "missing facts")):
            shown.append(f"{name}: not recorded")
    return "; ".join(shown)


# --- recommendations, judged from the applicability data -------------------------------------------

@dataclass
class RecommendationResult:
    rec: URIRef
    notation: str
    text: str
    direction: str
    level: str | None
    grade: str | None
    consensus: str | None
    agreement: object
    votes_yes: object
    votes_total: object
    target: URIRef
    target_label: str
    status: str                    # applies, to confirm, does not apply (applicability.APPLIES ...)
    reason: str
    not_checked: list[str]
    #: every condition the graph does not decide for this patient: unknown facts to record, and the
    #: conditions left to the clinician, each with the seed's words
    to_confirm: list[str] = field(default_factory=list)
    #: recommendations that say the opposite and are not ruled out for this patient (skg:conflictsWith)
    conflicts: list[str] = field(default_factory=list)
    no_consensus: bool = False     # skg:ConsensusNotReached
    outside_population: bool = False
    population: str = ""           # the seed's words naming the population
    at_lenient_bound: bool = False  # a range met only at its lenient end (9.1: TFI 12-18 months)
    branch: str | None = None      # the branch of the text that holds (9.2)
    assumes_definition: list[str] = field(default_factory=list)
    conditions: list[applicability.ConditionResult] = field(default_factory=list)
    evidence: list[StudyEvidence] = field(default_factory=list)

    @property
    def applies(self) -> bool:
        return self.status == applicability.APPLIES

    @property
    def may_apply(self) -> bool:
        """Not decided: it applies once the facts to record are known and hold."""
        return self.status == applicability.TO_CONFIRM


@dataclass
class PatientRecommendations:
    patient: URIRef
    classification: PatientClassification
    applicable: list[RecommendationResult]
    not_applicable: list[RecommendationResult]

    @property
    def to_confirm(self) -> list[RecommendationResult]:
        return [r for r in self.not_applicable if r.may_apply]

    @property
    def does_not_apply(self) -> list[RecommendationResult]:
        return [r for r in self.not_applicable if not r.may_apply]


def recommend(patients: Graph, knowledge: Graph | None = None, reasoner: str = "hermit",
              terms: Graph | None = None, with_evidence: bool = True,
              classification: Classification | None = None, report: Callable[[str], None] | None = None,
              progress: Callable[[int, int], None] | None = None,
              knowledge_key: str | None = None) -> list[PatientRecommendations]:
    """For each patient: every recommendation judged from its applicability data (applies, to confirm,
    does not apply, with what is left to confirm and what conflicts), the applicable ones with their
    evidence. ``report`` and ``progress`` as for :func:`classify`. ``knowledge_key``: the content key
    of ``knowledge`` read from its files and unmodified (:func:`sarcoma_kg.rdf.knowledge_key`; known
    for the default ``knowledge``): the evidence store then comes from the cache."""
    report = report or _silent
    if knowledge is None:
        knowledge, knowledge_key = knowledge_graph(), rdf_knowledge_key()
    terms, terms_key = (terms, None) if terms is not None else (ontology_graph(), ontology_key())
    data = with_verdicts(patients, knowledge)
    classified = classify(data, knowledge, terms, reasoner, classification, report=report, progress=progress,
                          terms_key=terms_key)
    # knowledge and terms as one read-only graph, neither copied (copying cost more than the judging)
    everything = union(knowledge, terms)
    evidence: dict[URIRef, list[StudyEvidence]] = {}
    report("evaluating the applicability of every recommendation; their evidence (SPARQL)")
    if with_evidence:
        evidence = evidence_for(evidence_backend(knowledge, knowledge_key), None, everything)
    out = []
    for patient, pc in classified.items():
        view = patient_view(data, everything, patient, pc)
        results = [judge_recommendation(rec, pc, view, everything) for rec in recommendations(knowledge)]
        _mark_conflicts(results, everything)
        for result in results:
            if result.applies:
                result.evidence = evidence.get(result.rec, [])
        out.append(PatientRecommendations(patient, pc, [r for r in results if r.applies],
                                          [r for r in results if not r.applies]))
    return out


def patient_view(data: Graph, terms: Graph, patient: URIRef, pc: PatientClassification) -> applicability.PatientView:
    """What the applicability data is evaluated over: the reasoner's classes, the recorded histology,
    the patient's facts in words."""
    histologies = [h for t in data.objects(patient, SKG.hasPrimaryTumour) for h in data.objects(t, SKG.hasHistology)]

    def shown(prop: URIRef) -> str:
        values = sorted((label(terms, v) if isinstance(v, URIRef) else str(_plain(v)) for v in data.objects(patient, prop)))
        return f"{label(terms, prop)}: {', '.join(values) if values else 'not recorded'}"

    return applicability.PatientView(
        types=reason_types(pc), histologies=histologies, shown=shown,
        explain=lambda cls: f"in {curie(cls)} ({label(terms, cls)})"
        + (f": {facts}" if (facts := facts_looked_at(terms, cls, pc.facts)) else ""),
        missing=pc.facts.get("Ibero-American OMD missing facts") or [])


def _confirm_lines(outcome: applicability.Applicability) -> list[str]:
    """Every condition the graph leaves open, in the seed's words: unknown ones with what to record,
    the clinician's with why they are not checked and the recorded facts that bear on them."""
    lines = []
    for c in outcome.conditions:
        facts = f" [{'; '.join(c.shown)}]" if c.shown else ""
        if c.state == "unknown" and c.kind == "branch":
            lines.append(f"which branch holds: \"{c.text}\" (record {c.detail}){facts}")
        elif c.state == "unknown":
            lines.append(f"\"{c.text}\" (record {c.detail}){facts}")
        elif c.state == "left to the clinician":
            lines.append(f"\"{c.text}\" (left to the clinician: {c.detail}){facts}")
    return lines


def _reason(outcome: applicability.Applicability, named: str, why: str) -> str:
    """Why the status: the checked conditions met; the ones that fail, with the facts behind them; or
    what cannot be decided and what to record."""
    if outcome.status == applicability.APPLIES:
        met = [f"\"{c.text}\"" + (f" [{'; '.join(c.shown)}]" if c.shown else "")
               for c in outcome.of_kind("checked") if c.state.startswith("met")]
        return f"in {named}" + (f": {'; '.join(met)}" if met else "")
    failed = [c for c in outcome.of_kind("population", "checked") if c.state == "failed"]
    if failed:
        return f"not in {named}: fails " + "; ".join(f"\"{c.text}\" ({c.detail})" for c in failed)
    unknown = [f"\"{c.text}\" (record {c.detail})" for c in outcome.of_kind("population", "checked")
               if c.state == "unknown"]
    return (f"not in {named}" + (f": {why}" if why else "")
            + "; cannot be decided from the recorded facts: " + "; ".join(unknown))


def judge_recommendation(rec: URIRef, pc: PatientClassification, view: applicability.PatientView,
                          everything: Graph) -> RecommendationResult:
    """Whether ``rec`` applies to the patient, from its conditions (kb/applicability.ttl), and why."""
    target = everything.value(rec, SKG.appliesTo)
    outcome = applicability.evaluate(everything, rec, view)
    named = f"{curie(target)} ({label(everything, target)})"
    why = why_not(everything, target, view.types, pc.facts) if outcome.status == applicability.TO_CONFIRM else ""
    population = next(iter(outcome.of_kind("population")), None)
    return RecommendationResult(
        rec=rec, notation=notation_of(everything, rec),
        text=str(everything.value(rec, SKG.recommendationText) or ""),
        direction=str(everything.value(rec, SKG.recommendationDirection) or ""),
        level=_label_or_none(everything, everything.value(rec, SKG.levelOfEvidence)),
        grade=_label_or_none(everything, everything.value(rec, SKG.gradeOfRecommendation)),
        consensus=_label_or_none(everything, everything.value(rec, SKG.consensusCategory)),
        agreement=_plain(everything.value(rec, SKG.agreementPercent)),
        votes_yes=_plain(everything.value(rec, SKG.votesYes)), votes_total=_plain(everything.value(rec, SKG.votesTotal)),
        target=target, target_label=label(everything, target), status=outcome.status,
        reason=_reason(outcome, named, why),
        not_checked=sorted(str(n) for n in everything.objects(target, SKOS.scopeNote)),
        to_confirm=_confirm_lines(outcome),
        no_consensus=(rec, SKG.consensusCategory, SKG.ConsensusNotReached) in everything,
        outside_population=outcome.outside_population, population=population.text if population else "",
        at_lenient_bound=outcome.at_lenient_bound, branch=outcome.branch,
        assumes_definition=sorted(curie(d) for d in everything.objects(rec, SKG.assumesDefinition)),
        conditions=outcome.conditions,
    )


def _mark_conflicts(results: list[RecommendationResult], knowledge: Graph) -> None:
    """Recommendations that say the opposite (skg:conflictsWith, symmetric) and are both possible for
    the patient (neither ruled out) are shown conflicting, each naming the other."""
    open_ = {r.rec: r for r in results if r.status != applicability.DOES_NOT_APPLY}
    for rec, result in open_.items():
        others = set(knowledge.objects(rec, SKG.conflictsWith)) | set(knowledge.subjects(SKG.conflictsWith, rec))
        result.conflicts = sorted(curie(o) for o in others if o in open_ and o != rec)


def reason_types(pc: PatientClassification) -> set[URIRef]:
    return {SKG.Patient, *pc.class_iris}


def _label_or_none(graph: Graph, term):
    """The concept's skos:notation (``V``, ``B``) or, for concepts without one, its label."""
    if term is None:
        return None
    notation = graph.value(term, SKOS.notation)
    return str(notation) if notation is not None else label(graph, term)
