"""The closed-world facts of a chunk of patients, from the criteria results of ``cohort validate``.

``validate`` and ``recommend`` write back, per patient, a verdict for every definition and the
derived counts, organ sites, timing, intervals and three-valued facts
(:func:`sarcoma_kg.patients.verdicts.derive_all`). Here the criteria results come from the compiled
SHACL program that ``cohort validate`` runs on the same chunk (:func:`~sarcoma_kg.cohort.run.check_chunk`,
one store per chunk, the program compiled once per worker) instead of a report graph built per call;
the verdicts are decided by the same rule (:func:`~sarcoma_kg.patients.verdicts.judge`) and
written by the same function (:func:`~sarcoma_kg.patients.verdicts.add_written_back`, which
:func:`~sarcoma_kg.patients.verdicts.to_graph` uses), straight into the chunk graph.
"""

from __future__ import annotations

from rdflib import Graph, URIRef

from ..namespaces import SKG
from ..patients import shapes, verdicts
from ..rdf import patients_in
from ..union import union


def criteria_results(results: list[tuple], shape_graph: Graph) -> list[verdicts.CriterionResult]:
    """The criteria results among ``results`` ((focus, shape, severity, component, value, message)
    tuples of :class:`~sarcoma_kg.cohort.run.ChunkOutput`), as
    :func:`~sarcoma_kg.patients.verdicts.criteria_results` reads them from a report graph."""
    outcome_of = {str(s): o for s, o in shape_graph.subject_objects(SKG.criterionOutcome)}
    found = [verdicts.CriterionResult(URIRef(focus), URIRef(value), outcome_of[shape], URIRef(shape),
                                      verdicts.sort_listed_names(message or ""))
             for focus, shape, _severity, _component, value, message in results if shape in outcome_of]
    return sorted(found, key=lambda r: (str(r.patient), str(r.criterion), str(r.shape), r.message))


def with_written_back(graph: Graph, knowledge: Graph, results: list[tuple]) -> Graph:
    """``graph`` (changed in place and returned) with the write-back triples of every patient that
    carries no assessment yet, from the compiled SHACL ``results`` of the same patients."""
    assessed = set(graph.subjects(SKG.hasAssessment, None))
    who = [p for p in patients_in(graph) if p not in assessed]
    if not who:
        return graph
    shape_graph = shapes.shape_graph()
    data = union(knowledge, graph)  # read through a FactView (patients.fact_view) per subject
    wanted = set(map(str, who))
    found = [r for r in criteria_results(results, shape_graph) if str(r.patient) in wanted]
    assessments, facts = verdicts.judge(data, who, found, shape_graph)
    # added straight into ``graph``: the same triples as ``graph += to_graph(...)``, each added once
    return verdicts.add_written_back(graph, assessments, facts)
