"""The SHACL report of patient data from the compiled engine: an rdflib report graph, or its results
as records.

pySHACL costs about a second per patient with the project's shapes; the cohort engine
(:mod:`sarcoma_kg.cohort`: the same shapes compiled to SPARQL, run by pyoxigraph) checks thousands of
patients in seconds. :func:`compiled_report` writes the patient graph as N-Triples for it and runs
it; its results come back as ``sh:ValidationResult`` nodes of a report graph (focus node, source
shape, severity, component, path, value, message), or, for ``validate``, as
:class:`~sarcoma_kg.patients.shapes.ShapeResult` records with the same terms (no graph to build
and read back: seconds on thousands of patients), from which ``validate`` assembles findings and
verdicts exactly as from pySHACL's report. It is ``validate``'s default engine; the two engines
agree result for result (tests/patients/test_compiled.py checks every example, test fixture and
clinical patient). Input it cannot check exactly is refused (:func:`refusal`), never checked
approximately.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from typing import Callable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from ..errors import InputError
from .shapes import ShapeResult


def _path(report: Graph | None, text: str | None):
    """The ``sh:resultPath`` node of a compiled path (``<iri>`` or ``^<iri>``), or None; the blank
    node of an inverse path is described in ``report`` when one is given."""
    if not text:
        return None
    if text.startswith("<") and text.endswith(">"):
        return URIRef(text[1:-1])
    if text.startswith("^<") and text.endswith(">"):
        node = BNode()
        if report is not None:
            report.add((node, SH.inversePath, URIRef(text[2:-1])))
        return node
    return None


def _ntriples(patients: Graph) -> bytes:
    """``patients`` as N-Triples, line for line as rdflib writes them, with the literals the reader
    retyped as ill formed back at their datatype (the cohort engine holds them ill formed itself).
    Each distinct term is written once, where rdflib's serialiser writes every occurrence."""
    from ..cohort.literals import ILL_FORMED

    written: dict = {}

    def text(term) -> str:
        found = written.get(term)
        if found is None:
            found = written[term] = _literal_text(term, ILL_FORMED) if isinstance(term, Literal) else term.n3()
        return found

    return "".join([f"{text(s)} {text(p)} {text(o)} .\n" for s, p, o in patients]).encode()


def _literal_text(literal: Literal, ill_formed: str) -> str:
    """A literal in N-Triples, as rdflib's N-Triples serialiser writes it (its lexical form as
    read), an ill-formed one at its datatype as written."""
    quoted = '"%s"' % literal.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"').replace("\r", "\\r")
    if literal.language:
        return f"{quoted}@{literal.language}"
    datatype = literal.datatype
    if datatype is None:
        return quoted
    datatype = str(datatype)
    return f"{quoted}^^<{datatype[len(ill_formed):] if datatype.startswith(ill_formed) else datatype}>"


def refusal(result) -> str | None:
    """Why the compiled engine's run (a :class:`~sarcoma_kg.cohort.run.CohortResult`) is not pySHACL's
    answer, or None when it is: a statement was left out of the check."""
    if result.input_errors:
        return f"the compiled engine left statements out ({result.input_errors[0]}); not validated: use --engine pyshacl"
    return None


def compiled_report(patients: Graph, progress: Callable[[int, int], None] | None = None, workers: int = 1,
                    as_graph: bool = True) -> Graph | list[ShapeResult]:
    """The SHACL report of the project's patient shapes over ``patients`` (with the released
    knowledge base), from the compiled engine, checked in this process as one whole (no worker
    pool to start): an rdflib report graph, or with ``as_graph=False`` its results as records, the
    same terms without building a graph (:func:`~sarcoma_kg.patients.shapes.shape_results` reads
    either). ``progress(done, total)`` as the check advances. Raises :class:`InputError` when the
    compiled engine cannot give pySHACL's report exactly (:func:`refusal`)."""
    from ..cohort.run import validate_cohort

    with tempfile.TemporaryDirectory(prefix="sarcoma-kg-validate-") as tmp:
        nt = Path(tmp) / "patients.nt"
        nt.write_bytes(_ntriples(patients))
        result = validate_cohort(nt, workers=workers, collect=True, record_class=None, progress=progress,
                                 require_patients=False)
    why = refusal(result)
    if why is not None:
        raise InputError(why)
    return _report_graph(result.all_report) if as_graph else _records(result.all_report)


def _shape_node(text: str):
    """A shape or constraint named by the compiled engine: its IRI, or its blank node."""
    return URIRef(text) if "://" in text or text.startswith("urn:") else BNode(text)


def _records(found: list) -> list[ShapeResult]:
    """The compiled engine's results as report records (terms as written), in their order."""
    from ..sparql.backends import from_oxigraph
    from .lexical_forms import as_written

    with as_written():
        return [ShapeResult(from_oxigraph(r.focus), _shape_node(r.shape), URIRef(r.severity),
                            None if r.constraint is None else _shape_node(r.constraint), _path(None, r.path),
                            None if r.value is None else from_oxigraph(r.value), r.message or "")
                for r in found]


def _report_graph(found: list) -> Graph:
    """The ``sh:ValidationResult`` nodes of the compiled engine's results (terms as written)."""
    from ..sparql.backends import from_oxigraph
    from .lexical_forms import as_written

    report = Graph()
    with as_written():
        for r in found:
            node = BNode()
            report.add((node, RDF.type, SH.ValidationResult))
            report.add((node, SH.focusNode, from_oxigraph(r.focus)))
            report.add((node, SH.sourceShape, _shape_node(r.shape)))
            report.add((node, SH.resultSeverity, URIRef(r.severity)))
            report.add((node, SH.sourceConstraintComponent, URIRef(r.component)))
            path = _path(report, r.path)
            if path is not None:
                report.add((node, SH.resultPath, path))
            if r.value is not None:
                report.add((node, SH.value, from_oxigraph(r.value)))
            if r.message:
                report.add((node, SH.resultMessage, Literal(r.message)))
            if r.constraint is not None:
                report.add((node, SH.sourceConstraint, _shape_node(r.constraint)))
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
    merged += derive_all(patients, knowledge, report=compiled_report(patients)).graph
    return merged
