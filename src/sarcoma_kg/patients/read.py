"""Reading patient data: the one way every command (validate, classify, recommend, serve) reads it.

Each input form has one reader class (after KGX's one source per format): :class:`RdfReader` for
Turtle, N-Triples, JSON-LD and RDF/XML (by suffix), :class:`CsvReader` for the tumour-board CSV of
:mod:`~sarcoma_kg.patients.csv_mapping`. :data:`READERS` lists them in the order they are asked;
a new input form is one more class with ``accepts(path)`` and ``read(path) -> Graph``, inserted
there. A folder stands for the files under it that some reader accepts.

Every file is read into a graph of its own, holding the patient data only (no ontology, no
knowledge base); statements a patient record may not make (:mod:`.boundary`: about the project's
vocabulary, definitions, criteria or classes) are taken out of it and reported. It is checked: its patients are IRIs (blank-node patients cannot be named in
verdicts), at least one thing is typed ``skg:Patient``. A patient graph follows docs/model.md
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
from ..rdf import curie, parse_into, patients_in, rdf_format
from .csv_mapping import read_csv


class PatientReader(Protocol):
    """One input form of patient data."""

    #: File suffixes this reader takes (lower case, with the dot); a folder is searched for them.
    suffixes: frozenset[str]

    def accepts(self, path: Path) -> bool: ...

    def read(self, path: Path) -> Graph: ...


class RdfReader:
    """Turtle, N-Triples, N3, JSON-LD, RDF/XML; the parser is chosen by the file's suffix
    (:data:`~sarcoma_kg.rdf.RDF_FORMATS`). A ``.json`` file is read as JSON-LD when named, but a
    folder is not searched for ``.json`` files (other JSON lives beside patient data)."""

    suffixes = frozenset({".ttl", ".turtle", ".nt", ".n3", ".jsonld", ".rdf", ".owl"})

    def accepts(self, path: Path) -> bool:
        return True  # any other suffix is read as Turtle

    def read(self, path: Path) -> Graph:
        graph = Graph()
        bind_prefixes(graph)
        return parse_into(graph, path, rdf_format(path))


class CsvReader:
    """The tumour-board spreadsheet, one row per lesion (``.csv``, or ``.tsv`` with tabs)."""

    suffixes = frozenset({".csv", ".tsv"})

    def accepts(self, path: Path) -> bool:
        return path.suffix.lower() in self.suffixes

    def read(self, path: Path) -> Graph:
        return read_csv(path)


#: The readers, asked in this order: the first that accepts a file reads it.
READERS: tuple[PatientReader, ...] = (CsvReader(), RdfReader())


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
    graph = reader_for(path).read(path)
    refused = tuple(boundary.split(graph, path))
    if any(isinstance(s, BNode) for s in graph.subjects(RDF.type, SKG.Patient)):
        raise InputError(f"{path}: a patient is a blank node; give every patient an IRI (for example ex:P1), "
                         "so that its verdicts can be named and written back")
    found = patients_in(graph)
    if not found:
        raise InputError(f"{path}: no skg:Patient found (nothing in it is typed skg:Patient)")
    return PatientFile(path=path, graph=graph, patients=tuple(found), refused=refused)


def expand(paths: Iterable[Path | str]) -> list[Path]:
    """Files as given; a folder stands for the files under it that a reader takes (sorted)."""
    suffixes = frozenset().union(*(reader.suffixes for reader in READERS))
    out: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix.lower() in suffixes and p.is_file())
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
    """Read every file (folders expanded); stop at the first unreadable file, repeated patient or
    statement outside what a patient record may say (:mod:`.boundary`)."""
    files: list[PatientFile] = []
    owner: dict[URIRef, Path] = {}
    merged = Graph()
    bind_prefixes(merged)
    for path in expand(paths):
        pf = read_patient_file(path)
        if pf.refused:
            raise InputError(pf.refused[0].message.replace("; ignored for every verdict", ""))
        error = clash(pf, owner)
        if error is not None:
            raise error
        owner.update(dict.fromkeys(pf.patients, pf.path))
        files.append(pf)
        merged += pf.graph
    if not files:
        raise InputError("no patient file given")
    return Patients(tuple(files), merged)
