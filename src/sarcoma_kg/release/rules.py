"""The clinical rules page (``docs/clinical-rules.md``): for each recommendation and actionable statement,
its population, what the graph computes, what it leaves to the clinician and why, generated from the
applicability data (``ontology/kb/applicability.ttl``) and the recommendations themselves. Deterministic
(notation order, no clock); ``scripts/docs.py`` writes it and a test checks that it is current.
"""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from ..namespaces import SKG
from ..rdf import curie, label, notation_of, recommendations

_HEADER = """# Clinical rules

Generated from `ontology/kb/applicability.ttl` by `scripts/docs.py`; do not edit by hand.

For each recommendation (`IAC-n.n`: the Ibero-American consensus) and actionable statement, the seed's
words naming its **population** (computed too: the recorded histology placed against the population's,
closed world over the histology hierarchy, and the site and status of the lesions), the conditions the graph **computes** from the recorded facts (with
the facts to record when they are missing), and the conditions **left to the clinician**, with why:
the seeds give no threshold or rule for them, or the patient model does not record them.
`recommend` shows a recommendation as *applies* (the population and every computed condition hold),
*to confirm* (none fails, but one cannot be decided: the facts to record are listed) or *does not
apply* (outside the population, or a computed condition fails); every condition left to the
clinician is printed "to confirm" with it. A range (9.1: "TFI longer than 12–18 months") is met at
its strict end, or only at its lenient end (said so), or fails. Findings (a study's result, a
difficulty stated) are not recommendations and are never listed as applying.

| rec | population | computed from the recorded facts | left to the clinician (why) | also |
|---|---|---|---|---|
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _kinds(graph: Graph, condition: URIRef) -> set:
    return set(graph.objects(condition, RDF.type))


def _population(graph: Graph, rec: URIRef) -> str:
    parts = []
    for pop in graph.objects(rec, SKG.hasPopulationCondition):
        words = f"\"{graph.value(pop, SKG.conditionText)}\""
        scope = [label(graph, h) for h in graph.objects(pop, SKG.populationHistology)]
        scope += [label(graph, s) for s in graph.objects(pop, SKG.populationSite)]
        timeframe = graph.value(pop, SKG.populationTimeframe)
        if timeframe is not None:
            scope.append(f"lesions {timeframe}")
        parts.append(words + (f" ({', '.join(scope)})" if scope else ""))
    return "<br>".join(parts)


def _computed(graph: Graph, rec: URIRef) -> str:
    out = []
    for c in sorted(graph.objects(rec, SKG.hasCondition)):
        kinds = _kinds(graph, c)
        if SKG.CheckedCondition not in kinds and SKG.BranchCondition not in kinds:
            continue
        text = f"\"{graph.value(c, SKG.conditionText)}\": {label(graph, graph.value(c, SKG.metBy))}"
        if graph.value(c, SKG.metOnlyAtLenientBoundBy) is not None:
            text += f" (lenient end only: {label(graph, graph.value(c, SKG.metOnlyAtLenientBoundBy))})"
        if SKG.BranchCondition in kinds:
            text = (f"which branch holds, from \"{graph.value(c, SKG.conditionText)}\": "
                    f"if met \"{graph.value(c, SKG.branchTextIfMet)}\", else \"{graph.value(c, SKG.branchTextIfFailed)}\"")
        record = graph.value(c, SKG.toRecord)
        out.append(text + (f"; record {record}" if record is not None else ""))
    return "<br>".join(out) or "the population only"


def _clinician(graph: Graph, rec: URIRef) -> str:
    out = []
    for c in sorted(graph.objects(rec, SKG.hasCondition)):
        if SKG.ClinicianCondition in _kinds(graph, c):
            out.append(f"\"{graph.value(c, SKG.conditionText)}\" ({graph.value(c, SKG.whyNotChecked)})")
    return "<br>".join(out) or "nothing"


def _also(graph: Graph, rec: URIRef) -> str:
    out = []
    if (rec, SKG.consensusCategory, SKG.ConsensusNotReached) in graph:
        out.append("no consensus")
    direction = graph.value(rec, SKG.recommendationDirection)
    if direction is not None:
        out.append(f"direction: {direction}")
    definitions = sorted(curie(d) for d in graph.objects(rec, SKG.assumesDefinition))
    if definitions:
        out.append("assumes " + ", ".join(definitions))
    conflicts = set(graph.objects(rec, SKG.conflictsWith)) | set(graph.subjects(SKG.conflictsWith, rec))
    if conflicts:
        out.append("conflicts with " + ", ".join(sorted(notation_of(graph, c) for c in conflicts)))
    return "<br>".join(out)


def clinical_rules_markdown(graph: Graph) -> str:
    """The page, from ``graph`` (the ontology and the knowledge base)."""
    rows = [
        "| " + " | ".join(_cell(x) for x in (notation_of(graph, rec), _population(graph, rec), _computed(graph, rec),
                                             _clinician(graph, rec), _also(graph, rec))) + " |"
        for rec in recommendations(graph)
    ]
    return _HEADER + "\n".join(rows) + "\n"
