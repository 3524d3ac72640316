"""The patient shapes run through the compiled SHACL path, read back as a SHACL report graph.

:func:`compiled_report` gives what :func:`sarcoma_kg.patients.shapes.run_shapes` gives with pySHACL
(https://www.w3.org/TR/shacl/#validation-report): one ``sh:ValidationResult`` per result, with its
focus node, value, source shape, severity, constraint component and message, so the verdict
derivation (:func:`sarcoma_kg.patients.verdicts.derive_all`) runs on either. Blank nodes of the
data come back with the store's labels, not the input graph's: results about blank focus nodes
are not comparable by node (the criteria results, which the verdicts read, are about patients).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from .run import validate_cohort


def _term(term):
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    return Literal(str(term))


def _shape(text: str):
    return URIRef(text) if "://" in text or text.startswith("urn:") else BNode(text)


def compiled_report(patients: Graph) -> Graph:
    """The SHACL report of the patient shapes over ``patients`` (with the ontology and knowledge
    base as reference data), from the compiled SHACL path."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "patients.nt"
        patients.serialize(path, format="nt", encoding="utf-8")
        result = validate_cohort(path, workers=1, collect=True, record_class=None)
    report = Graph()
    root = BNode()
    report.add((root, RDF.type, SH.ValidationReport))
    report.add((root, SH.conforms, Literal(result.conforms)))
    for r in result.all_report or []:
        node = BNode()
        report.add((root, SH.result, node))
        report.add((node, RDF.type, SH.ValidationResult))
        report.add((node, SH.focusNode, _term(r.focus)))
        report.add((node, SH.sourceShape, _shape(r.shape)))
        report.add((node, SH.resultSeverity, URIRef(r.severity)))
        report.add((node, SH.sourceConstraintComponent, URIRef(r.component)))
        if r.value is not None:
            report.add((node, SH.value, _term(r.value)))
        if r.path and r.path.startswith("<") and r.path.endswith(">"):
            report.add((node, SH.resultPath, URIRef(r.path[1:-1])))
        if r.message:
            report.add((node, SH.resultMessage, Literal(r.message)))
    return report


def with_compiled_verdicts(patients: Graph, knowledge: Graph) -> Graph:
    """``patients`` with the closed-world facts of the verdict derivation written back, the shapes
    run through the compiled SHACL path (:mod:`.report`) instead of pySHACL: the same verdicts,
    counts and timing (a reason that quotes a decimal may spell it differently: ``32`` for ``32.0``)."""
    from ..namespaces import SKG
    from ..patients.verdicts import derive_all

    if any(patients.subjects(SKG.hasAssessment, None)):
        return patients
    merged = Graph()
    merged += patients
    merged += derive_all(patients, knowledge, report=compiled_report(patients)).graph
    return merged
