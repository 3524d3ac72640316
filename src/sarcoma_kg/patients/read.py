"""Reading patient data: the one way every command (validate, classify, recommend, serve) reads it.

Each input form has one reader class (after KGX's one source per format): :class:`RdfReader` for
Turtle, N-Triples, JSON-LD and RDF/XML (by suffix), :class:`CsvReader` for the tumour-board CSV of
:mod:`~sarcoma_kg.patients.csv_mapping`, :class:`~sarcoma_kg.patients.fhir.FhirReader` for FHIR R4 mCODE
Bundles and NDJSON. :data:`READERS` lists them in the order they are asked; a new input form is one
more class with ``accepts(path)`` and ``read(path) -> (Graph, errors)``, inserted there: ``errors``
are the records that could not be read (each an :class:`InputError` naming file and line), left out
of the graph while the other records are read. A folder stands for the files under it that some
reader accepts.

Every file is read into a graph of its own, holding the patient data only (no ontology, no
knowledge base); statements a patient record may not make (:mod:`.boundary`: about the project's
vocabulary, definitions, criteria or classes) are taken out of it and reported. It is checked: its patients are IRIs (blank-node patients cannot be named in
verdicts), at least one thing is typed ``skg:Patient``. A patient graph follows docs/model.md
("Patient graph"); unknown is absence: a fact that is not in the graph is unknown, never false.
"""

from __future__ import annotations

import logging
import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Protocol

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from . import boundary
from .. import lexical
from ..errors import InputError
from ..namespaces import SKG, bind_prefixes
from ..rdf import MAX_NESTING, curie, iri_problem, located_error, too_deep_error, too_deep_line, parse_into, patients_in, rdf_format, syntax_error
from .csv_mapping import read_csv_records
from .fhir import FhirReader


class PatientReader(Protocol):
    """One input form of patient data."""

    #: File suffixes this reader takes (lower case, with the dot); a folder is searched for them.
    suffixes: frozenset[str]

    def accepts(self, path: Path) -> bool: ...

    def read(self, path: Path) -> tuple[Graph, list[InputError]]: ...


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
                else:
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


def bad_iri(graph: Graph, path: Path, default_line: int | None = None) -> InputError | None:
    """The error for the first term of ``graph`` that is not an IRI although parsed as one
    (:func:`~sarcoma_kg.rdf.iri_problem`: a space, a lone surrogate ...), naming the line (the
    first line that writes it, else ``default_line``)."""
    for triple in graph:
        for term in triple:
            if isinstance(term, URIRef) and (problem := iri_problem(str(term))):
                try:
                    text = path.read_text(encoding="utf-8", errors="replace")
                except OSError:
                    text = None
                line = boundary.line_of(text, str(term), (), 1) or default_line
                return InputError(f"{path}:{line}: {problem}" if line else f"{path}: {problem}")
    return None


def read_records(path: Path, fmt: str, whole: InputError) -> tuple[Graph, list[InputError]]:
    """A Turtle or N-Triples file that does not parse, read record by record: the file is cut just
    before each line that starts a patient's block (``ex:P a skg:Patient``, as ``cohort validate``
    cuts files), each block is parsed with the prefixes declared before it, and a block that does
    not parse is an error naming its line and patient, the others are kept. Raises ``whole`` (the
    error of the whole file) when no block parses or the file has no such line."""
    from ..cohort.run import NT_PATIENT_START, TTL_PATIENT_START, _directives, first_subject

    data = path.read_bytes()
    if fmt == "nt":
        cuts = sorted({data.rfind(b"\n", 0, m) + 1 for m in _finditer(data, NT_PATIENT_START)})
    else:
        cuts = [m.start() + 1 for m in TTL_PATIENT_START.finditer(data)]
    cuts = [c for c in cuts if c > 0]
    if not cuts:
        raise whole
    graph, errors, header = Graph(), [], b""
    bind_prefixes(graph)
    for start, end in zip([0, *cuts], [*cuts, len(data)]):
        block = data[start:end]
        first_line = data.count(b"\n", 0, start) + 1
        part = Graph()
        try:
            part.parse(data=header + block, format=fmt)
        except Exception as exc:  # rdflib raises several unrelated exception types
            error = syntax_error(path, fmt, exc, line_offset=first_line - 1 - header.count(b"\n"),
                                 default_line=first_line)
        else:
            error = bad_iri(part, path, first_line)
            if error is None:
                graph += part
        if error is not None:
            errors.append(InputError(f"{error} (record {first_subject(block)} left out)"))
        if fmt == "turtle":
            header += b"".join(line + b"\n" for line in _directives(block))
    if not patients_in(graph):
        raise whole
    return graph, errors


def _finditer(data: bytes, needle: bytes):
    at = data.find(needle)
    while at >= 0:
        yield at
        at = data.find(needle, at + 1)


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


class CsvReader:
    """The tumour-board spreadsheet, one row per lesion (``.csv``, or ``.tsv`` with tabs)."""

    suffixes = frozenset({".csv", ".tsv"})

    def accepts(self, path: Path) -> bool:
        return path.suffix.lower() in self.suffixes

    def read(self, path: Path) -> tuple[Graph, list[InputError]]:
        return read_csv_records(path)


#: The readers, asked in this order: the first that accepts a file reads it.
READERS: tuple[PatientReader, ...] = (CsvReader(), FhirReader(), RdfReader())


def reader_for(path: Path) -> PatientReader:
    """The first reader of :data:`READERS` that accepts ``path``."""
    return next(reader for reader in READERS if reader.accepts(path))


@dataclass(frozen=True)
class PatientFile:
    """One input file, read: its own graph and the patients it describes (sorted by IRI)."""

    path: Path
    graph: Graph
    patients: tuple[URIRef, ...]
    #: Statements of the file outside what a patient record may say (:mod:`.boundary`), removed
    #: from ``graph``.
    refused: tuple[boundary.Refusal, ...] = ()
    #: Records of the file that could not be read (left out of ``graph``), each naming file and line.
    errors: tuple[InputError, ...] = ()
    #: Literals outside their datatype's lexical space (kept, marked ill typed: the shapes report them).
    ill_typed: tuple[tuple, ...] = ()


@dataclass(frozen=True)
class Patients:
    """Every patient file of an input, and their patient data merged in one graph."""

    files: tuple[PatientFile, ...]
    graph: Graph

    @property
    def patients(self) -> list[URIRef]:
        return patients_in(self.graph)


def read_patient_file(path: Path | str) -> PatientFile:
    """Read one patient file with its reader. Raise :class:`InputError` naming file and line."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: file not found")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a patient file (give the files in it, or the folder itself)")
    graph, errors = reader_for(path).read(path)
    refused = tuple(boundary.split(graph, path))
    marked = strict_literals(graph)
    if any(isinstance(s, BNode) for s in graph.subjects(RDF.type, SKG.Patient)):
        raise InputError(f"{path}: a patient is a blank node; give every patient an IRI (for example ex:P1), "
                         "so that its verdicts can be named and written back")
    found = patients_in(graph)
    if not found and errors:
        raise InputError("\n".join(map(str, errors)))
    if not found:
        raise InputError(f"{path}: no skg:Patient found (nothing in it is typed skg:Patient)")
    return PatientFile(path=path, graph=graph, patients=tuple(found), refused=refused, errors=tuple(errors),
                       ill_typed=tuple(marked))


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


def expand(paths: Iterable[Path | str]) -> list[Path]:
    """Files as given; a folder stands for the files under it that a reader takes (sorted): a file
    whose suffix is one of a reader's and that this reader accepts (a ``.json`` file only when FHIR)."""
    out: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and any(
                p.suffix.lower() in reader.suffixes and reader.accepts(p) for reader in READERS))
            out.extend(found or [path])
        else:
            out.append(path)
    return out


def clash(pf: PatientFile, owner: dict[URIRef, Path]) -> InputError | None:
    """The error when a patient of ``pf`` is already described in another file (``owner``)."""
    taken = [p for p in pf.patients if p in owner]
    if not taken:
        return None
    return InputError(f"{pf.path}: patient {curie(taken[0])} is also described in {owner[taken[0]]}; "
                      "patient IRIs must be unique across the input files")


def ill_typed_error(pf: PatientFile) -> InputError:
    """The error for the first literal of ``pf`` outside its datatype's lexical space (for verbs that
    do not run the shapes, which would report it as a violation)."""
    s, p, o = pf.ill_typed[0]
    try:
        text = pf.path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = None
    line = boundary.line_of(text, str(s) if isinstance(s, URIRef) else None, pf.graph.namespaces())
    where = f"{pf.path}:{line}" if line else str(pf.path)
    datatype = str(o.datatype).split(":", 3)[-1] if str(o.datatype).startswith("urn:") else str(o.datatype)
    return InputError(f"{where}: {curie(s)} {curie(p)}: {lexical.explain(str(o), datatype)} "
                      "(run validate for every problem of the file)")


def read_patients(paths: Iterable[Path | str]) -> Patients:
    """Read every file (folders expanded); stop at the first unreadable file or record, repeated
    patient, statement outside what a patient record may say (:mod:`.boundary`) or literal outside
    its datatype's lexical space."""
    files: list[PatientFile] = []
    owner: dict[URIRef, Path] = {}
    merged = Graph()
    bind_prefixes(merged)
    for path in expand(paths):
        pf = read_patient_file(path)
        if pf.errors:
            raise pf.errors[0]
        if pf.refused:
            raise InputError(pf.refused[0].message.replace("; ignored for every verdict", ""))
        if pf.ill_typed:
            raise ill_typed_error(pf)
        error = clash(pf, owner)
        if error is not None:
            raise error
        owner.update(dict.fromkeys(pf.patients, pf.path))
        files.append(pf)
        merged += pf.graph
    if not files:
        raise InputError("no patient file given")
    return Patients(tuple(files), merged)
