"""Whether a recommendation applies to one patient: the applicability data of
``ontology/kb/applicability.ttl`` evaluated over what is known of him (docs/model.md, "Applicability").

Two sources, kept apart:

* **open world** — the classes the reasoner put the patient in (:mod:`~sarcoma_kg.reasoning.reasoners`):
  each condition names the class of the patients who meet it (``skg:metBy``), who are known to fail it
  (``skg:failedBy``) and, for a range, who meet only its lenient end (``skg:metOnlyAtLenientBoundBy``);
* **closed world** — the population's histology (``skg:populationHistology``) placed against the recorded
  histology over the hierarchy (:func:`histology_placement`), as the criteria shapes do for the
  definitions: a recorded leiomyosarcoma is not a GIST although no axiom says the two are disjoint.

The rule: a condition fails when the patient is in its failed class (or, for the population, when the
recorded histology is outside it), else is met when he is in its met class (or only at the lenient end),
else is unknown. Population or a checked condition failed → "does not apply" (outside the population is
said so); else any unknown → "to confirm", naming what to record; else "applies". Clinician conditions
(``skg:ClinicianCondition``) are listed "to confirm" whatever the status, with the fact they show;
a branch condition (``skg:BranchCondition``) says which branch of the text holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from ..namespaces import SKG

APPLIES, DOES_NOT_APPLY, TO_CONFIRM = "applies", "does not apply", "to confirm"
KINDS = {SKG.PopulationCondition: "population", SKG.CheckedCondition: "checked",
         SKG.ClinicianCondition: "clinician", SKG.BranchCondition: "branch"}


# --------------------------------------------------------------------------- closed world: histology

def _parents(graph: Graph, cls) -> set:
    return {p for p in graph.objects(cls, RDFS.subClassOf) if isinstance(p, URIRef)}


def ancestors(graph: Graph, cls) -> set:
    """``cls`` and every named class above it."""
    found, todo = set(), [cls]
    while todo:
        node = todo.pop()
        if node not in found:
            found.add(node)
            todo.extend(_parents(graph, node))
    return found


def _place(graph: Graph, histology: URIRef, population: URIRef) -> str:
    above = ancestors(graph, histology)
    if population in above:
        return "in"
    if histology in ancestors(graph, population) or SKG.Neoplasm not in above:
        return "unknown"   # more general than the population's histology, or outside the hierarchy
    partners = set(graph.objects(population, OWL.disjointWith)) | set(graph.subjects(OWL.disjointWith, population))
    for partner in partners:
        shared = _parents(graph, population) & _parents(graph, partner)
        if shared & (above - {histology}) and partner not in above:
            return "unknown"  # straddles a partition the population is part of (Ewing sarcoma: soft tissue or bone)
    return "out"


def histology_placement(graph: Graph, recorded: list[URIRef], population: URIRef) -> str:
    """``"in"``, ``"unknown"`` or ``"out"``: the recorded histologies against a population's, closed world
    over the hierarchy (the rule of the criteria shapes' population check, shapes/patient-criteria.ttl)."""
    places = {_place(graph, h, population) for h in recorded}
    if "in" in places:
        return "in"
    return "out" if places == {"out"} else "unknown"


# --------------------------------------------------------------------------- one patient

@dataclass
class PatientView:
    """What the evaluation needs to know of one patient."""

    types: set[URIRef]                          # the reasoner's classes (open world)
    histologies: list[URIRef]                   # recorded histologies of the primary tumour
    shown: Callable[[URIRef], str | None]       # a recorded or derived fact, in words ("ECOG performance status: 0")
    explain: Callable[[URIRef], str]            # the facts a class looks at, in words
    missing: list[str] = field(default_factory=list)  # what the Ibero-American verdict reports missing


@dataclass
class ConditionResult:
    """One condition of a recommendation, evaluated for one patient."""

    condition: URIRef
    kind: str                  # population, checked, clinician, branch
    text: str                  # verbatim from the seed
    state: str                 # met, met at the lenient end, failed, unknown, left to the clinician
    detail: str = ""           # the facts behind the state, what to record, or why it is left to the clinician
    shown: list[str] = field(default_factory=list)
    branch: str | None = None  # for a branch condition: the text of the branch that holds


@dataclass
class Applicability:
    status: str
    conditions: list[ConditionResult]
    outside_population: bool = False
    at_lenient_bound: bool = False
    branch: str | None = None

    def of_kind(self, *kinds: str) -> list[ConditionResult]:
        return [c for c in self.conditions if c.kind in kinds]


def _kind(knowledge: Graph, condition: URIRef) -> str:
    return next((KINDS[t] for t in knowledge.objects(condition, RDF.type) if t in KINDS), "checked")


def _state(knowledge: Graph, condition: URIRef, view: PatientView, closed_world_fails: bool = False) -> str:
    if closed_world_fails or knowledge.value(condition, SKG.failedBy) in view.types:
        return "failed"
    if knowledge.value(condition, SKG.metBy) in view.types:
        return "met"
    lenient = knowledge.value(condition, SKG.metOnlyAtLenientBoundBy)
    return "met at the lenient end" if lenient is not None and lenient in view.types else "unknown"


def _to_record(knowledge: Graph, condition: URIRef, view: PatientView) -> str:
    text = str(knowledge.value(condition, SKG.toRecord) or "")
    if knowledge.value(condition, SKG.metBy) == SKG.IberoAmericanOligometastaticDisease and view.missing:
        text += " (" + "; ".join(view.missing) + ")"
    return text


def evaluate_condition(knowledge: Graph, condition: URIRef, view: PatientView) -> ConditionResult:
    kind = _kind(knowledge, condition)
    shown = [s for p in sorted(knowledge.objects(condition, SKG.showsFact)) if (s := view.shown(p))]
    result = ConditionResult(condition, kind, str(knowledge.value(condition, SKG.conditionText) or ""), "", shown=shown)
    if kind == "clinician":
        result.state, result.detail = "left to the clinician", str(knowledge.value(condition, SKG.whyNotChecked) or "")
        return result
    outside = False
    population = knowledge.value(condition, SKG.populationHistology)
    if kind == "population" and population is not None:
        outside = histology_placement(knowledge, view.histologies, population) == "out"
    result.state = _state(knowledge, condition, view, outside)
    if result.state == "unknown":
        result.detail = _to_record(knowledge, condition, view)
    elif result.state == "failed":
        failed_by = knowledge.value(condition, SKG.failedBy)
        result.detail = view.explain(failed_by) if failed_by in view.types else "primary histology outside it"
    if kind == "branch" and result.state in ("met", "failed"):
        prop = SKG.branchTextIfMet if result.state == "met" else SKG.branchTextIfFailed
        result.branch = str(knowledge.value(condition, prop) or "")
    return result


def evaluate(knowledge: Graph, rec: URIRef, view: PatientView) -> Applicability:
    """The status of ``rec`` for the patient of ``view``, with every condition evaluated."""
    nodes = [*knowledge.objects(rec, SKG.hasPopulationCondition), *sorted(knowledge.objects(rec, SKG.hasCondition))]
    conditions = [evaluate_condition(knowledge, c, view) for c in nodes]
    deciding = [c for c in conditions if c.kind in ("population", "checked")]
    if any(c.state == "failed" for c in deciding):
        status = DOES_NOT_APPLY
    elif any(c.state == "unknown" for c in deciding):
        status = TO_CONFIRM
    else:
        status = APPLIES
    outside = any(c.kind == "population" and c.state == "failed" for c in conditions)
    lenient = status == APPLIES and any(c.state == "met at the lenient end" for c in deciding)
    branch = next((c.branch for c in conditions if c.kind == "branch" and c.branch), None)
    return Applicability(status, conditions, outside, lenient, branch)
