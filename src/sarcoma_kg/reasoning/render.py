"""Rendering classifications and recommendations: text for people, JSON and RDF for machines.

The results come from :mod:`~sarcoma_kg.reasoning.recommend`; nothing here decides anything.
"""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from ..namespaces import SKG, bind_prefixes
from ..rdf import curie
from .evidence import Outcome, StudyEvidence
from .recommend import PatientClassification, PatientRecommendations, RecommendationResult


def classification_to_json(classified: dict[URIRef, PatientClassification], reasoner: str) -> dict:
    return {
        "reasoner": reasoner,
        "patients": [
            {"patient": curie(p), "facts": pc.facts,
             "classes": [{"class": curie(c.iri), "label": c.label, "explanation": c.explanation} for c in pc.classes]}
            for p, pc in classified.items()
        ],
    }


def classification_to_text(classified: dict[URIRef, PatientClassification], reasoner: str) -> str:
    lines = []
    for patient, pc in classified.items():
        lines.append(f"{curie(patient)}  (classified by {reasoner})")
        lines.append("  facts: " + "; ".join(f"{k} = {', '.join(str(x) for x in v)}" for k, v in pc.facts.items()))
        if not pc.classes:
            lines.append("  no defined class inferred")
        for c in pc.classes:
            lines.append(f"  - {curie(c.iri)}  {c.label}")
            lines.append(f"      {c.explanation}")
        lines.append("")
    return "\n".join(lines)


def classification_to_graph(classified: dict[URIRef, PatientClassification]) -> Graph:
    graph = Graph()
    bind_prefixes(graph)
    for patient, pc in classified.items():
        for c in pc.classes:
            graph.add((patient, RDF.type, c.iri))
    return graph


def _condition_json(c) -> dict:
    return {"condition": curie(c.condition), "kind": c.kind, "text": c.text, "state": c.state,
            "detail": c.detail, "facts": c.shown, **({"branch": c.branch} if c.branch else {})}


def _evidence_json(e: StudyEvidence) -> dict:
    return {"study": e.study, "label": e.label, "firstAuthor": e.first_author, "year": e.year,
            "designs": e.designs, "numberOfPatients": e.n, "evidenceLine": e.line,
            "lineSources": e.line_sources,
            "directness": {"directness": e.directness, "population": e.population, "sites": e.sites,
                           "setting": e.setting, "sarcomaScope": e.scope, "note": e.directness_note},
            "outcomes": [vars(o) for o in e.outcomes],
            "associations": [vars(o) for o in e.associations]}


def _rec_json(r: RecommendationResult) -> dict:
    data = {
        "recommendation": curie(r.rec), "notation": r.notation, "status": r.status, "direction": r.direction,
        "text": r.text, "levelOfEvidence": r.level, "grade": r.grade, "consensus": r.consensus,
        "noConsensus": r.no_consensus, "agreementPercent": r.agreement, "votesYes": r.votes_yes,
        "votesTotal": r.votes_total, "population": r.population,
        "outsidePopulation": r.outside_population, "assumesDefinition": r.assumes_definition,
        "appliesTo": curie(r.target), "reason": r.reason, "toConfirm": r.to_confirm,
        "notCheckedByTheClass": r.not_checked, "conflictsWith": r.conflicts,
        "branch": r.branch, "metOnlyAtLenientBound": r.at_lenient_bound,
        "conditions": [_condition_json(c) for c in r.conditions],
    }
    if r.applies:
        data["evidence"] = [_evidence_json(e) for e in r.evidence]
    return data


def recommendations_to_json(results: list[PatientRecommendations], reasoner: str) -> dict:
    return {
        "reasoner": reasoner,
        "patients": [
            {"patient": curie(pr.patient),
             "classes": [curie(c.iri) for c in pr.classification.classes],
             "applicable": [_rec_json(r) for r in pr.applicable],
             "toConfirm": [_rec_json(r) for r in pr.to_confirm],
             "notApplicable": [_rec_json(r) for r in pr.does_not_apply]}
            for pr in results
        ],
    }


def _number(value) -> str:
    return "" if value is None else str(value)


def figure_words(o: Outcome) -> str:
    """A figure as the seed prints it: measure, timepoint, statistic, value, interval, p, comparison."""
    bits = [o.measure or "figure"]
    if o.timepoint:
        bits.append(str(o.timepoint))
    unit = "" if (o.unit or "").startswith("ratio") else {"percent": "%", "month": "months", "year": "years"}.get(o.unit or "", o.unit or "")
    value = "" if o.value is None else f"{o.value}{'' if unit in ('', '%') else ' '}{unit}"
    if o.statistic and value:
        value = f"{o.statistic} {value}"
    if o.ci_lower is not None or o.ci_upper is not None:
        value += f" (95% CI {_number(o.ci_lower)}–{_number(o.ci_upper)})" if value else ""
    if o.numerator is not None and o.denominator is not None:
        value += f" [{o.numerator}/{o.denominator}]"
    if o.p_value is not None:
        value += f"{', ' if value else ''}p = {o.p_value}"
    text = " ".join(bits) + (f": {value}" if value else "")
    if o.comparison:
        text += f"; {o.comparison}"
    if o.subgroup:
        text += f" [{o.subgroup}]"
    if o.inconsistent_as_printed:
        text += f"  (INCONSISTENT AS PRINTED: {o.note or 'see the seed'})"
    return text


def meta_words(r: RecommendationResult) -> str:
    """Level, grade, votes, consensus (NO CONSENSUS when not reached) and agreement, in words."""
    consensus = "NO CONSENSUS" if r.no_consensus else (r.consensus or "")
    votes = f"votes {r.votes_yes}/{r.votes_total}" if r.votes_yes is not None and r.votes_total is not None else ""
    return ", ".join(x for x in (f"level {r.level}" if r.level else "", f"grade {r.grade}" if r.grade else "",
                                 votes, consensus, f"{r.agreement}% agreement" if r.agreement is not None else "") if x)


def directness_words(e: StudyEvidence) -> str | None:
    """How directly an evidence line bears on its recommendation, with what it is about, or None."""
    if not e.directness:
        return None
    about = "; ".join(x for x in (e.population, e.sites, e.setting, e.scope) if x)
    return e.directness + (f" ({about})" if about else "")


def study_words(e: StudyEvidence) -> tuple[str, str]:
    """A study as named in an evidence line (first author and year), and its designs and size."""
    who = " ".join(str(x) for x in (e.first_author, e.year) if x)
    extra = ", ".join(x for x in (e.designs, f"n = {e.n}" if e.n is not None else "") if x)
    return who, extra


def _evidence_lines(e: StudyEvidence) -> list[str]:
    who, extra = study_words(e)
    head = f"{e.study} {who}".strip() if e.study else e.label
    lines = [f"      evidence: {head}" + (f" ({extra})" if extra else "")]
    direct = directness_words(e)
    if direct:
        lines.append(f"        directness: {direct}")
        if e.directness_note:
            lines.append(f"          {e.directness_note}")
    for o in e.outcomes:
        src = f"  <- {', '.join(curie(URIRef(s)) for s in o.sources)}" if o.sources else ""
        lines.append(f"        - {figure_words(o)}{src}")
    for o in e.associations:
        lines.append(f"        - association reported: {figure_words(o)}")
    return lines


def rec_notes(r: RecommendationResult) -> list[tuple[str, str, list[str], str]]:
    """What is said of a recommendation after its reason, in order, each as (kind, words, the definitions or
    recommendations it names, words after them): the definition it assumes, the branch of its text that
    holds, a range met only at its lenient end, the recommendations it conflicts with, every condition to
    confirm."""
    notes = []
    if r.assumes_definition:
        notes.append(("definition", "assumes the definition:", r.assumes_definition, ""))
    if r.branch:
        notes.append(("branch", f"branch that holds: \"{r.branch}\"", [], ""))
    if r.at_lenient_bound:
        notes.append(("lenient", "met only at the lenient end of the range the text gives", [], ""))
    if r.conflicts:
        notes.append(("conflict", "CONFLICTS WITH:", r.conflicts, " (both possible for this patient)"))
    notes.extend(("confirm", f"to confirm: {t}", [], "") for t in r.to_confirm)
    return notes


def _rec_lines(r: RecommendationResult, mark: str) -> list[str]:
    """One recommendation: heading, text, why, branch, range, conflicts, what to confirm, evidence."""
    meta = meta_words(r)
    lines = [f"  {mark} {r.notation} [{r.direction or 'for'}]" + (f" {meta}" if meta else "")]
    if r.text:
        lines.append(f"      {r.text}")
    lines.append(f"      why: {r.reason}")
    for _kind, words, named, after in rec_notes(r):
        lines.append(f"      {words}" + (f" {', '.join(named)}" if named else "") + after)
    for e in r.evidence:
        lines.extend(_evidence_lines(e))
    return lines


def recommendations_to_text(results: list[PatientRecommendations], reasoner: str) -> str:
    lines = []
    for pr in results:
        lines.append(f"{curie(pr.patient)}  (classified by {reasoner})")
        lines.append("  classes: " + (", ".join(curie(c.iri) for c in pr.classification.classes) or "none"))
        lines.append(f"  APPLICABLE ({len(pr.applicable)})")
        for r in pr.applicable:
            lines.extend(_rec_lines(r, "*"))
        if pr.to_confirm:
            lines.append(f"  TO CONFIRM: would apply once the facts below are recorded and hold ({len(pr.to_confirm)})")
            for r in pr.to_confirm:
                lines.extend(_rec_lines(r, "?"))
        rest = pr.does_not_apply
        lines.append(f"  NOT APPLICABLE ({len(rest)})")
        for r in rest:
            outside = f" (OUTSIDE THE POPULATION: \"{r.population}\")" if r.outside_population else ""
            lines.append(f"  - {r.notation}{outside}: {r.reason}")
        lines.append("")
    return "\n".join(lines)


def recommendations_to_graph(results: list[PatientRecommendations]) -> Graph:
    graph = Graph()
    bind_prefixes(graph)
    for pr in results:
        for c in pr.classification.classes:
            graph.add((pr.patient, RDF.type, c.iri))
        for r in pr.applicable:
            graph.add((pr.patient, SKG.applicableRecommendation, r.rec))
        for r in pr.not_applicable:
            graph.add((pr.patient, SKG.notApplicableRecommendation, r.rec))
    return graph
