"""Reading patient data: the one way every command (validate, classify, recommend, serve) reads it.

This module dispatches by input form and checks what every form gets. Each input form has one
reader class (after KGX's one source per format), in the module of that form:
:class:`~sarcoma_kg.patients.rdf_reader.RdfReader` for Turtle, N-Triples, JSON-LD and RDF/XML (by
suffix), :class:`~sarcoma_kg.patients.csv_mapping.CsvReader` for the tumour-board CSV,
:class:`~sarcoma_kg.patients.fhir.FhirReader` for FHIR R4 mCODE Bundles and NDJSON. :data:`READERS`
lists them in the order they are asked; a new input form is one more class with ``accepts(path)``
and ``read(path) -> (Graph, errors)``, inserted there: ``errors`` are the records that could not be
read (each an :class:`InputError` naming file and line), left out of the graph while the other
records are read. A folder stands for the files under it that some reader accepts.

Every file is read into a graph of its own, holding the patient data only (no ontology, no
knowledge base); statements a patient record may not make (:mod:`.boundary`: about the project's
vocabulary, definitions, criteria or classes) are taken out of it and reported, and literals
outside their datatype's lexical space are marked (:mod:`.lexical_forms`). It is checked: its
patients are IRIs (blank-node patients cannot be named in verdicts), at least one thing is typed
``skg:Patient``, no patient is described in two files. A patient graph follows docs/model.md
("Patient graph"); unknown is absence: a fact that is not in the graph is unknown, never false.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Protocol

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF

from . import boundary
from ..errors import InputError
from ..namespaces import SKG, bind_prefixes
from ..rdf import curie, patients_in
from .csv_mapping import CsvReader
from .fhir import FhirReader
from .lexical_forms import ill_typed_error, strict_literals
from .rdf_reader import RdfReader


class PatientReader(Protocol):
    """One input form of patient data."""

    #: File suffixes this reader takes (lower case, with the dot); a folder is searched for them.
    suffixes: frozenset[str]

    def accepts(self, path: Path) -> bool: ...

    def read(self, path: Path) -> tuple[Graph, list[InputError]]: ...


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
            raise ill_typed_error(pf.path, pf.graph, pf.ill_typed[0])
        error = clash(pf, owner)
        if error is not None:
            raise error
        owner.update(dict.fromkeys(pf.patients, pf.path))
        files.append(pf)
        merged += pf.graph
    if not files:
        raise InputError("no patient file given")
    return Patients(tuple(files), merged)
