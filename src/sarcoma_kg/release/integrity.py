"""Integrity of the knowledge base: SHACL validation with ``shapes/kb-integrity.ttl``.

The rules (each a named shape in the shape file, stated there in words): every consensus
recommendation has text, question, level, grade, votes, agreement percentage, consensus
category and an evidence line; yes + no = total and the percentage is yes / total rounded
(SHACL-SPARQL, https://www.w3.org/TR/shacl/#sparql-constraints); every outcome figure has a
measure, a value and a unit and a percentage lies in 0-100; every study has a year or says
that no seed states one; every fact node has provenance to a seed section and document;
every evidence line says why, and every gap names no study.

The ontology is mixed in (pySHACL ``ont_graph``) so that ``sh:targetClass`` reaches
subclasses (``skg:ConsensusRecommendation`` is a ``skg:Recommendation``); no inference is run.
Only ``sh:Violation`` results make the knowledge base non-conformant; ``sh:Warning`` results
(a fact without its verbatim snippet) are reported but do not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from pyshacl import validate
from rdflib import Graph, Literal, Node, URIRef
from rdflib.namespace import RDFS, SH

from .. import resources
from ..errors import InputError
from ..rdf import PreparedQueryGraph, curie, load, local_name, ontology_graph

SHAPES_FILE_NAME = "kb-integrity.ttl"

_SEVERITY_ORDER = {SH.Violation: 0, SH.Warning: 1, SH.Info: 2}


class IntegrityResult(NamedTuple):
    """One SHACL result: the node at fault, the shape that caught it, its severity and message."""

    focus: Node
    source_shape: Node
    severity: Node
    message: str


@dataclass
class IntegrityReport:
    """Outcome of :func:`check_integrity`.

    ``conforms`` is true when no result has severity ``sh:Violation``; ``results`` are sorted
    (severity, focus, shape, message) so that reports are deterministic; ``text`` is the
    human-readable report (one line per result, prefixed names).
    """

    conforms: bool
    results: list[IntegrityResult] = field(default_factory=list)
    text: str = ""

    @property
    def violations(self) -> list[IntegrityResult]:
        return [r for r in self.results if r.severity == SH.Violation]

    def pairs(self) -> set[tuple[Node, Node]]:
        """The (focus, source shape) pairs of the results, as compared by the shape tests."""
        return {(r.focus, r.source_shape) for r in self.results}


def shapes_path() -> Path:
    for path in resources.shape_files("kb-integrity"):
        if path.name == SHAPES_FILE_NAME:
            return path
    raise FileNotFoundError(f"{resources.SHAPES_DIR / SHAPES_FILE_NAME}: shape file not found")


@lru_cache(maxsize=1)
def _shapes_graph() -> Graph:
    return load([shapes_path()])


@lru_cache(maxsize=1)
def _ontology() -> Graph:
    """The part of the ontology SHACL needs: the named-class hierarchy (rdfs:subClassOf between
    IRIs), which gives sh:targetClass and sh:class their subclasses. Restrictions, labels and
    concept schemes are left out, so that mixing it into small graphs stays cheap."""
    full = ontology_graph()
    skeleton = Graph()
    for sub, sup in full.subject_objects(RDFS.subClassOf):
        if isinstance(sub, URIRef) and isinstance(sup, URIRef):
            skeleton.add((sub, RDFS.subClassOf, sup))
    return skeleton


def check_integrity(graph: Graph, shapes: Graph | None = None, ontology: Graph | None = None) -> IntegrityReport:
    """Validate ``graph`` (the knowledge base, usually :func:`~sarcoma_kg.rdf.knowledge_graph`) against
    the integrity shapes.

    ``shapes`` defaults to ``shapes/kb-integrity.ttl``; ``ontology`` (mixed in for subclass
    targets) defaults to the class hierarchy of the project ontology. Raises :class:`InputError` if the graph is not
    an RDF graph.
    """
    if not isinstance(graph, Graph):
        raise InputError(f"check_integrity expects an rdflib Graph, got {type(graph).__name__}")
    shapes = _shapes_graph() if shapes is None else shapes
    ontology = _ontology() if ontology is None else ontology
    working = PreparedQueryGraph()  # data + ontology mixed here, validated in place
    for triple in graph:
        working.add(triple)
    for triple in ontology:
        working.add(triple)
    _conforms, report, _text = validate(
        data_graph=working,
        shacl_graph=shapes,
        ont_graph=None,
        inplace=True,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        allow_infos=True,
        meta_shacl=False,
        advanced=False,
    )
    results = sorted(_results(report), key=_sort_key)
    conforms = not any(r.severity == SH.Violation for r in results)
    return IntegrityReport(conforms=conforms, results=results, text=_render(results, conforms))


def _results(report: Graph) -> list[IntegrityResult]:
    out = []
    # Only top-level results: nested ones (sh:detail, from sh:node) are typed sh:ValidationResult too.
    for result in report.objects(None, SH.result):
        focus = report.value(result, SH.focusNode)
        shape = report.value(result, SH.sourceShape)
        severity = report.value(result, SH.resultSeverity)
        messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
        out.append(IntegrityResult(focus, shape, severity, messages[0] if messages else ""))
    return list(dict.fromkeys(out))  # a result can be reported twice through two targets


def _sort_key(result: IntegrityResult):
    return (_SEVERITY_ORDER.get(result.severity, 9), str(result.focus), str(result.source_shape), result.message)


def _show(node: Node) -> str:
    if node is None:
        return "?"
    return repr(str(node)) if isinstance(node, Literal) else curie(node)


def _render(results: list[IntegrityResult], conforms: bool) -> str:
    violations = sum(1 for r in results if r.severity == SH.Violation)
    head = (
        "The knowledge base conforms to the integrity shapes"
        if conforms
        else f"The knowledge base does not conform: {violations} violation(s)"
    )
    warnings = len(results) - violations
    if warnings:
        head += f" ({warnings} warning(s) or note(s))"
    lines = [head + "."]
    for r in results:
        lines.append(f"{local_name(r.severity)}: {_show(r.focus)} [{_show(r.source_shape)}] {r.message}")
    return "\n".join(lines) + "\n"
