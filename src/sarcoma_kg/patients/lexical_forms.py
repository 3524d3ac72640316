"""The terms of a patient graph as written: literals kept in their own lexical form and checked
against their datatype's XSD lexical space, IRIs checked for what an IRI may not hold.

rdflib rewrites a lexical form it can parse and reads more than XSD allows; :func:`as_written`
keeps literals as the file writes them, :func:`strict_literals` retypes those outside their
datatype's lexical space (:mod:`sarcoma_kg.lexical`) so that the shapes report them and no criterion
takes them for a value, and :func:`bad_iri` names the line of a term parsed as an IRI that is not
one. Every patient reader's graph goes through them.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from . import boundary
from .. import lexical
from ..errors import InputError
from ..rdf import curie, iri_problem


@contextmanager
def as_written():
    """While reading patient data, rdflib keeps literals as written (by default it rewrites a
    lexical form it can parse: ``"1_000"^^xsd:decimal`` becomes ``"1000"``) and does not log a
    traceback for a literal it cannot convert (:func:`strict_literals` reports those)."""
    import rdflib

    term_log = logging.getLogger("rdflib.term")
    saved = rdflib.NORMALIZE_LITERALS, term_log.level
    rdflib.NORMALIZE_LITERALS = False
    term_log.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        rdflib.NORMALIZE_LITERALS, level = saved
        term_log.setLevel(level)


def bad_iri(graph: Graph, path: Path, default_line: int | None = None) -> InputError | None:
    """The error for the first term of ``graph`` that is not an IRI although parsed as one
    (:func:`~sarcoma_kg.rdf.iri_problem`: a space, a lone surrogate ...), naming the line (the
    first line that writes it, else ``default_line``)."""
    for triple in graph:
        for term in triple:
            if isinstance(term, URIRef) and (problem := iri_problem(str(term))):
                line = boundary.line_of(boundary.file_text(path), str(term), (), 1) or default_line
                return InputError(f"{path}:{line}: {problem}" if line else f"{path}: {problem}")
    return None


def ill_typed(literal: Literal) -> Literal:
    """``literal`` (same lexical form) typed ``urn:sarcoma-kg:ill-formed:<datatype>``, as the cohort
    path holds it: ``sh:datatype`` reports it, no comparison or ``isNumeric`` takes it for a value,
    so a criterion that needs it is unknown on both validation paths."""
    from ..cohort.literals import ILL_FORMED

    return Literal(str(literal), datatype=URIRef(ILL_FORMED + str(literal.datatype)))


def strict_literals(graph: Graph) -> list[tuple]:
    """Retype (:func:`ill_typed`) every literal of ``graph`` outside the XSD lexical space of
    its datatype as written (:mod:`sarcoma_kg.lexical`: rdflib reads ``"1_000"``, ``"１２"``,
    ``"Infinity"`` as decimals and more dates than XSD allows); return those triples."""
    bad = [(s, p, o) for s, p, o in graph
           if isinstance(o, Literal) and o.datatype is not None and str(o.datatype) in lexical.CHECKED
           and not lexical.well_formed(str(o), str(o.datatype))]
    for s, p, o in bad:
        graph.remove((s, p, o))
        graph.add((s, p, ill_typed(o)))
    return bad


def ill_typed_error(path: Path, graph: Graph, triple: tuple) -> InputError:
    """The error for ``triple`` of ``graph`` (read from ``path``), one of :func:`strict_literals`'
    triples: its literal is outside its datatype's lexical space (for verbs that do not run the
    shapes, which would report it as a violation)."""
    s, p, o = triple
    line = boundary.line_of(boundary.file_text(path), str(s) if isinstance(s, URIRef) else None, graph.namespaces())
    where = f"{path}:{line}" if line else str(path)
    datatype = str(o.datatype).split(":", 3)[-1] if str(o.datatype).startswith("urn:") else str(o.datatype)
    return InputError(f"{where}: {curie(s)} {curie(p)}: {lexical.explain(str(o), datatype)} "
                      "(run validate for every problem of the file)")
