"""Classify patients and choose the recommendations that apply, with the evidence behind them
(:mod:`~sarcoma_kg.reasoning.render` turns the results into text, JSON and RDF).

The path:

1. the patient graph gets its closed-world facts written back (``verdicts.derive``: verdict per
   definition, lesion and organ-site counts, organ sites involved, synchronous/metachronous);
2. a DL reasoner (HermiT or Pellet, :mod:`~sarcoma_kg.reasoning.reasoners`) classifies each patient into the
   defined classes of ``ontology/classes.ttl`` (open world, over the class hierarchies);
3. a recommendation applies when the reasoner put the patient in the class it
   ``skg:appliesTo`` (``ontology/kb/applicability.ttl``): data, not Python rules;
4. the evidence chain comes from the catalogue query ``cq-recommendation-evidence`` (recommendation
   → evidence line → study → outcome figures → seed section), with the recommendation bound as a
   parameter.

For a recommendation that does not apply, :func:`why_not` names the class the patient is not in
and shows the patient's facts that the class looks at.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, SKOS

from ..namespaces import DEFINITION, SKG, bind_prefixes
from ..patients.verdicts import derive
from ..rdf import curie, knowledge_graph, label, ontology_graph, patients_in
from ..sparql import query
from ..sparql.backends import backend_for
from .reasoners import DEFAULT_CHUNK_SIZE, DEFAULT_WORKERS, Classification, classify_patients, defined_classes

IBERO_AMERICAN = DEFINITION.IberoAmerican2025


def _silent(_step: str) -> None:
    pass


def _plain(value):
    if isinstance(value, Literal):
        py = value.toPython()
        if isinstance(py, Decimal):
            return float(py) if py != py.to_integral_value() else int(py)
        return py if isinstance(py, (int, float, bool, str)) else str(value)
    return None if value is None else str(value)


# --- preparing the patient graph -------------------------------------------------------------

def with_verdicts(patients: Graph, knowledge: Graph) -> Graph:
    """The patient graph plus the closed-world facts of :func:`~sarcoma_kg.patients.verdicts.derive`
    (unless the graph carries its assessments already)."""
    if any(patients.subjects(SKG.hasAssessment, None)):
        return patients
    merged = Graph()
    bind_prefixes(merged)
    merged += patients
    merged += derive(patients, knowledge)
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
    for course in graph.objects(patient, SKG.receivedSystemicTherapy):
        facts.setdefault("best response to systemic therapy", []).extend(lab(r) for r in graph.objects(course, SKG.bestResponse))
        facts.setdefault("systemic therapy ongoing", []).extend(_plain(v) for v in graph.objects(course, SKG.ongoing))
    for assessment in graph.objects(patient, SKG.hasAssessment):
        if (assessment, SKG.assessedDefinition, IBERO_AMERICAN) in graph:
            facts.setdefault("Ibero-American OMD verdict", []).extend(lab(v) for v in graph.objects(assessment, SKG.verdict))
            facts.setdefault("Ibero-American OMD reasons", []).extend(sorted(str(r) for r in graph.objects(assessment, SKG.reason)))
            facts.setdefault("Ibero-American OMD missing facts", []).extend(sorted(str(r) for r in graph.objects(assessment, SKG.missingFact)))
    return {k: v for k, v in facts.items() if v}


def classify(patients: Graph, knowledge: Graph, terms: Graph | None = None, reasoner: str = "hermit",
             classification: Classification | None = None, report: Callable[[str], None] | None = None,
             progress: Callable[[int, int], None] | None = None) -> dict[URIRef, PatientClassification]:
    """Classify every patient of ``patients`` (verdicts written back first) with HermiT or Pellet.

    ``knowledge`` is the ontology + knowledge base; ``terms`` the TBox given to the reasoner
    (default: the ontology alone, which holds the defined classes). A ``classification`` computed
    before (for example by chunked runs over a cohort) is used instead of a new reasoner run.
    ``report(step)`` hears each step as it starts, ``progress(done, total)`` the patients classified."""
    report = report or _silent
    terms = terms if terms is not None else ontology_graph()
    report("verdicts, counts and timing written back (SHACL, closed world)")
    data = with_verdicts(patients, knowledge)
    if classification is None:
        report(f"classifying {len(patients_in(data))} patient(s) with {reasoner} (open world)")
    result = classification or classify_patients(
        data, terms, reasoner, chunk_size=DEFAULT_CHUNK_SIZE, workers=DEFAULT_WORKERS, progress=progress)
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
    SKG.lesionCount: ["lesion count"],
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
    names: list[str] = []
    for operand in _operands(terms, cls):
        for prop in _properties(terms, operand):
            for name in _FACT_FOR.get(prop, [curie(prop)]):
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


# --- recommendations and their evidence ----------------------------------------------------------

@dataclass
class Outcome:
    outcome: str
    measure: str | None
    value: object
    unit: str | None
    timepoint: str | None
    subgroup: str | None
    sources: list[str]


@dataclass
class StudyEvidence:
    study: str | None
    label: str
    first_author: str | None
    year: object
    designs: str
    n: object
    line: str | None
    line_sources: list[str]
    outcomes: list[Outcome] = field(default_factory=list)


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
    target: URIRef
    target_label: str
    applies: bool
    reason: str
    not_checked: list[str]
    evidence: list[StudyEvidence] = field(default_factory=list)
    #: Not applicable now, but would be if every "cannot tell" verdict turned out "meets".
    may_apply: bool = False


@dataclass
class PatientRecommendations:
    patient: URIRef
    classification: PatientClassification
    applicable: list[RecommendationResult]
    not_applicable: list[RecommendationResult]


def _notation_key(notation: str):
    parts = []
    for piece in notation.replace("-", ".").split("."):
        parts.append((0, int(piece), "") if piece.isdigit() else (1, 0, piece))
    return parts


def recommendations(knowledge: Graph) -> list[URIRef]:
    """Every recommendation with an skg:appliesTo, in notation order."""
    recs = {r for r in knowledge.subjects(SKG.appliesTo, None) if isinstance(r, URIRef)}
    return sorted(recs, key=lambda r: (_notation_key(notation_of(knowledge, r)), str(r)))


def notation_of(knowledge: Graph, rec: URIRef) -> str:
    """skos:notation, or the local name without the source prefix (``IAC-5.4`` → ``5.4``)."""
    value = knowledge.value(rec, SKOS.notation)
    if value is not None:
        return str(value)
    local = str(rec).rsplit("/", 1)[-1]
    return local[4:] if local.startswith("IAC-") else local


def _listed(value) -> list[str]:
    """The values of a GROUP_CONCAT column (joined with :data:`~sarcoma_kg.sparql.query.LIST_SEPARATOR`)."""
    return [v for v in str(value or "").split(query.LIST_SEPARATOR) if v]


def evidence_for(backend, rec: URIRef | None, knowledge: Graph) -> dict[URIRef, list[StudyEvidence]]:
    """The studies and outcome figures behind ``rec`` (or behind every recommendation when ``rec``
    is None), from the catalogue query ``cq-recommendation-evidence``; ``rec`` is bound as a
    parameter, never pasted into the query text."""
    bindings = {"rec": rec} if rec is not None else {}
    outcome = query.run(query.resolve("cq-recommendation-evidence"), backend, bindings)
    by_key: dict[tuple, StudyEvidence] = {}
    per_rec: dict[URIRef, list[StudyEvidence]] = {}
    for row in outcome.result.as_dicts():
        study = row.get("study")
        key = (str(row.get("rec")), str(study) if study is not None else None, str(row.get("line")))
        item = by_key.get(key)
        if item is None:
            item = StudyEvidence(
                study=curie(study) if study is not None else None,
                label=label(knowledge, study) if study is not None else "no study in the seeds (evidence gap)",
                first_author=_plain(row.get("firstAuthor")), year=_plain(row.get("year")),
                # GROUP_CONCAT order is undefined in SPARQL: sort the parts for stable output
                designs=query.LIST_SEPARATOR.join(sorted(_listed(row.get("designs")))),
                n=_plain(row.get("n")),
                line=curie(row["line"]) if row.get("line") is not None else None,
                line_sources=sorted(_listed(row.get("lineSources"))),
            )
            by_key[key] = item
            per_rec.setdefault(row.get("rec") if rec is None else rec, []).append(item)
        if row.get("outcome") is not None:
            item.outcomes.append(Outcome(
                outcome=curie(row["outcome"]),
                measure=label(knowledge, row["measure"]) if row.get("measure") is not None else None,
                value=_plain(row.get("value")),
                unit=label(knowledge, row["unit"]) if row.get("unit") is not None else None,
                timepoint=_plain(row.get("timepoint")), subgroup=_plain(row.get("subgroup")),
                sources=_listed(row.get("outcomeSources")),
            ))
    return per_rec


def recommend(patients: Graph, knowledge: Graph | None = None, reasoner: str = "hermit",
              terms: Graph | None = None, with_evidence: bool = True,
              classification: Classification | None = None, report: Callable[[str], None] | None = None,
              progress: Callable[[int, int], None] | None = None) -> list[PatientRecommendations]:
    """For each patient: the applicable recommendations (by classification) with their evidence,
    and the others with the reason they do not apply. ``report`` and ``progress`` as for :func:`classify`."""
    report = report or _silent
    knowledge = knowledge if knowledge is not None else knowledge_graph()
    terms = terms if terms is not None else ontology_graph()
    data = with_verdicts(patients, knowledge)
    classified = classify(data, knowledge, terms, reasoner, classification, report=report, progress=progress)
    if any(True for _ in data.subjects(SKG.verdict, SKG.CannotTell)):
        report(f"classifying again with every 'cannot tell' verdict read as 'meets' ({reasoner})")
    hypothetical = _if_cannot_tell_were_meets(data, terms, reasoner)
    everything = _union(knowledge, terms)
    evidence: dict[URIRef, list[StudyEvidence]] = {}
    report("choosing the recommendations and their evidence (SPARQL)")
    if with_evidence:
        evidence = evidence_for(backend_for(knowledge, engine="oxigraph"), None, everything)
    out = []
    for patient, pc in classified.items():
        results = [_judge_recommendation(rec, pc, knowledge, everything) for rec in recommendations(knowledge)]
        for result in results:
            if result.applies:
                result.evidence = evidence.get(result.rec, [])
            elif hypothetical is not None and result.target in hypothetical.of(patient):
                _mark_may_apply(result, pc)
        out.append(PatientRecommendations(patient, pc, [r for r in results if r.applies],
                                          [r for r in results if not r.applies]))
    return out


_UNION: dict = {}


def _union(knowledge: Graph, terms: Graph) -> Graph:
    """The knowledge graph and the terms in one graph (labels, definitions); made once for the same
    two graphs of the same sizes (copying them per call cost more than judging the recommendations)."""
    key = (id(knowledge), len(knowledge), id(terms), len(terms))
    graphs = _UNION.get("graphs", (None, None))
    if _UNION.get("key") != key or graphs[0] is not knowledge or graphs[1] is not terms:
        everything = Graph()
        everything += knowledge
        everything += terms
        _UNION.clear()
        _UNION.update(key=key, graphs=(knowledge, terms), union=everything)
    return _UNION["union"]


def _judge_recommendation(rec: URIRef, pc: PatientClassification, knowledge: Graph,
                          everything: Graph) -> RecommendationResult:
    """Whether ``rec`` applies to the classified patient (he is in the class it skg:appliesTo), and why."""
    target = knowledge.value(rec, SKG.appliesTo)
    types = reason_types(pc)
    applies = target in types
    named = f"{curie(target)} ({label(everything, target)})"
    if applies:
        reason = f"in {named}"
    else:
        why = why_not(everything, target, types, pc.facts)
        reason = f"not in {named}" + (f": {why}" if why else "")
    return RecommendationResult(
        rec=rec, notation=notation_of(knowledge, rec),
        text=str(knowledge.value(rec, SKG.recommendationText) or ""),
        direction=str(knowledge.value(rec, SKG.recommendationDirection) or ""),
        level=_label_or_none(everything, knowledge.value(rec, SKG.levelOfEvidence)),
        grade=_label_or_none(everything, knowledge.value(rec, SKG.gradeOfRecommendation)),
        consensus=_label_or_none(everything, knowledge.value(rec, SKG.consensusCategory)),
        agreement=_plain(knowledge.value(rec, SKG.agreementPercent)),
        target=target, target_label=label(everything, target), applies=applies, reason=reason,
        not_checked=sorted(str(n) for n in everything.objects(target, SKOS.scopeNote)),
    )


def _mark_may_apply(result: RecommendationResult, pc: PatientClassification) -> None:
    """``result`` would apply if every "cannot tell" verdict became "meets": say so, and what is missing."""
    result.may_apply = True
    missing = pc.facts.get("Ibero-American OMD missing facts") or []
    result.reason += ("; would apply if the verdict 'cannot tell' became 'meets'"
                      + (f" (missing: {'; '.join(missing)})" if missing else ""))


def _if_cannot_tell_were_meets(data: Graph, terms: Graph, reasoner: str) -> Classification | None:
    """Classify a copy of ``data`` in which every "cannot tell" verdict reads "meets": the
    recommendations a patient would get once the missing facts are known and hold. None when no
    verdict is "cannot tell" (no second reasoner run)."""
    undecided = list(data.subjects(SKG.verdict, SKG.CannotTell))
    if not undecided:
        return None
    hypothetical = Graph()
    hypothetical += data
    for assessment in undecided:
        hypothetical.remove((assessment, SKG.verdict, SKG.CannotTell))
        hypothetical.add((assessment, SKG.verdict, SKG.Meets))
    return classify_patients(hypothetical, terms, reasoner, chunk_size=DEFAULT_CHUNK_SIZE, workers=DEFAULT_WORKERS)


def reason_types(pc: PatientClassification) -> set[URIRef]:
    return {SKG.Patient, *pc.class_iris}


def _label_or_none(graph: Graph, term):
    """The concept's skos:notation (``V``, ``B``) or, for concepts without one, its label."""
    if term is None:
        return None
    notation = graph.value(term, SKOS.notation)
    return str(notation) if notation is not None else label(graph, term)
