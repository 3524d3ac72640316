"""Patient files in an RDF syntax (Turtle, N-Triples, N3, JSON-LD, RDF/XML), parsed with errors
that name the line: the structure a patient record never has (nesting, RDF lists) is refused before
rdflib parses, every line ending is read, terms are kept as written (:mod:`.lexical_forms`), and a
Turtle or N-Triples file that does not parse is read record by record (:mod:`.records`). A Turtle file
that pyoxigraph's parser reads term for term as rdflib's would is parsed by pyoxigraph
(:mod:`.oxigraph_turtle`: seconds faster on a file of thousands of patients); every other file,
and every file with an error, is parsed by rdflib, whose messages name the line."""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import RDF

from . import boundary
from ..errors import InputError
from ..namespaces import bind_prefixes
from ..rdf import MAX_NESTING, located_error, too_deep_error, too_deep_line, parse_into, rdf_format
from .lexical_forms import as_written, bad_iri
from .oxigraph_turtle import parse_turtle
from .records import read_records


class RdfReader:
    """Turtle, N-Triples, N3, JSON-LD, RDF/XML; the parser is chosen by the file's suffix
    (:data:`~sarcoma_kg.rdf.RDF_FORMATS`). A ``.json`` file is read as JSON-LD when named, but a
    folder is not searched for ``.json`` files (other JSON lives beside patient data)."""

    suffixes = frozenset({".ttl", ".turtle", ".nt", ".n3", ".jsonld", ".rdf", ".owl"})

    def accepts(self, path: Path) -> bool:
        return True  # any other suffix is read as Turtle

    def read(self, path: Path) -> tuple[Graph, list[InputError]]:
        graph = Graph()
        bind_prefixes(graph)
        fmt = rdf_format(path)
        if fmt in ("turtle", "nt"):
            _check_structure(path, fmt)
        with as_written():
            try:
                if fmt in ("turtle", "nt") and _lone_cr(path):
                    _parse_lone_cr(graph, path, fmt)
                elif not (fmt == "turtle" and _parsed_by_oxigraph(graph, path)):
                    parse_into(graph, path, fmt)
                problem = bad_iri(graph, path)
                if problem is None:
                    return graph, []
                raise problem
            except InputError as whole:
                if fmt not in ("turtle", "nt"):
                    raise
                return read_records(path, fmt, whole)


def _check_structure(path: Path, fmt: str) -> None:
    """Refuse a file nested deeper than a patient record is (:data:`~sarcoma_kg.rdf.MAX_NESTING`) or
    with more RDF list items than it has (:data:`.boundary.MAX_LIST_ITEMS`), counted with pyoxigraph's
    fast parser before rdflib's (which would take minutes on 100,000 items). A file pyoxigraph
    cannot parse is left to rdflib, whose error names the line."""
    import pyoxigraph as ox

    try:
        data = path.read_bytes()
    except OSError:
        return
    if fmt == "turtle" and data.count(b"[") + data.count(b"(") > MAX_NESTING:
        line = too_deep_line(data)
        if line is not None:
            raise InputError(too_deep_error(f"{path}:{line}"))

    rest = str(RDF.rest)
    count = 0
    try:
        for quad in ox.parse(data, format=ox.RdfFormat.TURTLE if fmt == "turtle" else ox.RdfFormat.N_TRIPLES):
            if quad.predicate.value == rest:
                count += 1
    except (SyntaxError, OSError, ValueError):
        return
    if count > boundary.MAX_LIST_ITEMS:
        raise InputError(boundary.list_items_error(path, count))


def _parsed_by_oxigraph(graph: Graph, path: Path) -> bool:
    """Whether pyoxigraph's parser read the Turtle file ``path`` into ``graph``, as rdflib's would
    (:mod:`.oxigraph_turtle`; much faster on large files); False leaves the file to rdflib."""
    try:
        data = path.read_bytes()
    except OSError:
        return False
    return parse_turtle(data, graph)


def _lone_cr(path: Path) -> bool:
    """Whether ``path`` ends a line with a CR alone (classic Mac OS), which rdflib does not read."""
    try:
        return path.exists() and re.search(rb"\r(?!\n)", path.read_bytes()) is not None
    except OSError:
        return False


def _parse_lone_cr(graph: Graph, path: Path, fmt: str) -> None:
    """Parse ``path`` with every line ending (CR, CRLF, LF) read as LF: Turtle and N-Triples allow all
    three (end of line: ``[#xD#xA]``)."""
    data = re.sub(rb"\r\n?", b"\n", path.read_bytes())
    try:
        graph.parse(data=data, format=fmt)
    except Exception as exc:  # rdflib raises several unrelated exception types
        raise located_error(path, fmt, exc, data) from exc
