"""The SHACL report of patient data from the compiled engine, as an rdflib report graph.

pySHACL costs about a second per patient with the project's shapes; the cohort engine
(:mod:`sarcoma_kg.cohort`: the same shapes compiled to SPARQL, run by pyoxigraph) checks thousands of
patients in seconds. :func:`compiled_report` runs the patient graph through it and writes its
results back as ``sh:ValidationResult`` nodes (focus node, source shape, severity, component, path,
value, message), so that ``validate`` assembles findings and verdicts from it exactly as from
pySHACL's report. ``validate`` uses it for inputs of more than :data:`COMPILED_AFTER` patients; the
two engines agree result for result (tests/patients/test_compiled.py).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

#: ``validate`` checks inputs with more patients than this with the compiled engine.
COMPILED_AFTER = 100


def _term(term):
    """A pyoxigraph term as the rdflib term, literals as written."""
    from ..sparql.backends import from_oxigraph
    from .lexical_forms import as_written

    with as_written():
        return from_oxigraph(term)


def _path(report: Graph, text: str | None):
    """The ``sh:resultPath`` node of a compiled path (``<iri>`` or ``^<iri>``), or None."""
    if not text:
        return None
    if text.startswith("<") and text.endswith(">"):
        return URIRef(text[1:-1])
    if text.startswith("^<") and text.endswith(">"):
        node = BNode()
        report.add((node, SH.inversePath, URIRef(text[2:-1])))
        return node
    return None


def compiled_report(patients: Graph, workers: int = 2) -> Graph:
    """The SHACL report of the project's patient shapes over ``patients`` (with the released
    knowledge base), from the compiled engine."""
    from ..cohort.run import validate_cohort

    from ..cohort.literals import ILL_FORMED
    from .lexical_forms import as_written as literals_as_written

    report = Graph()
    with tempfile.TemporaryDirectory(prefix="sarcoma-kg-validate-") as tmp:
        nt = Path(tmp) / "patients.nt"
        written = Graph()  # literals the reader retyped as ill formed go back to their datatype:
        with literals_as_written():  # the cohort engine holds them ill formed itself
            for s, p, o in patients:
                if isinstance(o, Literal) and o.datatype is not None and str(o.datatype).startswith(ILL_FORMED):
                    o = Literal(str(o), datatype=URIRef(str(o.datatype)[len(ILL_FORMED):]))
                written.add((s, p, o))
        written.serialize(nt, format="nt", encoding="utf-8")
        result = validate_cohort(nt, workers=workers, collect=True, record_class=None)  # one chunk: not grouped
    for r in result.all_report:
        node = BNode()
        report.add((node, RDF.type, SH.ValidationResult))
        report.add((node, SH.focusNode, _term(r.focus)))
        shape = URIRef(r.shape) if "://" in r.shape or r.shape.startswith("urn:") else BNode(r.shape)
        report.add((node, SH.sourceShape, shape))
        report.add((node, SH.resultSeverity, URIRef(r.severity)))
        report.add((node, SH.sourceConstraintComponent, URIRef(r.component)))
        path = _path(report, r.path)
        if path is not None:
            report.add((node, SH.resultPath, path))
        if r.value is not None:
            report.add((node, SH.value, _term(r.value)))
        if r.message:
            report.add((node, SH.resultMessage, Literal(r.message)))
    return report


def with_compiled_verdicts(patients: Graph, knowledge: Graph) -> Graph:
    """``patients`` with the closed-world facts of the verdict derivation written back, the shapes
    run through the compiled engine (:func:`compiled_report`) instead of pySHACL: the same verdicts,
    counts and timing (a reason that quotes a decimal may spell it differently: ``32`` for ``32.0``)."""
    from ..namespaces import SKG
    from .verdicts import derive_all

    if any(patients.subjects(SKG.hasAssessment, None)):
        return patients
    merged = Graph()
    merged += patients
    merged += derive_all(patients, knowledge, report=compiled_report(patients, workers=1)).graph
    return merged
