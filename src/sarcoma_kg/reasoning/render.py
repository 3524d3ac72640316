"""Rendering classifications and recommendations: text for people, JSON and RDF for machines.

The results come from :mod:`~sarcoma_kg.reasoning.recommend`; nothing here decides anything.
"""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from ..namespaces import SKG, bind_prefixes
from ..rdf import curie
from .recommend import Outcome, PatientClassification, PatientRecommendations, RecommendationResult


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


def recommendations_to_json(results: list[PatientRecommendations], reasoner: str) -> dict:
    def rec_json(r: RecommendationResult) -> dict:
        data = {
            "recommendation": curie(r.rec), "notation": r.notation, "direction": r.direction,
            "text": r.text, "levelOfEvidence": r.level, "grade": r.grade, "consensus": r.consensus,
            "agreementPercent": r.agreement, "appliesTo": curie(r.target), "reason": r.reason,
            "notCheckedByTheClass": r.not_checked,
        }
        if not r.applies:
            data["mayApplyIfCannotTellBecomesMeets"] = r.may_apply
        if r.applies:
            data["evidence"] = [
                {"study": e.study, "label": e.label, "firstAuthor": e.first_author, "year": e.year,
                 "designs": e.designs, "numberOfPatients": e.n, "evidenceLine": e.line,
                 "lineSources": e.line_sources,
                 "outcomes": [vars(o) for o in e.outcomes]}
                for e in r.evidence
            ]
        return data

    return {
        "reasoner": reasoner,
        "patients": [
            {"patient": curie(pr.patient),
             "classes": [curie(c.iri) for c in pr.classification.classes],
             "applicable": [rec_json(r) for r in pr.applicable],
             "notApplicable": [rec_json(r) for r in pr.not_applicable]}
            for pr in results
        ],
    }


def _figure(o: Outcome) -> str:
    bits = [o.measure or "figure"]
    if o.timepoint:
        bits.append(str(o.timepoint))
    unit = {"percent": "%", "month": "months", "year": "years"}.get(o.unit or "", o.unit or "")
    value = "" if o.value is None else f"{o.value}{'' if unit in ('', '%') else ' '}{unit}"
    text = " ".join(bits) + (f": {value}" if value else "")
    if o.subgroup:
        text += f" [{o.subgroup}]"
    return text


def recommendations_to_text(results: list[PatientRecommendations], reasoner: str) -> str:
    lines = []
    for pr in results:
        lines.append(f"{curie(pr.patient)}  (classified by {reasoner})")
        lines.append("  classes: " + (", ".join(curie(c.iri) for c in pr.classification.classes) or "none"))
        lines.append(f"  APPLICABLE ({len(pr.applicable)})")
        for r in pr.applicable:
            meta = ", ".join(x for x in (f"level {r.level}" if r.level else "", f"grade {r.grade}" if r.grade else "",
                                         r.consensus or "", f"{r.agreement}% agreement" if r.agreement is not None else "") if x)
            lines.append(f"  * {r.notation} [{r.direction or 'for'}] {meta}")
            if r.text:
                lines.append(f"      {r.text}")
            lines.append(f"      why: {r.reason}")
            for note in r.not_checked:
                lines.append(f"      to confirm: {note}")
            for e in r.evidence:
                who = " ".join(str(x) for x in (e.first_author, e.year) if x)
                head = f"{e.study} {who}".strip() if e.study else e.label
                extra = ", ".join(x for x in (e.designs, f"n = {e.n}" if e.n is not None else "") if x)
                lines.append(f"      evidence: {head}" + (f" ({extra})" if extra else ""))
                for o in e.outcomes:
                    src = f"  <- {', '.join(curie(URIRef(s)) for s in o.sources)}" if o.sources else ""
                    lines.append(f"        - {_figure(o)}{src}")
        maybe = [r for r in pr.not_applicable if r.may_apply]
        if maybe:
            lines.append(f"  MAY APPLY once the missing facts are known ({len(maybe)})")
            for r in maybe:
                lines.append(f"  ? {r.notation} [{r.direction or 'for'}]: {r.reason}")
        rest = [r for r in pr.not_applicable if not r.may_apply]
        lines.append(f"  NOT APPLICABLE ({len(rest)})")
        for r in rest:
            lines.append(f"  - {r.notation}: {r.reason}")
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
