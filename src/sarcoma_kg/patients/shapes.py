"""The patient shapes and the graph they run on.

:func:`run_shapes` runs the structural and criteria shapes (``shapes/patient-structure.ttl``,
``shapes/patient-criteria.ttl``) with pySHACL over a :func:`data_graph`: the patient data beside
the knowledge context (:func:`knowledge_context`: ontology + knowledge base, which hold the
definitions, their criteria and the anatomy and histology hierarchies). No inference is run.

A report is read through :func:`shape_results`: its ``sh:ValidationResult`` nodes as
:class:`ShapeResult` records, whichever engine made it (pySHACL's report graph, or the compiled
engine's results, which need no graph: :func:`~sarcoma_kg.patients.compiled.compiled_report`).
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple, Sequence

from rdflib import Graph
from rdflib.namespace import RDF, SH

from .. import resources
from ..namespaces import bind_prefixes
from ..rdf import PreparedQueryGraph, cached_graph, knowledge_graph, load
from ..union import union


@lru_cache(maxsize=1)
def _knowledge_cached() -> Graph:
    return knowledge_graph()


def knowledge_context(fresh: bool = False) -> Graph:
    """Ontology + knowledge base (definitions, anatomy, histology ...), loaded once per process.

    The returned graph is shared: callers must not modify it (copy it first).
    """
    if fresh:
        _knowledge_cached.cache_clear()
    return _knowledge_cached()


@lru_cache(maxsize=1)
def shape_graph() -> Graph:
    """The patient shapes (shapes/patient-structure.ttl and shapes/patient-criteria.ttl).

    Loaded once per process (from the cache folder when it holds them: :func:`~sarcoma_kg.rdf.cached_graph`)
    and shared: do not modify it."""
    files = resources.shape_files("patient-")
    return cached_graph("patient-shapes", files, lambda: load(files))


def data_graph(patients: Graph, knowledge: Graph) -> Graph:
    """The SHACL data graph: the patient triples and the ontology and knowledge base, as one
    read-only graph (:func:`~sarcoma_kg.union.union`: neither graph is copied, neither may change
    while it is read)."""
    merged = union(knowledge, patients, graph_class=PreparedQueryGraph)
    bind_prefixes(merged)
    return merged


def run_shapes(data: Graph, shapes: Graph | None = None) -> Graph:
    """Run the patient shapes over ``data`` with pySHACL (no inference); return the report graph."""
    import pyshacl

    _conforms, report, _text = pyshacl.validate(
        data, shacl_graph=shapes if shapes is not None else shape_graph(), inference="none",
        advanced=False, abort_on_first=False, allow_warnings=True, meta_shacl=False,
    )
    return report


class ShapeResult(NamedTuple):
    """One ``sh:ValidationResult`` of a report: its terms (None when absent), its message ("" when none)."""

    focus: object
    shape: object
    severity: object
    constraint: object
    path: object
    value: object
    message: str


def shape_results(report: Graph | Sequence[ShapeResult]) -> Sequence[ShapeResult]:
    """The results of ``report``, in its order: a report graph read once (each property by
    ``Graph.value``), or records, as they are."""
    if not isinstance(report, Graph):
        return report
    value = report.value
    return [ShapeResult(value(r, SH.focusNode), value(r, SH.sourceShape), value(r, SH.resultSeverity),
                        value(r, SH.sourceConstraint), value(r, SH.resultPath), value(r, SH.value),
                        str(value(r, SH.resultMessage) or ""))
            for r in report.subjects(RDF.type, SH.ValidationResult)]
